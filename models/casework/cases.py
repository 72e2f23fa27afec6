"""Opening and working cases: every write checks the role and leaves an audit row.

Creating needs Perm.CASEWORK_EDIT (population officer, supervisor, administrator); a clerk
is refused here, whatever the window shows. Reading is in casework_views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import peewee as pw

from models.casework import rules as casework_rules
from models.casework.entities import (
    APPLICATION_STATUSES,
    BIRTH_REG,
    CASE_PREFIX,
    CASE_TYPES,
    CHILD_ORIGINS,
    CLOSED,
    FOLLOW_UP_WAYS,
    GENERAL,
    MATERNAL,
    NEEDS_REASON,
    REGISTERED,
    REMINDER_STATUSES,
    REWARD_ASSIST,
    REWARD_CATEGORIES,
    SPECIAL_ASSIST,
    SPECIAL_CATEGORIES,
    STATUSES,
    SUBSIDY,
    TRANSITIONS,
    VALID_STATUSES,
    Case,
    CaseChild,
    CaseStatusChange,
    FollowUp,
    MaternalReminder,
)
from models.core import audit, clock, crud
from models.core.entities import Resident
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm
from models.core.service import service


class CaseworkError(UserFacingError, ValueError):
    """Bad input for a case; the message is shown to the user as it is."""


@dataclass(frozen=True)
class ChildInput:
    """An existing child of the couple, as the officer confirmed it in the form."""

    name: str
    birth_date: dt.date | None = None
    sex: str = "0"
    origin: str = "common"
    deceased: bool = False
    resident_id: int | None = None
    note: str = ""


def _today() -> dt.date:
    return clock.today()


def _resident(resident_id: int | None, what: str, required: bool = True) -> Resident | None:
    if not resident_id:
        if required:
            raise CaseworkError(f"请从人口信息中选择{what}。")
        return None
    person = Resident.get_or_none(Resident.id == resident_id)
    if person is None:
        raise CaseworkError(f"{what}不在人口信息中。")
    return person


def _check_date(day: dt.date | None, what: str, today: dt.date) -> None:
    if day is not None and day > today:
        raise CaseworkError(f"{what}不能晚于今天。")


def _next_case_no(case_type: str, day: dt.date) -> str:
    prefix = f"{CASE_PREFIX[case_type]}{day.year}-"
    last = Case.select(pw.fn.MAX(Case.case_no)).where(Case.case_no.startswith(prefix)).scalar()
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


def _create(
    actor: HasRole, case_type: str, opened_on: dt.date | None, note: str, **fields: Any
) -> Case:
    """The case row, its first status row and their audit rows (caller holds the transaction)."""
    opened_on = opened_on or _today()
    _check_date(opened_on, "登记日期", _today())
    case = crud.create(
        actor,
        Case,
        note=note or CASE_TYPES[case_type],
        case_no=_next_case_no(case_type, opened_on),
        case_type=case_type,
        status=REGISTERED,
        opened_on=opened_on,
        created_by=actor.username,
        **fields,
    )
    CaseStatusChange.create(
        case=case, from_status="", to_status=REGISTERED, on_date=opened_on, username=actor.username
    )
    return case


# -- birth registration ---------------------------------------------------------------------


@service(Perm.CASEWORK_EDIT)
def create_birth_registration(
    actor: HasRole,
    *,
    mother_id: int,
    father_id: int | None,
    children: Sequence[ChildInput],
    birth_order: int,
    order_reason: str = "",
    marriage_date: dt.date | None = None,
    expected_date: dt.date | None = None,
    birth_date: dt.date | None = None,
    child_id: int | None = None,
    child_name: str = "",
    opened_on: dt.date | None = None,
    notes: str = "",
) -> Case:
    """生育登记: the couple, their existing children and the 孩次 being registered.

    The 孩次 the counting rules give is stored beside the one registered; when they differ
    the officer must say why (e.g. a child the register does not know about).
    """
    today = _today()
    mother = _resident(mother_id, "女方")
    father = _resident(father_id, "男方", required=False)
    assert mother is not None
    if mother.sex == "1":
        raise CaseworkError("女方的性别在人口信息中登记为男，请核对。")
    if father is not None and father.sex == "2":
        raise CaseworkError("男方的性别在人口信息中登记为女，请核对。")
    child = _resident(child_id, "子女", required=False)
    if child is not None:
        birth_date = child.birth_date or birth_date
        child_name = child.name
    if birth_date is None and expected_date is None:
        raise CaseworkError("请填写预产期，已出生的请填写出生日期。")
    _check_date(birth_date, "出生日期", today)
    _check_date(marriage_date, "结婚日期", today)
    for item in children:
        if not item.name.strip():
            raise CaseworkError("现有子女须填写姓名。")
        if item.origin not in CHILD_ORIGINS:
            raise CaseworkError(f"未知的子女情况：{item.origin}")
    suggested = casework_rules.birth_order(
        casework_rules.ChildInfo(c.name, c.birth_date, c.origin, c.deceased) for c in children
    )
    if birth_order < 1:
        raise CaseworkError("孩次须为正整数。")
    order_reason = order_reason.strip()
    if birth_order != suggested and not order_reason:
        raise CaseworkError(f"按计算规则应为第{suggested}孩；登记为第{birth_order}孩须填写原因。")
    existing = Case.select().where(
        (Case.case_type == BIRTH_REG)
        & Case.status.in_(VALID_STATUSES)
        & (Case.mother == mother.id)
        & (Case.birth_order == birth_order)
    )
    if existing.exists():
        raise CaseworkError(
            f"{mother.name}的第{birth_order}孩已有生育登记（{existing.get().case_no}）。"
        )
    case = _create(
        actor,
        BIRTH_REG,
        opened_on,
        notes,
        mother=mother.id,
        father=father.id if father else None,
        child=child_id,
        marriage_date=marriage_date,
        expected_date=expected_date,
        birth_date=birth_date,
        child_name=child_name.strip(),
        birth_order=birth_order,
        suggested_order=suggested,
        order_reason=order_reason if birth_order != suggested else "",
        notes=notes.strip(),
    )
    for item in children:
        crud.create(
            actor,
            CaseChild,
            case=case,
            resident=item.resident_id,
            name=item.name.strip(),
            sex=item.sex,
            birth_date=item.birth_date,
            origin=item.origin,
            deceased=item.deceased,
            columns={"note": item.note[:200]},
        )
    return case


# -- childcare subsidy, assistance, maternal reminders, general records -------------------------


@service(Perm.CASEWORK_EDIT)
def create_subsidy(
    actor: HasRole,
    *,
    child_id: int,
    mother_id: int | None = None,
    father_id: int | None = None,
    application_status: str = "applied",
    applied_on: dt.date | None = None,
    opened_on: dt.date | None = None,
    notes: str = "",
) -> Case:
    """育儿补贴 for a child in the register; the months and amount come from the rules."""
    child = _resident(child_id, "婴幼儿")
    assert child is not None
    _resident(mother_id, "母亲", required=False)
    _resident(father_id, "父亲", required=False)
    if child.birth_date is None or not casework_rules.subsidy_months(child.birth_date):
        raise CaseworkError(
            f"{child.name}出生于{child.birth_date}，不在育儿补贴范围内"
            "（2022年1月1日及以后出生、2025年起未满3周岁的月份）。"
        )
    if application_status not in APPLICATION_STATUSES:
        raise CaseworkError(f"未知的申请状态：{application_status}")
    _check_date(applied_on, "申请日期", _today())
    if (
        Case.select()
        .where(
            (Case.case_type == SUBSIDY) & (Case.child == child.id) & Case.status.in_(VALID_STATUSES)
        )
        .exists()
    ):
        raise CaseworkError(f"{child.name}已有育儿补贴个案。")
    if application_status != "not_applied" and applied_on is None:
        applied_on = opened_on or _today()
    return _create(
        actor,
        SUBSIDY,
        opened_on,
        notes,
        child=child.id,
        mother=mother_id,
        father=father_id,
        birth_date=child.birth_date,
        application_status=application_status,
        applied_on=applied_on,
        notes=notes.strip(),
    )


@service(Perm.CASEWORK_EDIT)
def create_assistance(
    actor: HasRole,
    *,
    case_type: str,
    person_id: int,
    category: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    child_id: int | None = None,
    opened_on: dt.date | None = None,
    notes: str = "",
) -> Case:
    """特别扶助 / 奖励扶助 for one recipient (a couple is two cases: paid per person)."""
    categories = {SPECIAL_ASSIST: SPECIAL_CATEGORIES, REWARD_ASSIST: REWARD_CATEGORIES}.get(
        case_type
    )
    if categories is None:
        raise CaseworkError("扶助个案类型有误。")
    if category not in categories:
        raise CaseworkError("请选择扶助类别。")
    person = _resident(person_id, "扶助对象")
    assert person is not None
    _resident(child_id, "子女", required=False)
    if end_date is not None and end_date < start_date:
        raise CaseworkError("终止日期不能早于起始日期。")
    overlap = Case.select().where(
        (Case.case_type == case_type)
        & (Case.person == person.id)
        & Case.status.in_(VALID_STATUSES)
        & ((Case.end_date.is_null()) | (Case.end_date >= start_date))
    )
    if end_date is not None:
        overlap = overlap.where(Case.start_date <= end_date)
    if overlap.exists():
        raise CaseworkError(
            f"{person.name}在该期间已有{CASE_TYPES[case_type]}个案（{overlap.get().case_no}）。"
        )
    return _create(
        actor,
        case_type,
        opened_on,
        notes,
        person=person.id,
        child=child_id,
        category=category,
        start_date=start_date,
        end_date=end_date,
        notes=notes.strip(),
    )


@service(Perm.CASEWORK_EDIT)
def create_assistance_for(actor: HasRole, person_ids: Sequence[int], **kwargs: Any) -> list[Case]:
    """The same assistance for each person (a couple is paid per person), all or none."""
    return [create_assistance(actor, person_id=pid, **kwargs) for pid in person_ids]


@service(Perm.CASEWORK_EDIT)
def create_maternal(
    actor: HasRole,
    *,
    mother_id: int,
    expected_date: dt.date,
    father_id: int | None = None,
    opened_on: dt.date | None = None,
    notes: str = "",
) -> Case:
    """孕产期健康提醒: the visit windows become dated reminders; windows already past when the
    case is opened are marked 登记前已过 rather than left to look overdue."""
    mother = _resident(mother_id, "孕产妇")
    assert mother is not None
    _resident(father_id, "配偶", required=False)
    opened = opened_on or _today()
    if not (opened - dt.timedelta(days=60) <= expected_date <= opened + dt.timedelta(days=300)):
        raise CaseworkError("预产期应在登记日期前60天至后300天之间，请核对。")
    if (
        Case.select()
        .where(
            (Case.case_type == MATERNAL)
            & (Case.mother == mother.id)
            & Case.status.in_((REGISTERED, "in_progress"))
        )
        .exists()
    ):
        raise CaseworkError(f"{mother.name}已有未办结的孕产期提醒个案。")
    case = _create(
        actor,
        MATERNAL,
        opened,
        notes,
        mother=mother.id,
        father=father_id,
        expected_date=expected_date,
        notes=notes.strip(),
    )
    for window in casework_rules.maternal_windows(expected_date):
        MaternalReminder.create(
            case=case,
            visit=window.visit,
            window_start=window.start,
            window_end=window.end,
            status="skipped" if window.end < opened else "pending",
            status_on=opened if window.end < opened else None,
            username=actor.username,
        )
    return case


@service(Perm.CASEWORK_EDIT)
def create_general(
    actor: HasRole,
    *,
    person_id: int,
    subject: str,
    opened_on: dt.date | None = None,
    notes: str = "",
) -> Case:
    """一般服务记录 for any resident, floating residents included."""
    person = _resident(person_id, "服务对象")
    assert person is not None
    if not subject.strip():
        raise CaseworkError("请填写服务事项。")
    return _create(
        actor,
        GENERAL,
        opened_on,
        notes,
        person=person.id,
        subject=subject.strip()[:200],
        notes=notes.strip(),
    )


# -- changing a case -------------------------------------------------------------------------

EDITABLE: dict[str, tuple[str, ...]] = {
    BIRTH_REG: ("marriage_date", "expected_date", "birth_date", "child", "child_name", "notes"),
    SUBSIDY: ("application_status", "applied_on", "notes"),
    SPECIAL_ASSIST: ("category", "start_date", "end_date", "notes"),
    REWARD_ASSIST: ("category", "start_date", "end_date", "notes"),
    MATERNAL: ("expected_date", "birth_date", "discharge_date", "notes"),
    GENERAL: ("subject", "notes"),
}


def _case(case_id: int) -> Case:
    case = Case.get_or_none(Case.id == case_id)
    if case is None:
        raise CaseworkError("个案不存在。")
    return case


@service(Perm.CASEWORK_EDIT)
def update_case(actor: HasRole, case_id: int, note: str = "", **changes: Any) -> Case:
    """Change a case's own fields (those its type has); maternal dates re-date the reminders."""
    case = _case(case_id)
    allowed = EDITABLE[case.case_type]
    unknown = [k for k in changes if k not in allowed]
    if unknown:
        raise CaseworkError(f"{CASE_TYPES[case.case_type]}个案不能修改：{'、'.join(unknown)}")
    today = _today()
    for key in ("birth_date", "discharge_date", "marriage_date", "applied_on"):
        _check_date(changes.get(key), "日期", today)
    if (
        "application_status" in changes
        and changes["application_status"] not in APPLICATION_STATUSES
    ):
        raise CaseworkError("未知的申请状态。")
    if "category" in changes:
        cats = SPECIAL_CATEGORIES if case.case_type == SPECIAL_ASSIST else REWARD_CATEGORIES
        if changes["category"] not in cats:
            raise CaseworkError("请选择扶助类别。")
    start = changes.get("start_date", case.start_date)
    end = changes.get("end_date", case.end_date)
    if start and end and end < start:
        raise CaseworkError("终止日期不能早于起始日期。")
    if changes.get("child"):
        child = _resident(changes["child"], "子女")
        assert child is not None
        changes.setdefault("birth_date", child.birth_date)
        changes.setdefault("child_name", child.name)
    case = crud.update(actor, case, note=note, **changes)
    if case.case_type == MATERNAL and {"expected_date", "birth_date", "discharge_date"} & set(
        changes
    ):
        _redate_reminders(actor, case)
    return case


