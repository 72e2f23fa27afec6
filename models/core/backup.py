"""Backups of the database with its photos and attachments: make, rotate, verify, restore.

A backup is one .zip: `database.sqlite3` (made with SQLite's online backup API, never a
plain copy of the live file), `files/…` (the attachments folder beside the database) and
`manifest.json` (program and schema version, time, counts, SHA-256 of every member). The
zip is written under a ".partial" name and renamed when complete, so a backup cut short
by a full disk or a pulled USB drive never looks like a good one.

Restore checks the file completely before touching anything, then renames the current
database (and its attachments folder) aside with a timestamp: nothing is ever deleted.

A database on a PostgreSQL server is backed up with the server's own tool: `pg_dump -Fc` (of
the server's major version or newer; found on PATH or in PostgreSQL's usual folders) writes
`database.dump` into the same zip shape, with a manifest saying "engine": "postgresql" (the
attachments live in the database there, so the dump holds them). Such a backup is verified
by its checksum but never restored by the program: that would pull the register from under
every clerk, so restore says what the server's administrator runs (pg_restore) instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee

from models.core import clock, dbcheck
from models.core.db import (
    database,
    is_postgres_url,
    redact_url,
    sqlite_backup,
)
from models.core.errors import UserFacingError
from models.core.files import attachments_dir_for
from models.core.local_config import LocalConfig, default_backup_dir
from models.core.version import __version__

FORMAT = "neighbourhood-desk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = "database.sqlite3"
PG_DUMP_MEMBER = "database.dump"  # pg_dump -Fc of a server's database
ENGINE_POSTGRES = "postgresql"
FILES_PREFIX = "files/"
STAMP = "%Y%m%d-%H%M%S"
PARTIAL = ".partial"  # the zip while it is written
DB_PARTIAL = ".db.partial"  # the database copy while the zip is written
MAX_MANIFEST_BYTES = 64 << 20
# Room left on the disk after extracting a backup (SQLite and the restored files need it).
DISK_MARGIN_BYTES = 64 << 20
# Already compressed: storing them saves time and gains nothing.
_STORED_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".heic",
    ".pdf",
    ".zip",
    ".docx",
    ".xlsx",
    ".mp4",
}

Progress = Callable[[int, int], Any]


class BackupError(UserFacingError):
    """A backup that could not be made, checked or restored; the message is for the user."""


class BackupCancelled(BackupError):
    pass


class DestinationError(BackupError):
    """The backup folder cannot be written (a USB drive not plugged in, a share offline)."""


@dataclass
class BackupInfo:
    path: Path
    created_at: dt.datetime
    app_version: str = ""
    schema_version: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0
    size: int = 0
    # "zip": a backup of this program; "sqlite": a bare database file; "pg_dump": a backup
    # of a server's database (restored by its administrator with pg_restore)
    kind: str = "zip"
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        c = self.created_at
        counts = dbcheck.describe_counts(self.counts)
        text = f"{c.year}年{c.month}月{c.day}日 {c:%H:%M} 的备份：{counts}"
        if self.kind == "zip":
            text += f"，{self.files} 个照片和附件"
        elif self.kind == "pg_dump":
            text += "（服务器数据库的 pg_dump 备份，照片和附件在其中）"
        else:
            text += "（单独的数据库文件，不含照片和附件）"
        return text


@dataclass
class AutoBackupResult:
    info: BackupInfo
    folder: Path
    removed: list[Path]
    warning: str = ""


@dataclass
class RestoreResult:
    info: BackupInfo
    target: Path
    aside_db: Path | None
    aside_files: Path | None

    def describe(self) -> str:
        text = f"已恢复：{self.info.describe()}。"
        if self.aside_db is not None:
            text += f"\n原来的数据库已改名保留为“{self.aside_db.name}”（在同一文件夹中）。"
        if self.aside_files is not None:
            text += f"\n原来的附件文件夹已改名保留为“{self.aside_files.name}”。"
        return text


# -- making a backup --------------------------------------------------------------------------
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise BackupCancelled("已取消备份。")


def _live_db(db: peewee.Database | None) -> peewee.SqliteDatabase | peewee.PostgresqlDatabase:
    db = db if db is not None else database.obj
    if isinstance(db, peewee.PostgresqlDatabase) and db.database:
        return db
    if not isinstance(db, peewee.SqliteDatabase) or db.database == ":memory:":
        raise BackupError("没有打开的数据库文件，无法备份。")
    return db


def _fsync(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def create_backup(
    dest: str | os.PathLike[str],
    db: peewee.Database | None = None,
    files_dir: Path | None = None,
    progress: Progress | None = None,
) -> BackupInfo:
    """Write a complete backup of the open database (and its attachments) to *dest*."""
    live = _live_db(db)
    if isinstance(live, peewee.PostgresqlDatabase):
        return create_server_backup(dest, live, progress)
    src_path = Path(live.database)
    files_dir = files_dir if files_dir is not None else attachments_dir_for(src_path)
    dest = Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DestinationError(f"无法使用备份文件夹“{dest.parent}”：{exc.strerror or exc}") from exc
    created = clock.now()
    attachments = (
        sorted(p for p in files_dir.rglob("*") if p.is_file()) if files_dir.is_dir() else []
    )
    total = 1 + len(attachments)
    partial = dest.with_name(dest.name + PARTIAL)
    # The copy of the database sits beside the backup, never in the temp folder: a backup
    # killed half-way leaves it where the next backup (or rotation) removes it, not a full
    # copy of the register in a shared temp folder.
    copy = dest.with_name(dest.name + DB_PARTIAL)
    entries: list[dict[str, Any]] = []
    try:
        try:
            copy.unlink(missing_ok=True)
            sqlite_backup(live, copy)
        except (OSError, sqlite3.Error) as exc:
            raise DestinationError(
                f"备份未能写入“{dest}”：{getattr(exc, 'strerror', None) or exc}"
            ) from exc
        report = dbcheck.check_file(copy)
        if report.damaged:
            raise BackupError(
                f"数据库有损坏（{report.summary()}），本次备份已停止，以前的备份保持不变。"
                "请用“恢复备份”找回最近的完好备份。"
            )
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
                zf.write(copy, DB_MEMBER)
                _tick(progress, 1, total)
                for done, path in enumerate(attachments, 2):
                    rel = path.relative_to(files_dir).as_posix()
                    method = (
                        zipfile.ZIP_STORED
                        if path.suffix.lower() in _STORED_SUFFIXES
                        else zipfile.ZIP_DEFLATED
                    )
                    zf.write(path, FILES_PREFIX + rel, compress_type=method)
                    entries.append(
                        {"path": rel, "size": path.stat().st_size, "sha256": _sha256(path)}
                    )
                    _tick(progress, done, total)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "app_version": __version__,
                    "schema_version": report.schema_version,
                    "created_at": created.isoformat(),
                    "source": str(src_path),
                    "host": socket.gethostname(),
                    "counts": report.counts,
                    "database": {
                        "name": DB_MEMBER,
                        "size": copy.stat().st_size,
                        "sha256": _sha256(copy),
                    },
                    "files": entries,
                }
                zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            _fsync(partial)
            os.replace(partial, dest)
        except OSError as exc:
            raise DestinationError(f"备份未能写入“{dest}”：{exc.strerror or exc}") from exc
    finally:
        # Whatever happened (cancel, full disk, an error): no copy and no half zip stay.
        for leftover in (copy, partial):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    return BackupInfo(
        dest,
        created,
        __version__,
        report.schema_version,
        report.counts,
        len(entries),
        dest.stat().st_size,
    )


# -- a database on a PostgreSQL server: pg_dump ------------------------------------------------
def _server_params(live: peewee.PostgresqlDatabase) -> dict[str, Any]:
    params = {"dbname": live.database, **live.connect_params}
    params.pop("database", None)
    return params


def _server_major(live: peewee.PostgresqlDatabase) -> int:
    return int(live.server_version or 0) // 10000


def pg_dump_command_text(live: peewee.PostgresqlDatabase, file: str = "register.dump") -> str:
    """The command a server's administrator runs for a backup by hand."""
    params = _server_params(live)
    return (
        f"pg_dump -Fc -h {params.get('host', 'localhost')} -p {params.get('port', 5432)}"
        f" -U {params.get('user') or '用户名'} {params['dbname']} > {file}"
    )


