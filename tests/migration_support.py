"""A SQLite file saved at an older schema version, made by the real steps from the
foundation's schema (fixtures/schema_v1.sql), and its rows read back with plain sqlite3: what
the tests of each migration step start from."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from playhouse.migrate import SchemaMigrator

from models.core.db import close_database
from models.core.entities import SchemaVersion, now
from models.migrations import open_database
from models.migrations.registry import MIGRATIONS

FIXTURES = Path(__file__).parent / "fixtures"


def database_at(version: int, path: Path) -> Path:
    con = sqlite3.connect(path)
    con.executescript((FIXTURES / "schema_v1.sql").read_text(encoding="utf-8"))
    con.close()
    db = open_database(path, migrate=False)
    migrator = SchemaMigrator.from_database(db)
    for step in sorted(v for v in MIGRATIONS if 1 < v <= version):
        with db.atomic():
            MIGRATIONS[step](db, migrator)
            SchemaVersion.create(version=step, applied_at=now())
    close_database()
    return path


def rows(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return list(con.execute(sql))
    finally:
        con.close()
