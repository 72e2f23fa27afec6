"""Attachments (photos, scans) kept in a folder beside the database file.

Keeping them next to the database (not in a global folder) means a backup of the database
folder, or of the database plus its "-files" folder, carries everything. The database
stores paths relative to that folder, so a restored or moved copy still finds its files.

On an office server (PostgreSQL) there is no folder every clerk's PC shares: store() keeps the
file's bytes in the database (models.core.attachments.Attachment, same relative path) and
resolve() gives each PC a real local file from a cache folder of its own, written on first use
and checked against the stored SHA-256, so the callers (which open row.file) stay the same.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from models.core.db import (
    current_target,
    data_dir,
    database_path,
    is_postgres,
    is_postgres_url,
    parse_postgres_url,
)
from models.core.errors import UserFacingError


class AttachmentError(UserFacingError):
    pass


def attachments_dir_for(db: Path) -> Path:
    """The attachments folder of the database file *db* (not created)."""
    return db.with_name(db.stem + "-files")


def attachments_dir() -> Path:
    """The attachments folder of the open database: the folder beside its file, or on an
    office server this PC's cache folder of the server's attachments (created)."""
    if is_postgres():
        folder = server_cache_dir()
    else:
        db = database_path()
        folder = attachments_dir_for(db) if db else data_dir() / "files"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def server_cache_dir() -> Path:
    """This PC's cache of the open server database's attachments (not created): one folder
    per server and database, named by a hash of host, port and database name (never the user
    or password), under the user-data folder."""
    target = current_target()
    if is_postgres_url(target):
        params = parse_postgres_url(target)
        key = f"{params.get('host')}:{params.get('port', 5432)}/{params['database']}"
    else:  # bound without a URL (not the program's way): the database's own name
        from models.core.db import database

        key = f"?/{getattr(database.obj, 'database', '')}"
    name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return data_dir() / "server-files" / name


def content_path(data: bytes, area: str, suffix: str) -> str:
    """The relative path a file with content *data* is stored under in *area*."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    return (Path(area) / f"{digest}{suffix.lower()}").as_posix()


def store(source: str | Path, area: str) -> str:
    """Copy *source* into the attachments folder under *area*; returns the relative path.

    The name carries a content hash so that the same photo added twice is stored once and
    a different photo with the same name never overwrites the first. On an office server the
    bytes go into the attachment table (inside the caller's transaction) and this PC's cache.
    """
    source = Path(source)
    if not source.is_file():
        raise AttachmentError(f"找不到文件“{source}”。")
    data = source.read_bytes()
    relative = content_path(data, area, source.suffix)
    if is_postgres():
        _store_on_server(relative, data)
        _write_cache(attachments_dir() / relative, data)
        return relative
    target = attachments_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copy2(source, target)
    return relative


def _store_on_server(relative: str, data: bytes) -> None:
    from models.core.attachments import Attachment

    # The same photo stored by two clerks at once: the second insert does nothing.
    Attachment.insert(
        path=relative, sha256=hashlib.sha256(data).hexdigest(), size=len(data), bytes=data
    ).on_conflict_ignore().execute()


def resolve(relative: str) -> Path:
    """A local path to the attachment *relative*. On an office server the file is written
    into this PC's cache the first time it is asked for (and again when the cached copy no
    longer matches the stored SHA-256); an attachment the server does not hold gives a path
    that does not exist, as a missing file beside a SQLite database does."""
    path = attachments_dir() / relative
    if is_postgres():
        _materialise(relative, path)
    return path


# Cached files already checked in this run: path -> (size, mtime_ns) when checked.
_checked: dict[Path, tuple[int, int]] = {}


def _materialise(relative: str, path: Path) -> None:
    from models.core.attachments import Attachment

    stat = _stat(path)
    if stat is not None and _checked.get(path) == stat:
        return
    row = (
        Attachment.select(Attachment.sha256, Attachment.size)
        .where(Attachment.path == relative)
        .tuples()
        .first()
    )
    if row is None:
        return
    sha256, size = row
    if stat is not None and stat[0] == size and _sha256_of(path) == sha256:
        _checked[path] = stat
        return
    data = Attachment.select(Attachment.bytes).where(Attachment.path == relative).scalar()
    data = bytes(data)  # psycopg2 returns a memoryview for bytea
    if hashlib.sha256(data).hexdigest() != sha256:
        raise AttachmentError(f"服务器上的附件“{relative}”已损坏（校验值不符），请从备份恢复。")
    _write_cache(path, data)


def _write_cache(path: Path, data: bytes) -> None:
    """Write *data* to *path* whole or not at all (a temporary file renamed into place)."""
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        _checked[path] = _stat(path) or (0, 0)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _checked[path] = _stat(path) or (0, 0)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
