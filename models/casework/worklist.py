"""What needs doing: the worklist, the overdue counts, the month's payment list and figures.

Everything is computed "as of" a day from the dated records (status changes, follow-ups,
reminder dates), so the same code answers for today and for the end of a past month.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from models.casework import rules as casework_rules
from models.casework.entities import (
    BIRTH_REG,
    CASE_TYPES,
    CLOSED,
    MATERNAL,
    OPEN_STATUSES,
    REWARD_ASSIST,
    SPECIAL_ASSIST,
    SUBSIDY,
    Case,
    CaseStatusChange,
    FollowUp,
    MaternalReminder,
)
from models.casework.people import PersonRef, people
from models.casework.rates import RateTable
from models.casework.rules import VISITS
from models.casework.views import CATEGORY_NAMES, primary_person_id, subsidy_due
from models.core import clock
from models.core.db import database
from models.core.permissions import HasRole, Perm
from models.core.service import service
from models.monthly.parts import rows_of

HORIZON_DAYS = 30  # "deadlines coming": this far ahead
WEEK_DAYS = 7
# Types whose cases keep running after 已办结 (payments until an end), so follow-ups still count.
ONGOING_TYPES = (SUBSIDY, SPECIAL_ASSIST, REWARD_ASSIST)

ITEM_KINDS: dict[str, str] = {
    "follow_up": "随访",
    "deadline": "登记时限",
    "reminder": "孕产期提醒",
    "turning_three": "满3周岁",
    "assist_end": "扶助到期",
}
GROUPS: dict[str, str] = {"overdue": "已逾期", "week": "本周到期", "coming": "即将到期"}


@dataclass(frozen=True)
class WorkItem:
    case_id: int
    case_no: str
    case_type: str
    type_name: str
    kind: str
    kind_name: str
    what: str
    due: dt.date
    overdue: bool
    group: str
    person_name: str
    masked_id: str
    compound: str
    compound_id: int | None


@dataclass(frozen=True)
class OverdueCounts:
    total: int
    by_kind: dict[str, int]
    by_type: dict[str, int]


def _status_as_of(cases: list[Case], as_of: dt.date, today: dt.date) -> dict[int, str]:
    """Each case's status on *as_of* (from its dated status changes); absent if not yet opened."""
    if as_of >= today:
        return {c.id: c.status for c in cases if c.opened_on <= as_of}
    # Plain tuples: tens of thousands of changes at a district's scale.
    query = (
        CaseStatusChange.select(CaseStatusChange.case, CaseStatusChange.to_status)
        .where(CaseStatusChange.on_date <= as_of)
        .order_by(CaseStatusChange.on_date, CaseStatusChange.id)
    )
    return {case_id: to_status for case_id, to_status in rows_of(query)}


def _latest_follow_ups(as_of: dt.date) -> dict[int, FollowUp]:
    latest: dict[int, FollowUp] = {}
    for row in (
        FollowUp.select(FollowUp.id, FollowUp.case, FollowUp.on_date, FollowUp.next_date)
        .where(FollowUp.on_date <= as_of)
        .order_by(FollowUp.on_date, FollowUp.id)
    ):
        latest[row.__data__["case"]] = row
    return latest


# The columns of a case that _collect and its callers read; the others are not loaded
# (a case has some thirty, and a district has tens of thousands of cases).
_ITEM_FIELDS = (
    Case.id,
    Case.case_no,
    Case.case_type,
    Case.status,
    Case.opened_on,
    Case.mother,
    Case.father,
    Case.child,
    Case.person,
    Case.child_name,
    Case.birth_date,
    Case.expected_date,
    Case.end_date,
)


class _Memo(threading.local):
    """The last _collect result of this thread, valid while the database is unchanged.

    The status bar's count and the 计生服务 tab's worklist ask for the same items at start-up
    and after every change; the key holds this connection's change count and SQLite's
    data_version (which moves when another connection commits), as in models.registry.search.
    """

    key: tuple[Any, ...] | None = None
    items: list[tuple[Case, str, str, dt.date, bool]] = []


_memo = _Memo()


def _md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def _collect(
    as_of: dt.date, horizon: int = HORIZON_DAYS, today: dt.date | None = None
) -> list[tuple[Case, str, str, dt.date, bool]]:
    """(case, kind, what, due, overdue) for everything due by as_of + horizon."""
    today = today or clock.today()
    if not isinstance(database.obj, pw.SqliteDatabase):
        return _collect_items(as_of, horizon, today)
    conn = database.connection()
    key = (
        id(conn),
        conn.execute("PRAGMA data_version").fetchone()[0],
        conn.total_changes,
        as_of,
        horizon,
        today,
    )
    if _memo.key != key:
        _memo.items = _collect_items(as_of, horizon, today)
        _memo.key = key
    return list(_memo.items)


