"""A signed-in user changes their own password."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from models.core import users
from models.core.entities import User


class ChangePasswordDialog(QDialog):
    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("修改密码"))
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.new2 = QLineEdit()
        for edit in (self.old, self.new, self.new2):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("原密码："), self.old)
        form.addRow(self.tr("新密码："), self.new)
        form.addRow(self.tr("再次输入新密码："), self.new2)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _submit(self) -> None:
        # An empty field is a slip of the Enter key: said, and not counted as a wrong password.
        if not self.old.text():
            self.error.setText(self.tr("请输入原密码。"))
            self.old.setFocus()
            return
        if self.new.text() != self.new2.text():
            self.error.setText(self.tr("两次输入的新密码不一致。"))
            return
        try:
            users.change_own_password(self.user, self.old.text(), self.new.text())
        except users.UserError as exc:
            # A wrong old password counts toward the lock (models.core.users): say so, and clear it.
            self.error.setText(str(exc))
            if "原密码" in str(exc) or "锁定" in str(exc):
                self.old.clear()
                self.old.setFocus()
            return
        self.accept()
