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
    QCompleter,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from models.core import codes
from models.registry.residents import DISABILITY, TagInput, disability_detail, parse_disability

ERROR_STYLE = "color: #b00020;"
WARN_STYLE = "color: #9a5b00;"
OK_STYLE = "color: #1b5e20;"
INFO_STYLE = "color: #555;"


SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1  # what a searchable CodeCombo's completer matches


class _NameCompleter(QCompleter):
    """Matches an item's search keys (name, pinyin, initials, code) but writes its name."""

    def pathFromIndex(self, index) -> str:
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")


class CodeCombo(QComboBox):
    """A combo over one national code table: shows the name, stores the code.

    searchable: the clerk may type into it; a completer lists the entries whose name, pinyin,
    initials or code contain the text (长子 by 子, "zi", "zz" or "cz"). A name or alias typed in
    full counts as that entry; other text gives code() "" and problem() a sentence, never
    another entry's code.
    common_first: the table's everyday codes (models.core.codes.COMMON) first, then the rest.
    arrow_codes: the codes the arrow keys and the wheel step through; the others are chosen
    from the list only (性别: 男/女 by arrows, 未知/未说明 not by accident).
    """

    def __init__(
        self,
        table: str,
        blank: str | None = None,
        parent=None,
        exclude: tuple[str, ...] = (),
        *,
        searchable: bool = False,
        common_first: bool = False,
        arrow_codes: tuple[str, ...] = (),
    ) -> None:
        super().__init__(parent)
        self.table = table
        self.arrow_codes = arrow_codes
        self._searchable = searchable  # search keys cost pypinyin: only for searchable combos
        if blank is not None:
            self.addItem(blank, "")
        entries = codes.common_first(table) if common_first else list(codes.codes(table).items())
        common = set(codes.common(table)) if common_first else set()
        for i, (code, name) in enumerate(entries):
            if common and i and code not in common and entries[i - 1][0] in common:
                self.insertSeparator(self.count())  # the everyday entries above, the rest below
            if code not in exclude:
                self._add(code, name)
        # Unless searchable, not editable: typing "汉" or "长子" jumps to the entry, as clerks
        # expect from Excel.
        self.setEditable(searchable)
        if searchable:
            self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            line_edit = self.lineEdit()
            assert line_edit is not None  # editable since setEditable(True) above
            line_edit.setPlaceholderText(self.tr("输入名称、拼音或首字母查找"))
            completer = _NameCompleter(self.model(), self)
            completer.setCompletionRole(SEARCH_ROLE)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            completer.setMaxVisibleItems(12)
            self.setCompleter(completer)
            line_edit.editingFinished.connect(self._tidy_text)

    def _add(self, code: str, name: str) -> None:
        self.addItem(name, code)
        if self._searchable:
            key = codes.search_keys(self.table).get(code) or f"{name}|{code}"
            self.setItemData(self.count() - 1, key, SEARCH_ROLE)

    def _resolve(self, text: str) -> str | None:
        """The code of an offered entry that *text* names ("" for the blank entry), else None."""
        text = text.strip()
        if not text:
            return "" if self.findData("") >= 0 else None
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0 and self.itemData(index) is not None:  # not the separator
            return str(self.itemData(index))
        code = codes.lookup(self.table, text)  # an alias or a code typed as such
        return code if code and self.findData(code) >= 0 else None

    def _entered(self) -> str | None:
        """The code the field holds now; None when its text names no offered entry."""
        index = self.currentIndex()
        if index >= 0 and self.currentText() == self.itemText(index):
            return str(self.itemData(index) or "")
        return self._resolve(self.currentText())

    def _tidy_text(self) -> None:
        """Leaving the field: text that names an entry shows as that entry; other text stays,
        so that the clerk sees what problem() complains about."""
        code = self._resolve(self.currentText())
        if code is not None:
            self.setCurrentIndex(self.findData(code))
            self.setEditText(self.itemText(self.currentIndex()))

    def code(self) -> str:
        if not self.isEditable():
            return str(self.currentData() or "")
        return self._entered() or ""

    def problem(self, label: str) -> str:
        """'' when the field holds an offered entry (or the blank one), else a sentence."""
        if not self.isEditable() or self._entered() is not None:
            return ""
        text = self.currentText().strip()
        if not text:
            return self.tr("请选择%1。").replace("%1", label)
        return (
            self.tr("%1“%2”不是可选的项目，请从列表中选择（可输入名称、拼音或首字母查找）。")
            .replace("%1", label)
            .replace("%2", text)
        )

    def set_code(self, code: str | None) -> None:
        index = self.findData(code or "")
        if index < 0 and code:
            self._add(codes.name(self.table, code, code), code)
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0))
        if self.isEditable():
            self.setEditText(self.itemText(self.currentIndex()))

    def remove_code(self, code: str) -> None:
        """Stop offering *code* (户主 once the household has one); set_code() afterwards."""
        index = self.findData(code)
        if index >= 0:
            self.removeItem(index)

    # -- arrows and wheel step through arrow_codes only -----------------------------------
    def _step(self, step: int, to_end: bool = False) -> None:
        """One arrow_codes entry up (-1) or down (+1), or to the first/last; from any other
        entry, down goes to the first and up to the last."""
        rows = [self.findData(c) for c in self.arrow_codes if self.findData(c) >= 0]
        if not rows:
            return
        current = self.currentIndex()
        if to_end or current not in rows:
            target = rows[0] if (step < 0) == to_end else rows[-1]
        else:
            target = rows[min(max(rows.index(current) + step, 0), len(rows) - 1)]
        if target != current:
            self.setCurrentIndex(target)
            self.activated.emit(target)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if self.arrow_codes and not (event.modifiers() & Qt.KeyboardModifier.AltModifier):
            moves = {
                Qt.Key.Key_Up: (-1, False),
                Qt.Key.Key_Down: (1, False),
                Qt.Key.Key_PageUp: (-1, True),
                Qt.Key.Key_PageDown: (1, True),
            }
            if not self.isEditable():
                moves |= {Qt.Key.Key_Home: (-1, True), Qt.Key.Key_End: (1, True)}
            if key in moves:
                self._step(*moves[key])
                event.accept()
                return
        super().keyPressEvent(event)

    def wheelEvent(self, event) -> None:
        if self.arrow_codes:
            delta = event.angleDelta().y()
            if delta:
                self._step(-1 if delta > 0 else 1)
            event.accept()
            return
        super().wheelEvent(event)


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
            return (
                self.tr("%1“%2”不是有效日期（可写作2026-05-01或20260501）。")
                .replace("%1", label)
                .replace("%2", self.text().strip())
            )
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


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
