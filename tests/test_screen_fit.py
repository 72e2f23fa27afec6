"""Every window and dialog fits a 1366×768 office laptop screen (issue: a clerk's day).

The usable area is what a maximised window gets on Windows 10/11 at 100 % scaling: the
screen less the taskbar (40 px) and a title bar (about 31 px). A window whose minimum size is
larger cannot be made to fit and cuts off its bottom (status bar, buttons) instead.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from models.casework.entities import SUBSIDY
from models.core.entities import Household, Resident
from models.events.entities import Event

USABLE_WIDTH, USABLE_HEIGHT = 1366, 768 - 40 - 31


def _fits(widget: QWidget) -> None:
    widget.show()
    minimum = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    assert minimum.width() <= USABLE_WIDTH and minimum.height() <= USABLE_HEIGHT, (
        f"{type(widget).__name__} needs at least {minimum.width()}×{minimum.height()}"
    )
    size = widget.size()  # as it opens
    assert size.width() <= USABLE_WIDTH and size.height() <= USABLE_HEIGHT, (
        f"{type(widget).__name__} opens at {size.width()}×{size.height()}"
    )
    widget.close()


def test_the_main_window_fits_with_every_tab(qtbot, demo_small, admin):
    from ui.main_window import MainWindow

    window = MainWindow(admin)
    qtbot.addWidget(window)
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        _fits(window)


def _dialogs(user, officer):
    from ui.admin.audit_dialog import AuditDialog
    from ui.admin.settings_dialog import SettingsDialog
    from ui.admin.users_dialog import UsersDialog
    from ui.casework.birth_dialog import BirthRegistrationDialog
    from ui.casework.new_dialog import NewCaseDialog
    from ui.certificates.dialog import CertificateDialog
    from ui.events.dialog import EventDialog
    from ui.login_dialogs import FirstAdminDialog, LoginDialog
    from ui.monthly.report_dialog import ReportDialog
    from ui.registry.household import HouseholdDialog
    from ui.registry.import_dialog import ImportDialog
    from ui.registry.resident_form import ResidentForm

    person = Resident.select().where(Resident.status == "current").first()
    house = Household.select().first()
    yield lambda: LoginDialog("desk.sqlite3")
    yield lambda: FirstAdminDialog()
    yield lambda: ReportDialog(user)
    yield lambda: CertificateDialog(user)
    yield lambda: SettingsDialog(user)
    yield lambda: AuditDialog(user)
    yield lambda: UsersDialog(user)
    yield lambda: ImportDialog(user)
    yield lambda: ResidentForm(user, "edit", person.id)
    yield lambda: HouseholdDialog(user, house.id)
    yield lambda: NewCaseDialog(officer, SUBSIDY)
    yield lambda: BirthRegistrationDialog(officer)
    event = Event.select().first()
    if event is not None:
        yield lambda: EventDialog(user, event.id)


@pytest.mark.parametrize("index", range(13))
def test_each_dialog_fits(qtbot, demo_small, admin, officer, index):
    makers = list(_dialogs(admin, officer))
    if index >= len(makers):
        pytest.skip("no such dialog in this demo")
    dialog = makers[index]()
    qtbot.addWidget(dialog)
    _fits(dialog)


def test_new_event_template_names_are_not_clipped(qtbot, admin):
    from ui.events.new_dialog import NewEventDialog

    dialog = NewEventDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    names = dialog.templates
    longest = max(names.visualItemRect(names.item(i)).width() for i in range(names.count()))
    widest_text = max(
        names.fontMetrics().horizontalAdvance(names.item(i).text()) for i in range(names.count())
    )
    assert names.viewport().width() >= widest_text and longest >= widest_text
    assert names.horizontalScrollBar().maximum() == 0  # nothing to scroll to
