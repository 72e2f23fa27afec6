"""The rules of domain notes §3 as plain functions: 孩次, deadlines, subsidy months, visit
windows."""

import datetime as dt

import pytest

from models.casework import rules
from models.casework.rules import ChildInfo

D = dt.date


def test_birth_order_counts_only_living_children_in_common():
    children = [
        ChildInfo("长女", D(2020, 5, 1), "common"),
        ChildInfo("前婚之子", D(2015, 1, 1), "earlier"),
        ChildInfo("养子", D(2018, 1, 20), "adopted"),
        ChildInfo("已故次女", D(2022, 9, 9), "common", deceased=True),
    ]
    assert [c.counts for c in children] == [True, False, False, False]
    assert rules.birth_order(children) == 2
    assert rules.birth_order([]) == 1
    assert rules.birth_order(children + [ChildInfo("次子", D(2023, 3, 3))]) == 3


def test_registration_deadline_is_six_months_after_birth():
    assert rules.registration_deadline(D(2026, 5, 20)) == D(2026, 11, 20)
    assert rules.registration_deadline(D(2026, 8, 31)) == D(2027, 2, 28)  # no 31 February
    assert rules.registration_deadline(D(2027, 8, 31)) == D(2028, 2, 29)


def test_child_born_december_2023_is_due_24_months_7200_yuan():
    months = rules.subsidy_months(D(2023, 12, 15))
    # The official worked example: January 2025 up to and including December 2026, the month
    # of the third birthday.
    assert months[0] == D(2025, 1, 1) and months[-1] == D(2026, 12, 1)
    assert len(months) == 24
    due = rules.amount_due(months, lambda m: 30000)
    assert due.total_fen == 720000 and rules.yuan(due.total_fen) == "7,200.00"
    assert due.through(D(2025, 12, 31)) == 12 * 30000


def _official_months(year: int, month: int) -> int:
    """The NHC's table of months per birth month, written out independently of the rule: born
    in 2022-2024, the months from 2025-01 to the month of the third birthday; from 2025, 36."""
    if year >= 2025:
        return 36
    return (year + 3 - 2025) * 12 + month


def _birth_months():
    for year in range(2022, 2026):
        for month in range(1, 13):
            if (year, month) <= (2025, 2):
                yield year, month


@pytest.mark.parametrize(("year", "month"), list(_birth_months()))
def test_every_birth_month_2022_to_2025_02_follows_the_official_table(year, month):
    expected = _official_months(year, month)
    for day in (1, 15, 28):
        months = rules.subsidy_months(D(year, month, day))
        assert len(months) == expected
        assert months == rules.months_between(months[0], months[-1])  # no gaps
        assert months[0] == max(D(year, month, 1), D(2025, 1, 1))
        if year < 2025:  # the last month due is the month of the third birthday
            assert months[-1] == D(year + 3, month, 1)
        assert rules.amount_due(months, lambda m: 30000).total_fen == expected * 30000


@pytest.mark.parametrize(
    ("birth", "count", "yuan"),
    [
        (D(2021, 12, 31), 0, "0.00"),  # three before the subsidy began
        (D(2022, 1, 1), 1, "300.00"),  # turns three in January 2025: that month is due
        (D(2022, 2, 28), 2, "600.00"),
        (D(2023, 12, 1), 24, "7,200.00"),
        (D(2024, 12, 31), 36, "10,800.00"),  # 2025-01 … 2027-12
        (D(2025, 1, 1), 36, "10,800.00"),
        (D(2025, 3, 10), 36, "10,800.00"),  # born from 2025: the full three years
    ],
)
def test_subsidy_month_counting(birth, count, yuan):
    months = rules.subsidy_months(birth)
    assert len(months) == count
    assert rules.yuan(rules.amount_due(months, lambda m: 30000).total_fen) == yuan


def test_amount_due_groups_months_by_rate_and_reports_missing_rates():
    months = rules.months_between(D(2025, 11, 1), D(2026, 2, 1))
    due = rules.amount_due(
        months, lambda m: None if m < D(2025, 12, 1) else (30000 if m.year == 2025 else 40000)
    )
    assert [(p.first_month, p.months, p.monthly_fen) for p in due.periods] == [
        (D(2025, 11, 1), 1, None),
        (D(2025, 12, 1), 1, 30000),
        (D(2026, 1, 1), 2, 40000),
    ]
    assert due.missing_rate_months == 1 and due.total_fen == 110000


def test_maternal_windows_follow_the_weeks_of_pregnancy():
    expected = D(2027, 5, 1)
    lmp = expected - dt.timedelta(days=280)
    windows = {w.visit: w for w in rules.maternal_windows(expected)}
    assert list(windows) == ["early", "w16_20", "w21_24", "w28_36", "w37_40", "home", "day42"]
    assert windows["early"].end == lmp + dt.timedelta(weeks=13, days=-1)  # before week 13
    assert windows["w16_20"].start == lmp + dt.timedelta(weeks=16)
    assert windows["w16_20"].end == lmp + dt.timedelta(weeks=21, days=-1)  # last day of week 20
    assert windows["w28_36"].start == lmp + dt.timedelta(weeks=28)
    assert windows["home"].start == expected + dt.timedelta(days=3)
    assert windows["home"].end - windows["home"].start == dt.timedelta(days=7)
    assert windows["day42"].start == expected + dt.timedelta(days=42)
    # Recorded birth and discharge dates move the postnatal windows.
    late = {w.visit: w for w in rules.maternal_windows(expected, D(2027, 5, 6), D(2027, 5, 9))}
    assert late["home"].start == D(2027, 5, 9) and late["home"].end == D(2027, 5, 16)
    assert late["day42"].start == D(2027, 6, 17)