def _pg_tool_candidates(tool: str) -> list[Path]:
    """*tool* on PATH, then in PostgreSQL's usual folders (Debian's versioned ones, the
    Windows installer's), newest version first."""
    found: list[Path] = []
    on_path = shutil.which(tool)
    if on_path:
        found.append(Path(on_path))
    roots = [Path("/usr/lib/postgresql"), Path("/usr/local/pgsql"), Path("/opt/homebrew/opt")]
    if sys.platform == "win32":
        for env in ("ProgramFiles", "ProgramW6432"):
            if os.environ.get(env):
                roots.append(Path(os.environ[env]) / "PostgreSQL")
    suffix = ".exe" if sys.platform == "win32" else ""
    for root in roots:
        if not root.is_dir():
            continue
        versions = sorted(
            (p for p in root.glob(f"*/bin/{tool}{suffix}") if p.is_file()),
            key=lambda p: _leading_int(p.parent.parent.name),
            reverse=True,
        )
        found.extend(versions)
    return found


def _leading_int(text: str) -> int:
    match = re.match(r"\d+", text.rsplit("@", 1)[-1])
    return int(match.group()) if match else 0


def _tool_major(path: Path) -> int:
    try:
        done = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return 0
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", done.stdout)
    return int(match.group(1)) if match else 0


