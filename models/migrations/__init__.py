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
from pathlib import Path

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.core import clock
from models.core.db import DatabaseError, connect_database, protect_audit_log, sqlite_backup
from models.core.entities import SchemaVersion, now
from models.migrations.registry import MIGRATIONS, migration

# Version 1 is the foundation's first schema (core tables); it has no migration of its own.


@migration(2)
def _add_settings(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Settings that travel with the database (issuing unit's name, ID masking default)."""

    class Setting(pw.Model):
        key = pw.CharField(primary_key=True, max_length=100)
        value = pw.TextField()

        class Meta:
            database = db
            table_name = "setting"

    db.create_tables([Setting])


@migration(3)
def _add_resident_arrived_on(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Date a non-registered resident came to live here (decides 常住 after six months)."""
    migrate(migrator.add_column("resident", "arrived_on", pw.DateField(null=True)))


@migration(4)
def _add_life_events(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Dated life events (birth, death, moving in and out …) that the monthly report counts."""

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False  # index names as the live models make them

    class Resident(Base):
        class Meta:
            table_name = "resident"

    class Household(Base):
        class Meta:
            table_name = "household"

    class LifeEvent(Base):
        resident = pw.ForeignKeyField(Resident, null=True, on_delete="RESTRICT")
        household = pw.ForeignKeyField(Household, null=True, on_delete="RESTRICT")
        kind = pw.CharField(max_length=20, index=True)
        event_date = pw.DateField(index=True)
        reason = pw.CharField(max_length=200, default="")
        from_value = pw.CharField(max_length=200, default="")
        to_value = pw.CharField(max_length=200, default="")
        corrects = pw.ForeignKeyField("self", null=True, on_delete="RESTRICT")
        voided = pw.BooleanField(default=False)
        username = pw.CharField(max_length=50)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "life_event"

    db.create_tables([LifeEvent])



# Later versions, one module each (models/migrations/steps/vNN_area.py), in version order.
STEPS = ["v05_registry_search", "v07_certificates", "v08_casework", "v09_events", "v10_facilities"]
STEPS += ["v12_perf"]  # indexes for a district's scale (the benchmark, issue 9)
STEPS += ["v13_certificate_allow_list"]  # the 20 abolished certificates (民发〔2020〕20号)
STEPS += ["v14_report_submissions"]  # monthly reports frozen when sent (issue 13)
STEPS += ["v15_fill_templates"]  # 一表通: saved lists and department templates (issue 16)
for _step in STEPS:
    importlib.import_module(f"models.migrations.steps.{_step}")

LATEST = max(MIGRATIONS)


def all_models() -> list[type[pw.Model]]:
    """Every table of the current schema, in creation order (each area adds its list here)."""
    from models.casework.entities import CASEWORK_MODELS
    from models.certificates import service as certificates
    from models.core.entities import CORE_MODELS
    from models.events.entities import EVENT_MODELS
    from models.facilities.entities import FACILITY_MODELS
    from models.fill.entities import FILL_MODELS
    from models.registry.search_index import ResidentSearch

    return [*CORE_MODELS, ResidentSearch, *certificates.MODELS, *CASEWORK_MODELS, *EVENT_MODELS, *FACILITY_MODELS,
            *FILL_MODELS]


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
    """Create or migrate the schema; returns the pre-migration backup, if one was made."""
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
    """Open the SQLite file at *path* and bring its schema up to date (created at the latest
    version when missing; copied aside before a migration; see models.core.db for what is
    refused). Here rather than in models.core.db so that the database layer does not import
    the areas' tables back (no import cycle)."""
    db = connect_database(path)
    if migrate:
        ensure_schema(db)
        protect_audit_log(db)
    return db
