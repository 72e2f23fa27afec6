"""操作日志: who did what to which record, with the values before and after."""

from __future__ import annotations

import json

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models import audit, clock
from models.entities import AuditLog, User
from ui.table_model import Column, RowsTableModel


def _pretty(text: str | None) -> str:
    if not text:
        return "（无）"
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, dict):
        return "\n".join(f"{key}：{value}" for key, value in data.items())
    return str(data)


class AuditDialog(QDialog):
    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("操作日志"))
        self.resize(1000, 620)
        self.who = QComboBox()
        self.who.setObjectName("audit_user")
        self.who.addItem(self.tr("全部用户"), "")
        for name in audit.log_users():
            self.who.addItem(name, name)
        self.table_filter = QComboBox()
        self.table_filter.addItem(self.tr("全部记录类型"), "")
        for name in audit.log_tables():
            self.table_filter.addItem(audit.TABLE_NAMES.get(name, name), name)
        today = QDate(*clock.today().timetuple()[:3])
        self.since = QDateEdit(today.addDays(-30))
        self.until = QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.text = QLineEdit()
        self.text.setObjectName("audit_text")
        self.text.setPlaceholderText(self.tr("查找内容或记录编号"))
        filters = QHBoxLayout()
        for label, widget in [(self.tr("用户："), self.who), (self.tr("类型："), self.table_filter),
                              (self.tr("从"), self.since), (self.tr("到"), self.until)]:
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.text, 1)
        self.model = RowsTableModel([
            Column(self.tr("时间"), lambda r: r.at),
            Column(self.tr("用户"), lambda r: r.username),
            Column(self.tr("操作"), lambda r: audit.ACTION_NAMES.get(r.action, r.action)),
            Column(self.tr("记录类型"), lambda r: audit.TABLE_NAMES.get(r.table_name, r.table_name)),
            Column(self.tr("记录编号"), lambda r: r.record_id or ""),
            Column(self.tr("说明"), lambda r: r.note),
        ])
        self.view = QTableView()
        self.view.setObjectName("audit_table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur.row()))
        self.before = QPlainTextEdit()
        self.after = QPlainTextEdit()
        for box in (self.before, self.after):
            box.setReadOnly(True)
        detail = QSplitter(Qt.Orientation.Horizontal)
        for title, box in ((self.tr("修改前"), self.before), (self.tr("修改后"), self.after)):
            pane = QVBoxLayout()
            holder = QWidget()
            holder.setLayout(pane)
            pane.setContentsMargins(0, 0, 0, 0)
            pane.addWidget(QLabel(title))
            pane.addWidget(box)
            detail.addWidget(holder)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.count = QLabel()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self.text.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.who, self.table_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for edit in (self.since, self.until):
            edit.dateChanged.connect(lambda _d: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        rows = audit.search_log(
            self.user, username=self.who.currentData(), table_name=self.table_filter.currentData(),
            text=self.text.text().strip(), since=self.since.date().toPython(),
            until=self.until.date().toPython(),
        )
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()
        self.count.setText(self.tr("显示 %1 条（最多1000条，最新的在前）").replace("%1", str(len(rows))))
        if rows:
            self.view.selectRow(0)
        else:
            self.before.clear()
            self.after.clear()

    def _show(self, row: int) -> None:
        if row < 0:
            return
        entry: AuditLog = self.model.row_at(row)
        self.before.setPlainText(_pretty(entry.before))
        self.after.setPlainText(_pretty(entry.after))
