"""Events: create, edit, cancel, record the outcome, and list them for the tab and calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from typing import Any

import peewee as pw

from models.core import audit, clock, crud, settings
from models.core.db import as_dict
from models.core.entities import Compound
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm
from models.core.service import service
from models.events.entities import (
    CANCELLED,
    EVENT_TYPES,
    HELD,
    PLANNED,
    STATUS_NAMES,
    Event,
    EventPhoto,
    EventTask,
    type_name,
)


class EventError(UserFacingError, ValueError):
    """Bad input for an event; the message is shown to the user as it is."""


@dataclass
class PlanFields:
    """The editable activity plan (活动方案), as the dialog and the templates hold it."""

    title: str = ""
    event_type: str = "other"
    compound_id: int | None = None
    event_date: dt.date = field(default_factory=clock.today)
    start_time: str = ""
    end_time: str = ""
    place: str = ""
    audience: str = ""
    expected_count: int = 0
    purpose: str = ""
    content: str = ""
    running_order: str = ""
    publicity_plan: str = ""
    rules: str = ""
    safety_plan: str = ""
    cleanup: str = ""


PLAN_FIELD_NAMES = [f.name for f in fields(PlanFields)]


@dataclass(frozen=True)
class EventInfo:
    id: int
    plan: PlanFields
    compound_name: str
    status: str
    cancel_reason: str
    head_count: int | None
    summary: str
    brief_year: int | None
    brief_no: int | None
    brief_date: dt.date | None
    brief_to: str
    brief_cc: str
    brief_copies: int
    template_key: str
    created_by: str

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def type_name(self) -> str:
        return type_name(self.plan.event_type)

    @property
    def time_text(self) -> str:
        if self.plan.start_time and self.plan.end_time:
            return f"{self.plan.start_time}—{self.plan.end_time}"
        return self.plan.start_time


@dataclass(frozen=True)
class EventRow:
    id: int
    event_date: dt.date
    start_time: str
    title: str
    event_type: str
    compound_id: int | None
    compound_name: str
    place: str
    status: str
    expected_count: int
    head_count: int | None
    tasks_total: int
    tasks_done: int
    tasks_overdue: int
    photos: int

    @property
    def type_name(self) -> str:
        return type_name(self.event_type)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def progress_text(self) -> str:
        if not self.tasks_total:
            return ""
        text = f"{self.tasks_done}/{self.tasks_total}"
        return f"{text}（{self.tasks_overdue}项逾期）" if self.tasks_overdue else text


@dataclass(frozen=True)
class EventFilter:
    compound_id: int | None = None
    event_type: str | None = None
    when: str = "all"  # "upcoming" (today on), "past" (before today), "all"
    status: str | None = None
    text: str = ""
    day: dt.date | None = None
    month: tuple[int, int] | None = None  # (year, month)


def _clean_plan(plan: PlanFields) -> PlanFields:
    title = plan.title.strip()
    if not title:
        raise EventError("活动主题不能为空。")
    if len(title) > 100:
        raise EventError("活动主题不能超过100个字。")
    if plan.event_type not in EVENT_TYPES:
        raise EventError(f"未知的活动类型“{plan.event_type}”。")
    if plan.expected_count < 0:
        raise EventError("预计人数不能为负数。")
    for name in ("start_time", "end_time"):
        value = getattr(plan, name).strip()
        if value:
            try:
                dt.datetime.strptime(value, "%H:%M")
            except ValueError as exc:
                raise EventError(f"时间“{value}”的格式应为 19:00。") from exc
    if plan.start_time and plan.end_time and plan.end_time < plan.start_time:
        raise EventError("结束时间早于开始时间。")
    if (
        plan.compound_id is not None
        and not Compound.select().where(Compound.id == plan.compound_id).exists()
    ):
        raise EventError("所选小区不存在。")
    cleaned = replace(plan, title=title)
    for name in PLAN_FIELD_NAMES:
        value = getattr(cleaned, name)
        if isinstance(value, str) and name != "title":
            setattr(cleaned, name, value.strip())
    return cleaned


def _plan_values(plan: PlanFields) -> dict[str, Any]:
    values = {name: getattr(plan, name) for name in PLAN_FIELD_NAMES}
    values["compound"] = values.pop("compound_id")
    return values


@service(Perm.EVENTS_EDIT)
def create_event(actor: HasRole, plan: PlanFields, template_key: str = "") -> int:
    """A new planned event; the brief's recipients start from the settings."""
    plan = _clean_plan(plan)
    event = crud.create(
        actor,
        Event,
        template_key=template_key,
        created_by=actor.username,
        brief_to=settings.get("street_office"),
        brief_cc="社区各小区牵头单位",
        **_plan_values(plan),
    )
    return event.id


