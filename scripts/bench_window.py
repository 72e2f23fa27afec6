"""Child process for the benchmark: the window's start, memory, typing and household dialog.

    python scripts/bench_window.py DB --spawned T [--interact PLAN.json]
    python scripts/bench_window.py --bare --spawned T

Prints one JSON line. start_s is the wall time from T (when the parent started this process,
time.time()) to a usable main window with the register's first page shown, so it includes
the interpreter's own start, as a clerk's double-click does. peak_mb is the process's peak
resident memory (VmHWM: the rusage figure would include the parent's memory, inherited
across fork and exec). --bare starts an empty PySide6 window instead (the floor).

--interact then types into the registry tab's search box (each keystroke as the window
handles it once the typing pause has passed: the first page of results, the selection and
the person pane, painted) and opens the household dialog for each household of the plan.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # not Linux: the best figure there is

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare(spawned: float) -> dict:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(["bench"])
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    return {"start_s": time.time() - spawned, "peak_mb": peak_mb()}


def full(db: str, spawned: float, plan_file: str | None) -> dict:
    from models.core.entities import User
    from models.migrations import open_database

    open_database(db)
    from ui.app import create_application
    from ui.main_window import MainWindow

    app, _warning = create_application(["bench"])
    user = User.get(User.username == "admin")
    window = MainWindow(user)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    result: dict = {"start_s": time.time() - spawned}
    tab = window.registry_tab
    assert tab.model.rowCount() > 0, "the register is not shown"
    tab.counter.wait()  # the count of the first page, off the GUI thread
    app.processEvents()
    result["peak_mb"] = peak_mb()
    if plan_file:
        plan = json.loads(Path(plan_file).read_text(encoding="utf-8"))
        result["keystrokes_ms"] = _type(app, tab, plan["keystrokes"], plan["repeat"])
        result["household_ms"] = _households(app, tab, plan["households"], plan["repeat"])
        result["peak_mb_after"] = peak_mb()
    return result


def _type(app, tab, keystrokes: list[str], repeat: int) -> list[float]:
    from models.registry import search

    times = []
    for _ in range(repeat):
        for text in keystrokes:
            tab.search.setText(text)
            search.clear_cache()  # each prefix is new while the clerk types
            start = time.perf_counter()
            tab.run_search()  # what the typing-pause timer calls
            app.processEvents()
            times.append((time.perf_counter() - start) * 1000)
            tab.counter.wait()  # the count finishes during the clerk's next keystroke
            app.processEvents()
    tab.search.setText("")
    tab.run_search()
    return times


def _households(app, tab, ids: list[int], repeat: int) -> list[float]:
    """As the tab opens one (Ctrl+H): a child of the tab, shown and painted, then closed
    and deleted once control is back in the event loop."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from ui.registry.household import HouseholdDialog

    times = []
    for _ in range(repeat):
        for hid in ids:
            start = time.perf_counter()
            dialog = HouseholdDialog(tab.user, hid, tab)
            dialog.show()
            app.processEvents()
            times.append((time.perf_counter() - start) * 1000)
            dialog.close()
            dialog.deleteLater()
            del dialog
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", nargs="?")
    parser.add_argument("--bare", action="store_true")
    parser.add_argument("--spawned", type=float, required=True)
    parser.add_argument("--interact")
    args = parser.parse_args()
    result = bare(args.spawned) if args.bare else full(args.db, args.spawned, args.interact)
    print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)  # skip Qt teardown: not part of what a clerk waits for


if __name__ == "__main__":
    sys.exit(main())
