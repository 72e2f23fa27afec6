"""名单 (saved lists): criteria counted on the reference day, checked against the register
read independently (plain SQL and Python date arithmetic), saved with an audit row."""

from __future__ import annotations

import datetime as dt

import pytest

from models.core.db import database
from models.core.entities import AuditLog, Resident, ResidentTag
from models.fill import lists as fill_lists
from models.fill.lists import ListCriteria, ListError


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _current() -> list[Resident]:
    return list(Resident.select().where(Resident.status == "current"))


def test_age_on_the_year_end_is_not_age_today(demo_small, clerk):
    year_end = ListCriteria(min_age=80, date_rule="year_end")
    today = ListCriteria(min_age=80, date_rule="as_of")
    expected_end = {
        r.id for r in _current() if r.birth_date and _age(r.birth_date, dt.date(2026, 12, 31)) >= 80
    }
    expected_now = {
        r.id for r in _current() if r.birth_date and _age(r.birth_date, dt.date(2026, 11, 27)) >= 80
    }
    assert expected_end and expected_now <= expected_end
    assert {p.id for p in fill_lists.people(clerk, year_end)} == expected_end
    assert {p.id for p in fill_lists.people(clerk, today)} == expected_now
    assert fill_lists.count(clerk, year_end) == len(expected_end)


def test_someone_turning_80_in_december_is_on_the_year_end_list_only(demo_small, clerk):
    person = _current()[0]
    database.execute_sql(f"UPDATE resident SET birth_date = '1946-12-20' WHERE id = {person.id}")
    assert person.id in {
        p.id for p in fill_lists.people(clerk, ListCriteria(min_age=80, date_rule="year_end"))
    }
    assert person.id not in {p.id for p in fill_lists.people(clerk, ListCriteria(min_age=80))}
    # Under three: a child born on 2023-11-27 turned three today.
    database.execute_sql(f"UPDATE resident SET birth_date = '2023-11-27' WHERE id = {person.id}")
    assert person.id not in {p.id for p in fill_lists.people(clerk, ListCriteria(max_age=2))}
    database.execute_sql(f"UPDATE resident SET birth_date = '2023-11-28' WHERE id = {person.id}")
    assert person.id in {p.id for p in fill_lists.people(clerk, ListCriteria(max_age=2))}


def test_a_group_counts_on_the_reference_day(demo_small, clerk):
    people = _current()[:3]
    left, joins_later, member = people
    for person, start, end in (
        (left, "2024-01-01", "2026-10-01"),
        (joins_later, "2026-12-15", None),
        (member, "2025-03-01", None),
    ):
        ResidentTag.create(
            resident=person.id, tag="veteran", detail="", start_date=start, end_date=end
        )
    on_day = {p.id for p in fill_lists.people(clerk, ListCriteria(tag="veteran"))}
    assert member.id in on_day and left.id not in on_day and joins_later.id not in on_day
    at_year_end = {
        p.id for p in fill_lists.people(clerk, ListCriteria(tag="veteran", date_rule="year_end"))
    }
    assert joins_later.id in at_year_end
    ended = {p.id for p in fill_lists.people(clerk, ListCriteria(tag="veteran", tag_ended=True))}
    assert left.id in ended and member.id not in ended
    since = ListCriteria(tag="veteran", tag_started_from=dt.date(2025, 1, 1), date_rule="year_end")
    assert {p.id for p in fill_lists.people(clerk, since)} >= {member.id, joins_later.id}
    assert left.id not in {p.id for p in fill_lists.people(clerk, since)}


