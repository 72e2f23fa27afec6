"""Long work off the GUI thread, with progress and cancel.

The job is a plain function taking a progress callback `(done, total) -> bool`; returning
False from the callback cancels it (the service then rolls its transaction back).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from models.core.db import close_thread_connection
from models.core.errors import message_for

ProgressFn = Callable[[int, int], bool]
log = logging.getLogger(__name__)


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)


class Job(QRunnable):
    def __init__(self, func: Callable[[ProgressFn], Any]) -> None:
        super().__init__()
        self.func = func
        self.signals = _Signals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, done: int, total: int) -> bool:
        self.signals.progress.emit(done, total)
        return not self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self.func(self._progress)
        except Exception as exc:  # reported to the user, never lost silently
            log.exception("background job failed")  # the log file (models/core/logfile.py), stderr
            # A sentence meant for the clerk as it is; a programming error says it is one.
            self.signals.failed.emit(message_for(exc))
        else:
            self.signals.finished.emit(result)
        finally:
            close_thread_connection()  # this worker thread's own connection


def run_with_progress(
    parent: QWidget,
    title: str,
    label: str,
    func: Callable[[ProgressFn], Any],
    on_done: Callable[[Any], object],
    on_error: Callable[[str], object],
) -> Job:
    dialog = QProgressDialog(label, parent.tr("取消"), 0, 100, parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    job = Job(func)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)

    def finished(result: Any) -> None:
        dialog.close()
        on_done(result)

    def failed(message: str) -> None:
        dialog.close()
        on_error(message)

    job.signals.progress.connect(progress)
    job.signals.finished.connect(finished)
    job.signals.failed.connect(failed)
    dialog.canceled.connect(job.cancel)
    dialog.show()
    QThreadPool.globalInstance().start(job)
    return job
