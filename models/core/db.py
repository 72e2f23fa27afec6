"""The one database of the program, bound at start-up to the file the user chose."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import peewee
import platformdirs

from models.core.errors import UserFacingError

APP_NAME = "NeighbourhoodDesk"
APP_AUTHOR = "NeighbourhoodDesk"
DB_FILENAME = "neighbourhood-desk.sqlite3"

# Every model binds to this proxy; open_database() points it at a real database.
database = peewee.DatabaseProxy()

# A writer that finds the database busy waits this long before giving up (another thread's
# transaction, a backup copying pages) instead of failing at once with "database is locked".
BUSY_TIMEOUT_SECONDS = 30

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_SECONDS * 1000,
    # WAL + NORMAL is durable against application crashes; only a power cut can lose
    # the last commit, never corrupt the file.
    "synchronous": "normal",
    "cache_size": -16000,
}


def data_dir() -> Path:
    """The per-user folder for the database, photos and backups (created on demand)."""
    override = os.environ.get("NDESK_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


# The engine's own error (a damaged page, a disk I/O error), for callers that catch it
# without a handle on peewee.
EngineError = peewee.DatabaseError


class DatabaseError(UserFacingError):
    """A database file that cannot be opened or used; the message is for the user."""


def connect_database(path: str | os.PathLike[str]) -> peewee.Database:
    """Bind the proxy to the SQLite file at *path* (models.migrations.open_database also
    brings its schema up to date: use that one).

    A missing file is created at the latest schema version. An existing file at an older
    version is copied aside before it is migrated (see models.migrations). An empty (0-byte)
    file is refused: it is what is left of a database (a failed copy, a full disk), not a new
    one, and its backups are the way back (models.core.dbcheck says the same).
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise DatabaseError(f"“{path}”是一个文件夹，不是数据库文件。")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        if path.stat().st_size == 0:
            raise DatabaseError(EMPTY_FILE_TEXT.format(path=path))
        _check_sqlite_header(path)
    # IMMEDIATE: a transaction takes the write lock when it begins, so a second writer waits
    # (busy timeout) instead of failing when its read turns into a write.
    db = peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_SECONDS, lock_type="IMMEDIATE")
    try:
        db.connect(reuse_if_open=True)
    except peewee.DatabaseError as exc:
        raise DatabaseError(f"无法打开数据库文件“{path}”：{exc}") from exc
    database.initialize(db)
    return db


EMPTY_FILE_TEXT = ("数据库文件“{path}”是空的（0 字节），其中的数据已经丢失或没有写完。"
                   "请从备份恢复，程序不会把它当作新数据库使用。")

# The audit log is append-only: no service may change or remove a row (models.core.crud refuses
# too); the triggers catch anything that goes round the services, even a raw SQL statement.
_AUDIT_TRIGGERS = {
    "audit_log_no_update":
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed'); END",
    "audit_log_no_delete":
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted'); END",
}


def protect_audit_log(db: peewee.Database) -> None:
    """Create the append-only triggers on audit_log (idempotent; run on every open). Only a
    missing trigger is written, so an ordinary open takes no write lock."""
    if not db.table_exists("audit_log"):
        return
    present = {row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")}
    missing = [sql for name, sql in _AUDIT_TRIGGERS.items() if name not in present]
    if missing:
        with db.atomic():
            for sql in missing:
                db.execute_sql(sql)


def close_database() -> None:
    obj = database.obj
    if obj is not None and not obj.is_closed():
        obj.close()


def database_path() -> Path | None:
    obj = database.obj
    if isinstance(obj, peewee.SqliteDatabase):
        return Path(obj.database)
    return None


def _check_sqlite_header(path: Path) -> None:
    with path.open("rb") as fh:
        header = fh.read(16)
    if header != b"SQLite format 3\x00":
        raise DatabaseError(f"“{path}”不是本程序的数据库文件（文件头不符）。")


def sqlite_backup(src: peewee.SqliteDatabase, dest: str | os.PathLike[str]) -> Path:
    """Copy a live database with SQLite's online backup API (never a plain file copy)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    target = sqlite3.connect(str(dest))
    try:
        src.connection().backup(target)
    finally:
        target.close()
    return dest


@contextmanager
def atomic() -> Iterator[None]:
    with database.atomic():
        yield


def as_dict(query: Any) -> dict[Any, Any]:
    """{first column: second column} of a two-column select."""
    return {key: value for key, value in query.tuples()}


def close_thread_connection() -> None:
    """Close the calling thread's connection (peewee keeps one per thread): a background
    job's last step, so that a finished worker thread holds no file handle or lock."""
    if database.obj is not None and not database.is_closed():
        database.close()
