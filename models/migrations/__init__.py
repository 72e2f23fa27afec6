"""Schema versions and the migrations between them.

A new database is created from the current models and stamped with LATEST. An older one is
first copied aside with SQLite's backup API, then brought forward one version at a time,
each step in its own transaction. Migrations use frozen table definitions (never the live
models, which describe only the newest schema) and peewee's migrator, so they run on
PostgreSQL as well as SQLite.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from pathlib import Path

import peewee as pw
from playhouse.migrate import SchemaMigrator

from models.core import clock
from models.core.db import (
    PG_SCHEMA_LOCK_SQL,
    DatabaseError,
    connect_database,
    is_postgres,
    protect_audit_log,
    sqlite_backup,
)
from models.core.entities import SchemaVersion, now
from models.migrations import steps
from models.migrations.registry import MIGRATIONS

# Version 1 is the foundation's first schema (core tables); it has no migration of its own.
# Every later version is one module of models/migrations/steps (vNN_what.py) that registers
# itself with @migration(N); importing them all here is what puts them in MIGRATIONS.
for _step in pkgutil.iter_modules(steps.__path__):
    importlib.import_module(f"{steps.__name__}.{_step.name}")

LATEST = max(MIGRATIONS)


def all_models() -> list[type[pw.Model]]:
    """Every table of the current schema, in creation order: the core ones, then each
    area's (models.areas)."""
    from models.areas import AREAS
    from models.core.attachments import Attachment
    from models.core.entities import CORE_MODELS

    # Attachment (schema v18) is a core table too: it lives in its own module, beside the
    # attachments service (models.core.files), not in models.core.entities.
    return [*CORE_MODELS, Attachment, *(table for area in AREAS for table in area.tables)]


def current_version(db: pw.Database) -> int:
    if "schema_version" not in db.get_tables():
        return 0
    value = SchemaVersion.select(pw.fn.MAX(SchemaVersion.version)).scalar()
    return int(value or 0)


def backup_before_migration(db: pw.Database, version: int) -> Path | None:
    if not isinstance(db, pw.SqliteDatabase) or db.database == ":memory:":
        return None
    src = Path(db.database)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    dest = src.with_name(f"{src.name}.v{version}-{stamp}.bak")
    return sqlite_backup(db, dest)


def ensure_schema(db: pw.Database) -> Path | None:
    """Create or migrate the schema; returns the pre-migration backup, if one was made.

    On PostgreSQL it all happens in one transaction under an advisory lock, so that two
    clerks opening a new (or older) database at once do not both create (or migrate) it: the
    second waits and then finds the work done. Its DDL is transactional, so a failed step
    leaves the database as it was (there is no file to copy aside first)."""
    if is_postgres(db):
        with db.atomic():
            db.execute_sql(PG_SCHEMA_LOCK_SQL)
            return _ensure_schema(db)
    return _ensure_schema(db)


def _ensure_schema(db: pw.Database) -> Path | None:
    tables = set(db.get_tables())
    if "schema_version" not in tables:
        if tables:
            raise DatabaseError("该文件不是本程序的数据库（缺少版本表），为免损坏已停止打开。")
        with db.atomic():
            db.create_tables(all_models())
            SchemaVersion.create(version=LATEST, applied_at=now())
        return None
    version = current_version(db)
    if version > LATEST:
        raise DatabaseError(
            f"该数据库由更新版本的程序创建（结构版本 {version}，本程序支持到 {LATEST}），"
            "请升级本程序后再打开。"
        )
    if version == LATEST:
        return None
    backup = backup_before_migration(db, version)
    migrator = SchemaMigrator.from_database(db)
    for step in sorted(v for v in MIGRATIONS if v > version):
        with db.atomic():
            MIGRATIONS[step](db, migrator)
            SchemaVersion.create(version=step, applied_at=now())
    return backup


def open_database(path: str | os.PathLike[str], *, migrate: bool = True) -> pw.Database:
    """Open the SQLite file at *path* (or the PostgreSQL database a ``postgresql://`` URL
    names) and bring its schema up to date (created at the latest version when missing;
    a file copied aside before a migration; see models.core.db for what is refused). Here
    rather than in models.core.db so that the database layer does not import
    the areas' tables back (no import cycle)."""
    db = connect_database(path)
    if migrate:
        ensure_schema(db)
        protect_audit_log(db)
    return db
