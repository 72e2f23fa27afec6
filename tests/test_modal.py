"""ui.common.dialogs: run_modal frees the dialog; the test script answers every modal and
fails a test on one it did not script (tests/dialog_script.py)."""

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from tests.dialog_script import DialogScript, UnscriptedModal
from ui.common import dialogs as seam
from ui.common.dialogs import ask_item, ask_text, confirm, open_file, run_modal, save_file, warn


def test_a_modal_dialog_is_freed_after_use(qtbot, dialogs):
    dialogs.real()  # the real exec(): answered by a timer here, never elsewhere
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = QDialog(parent)
    destroyed = []
    dialog.destroyed.connect(lambda *_: destroyed.append(True))
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().accept())
    assert run_modal(dialog) == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: destroyed == [True], timeout=5000)
    assert parent.findChildren(QDialog) == []


def test_a_scripted_dialog_is_acted_on_and_freed(qtbot, dialogs):
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = QDialog(parent)
    dialog.setWindowTitle("选择")
    seen = []
    dialogs.on(QDialog, lambda d: (seen.append(d.isVisible()), d.accept()))
    assert run_modal(dialog) == QDialog.DialogCode.Accepted
    assert seen == [True] and dialogs.shown == [("QDialog", "选择", "")]
    qtbot.waitUntil(lambda: parent.findChildren(QDialog) == [], timeout=5000)


def test_answers_come_in_order_and_are_typed(tmp_path, dialogs):
    dialogs.answer("confirm", True, False)
    dialogs.answer("save_file", str(tmp_path / "a.pdf"))
    dialogs.answer("open_file", None)
    dialogs.answer("ask_text", "", None)
    dialogs.answer("ask_item", "乙")
    dialogs.allow("warn")
    assert confirm(None, "标题", "第一问") is True
    assert confirm(None, "标题", "第二问") is False
    assert save_file(None, "保存", "x.pdf") == tmp_path / "a.pdf"
    assert open_file(None, "打开") is None
    assert ask_text(None, "说明", "原因：") == "" and ask_text(None, "说明", "原因：") is None
    assert ask_item(None, "月份", "月份：", ["甲", "乙"]) == "乙"
    warn(None, "注意", "出错了")
    assert dialogs.texts("confirm") == ["第一问", "第二问"]
    assert dialogs.said("warn") == ["出错了"]


def test_an_unscripted_modal_fails_instead_of_hanging():
    script = DialogScript()
    previous = seam.install_script(script)
    try:
        with pytest.raises(UnscriptedModal, match="confirm"):
            confirm(None, "退出", "确定退出吗？")
        with pytest.raises(UnscriptedModal, match="QMessageBox"):
            run_modal(QMessageBox(QMessageBox.Icon.Question, "问", "要继续吗？"))
    finally:
        seam.install_script(previous)
    assert len(script.problems) == 2  # the fixture fails the test at teardown as well


def test_what_was_scripted_but_never_asked_is_reported():
    script = DialogScript().answer("confirm", True).on(QDialog, lambda d: d.accept())
    assert script.leftovers() == [
        "scripted answers never asked for: confirm [True]",
        "scripted dialog never came up: QDialog",
    ]


def test_a_dialog_left_open_is_closed_and_reported():
    script = DialogScript().on(QDialog, lambda d: None)
    previous = seam.install_script(script)
    try:
        assert run_modal(QDialog()) == QDialog.DialogCode.Rejected
    finally:
        seam.install_script(previous)
    assert script.problems == ["QDialog was left open (error label: '')"]