def find_pg_dump(server_major: int) -> Path | None:
    """A pg_dump that can dump a server of *server_major* (pg_dump refuses a newer server)."""
    for path in _pg_tool_candidates("pg_dump"):
        if _tool_major(path) >= server_major:
            return path
    return None


def _pg_dump_missing(live: peewee.PostgresqlDatabase) -> BackupError:
    major = _server_major(live)
    return BackupError(
        f"备份服务器上的数据库需要 PostgreSQL 的 pg_dump 程序（{major} 或更新的版本，"
        f"与服务器的大版本 {major} 相同或更高），本机没有找到。请安装 PostgreSQL 客户端"
        f"（Debian/Ubuntu：apt-get install postgresql-client-{major}；Windows：PostgreSQL"
        "安装程序中的“Command Line Tools”），或由服务器管理员执行："
        f"{pg_dump_command_text(live)}"
    )


def _conninfo(params: dict[str, Any]) -> str:
    """A libpq connection string (the password stays out of it: it goes by PGPASSWORD)."""

    def quoted(value: Any) -> str:
        text = str(value).replace("\\", "\\\\").replace("'", "\\'")
        return f"'{text}'"

    return " ".join(f"{k}={quoted(v)}" for k, v in params.items() if k != "password")


def _server_summary(live: peewee.PostgresqlDatabase) -> tuple[int, dict[str, int]]:
    version = live.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()[0]
    counts = {
        key: int(live.execute_sql(sql).fetchone()[0]) for key, sql in dbcheck.COUNT_QUERIES.items()
    }
    return int(version or 0), counts