def load_event(event_id: int) -> Event:
    event = Event.get_or_none(Event.id == event_id)
    if event is None:
        raise EventError("找不到该活动（可能已被其他用户修改）。")
    return event


def compound_name(event: Event) -> str:
    compound = event.compound if event.__data__.get("compound") else None
    return compound.name if compound is not None else ""


def get_event(event_id: int) -> EventInfo:
    event = load_event(event_id)
    compound_id = event.__data__.get("compound")
    plan = PlanFields(
        **{name: getattr(event, name) for name in PLAN_FIELD_NAMES if name != "compound_id"},
        compound_id=compound_id,
    )
    return EventInfo(
        id=event.id,
        plan=plan,
        compound_name=compound_name(event),
        status=event.status,
        cancel_reason=event.cancel_reason,
        head_count=event.head_count,
        summary=event.summary,
        brief_year=event.brief_year,
        brief_no=event.brief_no,
        brief_date=event.brief_date,
        brief_to=event.brief_to,
        brief_cc=event.brief_cc,
        brief_copies=event.brief_copies,
        template_key=event.template_key,
        created_by=event.created_by,
    )


@service(Perm.EVENTS_EDIT)
def update_plan(actor: HasRole, event_id: int, plan: PlanFields) -> None:
    event = load_event(event_id)
    if event.status == CANCELLED:
        raise EventError("该活动已取消，不能再修改方案。")
    plan = _clean_plan(plan)
    crud.update(actor, event, **_plan_values(plan))


@service(Perm.EVENTS_EDIT)
def cancel_event(actor: HasRole, event_id: int, reason: str) -> None:
    """Cancel, never delete: the event stays in the list and the audit log with its reason."""
    reason = reason.strip()
    if not reason:
        raise EventError("请填写取消原因。")
    event = load_event(event_id)
    if event.status == CANCELLED:
        raise EventError("该活动已经取消。")
    if event.status == HELD:
        raise EventError("该活动已经举办，不能取消。")
    crud.update(actor, event, note="取消活动", status=CANCELLED, cancel_reason=reason[:200])


@service(Perm.EVENTS_EDIT)
def reopen_event(actor: HasRole, event_id: int) -> None:
    """Undo a cancellation made by mistake (the reason stays in the audit log)."""
    event = load_event(event_id)
    if event.status != CANCELLED:
        raise EventError("只有已取消的活动可以恢复。")
    crud.update(actor, event, note="恢复活动", status=PLANNED, cancel_reason="")


@service(Perm.EVENTS_EDIT)
def record_outcome(
    actor: HasRole, event_id: int, head_count: int | None, summary: str, mark_held: bool = True
) -> None:
    """Head count and summary after the day; marks the event held (not before its date)."""
    event = load_event(event_id)
    if event.status == CANCELLED:
        raise EventError("该活动已取消，不能登记举办情况。")
    if head_count is not None and head_count < 0:
        raise EventError("实到人数不能为负数。")
    changes: dict[str, Any] = {"head_count": head_count, "summary": summary.strip()}
    if mark_held and event.status != HELD:
        if event.event_date > clock.today():
            raise EventError("活动日期还没到，不能记为已举办。")
        changes["status"] = HELD
    crud.update(actor, event, **changes)


@service(Perm.EVENTS_EDIT)
def set_brief_options(actor: HasRole, event_id: int, to: str, cc: str, copies: int) -> None:
    if copies < 1 or copies > 999:
        raise EventError("印数应在1至999份之间。")
    crud.update(
        actor, load_event(event_id), brief_to=to.strip(), brief_cc=cc.strip(), brief_copies=copies
    )


@service(Perm.REPORTS_PRINT)
def assign_brief_issue(
    actor: HasRole, event_id: int, on_date: dt.date | None = None
) -> tuple[int, int, dt.date]:
    """The brief's issue number (第×期), counted per calendar year; a reprint keeps its number.

    The date is the day the brief is first printed (or the event's day, if that is later).
    """
    event = load_event(event_id)
    if event.brief_no is not None and event.brief_year is not None and event.brief_date:
        return event.brief_year, event.brief_no, event.brief_date
    day = on_date or max(clock.today(), event.event_date)
    last = (
        Event.select(pw.fn.MAX(Event.brief_no)).where(Event.brief_year == day.year).scalar()
    ) or 0
    crud.update(
        actor, event, note="编发简报", brief_year=day.year, brief_no=last + 1, brief_date=day
    )
    return day.year, last + 1, day


