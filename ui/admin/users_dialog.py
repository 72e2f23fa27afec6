"""The administrator's user management: add, change role, reset password, disable, unlock."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from models.core import users
from models.core.entities import User, now
from models.core.permissions import ROLE_NAMES
from ui.common.dialogs import ask_item, ask_text, confirm, inform, run_modal, warn
from ui.common.discard_guard import DiscardGuard
from ui.common.form_dialog import FormDialog
from ui.common.table_model import Column, RowsTableModel


def _state(user: User) -> str:
    if not user.active:
        return "已停用"
    if user.locked_until and user.locked_until > now():
        return f"锁定至 {user.locked_until:%H:%M}"
    return "正常"


class NewUserDialog(DiscardGuard, FormDialog):
    errors = (PermissionError,)

    def __init__(self, actor: User, parent=None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.created: User | None = None
        self.setWindowTitle(self.tr("新建用户"))
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("display_name")
        self.role = QComboBox()
        self.role.setObjectName("role")
        for code, label in ROLE_NAMES.items():
            self.role.addItem(label, code)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("用户名："), self.username)
        self.form.addRow(self.tr("姓名："), self.display_name)
        self.form.addRow(self.tr("角色："), self.role)
        self.form.addRow(self.tr("初始密码："), self.password)

    def save(self) -> None:
        self.created = users.create_user(
            self.actor,
            self.username.text(),
            self.display_name.text(),
            self.role.currentData(),
            self.password.text(),
        )


class UsersDialog(QDialog):
    def __init__(self, actor: User, parent=None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.setWindowTitle(self.tr("用户管理"))
        self.resize(720, 420)
        self.model = RowsTableModel(
            [
                Column(self.tr("用户名"), lambda u: u.username),
                Column(self.tr("姓名"), lambda u: u.display_name),
                Column(self.tr("角色"), lambda u: ROLE_NAMES.get(u.role, u.role)),
                Column(self.tr("状态"), _state),
                Column(self.tr("上次登录"), lambda u: u.last_login_at or ""),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        buttons = QHBoxLayout()
        for text, slot in [
            (self.tr("新建用户(&N)…"), self.add_user),
            (self.tr("更改角色(&R)…"), self.change_role),
            (self.tr("重置密码(&P)…"), self.reset_password),
            (self.tr("解锁(&U)"), self.unlock),
            (self.tr("停用/启用(&D)"), self.toggle_active),
        ]:
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        keep = self.model.row_at(rows[0].row()).id if rows else None
        self.model.set_rows(users.list_users())
        self.table.resizeColumnsToContents()
        for row in range(self.model.rowCount()):  # the same user stays selected
            if self.model.row_at(row).id == keep:
                self.table.selectRow(row)

    def selected(self) -> User | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            inform(self, self.windowTitle(), self.tr("请先选择一个用户。"))
            return None
        return self.model.row_at(rows[0].row())

    def _run(self, action) -> None:
        try:
            action()
        except (users.UserError, PermissionError) as exc:
            warn(self, self.windowTitle(), str(exc))
        self.refresh()

    def add_user(self) -> None:
        dialog = NewUserDialog(self.actor, self)
        if run_modal(dialog):
            self.refresh()

    def change_role(self) -> None:
        user = self.selected()
        if user is None:
            return
        labels = list(ROLE_NAMES.values())
        current = labels.index(ROLE_NAMES.get(user.role, labels[0]))
        label = ask_item(
            self,
            self.tr("更改角色"),
            self.tr("%1 的角色：").replace("%1", user.display_name),
            labels,
            current,
        )
        if label is not None:
            code = next(c for c, n in ROLE_NAMES.items() if n == label)
            self._run(lambda: users.set_role(self.actor, user, code))

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        password = ask_text(
            self,
            self.tr("重置密码"),
            self.tr("为 %1 设置新密码（至少8位，含字母和数字）：").replace("%1", user.display_name),
            password=True,
        )
        if password is not None:
            self._run(lambda p=password: users.reset_password(self.actor, user, p))

    def unlock(self) -> None:
        user = self.selected()
        if user is not None:
            self._run(lambda: users.unlock(self.actor, user))

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        if user.active:
            title = self.tr("停用用户")
            text = self.tr("停用后 %1 将不能登录，其记录和操作日志全部保留。确定停用吗？")
        else:
            title = self.tr("启用用户")
            text = self.tr("启用后 %1 可以再次以原角色登录。确定启用吗？")
        if not confirm(self, title, text.replace("%1", user.display_name), default_no=False):
            return
        self._run(lambda: users.set_active(self.actor, user, not user.active))
