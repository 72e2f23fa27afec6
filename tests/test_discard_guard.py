"""Esc on a filled form asks before discarding; an untouched form closes at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

import ui.discard_guard
from models.entities import User
from ui.users_dialog import NewUserDialog


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


def test_the_real_question_box_defaults_to_keeping_the_form(qtbot, admin, monkeypatch):
    monkeypatch.setattr(ui.discard_guard, "ask_discard", ui.discard_guard.__dict__["_real_ask"])
    dialog = _open(qtbot, admin)
    qtbot.keyClicks(dialog.username, "liuxm")
    seen: list[str] = []

    def answer_with_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Return)  # the default button: 继续填写

    QTimer.singleShot(50, answer_with_enter)
    dialog.reject()
    assert seen and "尚未保存" in seen[0]
    assert dialog.isVisible() and dialog.username.text() == "liuxm"
