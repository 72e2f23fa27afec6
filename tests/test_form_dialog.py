"""ui.common.form_dialog: a refusal is said under the form and keeps the dialog open with what
the clerk typed; a good form is saved and closes. Driven through real converted dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel

from models.core import users
from models.core.entities import AuditLog, User
from tests.conftest import PASSWORD
from ui.admin.password_dialog import ChangePasswordDialog
from ui.admin.users_dialog import NewUserDialog
from ui.common.form_dialog import FormDialog


def _shown(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _fill(dialog: NewUserDialog, password: str) -> None:
    dialog.username.setText("liuxm")
    dialog.display_name.setText("")
    dialog.display_name.insert("刘晓敏")  # QTest types ASCII only
    dialog.role.setCurrentIndex(dialog.role.findData("clerk"))
    dialog.password.setText(password)


def test_a_refused_form_stays_open_with_what_was_typed_then_saves(qtbot, admin):
    dialog = _shown(qtbot, NewUserDialog(admin))
    assert isinstance(dialog, FormDialog)
    assert dialog.findChild(QLabel, "error") is dialog.error  # what tests/dialog_script reads
    _fill(dialog, "short1")  # the service refuses a password under 8 characters
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert "至少需要8个字符" in dialog.error.text()
    assert (dialog.username.text(), dialog.display_name.text(), dialog.password.text()) == (
        "liuxm",
        "刘晓敏",
        "short1",
    )
    assert dialog.role.currentData() == "clerk"
    assert User.select().where(User.username == "liuxm").count() == 0
    # Corrected, the same dialog saves it.
    dialog.password.setText("pass1234")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    stored = User.get(User.username == "liuxm")
    assert (stored.display_name, stored.role, stored.active) == ("刘晓敏", "clerk", True)
    assert users.authenticate("liuxm", "pass1234").id == stored.id
    assert dialog.created is not None and dialog.created.id == stored.id
    assert (
        AuditLog.select()
        .where(
            AuditLog.action == "create",
            AuditLog.table_name == User._meta.table_name,
            AuditLog.record_id == str(stored.id),
        )
        .count()
        == 1
    )


def test_a_permission_refusal_is_said_in_the_form(qtbot, admin, clerk):
    dialog = _shown(qtbot, NewUserDialog(clerk))  # a clerk may not open accounts
    _fill(dialog, "pass1234")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter in a field is OK
    assert dialog.isVisible() and dialog.error.text()
    assert "程序内部出错" not in dialog.error.text()
    assert dialog.username.text() == "liuxm"
    assert User.select().where(User.username == "liuxm").count() == 0


def test_the_caret_starts_in_the_first_field_and_tab_ends_on_the_buttons(qtbot, admin):
    dialog = _shown(qtbot, NewUserDialog(admin))
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None)
    assert dialog.focusWidget() is dialog.username  # not OK, although it was made first
    chain, widget = [], dialog.username
    for _ in range(20):
        widget = widget.nextInFocusChain()
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isEnabled():
            chain.append(widget)
    assert chain[:5] == [
        dialog.display_name,
        dialog.role,
        dialog.password,
        dialog.ok_button,
        dialog.cancel_button,
    ]


def test_the_dialogs_own_check_names_the_field(qtbot, admin):
    dialog = _shown(qtbot, ChangePasswordDialog(admin))
    dialog.new.setText("newpass99")
    dialog.new2.setText("newpass99")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error.text() == "请输入原密码。"
    assert dialog.focusWidget() is dialog.old
    assert (dialog.new.text(), dialog.new2.text()) == ("newpass99", "newpass99")
    # A wrong old password counts toward the lock: said, and the old password cleared.
    dialog.old.setText("wrong-old-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "原密码" in dialog.error.text() and dialog.old.text() == ""
    assert dialog.new.text() == "newpass99"
    dialog.old.setText(PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert users.authenticate("admin", "newpass99").id == admin.id
