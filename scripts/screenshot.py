"""Save PNG screenshots of the main window on a demo database, for looking at what was built.

    .venv/bin/python scripts/screenshot.py OUT_DIR [--db PATH] [--user admin] [--households N]

Builds a demo database (with the demo accounts) when --db does not exist yet, signs in as
--user without the dialog, and saves one PNG per tab plus the sign-in dialog. Runs offscreen.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--db", type=Path, default=Path("/tmp/ndesk-screens.sqlite3"))
    parser.add_argument("--user", default="admin")
    parser.add_argument("--households", type=int, default=6554)
    args = parser.parse_args()

    import main as app_main
    from models import demo
    from models.core.entities import User
    from models.migrations import open_database

    fresh = not args.db.exists()
    open_database(args.db)
    if fresh:
        demo.generate(households=args.households)
        app_main.demo_accounts()

    from ui.app import create_application
    from ui.login_dialogs import LoginDialog
    from ui.main_window import MainWindow

    app, warning = create_application(["screenshot"])
    if warning:
        print("font warning:", warning)
    args.out.mkdir(parents=True, exist_ok=True)
    login = LoginDialog(str(args.db))
    login.username.setText(args.user)
    login.show()
    app.processEvents()
    login.grab().save(str(args.out / "login.png"))
    window = MainWindow(User.get(User.username == args.user))
    window.resize(1280, 800)
    window.show()
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        for _ in range(5):
            app.processEvents()
        path = args.out / f"tab{i + 1}.png"
        window.grab().save(str(path))
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
