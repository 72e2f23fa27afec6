import sqlite3
from pathlib import Path

import pytest

from models import migrations
from models.core.db import DatabaseError, close_database
from models.core.entities import Resident, SchemaVersion, Setting, User
from models.core.users import authenticate
from models.migrations import open_database

FIXTURES = Path(__file__).parent / "fixtures"


def _schema(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        schema = {
            t: sorted((r[1], r[2], r[3]) for r in con.execute(f'PRAGMA table_info("{t}")'))
            for t in sorted(tables)
        }
        schema["indexes"] = sorted(
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='index' AND name NOT LIKE 'sqlite_%'"
            )
        )
        schema["foreign_keys"] = sorted(
            (t, r[2], r[3], r[4])
            for t in tables
            for r in con.execute(f'PRAGMA foreign_key_list("{t}")')
        )
        # Triggers and views carry behaviour (the audit log's append-only guard, search sync):
        # compared with their SQL, spacing apart.
        for kind in ("trigger", "view"):
            schema[kind + "s"] = sorted(
                (name, table, " ".join((sql or "").split()))
                for name, table, sql in con.execute(
                    "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = ?", (kind,)
                )
            )
        return schema
    finally:
        con.close()


def _load(sql_file: str, dest: Path) -> Path:
    con = sqlite3.connect(dest)
    con.executescript((FIXTURES / sql_file).read_text(encoding="utf-8"))
    con.close()
    return dest


def test_new_database_starts_at_latest_version(db):
    assert migrations.current_version(db) == migrations.LATEST
    assert SchemaVersion.select().count() == 1


def test_version_1_database_migrates_with_backup_and_keeps_data(tmp_path):
    old = _load("schema_v1.sql", tmp_path / "office.sqlite3")
    db = open_database(old)
    try:
        assert migrations.current_version(db) == migrations.LATEST
        versions = [v.version for v in SchemaVersion.select().order_by(SchemaVersion.version)]
        assert versions == [1, *sorted(migrations.MIGRATIONS)]
        assert [r.name for r in Resident.select().order_by(Resident.id)] == ["王建国", "李秀兰"]
        assert authenticate("admin", "admin1234").role == "admin"
        Setting.create(key="issuing_unit", value="城关街道南关社区居民委员会")  # new table usable
    finally:
        close_database()
    backups = list(tmp_path.glob("office.sqlite3.v1-*.bak"))
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone() == (1,)
    con.close()
    # The migrated schema is exactly what a new database gets.
    fresh = tmp_path / "fresh.sqlite3"
    open_database(fresh)
    close_database()
    migrated, new = _schema(old), _schema(fresh)
    assert {"audit_log_no_update", "audit_log_no_delete"} <= {t[0] for t in new["triggers"]}
    assert migrated == new


def test_database_from_a_newer_program_is_refused(tmp_path):
    path = tmp_path / "newer.sqlite3"
    open_database(path)
    SchemaVersion.create(version=migrations.LATEST + 1)
    close_database()
    with pytest.raises(DatabaseError, match="更新版本"):
        open_database(path)
    close_database()


def test_foreign_files_are_refused_untouched(tmp_path):
    text = tmp_path / "notes.sqlite3"
    text.write_text("户籍花名册", encoding="utf-8")
    with pytest.raises(DatabaseError, match="不是本程序的数据库"):
        open_database(text)
    other = tmp_path / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE people (name TEXT)")
    con.close()
    with pytest.raises(DatabaseError, match="缺少版本表"):
        open_database(other)
    close_database()
    assert text.read_text(encoding="utf-8") == "户籍花名册"


@pytest.mark.sqlite_only("SQLite's pragmas (WAL, foreign keys, busy timeout)")
def test_pragmas_are_set(db):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 30000
    assert User.select().count() == 0
