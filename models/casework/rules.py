"""The rules of population services as plain functions (no database): domain notes §3.

孩次 counting, the six-month birth-registration limit, the childcare-subsidy months and the
maternal visit windows. The services and the tests use these same functions.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# -- dates -------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day *months* later; the 31st becomes the month's last day when needed."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def month_end(day: dt.date) -> dt.date:
    return add_months(month_start(day), 1) - dt.timedelta(days=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the calendar months from *first*'s month to *last*'s, both included."""
    months: list[dt.date] = []
    current = month_start(first)
    end = month_start(last)
    while current <= end:
        months.append(current)
        current = add_months(current, 1)
    return months


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birthday(birth: dt.date, years: int) -> dt.date:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # born on 29 February
        return dt.date(birth.year + years, 3, 1)


# -- birth registration ------------------------------------------------------------------

REGISTRATION_MONTHS = 6  # from pregnancy until six months after the birth


def registration_deadline(birth_or_expected: dt.date) -> dt.date:
    """Last day to register: six months after the birth (the expected date until born)."""
    return add_months(birth_or_expected, REGISTRATION_MONTHS)


@dataclass(frozen=True)
class ChildInfo:
    """An existing child of the couple as the 孩次 count sees it."""

    name: str
    birth_date: dt.date | None = None
    origin: str = "common"  # common / earlier (one spouse's earlier marriage) / adopted
    deceased: bool = False

    @property
    def counts(self) -> bool:
        return counts_for_order(self.origin, self.deceased)


def counts_for_order(origin: str, deceased: bool) -> bool:
    """Domain §3: children from an earlier marriage, adopted and deceased children do not count."""
    return origin == "common" and not deceased


def birth_order(children: Iterable[ChildInfo]) -> int:
    """The 孩次 of the child being registered: one more than the living children in common."""
    return 1 + sum(1 for child in children if child.counts)


# -- childcare subsidy (育儿补贴) ---------------------------------------------------------

SUBSIDY_FROM = dt.date(2025, 1, 1)  # the subsidy runs from this month
SUBSIDY_BIRTHS_FROM = dt.date(2022, 1, 1)  # earliest birth still under three in 2025
SUBSIDY_MONTHS_UNDER_THREE = 36


def subsidy_months(birth: dt.date) -> list[dt.date]:
    """The calendar months a child is due the subsidy, as first days of the months.

    The official rule (NHC/MOF, with the worked example of 2025-07-28: born December 2023 →
    24 months, 7,200 yuan): a child born from 2025 on is due 36 months from its month of birth;
    a child born 2022-01-01 … 2024-12-31 is due every month from January 2025 up to and
    including the month of its third birthday (born 2022-01 → 1 month; 2023-12 → 24;
    2024-12 → 36). Children born before 2022 are due nothing.
    """
    if birth < SUBSIDY_BIRTHS_FROM:
        return []
    born = month_start(birth)
    if born < SUBSIDY_FROM:
        first, last = SUBSIDY_FROM, add_months(born, SUBSIDY_MONTHS_UNDER_THREE)
    else:
        first, last = born, add_months(born, SUBSIDY_MONTHS_UNDER_THREE - 1)
    if last < first:
        return []
    return months_between(first, last)


RateLookup = Callable[[dt.date], "int | None"]  # first day of a month → fen per month, or None


@dataclass(frozen=True)
class RatePeriod:
    first_month: dt.date
    last_month: dt.date
    months: int
    monthly_fen: int | None  # None: no rate in force for these months

    @property
    def total_fen(self) -> int:
        return self.months * (self.monthly_fen or 0)


@dataclass(frozen=True)
class AmountDue:
    months: list[dt.date]
    periods: list[RatePeriod]
    missing_rate_months: int  # months with no rate in the table (nothing is guessed for them)

    @property
    def total_fen(self) -> int:
        return sum(p.total_fen for p in self.periods)

    @property
    def month_count(self) -> int:
        return len(self.months)

    def through(self, month: dt.date) -> int:
        """Amount (fen) for the months up to and including *month*."""
        total = 0
        for period in self.periods:
            for m in months_between(period.first_month, period.last_month):
                if m <= month_start(month):
                    total += period.monthly_fen or 0
        return total


def amount_due(months: list[dt.date], rate: RateLookup) -> AmountDue:
    """Each month at the rate in force in that month, grouped into runs of the same rate."""
    periods: list[RatePeriod] = []
    missing = 0
    for month in months:
        fen = rate(month)
        if fen is None:
            missing += 1
        last = periods[-1] if periods else None
        if last and last.monthly_fen == fen and add_months(last.last_month, 1) == month:
            periods[-1] = RatePeriod(last.first_month, month, last.months + 1, fen)
        else:
            periods.append(RatePeriod(month, month, 1, fen))
    return AmountDue(list(months), periods, missing)


def assistance_months(start: dt.date, end: dt.date | None, until: dt.date) -> list[dt.date]:
    """Months of special / reward assistance from the start month to the end (or *until*)."""
    last = min(end, until) if end else until
    if last < start:
        return []
    return months_between(start, last)


# -- maternal health reminders -------------------------------------------------------------


@dataclass(frozen=True)
class VisitWindow:
    visit: str
    label: str
    start: dt.date
    end: dt.date


VISITS: dict[str, str] = {
    "early": "孕13周前（早孕建册）",
    "w16_20": "孕16–20周产检",
    "w21_24": "孕21–24周产检",
    "w28_36": "孕28–36周产检",
    "w37_40": "孕37–40周产检",
    "home": "出院后一周内产后访视",
    "day42": "产后42天健康检查",
}
PREGNANCY_DAYS = 280  # expected date = first day of the last period + 280 days
POSTNATAL_STAY_DAYS = 3  # assumed stay in hospital until the discharge date is known


def maternal_windows(
    expected: dt.date, birth: dt.date | None = None, discharge: dt.date | None = None
) -> list[VisitWindow]:
    """The visit windows of domain §3 from the expected date (weeks counted from the last period).

    "Weeks 16–20" runs from the first day of week 16 to the last day of week 20. The first
    window opens at week 6, when a pregnancy is usually known. Postnatal windows use the birth
    and discharge dates once recorded, the expected date (plus a three-day stay) until then.
    The day-42 check has a two-week window.
    """
    lmp = expected - dt.timedelta(days=PREGNANCY_DAYS)

    def week(n: int) -> dt.date:
        return lmp + dt.timedelta(weeks=n)

    born = birth or expected
    out = discharge or born + dt.timedelta(days=POSTNATAL_STAY_DAYS)
    day = dt.timedelta(days=1)
    spans = {
        "early": (week(6), week(13) - day),
        "w16_20": (week(16), week(21) - day),
        "w21_24": (week(21), week(25) - day),
        "w28_36": (week(28), week(37) - day),
        "w37_40": (week(37), week(41) - day),
        "home": (out, out + dt.timedelta(days=7)),
        "day42": (born + dt.timedelta(days=42), born + dt.timedelta(days=56)),
    }
    return [VisitWindow(code, VISITS[code], *spans[code]) for code in VISITS]


def yuan(fen: int | None) -> str:
    """12,345.00 for 1234500 fen; an empty string for None."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"
