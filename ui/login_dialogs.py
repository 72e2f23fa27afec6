"""Sign-in, and the first start's administrator account."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from models import users
from models.entities import User


class _FormDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        # Enter in any field signs in / submits.
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.user: User | None = None

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _submit(self) -> None:
        """Subclasses check the input and accept() only when it is good."""
        self.accept()


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
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登录"))
        self.setMinimumWidth(380)
        # The same clerk signs in on the same PC day after day: offer the last name used.
        last = QSettings().value("login/last_username", "", str)
        if last:
            self.username.setText(last)
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _submit(self) -> None:
        try:
            self.user = users.authenticate(self.username.text(), self.password.text())
        except users.AuthError as exc:
            self.password.clear()
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)
            self.show_error(str(exc))
            return
        QSettings().setValue("login/last_username", self.user.username)
        self.accept()


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
        self.setMinimumWidth(420)

    def _submit(self) -> None:
        if self.password.text() != self.password2.text():
            self.show_error(self.tr("两次输入的密码不一致。"))
            return
        try:
            self.user = users.create_first_admin(
                self.username.text(), self.display_name.text(), self.password.text()
            )
        except users.UserError as exc:
            self.show_error(str(exc))
            return
        self.accept()
