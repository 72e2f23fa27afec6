"""Preparing an event: the checklist, the publicity log, the staff and the budget lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from models.core import clock, crud
from models.core.db import as_dict
from models.core.entities import User, now
from models.core.permissions import HasRole, Perm, require
from models.core.service import service
from models.events import service as events_service
from models.events.entities import (
    CANCELLED,
    EventBudgetLine,
    EventPublicity,
    EventStaff,
    EventTask,
)
from models.events.service import EventError, load_event


@dataclass(frozen=True)
class TaskRow:
    id: int
    title: str
    owner: str
    due_date: dt.date | None
    done: bool
    done_by: str  # display name of who ticked it
    done_at: dt.datetime | None
    overdue: bool


@dataclass(frozen=True)
class PublicityRow:
    id: int
    channel: str
    posted_on: dt.date
    content: str
    username: str


@dataclass
class StaffLine:
    role: str = ""
    name: str = ""
    phone: str = ""
    id: int | None = None


@dataclass
class BudgetLine:
    item: str = ""
    quantity: str = ""
    budget_fen: int = 0
    actual_fen: int | None = None
    note: str = ""
    id: int | None = None


@dataclass(frozen=True)
class BudgetTotals:
    budget_fen: int
    actual_fen: int
    lines_spent: int  # lines with an actual amount

    @property
    def balance_fen(self) -> int:
        return self.budget_fen - self.actual_fen


def _writable(event_id: int, actor: HasRole) -> None:
    require(actor, Perm.EVENTS_EDIT)
    if load_event(event_id).status == CANCELLED:
        raise EventError("该活动已取消，不能再修改。")


# -- checklist ------------------------------------------------------------------------
def tasks(event_id: int, today: dt.date | None = None) -> list[TaskRow]:
    today = today or clock.today()
    cancelled = load_event(event_id).status == CANCELLED
    names = as_dict(User.select(User.username, User.display_name))
    query = (
        EventTask.select()
        .where((EventTask.event == event_id) & (EventTask.archived == False))  # noqa: E712
        .order_by(EventTask.sort, EventTask.id)
    )
    return [
        TaskRow(
            t.id,
            t.title,
            t.owner,
            t.due_date,
            t.done,
            names.get(t.done_by, t.done_by),
            t.done_at,
            overdue=(
                not cancelled and not t.done and t.due_date is not None and t.due_date < today
            ),
        )
        for t in query
    ]


@service(Perm.EVENTS_EDIT)
def add_task(
    actor: HasRole, event_id: int, title: str, owner: str = "", due_date: dt.date | None = None
) -> int:
    _writable(event_id, actor)
    title = title.strip()
    if not title:
        raise EventError("准备事项不能为空。")
    last = (
        EventTask.select(EventTask.sort)
        .where(EventTask.event == event_id)
        .order_by(EventTask.sort.desc())
        .scalar()
    ) or 0
    task = crud.create(
        actor,
        EventTask,
        event=event_id,
        title=title[:200],
        owner=owner.strip()[:50],
        due_date=due_date,
        sort=last + 1,
    )
    return task.id


@service(Perm.EVENTS_EDIT)
def update_task(
    actor: HasRole, task_id: int, title: str, owner: str, due_date: dt.date | None
) -> None:
    task = EventTask.get_by_id(task_id)
    _writable(task.__data__["event"], actor)
    if not title.strip():
        raise EventError("准备事项不能为空。")
    crud.update(actor, task, title=title.strip()[:200], owner=owner.strip()[:50], due_date=due_date)


@service(Perm.EVENTS_EDIT)
def set_task_done(actor: HasRole, task_id: int, done: bool, on: dt.date | None = None) -> None:
    """Tick or untick an item; who ticked it and when are kept with it.

    *on* is the day it was done when the clerk records it afterwards (an event already
    held); it is kept as that day's midnight, which the list shows as a date alone.
    """
    task = EventTask.get_by_id(task_id)
    _writable(task.__data__["event"], actor)
    if task.done == done:
        return
    done_at = now() if done else None
    if done and on is not None and on != clock.today():
        if on > clock.today():
            raise EventError("完成日期不能晚于今天。")
        done_at = dt.datetime.combine(on, dt.time())
    crud.update(actor, task, done=done, done_by=actor.username if done else "", done_at=done_at)


@service(Perm.EVENTS_EDIT)
def archive_task(actor: HasRole, task_id: int) -> None:
    task = EventTask.get_by_id(task_id)
    _writable(task.__data__["event"], actor)
    crud.archive(actor, task, note="移除准备事项")


# -- publicity log --------------------------------------------------------------------
def publicity(event_id: int) -> list[PublicityRow]:
    query = (
        EventPublicity.select()
        .where((EventPublicity.event == event_id) & (EventPublicity.archived == False))  # noqa: E712
        .order_by(EventPublicity.posted_on, EventPublicity.id)
    )
    return [PublicityRow(p.id, p.channel, p.posted_on, p.content, p.username) for p in query]


@service(Perm.EVENTS_EDIT)
def add_publicity(
    actor: HasRole, event_id: int, channel: str, posted_on: dt.date, content: str
) -> int:
    _writable(event_id, actor)
    channel = channel.strip()
    if not channel:
        raise EventError("请填写宣传渠道（如居民微信群、社区宣传栏）。")
    row = crud.create(
        actor,
        EventPublicity,
        event=event_id,
        channel=channel[:50],
        posted_on=posted_on,
        content=content.strip(),
        username=actor.username,
    )
    return row.id


@service(Perm.EVENTS_EDIT)
def archive_publicity(actor: HasRole, row_id: int) -> None:
    row = EventPublicity.get_by_id(row_id)
    _writable(row.__data__["event"], actor)
    crud.archive(actor, row, note="移除宣传记录")


# -- staff and budget: edited as a grid, saved as a whole -----------------------------
def staff(event_id: int) -> list[StaffLine]:
    query = (
        EventStaff.select()
        .where((EventStaff.event == event_id) & (EventStaff.archived == False))  # noqa: E712
        .order_by(EventStaff.sort, EventStaff.id)
    )
    return [StaffLine(s.role, s.name, s.phone, s.id) for s in query]


@service(Perm.EVENTS_EDIT)
def save_staff(actor: HasRole, event_id: int, lines: list[StaffLine]) -> None:
    """Make the stored staff list equal to *lines*: update, add, archive what was removed."""
    _writable(event_id, actor)
    lines = [x for x in lines if x.role.strip() or x.name.strip()]
    current = {
        s.id: s
        for s in EventStaff.select().where(
            (EventStaff.event == event_id) & (EventStaff.archived == False)
        )
    }  # noqa: E712
    for sort, line in enumerate(lines, 1):
        values: dict[str, Any] = {
            "role": line.role.strip()[:50],
            "name": line.name.strip()[:50],
            "phone": line.phone.strip()[:30],
            "sort": sort,
        }
        if line.id in current:
            crud.update(actor, current.pop(line.id), **values)
        else:
            crud.create(actor, EventStaff, event=event_id, **values)
    for left in current.values():
        crud.archive(actor, left, note="移除工作人员")


def budget(event_id: int) -> list[BudgetLine]:
    query = (
        EventBudgetLine.select()
        .where((EventBudgetLine.event == event_id) & (EventBudgetLine.archived == False))  # noqa: E712
        .order_by(EventBudgetLine.sort, EventBudgetLine.id)
    )
    return [BudgetLine(b.item, b.quantity, b.budget_fen, b.actual_fen, b.note, b.id) for b in query]


@service(Perm.EVENTS_EDIT)
def save_budget(actor: HasRole, event_id: int, lines: list[BudgetLine]) -> None:
    _writable(event_id, actor)
    lines = [x for x in lines if x.item.strip()]
    for line in lines:
        if line.budget_fen < 0 or (line.actual_fen is not None and line.actual_fen < 0):
            raise EventError(f"“{line.item}”的金额不能为负数。")
    current = {
        b.id: b
        for b in EventBudgetLine.select().where(
            (EventBudgetLine.event == event_id) & (EventBudgetLine.archived == False)
        )
    }  # noqa: E712
    for sort, line in enumerate(lines, 1):
        values: dict[str, Any] = {
            "item": line.item.strip()[:100],
            "quantity": line.quantity.strip()[:30],
            "budget_fen": line.budget_fen,
            "actual_fen": line.actual_fen,
            "note": line.note.strip()[:200],
            "sort": sort,
        }
        if line.id in current:
            crud.update(actor, current.pop(line.id), **values)
        else:
            crud.create(actor, EventBudgetLine, event=event_id, **values)
    for left in current.values():
        crud.archive(actor, left, note="移除预算项目")


def budget_totals(event_id: int) -> BudgetTotals:
    lines = budget(event_id)
    return BudgetTotals(
        budget_fen=sum(x.budget_fen for x in lines),
        actual_fen=sum(x.actual_fen or 0 for x in lines),
        lines_spent=sum(1 for x in lines if x.actual_fen is not None),
    )


@dataclass(frozen=True)
class OutcomeInput:
    """What the outcome page holds: recorded only when the event was held or has figures."""

    held: bool
    head_count: int | None
    summary: str
    brief_to: str
    brief_cc: str
    copies: int


@service(Perm.EVENTS_EDIT)
def save_event(
    actor: HasRole,
    event_id: int,
    plan: events_service.PlanFields,
    staff: list[StaffLine],
    budget: list[BudgetLine],
    outcome: OutcomeInput,
) -> None:
    """The event window's 保存: plan, staff, budget and outcome in one transaction (each part
    with its own checks and audit rows), so a refusal anywhere leaves nothing half-saved."""
    events_service.update_plan(actor, event_id, plan)
    save_staff(actor, event_id, staff)
    save_budget(actor, event_id, budget)
    if outcome.held or outcome.head_count is not None or outcome.summary.strip():
        events_service.record_outcome(
            actor, event_id, outcome.head_count, outcome.summary, mark_held=outcome.held
        )
    events_service.set_brief_options(
        actor, event_id, outcome.brief_to, outcome.brief_cc, outcome.copies
    )
