"""Pick a household by its number, address or a member's name (the registry's dialogs, the
life-event dialogs and the merge all use it)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
)

from models.registry import households
from models.registry.households import HouseholdRow
from ui.common.table_model import Column, RowsTableModel


class HouseholdPicker(QDialog):
    """Find a household by number, address or a member's name; .chosen is a HouseholdRow."""

    LIMIT = 50

    def __init__(self, parent=None, exclude_id: int | None = None,
                 title: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("选择户"))
        self.resize(720, 420)
        self.exclude_id = exclude_id
        self.chosen: HouseholdRow | None = None
        self.query = QLineEdit()
        self.query.setObjectName("household_query")
        self.query.setPlaceholderText(self.tr("输入户号、地址或户内人员姓名/拼音首字母"))
        closed = self.tr("（已注销）")
        self.model = RowsTableModel([
            Column(self.tr("户号"), lambda h: h.household_no + (closed if h.archived else "")),
            Column(self.tr("户主"), lambda h: h.head_name or "—"),
            Column(self.tr("人数"), lambda h: h.members),
            Column(self.tr("住址"), lambda h: h.address),
        ])
        self.table = QTableView()
        self.table.setObjectName("household_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self._accept())
        self.status = QLabel()
        self.status.setObjectName("picker_status")
        self.status.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(lambda _t: self._timer.start())
        # Enter in the box searches; it takes a household only when exactly one matches
        # (left to the dialog, Enter would also press OK and take the first of many).
        self.query.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.query and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.run_search()
                if self.model.rowCount() == 1:
                    self._accept()
                elif self.model.rowCount():
                    self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
            if event.key() == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(obj, event)

    def run_search(self) -> None:
        self._timer.stop()
        text = self.query.text().strip()
        rows = households.find_households(text, limit=self.LIMIT, exclude_id=self.exclude_id)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        if rows:
            self.table.selectRow(0)
        if not text:
            self.status.clear()
        elif rows:
            self.status.setText(self.tr("找到 %1 户（最多显示%2户）").replace("%1", str(len(rows)))
                                .replace("%2", str(self.LIMIT)))
        else:
            self.status.setText(self.tr("没有找到。已注销的户请输入完整户号。"))

    def _accept(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.chosen = self.model.row_at(rows[0].row())
            self.accept()
