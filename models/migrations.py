"""Schema versions and the migrations between them.

A new database is created from the current models and stamped with LATEST. An older one is
first copied aside with SQLite's backup API, then brought forward one version at a time,
each step in its own transaction. Migrations use frozen table definitions (never the live
models, which describe only the newest schema) and peewee's migrator, so they run on
PostgreSQL as well as SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.db import DatabaseError, sqlite_backup
from models.entities import SchemaVersion, now

Migration = Callable[[pw.Database, SchemaMigrator], None]
MIGRATIONS: dict[int, Migration] = {}


def migration(version: int) -> Callable[[Migration], Migration]:
    def register(func: Migration) -> Migration:
        if version in MIGRATIONS:
            raise RuntimeError(f"two migrations for schema version {version}")
        MIGRATIONS[version] = func
        return func

    return register


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


@migration(9)
def _add_events(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Community events: plans, preparation checklist, publicity, sign-in, photos, templates."""

    class Base(pw.Model):
        id = pw.AutoField()

        class Meta:
            database = db
            legacy_table_names = False

    class Compound(Base):
        class Meta:
            table_name = "compound"

    class Resident(Base):
        class Meta:
            table_name = "resident"

    class Event(Base):
        title = pw.CharField(max_length=100)
        event_type = pw.CharField(max_length=20, default="other", index=True)
        compound = pw.ForeignKeyField(Compound, null=True, on_delete="RESTRICT")
        event_date = pw.DateField(index=True)
        start_time = pw.CharField(max_length=5, default="")
        end_time = pw.CharField(max_length=5, default="")
        place = pw.CharField(max_length=200, default="")
        audience = pw.CharField(max_length=200, default="")
        expected_count = pw.IntegerField(default=0)
        purpose = pw.TextField(default="")
        content = pw.TextField(default="")
        running_order = pw.TextField(default="")
        publicity_plan = pw.TextField(default="")
        rules = pw.TextField(default="")
        safety_plan = pw.TextField(default="")
        cleanup = pw.TextField(default="")
        status = pw.CharField(max_length=12, default="planned", index=True)
        cancel_reason = pw.CharField(max_length=200, default="")
        head_count = pw.IntegerField(null=True)
        summary = pw.TextField(default="")
        brief_year = pw.IntegerField(null=True)
        brief_no = pw.IntegerField(null=True)
        brief_date = pw.DateField(null=True)
        brief_to = pw.CharField(max_length=200, default="")
        brief_cc = pw.CharField(max_length=200, default="")
        brief_copies = pw.IntegerField(default=5)
        template_key = pw.CharField(max_length=50, default="")
        created_by = pw.CharField(max_length=50, default="")
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "event"
            indexes = ((("brief_year", "brief_no"), False),)

    class EventStaff(Base):
        event = pw.ForeignKeyField(Event, on_delete="RESTRICT")
        role = pw.CharField(max_length=50, default="")
        name = pw.CharField(max_length=50, default="")
        phone = pw.CharField(max_length=30, default="")
        sort = pw.IntegerField(default=0)
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_staff"

    class EventBudgetLine(Base):
        event = pw.ForeignKeyField(Event, on_delete="RESTRICT")
        item = pw.CharField(max_length=100)
        quantity = pw.CharField(max_length=30, default="")
        budget_fen = pw.IntegerField(default=0)
        actual_fen = pw.IntegerField(null=True)
        note = pw.CharField(max_length=200, default="")
        sort = pw.IntegerField(default=0)
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_budget_line"

    class EventTask(Base):
        event = pw.ForeignKeyField(Event, on_delete="RESTRICT")
        title = pw.CharField(max_length=200)
        owner = pw.CharField(max_length=50, default="")
        due_date = pw.DateField(null=True, index=True)
        done = pw.BooleanField(default=False)
        done_by = pw.CharField(max_length=50, default="")
        done_at = pw.DateTimeField(null=True)
        sort = pw.IntegerField(default=0)
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_task"

    class EventPublicity(Base):
        event = pw.ForeignKeyField(Event, on_delete="RESTRICT")
        channel = pw.CharField(max_length=50)
        posted_on = pw.DateField()
        content = pw.TextField(default="")
        username = pw.CharField(max_length=50, default="")
        created_at = pw.DateTimeField()
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_publicity"

    class EventAttendee(Base):
        event = pw.ForeignKeyField(Event, on_delete="RESTRICT")
        resident = pw.ForeignKeyField(Resident, null=True, on_delete="RESTRICT")
        name = pw.CharField(max_length=50)
        invited = pw.BooleanField(default=True)
        signed_in = pw.BooleanField(default=False)
        signed_at = pw.DateTimeField(null=True)
        follow_up = pw.CharField(max_length=200, default="")
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_attendee"
            indexes = ((("event", "resident"), False),)

    class EventPhoto(Base):
        event = pw.ForeignKeyField(Event, on_delete="RESTRICT")
        path = pw.CharField(max_length=200)
        original_name = pw.CharField(max_length=200, default="")
        caption = pw.CharField(max_length=200, default="")
        in_brief = pw.BooleanField(default=True)
        sort = pw.IntegerField(default=0)
        added_by = pw.CharField(max_length=50, default="")
        added_at = pw.DateTimeField()
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_photo"

    class EventTemplate(Base):
        name = pw.CharField(max_length=100)
        event_type = pw.CharField(max_length=20, default="other")
        data = pw.TextField()
        created_by = pw.CharField(max_length=50, default="")
        created_at = pw.DateTimeField()
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_template"

    db.create_tables([Event, EventStaff, EventBudgetLine, EventTask, EventPublicity,
                      EventAttendee, EventPhoto, EventTemplate])


LATEST = max(MIGRATIONS)


def all_models() -> list[type[pw.Model]]:
    """Every table of the current schema, in creation order (each area adds its list here)."""
    from models.entities import CORE_MODELS
    from models.events import EVENT_MODELS

    return [*CORE_MODELS, *EVENT_MODELS]


def current_version(db: pw.Database) -> int:
    if "schema_version" not in db.get_tables():
        return 0
    value = SchemaVersion.select(pw.fn.MAX(SchemaVersion.version)).scalar()
    return int(value or 0)


def backup_before_migration(db: pw.Database, version: int) -> Path | None:
    if not isinstance(db, pw.SqliteDatabase) or db.database == ":memory:":
        return None
    src = Path(db.database)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
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
