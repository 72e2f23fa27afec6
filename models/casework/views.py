"""Reading cases: lists with masked IDs, and the detail of one case, whose every opening is logged.

Case data is sensitive personal information (domain notes §8: pregnancy, health, children):
every function here requires Perm.CASEWORK_VIEW, so a clerk is refused by the service itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.casework import rules as casework_rules
from models.casework.cases import CaseworkError
from models.casework.entities import (
    APPLICATION_STATUSES,
    BIRTH_REG,
    CASE_TYPES,
    CHILD_ORIGINS,
    FOLLOW_UP_WAYS,
    MATERNAL,
    REMINDER_STATUSES,
    REWARD_ASSIST,
    REWARD_CATEGORIES,
    SPECIAL_ASSIST,
    SPECIAL_CATEGORIES,
    STATUSES,
    SUBSIDY,
    TRANSITIONS,
    Case,
    CaseChild,
    CaseStatusChange,
    FollowUp,
    MaternalReminder,
)
from models.casework.people import PersonRef, people
from models.casework.rates import RateTable
from models.casework.rules import VISITS, AmountDue
from models.core import audit, clock
from models.core.db import database
from models.core.entities import Resident
from models.core.permissions import HasRole, Perm, require
from models.core.service import service

CATEGORY_NAMES = {**SPECIAL_CATEGORIES, **REWARD_CATEGORIES}


def primary_person_id(case: Case) -> int | None:
    """Whom a list row names: the mother, the child, or the recipient."""
    data = case.__data__
    if case.case_type in (BIRTH_REG, MATERNAL):
        return data.get("mother") or data.get("father")
    if case.case_type == SUBSIDY:
        return data.get("child")
    return data.get("person")


@dataclass(frozen=True)
class CaseRow:
    id: int
    case_no: str
    case_type: str
    type_name: str
    status: str
    status_name: str
    opened_on: dt.date
    person_name: str
    masked_id: str
    compound: str
    summary: str
    next_date: dt.date | None  # next follow-up


@dataclass(frozen=True)
class ChildRow:
    name: str
    sex: str
    birth_date: dt.date | None
    origin: str
    origin_name: str
    deceased: bool
    counts: bool
    note: str
    resident_id: int | None


@dataclass(frozen=True)
class StatusRow:
    on_date: dt.date
    from_name: str
    to_name: str
    reason: str
    username: str


@dataclass(frozen=True)
class FollowUpRow:
    id: int
    on_date: dt.date
    way: str
    way_name: str
    note: str
    next_date: dt.date | None
    username: str


@dataclass(frozen=True)
class ReminderRow:
    id: int
    visit: str
    label: str
    window_start: dt.date
    window_end: dt.date
    status: str
    status_name: str
    status_on: dt.date | None
    overdue: bool


@dataclass
class CaseDetail:
    id: int
    case_no: str
    case_type: str
    type_name: str
    status: str
    status_name: str
    opened_on: dt.date
    closed_on: dt.date | None
    mother: PersonRef | None
    father: PersonRef | None
    child: PersonRef | None
    person: PersonRef | None
    subject: str
    notes: str
    created_by: str
    marriage_date: dt.date | None = None
    expected_date: dt.date | None = None
    birth_date: dt.date | None = None
    discharge_date: dt.date | None = None
    child_name: str = ""
    birth_order: int | None = None
    suggested_order: int | None = None
    order_reason: str = ""
    deadline: dt.date | None = None  # birth registration: six months after the birth
    deadline_provisional: bool = False  # counted from the expected date
    application_status: str = ""
    application_name: str = ""
    applied_on: dt.date | None = None
    paid_fen: int = 0
    last_paid_on: dt.date | None = None
    subsidy: AmountDue | None = None
    subsidy_due_to_date_fen: int = 0
    third_birthday: dt.date | None = None
    category: str = ""
    category_name: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    monthly_fen: int | None = None  # assistance rate in force this month
    children: list[ChildRow] = field(default_factory=list)
    history: list[StatusRow] = field(default_factory=list)
    follow_ups: list[FollowUpRow] = field(default_factory=list)
    reminders: list[ReminderRow] = field(default_factory=list)
    transitions: list[tuple[str, str]] = field(default_factory=list)  # (code, name)

    @property
    def primary(self) -> PersonRef | None:
        if self.case_type in (BIRTH_REG, MATERNAL):
            return self.mother or self.father
        if self.case_type == SUBSIDY:
            return self.child
        return self.person

    @property
    def next_date(self) -> dt.date | None:
        return self.follow_ups[-1].next_date if self.follow_ups else None


def rate_kind(case: Case) -> str | None:
    if case.case_type == SUBSIDY:
        return "subsidy"
    if case.case_type in (SPECIAL_ASSIST, REWARD_ASSIST):
        return str(case.category) if case.category else None
    return None


def subsidy_due(birth: dt.date, rates: RateTable) -> AmountDue:
    months = casework_rules.subsidy_months(birth)
    return casework_rules.amount_due(months, lambda m: rates.monthly_fen("subsidy", m))


@service(Perm.CASEWORK_VIEW, write=False)
def get_case(
    actor: HasRole, case_id: int, *, log_view: bool = True, as_of: dt.date | None = None
) -> CaseDetail:
    """One case in full. Each opening is an audit row "view" (who, when, which case)."""
    case = Case.get_or_none(Case.id == case_id)
    if case is None:
        raise CaseworkError("个案不存在。")
    today = as_of or clock.today()
    if log_view:
        with database.atomic():
            audit.record(
                actor.username, audit.Action.VIEW, "casework_case", case.id, note=case.case_no
            )
    data = case.__data__
    refs = people([data.get("mother"), data.get("father"), data.get("child"), data.get("person")])
    detail = CaseDetail(
        id=case.id,
        case_no=case.case_no,
        case_type=case.case_type,
        type_name=CASE_TYPES[case.case_type],
        status=case.status,
        status_name=STATUSES[case.status],
        opened_on=case.opened_on,
        closed_on=case.closed_on,
        mother=refs.get(data.get("mother") or 0),
        father=refs.get(data.get("father") or 0),
        child=refs.get(data.get("child") or 0),
        person=refs.get(data.get("person") or 0),
        subject=case.subject,
        notes=case.notes,
        created_by=case.created_by,
        marriage_date=case.marriage_date,
        expected_date=case.expected_date,
        birth_date=case.birth_date,
        discharge_date=case.discharge_date,
        child_name=case.child_name,
        birth_order=case.birth_order,
        suggested_order=case.suggested_order,
        order_reason=case.order_reason,
        application_status=case.application_status,
        application_name=APPLICATION_STATUSES.get(case.application_status, ""),
        applied_on=case.applied_on,
        paid_fen=case.paid_fen,
        last_paid_on=case.last_paid_on,
        category=case.category,
        category_name=CATEGORY_NAMES.get(case.category, ""),
        start_date=case.start_date,
        end_date=case.end_date,
    )
    if case.case_type == BIRTH_REG:
        base = case.birth_date or case.expected_date
        detail.deadline = casework_rules.registration_deadline(base) if base else None
        detail.deadline_provisional = case.birth_date is None
        detail.children = [
            ChildRow(
                c.name,
                c.sex,
                c.birth_date,
                c.origin,
                CHILD_ORIGINS.get(c.origin, c.origin),
                c.deceased,
                casework_rules.counts_for_order(c.origin, c.deceased),
                c.note,
                c.__data__.get("resident"),
            )
            for c in CaseChild.select().where(CaseChild.case == case.id).order_by(CaseChild.id)
        ]
    rates = RateTable()
    if case.case_type == SUBSIDY and case.birth_date:
        detail.subsidy = subsidy_due(case.birth_date, rates)
        detail.subsidy_due_to_date_fen = detail.subsidy.through(today)
        detail.third_birthday = casework_rules.birthday(case.birth_date, 3)
    kind = rate_kind(case)
    if kind and case.case_type != SUBSIDY:
        detail.monthly_fen = rates.monthly_fen(kind, casework_rules.month_start(today))
    detail.history = [
        StatusRow(
            s.on_date, STATUSES.get(s.from_status, ""), STATUSES[s.to_status], s.reason, s.username
        )
        for s in CaseStatusChange.select()
        .where(CaseStatusChange.case == case.id)
        .order_by(CaseStatusChange.on_date, CaseStatusChange.id)
    ]
    detail.follow_ups = follow_up_rows(actor, case.id)
    detail.reminders = [
        ReminderRow(
            r.id,
            r.visit,
            VISITS[r.visit],
            r.window_start,
            r.window_end,
            r.status,
            REMINDER_STATUSES[r.status],
            r.status_on,
            r.status == "pending" and r.window_end < today,
        )
        for r in MaternalReminder.select()
        .where(MaternalReminder.case == case.id)
        .order_by(MaternalReminder.window_start)
    ]
    detail.transitions = [(code, STATUSES[code]) for code in TRANSITIONS[case.status]]
    return detail


@service(Perm.CASEWORK_VIEW, write=False)
def follow_up_rows(actor: HasRole, case_id: int) -> list[FollowUpRow]:
    """A case's follow-ups (what was said on each visit), for a role that may see casework."""
    return [
        FollowUpRow(
            f.id,
            f.on_date,
            f.way,
            FOLLOW_UP_WAYS.get(f.way, f.way),
            f.note,
            f.next_date,
            f.username,
        )
        for f in FollowUp.select()
        .where(FollowUp.case == case_id)
        .order_by(FollowUp.on_date, FollowUp.id)
    ]


