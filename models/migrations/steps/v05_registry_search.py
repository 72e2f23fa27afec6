"""Schema version 5: registry search (members index, FTS5 trigram index and its triggers)."""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.migrations.registry import migration


@migration(5)
def _add_resident_search(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Registry search: members-in-relation-order index and the FTS5 trigram search index.

    Frozen copy of models.registry.search_index as of version 5 (the live module may change later).
    """
    migrate(migrator.add_index("resident", ("household_id", "relation"), False))
    from models.core.pinyin import keys as pinyin_keys

    # Names saved before pinyin was kept beside them become findable by pinyin too.
    missing = db.execute_sql("SELECT id, name FROM resident WHERE pinyin = ''").fetchall()
    for resident_id, name in missing:
        full, initials = pinyin_keys(name or "")
        db.execute_sql(
            "UPDATE resident SET pinyin = ?, pinyin_initials = ? WHERE id = ?",
            (full, initials, resident_id),
        )
    key = (
        "r.name || '|' || r.pinyin || '|' || r.pinyin_initials || '|' || IFNULL(r.id_number, '')"
        " || '|' || REPLACE(REPLACE(r.phone, '-', ''), ' ', '')"
        " || '|' || IFNULL(h.household_no, '')"
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
