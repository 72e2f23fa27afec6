"""Small widgets the registry dialogs share: code-table combos, a date field, a relations
table, the special-group editor and a confirmation helper."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from models import codes
from models.residents import DISABILITY, TagInput, disability_detail, parse_disability

ERROR_STYLE = "color: #b00020;"
WARN_STYLE = "color: #9a5b00;"
OK_STYLE = "color: #1b5e20;"
INFO_STYLE = "color: #555;"


class CodeCombo(QComboBox):
    """A combo over one national code table: shows the name, stores the code."""

    def __init__(self, table: str, blank: str | None = None, parent=None,
                 exclude: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.table = table
        if blank is not None:
            self.addItem(blank, "")
        for code, name in codes.codes(table).items():
            if code not in exclude:
                self.addItem(name, code)
        # Typing "汉" or "长子" jumps to the entry, as clerks expect from Excel.
        self.setEditable(False)

    def code(self) -> str:
        return str(self.currentData() or "")

    def set_code(self, code: str | None) -> None:
        index = self.findData(code or "")
        if index < 0 and code:
            self.addItem(codes.name(self.table, code, code), code)
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0))


_DATE_FORMS = [
    r"(\d{4})-(\d{1,2})-(\d{1,2})",
    r"(\d{4})\.(\d{1,2})\.(\d{1,2})",
    r"(\d{4})/(\d{1,2})/(\d{1,2})",
    r"(\d{4})年(\d{1,2})月(\d{1,2})日?",
    r"(\d{4})(\d{2})(\d{2})",
]


def parse_date(text: str) -> dt.date | None:
    """1985-03-02, 1985.03.02, 1985/3/2, 1985年3月2日 or 19850302; None if not a date."""
    text = text.strip()
    for form in _DATE_FORMS:
        match = re.fullmatch(form, text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    return None


class DateField(QLineEdit):
    """A date typed as the clerk likes it (see parse_date); empty allowed unless required."""

    def __init__(self, value: dt.date | None = None, required: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.required = required
        self.setPlaceholderText(self.tr("如 2026-05-01"))
        self.setMaximumWidth(150)
        self.set_date(value)

    def set_date(self, value: dt.date | None) -> None:
        self.setText(value.isoformat() if value else "")

    def date(self) -> dt.date | None:
        return parse_date(self.text())

    def problem(self, label: str) -> str:
        """'' when fine, else a sentence naming the field."""
        if not self.text().strip():
            return self.tr("请填写%1。").replace("%1", label) if self.required else ""
        if self.date() is None:
            return self.tr("%1“%2”不是有效日期（可写作2026-05-01或20260501）。") \
                .replace("%1", label).replace("%2", self.text().strip())
        return ""


class RelationsTable(QTableWidget):
    """Each person's relation to the head, as a combo per row (prefilled with suggestions)."""

    def __init__(self, parent=None) -> None:
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels([self.tr("姓名"), self.tr("原关系"), self.tr("与户主关系")])
        self.verticalHeader().hide()
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self._ids: list[int] = []

    def set_people(self, people: list[tuple[int, str, str, str]]) -> None:
        """(id, name, current relation, suggested relation) per row."""
        self.setRowCount(0)
        self._ids = []
        for pid, name, current, suggested in people:
            row = self.rowCount()
            self.insertRow(row)
            self.setItem(row, 0, QTableWidgetItem(name))
            self.setItem(row, 1, QTableWidgetItem(codes.name("relation", current)))
            combo = CodeCombo("relation", exclude=("01",))
            combo.set_code(suggested)
            self.setCellWidget(row, 2, combo)
            self._ids.append(pid)
        self.resizeRowsToContents()

    def combo_for(self, resident_id: int) -> CodeCombo:
        return self.cellWidget(self._ids.index(resident_id), 2)  # type: ignore[return-value]

    def relations(self) -> dict[int, str]:
        return {pid: self.combo_for(pid).code() for pid in self._ids}


class TagsEditor(QWidget):
    """Special groups: one check box each; 残疾人 also takes a kind and a grade."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        self._starts: dict[str, dt.date | None] = {}
        for i, (code, name) in enumerate(codes.codes("special_group").items()):
            box = QCheckBox(name)
            box.setObjectName(f"tag_{code}")
            box.toggled.connect(self._toggled)
            self.boxes[code] = box
            layout.addWidget(box, i // 4, i % 4)
        row = (len(self.boxes) + 3) // 4
        self.kind = CodeCombo("disability_kind", blank=self.tr("（残疾类别）"))
        self.grade = QComboBox()
        self.grade.addItem(self.tr("（等级）"), 0)
        for grade, label in enumerate(["一级", "二级", "三级", "四级"], start=1):
            self.grade.addItem(label, grade)
        layout.addWidget(QLabel(self.tr("残疾类别和等级：")), row, 0)
        layout.addWidget(self.kind, row, 1)
        layout.addWidget(self.grade, row, 2)
        self._toggled()

    def _toggled(self) -> None:
        on = self.boxes[DISABILITY].isChecked()
        self.kind.setEnabled(on)
        self.grade.setEnabled(on)
        self.changed.emit()

    def set_tags(self, tags: list[TagInput]) -> None:
        for box in self.boxes.values():
            box.setChecked(False)
        self._starts = {}
        for tag in tags:
            if tag.tag in self.boxes:
                self.boxes[tag.tag].setChecked(True)
                self._starts[tag.tag] = tag.start_date
            parsed = parse_disability(tag.detail) if tag.tag == DISABILITY else None
            if parsed:
                self.kind.set_code(parsed[0])
                self.grade.setCurrentIndex(parsed[1])

    def tags(self) -> list[TagInput]:
        result = []
        for code, box in self.boxes.items():
            if not box.isChecked():
                continue
            detail = ""
            if code == DISABILITY and self.kind.code() and self.grade.currentData():
                detail = disability_detail(self.kind.code(), self.grade.currentData())
            result.append(TagInput(code, detail, self._starts.get(code)))
        return result


def confirm(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        parent, title, text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
