"""Schema version 15 (一表通: saved lists, templates, fills), tested from a database saved at
version 14 made by the real steps (tests/test_migration_v14.py builds it the same way)."""

from __future__ import annotations

from pathlib import Path

from test_migration_v14 import _database_at, _office, _rows

from models import migrations
from models.core.db import close_database
from models.fill import templates as fill_templates
from models.fill.entities import FillTemplate, SavedList
from models.migrations import open_database

TABLES = ("saved_list", "fill_template", "fill_run")


def _tables(path: Path) -> set[str]:
    return {r[0] for r in _rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_version_14_database_gets_the_fill_tables_and_keeps_its_data(tmp_path):
    path = _database_at(14, tmp_path / "office.sqlite3")
    assert not _tables(path) & set(TABLES)
    _office(path)
    before = {t: _rows(path, f"SELECT * FROM {t}") for t in ("compound", "audit_log")}
    db = open_database(path)
    try:
        assert migrations.current_version(db) == migrations.LATEST >= 15
        admin = type("Actor", (), {"username": "admin", "role": "admin"})()
        # The tables work as the services use them: the starter set goes in.
        assert len(fill_templates.templates(admin)) == 5
        assert SavedList.select().count() == 5 and FillTemplate.select().count() == 5
    finally:
        close_database()
    for table, rows in before.items():
        # Later versions add columns at the end (v17: compound.row_version): the old ones stay.
        kept = [r[: len(rows[0])] for r in _rows(path, f"SELECT * FROM {table}")]
        assert kept[: len(rows)] == rows
    backups = list(tmp_path.glob("office.sqlite3.v14-*.bak"))
    assert len(backups) == 1 and not _tables(backups[0]) & set(TABLES)


def test_version_14_database_ends_with_the_schema_of_a_new_one(tmp_path):
    old = _database_at(14, tmp_path / "old.sqlite3")
    open_database(old)
    close_database()
    fresh = tmp_path / "fresh.sqlite3"
    open_database(fresh)
    close_database()
    for table in TABLES:

        def shape(path: Path, table: str = table) -> tuple[list, list, list]:
            columns = sorted(
                (r[1], r[2], r[3], r[5]) for r in _rows(path, f'PRAGMA table_info("{table}")')
            )
            indexes = sorted((r[1], r[2]) for r in _rows(path, f'PRAGMA index_list("{table}")'))
            foreign = sorted(r[2:5] for r in _rows(path, f'PRAGMA foreign_key_list("{table}")'))
            return columns, indexes, foreign

        assert shape(old)[0], table
        assert shape(old) == shape(fresh), table