def create_server_backup(
    dest: str | os.PathLike[str],
    live: peewee.PostgresqlDatabase,
    progress: Progress | None = None,
) -> BackupInfo:
    """A backup of the server database *live*: pg_dump -Fc into the zip shape of
    create_backup (member database.dump), written under a partial name and renamed."""
    dest = Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DestinationError(f"无法使用备份文件夹“{dest.parent}”：{exc.strerror or exc}") from exc
    tool = find_pg_dump(_server_major(live))
    if tool is None:
        raise _pg_dump_missing(live)
    created = clock.now()
    schema_version, counts = _server_summary(live)
    params = _server_params(live)
    env = dict(os.environ)
    if params.get("password") is not None:
        env["PGPASSWORD"] = str(params["password"])
    partial = dest.with_name(dest.name + PARTIAL)
    copy = dest.with_name(dest.name + DB_PARTIAL)
    try:
        copy.unlink(missing_ok=True)
        try:
            done = subprocess.run(
                [str(tool), "-Fc", "--no-password", "-f", str(copy), "-d", _conninfo(params)],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
        except OSError as exc:
            raise BackupError(f"无法运行 pg_dump（{tool}）：{exc.strerror or exc}") from exc
        if done.returncode != 0:
            lines = (done.stderr or "").strip().splitlines()
            raise BackupError(
                f"pg_dump 未能备份服务器上的数据库：{lines[-1] if lines else done.returncode}。"
                f"以前的备份保持不变。手动备份：{pg_dump_command_text(live)}"
            )
        _tick(progress, 1, 1)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "engine": ENGINE_POSTGRES,
            "app_version": __version__,
            "schema_version": schema_version,
            "created_at": created.isoformat(),
            "source": redact_url(
                f"postgresql://{params.get('user', '')}@{params.get('host', 'localhost')}"
                f":{params.get('port', 5432)}/{params['dbname']}"
            ),
            "host": socket.gethostname(),
            "counts": counts,
            "database": {
                "name": PG_DUMP_MEMBER,
                "size": copy.stat().st_size,
                "sha256": _sha256(copy),
            },
            "files": [],
        }
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as zf:  # -Fc is compressed
                zf.write(copy, PG_DUMP_MEMBER)
                zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            _fsync(partial)
            os.replace(partial, dest)
        except OSError as exc:
            raise DestinationError(f"备份未能写入“{dest}”：{exc.strerror or exc}") from exc
    finally:
        for leftover in (copy, partial):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    return BackupInfo(
        dest, created, __version__, schema_version, counts, 0, dest.stat().st_size, "pg_dump"
    )


def server_restore_text(file: str = "database.dump") -> str:
    """What restoring a server's database takes (the program does not do it)."""
    return (
        "服务器上的数据库不由本程序恢复：恢复会替换所有办事员正在使用的数据。"
        "请由服务器管理员先让所有人退出本程序，从备份压缩包中取出 database.dump，再执行："
        f"pg_restore --clean --if-exists -h 服务器 -p 端口 -U 用户名 -d 数据库名 {file}"
        "（pg_restore 的大版本不低于制作备份的 pg_dump）。"
    )


# -- backups in a folder: names, rotation, the daily backup -----------------------------------
def backup_name(stem: str, when: dt.datetime) -> str:
    return f"{stem}-backup-{when.strftime(STAMP)}.zip"


def _pattern(stem: str | None) -> re.Pattern[str]:
    prefix = re.escape(stem) if stem else ".+"
    return re.compile(rf"^({prefix})-backup-(\d{{8}}-\d{{6}})\.zip$")


def list_backups(folder: Path, stem: str | None = None) -> list[tuple[dt.datetime, Path]]:
    """Backups in *folder* (of the database named *stem*), newest first."""
    if not folder.is_dir():
        return []
    pattern = _pattern(stem)
    found = []
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match and path.is_file():
            try:
                found.append((dt.datetime.strptime(match.group(2), STAMP), path))
            except ValueError:
                continue
    return sorted(found, reverse=True)


