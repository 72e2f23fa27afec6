"""Moving up (issue 17): copy a committee's SQLite register into an empty PostgreSQL database.

What it does, in order:

1. The target must be empty: no tables at all, or the program's schema at the latest version
   with no rows but its version stamp (a server database the program was pointed at once).
   Anything else is refused in one sentence before anything is written, source included.
2. The SQLite file is brought to the latest schema first, the ordinary way (open_database's
   migration: the file is copied aside as ``….vNN-….bak`` before it is changed), so that source
   and target have the same tables and columns. A file already at the latest version is not
   written at all.
3. One transaction on the target: the schema is created (PostgreSQL's DDL is transactional),
   every table of models.migrations.all_models() is copied in creation order with its ids
   (bulk inserts in chunks; the audit log too: its triggers refuse only UPDATE, DELETE and
   TRUNCATE), every id sequence is set past the largest id, and the attachments folder beside
   the file goes into the attachment table. The search index (resident_search) is not copied:
   the target's triggers fill it as the residents arrive, and it is compared like the others.
4. Before the commit every table is compared: row count and a SHA-256 over its rows in primary
   key order, values normalised the same way on both sides (_norm); the attachments by their
   SHA-256, recomputed by the server from the stored bytes. Then one audit row (迁移到服务器)
   is written and the transaction commits. A difference, an error or a cancel (the progress
   callback returns False) rolls everything back: the target is left as it was.

The source is read inside one transaction (BEGIN IMMEDIATE), so nothing can be written to it
while it is copied; the command line also holds the one-window lock on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import peewee as pw
from playhouse.sqlite_ext import VirtualModel

from models.core import audit
from models.core.db import (
    PG_SCHEMA_LOCK_SQL,
    DatabaseError,
    connect_database,
    database,
    is_postgres,
    is_postgres_url,
    protect_audit_log,
    redact_url,
)
from models.core.errors import UserFacingError
from models.core.files import attachments_dir_for

Progress = Callable[[int, int], bool | None]  # (done, total) -> False cancels

CHUNK_ROWS = 500


class MigrateError(UserFacingError):
    """A migration refused or undone; the message is for the user."""


class MigrationCancelled(MigrateError):
    pass


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int
    sha256: str
    derived: bool = False  # filled by the target's triggers, compared but not copied


@dataclass
class MigrationResult:
    source: Path
    target: str  # the URL without its password
    backup: Path | None  # the copy made before the source was brought to the latest schema
    tables: list[TableCopy] = field(default_factory=list)
    files: int = 0
    file_bytes: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables if not t.derived)

    def summary(self) -> str:
        lines = [
            f"已把“{self.source}”迁移到数据库服务器 {self.target}：",
            f"  {len([t for t in self.tables if not t.derived])} 张表共 {self.rows} 行，"
            f"附件 {self.files} 个（{self.file_bytes / 1024 / 1024:.1f} MB），"
            f"用时 {self.seconds:.1f} 秒。",
            "  每张表的行数和校验值（SHA-256）以及每个附件的校验值在服务器上核对一致。",
        ]
        if self.backup is not None:
            lines.append(f"  迁移前把原文件升级到最新结构，升级前的副本：{self.backup}")
        return "\n".join(lines)

    def advice(self) -> str:
        return (
            "原来的数据库文件不会再被本程序使用，请这样处理：\n"
            f"  1. 把“{self.source}”（连同“{attachments_dir_for(self.source).name}”文件夹）"
            "设为只读，作为迁移前最后一份本地副本保留；\n"
            "  2. 把它另外备份一份（例如 main.py backup --db 该文件，或复制到移动硬盘）；\n"
            "  3. 以后不要再用它登记：本程序下次启动时会打开服务器上的数据库"
            f"（{self.target}），各台电脑都用 --db 或设置中的服务器地址连接同一个数据库。"
        )


# -- the target must be empty ---------------------------------------------------------------------
def _target_state(dst: pw.Database, models: list[type[pw.Model]], url: str) -> str:
    """ "create" (no tables), "reuse" (the schema, at LATEST, without rows) or a refusal."""
    from models.migrations import LATEST, current_version

    tables = set(dst.get_tables())
    if not tables:
        return "create"
    ours = {m._meta.table_name for m in models}
    where = f"数据库服务器上的目标数据库 {redact_url(url)}"
    if not tables <= ours or "schema_version" not in tables:
        raise MigrateError(
            f"{where}不是空的（已有 {len(tables)} 张表），只能迁移到空数据库，没有写入任何内容。"
        )
    if current_version(dst) != LATEST:
        raise MigrateError(
            f"{where}已有本程序的数据（结构版本 {current_version(dst)}），"
            "只能迁移到空数据库，没有写入任何内容。"
        )
    rows = 0
    for name in sorted(tables - {"schema_version"}):
        rows += int(dst.execute_sql(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0])
    if rows:
        raise MigrateError(
            f"{where}不是空的（已有 {rows} 行数据），只能迁移到空数据库，没有写入任何内容。"
        )
    return "reuse"


# -- values normalised the same way on both engines ---------------------------------------------
def _norm(value: Any) -> str:
    if value is None:
        return "n"
    if isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, int):
        return f"i{value}"
    if isinstance(value, float):
        return f"f{value!r}"
    if isinstance(value, Decimal):
        return f"d{value.normalize():f}"
    if isinstance(value, dt.datetime):
        return f"t{value.isoformat(sep=' ')}"
    if isinstance(value, (dt.date, dt.time)):
        return f"t{value.isoformat()}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "x" + hashlib.sha256(bytes(value)).hexdigest()
    return f"s{value}"


def _row_text(row: Iterable[Any]) -> bytes:
    return ("\x1f".join(_norm(v) for v in row) + "\x1e").encode("utf-8")


class _Checksum:
    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.rows = 0

    def add(self, row: Iterable[Any]) -> None:
        self.digest.update(_row_text(row))
        self.rows += 1

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def _int_pk(model: type[pw.Model]) -> pw.Field | None:
    pk = model._meta.primary_key
    return pk if isinstance(pk, (pw.AutoField, pw.IntegerField)) else None


def _rows(model: type[pw.Model], db: pw.Database) -> Iterator[tuple[Any, ...]]:
    """The rows of *model* in *db*, converted by its fields, in primary-key order (rows of a
    table keyed by text are sorted here: the engines' collations differ)."""
    fields = model._meta.sorted_fields
    pk = _int_pk(model)
    if pk is None:
        rows: list[Any] = list(model.select(*fields).bind(db).tuples())
        yield from sorted(rows, key=lambda r: [_norm(v) for v in r])
        return
    last: Any = None
    while True:
        query = model.select(*fields).order_by(pk).limit(CHUNK_ROWS * 10)
        if last is not None:
            query = query.where(pk > last)
        batch: list[Any] = list(query.bind(db).tuples())
        if not batch:
            return
        yield from batch
        last = batch[-1][fields.index(pk)]


def _derived_rows(db: pw.Database, table: str) -> list[tuple[Any, ...]]:
    return list(db.execute_sql(f"SELECT rowid, search_key FROM {table} ORDER BY rowid"))


def _checksum(rows: Iterable[Iterable[Any]]) -> _Checksum:
    check = _Checksum()
    for row in rows:
        check.add(row)
    return check


def _attachment_files(folder: Path) -> list[tuple[str, Path]]:
    if not folder.is_dir():
        return []
    return sorted(
        (p.relative_to(folder).as_posix(), p)
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )


# -- the migration --------------------------------------------------------------------------------
def open_source(source: Path) -> tuple[pw.SqliteDatabase, Path | None]:
    """The SQLite register at *source*, brought to the latest schema (copied aside first when
    it was older); returns the database and that copy."""
    from models.migrations import ensure_schema

    if is_postgres_url(str(source)):
        raise MigrateError("要迁移的应是本机的数据库文件（.sqlite3），不是服务器地址。")
    if not source.is_file():
        raise MigrateError(f"找不到数据库文件“{source}”。")
    src = connect_database(source)
    assert isinstance(src, pw.SqliteDatabase)
    backup = ensure_schema(src)
    protect_audit_log(src)
    return src, backup


def migrate_to(
    source: str | Path,
    url: str,
    *,
    username: str,
    progress: Progress | None = None,
) -> MigrationResult:
    """Copy the SQLite register at *source* into the empty PostgreSQL database *url*, verify
    it and record it (see the module's text). The program's database is left bound to the
    target; MigrateError (MigrationCancelled for a cancel) when nothing was kept."""
    from models.core.attachments import Attachment
    from models.migrations import all_models, ensure_schema

    started = time.monotonic()
    source = Path(source)
    if not is_postgres_url(url):
        raise MigrateError("目标应是数据库服务器地址：postgresql://用户名@服务器:端口/数据库名。")
    models = all_models()
    dst = connect_database(url)
    if not is_postgres(dst):  # pragma: no cover - connect_database returns what the URL names
        raise DatabaseError("目标不是 PostgreSQL 数据库。")
    mode = _target_state(dst, models, url)  # refused here: nothing written anywhere
    src, backup = open_source(source)
    database.initialize(dst)
    result = MigrationResult(source=source, target=redact_url(url), backup=backup)
    files = _attachment_files(attachments_dir_for(source))
    copied = [m for m in models if not issubclass(m, VirtualModel) and m is not Attachment]
    derived = [m for m in models if issubclass(m, VirtualModel)]
    try:
        with src.atomic():  # nothing is written to the source while it is read
            total = sum(m.select().bind(src).count() for m in copied) + len(files)
            done = 0

            def step(count: int) -> None:
                nonlocal done
                done += count
                if progress is not None and progress(done, total) is False:
                    raise MigrationCancelled("迁移已取消，服务器上的数据库没有写入任何内容。")

            with dst.atomic():
                dst.execute_sql(PG_SCHEMA_LOCK_SQL)
                if mode == "create":
                    ensure_schema(dst)  # a savepoint inside this transaction
                protect_audit_log(dst)
                # The target's own stamp gives way to the source's history of versions.
                dst.execute_sql("DELETE FROM schema_version")
                sums: dict[str, _Checksum] = {}
                for model in copied:
                    sums[model._meta.table_name] = _copy_table(model, src, dst, step)
                expected = _copy_attachments(src, dst, files, step)
                _reset_sequences(dst, models)
                result.tables = _verify(src, dst, copied, derived, sums)
                result.files, result.file_bytes = _verify_attachments(dst, expected)
                result.seconds = time.monotonic() - started
                audit.record(
                    username,
                    audit.Action.MIGRATE,
                    "database",
                    None,
                    # Keys the log already names (models.core.audit_fields, "database").
                    after={"file": str(source), "counts": result.rows, "files": result.files},
                    note=f"从本机数据库文件“{source.name}”迁移到服务器（{len(copied)} 张表）",
                )
    finally:
        src.close()
    result.seconds = time.monotonic() - started
    return result


def _copy_table(
    model: type[pw.Model], src: pw.Database, dst: pw.Database, step: Callable[[int], None]
) -> _Checksum:
    fields = model._meta.sorted_fields
    check = _Checksum()
    batch: list[tuple[Any, ...]] = []

    def flush() -> None:
        if batch:
            model.insert_many(batch, fields=fields).bind(dst).as_rowcount().execute()
            step(len(batch))
            batch.clear()

    for row in _rows(model, src):
        check.add(row)
        batch.append(row)
        if len(batch) >= CHUNK_ROWS:
            flush()
    flush()
    return check


def _copy_attachments(
    src: pw.Database,
    dst: pw.Database,
    files: list[tuple[str, Path]],
    step: Callable[[int], None],
) -> dict[str, str]:
    """The files of the attachments folder (and any rows the source's own attachment table
    holds) into the target's attachment table; returns {path: sha256} as read here."""
    from models.core.attachments import Attachment

    expected: dict[str, str] = {}
    for row in Attachment.select().bind(src):
        data = bytes(row.bytes)
        expected[row.path] = hashlib.sha256(data).hexdigest()
        Attachment.insert(
            path=row.path, sha256=expected[row.path], size=len(data), bytes=data
        ).bind(dst).execute()
    for relative, path in files:
        if relative in expected:
            step(1)
            continue
        data = path.read_bytes()
        expected[relative] = hashlib.sha256(data).hexdigest()
        Attachment.insert(
            path=relative,
            sha256=expected[relative],
            size=len(data),
            bytes=data,
            created_at=dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0),
        ).bind(dst).execute()
        step(1)
    return expected