def _redate_reminders(actor: HasRole, case: Case) -> None:
    """Pending reminders follow new dates; after the birth, the remaining antenatal ones lapse."""
    if case.expected_date is None:
        return
    windows = {
        w.visit: w
        for w in casework_rules.maternal_windows(
            case.expected_date, case.birth_date, case.discharge_date
        )
    }
    antenatal = ("early", "w16_20", "w21_24", "w28_36", "w37_40")
    for reminder in MaternalReminder.select().where(
        (MaternalReminder.case == case.id) & (MaternalReminder.status == "pending")
    ):
        window = windows[reminder.visit]
        before = audit.snapshot(reminder)
        if case.birth_date and reminder.visit in antenatal and window.start > case.birth_date:
            reminder.status = "skipped"
            reminder.status_on = case.birth_date
        reminder.window_start, reminder.window_end = window.start, window.end
        after = audit.snapshot(reminder)
        old, new = audit.changed(before, after)
        if new:
            reminder.save()
            audit.record(
                actor.username,
                audit.Action.UPDATE,
                "casework_reminder",
                reminder.id,
                old,
                new,
                "随日期调整",
            )


@service(Perm.CASEWORK_EDIT)
def change_status(
    actor: HasRole, case_id: int, to_status: str, on_date: dt.date | None = None, reason: str = ""
) -> Case:
    """One step of the workflow, dated; 已转办 and 已撤销 need a reason."""
    case = _case(case_id)
    on_date = on_date or _today()
    reason = reason.strip()
    if to_status not in TRANSITIONS.get(case.status, ()):
        raise CaseworkError(
            f"个案当前为“{STATUSES[case.status]}”，不能改为“{STATUSES.get(to_status, to_status)}”。"
        )
    if to_status in NEEDS_REASON and not reason:
        raise CaseworkError(f"“{STATUSES[to_status]}”须填写原因。")
    _check_date(on_date, "办理日期", _today())
    if on_date < case.opened_on:
        raise CaseworkError("办理日期不能早于登记日期。")
    CaseStatusChange.create(
        case=case,
        from_status=case.status,
        to_status=to_status,
        on_date=on_date,
        reason=reason[:200],
        username=actor.username,
    )
    final = to_status in (CLOSED, *NEEDS_REASON)
    case = crud.update(
        actor,
        case,
        note=reason or STATUSES[to_status],
        status=to_status,
        closed_on=on_date if final else None,
    )
    return case


