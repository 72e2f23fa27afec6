"""The import preview's choices: what the file's columns are, and what the file does not say.

ChoicesPanel asks what the file does not say (a sheet's compound, the people's category,
the 入册日期 of new people with no arrival date). MappingTable lists every header of every
sheet with the field it goes to; a clerk can point an unknown header at a field, or skip
a column. Both only collect choices into an ImportOptions; the service decides the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.core import clock
from models.registry import compounds
from models.registry.workbook import importer as wi
from models.registry.workbook.cells import cell_text, column_letter
from models.registry.workbook.headers import header_key
from models.registry.workbook.rows import FIELD_LABELS, MAPPABLE

CATEGORIES = [("1", "户籍人口"), ("4", "流动人口"), ("3", "人户分离"), ("2", "常住人口")]
_UNKNOWN = QColor("#fff3cd")
_QUESTION = "color: #9c2b23;"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def date_of(edit: QDateEdit) -> dt.date:
    day = edit.date()
    return dt.date(day.year(), day.month(), day.day())


class ChoicesPanel(QGroupBox):
    """The questions the preview asks, with the answers it proposes filled in."""

    recheck = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("导入前的选择"), parent)
        self.compound_boxes: dict[str, QComboBox] = {}
        self.form = QFormLayout()
        self.form.setContentsMargins(6, 4, 6, 4)
        self.category = QComboBox()
        self.category.setObjectName("import_category")
        self.category.addItem(self.tr("请选择…"), "")
        for code, name in CATEGORIES:
            self.category.addItem(self.tr(name), code)
        self.category_label = QLabel(self.tr("新增人员的类别："))
        self.enrolled = QDateEdit()
        self.enrolled.setObjectName("import_enrolled_on")
        self.enrolled.setCalendarPopup(True)
        self.enrolled.setDisplayFormat("yyyy年M月d日")
        today = clock.today()
        self.enrolled.setMaximumDate(_qdate(today))
        self.enrolled.setMinimumDate(QDate(1900, 1, 1))
        self.enrolled.setDate(_qdate(today))
        self.enrolled.setToolTip(
            self.tr(
                "表中没有来本地日期的新增人员，从这一天起计入登记簿（月报不会把他们算进此前的月份）"
            )
        )
        self.recheck_button = QPushButton(self.tr("按以上选择重新检查(&R)"))
        self.recheck_button.setObjectName("import_recheck")
        self.recheck_button.clicked.connect(self.recheck.emit)
        self.questions = QLabel()
        self.questions.setObjectName("import_questions")
        self.questions.setWordWrap(True)
        self.questions.setStyleSheet(_QUESTION)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(self.tr("入册日期：")))
        bottom.addWidget(self.enrolled)
        bottom.addSpacing(12)
        bottom.addWidget(self.category_label)
        bottom.addWidget(self.category)
        bottom.addStretch(1)
        bottom.addWidget(self.recheck_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.questions)
        layout.addLayout(self.form)
        layout.addLayout(bottom)

    def show_preview(self, pv: wi.Preview) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.compound_boxes = {}
        names = [c.name for c in compounds.list_compounds()]
        for sheet, plan in pv.plans.items():
            if plan.compound_from == "column":
                continue
            box = QComboBox()
            box.setObjectName(f"import_compound_{sheet}")
            box.setEditable(True)
            box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            box.addItems(names)
            box.setEditText(plan.compound)
            line = box.lineEdit()
            if line is not None:
                line.setPlaceholderText(self.tr("选择已有小区，或输入新小区名称"))
            box.setMinimumWidth(220)
            self.compound_boxes[sheet] = box
            self.form.addRow(self.tr("工作表“%1”的小区：").replace("%1", sheet), box)
        asks_category = any(plan.category_from != "column" for plan in pv.plans.values())
        self.category.setVisible(asks_category)
        self.category_label.setVisible(asks_category)
        category = next((p.category for p in pv.plans.values() if p.category), "")
        self.category.setCurrentIndex(max(self.category.findData(category), 0))
        self.enrolled.setDate(_qdate(pv.enrolled_on))
        self.questions.setText("；".join(q.text for q in pv.questions))
        self.questions.setVisible(bool(pv.questions))

    def fill(self, options: wi.ImportOptions) -> None:
        """Put the answers into *options* (the mapping is MappingTable's)."""
        options.compounds = {
            sheet: box.currentText().strip()
            for sheet, box in self.compound_boxes.items()
            if box.currentText().strip()
        }
        if not self.category.isHidden():
            options.category = self.category.currentData() or ""
        options.enrolled_on = date_of(self.enrolled)


class MappingTable(QTableWidget):
    """Every header of every sheet: the field it is imported as, changeable."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 5, parent)
        self.setObjectName("import_mapping")
        self.setHorizontalHeaderLabels(
            [
                self.tr("工作表"),
                self.tr("列"),
                self.tr("表头"),
                self.tr("第一行的内容"),
                self.tr("导入为"),
            ]
        )
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.boxes: dict[str, QComboBox] = {}  # header key -> its drop-down (first sheet wins)
        self.chosen: dict[str, str] = {}

    def show_preview(self, pv: wi.Preview, chosen: dict[str, str]) -> None:
        self.chosen = dict(chosen)
        self.boxes = {}
        rows: list[tuple[str, int, str, str, str]] = []
        for name, sheet in pv.sheets.items():
            first = sheet.rows[0].values if sheet.rows else []
            for index, header in enumerate(sheet.headers):
                if not header:
                    continue
                sample = cell_text(first[index]) if index < len(first) else ""
                rows.append((name, index, header, sample, sheet.field_of(index)))
        self.setRowCount(len(rows))
        for row, (sheet_name, index, header, sample, current) in enumerate(rows):
            texts = (sheet_name, column_letter(index), header, sample[:30])
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if not current:
                    item.setBackground(QBrush(_UNKNOWN))
                self.setItem(row, column, item)
            key = header_key(header)
            box = QComboBox()
            box.addItem(self.tr("（不导入）"), "")
            for field in MAPPABLE:
                box.addItem(self.tr(FIELD_LABELS[field]), field)
            box.setCurrentIndex(max(box.findData(current), 0))
            box.currentIndexChanged.connect(self._on_change(key, box))
            self.boxes.setdefault(key, box)
            self.setCellWidget(row, 4, box)

    def _on_change(self, key: str, box: QComboBox) -> Callable[[int], None]:
        def changed(_index: int) -> None:
            self.chosen[key] = box.currentData() or ""
            self.changed.emit()

        return changed

    def choose(self, header: str, field: str) -> None:
        """Point *header*'s drop-down at *field* ("" to skip the column), as a click would."""
        box = self.boxes[header_key(header)]
        box.setCurrentIndex(box.findData(field))