def _reset_sequences(dst: pw.Database, models: list[type[pw.Model]]) -> None:
    """Every id sequence past the largest id copied (the next row gets max(id) + 1)."""
    for model in models:
        pk = model._meta.primary_key
        if not isinstance(pk, pw.AutoField):
            continue
        table, column = model._meta.table_name, pk.column_name
        dst.execute_sql(
            f"SELECT setval(pg_get_serial_sequence(%s, %s),"
            f' COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)',
            (f'"{table}"', column),
        )


def _verify(
    src: pw.Database,
    dst: pw.Database,
    copied: list[type[pw.Model]],
    derived: list[type[pw.Model]],
    sums: dict[str, _Checksum],
) -> list[TableCopy]:
    out: list[TableCopy] = []
    wrong: list[str] = []
    for model in copied:
        name = model._meta.table_name
        there = _checksum(_rows(model, dst))
        here = sums[name]
        if (there.rows, there.hexdigest()) != (here.rows, here.hexdigest()):
            wrong.append(f"{name}（本机 {here.rows} 行，服务器 {there.rows} 行）")
        out.append(TableCopy(name, here.rows, here.hexdigest()))
    for model in derived:
        name = model._meta.table_name
        here = _checksum(_derived_rows(src, name))
        there = _checksum(_derived_rows(dst, name))
        if (there.rows, there.hexdigest()) != (here.rows, here.hexdigest()):
            wrong.append(f"{name}（本机 {here.rows} 行，服务器 {there.rows} 行）")
        out.append(TableCopy(name, here.rows, here.hexdigest(), derived=True))
    if wrong:
        raise MigrateError(
            "迁移后核对不一致，已全部撤销，服务器上的数据库没有写入任何内容：" + "、".join(wrong)
        )
    return out


def _verify_attachments(dst: pw.Database, expected: dict[str, str]) -> tuple[int, int]:
    rows = dst.execute_sql(
        "SELECT path, sha256, encode(sha256(bytes), 'hex'), size FROM attachment ORDER BY path"
    ).fetchall()
    found = {path: (stored, computed) for path, stored, computed, _ in rows}
    bad = sorted(path for path, digest in expected.items() if found.get(path) != (digest, digest))
    extra = sorted(set(found) - set(expected))
    if bad or extra:
        raise MigrateError(
            "迁移后附件核对不一致，已全部撤销，服务器上的数据库没有写入任何内容："
            + "、".join((bad + extra)[:5])
        )
    return len(rows), sum(int(size) for *_, size in rows)