def _summary(case: Case) -> str:
    if case.case_type == BIRTH_REG:
        when = f"出生{case.birth_date}" if case.birth_date else f"预产期{case.expected_date}"
        return f"第{case.birth_order}孩，{when}"
    if case.case_type == SUBSIDY:
        return f"出生{case.birth_date}，{APPLICATION_STATUSES.get(case.application_status, '')}"
    if case.case_type in (SPECIAL_ASSIST, REWARD_ASSIST):
        return f"{CATEGORY_NAMES.get(case.category, '')}，{case.start_date}起"
    if case.case_type == MATERNAL:
        return f"预产期{case.expected_date}"
    return case.subject


def latest_next_dates(case_ids: list[int]) -> dict[int, dt.date | None]:
    """The next-visit date of each case's latest follow-up (latest by date, then entry)."""
    latest: dict[int, dt.date | None] = {}
    for start in range(0, len(case_ids), 500):
        for row in (
            FollowUp.select(FollowUp.case, FollowUp.next_date)
            .where(FollowUp.case.in_(case_ids[start : start + 500]))
            .order_by(FollowUp.on_date, FollowUp.id)
        ):
            latest[row.__data__["case"]] = row.next_date
    return latest


@service(Perm.CASEWORK_VIEW, write=False)
def list_cases(
    actor: HasRole,
    text: str = "",
    case_type: str | None = None,
    status: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[CaseRow]:
    """Cases, newest first; text matches the case number or a named person's name or pinyin."""
    query = Case.select().order_by(Case.opened_on.desc(), Case.id.desc())
    if case_type:
        query = query.where(Case.case_type == case_type)
    if status == "open":
        query = query.where(Case.status.in_(("registered", "in_progress")))
    elif status:
        query = query.where(Case.status == status)
    text = text.strip()
    if text:
        lower = text.lower()
        match = Resident.select(Resident.id).where(
            Resident.name.contains(text)
            | Resident.pinyin_initials.startswith(lower)
            | Resident.pinyin.startswith(lower)
        )
        query = query.where(
            Case.case_no.contains(text)
            | Case.mother.in_(match)
            | Case.father.in_(match)
            | Case.child.in_(match)
            | Case.person.in_(match)
            | Case.child_name.contains(text)
            | Case.subject.contains(text)
        )
    cases = list(query.limit(limit).offset(offset))
    refs = people([primary_person_id(c) for c in cases])
    next_dates = latest_next_dates([c.id for c in cases])
    rows = []
    for c in cases:
        ref = refs.get(primary_person_id(c) or 0)
        rows.append(
            CaseRow(
                c.id,
                c.case_no,
                c.case_type,
                CASE_TYPES[c.case_type],
                c.status,
                STATUSES[c.status],
                c.opened_on,
                ref.name if ref else c.child_name,
                ref.masked_id if ref else "",
                ref.compound if ref else "",
                _summary(c),
                next_dates.get(c.id),
            )
        )
    return rows


@service(Perm.CASEWORK_VIEW)
def reveal_id(actor: HasRole, case_id: int, role: str) -> str:
    """The full ID number of one person on a case (Perm.REVEAL_ID); the reveal is logged."""
    require(actor, Perm.REVEAL_ID)
    case = Case.get_or_none(Case.id == case_id)
    if case is None or role not in ("mother", "father", "child", "person"):
        raise CaseworkError("个案或人员不存在。")
    resident_id = case.__data__.get(role)
    person = Resident.get_or_none(Resident.id == resident_id) if resident_id else None
    if person is None:
        raise CaseworkError("个案中没有该人员。")
    audit.record(
        actor.username,
        audit.Action.REVEAL_ID,
        "resident",
        person.id,
        note=f"计生个案{case.case_no}",
    )
    return str(person.id_number or "")
