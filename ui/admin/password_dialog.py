"""A signed-in user changes their own password."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from models.core import users
from models.core.entities import User
from ui.common.form_dialog import FormDialog, Invalid


class ChangePasswordDialog(FormDialog):
    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("修改密码"))
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.new2 = QLineEdit()
        for edit in (self.old, self.new, self.new2):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("原密码："), self.old)
        self.form.addRow(self.tr("新密码："), self.new)
        self.form.addRow(self.tr("再次输入新密码："), self.new2)

    def save(self) -> None:
        # An empty field is a slip of the Enter key: said, and not counted as a wrong password.
        if not self.old.text():
            raise Invalid(self.tr("请输入原密码。"), self.old)
        if self.new.text() != self.new2.text():
            raise Invalid(self.tr("两次输入的新密码不一致。"))
        try:
            users.change_own_password(self.user, self.old.text(), self.new.text())
        except users.UserError as exc:
            # A wrong old password counts toward the lock (models.core.users): say so, and clear it.
            if "原密码" in str(exc) or "锁定" in str(exc):
                self.old.clear()
                raise Invalid(str(exc), self.old) from exc
            raise
