"""The program's log file: what went wrong, for IT, when there is no console to read.

The packaged Windows program has no console, so an uncaught exception, a Python warning or a
message from Qt would otherwise leave no trace. ``setup()`` sends them, and every ``logging``
record of level INFO and above, to a rotating UTF-8 file in the user's data folder
(``<data>/logs/neighbourhood-desk.log``, 1 MB, five older files kept). What used to reach the
console still does: warnings and log records of level WARNING and above are echoed to stderr
as Python would print them, and an uncaught exception is still printed by the hook that was
there before. The window installs this for its whole life (ui/app.py, which adds the message
box and Qt's own messages, ui/common/error_report.py); a command-line subcommand runs inside
``session()``, which undoes it all afterwards.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from models.core.db import data_dir

LOG_DIRNAME = "logs"
LOG_FILENAME = "neighbourhood-desk.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

log = logging.getLogger("neighbourhood_desk")

# A record with this attribute set goes to the file only (its text reaches stderr another way).
FILE_ONLY = "ndesk_file_only"

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]
ThreadHook = Callable[[threading.ExceptHookArgs], Any]


def log_dir() -> Path:
    return data_dir() / LOG_DIRNAME


def log_path() -> Path:
    """Where the log file is (or will be) in the user's data folder."""
    return log_dir() / LOG_FILENAME


class _ConsoleEcho(logging.Handler):
    """stderr as before: what Python's last-resort handler and warnings.showwarning printed.

    sys.stderr is looked up at each record (it may be replaced, or None in a windowed build).
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.setFormatter(logging.Formatter("%(message)s"))

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, FILE_ONLY, False) and super().filter(record)

    def emit(self, record: logging.LogRecord) -> None:
        stream = sys.stderr
        if stream is None:
            return
        try:
            text = self.format(record)
            if record.name == "py.warnings":  # formatwarning() text already ends with "\n"
                text = text.rstrip("\n")
            stream.write(text + "\n")
            stream.flush()
        except Exception:  # noqa: BLE001 - a console that went away must not stop the program
            self.handleError(record)


class _State:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.file: logging.handlers.RotatingFileHandler | None = None
        self.echo: _ConsoleEcho | None = None
        self.root_level: int | None = None
        self.excepthook: ExceptHook | None = None
        self.threadhook: ThreadHook | None = None
        self.installed = False


_state = _State()


def current_path() -> Path | None:
    """The file being written, or None before setup() (or if it could not be opened)."""
    return Path(_state.file.baseFilename) if _state.file is not None else None


def file_handler() -> logging.handlers.RotatingFileHandler | None:
    return _state.file


def log_exception(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    what: str = "uncaught exception",
) -> None:
    """Write *exc* and its traceback to the file only (the caller prints it where it must)."""
    log.error(
        "%s: %s: %s",
        what,
        exc_type.__name__,
        exc,
        exc_info=(exc_type, exc, tb),
        extra={FILE_ONLY: True},
    )


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    log_exception(exc_type, exc, tb)
    previous = _state.excepthook or sys.__excepthook__
    if sys.stderr is not None:  # the traceback on the console, as Python prints it
        previous(exc_type, exc, tb)


def _threadhook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is not SystemExit:
        name = args.thread.name if args.thread is not None else "?"
        exc = args.exc_value if args.exc_value is not None else args.exc_type()
        log_exception(
            args.exc_type, exc, args.exc_traceback, f"uncaught exception in thread {name}"
        )
    previous = _state.threadhook or threading.__excepthook__
    if sys.stderr is not None:
        previous(args)


def setup() -> Path | None:
    """Send uncaught exceptions, warnings and log records to the log file; its path.

    Idempotent, and follows the data folder: a second call with another data folder moves
    to the new file. None if the file cannot be opened (a read-only profile): the program
    goes on, and what went wrong still reaches stderr.
    """
    root = logging.getLogger()
    try:
        path: Path | None = log_path()
    except OSError:  # the data folder itself cannot be made
        path = None
    if _state.file is not None and (
        path is None or Path(_state.file.baseFilename) != path.resolve()
    ):
        root.removeHandler(_state.file)
        _state.file.close()
        _state.file = None
    if _state.file is None and path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
            )
        except OSError:
            handler = None
        if handler is not None:
            handler.setLevel(logging.INFO)
            handler.setFormatter(logging.Formatter(FILE_FORMAT))
            root.addHandler(handler)
            _state.file = handler
    if not _state.installed:
        _state.echo = _ConsoleEcho()
        root.addHandler(_state.echo)
        _state.root_level = root.level
        if root.level == logging.NOTSET or root.level > logging.INFO:
            root.setLevel(logging.INFO)
        logging.captureWarnings(True)
        _state.excepthook, sys.excepthook = sys.excepthook, _excepthook
        _state.threadhook, threading.excepthook = threading.excepthook, _threadhook
        _state.installed = True
        from models.core.version import __version__

        log.info(
            "社区工作台 %s, Python %s, %s, pid %d",
            __version__,
            platform.python_version(),
            platform.platform(),
            os.getpid(),
        )
    return current_path()


def shutdown() -> None:
    """Undo setup(): the hooks, warnings and root logger as they were; the file closed."""
    root = logging.getLogger()
    if _state.installed:
        if sys.excepthook is _excepthook:
            sys.excepthook = _state.excepthook or sys.__excepthook__
        if threading.excepthook is _threadhook:
            threading.excepthook = _state.threadhook or threading.__excepthook__
        logging.captureWarnings(False)
        if _state.echo is not None:
            root.removeHandler(_state.echo)
        if _state.root_level is not None:
            root.setLevel(_state.root_level)
    if _state.file is not None:
        root.removeHandler(_state.file)
        _state.file.close()
    _state.reset()


@contextmanager
def session(what: str) -> Iterator[Path | None]:
    """A command-line subcommand: logged while it runs, with any exception that escapes it
    (which still reaches the caller and the console unchanged)."""
    already = _state.installed
    path = setup()
    log.info("command: %s", what)
    try:
        yield path
    except Exception as exc:
        log_exception(type(exc), exc, exc.__traceback__, f"command {what} failed")
        raise
    finally:
        if not already:
            shutdown()