def _collect_items(
    as_of: dt.date, horizon: int, today: dt.date
) -> list[tuple[Case, str, str, dt.date, bool]]:
    limit = as_of + dt.timedelta(days=horizon)
    query = Case.select(*_ITEM_FIELDS).where(Case.opened_on <= as_of)
    if as_of >= today:
        # Today's status decides (see _status_as_of), and only a live case gives an item.
        query = query.where(
            Case.status.in_(OPEN_STATUSES)
            | ((Case.status == CLOSED) & Case.case_type.in_(ONGOING_TYPES))
        )
    cases = list(query)
    by_id = {c.id: c for c in cases}
    status = _status_as_of(cases, as_of, today)

    def live(case: Case) -> bool:
        state = status.get(case.id)
        return state in OPEN_STATUSES or (state == CLOSED and case.case_type in ONGOING_TYPES)

    items: list[tuple[Case, str, str, dt.date, bool]] = []
    for case_id, follow in _latest_follow_ups(as_of).items():
        case = by_id.get(case_id)
        if case is None or not live(case) or follow.next_date is None or follow.next_date > limit:
            continue
        items.append(
            (
                case,
                "follow_up",
                f"随访（上次{_md(follow.on_date)}）",
                follow.next_date,
                follow.next_date < as_of,
            )
        )
    for case in cases:
        state = status.get(case.id)
        if case.case_type == BIRTH_REG and state in OPEN_STATUSES:
            base = case.birth_date or case.expected_date
            if base is not None:
                deadline = casework_rules.registration_deadline(base)
                if deadline <= limit:
                    what = (
                        "生育登记时限（出生后六个月）"
                        if case.birth_date
                        else "生育登记时限（按预产期推算）"
                    )
                    items.append((case, "deadline", what, deadline, deadline < as_of))
        elif case.case_type == SUBSIDY and live(case) and case.birth_date:
            third = casework_rules.birthday(case.birth_date, 3)
            if as_of <= third <= limit:
                items.append((case, "turning_three", "满3周岁，补贴截至上月", third, False))
        elif (
            case.case_type in (SPECIAL_ASSIST, REWARD_ASSIST)
            and live(case)
            and case.end_date
            and as_of <= case.end_date <= limit
        ):
            items.append(
                (case, "assist_end", f"{CASE_TYPES[case.case_type]}到期", case.end_date, False)
            )
    maternal = {
        c.id for c in cases if c.case_type == MATERNAL and status.get(c.id) in OPEN_STATUSES
    }
    if maternal:
        for reminder in MaternalReminder.select().where(
            MaternalReminder.case.in_(list(maternal)) & (MaternalReminder.window_start <= limit)
        ):
            pending = reminder.status == "pending" or (
                reminder.status in ("reminded", "done", "referred")
                and reminder.status_on is not None
                and reminder.status_on > as_of
            )
            if not pending:
                continue
            started = reminder.window_start <= as_of
            due = reminder.window_end if started else reminder.window_start
            what = (
                f"{VISITS[reminder.visit]}（{_md(reminder.window_start)}至"
                f"{_md(reminder.window_end)}）"
            )
            items.append(
                (
                    by_id[reminder.__data__["case"]],
                    "reminder",
                    what,
                    due,
                    reminder.window_end < as_of,
                )
            )
    return items


def _group(due: dt.date, overdue: bool, as_of: dt.date) -> str:
    if overdue:
        return "overdue"
    return "week" if due < as_of + dt.timedelta(days=WEEK_DAYS) else "coming"


@service(Perm.CASEWORK_VIEW, write=False)
def worklist(
    actor: HasRole,
    as_of: dt.date | None = None,
    horizon: int = HORIZON_DAYS,
    compound_id: int | None = None,
) -> list[WorkItem]:
    """Overdue first, then due this week, then coming within *horizon* days; IDs masked."""
    as_of = as_of or clock.today()
    raw = _collect(as_of, horizon)
    refs = people([primary_person_id(case) for case, *_ in raw])
    items = []
    for case, kind, what, due, overdue in raw:
        ref: PersonRef | None = refs.get(primary_person_id(case) or 0)
        if compound_id and (ref is None or ref.compound_id != compound_id):
            continue
        items.append(
            WorkItem(
                case.id,
                case.case_no,
                case.case_type,
                CASE_TYPES[case.case_type],
                kind,
                ITEM_KINDS[kind],
                what,
                due,
                overdue,
                _group(due, overdue, as_of),
                ref.name if ref else case.child_name,
                ref.masked_id if ref else "",
                ref.compound if ref else "",
                ref.compound_id if ref else None,
            )
        )
    order = list(GROUPS)
    return sorted(items, key=lambda i: (order.index(i.group), i.due, i.case_no))


