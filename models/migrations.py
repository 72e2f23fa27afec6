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


@migration(5)
def _add_resident_search(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Registry search: members-in-relation-order index and the FTS5 trigram search index.

    Frozen copy of models.search_index as of version 5 (the live module may change later).
    """
    migrate(migrator.add_index("resident", ("household_id", "relation"), False))
    from models.pinyin import keys as pinyin_keys

    # Names saved before pinyin was kept beside them become findable by pinyin too.
    missing = db.execute_sql("SELECT id, name FROM resident WHERE pinyin = ''").fetchall()
    for resident_id, name in missing:
        full, initials = pinyin_keys(name or "")
        db.execute_sql("UPDATE resident SET pinyin = ?, pinyin_initials = ? WHERE id = ?",
                       (full, initials, resident_id))
    key = (
        "r.name || '|' || r.pinyin || '|' || r.pinyin_initials || '|' || IFNULL(r.id_number, '')"
        " || '|' || REPLACE(REPLACE(r.phone, '-', ''), ' ', '') || '|' || IFNULL(h.household_no, '')"
        " || '|' || IFNULL(c.name, '') || IFNULL(h.building, '') || IFNULL(h.unit, '')"
        " || IFNULL(h.room, '')"
    )
    src = (
        "FROM resident r LEFT JOIN household h ON h.id = r.household_id"
        " LEFT JOIN compound c ON c.id = h.compound_id"
    )

    def reindex(where: str) -> str:
        return (
            f"DELETE FROM resident_search WHERE rowid IN (SELECT r.id {src} WHERE {where});\n"
            f"  INSERT INTO resident_search(rowid, search_key) SELECT r.id, {key} {src}"
            f" WHERE {where};"
        )

    def changed(columns: tuple[str, ...]) -> str:
        return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)

    resident_columns = ("name", "pinyin", "pinyin_initials", "id_number", "phone", "household_id")
    household_columns = ("household_no", "compound_id", "building", "unit", "room")
    for sql in [
        "CREATE VIRTUAL TABLE IF NOT EXISTS resident_search USING fts5("
        "search_key, tokenize = 'trigram', detail = 'none')",
        "CREATE TRIGGER IF NOT EXISTS resident_search_insert AFTER INSERT ON resident BEGIN\n"
        f"  INSERT INTO resident_search(rowid, search_key) SELECT r.id, {key} {src}"
        " WHERE r.id = NEW.id;\nEND",
        "CREATE TRIGGER IF NOT EXISTS resident_search_update AFTER UPDATE ON resident"
        f" WHEN {changed(resident_columns)} BEGIN\n  {reindex('r.id = NEW.id')}\nEND",
        "CREATE TRIGGER IF NOT EXISTS resident_search_delete AFTER DELETE ON resident BEGIN\n"
        "  DELETE FROM resident_search WHERE rowid = OLD.id;\nEND",
        "CREATE TRIGGER IF NOT EXISTS household_search_update AFTER UPDATE ON household"
        f" WHEN {changed(household_columns)} BEGIN\n  {reindex('r.household_id = NEW.id')}\nEND",
        "CREATE TRIGGER IF NOT EXISTS compound_search_update AFTER UPDATE ON compound"
        f" WHEN OLD.name IS NOT NEW.name BEGIN\n  {reindex('h.compound_id = NEW.id')}\nEND",
        "DELETE FROM resident_search",
        f"INSERT INTO resident_search(rowid, search_key) SELECT r.id, {key} {src}",
    ]:
        db.execute_sql(sql)


LATEST = max(MIGRATIONS)


def all_models() -> list[type[pw.Model]]:
    """Every table of the current schema, in creation order (each area adds its list here)."""
    from models.entities import CORE_MODELS
    from models.search_index import ResidentSearch

    return [*CORE_MODELS, ResidentSearch]


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
