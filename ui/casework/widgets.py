"""Small widgets the casework dialogs share: a person chosen from the register, an optional date."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from models.casework.people import PersonRef
from models.core import clock, codes
from models.registry.search import ResidentFilter
from ui.common.dialogs import run_modal
from ui.common.resident_picker import ResidentPicker
from ui.common.table_model import Index, RowsTableModel

_NULL_DATE = QDate(1900, 1, 1)


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class DateField(QDateEdit):
    """A date box with a calendar; optional ones may be left empty (shown as “未填”)."""

    def __init__(self, value: dt.date | None = None, optional: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.optional = optional
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMaximumWidth(160)
        if optional:
            self.setMinimumDate(_NULL_DATE)
            self.setSpecialValueText(self.tr("未填"))
        else:
            self.setMinimumDate(QDate(1900, 1, 2))
        self.set_value(value if value is not None or optional else clock.today())

    def value(self) -> dt.date | None:
        if self.optional and self.date() == _NULL_DATE:
            return None
        return from_qdate(self.date())

    def set_value(self, day: dt.date | None) -> None:
        self.setDate(to_qdate(day) if day else _NULL_DATE)


class PersonField(QWidget):
    """Shows the chosen resident (name, masked ID, address); “选择…” opens the picker."""

    changed = Signal(object)  # PersonRef | None

    def __init__(
        self, what: str, flt: ResidentFilter | None = None, optional: bool = False, parent=None
    ) -> None:
        super().__init__(parent)
        self.what = what
        self.flt = flt
        self.person: PersonRef | None = None
        self.label = QLabel(self.tr("（未选择）"))
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton(self.tr("选择…"))
        self.button.clicked.connect(self.pick)
        self.clear_button = QPushButton(self.tr("清除"))
        self.clear_button.setVisible(optional)
        self.clear_button.clicked.connect(lambda: self.set_person(None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        layout.addWidget(self.clear_button)

    def pick(self) -> None:
        from models.casework.people import get_person

        picker = ResidentPicker(self, self.tr("选择%1").replace("%1", self.what), self.flt)
        if run_modal(picker) and picker.chosen is not None:
            self.set_person(get_person(picker.chosen.id))

    def set_person(self, person: PersonRef | None) -> None:
        self.person = person
        self.label.setText(describe(person) if person else self.tr("（未选择）"))
        self.changed.emit(person)

    def person_id(self) -> int | None:
        return self.person.id if self.person else None


def describe(person: PersonRef | None) -> str:
    if person is None:
        return ""
    parts = [person.name, codes.name("sex", person.sex)]
    if person.birth_date:
        parts.append(f"{person.birth_date:%Y-%m-%d}生")
    parts.append(person.masked_id)
    if person.address:
        parts.append(person.address)
    if person.category and person.category != "1":
        parts.append(codes.name("category", person.category))
    if person.status != "current":
        parts.append(codes.name("resident_status", person.status))
    return "　".join(p for p in parts if p)


OVERDUE_COLOR = QColor("#B00020")


class FlaggedTableModel(RowsTableModel):
    """RowsTableModel whose rows with a true .overdue are shown in red."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self.rows[index.row()]
            if getattr(row, "overdue", False):
                return QBrush(OVERDUE_COLOR)
            return None
        return super().data(index, role)
