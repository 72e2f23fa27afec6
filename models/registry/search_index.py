"""The resident search index: one searchable text per resident, kept in an FTS5 trigram table.

The text joins name, pinyin, pinyin initials, ID number, phone digits, household number and
address with "|" (never part of a search token, so no match spans two fields). SQLite
triggers keep it current whatever writes the register (services, the workbook importer, the
demo), so search never sees a stale row. The trigram index answers a substring of three or
more characters without reading the table; shorter tokens are checked row by row with the
same expression (KEY_SQL), so both paths give the same answer. For a token that starts with a
digit the index only narrows the rows: models.registry.search checks that the number is whole in the
address ("3号楼" is not 13号楼), so the index itself needs no separators inside the address.
"""

from __future__ import annotations

import peewee as pw
from playhouse.sqlite_ext import FTS5Model, RowIDField, SearchField

from models.core.db import database
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


def create(db: pw.Database) -> None:
    """Create the index table and its triggers, and fill it from the register."""
    db.execute_sql(TABLE_SQL)
    for sql in TRIGGERS_SQL:
        db.execute_sql(sql)
    for sql in REBUILD_SQL:
        db.execute_sql(sql)


class ResidentSearch(FTS5Model):
    """The FTS5 table; created (with its triggers) by create(), never written by hand."""

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