def overdue_counts(as_of: dt.date | None = None) -> OverdueCounts:
    """How many items are overdue, by kind and case type: numbers only, no one named.

    Open to every signed-in role (the status bar shows it to a clerk too): a count across the
    whole community tells nothing about any person, and it lets the office see the backlog.
    """
    as_of = as_of or clock.today()
    raw = [(case, kind) for case, kind, _what, _due, overdue in _collect(as_of) if overdue]
    return OverdueCounts(
        total=len(raw),
        by_kind=dict(Counter(kind for _case, kind in raw)),
        by_type=dict(Counter(case.case_type for case, _kind in raw)),
    )


# -- the month's subsidy and assistance list -----------------------------------------------


@dataclass(frozen=True)
class PaymentRow:
    case_id: int
    case_no: str
    case_type: str
    name: str
    masked_id: str
    compound: str
    detail: str  # subsidy: date of birth and status; assistance: category
    months_total: int  # subsidy: months due in all; assistance: 0
    monthly_fen: int | None  # None: no rate in force for the month
    recipient: str = ""  # who signs for the money: a child's parent (guardian), else the person


@dataclass
class MonthPayments:
    month: dt.date
    subsidy: list[PaymentRow] = field(default_factory=list)
    assistance: list[PaymentRow] = field(default_factory=list)

    @property
    def subsidy_total_fen(self) -> int:
        return sum(r.monthly_fen or 0 for r in self.subsidy)

    @property
    def assistance_total_fen(self) -> int:
        return sum(r.monthly_fen or 0 for r in self.assistance)


PAYABLE_APPLICATIONS = ("applied", "approved", "paid")


def _name(found: dict, resident_id: int | None) -> str:
    ref = found.get(resident_id or 0)
    return ref.name if ref is not None else ""


@service(Perm.CASEWORK_VIEW, write=False)
def month_payments(actor: HasRole, month: dt.date, compound_id: int | None = None) -> MonthPayments:
    """Who is due what for *month*: children whose subsidy month it is, and assistance recipients.

    Subsidy applications not yet made or refused, and cancelled or transferred cases, are left
    out. Amounts are the rates in force on the month's first day.
    """
    first = casework_rules.month_start(month)
    last = casework_rules.month_end(month)
    rates = RateTable()
    result = MonthPayments(first)
    cases = list(
        Case.select().where(
            Case.case_type.in_((SUBSIDY, SPECIAL_ASSIST, REWARD_ASSIST))
            & Case.status.in_(("registered", "in_progress", "closed"))
            & (Case.opened_on <= last)
        )
    )
    refs = people([primary_person_id(c) for c in cases])
    guardians = people(
        [
            c.__data__.get("mother") or c.__data__.get("father")
            for c in cases
            if c.case_type == SUBSIDY
        ]
    )
    for case in cases:
        ref = refs.get(primary_person_id(case) or 0)
        if ref is None or (compound_id and ref.compound_id != compound_id):
            continue
        if case.case_type == SUBSIDY:
            if case.application_status not in PAYABLE_APPLICATIONS or case.birth_date is None:
                continue
            due = subsidy_due(case.birth_date, rates)
            if first not in due.months:
                continue
            result.subsidy.append(
                PaymentRow(
                    case.id,
                    case.case_no,
                    case.case_type,
                    ref.name,
                    ref.masked_id,
                    ref.compound,
                    f"{case.birth_date:%Y-%m-%d}",
                    due.month_count,
                    rates.monthly_fen("subsidy", first),
                    _name(guardians, case.__data__.get("mother") or case.__data__.get("father")),
                )
            )
        else:
            if (
                case.start_date is None
                or case.start_date > last
                or (case.end_date is not None and case.end_date < first)
            ):
                continue
            result.assistance.append(
                PaymentRow(
                    case.id,
                    case.case_no,
                    case.case_type,
                    ref.name,
                    ref.masked_id,
                    ref.compound,
                    CATEGORY_NAMES.get(case.category, case.category),
                    0,
                    rates.monthly_fen(case.category, first),
                    ref.name,
                )
            )
    result.subsidy.sort(key=lambda r: (r.compound, r.case_no))
    result.assistance.sort(key=lambda r: (r.case_type, r.compound, r.case_no))
    return result


# -- the monthly report's casework section ---------------------------------------------------


