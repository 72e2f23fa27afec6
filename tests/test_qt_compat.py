"""PySide6 6.12.0's emit() loses a reference to True on every call (Python < 3.12 aborts after
a few hundred); ui.qt_compat.emit gives it back, so long jobs can report progress freely."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from ui.qt_compat import emit
from ui.worker import Job


class _Source(QObject):
    changed = Signal(int, int)


def test_emit_keeps_the_reference_count_of_true(qapp):
    source = _Source()
    received = []
    source.changed.connect(lambda a, b: received.append(a))
    before = sys.getrefcount(True)
    for i in range(300):
        emit(source.changed, i, 300)
    assert len(received) == 300
    assert sys.getrefcount(True) - before > -10


def test_a_job_can_report_progress_many_times(qtbot, db):
    # 400 emits: enough to see the leak, too few to abort the test run if it came back.
    def work(progress):
        for i in range(400):
            progress(i, 400)
        return "done"

    job = Job(work)
    results = []
    job.signals.finished.connect(results.append)
    before = sys.getrefcount(True)
    job.run()  # in this thread: the emits are what matter, not the thread
    qtbot.waitUntil(lambda: results == ["done"], timeout=10_000)
    assert sys.getrefcount(True) - before > -10
