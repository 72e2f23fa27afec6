"""用户管理: disabling and enabling both ask, and the list keeps its order and selection."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from models.core.entities import AuditLog, User
from ui.admin.users_dialog import UsersDialog


def _button(dialog, text):
    return next(b for b in dialog.findChildren(QPushButton) if b.text().startswith(text))


def test_disable_and_enable_ask_and_the_list_keeps_its_place(qtbot, admin, clerk, officer, dialogs):
    dialogs.answer("confirm", True, False, True)
    dialog = UsersDialog(admin)
    qtbot.addWidget(dialog)
    names = [dialog.model.row_at(r).username for r in range(dialog.model.rowCount())]
    assert names == sorted(names)
    row = names.index("clerk")
    dialog.table.selectRow(row)
    toggle = _button(dialog, "停用/启用")
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert not User.get(User.username == "clerk").active
    after = [dialog.model.row_at(r).username for r in range(dialog.model.rowCount())]
    assert after == names  # nobody moved
    assert dialog.table.selectionModel().selectedRows()[0].row() == row
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)  # asked, answered No
    assert not User.get(User.username == "clerk").active
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)  # asked again, Yes
    assert User.get(User.username == "clerk").active
    assert dialogs.titles("confirm") == ["停用用户", "启用用户", "启用用户"]
    changes = AuditLog.select().where(
        (AuditLog.table_name == "user")
        & (AuditLog.record_id == str(clerk.id))
        & (AuditLog.action == "update")
    )
    assert changes.count() == 2
