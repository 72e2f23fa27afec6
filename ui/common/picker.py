"""Search-as-you-type pickers: type a few characters, the matches list under the box, OK or a
double-click takes the selected one.

One dialog for every kind of record. A kind (ui.common.household_picker,
ui.common.resident_picker) is a small subclass that says how it searches, which columns it
shows and what the line under the table says about the result; the typing, the timing, the
keys and the choosing are the same everywhere.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.common.table_model import Column, RowsTableModel


class SearchPicker(QDialog):
    """.chosen is the row taken (.chosen_rows all of them when *multi* allows several)."""

    QUERY_NAME = "picker_query"  # objectNames of the box and the table
    TABLE_NAME = "picker_table"
    SIZE = (760, 480)
    DELAY_MS = 150  # the search runs this long after the last keystroke, not on every one
    # Enter searches; then either it takes a row only when exactly one matches (the table
    # gets the caret when several do), or it lets the dialog's OK take the first match.
    ENTER_TAKES_ONLY_A_SINGLE_MATCH = False

    # -- what a kind provides -----------------------------------------------------------------
    def default_title(self) -> str:
        raise NotImplementedError

    def placeholder(self) -> str:
        raise NotImplementedError

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def search_rows(self, text: str) -> list[Any]:
        """The rows matching *text* (stripped of spaces)."""
        raise NotImplementedError

    def status_text(self, text: str, rows: list[Any]) -> str:
        """The line under the table after a search for *text*."""
        raise NotImplementedError

    # -- the dialog ---------------------------------------------------------------------------
    def __init__(self, parent: QWidget | None = None, title: str = "", multi: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or self.default_title())
        self.resize(*self.SIZE)
        self.chosen: Any = None
        self.chosen_rows: list[Any] = []
        self.query = QLineEdit()
        self.query.setObjectName(self.QUERY_NAME)
        self.query.setPlaceholderText(self.placeholder())
        self.query.setClearButtonEnabled(True)
        self.model = RowsTableModel(self.columns())
        self.table = QTableView()
        self.table.setObjectName(self.TABLE_NAME)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(
            QAbstractItemView.SelectionMode.ExtendedSelection
            if multi
            else QAbstractItemView.SelectionMode.SingleSelection
        )
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self._accept())
        self.status = QLabel()
        self.status.setObjectName("picker_status")
        self.status.setStyleSheet("color: #555;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(lambda _text: self._timer.start())
        self.query.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            obj is self.query
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.run_search()
                if self.ENTER_TAKES_ONLY_A_SINGLE_MATCH:
                    # Left to the dialog, Enter would also press OK and take the first of many.
                    if self.model.rowCount() == 1:
                        self._accept()
                    elif self.model.rowCount():
                        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                    return True
                if self.model.rowCount():
                    self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                return False  # the dialog's OK takes the first match
            if event.key() == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(obj, event)

    def run_search(self) -> None:
        self._timer.stop()
        text = self.query.text().strip()
        rows = self.search_rows(text)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        if rows:
            self.table.selectRow(0)
        self.status.setText(self.status_text(text, rows))

    def _accept(self) -> None:
        picked = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not picked:
            return  # nothing to take: the picker stays open
        self.chosen_rows = [self.model.row_at(i) for i in picked]
        self.chosen = self.chosen_rows[0]
        self.accept()