@dataclass(frozen=True)
class CaseworkMonthlySection:
    """Figures for the monthly report; no names, so it needs no casework permission."""

    month_start: dt.date
    month_end: dt.date
    compound_id: int | None
    opened: dict[str, int]  # case type → cases opened in the period
    closed: dict[str, int]  # case type → cases 已办结 in the period
    overdue: dict[str, int]  # case type → work items overdue at month_end
    subsidy_applications: int  # subsidy cases applied for in the period
    subsidy_children: int  # children due the subsidy for month_end's month
    subsidy_fen: int  # amount due to them for that month
    special_recipients: int  # 特别扶助 recipients in payment in month_end's month
    reward_recipients: int  # 奖励扶助 recipients likewise
    assistance_fen: int  # amount due to both for that month

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) lines in Chinese, ready for a report table."""

        def per_type(counts: dict[str, int]) -> str:
            parts = [f"{CASE_TYPES[t]}{n}" for t, n in counts.items() if n]
            return f"{sum(counts.values())}（{'，'.join(parts)}）" if parts else "0"

        return [
            ("本月新登记个案", per_type(self.opened)),
            ("本月办结个案", per_type(self.closed)),
            ("月末逾期待办", per_type(self.overdue)),
            ("育儿补贴申请（本月）", str(self.subsidy_applications)),
            (
                "育儿补贴应发（人／元）",
                f"{self.subsidy_children}／{casework_rules.yuan(self.subsidy_fen)}",
            ),
            ("特别扶助对象（人）", str(self.special_recipients)),
            ("奖励扶助对象（人）", str(self.reward_recipients)),
            ("扶助金应发（元）", casework_rules.yuan(self.assistance_fen)),
        ]


def casework_monthly_section(
    month_start: dt.date, month_end: dt.date, compound_id: int | None = None
) -> CaseworkMonthlySection:
    """The casework figures for one period and compound (None: the whole community)."""
    cases = list(
        Case.select(
            Case.id,
            Case.case_type,
            Case.status,
            Case.opened_on,
            Case.mother,
            Case.father,
            Case.child,
            Case.person,
            Case.applied_on,
            Case.application_status,
            Case.birth_date,
            Case.start_date,
            Case.end_date,
            Case.category,
        ).where(Case.opened_on <= month_end)
    )
    # The people are looked up only to place cases in a compound.
    refs = people([primary_person_id(c) for c in cases]) if compound_id else {}

    def in_compound(case: Case) -> bool:
        if not compound_id:
            return True
        ref = refs.get(primary_person_id(case) or 0)
        return ref is not None and ref.compound_id == compound_id

    mine = [c for c in cases if in_compound(c)]
    ids = {c.id for c in mine}
    opened = Counter(c.case_type for c in mine if c.opened_on >= month_start)
    closed_ids = {
        s.__data__["case"]
        for s in CaseStatusChange.select().where(
            (CaseStatusChange.to_status == CLOSED)
            & (CaseStatusChange.on_date >= month_start)
            & (CaseStatusChange.on_date <= month_end)
        )
    } & ids
    by_id = {c.id: c for c in mine}
    closed = Counter(by_id[i].case_type for i in closed_ids)
    overdue = Counter(
        case.case_type for case, _k, _w, _d, late in _collect(month_end) if late and case.id in ids
    )
    applications = sum(
        1
        for c in mine
        if c.case_type == SUBSIDY and c.applied_on and month_start <= c.applied_on <= month_end
    )
    status = _status_as_of(mine, month_end, clock.today())
    rates = RateTable()
    first = casework_rules.month_start(month_end)
    subsidy_children = subsidy_fen = special = reward = assistance_fen = 0
    for case in mine:
        if status.get(case.id) not in ("registered", "in_progress", "closed"):
            continue
        if (
            case.case_type == SUBSIDY
            and case.birth_date
            and case.application_status in PAYABLE_APPLICATIONS
        ):
            if first in casework_rules.subsidy_months(case.birth_date):
                subsidy_children += 1
                subsidy_fen += rates.monthly_fen("subsidy", first) or 0
        elif (
            case.case_type in (SPECIAL_ASSIST, REWARD_ASSIST)
            and case.start_date
            and case.start_date <= month_end
            and (case.end_date is None or case.end_date >= first)
        ):
            if case.case_type == SPECIAL_ASSIST:
                special += 1
            else:
                reward += 1
            assistance_fen += rates.monthly_fen(case.category, first) or 0
    return CaseworkMonthlySection(
        month_start,
        month_end,
        compound_id,
        dict(opened),
        dict(closed),
        dict(overdue),
        applications,
        subsidy_children,
        subsidy_fen,
        special,
        reward,
        assistance_fen,
    )
