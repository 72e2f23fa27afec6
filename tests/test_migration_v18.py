"""Schema version 18 (the attachment table, where an office server keeps its photos' bytes),
tested from databases saved at versions 16 and 17 by the real steps from the foundation's
schema (fixtures/schema_v1.sql): the table is made as a new database makes it, empty."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from models import migrations
from models.core import files
from models.core.attachments import Attachment
from models.core.db import close_database, database
from models.core.entities import User
from models.migrations import open_database
from models.migrations.registry import MIGRATIONS
from tests.migration_support import database_at as _database_at


def _shape(path: Path, table: str) -> tuple[list[tuple], list[tuple]]:
    con = sqlite3.connect(path)
    try:
        columns = [row[1:] for row in con.execute(f"PRAGMA table_info({table})")]
        indexes = sorted(
            (row[1], row[2], tuple(c[2] for c in con.execute(f"PRAGMA index_info({row[1]})")))
            for row in con.execute(f"PRAGMA index_list({table})")
        )
        return columns, indexes
    finally:
        con.close()


def test_version_18_follows_17():
    assert {16, 17, 18} <= set(MIGRATIONS) and migrations.LATEST >= 18


@pytest.mark.parametrize("version", [16, 17])
def test_an_older_database_gets_the_attachment_table(tmp_path, version):
    path = _database_at(version, tmp_path / "office.sqlite3")
    assert "attachment" not in {
        r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")
    }
    open_database(path)
    try:
        assert migrations.current_version(database) == migrations.LATEST
        assert Attachment.select().count() == 0
        assert User.get(User.username == "admin").role == "admin"  # what was there stays
        # Photos on SQLite are still files beside the database, not rows.
        photo = tmp_path / "p.jpg"
        photo.write_bytes(b"\xff\xd8 a photo")
        relative = files.store(photo, "facilities")
        assert files.resolve(relative).read_bytes() == photo.read_bytes()
        assert Attachment.select().count() == 0
    finally:
        close_database()
    assert list(tmp_path.glob(f"office.sqlite3.v{version}-*.bak"))  # copied aside first

    fresh = tmp_path / "new.sqlite3"
    open_database(fresh)
    close_database()
    assert _shape(path, "attachment") == _shape(fresh, "attachment")


def test_a_server_database_at_17_gets_the_table(pg_url):
    db = open_database(pg_url)
    db.execute_sql("DROP TABLE attachment")
    db.execute_sql("UPDATE schema_version SET version = 17")
    close_database()
    open_database(pg_url)
    try:
        assert migrations.current_version(database) == migrations.LATEST
        assert "attachment" in database.get_tables() and Attachment.select().count() == 0
    finally:
        close_database()
