"""Saved lists (名单) on PostgreSQL hold the residents they hold on SQLite (issue 17).

The demo generator's small community is built through the services on a SQLite file and on
a PostgreSQL database; the same lists are saved on both, and each one's count and rows (every
column, in order where the order does not depend on a collation) must agree."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from models import demo
from models.core import users
from models.core.db import close_database, is_postgres
from models.core.entities import Compound, Household, ResidentTag
from models.fill import lists as fill_lists
from models.fill.lists import ListCriteria
from models.migrations import open_database
from tests import postgres_support
from tests.conftest import AS_OF, PASSWORD

psycopg2 = pytest.importorskip("psycopg2")
pg_server = postgres_support.pg_server
pg_url = postgres_support.pg_url

# Orders that do not depend on the server's collation (numbers and dates).
ORDERED = {"household", "birth_date"}


def _criteria() -> dict[str, ListCriteria]:
    compound = Compound.select().order_by(Compound.id).first().id
    kind = Household.select().where(Household.household_type != "2").first().household_type
    tag = ResidentTag.select().order_by(ResidentTag.id).first().tag
    return {
        "everyone current": ListCriteria(),
        "everyone ever": ListCriteria(status=None),
        "80 by the year's end": ListCriteria(min_age=80, date_rule="year_end"),
        "under 7": ListCriteria(max_age=6),
        "women of a compound": ListCriteria(compound_id=compound, sex="2"),
        "household kind": ListCriteria(household_type=kind),
        "born 1950-1960": ListCriteria(born_from="1950-01", born_to="1960-12"),
        "group members": ListCriteria(tag=tag),
        "group at the month's end": ListCriteria(tag=tag, date_rule="month_end"),
        "left the group": ListCriteria(tag=tag, tag_ended=True),
    }


def _saved_lists() -> dict[str, Any]:
    admin = users.create_first_admin("admin", "系统管理员", PASSWORD)
    clerk = users.create_user(admin, "clerk", "李晓梅", "clerk", PASSWORD)
    officer = users.create_user(admin, "jisheng", "王秀英", "casework", PASSWORD)
    demo.generate(households=40, seed=7, as_of=AS_OF)
    found: dict[str, Any] = {}
    for name, criteria in _criteria().items():
        info = fill_lists.save_list(clerk, name, criteria)
        stored = fill_lists.get_list(clerk, info.id).criteria
        assert stored == criteria
        found[name, "count"] = fill_lists.count(clerk, stored, as_of=AS_OF)
        for sort in fill_lists.SORTS:
            rows = [dataclasses.astuple(p) for p in fill_lists.people(officer, stored, AS_OF, sort)]
            found[name, sort] = rows if sort in ORDERED else sorted(rows, key=repr)
        found[name, "clerk ids"] = [p.id_number for p in fill_lists.people(clerk, stored, AS_OF)]
    return found


def _on(target: str | Path) -> dict[str, Any]:
    db = open_database(target)
    try:
        assert is_postgres(db) == isinstance(target, str)
        return _saved_lists()
    finally:
        close_database()


def test_a_saved_list_holds_the_same_residents_on_both_engines(tmp_path, pg_url):
    on_sqlite = _on(tmp_path / "register.sqlite3")
    on_postgres = _on(pg_url)
    assert on_postgres.keys() == on_sqlite.keys()
    differ = [k for k in on_sqlite if on_sqlite[k] != on_postgres[k]]
    assert not differ, [(k, on_sqlite[k], on_postgres[k]) for k in differ[:2]]
    # Not trivially equal: the lists hold people, and the clerk's rows carry no full number.
    for name in _names_with_people(on_sqlite):
        assert on_sqlite[name, "count"] == len(on_sqlite[name, "household"]) > 0, name
    assert on_sqlite["everyone current", "count"] > 100
    assert all(number is None for number in on_sqlite["everyone current", "clerk ids"])


def _names_with_people(found: dict[str, Any]) -> list[str]:
    return [
        name
        for (name, what) in found
        if what == "count" and name not in ("left the group", "group at the month's end")
    ]
