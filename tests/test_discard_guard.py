"""Esc on a filled form asks before discarding; an untouched form closes at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

import ui.common.discard_guard
from models.core.entities import User
from ui.admin.users_dialog import NewUserDialog


def _open(qtbot, admin) -> NewUserDialog:
    dialog = NewUserDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_esc_on_an_untouched_form_closes_without_asking(qtbot, admin, discard_answers):
    dialog = _open(qtbot, admin)
    qtbot.keyClick(dialog.username, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and discard_answers.asked == []


def test_esc_on_a_filled_form_asks_and_keeping_keeps_everything(qtbot, admin, discard_answers):
    dialog = _open(qtbot, admin)
    qtbot.keyClicks(dialog.username, "liuxm")
    dialog.display_name.insert("刘晓敏")  # QTest types ASCII only
    discard_answers.answers.append(False)  # 继续填写
    qtbot.keyClick(dialog.display_name, Qt.Key.Key_Escape)
    assert discard_answers.asked == [False]
    assert dialog.isVisible() and dialog.username.text() == "liuxm"
    # Finishing the form still saves it.
    qtbot.keyClicks(dialog.password, "pass1234")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert User.get(User.username == "liuxm").display_name == "刘晓敏"


def test_discarding_closes_and_writes_nothing(qtbot, admin, discard_answers):
    dialog = _open(qtbot, admin)
    qtbot.keyClicks(dialog.username, "liuxm")
    dialog.close()  # the window's close button ends in reject() too
    assert discard_answers.asked == [True] and not dialog.isVisible()
    assert User.select().where(User.username == "liuxm").count() == 0


def test_the_real_question_box_defaults_to_keeping_the_form(qtbot, admin, monkeypatch, dialogs):
    monkeypatch.setattr(
        ui.common.discard_guard, "ask_discard", ui.common.discard_guard.__dict__["_real_ask"]
    )
    dialog = _open(qtbot, admin)
    qtbot.keyClicks(dialog.username, "liuxm")
    seen: list[str] = []

    def answer_with_enter(box: QMessageBox) -> None:
        seen.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Return)  # the default button: 继续填写

    dialogs.on(QMessageBox, answer_with_enter)
    dialog.reject()
    assert seen and "尚未保存" in seen[0]
    assert dialog.isVisible() and dialog.username.text() == "liuxm"
    dialog.username.clear()  # untouched again: closing it at the end asks nothing


# -- the registry's forms ----------------------------------------------------------------------


def _shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_esc_on_a_filled_resident_form_asks_and_no_keeps_the_text(
    qtbot, admin, demo_small, discard_answers
):
    from models.core.entities import Household, Resident
    from ui.registry.resident_form import ResidentForm

    house = Household.select().where(Household.archived == False).first()  # noqa: E712
    people = Resident.select().count()
    form = _shown(qtbot, ResidentForm(admin, "move_in", household_id=house.id))
    form.name.insert("周晓燕")
    form.from_place.insert("陕西省宝鸡市")
    discard_answers.answers.append(False)  # 否: keep filling in
    qtbot.keyClick(form.name, Qt.Key.Key_Escape)
    assert discard_answers.asked == [False]
    assert form.isVisible() and form.name.text() == "周晓燕"
    assert form.from_place.text() == "陕西省宝鸡市"
    # 取消 asks again; discarding closes and saves nothing.
    form.buttons.button(form.buttons.StandardButton.Cancel).click()
    assert discard_answers.asked == [False, True] and not form.isVisible()
    assert Resident.select().count() == people


def test_an_untouched_resident_form_closes_without_asking(
    qtbot, admin, demo_small, discard_answers
):
    from models.core.entities import Resident
    from ui.registry.resident_form import ResidentForm

    person = Resident.select().where(Resident.status == "current").first()
    for mode in ("edit", "correct"):
        form = _shown(qtbot, ResidentForm(admin, mode, person.id))
        qtbot.keyClick(form.name, Qt.Key.Key_Escape)
        assert not form.isVisible()
    assert discard_answers.asked == []
    # A reason typed into the correction form counts as input.
    form = _shown(qtbot, ResidentForm(admin, "correct", person.id))
    form.reason.insert("姓名录入错误")
    discard_answers.answers.append(False)
    form.close()
    assert discard_answers.asked == [False] and form.isVisible()


def test_household_dialog_asks_only_about_an_unsaved_address(
    qtbot, admin, demo_small, discard_answers
):
    from models.core.entities import Household
    from ui.registry.household import HouseholdDialog

    house = Household.select().where(Household.archived == False).first()  # noqa: E712
    dialog = _shown(qtbot, HouseholdDialog(admin, house.id))
    dialog.show_former.setChecked(True)  # a view option, not input
    qtbot.keyClick(dialog.members, Qt.Key.Key_Escape)
    assert discard_answers.asked == [] and not dialog.isVisible()

    dialog = _shown(qtbot, HouseholdDialog(admin, house.id))
    dialog.notes.setText("门口有坡道")
    discard_answers.answers.append(False)
    dialog.findChild(QPushButton, "close").click()
    assert discard_answers.asked == [False] and dialog.isVisible()
    assert dialog.notes.text() == "门口有坡道"
    dialog.save()  # saved: closing no longer asks
    assert Household.get_by_id(house.id).notes == "门口有坡道"
    dialog.findChild(QPushButton, "close").click()
    assert discard_answers.asked == [False] and not dialog.isVisible() and dialog.changed
