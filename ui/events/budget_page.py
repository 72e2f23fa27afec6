"""Staff and their roles, materials and budget with actual spending: two editable grids."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.events.entities import parse_yuan, yuan
from models.events.prep import BudgetLine, StaffLine

_ID = 0x0100  # Qt.UserRole: the stored line's id rides on the first cell


def _grid(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
    return table


def _text(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text().strip() if item else ""


class BudgetPage(QWidget):
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.staff = _grid([self.tr("职责"), self.tr("姓名"), self.tr("联系电话")])
        self.staff.setObjectName("staff_table")
        self.budget = _grid(
            [
                self.tr("物资/项目"),
                self.tr("数量"),
                self.tr("预算（元）"),
                self.tr("实际支出（元）"),
                self.tr("备注"),
            ]
        )
        self.budget.setObjectName("budget_table")
        self.totals = QLabel()
        self.totals.setObjectName("budget_totals")
        layout = QVBoxLayout(self)
        for title, table, add_text in (
            (self.tr("人员分工"), self.staff, self.tr("添加人员")),
            (self.tr("物资与经费（预算与实际支出）"), self.budget, self.tr("添加项目")),
        ):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.addWidget(table)
            buttons = QHBoxLayout()
            add = QPushButton(add_text)
            add.clicked.connect(lambda _c=False, t=table: self._add_row(t))
            remove = QPushButton(self.tr("删除所选行"))
            remove.clicked.connect(lambda _c=False, t=table: self._remove_rows(t))
            buttons.addWidget(add)
            buttons.addWidget(remove)
            buttons.addStretch(1)
            if table is self.budget:
                buttons.addWidget(self.totals)
            inner.addLayout(buttons)
            layout.addWidget(box)
        for table in (self.staff, self.budget):
            table.itemChanged.connect(lambda _item: self._edited())

    def _edited(self) -> None:
        self.update_totals()
        self.changed.emit()

    def _add_row(self, table: QTableWidget) -> None:
        table.blockSignals(True)
        row = table.rowCount()
        table.insertRow(row)
        for col in range(table.columnCount()):
            table.setItem(row, col, QTableWidgetItem(""))
        table.blockSignals(False)
        table.setCurrentCell(row, 0)
        first = table.item(row, 0)
        assert first is not None  # set just above
        table.editItem(first)
        self.changed.emit()

    def _remove_rows(self, table: QTableWidget) -> None:
        for row in sorted({i.row() for i in table.selectedIndexes()}, reverse=True):
            table.removeRow(row)
        self._edited()

    def _fill(self, table: QTableWidget, rows: list[tuple[int | None, list[str]]]) -> None:
        table.blockSignals(True)
        table.setRowCount(0)
        for line_id, cells in rows:
            row = table.rowCount()
            table.insertRow(row)
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if col == 0:
                    item.setData(_ID, line_id)
                table.setItem(row, col, item)
        table.blockSignals(False)
        table.resizeColumnsToContents()
        table.setColumnWidth(0, max(table.columnWidth(0), 180))
        table.setColumnWidth(1, max(table.columnWidth(1), 100))

    def set_lines(self, staff: list[StaffLine], budget: list[BudgetLine]) -> None:
        self._fill(self.staff, [(s.id, [s.role, s.name, s.phone]) for s in staff])
        self._fill(
            self.budget,
            [
                (b.id, [b.item, b.quantity, yuan(b.budget_fen), yuan(b.actual_fen), b.note])
                for b in budget
            ],
        )
        self.update_totals()

    def _line_id(self, table: QTableWidget, row: int) -> int | None:
        item = table.item(row, 0)
        return item.data(_ID) if item else None

    def staff_lines(self) -> list[StaffLine]:
        return [
            StaffLine(
                _text(self.staff, r, 0),
                _text(self.staff, r, 1),
                _text(self.staff, r, 2),
                self._line_id(self.staff, r),
            )
            for r in range(self.staff.rowCount())
        ]

    def budget_lines(self) -> list[BudgetLine]:
        """The grid as lines; ValueError names the cell whose amount is not a number."""
        lines = []
        for r in range(self.budget.rowCount()):
            item = _text(self.budget, r, 0)
            try:
                planned = parse_yuan(_text(self.budget, r, 2)) or 0
                actual = parse_yuan(_text(self.budget, r, 3))
            except ValueError as exc:
                raise ValueError(f"第{r + 1}行“{item}”：{exc}") from exc
            lines.append(
                BudgetLine(
                    item,
                    _text(self.budget, r, 1),
                    planned,
                    actual,
                    _text(self.budget, r, 4),
                    self._line_id(self.budget, r),
                )
            )
        return lines

    def update_totals(self) -> None:
        try:
            lines = self.budget_lines()
        except ValueError as exc:
            self.totals.setText(str(exc))
            self.totals.setStyleSheet("color: #b00020;")
            return
        planned = sum(x.budget_fen for x in lines)
        spent = sum(x.actual_fen or 0 for x in lines)
        text = (
            self.tr("预算合计 %1 元，实际支出 %2 元")
            .replace("%1", yuan(planned))
            .replace("%2", yuan(spent))
        )
        if spent > planned:
            text += self.tr("，超支 %1 元").replace("%1", yuan(spent - planned))
            self.totals.setStyleSheet("color: #b00020; font-weight: bold;")
        else:
            self.totals.setStyleSheet("")
        self.totals.setText(text)
