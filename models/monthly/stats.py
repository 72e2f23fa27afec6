"""Monthly figures for the supervisors' report (domain §7), per compound and in total.

The report, the command line and the report dialog all call monthly(), so they agree.

How a past month is computed from today's register plus the life events
------------------------------------------------------------------------
The register holds each person's state *today* (status, household, category). The life
events (models.core.entities.LifeEvent, voided ones left out) say when that state changed. The
state at the end of a day d is today's state with every event dated after d undone, latest
first:

- before an entry (birth, move_in) the person was not here; before an exit (death,
  move_out) they were;
- before a household_change they lived in the household whose number is the event's
  from_value (when that number is in the register);
- before a category_change their category was the event's from_value (a category code).

A person counts in the population at the end of d when that rolled-back state is present,
in the compound of the rolled-back household. Residents with no events after d keep
today's state; people whose household was cleared keep the last household an event of
theirs names. Households at d = households with at least one person present at d.

closing = the population at the end of the month's last day; opening = the population at
the end of the previous month's last day; births, deaths, moves = events dated in the
month, each in the compound of the person's household on that day. Moves between two
compounds of the community (household_change) are "转入/转出" for the compounds and cancel
in the total. When every change was recorded as one event, closing = opening + births −
deaths + moved in − moved out (+ transfers); where it is not (an exit recorded for someone
the register still has as current, two entries in a row …), the difference is shown and
the report warns.

Categories (人员类别, code table "category"): 1 户籍人口, 2 常住人口 (not registered here,
living here ≥ 6 months), 3 人户分离, 4 流动人口. "Registered population" = category 1;
"resident population" (常住人口) = categories 1, 2 and 3, everyone but floating residents.
Special groups are tags active at the month's end (start_date ≤ d, end_date empty or after
d): 低保 (dibao), 残疾人 (disabled), 特别扶助 (fp_assist). Where casework is installed its
providers replace the tag count with 特别扶助 and 奖励扶助 recipients in payment, counted as
the report's 计生服务 section counts them (models.casework.monthly).

monthly() is the register as it stands now. What is printed and sent goes through
models.monthly.submissions.report_figures(): a month already sent (报送) is its frozen
snapshot, and the month after one opens with the closing figure that was sent, events
entered since being shown as 上月数据更正 (CompoundFigures.corrections).

Other areas plug figures in without this module knowing them (models.areas): an area's
figures add a per-compound column (e.g. subsidy applications), its sections a titled table
(casework, events, facilities). Nothing is printed for an area that declares none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models import areas
from models.core.db import database
from models.core.entities import Compound, Household, LifeEvent, Resident, ResidentTag
from models.core.errors import UserFacingError
from models.monthly.parts import Section, rows_of

# A figure column with one of these keys replaces the built-in figure instead of adding one.
OVERRIDABLE = {"special_assistance", "reward_assistance"}

# enrolled (登记入册): entered by an import on that day, the arrival date unknown (issue 15):
# an entry of its own, so that an import never rewrites the months before it.
ENTRY_KINDS = ("birth", "move_in", "enrolled")
EXIT_KINDS = ("death", "move_out")
COUNTED_KINDS = (*ENTRY_KINDS, *EXIT_KINDS, "household_change", "category_change")
REGISTERED = "1"
SEPARATED = "3"
FLOATING = "4"
RESIDENT_CATEGORIES = ("1", "2", "3")


class StatsError(UserFacingError, ValueError):
    """A month or scope that cannot be reported on; the message is for the user."""


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        match = re.fullmatch(r"\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*", text or "")
        if not match:
            raise StatsError(f"月份“{text}”格式不对，应写成 YYYY-MM，例如 2026-10。")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or not 1900 <= year <= 2999:
            raise StatsError(f"月份“{text}”不存在，应写成 YYYY-MM，例如 2026-10。")
        return cls(year, month)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        nxt = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    @property
    def previous_end(self) -> dt.date:
        return self.first - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass
class CompoundFigures:
    """One row of the report: a compound, or the total (compound_id None)."""

    compound_id: int | None
    name: str
    households: int = 0
    population: int = 0  # everyone present at the month's end
    registered: int = 0  # 户籍人口
    registered_male: int = 0
    registered_female: int = 0
    resident_population: int = 0  # 常住人口
    separated: int = 0  # 人户分离
    floating: int = 0  # 流动人口
    aged_60_plus: int = 0
    dibao_households: int = 0
    dibao_people: int = 0
    disabled: int = 0
    special_assistance: int = 0  # 特别扶助 recipients
    reward_assistance: int = 0  # 奖励扶助 recipients
    opening: int = 0
    # 上月数据更正: what late entries changed in the previous month's sent closing figure.
    corrections: int = 0
    births: int = 0
    deaths: int = 0
    moved_in: int = 0
    moved_out: int = 0
    enrolled: int = 0  # 登记入册: imported people whose arrival date was not known
    floating_in: int = 0
    floating_out: int = 0
    transfers_in: int = 0
    transfers_out: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def closing(self) -> int:
        return self.population

    @property
    def expected_closing(self) -> int:
        return (
            self.opening
            + self.corrections
            + self.births
            - self.deaths
            + self.moved_in
            - self.moved_out
            + self.enrolled
            + self.transfers_in
            - self.transfers_out
        )

    @property
    def difference(self) -> int:
        return self.closing - self.expected_closing

    @property
    def balanced(self) -> bool:
        return self.difference == 0

    def add(self, other: CompoundFigures) -> None:
        for name in _SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, value in other.extra.items():
            self.extra[key] = self.extra.get(key, 0) + value


_SUMMED = [
    name
    for name, f in CompoundFigures.__dataclass_fields__.items()
    if f.type == "int" and name != "compound_id"
]


@dataclass
class CorrectionLine:
    """One 上月数据更正 line: changes to a month already sent, entered after it was sent."""

    compound: str
    label: str  # 补报死亡, 补报出生 … or 其他更正
    people: int  # how many events (0 for 其他更正)
    effect: int  # on the sent closing figure (−1 for a death)
    note: str = ""  # the dates of the events


@dataclass
class SubmissionStamp:
    """Who sent a report, when, under which serial (printed on the report itself)."""

    serial: str
    username: str
    display_name: str
    submitted_at: str  # ISO date and time
    kind: str = "submit"  # or "correction"
    corrects: str = ""  # the serial a correction replaces
    reason: str = ""


@dataclass
class MonthlyFigures:
    month: Month
    compound_id: int | None
    scope_name: str  # "全社区" or the compound's name
    rows: list[CompoundFigures]
    total: CompoundFigures
    extra_columns: list[tuple[str, str]] = field(default_factory=list)  # (key, label)
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    corrections: list[CorrectionLine] = field(default_factory=list)
    opening_from: str = ""  # serial of the sent previous report the opening figures come from
    as_of: dt.date | None = None  # set while the month is not over: figures up to this day
    submission: SubmissionStamp | None = None  # set on a report as sent

    @property
    def balanced(self) -> bool:
        return all(r.balanced for r in self.rows) and self.total.balanced


@dataclass
class _State:
    present: bool
    household: int | None
    category: str


def compound_by_name(name: str) -> Compound:
    compound = Compound.get_or_none(Compound.name == name.strip())
    if compound is None:
        known = "、".join(c.name for c in Compound.select().order_by(Compound.id))
        raise StatsError(f"没有名为“{name}”的小区。现有小区：{known or '（无）'}。")
    return compound


def monthly(
    month: Month, compound_id: int | None = None, *, sections: bool = True
) -> MonthlyFigures:
    """The month's figures for the whole community (compound_id None) or one compound."""
    compounds = list(Compound.select().order_by(Compound.id))
    names = {c.id: c.name for c in compounds}
    if compound_id is not None and compound_id not in names:
        raise StatsError("所选小区不存在。")
    d0, d1 = month.previous_end, month.last
    household_compound: dict[int, int] = {}
    household_by_no: dict[str, int] = {}
    for hid, no, cid in rows_of(
        Household.select(Household.id, Household.household_no, Household.compound)
    ):
        household_compound[hid] = cid
        household_by_no[no] = hid

    # Straight from the cursor: a district has a quarter of a million residents, and the
    # birth date (read by _closing_figures through _as_date) is the only value peewee converts.
    residents = list(
        database.execute(
            Resident.select(
                Resident.id,
                Resident.household,
                Resident.status,
                Resident.category,
                Resident.sex,
                Resident.birth_date,
            )
        ).fetchall()
    )
    events = _events_after(d0)
    homeless = [rid for rid, hid, *_ in residents if hid is None]
    last_household = _last_event_household(homeless) if homeless else {}

    rows = {c.id: CompoundFigures(c.id, c.name) for c in compounds}
    closing_people: list[tuple[int, _State, str, dt.date | None]] = []
    for rid, hid, status, category, sex, birth in residents:
        state = _State(status == "current", hid or last_household.get(rid), category)
        if rid not in events:
            # Most people: no event since the month began, the same state at both ends.
            if state.present and state.household in household_compound:
                rows[household_compound[state.household]].opening += 1
                closing_people.append((rid, state, sex, birth))
            continue
        for event in events.get(rid, ()):
            if event[1] <= d1:
                break
            _undo(state, event, household_by_no)
        closing = _State(state.present, state.household, state.category)
        for event in events.get(rid, ()):
            if event[1] > d1:
                continue
            # state is now the person's state just after this event.
            _count(rows, household_compound, state, event, household_by_no)
            _undo(state, event, household_by_no)
        if state.present and state.household in household_compound:
            rows[household_compound[state.household]].opening += 1
        if closing.present and closing.household in household_compound:
            closing_people.append((rid, closing, sex, birth))

    _closing_figures(rows, household_compound, closing_people, d1)
    extra_columns = _extra_figures(rows, month)
    warnings: list[str] = []
    scoped = (
        [rows[compound_id]]
        if compound_id is not None
        else [r for c, r in rows.items() if _shown(r, c, compounds)]
    )
    total = CompoundFigures(None, "合计")
    for row in scoped:
        total.add(row)
    for row in scoped:
        if not row.balanced:
            warnings.append(
                f"{row.name}：期末人口 {row.closing} 人，而期初 {row.opening} 人"
                f"加减本月变动应为 {row.expected_closing} 人，相差 {row.difference:+d} 人。"
                "请核对该小区的出生、死亡、迁入、迁出登记"
                "（可能有未登记的变动，或同一人重复登记了迁入/迁出）。"
            )
    result = MonthlyFigures(
        month=month,
        compound_id=compound_id,
        scope_name=names[compound_id] if compound_id is not None else "全社区",
        rows=scoped,
        total=total,
        extra_columns=extra_columns,
        warnings=warnings,
    )
    if sections:
        result.sections = _sections(month, compound_id, result.warnings)
    return result


