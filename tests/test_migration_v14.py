"""Schema version 14 (monthly reports frozen when sent), tested from a database saved at
version 13 the way tests/test_migration_v13.py tests its step: made by the real steps from
the foundation's schema (fixtures/schema_v1.sql), holding an office's data."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from models import migrations
from models.core import clock
from models.core.db import close_database
from models.core.entities import Compound, ReportSubmission
from models.migrations import open_database
from models.monthly import stats
from models.monthly import submissions as report_submissions
from models.monthly.stats import Month
from tests.migration_support import database_at as _database_at
from tests.migration_support import rows as _rows

WHEN = "2026-01-05 10:00:00"


def _office(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO compound (name, lead_unit, address, notes, archived, created_at)"
        " VALUES ('迁移测试小区', '', '', '', 0, ?)",
        (WHEN,),
    )
    con.execute(
        "INSERT INTO audit_log (at, username, action, table_name, record_id, note)"
        " VALUES (?, 'clerk', 'create', 'compound', '1', '迁移测试小区')",
        (WHEN,),
    )
    con.commit()
    con.close()


def test_version_13_database_gets_the_submissions_table(tmp_path):
    path = _database_at(13, tmp_path / "office.sqlite3")
    assert _rows(path, "SELECT MAX(version) FROM schema_version") == [(13,)]
    assert "report_submission" not in {
        r[0] for r in _rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    _office(path)
    before = {t: _rows(path, f"SELECT * FROM {t}") for t in ("compound", "audit_log")}

    db = open_database(path)
    try:
        assert migrations.current_version(db) == migrations.LATEST >= 14
        assert "report_submission" in db.get_tables()
        # The table works as the service uses it: a month sent, its serial unique.
        clock.freeze(dt.datetime(2026, 12, 2, 9, 0))
        admin = type("Actor", (), {"username": "admin", "role": "admin"})()
        row = report_submissions.submit(admin, Month(2026, 11), None, lambda f: b"%PDF-1.4 x")
        assert row.serial == "2026-11-001" and row.compound_id is None
        stored = ReportSubmission.get_by_id(row.id)
        assert bytes(stored.pdf) == b"%PDF-1.4 x"
        assert stored.closing == stats.monthly(Month(2026, 11), sections=False).total.closing
        assert Compound.select().count() == len(before["compound"])
        assert Compound.get(Compound.name == "迁移测试小区").archived is False
    finally:
        close_database()
    for table, rows in before.items():
        # Later versions add columns at the end (v17: compound.row_version): the old ones stay.
        kept = [r[: len(rows[0])] for r in _rows(path, f"SELECT * FROM {table}")]
        assert kept[: len(rows)] == rows
    backups = list(tmp_path.glob("office.sqlite3.v13-*.bak"))
    assert len(backups) == 1
    assert "report_submission" not in {
        r[0] for r in _rows(backups[0], "SELECT name FROM sqlite_master WHERE type = 'table'")
    }


def test_version_13_database_ends_with_the_schema_of_a_new_one(tmp_path):
    old = _database_at(13, tmp_path / "old.sqlite3")
    open_database(old)
    close_database()
    fresh = tmp_path / "fresh.sqlite3"
    open_database(fresh)
    close_database()

    def shape(path: Path) -> tuple[list[tuple], list[tuple]]:
        columns = sorted(
            (r[1], r[2], r[3], r[5]) for r in _rows(path, 'PRAGMA table_info("report_submission")')
        )
        indexes = sorted(
            (r[1], r[2]) for r in _rows(path, 'PRAGMA index_list("report_submission")')
        )
        return columns, indexes

    assert shape(old) == shape(fresh)
    assert shape(old)[0]
    foreign = sorted(r[2:5] for r in _rows(old, 'PRAGMA foreign_key_list("report_submission")'))
    assert foreign == sorted(
        r[2:5] for r in _rows(fresh, 'PRAGMA foreign_key_list("report_submission")')
    )
