"""Save PNGs of the main window (every tab), the report dialog, the audit log and the sign-in
at 1366x768 on a demo database, for looking at them before a change lands.

    .venv/bin/python scripts/window_screens.py OUT_DIR [--db PATH]

Builds the demo database (with the demo accounts) when --db does not exist. Runs offscreen; the
main window is shown maximised on a 1366x768 screen as an office laptop would show it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen:size=1366x768")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SCREEN = (1366, 768)
TASKBAR = 40  # what a maximised window loses to the Windows taskbar


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--db", type=Path, default=Path("/tmp/ndesk-window-screens.sqlite3"))
    args = parser.parse_args()

    import main as app_main
    from models import demo
    from models.core.entities import User
    from models.migrations import open_database

    fresh = not args.db.exists()
    open_database(args.db)
    if fresh:
        demo.generate()
        app_main.demo_accounts()

    from PySide6.QtWidgets import QApplication, QDialog

    from ui.app import create_application
    from ui.login_dialogs import LoginDialog
    from ui.main_window import MainWindow

    app, _warning = create_application(["window-screens"])
    args.out.mkdir(parents=True, exist_ok=True)
    user = User.get(User.username == "zhuren")

    def settle() -> None:
        for _ in range(8):
            app.processEvents()

    def grab(widget, name: str) -> None:
        settle()
        path = args.out / f"{name}.png"
        widget.grab().save(str(path))
        hint = widget.minimumSizeHint()
        print(f"{path}  {widget.width()}x{widget.height()}  min {hint.width()}x{hint.height()}")

    window = MainWindow(user)
    window.resize(SCREEN[0], SCREEN[1] - TASKBAR)
    window.show()
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        grab(window, f"main_tab{i}")

    from ui.monthly.report_dialog import ReportDialog

    report = ReportDialog(user, window)
    report.show()
    grab(report, "report_dialog")
    report.close()

    from ui.admin.audit_dialog import AuditDialog

    log = AuditDialog(user, window)
    log.show()
    grab(log, "audit_dialog")
    log.close()

    login = LoginDialog(str(args.db))
    login.show()
    grab(login, "sign_in")
    login.done(QDialog.DialogCode.Rejected)
    window.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
