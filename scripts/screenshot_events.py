"""Save PNGs of the events tab and every page of the event window on a demo database.

    .venv/bin/python scripts/screenshot_events.py OUT_DIR [--db PATH]

Uses (or builds) a demo database like scripts/screenshot.py and opens the demo's film night.
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
    parser.add_argument("--db", type=Path, default=Path("/tmp/ndesk-events.sqlite3"))
    parser.add_argument("--households", type=int, default=800)
    args = parser.parse_args()

    import main as app_main
    from models import demo
    from models.core.entities import User
    from models.events.service import EventFilter, list_events
    from models.migrations import open_database

    fresh = not args.db.exists()
    open_database(args.db)
    if fresh:
        demo.generate(households=args.households)
        app_main.demo_accounts()
    from ui.app import create_application
    from ui.events.dialog import EventDialog
    from ui.events.tab import EventsTab

    app, _warning = create_application(["screenshot"])
    args.out.mkdir(parents=True, exist_ok=True)
    user = User.get(User.username == "clerk")
    tab = EventsTab(user)
    tab.resize(1280, 760)
    tab.show()
    for i, when in enumerate(("upcoming", "past")):
        tab.when.setCurrentIndex(tab.when.findData(when))
        app.processEvents()
        tab.grab().save(str(args.out / f"events_tab_{i + 1}_{when}.png"))
    events = list_events(EventFilter(text="电影"))
    upcoming = list_events(EventFilter(when="upcoming"))
    for name, rows in (("film", events), ("upcoming", upcoming[-1:])):
        if not rows:
            continue
        dialog = EventDialog(user, rows[0].id)
        dialog.show()
        for page in range(dialog.pages.count()):
            dialog.pages.setCurrentIndex(page)
            for _ in range(3):
                app.processEvents()
            dialog.grab().save(str(args.out / f"event_{name}_page{page + 1}.png"))
        dialog.dirty = False
        dialog.close()
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
