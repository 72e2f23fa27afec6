"""Pick a resident from the register by typing (name, pinyin initials, ID digits, phone…)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
)

from models.core import codes
from models.registry import search
from models.registry.search import ResidentFilter, ResidentRow
from ui.common.table_model import Column, RowsTableModel


class ResidentPicker(QDialog):
    """Returns the chosen ResidentRow in .chosen (or several in .chosen_rows if multi)."""

    def __init__(self, parent=None, title: str = "", flt: ResidentFilter | None = None,
                 multi: bool = False, user=None) -> None:
        super().__init__(parent)
        self.user = user  # None: rows without full IDs (the picker shows masked ones only)
        self.setWindowTitle(title or self.tr("选择居民"))
        self.resize(760, 480)
        self.flt = flt or ResidentFilter()
        self.chosen: ResidentRow | None = None
        self.chosen_rows: list[ResidentRow] = []
        self.query = QLineEdit()
        self.query.setObjectName("picker_query")
        self.query.setPlaceholderText(self.tr("输入姓名、拼音首字母、身份证号后几位、电话或户号"))
        self.query.setClearButtonEnabled(True)
        self.model = RowsTableModel(
            [
                Column(self.tr("姓名"), lambda r: r.name),
                Column(self.tr("性别"), lambda r: codes.name("sex", r.sex)),
                Column(self.tr("出生日期"), lambda r: r.birth_date or ""),
                Column(self.tr("身份证号"), lambda r: r.masked_id),
                Column(self.tr("户号"), lambda r: r.household_no),
                Column(self.tr("住址"), lambda r: r.address),
            ]
        )
        self.table = QTableView()
        self.table.setObjectName("picker_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(
            QAbstractItemView.SelectionMode.ExtendedSelection
            if multi else QAbstractItemView.SelectionMode.SingleSelection
        )
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self._accept())
        self.status = QLabel()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        # Search a moment after the last keystroke, not on every one.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(lambda _text: self._timer.start())
        self.query.returnPressed.connect(self._enter)

    def run_search(self) -> None:
        self._timer.stop()
        text = self.query.text()
        rows = search.search(text, self.flt, limit=100, actor=self.user) if text.strip() else []
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        if rows:
            self.table.selectRow(0)
        self.status.setText(self.tr("找到 %1 人（最多显示100人）").replace("%1", str(len(rows)))
                            if text.strip() else "")

    def _enter(self) -> None:
        self.run_search()
        if self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _accept(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows:
            return
        self.chosen_rows = [self.model.row_at(i) for i in rows]
        self.chosen = self.chosen_rows[0]
        self.accept()
