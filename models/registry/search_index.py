"""The resident search index: one searchable text per resident, kept in an FTS5 trigram table.

The text joins name, pinyin, pinyin initials, ID number, phone digits, household number and
address with "|" (never part of a search token, so no match spans two fields). SQLite
triggers keep it current whatever writes the register (services, the workbook importer, the
demo), so search never sees a stale row. The trigram index answers a substring of three or
more characters without reading the table; shorter tokens are checked row by row with the
same expression (KEY_SQL), so both paths give the same answer. For a token that starts with a
digit the index only narrows the rows: models.registry.search checks that the number is whole in the
address ("3号楼" is not 13号楼), so the index itself needs no separators inside the address.

On PostgreSQL the index is a plain table of the same name and columns (rowid = the resident's
id, search_key) with a pg_trgm GIN index, kept by plpgsql triggers (create_postgres).
"""

from __future__ import annotations

import peewee as pw
from playhouse.sqlite_ext import FTS5Model, RowIDField, SearchField

from models.core.db import DatabaseError, database, is_postgres
from models.core.entities import Compound, Household, Resident

# The searchable text of resident r (household h, compound c; both may be missing).
KEY_SQL = (
    "r.name || '|' || r.pinyin || '|' || r.pinyin_initials || '|' || IFNULL(r.id_number, '')"
    " || '|' || REPLACE(REPLACE(r.phone, '-', ''), ' ', '') || '|' || IFNULL(h.household_no, '')"
    " || '|' || IFNULL(c.name, '') || IFNULL(h.building, '') || IFNULL(h.unit, '')"
    " || IFNULL(h.room, '')"
)
_FROM = (
    "FROM resident r LEFT JOIN household h ON h.id = r.household_id"
    " LEFT JOIN compound c ON c.id = h.compound_id"
)

TABLE_SQL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS resident_search USING fts5("
    "search_key, tokenize = 'trigram', detail = 'none')"
)


def _reindex(where: str) -> str:
    return (
        f"DELETE FROM resident_search WHERE rowid IN (SELECT r.id {_FROM} WHERE {where});\n"
        f"  INSERT INTO resident_search(rowid, search_key) SELECT r.id, {KEY_SQL} {_FROM}"
        f" WHERE {where};"
    )


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


_RESIDENT_COLUMNS = ("name", "pinyin", "pinyin_initials", "id_number", "phone", "household_id")
_HOUSEHOLD_COLUMNS = ("household_no", "compound_id", "building", "unit", "room")

TRIGGERS_SQL: list[str] = [
    "CREATE TRIGGER IF NOT EXISTS resident_search_insert AFTER INSERT ON resident BEGIN\n"
    f"  INSERT INTO resident_search(rowid, search_key) SELECT r.id, {KEY_SQL} {_FROM}"
    " WHERE r.id = NEW.id;\nEND",
    "CREATE TRIGGER IF NOT EXISTS resident_search_update AFTER UPDATE ON resident"
    f" WHEN {_changed(_RESIDENT_COLUMNS)} BEGIN\n  {_reindex('r.id = NEW.id')}\nEND",
    "CREATE TRIGGER IF NOT EXISTS resident_search_delete AFTER DELETE ON resident BEGIN\n"
    "  DELETE FROM resident_search WHERE rowid = OLD.id;\nEND",
    "CREATE TRIGGER IF NOT EXISTS household_search_update AFTER UPDATE ON household"
    f" WHEN {_changed(_HOUSEHOLD_COLUMNS)} BEGIN\n  {_reindex('r.household_id = NEW.id')}\nEND",
    "CREATE TRIGGER IF NOT EXISTS compound_search_update AFTER UPDATE ON compound"
    f" WHEN OLD.name IS NOT NEW.name BEGIN\n  {_reindex('h.compound_id = NEW.id')}\nEND",
]

REBUILD_SQL = [
    "DELETE FROM resident_search",
    f"INSERT INTO resident_search(rowid, search_key) SELECT r.id, {KEY_SQL} {_FROM}",
]


# -- PostgreSQL ----------------------------------------------------------------------------
# The same index on PostgreSQL: a plain table (the column is called rowid there too, so the
# same queries read it) with a pg_trgm GIN index, which answers LIKE/ILIKE '%part%' as FTS5's
# trigram tokenizer does, kept by plpgsql triggers on the same changes as the SQLite ones.
PG_KEY_SQL = KEY_SQL.replace("IFNULL(", "COALESCE(")
PG_EXTENSION = "pg_trgm"
PG_TABLE_SQL = [
    "CREATE TABLE IF NOT EXISTS resident_search (rowid INTEGER PRIMARY KEY, search_key TEXT)",
    "CREATE INDEX IF NOT EXISTS resident_search_key_trgm ON resident_search"
    " USING gin (search_key gin_trgm_ops)",
]


