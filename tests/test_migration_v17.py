"""Schema version 17 (a row version on compound, household and resident), tested from a
database saved at version 16 by the real steps from the foundation's schema
(fixtures/schema_v1.sql)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from models import migrations
from models.core import crud, users
from models.core.db import close_database
from models.core.entities import Compound, Household, Resident, SchemaVersion, User
from models.migrations import open_database
from models.migrations.steps.v17_row_versions import TABLES
from models.registry import compounds
from tests import postgres_support
from tests.migration_support import database_at as _database_at
from tests.migration_support import rows as _rows

pg_server = postgres_support.pg_server
pg_url = postgres_support.pg_url
pg_db = postgres_support.pg_db


def _columns(path: Path, table: str) -> list[tuple]:
    """(name, type, not null, default, primary key) of each column, in name order."""
    return sorted(r[1:] for r in _rows(path, f'PRAGMA table_info("{table}")'))


def _kept(path: Path, table: str) -> list[tuple]:
    names = [c[0] for c in _columns(path, table) if c[0] != "row_version"]
    picked = ", ".join(f'"{n}"' for n in names)
    return _rows(path, f'SELECT {picked} FROM "{table}" ORDER BY id')


def _shape(path: Path, table: str) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    indexes = sorted((r[1], r[2]) for r in _rows(path, f'PRAGMA index_list("{table}")'))
    foreign = sorted(r[2:5] for r in _rows(path, f'PRAGMA foreign_key_list("{table}")'))
    sql = f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '{table}'"
    triggers = sorted((name, " ".join(text.split())) for name, text in _rows(path, sql))
    return _columns(path, table), indexes, foreign, triggers


def test_version_16_database_gets_row_versions_and_keeps_its_data(tmp_path):
    path = _database_at(16, tmp_path / "office.sqlite3")
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO household (household_no, compound_id, building, unit, room, household_type,"
        " phone, notes, archived, created_at, updated_at) VALUES ('0100002', 1, '5号楼', '',"
        " '101', '2', '13800000000', '', 1, '2026-01-05 10:00:00', '2026-01-05 10:00:00')"
    )
    con.commit()
    con.close()
    before = {t: _kept(path, t) for t in TABLES}
    assert all(before.values()) and len(before["resident"]) == 2

    db = open_database(path)
    try:
        assert migrations.current_version(db) == migrations.LATEST >= 17
        for table in TABLES:
            versions = db.execute_sql(f'SELECT DISTINCT row_version FROM "{table}"')
            assert [r[0] for r in versions] == [1], table
        # The live models read and write the migrated rows: a change is version 2.
        admin = User.get(User.username == "admin")
        head = Resident.get(Resident.name == "王建国")
        crud.update(admin, head, phone="13912345678")
        assert Resident.get_by_id(head.id).row_version == 2 and head.row_version == 2
        assert Household.get_by_id(1).row_version == 1
    finally:
        close_database()
    after = {t: _kept(path, t) for t in TABLES}
    assert after["compound"] == before["compound"]
    assert after["household"] == before["household"]
    assert [r for r in after["resident"] if "王建国" not in r] == [
        r for r in before["resident"] if "王建国" not in r
    ]


def test_version_16_database_ends_with_the_schema_of_a_new_one(tmp_path):
    old = _database_at(16, tmp_path / "old.sqlite3")
    open_database(old)
    close_database()
    fresh = tmp_path / "fresh.sqlite3"
    open_database(fresh)
    close_database()
    for table in TABLES:
        assert _shape(old, table) == _shape(fresh, table), table
        assert ("row_version", "INTEGER", 1, "1", 0) in _columns(old, table)
    # The search index still follows the register (its triggers survived the change).
    assert _shape(old, "resident")[3]


def _pg_columns(db, table: str) -> list[tuple]:
    """(name, type, nullable, default) of each column of *table* on PostgreSQL."""
    return sorted(
        db.execute_sql(
            "SELECT column_name, data_type, is_nullable, column_default"
            " FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = %s",
            (table,),
        ).fetchall()
    )


def test_on_postgresql_a_version_16_database_gets_the_same_columns(pg_db):
    """The step on the other engine: a database at the latest schema taken back to version 16
    (the column dropped, its rows kept) is brought forward again by the real step."""
    fresh = {table: _pg_columns(pg_db, table) for table in TABLES}
    admin = users.create_first_admin("admin", "系统管理员", "test1234")
    compound = compounds.create_compound(admin, "南关小区", "县供电公司")
    for table in TABLES:
        pg_db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN row_version')
    SchemaVersion.update(version=16).execute()
    migrations.ensure_schema(pg_db)
    assert migrations.current_version(pg_db) == migrations.LATEST
    assert {table: _pg_columns(pg_db, table) for table in TABLES} == fresh
    assert ("row_version", "integer", "NO", "1") in fresh["household"]
    assert Compound.get_by_id(compound.id).row_version == 1
