"""What the registry dialog tests share: the tab on the demo community, the household picker
answered like a clerk, finding suitable households and people, reading events and audit rows."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from models.core.entities import AuditLog, Household, LifeEvent, Resident
from models.registry import households, life_events
from models.registry.residents import HEAD
from tests.dialog_script import DialogScript, cancel, ok

DAY = dt.date(2026, 11, 20)


def make_tab(qtbot, user):
    from ui.registry.tab import RegistryTab

    widget = RegistryTab(user)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    return widget


class Answers:
    """Every confirm() question gets self.answer (是 unless the test sets False); .asked lists
    the questions' texts in order."""

    def __init__(self, dialogs: DialogScript) -> None:
        self.dialogs = dialogs
        self.answer = True
        dialogs.always("confirm", lambda _asked: self.answer)

    @property
    def asked(self) -> list[str]:
        return self.dialogs.texts("confirm")


def patch_questions(dialogs: DialogScript) -> Answers:
    return Answers(dialogs)


def families(min_members: int = 3) -> list[Household]:
    """Open households with at least *min_members* current members, in id order."""
    return [
        h
        for h in Household.select()
        .where(Household.archived == False)  # noqa: E712
        .order_by(Household.id)
        if len(households.current_members(h.id)) >= min_members
    ]


def member(household_id: int, relation_not: str = HEAD) -> Resident:
    return next(m for m in households.current_members(household_id) if m.relation != relation_not)


def events_of(resident_id: int, kind: str) -> list[LifeEvent]:
    return list(
        LifeEvent.select()
        .where((LifeEvent.resident == resident_id) & (LifeEvent.kind == kind))
        .order_by(LifeEvent.id)
    )


def audit_rows(table: str, record_id: int, action: str = "update") -> list[AuditLog]:
    return list(
        AuditLog.select()
        .where(
            (AuditLog.table_name == table)
            & (AuditLog.record_id == str(record_id))
            & (AuditLog.action == action)
        )
        .order_by(AuditLog.id)
    )


def pick(number: str):
    """What the clerk does in the household picker: type a number, search, OK."""

    def act(picker) -> None:
        picker.query.setText(number)
        picker.run_search()
        assert picker.model.rowCount() >= 1
        ok(picker).click()

    return act


def button(dialog, name: str) -> QPushButton:
    found = dialog.findChild(QPushButton, name)
    assert found is not None, name
    return found


def archived_household(admin) -> Household:
    """A household closed because its only member moved out (the demo's small sample has none)."""
    single = next(
        h
        for h in Household.select()
        .where(Household.archived == False)  # noqa: E712
        .order_by(Household.id)
        if len(households.current_members(h.id)) == 1
    )
    person = households.current_members(single.id)[0]
    life_events.record_move_out(admin, person.id, dt.date(2026, 10, 1), "西安市", "务工")
    house = Household.get_by_id(single.id)
    assert house.archived
    return house


def moved_out() -> list[Resident]:
    return list(Resident.select().where(Resident.status == "moved_out").order_by(Resident.id))


def counts() -> tuple[int, ...]:
    return (
        Resident.select().count(),
        Household.select().count(),
        LifeEvent.select().count(),
        AuditLog.select().where(AuditLog.action != "view").count(),
    )


def cancel_dialog(dialog) -> None:
    """Cancel through the dialog's own button box, or reject one that has none."""
    box = cancel(dialog) if dialog.findChild(QDialogButtonBox) is not None else None
    if box is not None:
        box.click()
    else:
        dialog.reject()


def activate(qtbot, widget) -> None:
    """Shortcuts go to the active window; a closed modal dialog leaves none active offscreen."""
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=3000)
