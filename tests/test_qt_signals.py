"""Guard against the PySide6 6.12.0 bug that pyproject.toml excludes: each emit() from Python
dropped a reference to True, and Python < 3.12 aborted after a few hundred signals. Progress
bars and per-keystroke signals emit thousands of times in a working day."""

from __future__ import annotations

import subprocess
import sys

from ui.common.worker import Job

MANY_EMITS = """
from PySide6.QtCore import QCoreApplication, QObject, Signal
class Source(QObject):
    changed = Signal(int, int)
app = QCoreApplication([])
source = Source()
seen = []
source.changed.connect(lambda a, b: seen.append(a))
for i in range(5000):
    source.changed.emit(i, 5000)
print(len(seen))
"""


def test_thousands_of_emits_do_not_abort_the_interpreter():
    # In a child process: the bug kills the interpreter, which would take pytest with it.
    result = subprocess.run(
        [sys.executable, "-c", MANY_EMITS], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "5000"


def test_a_job_reports_progress_many_times(qtbot, db):
    def work(progress):
        for i in range(2000):
            progress(i, 2000)
        return "done"

    job = Job(work)
    results, seen = [], []
    job.signals.finished.connect(results.append)
    job.signals.progress.connect(lambda done, total: seen.append(done))
    job.run()  # in this thread: the emits are what matter here, not the thread
    qtbot.waitUntil(lambda: results == ["done"], timeout=10_000)
    assert len(seen) == 2000 and seen[-1] == 1999