def rotate(folder: Path, stem: str, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Keep the newest backup of each of the last *keep_daily* days that have one and of each
    of the last *keep_monthly* months; remove the rest. Returns what was removed."""
    backups = list_backups(folder, stem)
    keep: set[Path] = set()
    days: set[dt.date] = set()
    months: set[tuple[int, int]] = set()
    for when, path in backups:  # newest first: the first seen of a day/month is its newest
        if when.date() not in days and len(days) < max(keep_daily, 1):
            days.add(when.date())
            keep.add(path)
        month = (when.year, when.month)
        if month not in months and len(months) < keep_monthly:
            months.add(month)
            keep.add(path)
    if backups:
        keep.add(backups[0][1])  # never the newest
    removed = []
    for _, path in backups:
        if path not in keep:
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                continue  # a read-only share: keep it, try again next time
    remove_partials(folder, stem)  # what interrupted backups left; not counted as removed
    return removed


def remove_partials(folder: Path, stem: str, keep: Iterable[Path] = ()) -> list[Path]:
    """Remove what interrupted backups of *stem* left in *folder* (a half-written zip, the
    database copy beside it), except the files in *keep* (a backup being written now)."""
    if not folder.is_dir():
        return []
    kept = {Path(p) for p in keep}
    pattern = re.compile(rf"^{re.escape(stem)}-backup-.*({re.escape(PARTIAL)})$")
    removed = []
    for path in folder.iterdir():
        if path in kept or not pattern.match(path.name) or not path.is_file():
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


def backup_to_folder(
    folder: Path,
    db: peewee.Database | None = None,
    keep_daily: int = 7,
    keep_monthly: int = 12,
    progress: Progress | None = None,
) -> tuple[BackupInfo, list[Path]]:
    live = _live_db(db)
    stem = Path(live.database).stem
    when = clock.now()
    existing = list_backups(folder, stem)
    if existing and existing[0][0] >= when:  # two backups in one second: names stay in order
        when = existing[0][0] + dt.timedelta(seconds=1)
    info = create_backup(folder / backup_name(stem, when), live, progress=progress)
    return info, rotate(folder, stem, keep_daily, keep_monthly)


def auto_backup(
    config: LocalConfig, db: peewee.Database | None = None, progress: Progress | None = None
) -> AutoBackupResult:
    """The automatic backup: to the chosen folder, or the default one if that is missing."""
    folder = config.backup_folder()
    warning = ""
    try:
        info, removed = backup_to_folder(
            folder, db, config.keep_daily, config.keep_monthly, progress
        )
    except DestinationError:
        fallback = default_backup_dir()
        if folder == fallback:
            raise
        warning = (
            f"备份文件夹“{folder}”不可用（U盘未插入或共享文件夹未连接？），"
            f"已改为备份到“{fallback}”。"
        )
        folder = fallback
        info, removed = backup_to_folder(
            folder, db, config.keep_daily, config.keep_monthly, progress
        )
    return AutoBackupResult(info, folder, removed, warning)


def backup_folders(config: LocalConfig) -> list[Path]:
    """Where automatic backups may be: the chosen folder and the default (its fallback)."""
    folders = [config.backup_folder()]
    if default_backup_dir() not in folders:
        folders.append(default_backup_dir())
    return folders


def due(config: LocalConfig, stem: str, now: dt.datetime | None = None) -> bool:
    """True when no backup of today exists yet (the once-a-day backup)."""
    today = (now or clock.now()).date()
    return not any(
        when.date() == today
        for folder in backup_folders(config)
        for when, _ in list_backups(folder, stem)[:1]
    )


# -- checking a backup ----------------------------------------------------------------------
def _safe_member(rel: str) -> bool:
    parts = Path(rel).parts
    return bool(parts) and not Path(rel).is_absolute() and ".." not in parts and ":" not in rel


def verify(path: str | os.PathLike[str], extract_to: Path | None = None) -> BackupInfo:
    """Check a backup completely (manifest, checksums, integrity, version); raise BackupError
    with the reason if it cannot be restored. With *extract_to*, leave the database there as
    `database.sqlite3` and the attachments under `files/`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件“{path}”。")
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise BackupError(f"无法读取“{path}”：{exc.strerror or exc}") from exc
    with tempfile.TemporaryDirectory(prefix="ndesk-verify-") as tmp:
        work = extract_to if extract_to is not None else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if head == dbcheck.SQLITE_HEADER:
            info = _verify_sqlite(path, work)
        elif zipfile.is_zipfile(path):
            try:
                info = _verify_zip(path, work)
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise BackupError(f"备份文件已损坏（{exc}），无法恢复。") from exc
        elif head.startswith(b"PK\x03\x04"):
            raise BackupError(f"备份文件“{path.name}”不完整或已损坏（可能复制时中断），无法恢复。")
        else:
            raise BackupError(
                f"“{path.name}”不是本程序的备份文件（既不是备份压缩包，也不是数据库文件）。"
            )
        if info.kind == "pg_dump":
            return info  # the dump's checksum is all the program can check of it
        report = dbcheck.check_file(work / DB_MEMBER, full=True)
        if report.damaged or report.schema_version > report.latest:
            raise BackupError(f"备份中的数据库未通过检查：{report.summary()}")
        if not report.ok:
            info.warnings.extend(report.problems)
        if report.schema_version == 0:
            raise BackupError("备份中的数据库是空的或不是本程序的数据库。")
        info.counts = report.counts
        info.schema_version = report.schema_version
    return info


def _verify_zip(path: Path, work: Path) -> BackupInfo:
    with zipfile.ZipFile(path) as zf:
        try:
            if zf.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
                raise BackupError(
                    "备份文件的清单大得不合理，文件已损坏或不是本程序的备份，已拒绝恢复。"
                )
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
        except KeyError as exc:
            raise BackupError("备份文件缺少清单（manifest.json），可能不完整，无法恢复。") from exc
        except ValueError as exc:
            raise BackupError("备份文件的清单无法读取，文件可能已损坏。") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError("该压缩包不是本程序的备份文件。")
        if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
            raise BackupError("该备份由更新版本的程序制作，请升级本程序后再恢复。")
        schema = int(manifest.get("schema_version", 0))
        if schema > dbcheck.latest_version():
            raise BackupError(
                f"该备份由更新版本的程序制作（结构版本 {schema}，本程序支持到 "
                f"{dbcheck.latest_version()}），请升级本程序后再恢复。"
            )
        db_meta = manifest.get("database") or {}
        entries = manifest.get("files") or []
        server = manifest.get("engine") == ENGINE_POSTGRES
        db_name = PG_DUMP_MEMBER if server else DB_MEMBER
        _check_sizes(zf, db_meta, entries, work, db_name)
        target = work / db_name
        with zf.open(db_name) as src, target.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
        if _sha256(target) != db_meta.get("sha256"):
            raise BackupError("备份中的数据库校验值不符，文件已损坏，无法恢复。")
        for entry in entries:
            rel = str(entry.get("path", ""))
            if not _safe_member(rel):
                raise BackupError(f"备份中有不安全的文件名“{rel}”，已拒绝恢复。")
            out_path = work / "files" / rel
            out_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                member = zf.open(FILES_PREFIX + rel)
            except KeyError as exc:
                raise BackupError(f"备份中缺少附件“{rel}”，文件不完整，无法恢复。") from exc
            with member, out_path.open("wb") as out:
                shutil.copyfileobj(member, out, 1 << 20)
            if _sha256(out_path) != entry.get("sha256"):
                raise BackupError(f"备份中的附件“{rel}”校验值不符，文件已损坏，无法恢复。")
    try:
        created = dt.datetime.fromisoformat(str(manifest.get("created_at")))
    except ValueError:
        created = dt.datetime.fromtimestamp(path.stat().st_mtime)
    return BackupInfo(
        path,
        created,
        str(manifest.get("app_version", "")),
        schema,
        {},
        len(entries),
        path.stat().st_size,
        "pg_dump" if server else "zip",
    )


def _check_sizes(
    zf: zipfile.ZipFile,
    db_meta: dict[str, Any],
    entries: list[Any],
    work: Path,
    db_member: str = DB_MEMBER,
) -> None:
    """Before anything is extracted: every member's size as the manifest says (a zip bomb
    declares small files that unpack to gigabytes), and room for all of it on the disk.
    Extraction reads at most a member's declared size, so these sizes bound what is written."""
    if not isinstance(db_meta, dict) or not isinstance(entries, list):
        raise BackupError("备份文件的清单无法读取，文件可能已损坏。")
    expected = [(db_member, db_meta.get("size"))]
    for entry in entries:
        if not isinstance(entry, dict):
            raise BackupError("备份文件的清单无法读取，文件可能已损坏。")
        rel = str(entry.get("path", ""))
        if not _safe_member(rel):
            raise BackupError(f"备份中有不安全的文件名“{rel}”，已拒绝恢复。")
        expected.append((FILES_PREFIX + rel, entry.get("size")))
    total = 0
    for name, size in expected:
        try:
            info = zf.getinfo(name)
        except KeyError as exc:
            what = "数据库" if name == db_member else f"附件“{name[len(FILES_PREFIX) :]}”"
            raise BackupError(f"备份中缺少{what}，文件不完整，无法恢复。") from exc
        if not isinstance(size, int) or size < 0 or info.file_size != size:
            raise BackupError(f"备份中“{name}”的大小与清单不符，文件已损坏或被改动，已拒绝恢复。")
        total += size
    try:
        free = shutil.disk_usage(work).free
    except OSError:
        return
    if total + DISK_MARGIN_BYTES > free:
        raise BackupError(
            f"恢复需要 {_megabytes(total + DISK_MARGIN_BYTES)} 的磁盘空间，"
            f"“{work}”所在的磁盘只剩 {_megabytes(free)}。请先腾出空间，没有改动任何文件。"
        )


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB"


def _verify_sqlite(path: Path, work: Path) -> BackupInfo:
    """A bare database file (an old-style backup, a pre-migration copy): copy it through
    SQLite so that a -wal file beside it is included."""
    target = work / DB_MEMBER
    try:
        src = dbcheck.connect_readonly(path)
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"备份中的数据库已损坏（{exc}），无法恢复。") from exc
    created = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    return BackupInfo(path, created, "", 0, {}, 0, path.stat().st_size, "sqlite")


