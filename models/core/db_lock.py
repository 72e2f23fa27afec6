"""One window per database: an exclusive lock on a sidecar file beside the database.

The operating system holds the lock (flock on Linux, LockFile on Windows) and drops it when
the process ends, however it ends, so a crashed window never blocks the next start. The
file also says who holds it (computer, user, process, since when) for the message shown to
a second window.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from models.core import clock
from models.core.db import DatabaseError, is_postgres_url, redact_url

# Windows locks a byte range; lock one byte well past the text so readers can still read it.
_WIN_LOCK_OFFSET = 1 << 20


class DatabaseInUse(DatabaseError):
    """Another window (or a restore) holds the database."""


class WriterRefused(DatabaseInUse):
    """A command-line writer found the database held: nothing was written (exit code 2)."""

    exit_code = 2


# What each holder is called in the message a second writer or window gets.
_PURPOSES = {
    "window": "另一个窗口",
    "restore": "恢复备份",
    "import": "命令行导入",
    "demo": "装入示范数据",
    "backup": "命令行备份",
    "fill": "命令行填表（一表通）",
}
# What a refused command-line writer was about to do.
_WHAT = {
    "restore": "恢复备份",
    "import": "导入",
    "demo": "装入示范数据",
    "backup": "备份",
    "fill": "填表",
}


def lock_path(db_path: str | os.PathLike[str]) -> Path:
    path = Path(db_path)
    return path.with_name(path.name + ".lock")


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fh: IO[bytes]) -> bool:
        fh.seek(_WIN_LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fh: IO[bytes]) -> None:
        fh.seek(_WIN_LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fh: IO[bytes]) -> bool:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError:
            # A filesystem without locks (some network shares): the database does not belong
            # there anyway (WAL); do not refuse to work over it.
            return True
        return True

    def _unlock(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def holder_text(info: dict[str, Any]) -> str:
    parts = []
    if info.get("host"):
        parts.append(f"电脑 {info['host']}")
    if info.get("user"):
        parts.append(f"用户 {info['user']}")
    if info.get("pid"):
        parts.append(f"进程 {info['pid']}")
    if info.get("since"):
        parts.append(f"自 {info['since']} 起")
    return "，".join(parts)


class DatabaseLock:
    """Hold while a window (or a restore) works on the database at *db_path*.

    A PostgreSQL server (a postgresql:// URL) is made for several clerks at once: there the
    lock is held without a file and never refuses; each signed-in clerk is a session of the
    server, and concurrent edits are caught by row versions (models.core.crud)."""

    def __init__(self, db_path: str | os.PathLike[str], purpose: str = "window") -> None:
        self.server = is_postgres_url(db_path)
        self.db_path = Path(redact_url(str(db_path))) if self.server else Path(db_path)
        self.path = self.db_path if self.server else lock_path(db_path)
        self.purpose = purpose
        self._fh: IO[bytes] | None = None
        self._server_held = False

    @property
    def held(self) -> bool:
        return self._fh is not None or self._server_held

    def acquire(self) -> DatabaseLock:
        if self.server:
            self._server_held = True
            return self
        if self._fh is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # "a+b": opening must not truncate what the current holder wrote.
        fh = open(self.path, "a+b")  # noqa: SIM115 - kept open while the lock is held
        if not _try_lock(fh):
            fh.seek(0)
            info = _parse(fh.read(4096))
            fh.close()
            raise DatabaseInUse(in_use_text(self.db_path, info))
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "user": _user(),
            "since": clock.now().strftime("%Y-%m-%d %H:%M"),
            "purpose": self.purpose,
        }
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps(info, ensure_ascii=False).encode("utf-8"))
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        self._server_held = False
        fh, self._fh = self._fh, None
        if fh is None:
            return
        try:
            fh.seek(0)
            fh.truncate()
            _unlock(fh)
        except OSError:
            pass
        finally:
            fh.close()

    def __enter__(self) -> DatabaseLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def in_use_text(db_path: Path, info: dict[str, Any]) -> str:
    """ "数据库正在被另一个窗口使用（…）。…": who holds it, and what to do."""
    who = holder_text(info)
    purpose = str(info.get("purpose") or "window")
    holder = _PURPOSES.get(purpose, "另一个程序")
    text = f"数据库“{db_path.name}”正在被{holder}使用" + (f"（{who}）" if who else "") + "。"
    if purpose == "window":
        return text + "请切换到那个窗口继续工作；同时用两个窗口修改同一个数据库会相互覆盖。"
    return text + "请等它完成后再试。"


@contextmanager
def writer_lock(
    db_path: str | os.PathLike[str], purpose: str, wait_seconds: float = 0.0
) -> Iterator[DatabaseLock]:
    """Hold the one-window lock while a command-line writer (restore, import, demo, backup)
    works on *db_path*; refuse with WriterRefused when a window or another writer has it.

    *wait_seconds* > 0 retries that long first (a scheduled backup can wait for an import to
    finish). The refusal says who holds the database and that nothing was written.
    """
    lock = DatabaseLock(db_path, purpose=purpose)
    deadline = time.monotonic() + max(wait_seconds, 0.0)
    while True:
        try:
            lock.acquire()
            break
        except DatabaseInUse as exc:
            if time.monotonic() >= deadline:
                what = _WHAT.get(purpose, purpose)
                raise WriterRefused(f"{exc}本次{what}没有进行，数据库没有改动。") from exc
            time.sleep(0.2)
    try:
        yield lock
    finally:
        lock.release()


def read_holder(db_path: str | os.PathLike[str]) -> dict[str, Any]:
    if is_postgres_url(db_path):
        return {}
    try:
        return _parse(lock_path(db_path).read_bytes()[:4096])
    except OSError:
        return {}


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in a service account's environment
        return ""