def _pg_reindex_function(name: str, where: str) -> str:
    """A trigger function that writes the search text of the residents *where* selects."""
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        f"  INSERT INTO resident_search(rowid, search_key) SELECT r.id, {PG_KEY_SQL} {_FROM}"
        f" WHERE {where}\n"
        "    ON CONFLICT (rowid) DO UPDATE SET search_key = EXCLUDED.search_key;\n"
        "  RETURN NULL;\n"
        "END\n$$"
    )


def _pg_changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)


PG_FUNCTIONS_SQL: list[str] = [
    _pg_reindex_function("resident_search_resident", "r.id = NEW.id"),
    "CREATE OR REPLACE FUNCTION resident_search_forget() RETURNS trigger LANGUAGE plpgsql"
    " AS $$\nBEGIN\n  DELETE FROM resident_search WHERE rowid = OLD.id;\n  RETURN NULL;\nEND\n$$",
    _pg_reindex_function("resident_search_household", "r.household_id = NEW.id"),
    _pg_reindex_function("resident_search_compound", "h.compound_id = NEW.id"),
]
# CREATE OR REPLACE TRIGGER needs PostgreSQL 14; the program asks for 15.
PG_TRIGGERS_SQL: list[str] = [
    "CREATE OR REPLACE TRIGGER resident_search_insert AFTER INSERT ON resident"
    " FOR EACH ROW EXECUTE FUNCTION resident_search_resident()",
    "CREATE OR REPLACE TRIGGER resident_search_update AFTER UPDATE ON resident FOR EACH ROW"
    f" WHEN ({_pg_changed(_RESIDENT_COLUMNS)}) EXECUTE FUNCTION resident_search_resident()",
    "CREATE OR REPLACE TRIGGER resident_search_delete AFTER DELETE ON resident"
    " FOR EACH ROW EXECUTE FUNCTION resident_search_forget()",
    "CREATE OR REPLACE TRIGGER household_search_update AFTER UPDATE ON household FOR EACH ROW"
    f" WHEN ({_pg_changed(_HOUSEHOLD_COLUMNS)}) EXECUTE FUNCTION resident_search_household()",
    "CREATE OR REPLACE TRIGGER compound_search_update AFTER UPDATE ON compound FOR EACH ROW"
    " WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION resident_search_compound()",
]
PG_REBUILD_SQL = [
    "DELETE FROM resident_search",
    f"INSERT INTO resident_search(rowid, search_key) SELECT r.id, {PG_KEY_SQL} {_FROM}",
]


def ensure_pg_extension(db: pw.Database) -> None:
    """Install pg_trgm in the database unless it is there. It is a trusted extension: the
    database's owner may install it; any other role needs the server's administrator to."""
    present = db.execute_sql(
        "SELECT 1 FROM pg_extension WHERE extname = %s", (PG_EXTENSION,)
    ).fetchone()
    if present:
        return
    try:
        with db.atomic():
            db.execute_sql(f"CREATE EXTENSION IF NOT EXISTS {PG_EXTENSION}")
    except pw.DatabaseError as exc:
        code = getattr(getattr(exc, "orig", None), "pgcode", None)
        if code == "42501":  # insufficient_privilege
            why = "当前数据库用户无权安装，"
        else:  # 0A000 / 58P01: the server has no such extension
            why = "服务器上没有这个扩展（Debian/Ubuntu 请安装 postgresql-contrib），"
        raise DatabaseError(
            f"无法在数据库中安装居民搜索所需的 {PG_EXTENSION} 扩展：{why}"
            f"请服务器管理员在该数据库中执行 CREATE EXTENSION {PG_EXTENSION};"
        ) from exc


def create_postgres(db: pw.Database) -> None:
    """The PostgreSQL index: extension, table, trigram index, triggers, then the rows."""
    ensure_pg_extension(db)
    for sql in [*PG_TABLE_SQL, *PG_FUNCTIONS_SQL, *PG_TRIGGERS_SQL, *PG_REBUILD_SQL]:
        db.execute_sql(sql)


def create(db: pw.Database) -> None:
    """Create the index table and its triggers, and fill it from the register."""
    if is_postgres(db):
        create_postgres(db)
        return
    db.execute_sql(TABLE_SQL)
    for sql in TRIGGERS_SQL:
        db.execute_sql(sql)
    for sql in REBUILD_SQL:
        db.execute_sql(sql)


class ResidentSearch(FTS5Model):
    """The FTS5 table (on PostgreSQL the plain table of create_postgres, whose columns bear the
    same names); created (with its triggers) by create(), never written by hand."""

    rowid = RowIDField()
    search_key = SearchField()

    class Meta:
        database = database
        table_name = "resident_search"
        legacy_table_names = False
        # Created after the tables its triggers read.
        depends_on = (Resident, Household, Compound)

    @classmethod
    def create_table(cls, safe: bool = True, **options: object) -> None:
        db = cls._meta.database
        create(db)
