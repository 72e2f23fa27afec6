"""Checks on a database file before it is opened: header, integrity, foreign keys, version.

They use a read-only sqlite3 connection of their own, so a damaged file is looked at, never
changed, and the answer comes before peewee (and the migrations) touch it.

A database on a PostgreSQL server (a ``postgresql://`` URL) has no file to check: the server
keeps its pages whole and checks foreign keys on every write. check_server looks at what is
meaningful there, on a read-only connection of its own: the schema version, the main tables'
counts, the audit log's append-only triggers, the search index's extension and triggers and
any foreign key left unvalidated.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from models.core.db import is_postgres_url, parse_postgres_url, postgres_error_text, redact_url

SQLITE_HEADER = b"SQLite format 3\x00"

# What the register holds, for messages ("80 户，253 人") and backup manifests. Written for
# both engines: "user" quoted (a reserved word on PostgreSQL), flags as booleans.
COUNT_QUERIES: dict[str, str] = {
    "compounds": "SELECT COUNT(*) FROM compound WHERE NOT archived",
    "households": "SELECT COUNT(*) FROM household WHERE NOT archived",
    "residents": "SELECT COUNT(*) FROM resident WHERE status = 'current'",
    "users": 'SELECT COUNT(*) FROM "user" WHERE active',
}
COUNT_LABELS: dict[str, str] = {
    "compounds": "个小区",
    "households": "户",
    "residents": "人",
    "users": "个账户",
}


def describe_counts(counts: dict[str, int]) -> str:
    """ "12 个小区，80 户，253 人" (only what is known)."""
    return "，".join(
        f"{counts[key]:,} {label}" for key, label in COUNT_LABELS.items() if key in counts
    )


@dataclass
class CheckReport:
    path: Path | str  # a file, or a server's URL (without its password)
    problems: list[str] = field(default_factory=list)
    schema_version: int = 0
    latest: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    damaged: bool = False  # the file itself is broken (not merely too new)
    notes: list[str] = field(default_factory=list)  # what was not checked, and why

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return "检查通过。"
        return "；".join(self.problems) + "。"


def latest_version() -> int:
    from models.migrations import LATEST

    return LATEST


def is_empty_file(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size == 0
    except OSError:
        return False


def connect_readonly(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True)


def check_file(path: str | Path, *, full: bool = False) -> CheckReport:
    """quick_check (full=False, fast enough for every start) or integrity_check + foreign keys.

    A missing file is fine: it becomes a new database. An empty (0-byte) file is damaged: it
    is what a failed copy or a full disk leaves of a database, and its backups are the way
    back (never a silent new database over it).
    """
    if is_postgres_url(path):
        return check_server(path, full=full)
    path = Path(path)
    report = CheckReport(path, latest=latest_version())
    if not path.exists():
        return report
    if path.is_dir():
        report.problems.append(f"“{path}”是一个文件夹，不是数据库文件")
        return report
    if is_empty_file(path):
        report.damaged = True
        report.problems.append("数据库文件是空的（0 字节），其中的数据已经丢失或没有写完")
        return report
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        report.problems.append(f"无法读取“{path}”：{exc.strerror or exc}")
        return report
    if header != SQLITE_HEADER:
        report.damaged = True
        report.problems.append("文件头不符，不是本程序的数据库文件或已严重损坏")
        return report
    try:
        conn = connect_readonly(path)
    except sqlite3.Error as exc:
        report.damaged = True
        report.problems.append(f"无法打开数据库（{exc}）")
        return report
    try:
        _run_checks(conn, report, full)
    except sqlite3.DatabaseError as exc:
        report.damaged = True
        report.problems.append(f"数据库文件已损坏（{exc}）")
    finally:
        conn.close()
    return report


def _run_checks(conn: sqlite3.Connection, report: CheckReport, full: bool) -> None:
    pragma = "integrity_check" if full else "quick_check"
    rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}(20)").fetchall()]
    if rows != ["ok"]:
        report.damaged = True
        report.problems.append("数据库文件已损坏（" + "；".join(rows[:3]) + "）")
        return
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return  # an empty database: it will be created at the latest version
    if "schema_version" not in tables:
        report.problems.append("该文件不是本程序的数据库（缺少版本表）")
        return
    report.schema_version = int(
        conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
    )
    if report.schema_version > report.latest:
        report.problems.append(
            f"该数据库由更新版本的程序创建（结构版本 {report.schema_version}，"
            f"本程序支持到 {report.latest}），请升级本程序"
        )
    if full:
        bad = conn.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            tables_hit = sorted({row[0] for row in bad})
            report.problems.append(
                f"有 {len(bad)} 条记录引用了不存在的记录（表：{'、'.join(tables_hit)}）"
            )
    report.counts = read_counts(conn)


def read_counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key, sql in COUNT_QUERIES.items():
        try:
            counts[key] = int(conn.execute(sql).fetchone()[0])
        except sqlite3.OperationalError:
            continue  # a table this schema version does not have
    return counts


# -- a database on a PostgreSQL server ------------------------------------------------------
SERVER_NOTE = (
    "这是服务器上的数据库：文件头、完整性（integrity_check）和外键检查只适用于 SQLite 数据库文件，"
    "PostgreSQL 服务器自己保证数据页完整，并在每次写入时检查外键"
)
# The append-only triggers of models.core.db and the search index's (models.registry.search_index).
SERVER_AUDIT_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_truncate")
SERVER_SEARCH_TRIGGERS = (
    "resident_search_insert",
    "resident_search_update",
    "resident_search_delete",
    "household_search_update",
    "compound_search_update",
)


def check_server(url: str, *, full: bool = False) -> CheckReport:
    """What can be checked of the database *url* names, on a read-only connection: the
    version always; with *full*, the triggers, the pg_trgm extension and unvalidated foreign
    keys too. A server that cannot be reached is a problem, never "damaged" (no backup of a
    file helps)."""
    report = CheckReport(redact_url(url), latest=latest_version(), notes=[SERVER_NOTE])
    params = parse_postgres_url(url)
    name = params.pop("database")
    options = params.get("options", "")
    params["options"] = f"{options} -c default_transaction_read_only=on".strip()
    db = peewee.PostgresqlDatabase(name, autoconnect=False, **params)
    try:
        db.connect()
    except peewee.DatabaseError as exc:
        report.problems.append(postgres_error_text(exc, params, name).rstrip("。"))
        return report
    try:
        _run_server_checks(db, report, full)
    except peewee.DatabaseError as exc:
        detail = str(exc).strip().splitlines()
        report.problems.append(f"无法读取服务器上的数据库（{detail[0] if detail else exc}）")
    finally:
        db.close()
    return report


def _run_server_checks(db: peewee.PostgresqlDatabase, report: CheckReport, full: bool) -> None:
    tables = set(db.get_tables())
    if not tables:
        return  # an empty database: it will be created at the latest version
    if "schema_version" not in tables:
        report.problems.append("该数据库不是本程序的数据库（缺少版本表）")
        return
    report.schema_version = int(
        db.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
    )
    if report.schema_version > report.latest:
        report.problems.append(
            f"该数据库由更新版本的程序创建（结构版本 {report.schema_version}，"
            f"本程序支持到 {report.latest}），请升级本程序"
        )
    if full:
        _check_server_objects(db, report, tables)
    for key, sql in COUNT_QUERIES.items():
        try:
            with db.atomic():
                report.counts[key] = int(db.execute_sql(sql).fetchone()[0])
        except peewee.ProgrammingError:
            continue  # a table this schema version does not have


def _triggers(db: peewee.PostgresqlDatabase, table: str) -> set[str]:
    sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal"
    return {row[0] for row in db.execute_sql(sql, (table,))}


def _check_server_objects(
    db: peewee.PostgresqlDatabase, report: CheckReport, tables: set[str]
) -> None:
    if "audit_log" in tables:
        missing = [t for t in SERVER_AUDIT_TRIGGERS if t not in _triggers(db, "audit_log")]
        if missing:
            report.problems.append(
                f"审计日志缺少防改动的触发器（{'、'.join(missing)}），下次打开数据库时会自动补上"
            )
    if "resident" in tables:
        present = _triggers(db, "resident") | _triggers(db, "household") | _triggers(db, "compound")
        missing = [t for t in SERVER_SEARCH_TRIGGERS if t not in present]
        has_trgm = db.execute_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()
        if "resident_search" not in tables or missing or not has_trgm:
            report.problems.append(
                "居民搜索索引不完整（表、触发器或 pg_trgm 扩展缺失），请由管理员重建"
            )
    unvalidated = db.execute_sql(
        "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
        " AND NOT convalidated AND connamespace = current_schema()::regnamespace"
    ).fetchall()
    if unvalidated:
        hit = "、".join(sorted({row[0] for row in unvalidated}))
        report.problems.append(f"有 {len(unvalidated)} 个外键约束尚未验证（表：{hit}）")