def newest_good(folders: Iterable[Path], stem: str, limit: int = 20) -> BackupInfo | None:
    """The newest backup of database *stem* that passes verify(), or None."""
    candidates = sorted(
        (item for folder in folders for item in list_backups(folder, stem)), reverse=True
    )
    for _, path in candidates[:limit]:
        try:
            return verify(path)
        except BackupError:
            continue
    return None


# -- restoring --------------------------------------------------------------------------------
def _checkpoint(path: Path) -> None:
    """Fold the -wal file into the database so that the copy kept aside is one file."""
    try:
        conn = sqlite3.connect(str(path))
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # a damaged file is kept aside as it is, -wal and all


def _link_or_copy(src: Path, dest: Path) -> None:
    """A hard link (instant, same file), or a copy where links are not supported. The file is
    closed and locked against other windows here, so a plain copy is safe."""
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def _sidecars(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


def restore(src: str | os.PathLike[str], target: str | os.PathLike[str]) -> RestoreResult:
    """Replace the database at *target* (which must be closed) with the backup *src*. A
    server's database (a URL), or a backup of one, is refused with what its administrator
    runs instead (server_restore_text)."""
    if is_postgres_url(target):
        raise BackupError(server_restore_text())
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ndesk-restore-", dir=target.parent))
    moved: list[tuple[Path, Path]] = []  # (from, to), to undo on failure
    try:
        info = verify(src, extract_to=staging)
        if info.kind == "pg_dump":
            raise BackupError(server_restore_text())
        stamp = clock.now().strftime(STAMP)
        aside_db = aside_files = None
        files_dir = attachments_dir_for(target)
        try:
            if target.exists():
                _checkpoint(target)
                aside_db = target.with_name(f"{target.name}.before-restore-{stamp}")
                # A second name for the current file: the database path is never empty, even
                # if the program is killed here (the final swap below is one atomic rename).
                _link_or_copy(target, aside_db)
                moved.append((aside_db, aside_db))  # undone by removing the second name
                for old, new in zip(_sidecars(target)[1:], _sidecars(aside_db)[1:], strict=True):
                    if old.exists():  # never let the old -wal meet the restored database
                        os.replace(old, new)
                        moved.append((old, new))
            if info.kind == "zip":
                if files_dir.exists():
                    aside_files = files_dir.with_name(f"{files_dir.name}.before-restore-{stamp}")
                    os.replace(files_dir, aside_files)
                    moved.append((files_dir, aside_files))
                staged_files = staging / "files"
                staged_files.mkdir(exist_ok=True)
                os.replace(staged_files, files_dir)
                moved.append((staged_files, files_dir))
            os.replace(staging / DB_MEMBER, target)
        except OSError as exc:
            for old, new in reversed(moved):
                with contextlib.suppress(OSError):
                    if old == new:
                        new.unlink()
                    else:
                        os.replace(new, old)
            raise BackupError(f"恢复未能完成，原来的数据库保持不变：{exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(info, target, aside_db, aside_files)


def note_restored(result: RestoreResult, username: str) -> None:
    """Leave an audit row in the restored (and now open) database saying where it came from."""
    from models.core import audit

    info = result.info
    with database.atomic():
        audit.record(
            username,
            audit.Action.RESTORE,
            "database",
            None,
            None,
            {
                "backup": str(info.path),
                "created_at": info.created_at.isoformat(),
                "counts": info.counts,
                "files": info.files,
                "kept_aside": str(result.aside_db) if result.aside_db else None,
            },
            "恢复备份",
        )
