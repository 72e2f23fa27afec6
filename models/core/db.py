"""The one database of the program, bound at start-up to the file the user chose (SQLite) or
to an office server (PostgreSQL, a ``postgresql://`` URL)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

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


def is_postgres_url(target: object) -> TypeGuard[str]:
    """Whether *target* names a PostgreSQL server (postgresql://…) rather than a file."""
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def is_postgres(db: peewee.Database | peewee.DatabaseProxy | None = None) -> bool:
    """Whether *db* (by default the program's database) is a PostgreSQL one."""
    obj = database.obj if db is None else db
    if isinstance(obj, peewee.DatabaseProxy):
        obj = obj.obj
    return isinstance(obj, peewee.PostgresqlDatabase)


def connect_database(path: str | os.PathLike[str]) -> peewee.Database:
    """Bind the proxy to the SQLite file at *path*, or to the PostgreSQL database a
    ``postgresql://user[:password]@host[:port]/db`` URL names (connect_postgres);
    models.migrations.open_database also brings the schema up to date: use that one.

    A missing file is created at the latest schema version. An existing file at an older
    version is copied aside before it is migrated (see models.migrations). An empty (0-byte)
    file is refused: it is what is left of a database (a failed copy, a full disk), not a new
    one, and its backups are the way back (models.core.dbcheck says the same).
    """
    if is_postgres_url(path):
        return connect_postgres(str(path))
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
    db = peewee.SqliteDatabase(
        str(path),
        pragmas=SQLITE_PRAGMAS,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_SECONDS,
        lock_type="IMMEDIATE",
    )
    try:
        db.connect(reuse_if_open=True)
    except peewee.DatabaseError as exc:
        raise DatabaseError(f"无法打开数据库文件“{path}”：{exc}") from exc
    database.initialize(db)
    return db


POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# A server that does not answer is reported after this long, not after the OS's TCP timeout.
PG_CONNECT_TIMEOUT_SECONDS = 10


def parse_postgres_url(url: str) -> dict[str, Any]:
    """psycopg2's connection parameters from a ``postgresql://`` URL.

    The password may be left out: libpq then reads it from PGPASSFILE (or ~/.pgpass, on
    Windows %APPDATA%\\postgresql\\pgpass.conf) or PGPASSWORD, which keeps it out of the
    program's own settings. Query parameters (``?sslmode=require``) are passed on to libpq."""
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if not name or "/" in name:
        raise DatabaseError(
            f"数据库地址“{redact_url(url)}”缺少数据库名，"
            "应写作 postgresql://用户名@服务器:端口/数据库名。"
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise DatabaseError(f"数据库地址“{redact_url(url)}”中的端口号不正确。") from exc
    # A host may be a folder holding the server's unix socket (%2Fvar%2Frun%2Fpostgresql).
    params: dict[str, Any] = {
        "database": name,
        "host": unquote(parts.hostname) if parts.hostname else "localhost",
    }
    if port:
        params["port"] = port
    if parts.username:
        params["user"] = unquote(parts.username)
    if parts.password is not None:
        params["password"] = unquote(parts.password)
    options = dict(parse_qsl(parts.query))
    options.setdefault("connect_timeout", str(PG_CONNECT_TIMEOUT_SECONDS))
    options.setdefault("application_name", APP_NAME)
    params.update(options)
    return params


def redact_url(url: str) -> str:
    """*url* without its password (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def connect_postgres(url: str) -> peewee.PostgresqlDatabase:
    """Bind the proxy to the PostgreSQL database *url* names; a server that cannot be
    reached, a refused login or a missing database is a DatabaseError saying which."""
    params = parse_postgres_url(url)
    try:
        import psycopg2  # noqa: F401  (peewee imports it too; here to say when it is missing)
    except ImportError as exc:
        raise DatabaseError(
            "未安装 PostgreSQL 驱动（psycopg2），无法连接数据库服务器。"
            "请安装 psycopg2-binary 后重试。"
        ) from exc
    name = params.pop("database")
    # peewee >= 3.17 rolls a failed statement back by itself (the connection is in autocommit
    # between transactions), so no autorollback; it connects again after a close.
    db = peewee.PostgresqlDatabase(name, autoconnect=True, **params)
    try:
        db.connect(reuse_if_open=True)
    except peewee.DatabaseError as exc:
        raise DatabaseError(postgres_error_text(exc, params, name)) from exc
    try:
        _check_postgres_server(db, name)
    except DatabaseError:
        db.close()
        raise
    database.initialize(db)
    global _server_url
    _server_url = url
    return db


# The URL the open PostgreSQL database was reached by (to open it again after a switch of user).
_server_url: str | None = None


# CREATE OR REPLACE TRIGGER (14), and the version the program is tested on.
PG_MIN_VERSION = 150000


def _check_postgres_server(db: peewee.PostgresqlDatabase, name: str) -> None:
    """Refuse a server older than PostgreSQL 15 and a database whose text is not UTF-8."""
    version = int(db.server_version or 0)
    if version < PG_MIN_VERSION:
        shown = f"{version // 10000}.{version % 10000}" if version else "未知"
        raise DatabaseError(f"数据库服务器的 PostgreSQL 版本是 {shown}，本程序需要 15 或更高版本。")
    encoding = db.execute_sql("SHOW server_encoding").fetchone()[0]
    if str(encoding).upper() not in {"UTF8", "UTF-8"}:
        raise DatabaseError(
            f"数据库“{name}”的字符编码是 {encoding}，本程序需要 UTF8。"
            "请用 CREATE DATABASE … ENCODING 'UTF8' 新建数据库。"
        )


def postgres_error_text(exc: BaseException, params: dict[str, Any], name: str) -> str:
    """The user's sentence for a failed connection (libpq's own words are English)."""
    detail = str(exc).strip()
    low = detail.lower()
    host = params.get("host", "localhost")
    server = f"{host}:{params['port']}" if params.get("port") else str(host)
    user = params.get("user", "")
    if (
        "password authentication failed" in low
        or "no password supplied" in low
        or "authentication failed" in low
    ):
        return (
            f"数据库服务器 {server} 拒绝了用户“{user}”的登录（身份验证失败）："
            "密码不对或没有提供密码。"
            "密码可以写在 PGPASSFILE 或 ~/.pgpass 文件中，请向服务器管理员核对。"
        )
    if 'role "' in low and "does not exist" in low:
        return f"数据库服务器 {server} 上没有用户“{user}”，请向服务器管理员核对用户名。"
    if "database" in low and "does not exist" in low:
        return f"数据库服务器 {server} 上没有名为“{name}”的数据库，请先由服务器管理员创建。"
    if "no pg_hba.conf entry" in low:
        return (
            f"数据库服务器 {server} 不允许本机以用户“{user}”连接数据库“{name}”"
            "（pg_hba.conf 中没有相应的规则），请向服务器管理员核对。"
        )
    if any(
        text in low
        for text in (
            "could not connect",
            "connection refused",
            "timeout expired",
            "could not translate host name",
            "no route to host",
            "network is unreachable",
            "server closed the connection",
        )
    ):
        return (
            f"无法连接数据库服务器 {server}：服务器没有响应或拒绝连接。"
            "请确认服务器已经启动、地址和端口正确、防火墙允许连接。"
        )
    first = detail.splitlines()[0] if detail else type(exc).__name__
    return f"无法连接数据库服务器 {server}：{first}"


EMPTY_FILE_TEXT = (
    "数据库文件“{path}”是空的（0 字节），其中的数据已经丢失或没有写完。"
    "请从备份恢复，程序不会把它当作新数据库使用。"
)

# The audit log is append-only: no service may change or remove a row (models.core.crud refuses
# too); the triggers catch anything that goes round the services, even a raw SQL statement.
_AUDIT_TRIGGERS = {
    "audit_log_no_update": "CREATE TRIGGER IF NOT EXISTS audit_log_no_update "
    "BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed'); END",
    "audit_log_no_delete": "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete "
    "BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted'); END",
}


# The same on PostgreSQL: one trigger function, row triggers for UPDATE and DELETE and a
# statement trigger for TRUNCATE (which row triggers do not see). restrict_violation (23001)
# reaches the program as peewee.IntegrityError, as SQLite's RAISE(ABORT) does.
_PG_AUDIT_FUNCTION = "audit_log_append_only"
_PG_AUDIT_FUNCTION_SQL = (
    f"CREATE OR REPLACE FUNCTION {_PG_AUDIT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    # No "%" placeholder in the message: psycopg2 would take it for a parameter.
    "  RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE ="
    " 'audit_log is append-only: rows cannot be '\n"
    "    || CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END;\n"
    "END\n$$"
)
_PG_AUDIT_TRIGGERS = {
    "audit_log_no_update": "BEFORE UPDATE ON audit_log FOR EACH ROW",
    "audit_log_no_delete": "BEFORE DELETE ON audit_log FOR EACH ROW",
    "audit_log_no_truncate": "BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT",
}
# Two clerks opening the database at once take turns creating the schema and the triggers.
PG_SCHEMA_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('neighbourhood-desk schema'))"


def _protect_audit_log_postgres(db: peewee.Database) -> None:
    def missing() -> tuple[bool, list[str]]:
        has_function = (
            db.execute_sql(
                "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE p.proname = %s AND n.nspname = current_schema()",
                (_PG_AUDIT_FUNCTION,),
            ).fetchone()
            is not None
        )
        present = {
            row[0]
            for row in db.execute_sql(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass"
                " AND NOT tgisinternal"
            )
        }
        return not has_function, [name for name in _PG_AUDIT_TRIGGERS if name not in present]

    if missing() == (False, []):
        return
    with db.atomic():
        db.execute_sql(PG_SCHEMA_LOCK_SQL)
        no_function, triggers = missing()
        if no_function:
            db.execute_sql(_PG_AUDIT_FUNCTION_SQL)
        for name in triggers:
            db.execute_sql(
                f"CREATE TRIGGER {name} {_PG_AUDIT_TRIGGERS[name]}"
                f" EXECUTE FUNCTION {_PG_AUDIT_FUNCTION}()"
            )


def protect_audit_log(db: peewee.Database) -> None:
    """Create the append-only triggers on audit_log (idempotent; run on every open). Only a
    missing trigger is written, so an ordinary open takes no write lock."""
    if not db.table_exists("audit_log"):
        return
    if is_postgres(db):
        _protect_audit_log_postgres(db)
        return
    present = {
        row[0]
        for row in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        )
    }
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


DatabaseTarget = Path | str  # a SQLite file, or a postgresql:// URL (an office server)


def database_target(arg: str | os.PathLike[str] | None) -> DatabaseTarget:
    """What --db (or a remembered choice) names: a server URL as given, else a file path
    (the default file when nothing is given)."""
    if arg is not None and is_postgres_url(arg):
        return str(arg)
    return Path(arg) if arg else default_db_path()


def current_target() -> DatabaseTarget | None:
    """The open database: its file, or the URL its server was reached by."""
    if is_postgres():
        return _server_url
    return database_path()


def target_text(target: DatabaseTarget | None) -> str:
    """*target* for people: a file path, or the server URL without its password."""
    if target is None:
        return ""
    return redact_url(target) if isinstance(target, str) else str(target)


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