def _events_query(flt: EventFilter, today: dt.date) -> pw.ModelSelect[Event]:
    query = Event.select(Event, Compound).join(Compound, pw.JOIN.LEFT_OUTER)
    if flt.compound_id is not None:
        query = query.where(Event.compound == flt.compound_id)
    if flt.event_type:
        query = query.where(Event.event_type == flt.event_type)
    if flt.status:
        query = query.where(Event.status == flt.status)
    if flt.when == "upcoming":
        query = query.where(Event.event_date >= today)
    elif flt.when == "past":
        query = query.where(Event.event_date < today)
    if flt.day is not None:
        query = query.where(Event.event_date == flt.day)
    if flt.month is not None:
        first = dt.date(flt.month[0], flt.month[1], 1)
        after = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        query = query.where((Event.event_date >= first) & (Event.event_date < after))
    text = flt.text.strip()
    if text:
        query = query.where(
            Event.title.contains(text) | Event.place.contains(text) | Compound.name.contains(text)
        )
    return query


def list_events(flt: EventFilter | None = None, today: dt.date | None = None) -> list[EventRow]:
    """Events matching *flt*: upcoming ones soonest first, past ones most recent first."""
    flt = flt or EventFilter()
    today = today or clock.today()
    query = _events_query(flt, today)
    if flt.when == "upcoming":
        query = query.order_by(Event.event_date, Event.start_time, Event.id)
    else:
        query = query.order_by(Event.event_date.desc(), Event.start_time.desc(), Event.id.desc())
    events = list(query)
    ids = [e.id for e in events]
    open_tasks = (EventTask.archived == False) & EventTask.event.in_(ids)  # noqa: E712
    total = as_dict(
        EventTask.select(EventTask.event, pw.fn.COUNT(EventTask.id))
        .where(open_tasks)
        .group_by(EventTask.event)
    )
    done = as_dict(
        EventTask.select(EventTask.event, pw.fn.COUNT(EventTask.id))
        .where(open_tasks & (EventTask.done == True))  # noqa: E712
        .group_by(EventTask.event)
    )
    overdue = as_dict(
        EventTask.select(EventTask.event, pw.fn.COUNT(EventTask.id))
        .where(
            open_tasks
            & (EventTask.done == False)  # noqa: E712
            & (EventTask.due_date < today)
        )
        .group_by(EventTask.event)
    )
    photos = as_dict(
        EventPhoto.select(EventPhoto.event, pw.fn.COUNT(EventPhoto.id))
        .where((EventPhoto.archived == False) & EventPhoto.event.in_(ids))  # noqa: E712
        .group_by(EventPhoto.event)
    )
    rows = []
    for e in events:
        compound_id = e.__data__.get("compound")
        rows.append(
            EventRow(
                id=e.id,
                event_date=e.event_date,
                start_time=e.start_time,
                title=e.title,
                event_type=e.event_type,
                compound_id=compound_id,
                compound_name=compound_name(e),
                place=e.place,
                status=e.status,
                expected_count=e.expected_count,
                head_count=e.head_count,
                tasks_total=total.get(e.id, 0),
                tasks_done=done.get(e.id, 0),
                tasks_overdue=0 if e.status == CANCELLED else overdue.get(e.id, 0),
                photos=photos.get(e.id, 0),
            )
        )
    return rows


def event_days(year: int, month: int, flt: EventFilter | None = None) -> dict[dt.date, list[str]]:
    """{day: [status, …]} for one month's calendar (the filter's day and month are ignored)."""
    flt = replace(flt or EventFilter(), day=None, month=(year, month), when="all")
    days: dict[dt.date, list[str]] = {}
    for e in _events_query(flt, clock.today()).order_by(Event.event_date):
        days.setdefault(e.event_date, []).append(e.status)
    return days


def brief_title(*, issuing_unit: str | None = None) -> str:
    """The masthead: the "brief_title" setting, else "南关社区工作简报" from the issuing unit.

    With *issuing_unit*, the title derived from that unit whatever the setting (the settings
    dialog shows it as what an empty title means).
    """
    if issuing_unit is None:
        configured = settings.get("brief_title").strip()
        if configured:
            return configured
    unit = settings.get("issuing_unit") if issuing_unit is None else issuing_unit.strip()
    if "街道" in unit:
        unit = unit.rsplit("街道", 1)[1] or unit
    for suffix in ("居民委员会", "居委会"):
        unit = unit.removesuffix(suffix)
    return f"{unit or '社区'}工作简报"


@service(None)
def audit_note(actor: HasRole, event_id: int, action: audit.Action, note: str) -> None:
    """A plain audit row for things that change no column (e.g. a printout made)."""
    audit.record(actor.username, action, "event", event_id, None, None, note)


def clock_text(hhmm: str) -> str:
    """ "19:00" → "19时", "09:30" → "9时30分" (the way official text writes a time)."""
    hours, _, minutes = hhmm.partition(":")
    text = f"{int(hours)}时"
    return text + (f"{int(minutes)}分" if minutes and int(minutes) else "")
