"""Signing in by keyboard alone: where the caret starts, Tab, Enter, Esc.

Keys go to whichever widget has the focus (QApplication.focusWidget()), as they do for a
clerk, so a wrong tab order or a lost default button fails these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from models.core import clock, users
from models.core.entities import AuditLog, User
from models.core.permissions import Role
from tests.conftest import PASSWORD
from ui.app import sign_in
from ui.login_dialogs import FirstAdminDialog, LoginDialog

Accepted = QDialog.DialogCode.Accepted


def _show(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    return dialog


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _type(qtbot, text: str) -> None:
    qtbot.keyClicks(_focus(), text)


def _press(qtbot, key: Qt.Key) -> None:
    qtbot.keyClick(_focus(), key)


def _audit(action: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id))


def _tab_chain(qtbot, steps: int) -> list[QWidget]:
    seen = []
    for _ in range(steps):
        _press(qtbot, Qt.Key.Key_Tab)
        seen.append(_focus())
    return seen


def _answer_quit_question(dialogs, answer: str, asked: list[tuple]) -> None:
    """Expect the 退出社区工作台？ box and note what it offers; 返回 (the default) is answered
    with Enter, 退出 with its button."""

    def act(box: QMessageBox) -> None:
        buttons = {b.text(): b for b in box.buttons()}
        asked.append((box.text(), sorted(buttons), box.defaultButton().text()))
        if answer == box.defaultButton().text():
            QTest.keyClick(box, Qt.Key.Key_Return)  # by keyboard: Enter answers the default
        else:
            buttons[answer].click()

    dialogs.on(QMessageBox, act)


# --- the sign-in dialog -------------------------------------------------------------------


def test_sign_in_by_keyboard_with_no_remembered_user(qtbot, clerk):
    dialog = _show(qtbot, LoginDialog("desk.sqlite3"))
    assert _focus() is dialog.username  # not the 登录 button
    _type(qtbot, "clerk")
    _press(qtbot, Qt.Key.Key_Tab)
    assert _focus() is dialog.password
    _type(qtbot, PASSWORD)
    _press(qtbot, Qt.Key.Key_Return)
    assert dialog.result() == Accepted and not dialog.isVisible()
    assert dialog.user is not None and dialog.user.username == "clerk"
    [row] = _audit("login")
    assert (row.username, row.table_name, row.record_id) == ("clerk", "user", str(clerk.id))
    assert User.get_by_id(clerk.id).last_login_at == clock.now()
    assert _audit("login_failed") == []
    assert QSettings().value("login/last_username", "", str) == "clerk"


def test_remembered_user_starts_in_the_password_field(qtbot, clerk):
    QSettings().setValue("login/last_username", "clerk")
    dialog = _show(qtbot, LoginDialog("desk.sqlite3"))
    assert dialog.username.text() == "clerk"
    assert _focus() is dialog.password
    _type(qtbot, PASSWORD)
    _press(qtbot, Qt.Key.Key_Return)
    assert dialog.result() == Accepted and dialog.user.username == "clerk"
    assert [r.username for r in _audit("login")] == ["clerk"]


def test_tab_order_is_fields_then_login_then_cancel(qtbot, clerk):
    dialog = _show(qtbot, LoginDialog("desk.sqlite3"))
    ok, cancel = dialog.ok_button, dialog.cancel_button
    assert ok.text() == "登录" and cancel.text() == "取消" and ok.isDefault()
    assert _tab_chain(qtbot, 4) == [dialog.password, ok, cancel, dialog.username]
    # Passing over the buttons leaves 登录 the default: Enter in a field still signs in.
    assert ok.isDefault() and not cancel.isDefault()


def test_enter_after_clicking_into_the_fields_signs_in(qtbot, clerk):
    dialog = _show(qtbot, LoginDialog("desk.sqlite3"))
    qtbot.mouseClick(dialog.username, Qt.MouseButton.LeftButton)
    _type(qtbot, "clerk")
    qtbot.mouseClick(dialog.password, Qt.MouseButton.LeftButton)
    assert _focus() is dialog.password
    _type(qtbot, PASSWORD)
    _press(qtbot, Qt.Key.Key_Enter)  # the keypad's Enter too
    assert dialog.result() == Accepted and dialog.user.username == "clerk"
    assert len(_audit("login")) == 1


def test_wrong_password_keeps_the_caret_in_the_password_field(qtbot, clerk):
    dialog = _show(qtbot, LoginDialog("desk.sqlite3"))
    _type(qtbot, "clerk")
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "wrong-one1")
    _press(qtbot, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() != Accepted and dialog.user is None
    assert _focus() is dialog.password
    assert dialog.password.selectionStart() == 0
    assert dialog.password.selectionLength() == len("wrong-one1")
    assert dialog.error.isVisible()
    assert dialog.error.text() == users.WRONG_CREDENTIALS  # the same words as an unknown name
    assert [r.note for r in _audit("login_failed")] == ["密码错误（第1次）"]
    assert _audit("login") == []
    # Typing replaces the selected wrong password; Enter then signs in.
    _type(qtbot, PASSWORD)
    assert dialog.password.text() == PASSWORD
    _press(qtbot, Qt.Key.Key_Return)
    assert dialog.result() == Accepted and dialog.user.username == "clerk"
    assert len(_audit("login")) == 1


def test_enter_with_an_empty_field_moves_there_and_counts_no_failure(qtbot, clerk):
    dialog = _show(qtbot, LoginDialog("desk.sqlite3"))
    _press(qtbot, Qt.Key.Key_Return)
    assert "请输入用户名" in dialog.error.text() and _focus() is dialog.username
    _type(qtbot, "clerk")
    _press(qtbot, Qt.Key.Key_Return)  # Enter after the name goes on to the password
    assert "请输入密码" in dialog.error.text() and _focus() is dialog.password
    assert dialog.isVisible() and _audit("login_failed") == []
    assert User.get_by_id(clerk.id).failed_attempts == 0


def test_a_locked_account_clears_the_password(qtbot, clerk):
    dialog = _show(qtbot, LoginDialog("desk.sqlite3"))
    _type(qtbot, "clerk")
    _press(qtbot, Qt.Key.Key_Tab)
    for _ in range(users.MAX_FAILED_ATTEMPTS):
        _type(qtbot, "wrong-one1")  # replaces the previous, selected attempt
        _press(qtbot, Qt.Key.Key_Return)
    assert "已锁定" in dialog.error.text()
    assert dialog.password.text() == "" and _focus() is dialog.password
    assert len(_audit("login_failed")) == users.MAX_FAILED_ATTEMPTS


def test_esc_asks_and_back_keeps_the_dialog_open(qtbot, clerk, dialogs):
    dialog = _show(qtbot, LoginDialog("desk.sqlite3"))
    _type(qtbot, "clerk")
    asked = []
    _answer_quit_question(dialogs, "返回", asked)
    _press(qtbot, Qt.Key.Key_Escape)
    dialogs.check("QMessageBox")
    assert asked == [("退出社区工作台？", sorted(["退出", "返回"]), "返回")]
    assert dialog.isVisible() and dialog.result() != Accepted
    assert dialog.username.text() == "clerk"
    # Back in the dialog (offscreen, nothing hands the activation back: do it here), the
    # caret is where it was and signing in goes on.
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    assert _focus() is dialog.username
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, PASSWORD)
    _press(qtbot, Qt.Key.Key_Return)
    assert dialog.result() == Accepted and len(_audit("login")) == 1


def test_cancel_by_keyboard_asks_and_quit_ends_the_sign_in(qtbot, clerk, dialogs):
    dialog = _show(qtbot, LoginDialog("desk.sqlite3"))
    assert _tab_chain(qtbot, 3)[-1] is dialog.cancel_button
    asked = []
    _answer_quit_question(dialogs, "退出", asked)
    _press(qtbot, Qt.Key.Key_Return)  # Return on the focused 取消
    dialogs.check("QMessageBox")
    assert [a[0] for a in asked] == ["退出社区工作台？"]
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.user is None and _audit("login") == []


def test_closing_from_code_does_not_ask(qtbot, clerk):
    """Start-up code and test teardown close the dialog without a question box."""
    dialog = _show(qtbot, LoginDialog("desk.sqlite3"))
    dialog.close()
    assert not dialog.isVisible()
    dialog = _show(qtbot, LoginDialog("desk.sqlite3"))
    dialog.reject()
    assert not dialog.isVisible()


def test_sign_in_through_the_start_up_path(qtbot, clerk, dialogs):

    def act(dialog: LoginDialog) -> None:
        qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
        assert _focus() is dialog.username
        _type(qtbot, "clerk")
        _press(qtbot, Qt.Key.Key_Tab)
        _type(qtbot, PASSWORD)
        _press(qtbot, Qt.Key.Key_Return)

    dialogs.on(LoginDialog, act)
    user = sign_in()
    dialogs.check("LoginDialog")
    assert user is not None and user.username == "clerk"
    assert [r.username for r in _audit("login")] == ["clerk"]


# --- the first start's administrator --------------------------------------------------------


def test_first_admin_by_keyboard(qtbot, db):
    dialog = _show(qtbot, FirstAdminDialog())
    assert dialog.ok_button.text() == "创建" and dialog.ok_button.isDefault()
    assert dialog.username.text() == "admin"
    assert _focus() is dialog.display_name  # the first empty field
    dialog.display_name.insert("张明")  # QTest types ASCII only; an IME commits text like this
    _press(qtbot, Qt.Key.Key_Tab)
    assert _focus() is dialog.password
    _type(qtbot, "abc12345")
    _press(qtbot, Qt.Key.Key_Tab)
    assert _focus() is dialog.password2
    _type(qtbot, "abc12399")
    _press(qtbot, Qt.Key.Key_Return)
    assert "不一致" in dialog.error.text() and dialog.isVisible()
    assert _focus() is dialog.password2 and dialog.password2.selectionLength() == 8
    assert User.select().count() == 0
    _type(qtbot, "abc12345")
    _press(qtbot, Qt.Key.Key_Return)
    assert dialog.result() == Accepted and not dialog.isVisible()
    user = User.get(User.username == "admin")
    assert user.role == Role.ADMIN.value and user.display_name == "张明"
    assert dialog.user is not None and dialog.user.id == user.id
    [row] = AuditLog.select().where((AuditLog.table_name == "user") & (AuditLog.action == "create"))
    assert (row.username, row.record_id, row.note) == ("system", str(user.id), "初始管理员")
    assert not users.needs_first_admin()


def test_first_admin_tab_order_and_weak_password(qtbot, db):
    dialog = _show(qtbot, FirstAdminDialog())
    ok, cancel = dialog.ok_button, dialog.cancel_button
    chain = _tab_chain(qtbot, 6)
    assert chain == [
        dialog.password,
        dialog.password2,
        ok,
        cancel,
        dialog.username,
        dialog.display_name,
    ]
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "12345678")
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "12345678")
    _press(qtbot, Qt.Key.Key_Return)
    assert "字母和数字" in dialog.error.text() and _focus() is dialog.password
    assert dialog.password.selectionLength() == 8 and User.select().count() == 0


def test_first_admin_esc_asks_and_back_keeps_it_open(qtbot, db, dialogs):
    dialog = _show(qtbot, FirstAdminDialog())
    asked = []
    _answer_quit_question(dialogs, "返回", asked)
    _press(qtbot, Qt.Key.Key_Escape)
    dialogs.check("QMessageBox")
    assert [a[0] for a in asked] == ["退出社区工作台？"]
    assert dialog.isVisible() and User.select().count() == 0


def test_first_admin_through_the_start_up_path(qtbot, db, dialogs):
    assert users.needs_first_admin()

    def act(dialog: FirstAdminDialog) -> None:
        qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
        assert _focus() is dialog.display_name
        _press(qtbot, Qt.Key.Key_Tab)
        _type(qtbot, "abc12345")
        _press(qtbot, Qt.Key.Key_Tab)
        _type(qtbot, "abc12345")
        _press(qtbot, Qt.Key.Key_Return)

    dialogs.on(FirstAdminDialog, act)
    user = sign_in()
    dialogs.check("FirstAdminDialog")
    assert user is not None and user.username == "admin"
    stored = User.get(User.username == "admin")
    assert stored.role == Role.ADMIN.value and stored.display_name == "admin"
    assert users.authenticate("admin", "abc12345", clock.now() + dt.timedelta(minutes=1))


class _WindowSystemClose(QCloseEvent):
    """The close event the window's close button sends (spontaneous: from the window system;
    the offscreen platform cannot send one, and a close() from code is not one)."""

    def spontaneous(self) -> bool:
        return True


@pytest.mark.parametrize("answer", ["返回", "退出"])
def test_the_window_close_button_asks(qtbot, db, answer, dialogs):
    dialog = _show(qtbot, FirstAdminDialog())
    asked = []
    _answer_quit_question(dialogs, answer, asked)
    event = _WindowSystemClose()
    dialog.closeEvent(event)
    dialogs.check("QMessageBox")
    assert [a[0] for a in asked] == ["退出社区工作台？"]
    assert event.isAccepted() == (answer == "退出")
    assert dialog.isVisible() == (answer == "返回")
    assert User.select().count() == 0
