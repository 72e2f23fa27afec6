"""Registry search on PostgreSQL gives what it gives on SQLite (issue 17).

The same register (the demo generator's small community plus a street of look-alike
addresses) is built through the real services on a SQLite file and on a PostgreSQL database;
every query's rows (in order where the order does not depend on a collation) and counts must
be the same on both, on both query shapes (candidate-driven and the plain scan). The street
holds the whole-number cases ("3号楼" is not 13号楼, "2301" is not 12301) and addresses with
characters that GLOB and the regular expression must take literally ("3.5号楼", "[2]号楼").
On PostgreSQL the same rules of who sees what hold as on SQLite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from models import demo
from models.core import idcard, users
from models.core.db import close_database, is_postgres
from models.core.entities import Compound, Household, Resident, ResidentTag
from models.core.permissions import PermissionDenied
from models.migrations import open_database
from models.registry import compounds, households, residents, search
from models.registry.households import AddressInput
from models.registry.residents import ResidentData
from models.registry.search import ResidentFilter
from tests import postgres_support
from tests.conftest import AS_OF, PASSWORD
from tests.registry_helpers import make_family

psycopg2 = pytest.importorskip("psycopg2")
pg_server = postgres_support.pg_server
pg_url = postgres_support.pg_url
pg_db = postgres_support.pg_db

EVERYONE = ResidentFilter(status=None)

# (name, compound, building, unit, room, phone); each heads a household of their own.
STREET = [
    ("张建华", "东关小区", "3号楼", "2单元", "302", ""),
    ("李国强", "东关小区", "13号楼", "2单元", "302", ""),
    ("赵志刚", "东关小区", "3号楼", "12单元", "1302", ""),
    ("钱玉梅", "西关新村", "3号楼", "2单元", "301", ""),
    ("孙德明", "东关小区", "3", "2", "302", ""),  # imported without 号楼/单元
    ("周海燕", "东关小区", "3A座", "", "101", ""),
    ("吴建军", "东关小区", "13A座", "", "101", ""),
    ("郑秀芳", "西关新村", "5号楼", "1单元", "2301", "13029995511"),
    ("陈立新", "西关新村", "5号楼", "1单元", "12301", ""),
    ("冯小玲", "西关新村", "3.5号楼", "1单元", "101", ""),  # "." must not match any character
    ("褚大伟", "西关新村", "3x5号楼", "1单元", "101", ""),
    ("卫晓光", "西关新村", "[2]号楼", "1单元", "101", ""),  # "[" is special to GLOB
]

FIXED_QUERIES = [
    "",
    "王",
    "王建",
    "建",
    "wjg",
    "WJG",
    "zhang",
    "ZhangJian",
    "3号楼",
    "３号楼",
    "3号",
    "13号楼",
    "3号楼2单元",
    "3号楼 2单元",
    "2单元302",
    "东关 302",
    "东关小区3号楼",
    "302",
    "1302",
    "2-301",
    "2301",
    "3a座",
    "3A座",
    "13a座",
    "3.5号楼",
    "[2]号楼",
    "号楼2单元",
    "西关",
    "9995",
    "没有这个人",
]


def build_register(admin) -> None:
    """The demo's small community (as_of the frozen day) and the street above."""
    demo.generate(households=40, seed=7, as_of=AS_OF)
    compound_ids = {
        name: compounds.create_compound(admin, name).id for name in ("东关小区", "西关新村")
    }
    for seq, (name, compound, building, unit, room, phone) in enumerate(STREET):
        house = households.create_household(
            admin, AddressInput(compound_ids[compound], building, unit, room)
        )
        number = idcard.make("140105", dt.date(1966, 3, 1) + dt.timedelta(days=97 * seq), seq + 21)
        data = ResidentData(
            name=name, id_number=number, sex="1", birth_date=None, relation="02", phone=phone
        )
        residents.create_resident(admin, house.id, data)


