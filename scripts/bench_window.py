"""Child process for the benchmark: start the window on a database and report timings.

    python scripts/bench_window.py DB [--bare]

Prints one JSON line: seconds from interpreter start to a usable main window with the
register shown, and the process's peak resident memory. --bare starts an empty PySide6
window instead (the floor).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

T0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare() -> dict:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(["bench"])
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    return {"start_s": time.perf_counter() - T0, "peak_mb": _peak_mb()}


def full(db: str) -> dict:
    from models.db import open_database
    from models.entities import User

    open_database(db)
    from ui.app import create_application
    from ui.main_window import MainWindow

    app, _warning = create_application(["bench"])
    user = User.get(User.username == "admin")
    window = MainWindow(user)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    start = time.perf_counter() - T0
    # Let any deferred first page of the register arrive before reading memory.
    for _ in range(20):
        app.processEvents()
    return {"start_s": start, "peak_mb": _peak_mb()}


if __name__ == "__main__":
    result = bare() if sys.argv[1:2] == ["--bare"] else full(sys.argv[1])
    print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)  # skip Qt teardown: not part of what a clerk waits for