def test_birth_months_household_kind_and_compound(demo_small, clerk):
    criteria = ListCriteria(born_from="2023-01", born_to="2024-06")
    expected = {
        r.id
        for r in _current()
        if r.birth_date and dt.date(2023, 1, 1) <= r.birth_date <= dt.date(2024, 6, 30)
    }
    assert {p.id for p in fill_lists.people(clerk, criteria)} == expected
    kind = database.execute_sql(
        "SELECT household_type FROM household WHERE household_type != '2' LIMIT 1"
    ).fetchone()[0]
    sql_kind = {
        row[0]
        for row in database.execute_sql(
            "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id"
            f" WHERE r.status = 'current' AND h.household_type = {database.param}",
            [kind],
        )
    }
    assert sql_kind
    assert {p.id for p in fill_lists.people(clerk, ListCriteria(household_type=kind))} == sql_kind
    compound_id, name = database.execute_sql("SELECT id, name FROM compound LIMIT 1").fetchone()
    rows = fill_lists.people(clerk, ListCriteria(compound_id=compound_id, sex="2"))
    assert rows and {p.compound for p in rows} == {name}
    assert all(p.sex == "2" for p in rows)


def test_full_id_numbers_only_for_roles_that_may_see_them(demo_small, clerk, officer):
    criteria = ListCriteria(min_age=60)
    as_clerk = fill_lists.people(clerk, criteria, limit=5)
    as_officer = fill_lists.people(officer, criteria, limit=5)
    assert all(p.id_number is None and "*" in p.masked_id for p in as_clerk if p.masked_id)
    stored = {r.id: r.id_number for r in Resident.select()}
    assert [p.id_number for p in as_officer] == [stored[p.id] for p in as_officer]


def test_head_name_and_sort_orders(demo_small, clerk):
    rows = fill_lists.people(clerk, ListCriteria(), sort="household", limit=30)
    heads = dict(
        database.execute_sql(
            "SELECT household_id, name FROM resident WHERE relation = '02' AND status = 'current'"
        )
    )
    by_id = {r.id: r.household_id for r in Resident.select()}
    assert all(p.head_name == heads.get(by_id[p.id], "") for p in rows)
    births = [
        p.birth_date
        for p in fill_lists.people(clerk, ListCriteria(), sort="birth_date")
        if p.birth_date
    ]
    assert births == sorted(births)


def test_saved_lists_are_audited_unique_and_checked(demo_small, clerk):
    info = fill_lists.save_list(clerk, "八十岁以上", ListCriteria(min_age=80, date_rule="year_end"))
    assert info.description == "全社区·80周岁以上·按当年12月31日计"
    assert (
        AuditLog.select()
        .where((AuditLog.table_name == "saved_list") & (AuditLog.record_id == str(info.id)))
        .count()
        == 1
    )
    with pytest.raises(ListError, match="已有名为"):
        fill_lists.save_list(clerk, "八十岁以上", ListCriteria())
    for bad, message in (
        (ListCriteria(min_age=90, max_age=80), "最小年龄大于"),
        (ListCriteria(born_from="2024-13"), "YYYY-MM"),
        (ListCriteria(tag="nonsense"), "特殊人群代码"),
        (ListCriteria(tag_ended=True), "先选择特殊人群"),
        (ListCriteria(date_rule="tomorrow"), "日期规则"),
    ):
        with pytest.raises(ListError, match=message):
            fill_lists.save_list(clerk, "坏名单", bad)
    changed = fill_lists.save_list(clerk, "八十岁以上", ListCriteria(min_age=85), list_id=info.id)
    assert changed.criteria.min_age == 85
    assert [i.name for i in fill_lists.saved_lists(clerk)] == ["八十岁以上"]
    fill_lists.archive_list(clerk, info.id)
    assert fill_lists.saved_lists(clerk) == []
    # The archived list is kept under another name, and its name can be used again.
    assert fill_lists.get_list(clerk, info.id).name == f"八十岁以上（已停用#{info.id}）"
    again = fill_lists.save_list(clerk, "八十岁以上", ListCriteria(min_age=80))
    assert again.id != info.id
    assert fill_lists.describe(ListCriteria(max_age=2)) == "全社区·不满3周岁·按填表当天计"