@service(Perm.CASEWORK_EDIT)
def add_follow_up(
    actor: HasRole,
    case_id: int,
    on_date: dt.date,
    way: str,
    note: str = "",
    next_date: dt.date | None = None,
) -> FollowUp:
    """随访: the visit and, if more is needed, the date of the next one (the worklist's due
    date)."""
    case = _case(case_id)
    if way not in FOLLOW_UP_WAYS:
        raise CaseworkError("请选择随访方式。")
    _check_date(on_date, "随访日期", _today())
    if on_date < case.opened_on:
        raise CaseworkError("随访日期不能早于登记日期。")
    if next_date is not None and next_date <= on_date:
        raise CaseworkError("下次随访日期须晚于本次随访日期。")
    return crud.create(
        actor,
        FollowUp,
        case.case_no,
        case=case,
        on_date=on_date,
        way=way,
        next_date=next_date,
        username=actor.username,
        columns={"note": note.strip()},
    )


@service(Perm.CASEWORK_EDIT)
def set_reminder_status(
    actor: HasRole, reminder_id: int, status: str, on_date: dt.date | None = None
) -> MaternalReminder:
    """Status only (reminded, done, referred): the clinical results stay with the health centre."""
    if status not in REMINDER_STATUSES:
        raise CaseworkError("未知的提醒状态。")
    reminder = MaternalReminder.get_or_none(MaternalReminder.id == reminder_id)
    if reminder is None:
        raise CaseworkError("提醒不存在。")
    on_date = on_date or _today()
    _check_date(on_date, "日期", _today())
    before = audit.snapshot(reminder)
    reminder.status = status
    reminder.status_on = on_date if status != "pending" else None
    reminder.username = actor.username
    reminder.updated_at = clock.now()
    reminder.save()
    old, new = audit.changed(before, audit.snapshot(reminder))
    new.pop("updated_at", None)
    old.pop("updated_at", None)
    audit.record(actor.username, audit.Action.UPDATE, "casework_reminder", reminder.id, old, new)
    return reminder


@service(Perm.CASEWORK_EDIT)
def record_payment(actor: HasRole, case_id: int, amount_fen: int, paid_on: dt.date) -> Case:
    """A subsidy payment made: adds to what was paid and marks the application 已发放."""
    case = _case(case_id)
    if case.case_type != SUBSIDY:
        raise CaseworkError("只有育儿补贴个案登记发放。")
    if amount_fen <= 0:
        raise CaseworkError("发放金额须大于0。")
    _check_date(paid_on, "发放日期", _today())
    return crud.update(
        actor,
        case,
        note="登记发放",
        paid_fen=case.paid_fen + amount_fen,
        last_paid_on=paid_on,
        application_status="paid",
    )
