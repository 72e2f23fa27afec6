"""ui.common.picker: one search-as-you-type dialog; the resident kind (the household kind is
driven in tests/test_registry_tab_dialogs.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QDialog

from models.core.entities import Resident
from ui.common.household_picker import HouseholdPicker
from ui.common.picker import SearchPicker
from ui.common.resident_picker import ResidentPicker


def _current() -> Resident:
    return Resident.select().where(Resident.status == "current").order_by(Resident.id).first()


def test_both_kinds_are_the_one_picker():
    assert issubclass(ResidentPicker, SearchPicker) and issubclass(HouseholdPicker, SearchPicker)


def test_residents_are_found_by_typing_and_an_empty_box_lists_nobody(qtbot, admin, demo_small):
    person = _current()
    picker = ResidentPicker(user=admin)
    qtbot.addWidget(picker)
    assert picker.windowTitle() == "选择居民" and picker.query.objectName() == "picker_query"
    picker.run_search()
    assert picker.model.rowCount() == 0 and picker.status.text() == ""
    picker.query.setText(person.name)
    qtbot.waitUntil(lambda: picker.model.rowCount() > 0)  # searched a moment after typing
    assert person.id in [picker.model.row_at(r).id for r in range(picker.model.rowCount())]
    assert picker.status.text().startswith("找到 ")
    picker.table.doubleClicked.emit(picker.model.index(0, 0))
    assert picker.result() == QDialog.DialogCode.Accepted
    assert picker.chosen is picker.chosen_rows[0] and picker.chosen.id == picker.model.row_at(0).id


def test_enter_in_the_resident_box_searches_and_takes_the_first_match(qtbot, admin, demo_small):
    person = _current()
    picker = ResidentPicker(user=admin)
    qtbot.addWidget(picker)
    picker.show()
    picker.query.setText(person.name[0])  # a surname: several people
    qtbot.keyClick(picker.query, Qt.Key.Key_Return)
    assert picker.result() == QDialog.DialogCode.Accepted
    assert picker.chosen is not None and picker.chosen.id == picker.model.row_at(0).id


def test_several_residents_may_be_taken_when_allowed(qtbot, admin, demo_small):
    picker = ResidentPicker(user=admin, multi=True, title="添加到签到名单")
    qtbot.addWidget(picker)
    assert picker.windowTitle() == "添加到签到名单"
    assert picker.table.selectionMode() == QAbstractItemView.SelectionMode.ExtendedSelection
    picker.query.setText(_current().name[0])
    picker.run_search()
    assert picker.model.rowCount() >= 2
    picker.table.selectAll()
    picker.buttons.button(picker.buttons.StandardButton.Ok).click()
    assert (
        len(picker.chosen_rows) == picker.model.rowCount()
        and picker.chosen is picker.chosen_rows[0]
    )