def person_queries() -> list[str]:
    """Texts that find one person of the demo: name, pinyin, ID and phone digits, household
    number and address (read from the register; the same on both engines)."""
    someone = (
        Resident.select()
        .where(
            (Resident.relation == "02") & (Resident.phone != "") & (Resident.status == "current")
        )
        .order_by(Resident.id)
        .offset(3)
        .first()
    )
    house = Household.get_by_id(someone.household_id)
    return [
        someone.name,
        someone.name[0],
        someone.pinyin_initials,
        someone.pinyin,
        someone.pinyin.upper(),
        someone.id_number[-4:],
        someone.id_number[6:14],
        someone.id_number.lower(),
        someone.phone[-4:],
        someone.phone,
        house.household_no,
        f"{house.building}{house.unit}{house.room}",
        f"{house.compound.name} {house.room}",
        f"{someone.name[0]} {house.household_no}",
    ]


def filters() -> dict[str, ResidentFilter]:
    """Each filter of the window, its ids looked up in the open register."""
    east = Compound.get(Compound.name == "东关小区").id
    first_house = Household.select().order_by(Household.id).first().id
    tag = (
        ResidentTag.select().where(ResidentTag.end_date.is_null()).order_by(ResidentTag.id).first()
    )
    return {
        "everyone": EVERYONE,
        "current": ResidentFilter(),
        "women": ResidentFilter(sex="2"),
        "60 and over": ResidentFilter(min_age=60, as_of=AS_OF),
        "under 18": ResidentFilter(max_age=17, as_of=AS_OF),
        "compound": ResidentFilter(status=None, compound_id=east),
        "household": ResidentFilter(status=None, household_id=first_house),
        "tag": ResidentFilter(tag=tag.tag if tag else "veteran"),
    }


# Sorts whose order does not depend on the server's collation (digits, dates, codes).
ORDERED_SORTS = {"household", "birth_date", "id_number", "sex", "relation", "category", "status"}


def answers(queries: list[str]) -> dict[tuple[Any, ...], Any]:
    """Every query's rows (as stable keys: name and ID number) and counts, both shapes."""
    key = {r.id: (r.name, r.id_number) for r in Resident.select()}

    def rows(text: str, flt: ResidentFilter, **kw: Any) -> list[Any]:
        return [key[r.id] for r in search.search(text, flt, **kw)]

    found: dict[tuple[Any, ...], Any] = {}
    flts = filters()
    real_limit = search.PROBE_LIMIT
    try:
        for shape, limit in (("driven", real_limit), ("scan", -1)):
            search.PROBE_LIMIT = limit
            search.clear_cache()
            for text in queries:
                for label, flt in flts.items():
                    if label not in ("everyone", "current") and text not in ("", "王", "3号楼"):
                        continue
                    found[shape, text, label] = (
                        rows(text, flt, limit=100000),
                        search.count(text, flt),
                        search.count(text, flt, cap=5),
                    )
            for text in ("", "王", "3号楼", "wang"):
                for sort in search.SORTS:
                    for descending in (False, True):
                        got = rows(text, EVERYONE, sort=sort, descending=descending, limit=100000)
                        found[shape, text, sort, descending] = (
                            got if sort in ORDERED_SORTS else sorted(got, key=repr)
                        )
                found[shape, text, "page 2"] = rows(text, EVERYONE, limit=7, offset=7)
    finally:
        search.PROBE_LIMIT = real_limit
        search.clear_cache()
    return found


def on_engine(target: str | Path, work: Callable[[], Any]) -> Any:
    """Open *target* (a file or a URL), build the register through the services, run *work*."""
    db = open_database(target)
    try:
        assert is_postgres(db) == isinstance(target, str)
        admin = users.create_first_admin("admin", "系统管理员", PASSWORD)
        build_register(admin)
        return work()
    finally:
        close_database()


