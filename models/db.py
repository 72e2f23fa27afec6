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

APP_NAME = "NeighbourhoodDesk"
APP_AUTHOR = "NeighbourhoodDesk"
DB_FILENAME = "neighbourhood-desk.sqlite3"

# Every model binds to this proxy; open_database() points it at a real database.
database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
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


class DatabaseError(Exception):
    """A database file that cannot be opened or used; the message is for the user."""


def open_database(path: str | os.PathLike[str], *, migrate: bool = True) -> peewee.Database:
    """Bind the proxy to the SQLite file at *path* and bring its schema up to date.

    A missing file is created at the latest schema version. An existing file at an older
    version is copied aside before it is migrated (see models.migrations).
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise DatabaseError(f"“{path}”是一个文件夹，不是数据库文件。")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size > 0:
        _check_sqlite_header(path)
    db = peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    try:
        db.connect(reuse_if_open=True)
    except peewee.DatabaseError as exc:
        raise DatabaseError(f"无法打开数据库文件“{path}”：{exc}") from exc
    database.initialize(db)
    if migrate:
        from models.migrations import ensure_schema

        ensure_schema(db)
    return db


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