def _shown(row: CompoundFigures, compound_id: int, compounds: list[Compound]) -> bool:
    archived = next(c.archived for c in compounds if c.id == compound_id)
    return not archived or bool(row.population or row.opening)


def _events_after(day: dt.date) -> dict[int, list[tuple[Any, ...]]]:
    """Non-voided events dated after day, per resident, latest first."""
    query = (
        LifeEvent.select(
            LifeEvent.resident,
            LifeEvent.kind,
            LifeEvent.event_date,
            LifeEvent.from_value,
            LifeEvent.to_value,
            LifeEvent.household,
        )
        .where(
            (LifeEvent.event_date > day)
            & (LifeEvent.voided == False)  # noqa: E712
            & LifeEvent.resident.is_null(False)
            & LifeEvent.kind.in_(COUNTED_KINDS)
        )
        .order_by(LifeEvent.event_date.desc(), LifeEvent.id.desc())
    )
    events: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for rid, kind, day_, from_value, to_value, hid in rows_of(query):
        events[rid].append((kind, _as_date(day_), from_value, to_value, hid))
    return events


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _last_event_household(resident_ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for start in range(0, len(resident_ids), 500):
        chunk = resident_ids[start : start + 500]
        query = (
            LifeEvent.select(LifeEvent.resident, LifeEvent.household)
            .where(LifeEvent.resident.in_(chunk) & LifeEvent.household.is_null(False))
            .order_by(LifeEvent.event_date, LifeEvent.id)
        )
        for rid, hid in rows_of(query):
            found[rid] = hid  # the latest wins
    return found


def _undo(state: _State, event: tuple[Any, ...], household_by_no: Mapping[str, int]) -> None:
    kind, _day, from_value, _to_value, _hid = event
    if kind in ENTRY_KINDS:
        state.present = False
    elif kind in EXIT_KINDS:
        state.present = True
    elif kind == "household_change":
        previous = household_by_no.get((from_value or "").strip())
        if previous is not None:
            state.household = previous
    elif kind == "category_change" and from_value in ("1", "2", "3", "4"):
        state.category = from_value


def _count(
    rows: dict[int, CompoundFigures],
    household_compound: Mapping[int, int],
    state: _State,
    event: tuple[Any, ...],
    household_by_no: Mapping[str, int],
) -> None:
    """Count one event of the month in the compound of the person's household that day."""
    kind, _day, from_value, _to_value, event_household = event
    household = state.household or event_household
    cid = household_compound.get(household) if household is not None else None
    if kind == "household_change":
        before = household_by_no.get((from_value or "").strip())
        old = household_compound.get(before) if before is not None else None
        if state.present and cid is not None and old is not None and old != cid:
            rows[old].transfers_out += 1
            rows[cid].transfers_in += 1
        return
    if cid is None:
        return
    row = rows[cid]
    if kind == "birth":
        row.births += 1
    elif kind == "death":
        row.deaths += 1
    elif kind == "move_in":
        row.moved_in += 1
        row.floating_in += state.category == FLOATING
    elif kind == "move_out":
        row.moved_out += 1
        row.floating_out += state.category == FLOATING
    elif kind == "enrolled":
        row.enrolled += 1


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _closing_figures(
    rows: dict[int, CompoundFigures],
    household_compound: Mapping[int, int],
    people: list[tuple[int, _State, str, dt.date | None]],
    day: dt.date,
) -> None:
    tags = _active_tags(day)
    born_by = years_before(day, 60)
    households: dict[int, set[int]] = defaultdict(set)
    dibao_households: dict[int, set[int]] = defaultdict(set)
    for rid, state, sex, birth in people:
        assert state.household is not None
        cid = household_compound[state.household]
        row = rows[cid]
        households[cid].add(state.household)
        row.population += 1
        if state.category == REGISTERED:
            row.registered += 1
            row.registered_male += sex == "1"
            row.registered_female += sex == "2"
        if state.category in RESIDENT_CATEGORIES:
            row.resident_population += 1
        row.separated += state.category == SEPARATED
        row.floating += state.category == FLOATING
        if birth is not None and _as_date(birth) <= born_by:
            row.aged_60_plus += 1
        person_tags = tags.get(rid, ())
        if "dibao" in person_tags:
            row.dibao_people += 1
            dibao_households[cid].add(state.household)
        row.disabled += "disabled" in person_tags
        row.special_assistance += "fp_assist" in person_tags
    for cid, row in rows.items():
        row.households = len(households.get(cid, ()))
        row.dibao_households = len(dibao_households.get(cid, ()))


def _active_tags(day: dt.date) -> dict[int, set[str]]:
    query = ResidentTag.select(ResidentTag.resident, ResidentTag.tag).where(
        ResidentTag.tag.in_(("dibao", "disabled", "fp_assist"))
        & (ResidentTag.start_date.is_null() | (ResidentTag.start_date <= day))
        & (ResidentTag.end_date.is_null() | (ResidentTag.end_date > day))
    )
    tags: dict[int, set[str]] = defaultdict(set)
    for rid, tag in rows_of(query):
        tags[rid].add(tag)
    return tags


def _extra_figures(rows: dict[int, CompoundFigures], month: Month) -> list[tuple[str, str]]:
    columns: list[tuple[str, str]] = []
    for func in (f for area in areas.AREAS for f in area.figures):
        column = func(first=month.first, last=month.last, compound_id=None)
        if column is None:
            continue
        if column.key in OVERRIDABLE:
            for cid, row in rows.items():
                setattr(row, column.key, int(column.by_compound.get(cid, 0)))
            continue
        columns.append((column.key, column.label))
        for cid, row in rows.items():
            row.extra[column.key] = int(column.by_compound.get(cid, 0))
    return columns


def _sections(month: Month, compound_id: int | None, warnings: list[str]) -> list[Section]:
    found: list[Section] = []
    for area, func in ((a, f) for a in areas.AREAS for f in a.sections):
        try:
            result = func(first=month.first, last=month.last, compound_id=compound_id)
        except Exception as exc:  # one broken area must not stop the whole report
            warnings.append(f"“{area.title}”部分未能生成：{exc}")
            continue
        if result is None:
            continue
        for section in result if isinstance(result, list) else [result]:
            found.append(section if isinstance(section, Section) else Section(**section))
    return found