def test_every_query_finds_the_same_residents_on_both_engines(tmp_path, pg_url):
    def work() -> tuple[list[str], dict[tuple[Any, ...], Any]]:
        queries = FIXED_QUERIES + person_queries()
        return queries, answers(queries)

    queries, on_sqlite = on_engine(tmp_path / "register.sqlite3", work)
    on_postgres = on_engine(pg_url, lambda: answers(queries))
    assert on_postgres.keys() == on_sqlite.keys()
    differ = [k for k in on_sqlite if on_sqlite[k] != on_postgres[k]]
    assert not differ, [(k, on_sqlite[k], on_postgres[k]) for k in differ[:3]]

    # The comparison means something: the queries find what the rules say (read on SQLite).
    def names(text: str) -> set[str]:
        return {name for name, _ in on_sqlite["driven", text, "everyone"][0]}

    street = {row[0] for row in STREET}
    assert names("3号楼") & street == {"张建华", "赵志刚", "钱玉梅"}
    assert names("3号楼2单元") & street == {"张建华", "钱玉梅"}
    assert names("2-301") & street == names("2301") & street == {"郑秀芳"}
    assert names("3a座") & street == names("3A座") & street == {"周海燕"}
    assert names("3.5号楼") == {"冯小玲"} and names("[2]号楼") == {"卫晓光"}
    assert names("东关 302") & street == {"张建华", "李国强", "孙德明"}
    assert names("9995") == {"郑秀芳"} and not names("没有这个人")
    for text in queries[len(FIXED_QUERIES) :]:
        rows, total, capped = on_sqlite["driven", text, "everyone"]
        assert rows and total == len(rows) and capped == min(total, 6), text
    assert len(on_sqlite["driven", "", "everyone"][0]) > 100


def test_rows_carry_full_numbers_only_for_a_role_that_may_reveal_them(pg_db):
    admin = users.create_first_admin("admin", "系统管理员", PASSWORD)
    clerk = users.create_user(admin, "clerk", "李晓梅", "clerk", PASSWORD)
    officer = users.create_user(admin, "jisheng", "王秀英", "casework", PASSWORD)
    supervisor = users.create_user(admin, "zhuren", "张建国", "supervisor", PASSWORD)
    make_family(admin)
    stored = {r.id: r.id_number for r in Resident.select()}
    for reader in (clerk, None):
        rows = search.search("", EVERYONE, limit=100, actor=reader)
        assert len(rows) == len(stored)
        assert all(r.id_number is None for r in rows)
        assert all(r.masked_id and r.masked_id != stored[r.id] for r in rows)
        someone = rows[0]
        [found] = search.search(stored[someone.id][-6:], EVERYONE, actor=reader)
        assert found.id == someone.id and found.id_number is None
    for reader in (officer, supervisor, admin):
        rows = search.search("", EVERYONE, limit=100, actor=reader)
        assert {r.id: r.id_number for r in rows} == stored

    class Nobody:
        username = "nobody"
        role = "nobody"

    with pytest.raises(PermissionDenied):
        search.search("", EVERYONE, actor=Nobody())
    with pytest.raises(PermissionDenied):
        search.count("", EVERYONE, actor=Nobody())
    assert search.count("", EVERYONE, actor=clerk) == len(stored)


def test_another_clerks_change_is_found_at_once(pg_db, pg_url):
    """The probe cache never hides a change: another connection's commit, or this one's own
    writes inside a transaction."""
    admin = users.create_first_admin("admin", "系统管理员", PASSWORD)
    _compound, _house, people = make_family(admin)
    assert [r.id for r in search.search("王建国", EVERYONE)] == [people["王建国"]]
    assert search.search("王建军", EVERYONE) == []
    other = postgres_support.connect_admin(pg_url)  # another clerk's connection
    try:
        with other.cursor() as cur:
            cur.execute("UPDATE resident SET name = %s WHERE id = %s", ("王建军", people["王建国"]))
    finally:
        other.close()
    assert [r.id for r in search.search("王建军", EVERYONE)] == [people["王建国"]]
    assert search.count("王建国", EVERYONE) == 0
    # This connection's own writes inside a transaction, one after the other, are seen too.
    son = people["王磊"]
    with pg_db.atomic():
        pg_db.execute_sql("UPDATE resident SET name = %s WHERE id = %s", ("王建民", son))
        assert [r.id for r in search.search("王建民", EVERYONE)] == [son]
        pg_db.execute_sql("UPDATE resident SET name = %s WHERE id = %s", ("王建业", son))
        assert search.search("王建民", EVERYONE) == [] and search.count("王建业", EVERYONE) == 1
    assert [r.id for r in search.search("王建业", EVERYONE)] == [son]
