"""Sign-in, and the first start's administrator account.

Both dialogs are worked by keyboard: the caret starts in the first empty field, Enter in any
field submits (登录 / 创建 is the dialog's default button), Tab runs through the fields, then
the default button, then 取消. Cancelling either dialog ends the program, so 取消, Esc and the
window's close button ask first; a reject() from code (start-up, tests) does not ask.
"""

from __future__ import annotations

from itertools import pairwise
from typing import cast

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QWidget

from models.core import users
from models.core.entities import User
from ui.common.dialogs import run_modal
from ui.common.form_dialog import FormDialog, Invalid


def ask_quit(parent: QWidget) -> bool:
    """True when the clerk confirms leaving the program from a sign-in dialog."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        parent.tr("社区工作台"),
        parent.tr("退出社区工作台？"),
        parent=parent,
    )
    box.setObjectName("quit_question")
    leave = box.addButton(parent.tr("退出"), QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton(parent.tr("返回"), QMessageBox.ButtonRole.RejectRole)
    leave.setObjectName("quit")
    back.setObjectName("back")
    # A stray Esc or Enter must not end the program: both go back to the sign-in.
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    run_modal(box)  # and freed
    return box.clickedButton() is leave


class _FormDialog(FormDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.error.hide()  # until there is something to say
        self.cancel_button.setText(self.tr("取消"))
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        assert self.main_layout is not None  # FormDialog arranged form, error line and buttons
        self.main_layout.insertWidget(0, self.intro)
        # Enter in any field submits. Only once the button is inside the dialog does QDialog
        # take it as its default: set earlier, the default was lost as soon as the focus left
        # the button, and Enter in a field did nothing.
        self.ok_button.setDefault(True)
        self.user: User | None = None
        self._focused_once = False

    def fields(self) -> list[QLineEdit]:
        """The input fields, in the order Tab visits them."""
        return []

    def _set_tab_order(self) -> None:
        """Fields, then the default button, then 取消 (the buttons were made first, so by
        default they came first in the chain)."""
        chain: list[QWidget] = [*self.fields(), self.ok_button, self.cancel_button]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _focus_field(self, field: QLineEdit, select: bool = False) -> None:
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        if select:
            field.selectAll()

    def first_empty_field(self) -> QLineEdit | None:
        return next((f for f in self.fields() if not f.text()), None)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._focused_once:
            self._focused_once = True
            fields = self.fields()
            target = self.first_empty_field() or (fields[-1] if fields else None)
            if target is not None:
                self._focus_field(target, select=True)

    # Leaving: 取消, Esc and the window's close button all quit the program, so ask.

    def cancel(self) -> None:
        if ask_quit(self):
            self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            event.accept()
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if event.spontaneous() and self.isVisible() and not ask_quit(self):
            event.ignore()  # the window's close button, answered 返回
            return
        super().closeEvent(event)


class LoginDialog(_FormDialog):
    def __init__(self, db_label: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("登录 - 社区工作台"))
        self.intro.setText(self.tr("请输入用户名和密码。\n数据库：%1").replace("%1", db_label))
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("用户名(&U)："), self.username)
        self.form.addRow(self.tr("密码(&P)："), self.password)
        self.ok_button.setText(self.tr("登录"))
        self.setMinimumWidth(380)
        self._set_tab_order()
        # The same clerk signs in on the same PC day after day: offer the last name used.
        # value() is typed object; with type=str and a str default it gives a str.
        last = cast(str, QSettings().value("login/last_username", "", str))
        if last:
            self.username.setText(last)

    def fields(self) -> list[QLineEdit]:
        return [self.username, self.password]

    def save(self) -> None:
        # An empty field is a slip of the Enter key, not a wrong password: say which field is
        # missing and put the caret there, without counting a failed attempt.
        if not self.username.text().strip():
            raise Invalid(self.tr("请输入用户名。"), self.username)
        if not self.password.text():
            raise Invalid(self.tr("请输入密码。"), self.password)
        try:
            self.user = users.authenticate(self.username.text(), self.password.text())
        except users.AuthError as exc:
            locked = "已锁定" in str(exc)
            if locked:
                # Locked: what was typed is of no use for the next minutes.
                self.password.clear()
            # Else typing replaces the wrong password; the dots show how long it was.
            raise Invalid(str(exc), self.password, select=not locked) from exc
        QSettings().setValue("login/last_username", self.user.username)


class FirstAdminDialog(_FormDialog):
    """Shown once, on an empty database: the administrator's account."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("首次使用 - 创建管理员账户"))
        self.intro.setText(
            self.tr(
                "这是一个新的数据库。请先创建系统管理员账户，之后由管理员为其他工作人员开设账户。\n"
                "密码至少8位，须包含字母和数字。"
            )
        )
        self.username = QLineEdit("admin")
        self.username.setObjectName("username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("display_name")
        self.display_name.setPlaceholderText(self.tr("例如：张明"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setObjectName("password2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("用户名："), self.username)
        self.form.addRow(self.tr("姓名："), self.display_name)
        self.form.addRow(self.tr("密码："), self.password)
        self.form.addRow(self.tr("再次输入密码："), self.password2)
        self.ok_button.setText(self.tr("创建"))
        self.setMinimumWidth(420)
        self._set_tab_order()

    def fields(self) -> list[QLineEdit]:
        return [self.username, self.display_name, self.password, self.password2]

    def save(self) -> None:
        if not self.password.text():
            raise Invalid(self.tr("请输入密码。"), self.password)
        if self.password.text() != self.password2.text():
            raise Invalid(self.tr("两次输入的密码不一致。"), self.password2, select=True)
        try:
            self.user = users.create_first_admin(
                self.username.text(), self.display_name.text(), self.password.text()
            )
        except users.UserError as exc:
            # A username refused, or a password too weak: the caret goes to the one at fault.
            field = self.username if str(exc).startswith("用户名") else self.password
            raise Invalid(str(exc), field, select=True) from exc
