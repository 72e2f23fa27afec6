"""Save PNGs of the registry tab and its dialogs on a demo database, for looking at them.

    .venv/bin/python scripts/registry_screens.py OUT_DIR [--db PATH]

Builds the demo database (with the demo accounts) when --db does not exist. Nothing is
saved to the database except the "view" audit rows that opening a form (or resting on a person
in the list) logs. Runs offscreen.
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
    parser.add_argument("--db", type=Path, default=Path("/tmp/ndesk-registry-screens.sqlite3"))
    args = parser.parse_args()

    import main as app_main
    from models import demo
    from models.core.entities import Resident, User
    from models.migrations import open_database
    from models.registry import households, life_events

    fresh = not args.db.exists()
    open_database(args.db)
    if fresh:
        demo.generate()
        app_main.demo_accounts()

    from PySide6.QtWidgets import QApplication

    from ui.app import create_application
    from ui.registry.household import HouseholdDialog
    from ui.registry.household_actions import SplitDialog
    from ui.registry.life_events import CorrectionDialog, LeaveDialog
    from ui.registry.resident_form import ResidentForm
    from ui.registry.tab import RegistryTab

    app, _warning = create_application(["registry-screens"])
    args.out.mkdir(parents=True, exist_ok=True)
    user = User.get(User.username == "jisheng")

    def grab(widget, name: str) -> None:
        widget.show()
        for _ in range(5):
            app.processEvents()
        path = args.out / f"{name}.png"
        widget.grab().save(str(path))
        print(path)
        widget.close()

    # A big family with a history: a head whose household lost someone this year.
    dead = Resident.select().where(Resident.status == "deceased").order_by(Resident.id).first()
    big = max(
        (
            h
            for h in {
                r.household_id
                for r in Resident.select(Resident.household)
                .where(Resident.relation == "02")
                .limit(400)
            }
        ),
        key=lambda h: len(households.current_members(h)),
    )
    head = households.current_members(big)[0]

    tab = RegistryTab(user)
    tab.resize(1280, 760)
    tab.show()
    tab.search.setText(head.pinyin_initials)
    tab.run_search()
    tab.select_person(head.id)
    grab(tab, "registry_search_initials")
    tab.show()
    tab.search.setText(dead.id_number[-4:])
    tab.f_status.setCurrentIndex(tab.f_status.count() - 1)
    tab.run_search()
    tab.select_person(dead.id)
    grab(tab, "registry_history")

    form = ResidentForm(user, "edit", head.id)
    grab(form, "resident_form_edit")
    form = ResidentForm(user, "move_in", household_id=big)
    form.name.setText("赵国强")
    form.id_number.setText("61062719850302123")
    grab(form, "resident_form_typing")
    form = ResidentForm(user, "move_in", household_id=big)
    form.name.setText("赵国强")
    form.birth.setText("1985-03-12")
    form.id_number.setText(head.id_number)
    grab(form, "resident_form_duplicate")
    grab(HouseholdDialog(user, big), "household_dialog")
    grab(LeaveDialog(user, head.id, "death"), "death_dialog")
    split = SplitDialog(user, big)
    members = households.current_members(big)
    split.set_checked([members[0].id, members[1].id])
    grab(split, "split_dialog")
    death_row = next(e for e in life_events.history(dead.id) if e.kind == "death")
    grab(CorrectionDialog(user, death_row.id), "correction_dialog")
    _more_dialogs(user, big, head, grab)
    QApplication.processEvents()
    return 0


def _more_dialogs(user, big: int, head, grab) -> None:
    """Move, merge, return, category change, the new-resident chooser and the household picker."""
    from models.core.entities import Household, Resident
    from models.registry import households
    from models.registry.search import ResidentRow, search
    from ui.registry.household_actions import (
        ChangeHeadDialog,
        HouseholdPicker,
        MergeDialog,
        MoveDialog,
    )
    from ui.registry.life_events import CategoryDialog, ReturnDialog
    from ui.registry.new_resident import NewResidentChooser

    others = [
        h
        for h in Household.select()
        .where(Household.archived == False)  # noqa: E712
        .order_by(Household.id)
        .limit(40)
        if h.id != big
    ]
    target = households.find_households(others[0].household_no)[0]
    move = MoveDialog(user, head.id)
    move.set_target(target)
    grab(move, "move_dialog")
    merge = MergeDialog(user, big)
    merge.set_target(target)
    grab(merge, "merge_dialog")
    grab(ChangeHeadDialog(user, big), "change_head_dialog")
    gone = Resident.select().where(Resident.status == "moved_out").order_by(Resident.id).first()
    grab(ReturnDialog(user, gone.id), "return_dialog")
    grab(CategoryDialog(user, head.id), "category_dialog")
    row: ResidentRow = search(head.name)[0]
    grab(NewResidentChooser(row), "new_resident_chooser")
    chooser = NewResidentChooser(row)
    chooser.to_new.setChecked(True)
    grab(chooser, "new_resident_chooser_new_household")
    picker = HouseholdPicker()
    picker.query.setText(head.name[0])
    picker.run_search()
    grab(picker, "household_picker")
    closed = Household.select().where(Household.archived == True).first()  # noqa: E712
    if closed is not None:
        picker = HouseholdPicker()
        picker.query.setText(closed.household_no)
        picker.run_search()
        grab(picker, "household_picker_closed")
        move = MoveDialog(user, head.id)
        move.set_target(households.find_households(closed.household_no)[0])
        grab(move, "move_dialog_closed_target")
        merge = MergeDialog(user, big)
        merge.set_target(households.find_households(closed.household_no)[0])
        grab(merge, "merge_dialog_closed_target")


if __name__ == "__main__":
    sys.exit(main())
