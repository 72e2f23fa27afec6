"""A department's template mapped once (一表通): what each column of its file is filled with.

The file is read as the department sent it (models.fill.templates.read_file); the dialog
shows where the header and the footer were found, each column with the proposed content
and an example from the chosen list, and saves the mapping with the list, the order and
the date rule as a template.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.core.entities import User
from models.core.permissions import Perm, can
from models.fill import fields as fill_fields
from models.fill import lists as fill_lists
from models.fill import templates as fill_templates
from models.fill.layout import TemplateLayout
from models.fill.lists import DATE_RULES, SORTS, ListError, ListPerson
from models.fill.templates import FillError, TemplateDraft, TemplateInfo
from ui.common.dialogs import ask_text, open_file, run_modal
from ui.common.discard_guard import DiscardGuard

FILE_FILTER = "Excel 工作簿 (*.xlsx *.xlsm *.xls)"
NEW_LIST = -1  # the 名单 combo's "新建名单…" entry
ASK_TEXT = "\x00ask"  # the 填充内容 combo's "固定文字…" entry
_ERROR = "color: #B00020;"
_GREY = "color: #555;"


def found_text(widget: QWidget, layout: TemplateLayout) -> str:
    """表头：第3–4行；数据从第5行起；表尾在第9行 — where the engine found the parts."""
    if layout.header_top == layout.header_bottom:
        header = widget.tr("表头：第%1行").replace("%1", str(layout.header_top))
    else:
        header = (
            widget.tr("表头：第%1–%2行")
            .replace("%1", str(layout.header_top))
            .replace("%2", str(layout.header_bottom))
        )
    footer = (
        widget.tr("表尾在第%1行").replace("%1", str(layout.footer_row))
        if layout.footer_row
        else widget.tr("没有表尾")
    )
    first = widget.tr("数据从第%1行起").replace("%1", str(layout.first_data_row))
    return f"{header}；{first}；{footer}"


def ask_file(parent: QWidget, title: str, start: str = "") -> str:
    chosen = open_file(parent, title, start or str(Path.home()), parent.tr(FILE_FILTER))
    return str(chosen) if chosen is not None else ""


class TemplateDialog(DiscardGuard, QDialog):
    """New template from *draft*, or template *template* changed. ``saved`` after 保存."""

    def __init__(
        self,
        user: User,
        draft: TemplateDraft,
        parent: QWidget | None = None,
        template: TemplateInfo | None = None,
        path: str = "",
    ) -> None:
        super().__init__(parent)
        self.user = user
        self.draft = draft
        self.template = template
        self.path = path
        self.saved: TemplateInfo | None = None
        self.boxes: dict[int, QComboBox] = {}  # sheet column number -> its 填充内容 combo
        self._example: ListPerson | None = None
        self._ctx: fill_fields.FillContext | None = None
        self.may_reveal = can(user, Perm.REVEAL_ID)
        self.setObjectName("fill_template_dialog")
        self.setWindowTitle(self.tr("修改模板") if template else self.tr("新建模板"))
        self._build()
        self._fill_lists(template.list_id if template else None)
        if template is not None:
            self.name.setText(template.name)
            self.department.setText(template.department)
            self.sort.setCurrentIndex(max(self.sort.findData(template.sort), 0))
            rule = self.date_rule.findData(template.date_rule)
            if rule < 0:
                self.date_rule.addItem(template.date_rule, template.date_rule)
                rule = self.date_rule.count() - 1
            self.date_rule.setCurrentIndex(rule)
        else:
            self.name.setText(Path(draft.filename).stem[:60])
        self._show_draft(draft)
        self.resize(1000, 640)

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.file_label = QLabel()
        self.file_label.setObjectName("template_file")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change_file = QPushButton(self.tr("更换文件…"))
        self.change_file.setObjectName("template_change_file")
        self.change_file.setToolTip(
            self.tr("部门发来了新版的表：换成新文件，表头相同的列保留原来的选择")
        )
        self.change_file.clicked.connect(self.replace_file)
        self.sheet = QComboBox()
        self.sheet.setObjectName("template_sheet")
        self.sheet.activated.connect(self._sheet_chosen)
        self.found = QLabel()
        self.found.setObjectName("template_found")
        self.found.setStyleSheet(_GREY)
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel(self.tr("文件：")))
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.change_file)
        file_row.addSpacing(12)
        file_row.addWidget(QLabel(self.tr("工作表：")))
        file_row.addWidget(self.sheet)

        self.name = QLineEdit()
        self.name.setObjectName("template_name")
        self.name.setMaxLength(60)
        self.name.setPlaceholderText(self.tr("例如：80周岁以上老人名单（民政）"))
        self.department = QLineEdit()
        self.department.setObjectName("template_department")
        self.department.setMaxLength(60)
        self.department.setPlaceholderText(self.tr("例如：民政、残联、卫健"))
        self.list_combo = QComboBox()
        self.list_combo.setObjectName("template_list")
        self.list_combo.setMinimumWidth(260)
        self.list_combo.activated.connect(self._list_chosen)
        self.list_text = QLabel()
        self.list_text.setObjectName("template_list_text")
        self.list_text.setStyleSheet(_GREY)
        self.list_text.setWordWrap(True)
        self.sort = QComboBox()
        self.sort.setObjectName("template_sort")
        for key, (text, _sql) in SORTS.items():
            self.sort.addItem(self.tr(text), key)
        self.date_rule = QComboBox()
        self.date_rule.setObjectName("template_date_rule")
        for key, text in DATE_RULES.items():
            self.date_rule.addItem(self.tr(text), key)
        self.date_rule.setToolTip(self.tr("年龄、特殊人群和表头中的“年 月”按这一天计算"))
        self.sort.currentIndexChanged.connect(lambda _i: self._refresh_example())
        self.date_rule.currentIndexChanged.connect(lambda _i: self._refresh_example())

        form = QFormLayout()
        top = QHBoxLayout()
        top.addWidget(self.name, 3)
        top.addWidget(QLabel(self.tr("部门：")))
        top.addWidget(self.department, 2)
        form.addRow(self.tr("模板名称："), top)
        list_row = QHBoxLayout()
        list_row.addWidget(self.list_combo)
        list_row.addWidget(self.list_text, 1)
        form.addRow(self.tr("名单："), list_row)
        order_row = QHBoxLayout()
        order_row.addWidget(self.sort)
        order_row.addSpacing(12)
        order_row.addWidget(QLabel(self.tr("日期规则：")))
        order_row.addWidget(self.date_rule)
        order_row.addStretch(1)
        form.addRow(self.tr("排序："), order_row)

        self.table = QTableWidget(0, 4)
        self.table.setObjectName("template_mapping")
        self.table.setHorizontalHeaderLabels(
            [self.tr("列"), self.tr("表头"), self.tr("填充内容"), self.tr("示例（名单第一人）")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        char = self.fontMetrics().horizontalAdvance("中")
        header.resizeSection(1, 14 * char)
        header.resizeSection(2, 16 * char + 30)

        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(_ERROR)
        self.error.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存模板(Ctrl+S)"))
        self.save_button.setObjectName("template_save")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.found)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("每一列填什么（已按表头推荐，请核对）：")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # -- the file ---------------------------------------------------------------------
    def _show_draft(self, draft: TemplateDraft) -> None:
        self.draft = draft
        self.file_label.setText(draft.filename)
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(list(draft.sheets))
        self.sheet.setCurrentIndex(max(self.sheet.findText(draft.layout.sheet), 0))
        self.sheet.setEnabled(len(draft.sheets) > 1)
        self.sheet.blockSignals(False)
        self.found.setText(found_text(self, draft.layout))
        self.boxes = {}
        columns = draft.layout.columns
        self.table.setRowCount(len(columns))
        for row, column in enumerate(columns):
            self.table.setItem(row, 0, QTableWidgetItem(column.letter))
            self.table.setItem(row, 1, QTableWidgetItem(column.label))
            box = self._key_box(draft.mapping.get(column.index, fill_fields.BLANK))
            box.setObjectName(f"template_key_{column.letter}")
            self.boxes[column.index] = box
            self.table.setCellWidget(row, 2, box)
            self.table.setItem(row, 3, QTableWidgetItem(""))
        self.table.resizeRowsToContents()
        self._refresh_example()

    def by_label(self) -> dict[str, str]:
        """The choices made so far by header label: kept when the file or sheet changes."""
        mapping = self.mapping()
        return {c.label: mapping.get(c.index, "") for c in self.draft.layout.columns}

    def _sheet_chosen(self, _index: int) -> None:
        sheet = self.sheet.currentText()
        if sheet == self.draft.layout.sheet:
            return
        try:
            draft = fill_templates.draft_from_bytes(
                self.user, self.draft.filename, self.draft.source, sheet, self.by_label()
            )
        except FillError as exc:
            self._say(str(exc))
            self.sheet.setCurrentIndex(max(self.sheet.findText(self.draft.layout.sheet), 0))
            return
        self._say("")
        self._show_draft(draft)

    def replace_file(self) -> None:
        path = ask_file(
            self, self.tr("选择部门发来的新表格"), str(Path(self.path).parent) if self.path else ""
        )
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> bool:
        try:
            draft = fill_templates.read_file(self.user, path, previous=self.by_label())
        except FillError as exc:
            self._say(str(exc))
            return False
        self.path = path
        self._say("")
        self._show_draft(draft)
        return True

    # -- the 填充内容 combos ------------------------------------------------------------
    def _key_box(self, key: str) -> QComboBox:
        box = QComboBox()
        box.setMaxVisibleItems(20)
        box.addItem(self.tr("（留空）"), fill_fields.BLANK)
        for field_key, field in fill_fields.FIELDS.items():
            if field_key == fill_fields.FULL_ID and not self.may_reveal:
                continue  # the service refuses it for this role; do not offer it
            box.addItem(self.tr(field.label), field_key)
        box.insertSeparator(box.count())
        box.addItem(self.tr("固定文字…"), ASK_TEXT)
        self._select_key(box, key)
        box.setProperty("previous", box.currentIndex())
        box.activated.connect(lambda _i, b=box: self._key_chosen(b))
        return box

    def _select_key(self, box: QComboBox, key: str) -> None:
        if key.startswith(fill_fields.TEXT_PREFIX):
            index = box.findData(key)
            if index < 0:
                box.insertItem(box.count() - 1, fill_fields.label(key), key)
                index = box.count() - 2
            box.setCurrentIndex(index)
            return
        index = box.findData(key)
        if index < 0 and key:  # a key this role may not use (完整身份证) or no longer known
            box.insertItem(1, fill_fields.label(key), key)
            index = 1
        box.setCurrentIndex(max(index, 0))

    def _key_chosen(self, box: QComboBox) -> None:
        if box.currentData() == ASK_TEXT:
            old = box.itemData(int(box.property("previous") or 0)) or ""
            start = (
                old[len(fill_fields.TEXT_PREFIX) :]
                if old.startswith(fill_fields.TEXT_PREFIX)
                else ""
            )
            answer = ask_text(self, self.tr("固定文字"), self.tr("每一行都填入这段文字："), start)
            text = (answer or "").strip()
            if text:
                self._select_key(box, fill_fields.TEXT_PREFIX + text)
            else:
                box.setCurrentIndex(int(box.property("previous") or 0))
        box.setProperty("previous", box.currentIndex())
        self._refresh_example()

    def choose(self, column: int, key: str) -> None:
        """Point *column*'s combo at *key* as the clerk would (fixed text included)."""
        box = self.boxes[column]
        self._select_key(box, key)
        box.setProperty("previous", box.currentIndex())
        self._refresh_example()

    def mapping(self) -> dict[int, str]:
        return {column: str(box.currentData() or "") for column, box in self.boxes.items()}

    # -- the list and the example -----------------------------------------------------
    def _fill_lists(self, select: int | None) -> None:
        self.list_combo.clear()
        self.list_combo.addItem(self.tr("请选择名单…"), None)
        for info in fill_lists.saved_lists(self.user):
            self.list_combo.addItem(info.name, info.id)
            self.list_combo.setItemData(
                self.list_combo.count() - 1, info.description, Qt.ItemDataRole.ToolTipRole
            )
        self.list_combo.insertSeparator(self.list_combo.count())
        self.list_combo.addItem(self.tr("新建名单…"), NEW_LIST)
        self.list_combo.setCurrentIndex(
            max(self.list_combo.findData(select), 0) if select is not None else 0
        )
        self._previous_list = self.list_combo.currentIndex()
        self._show_list()

    def choose_list(self, list_id: int) -> None:
        self.list_combo.setCurrentIndex(max(self.list_combo.findData(list_id), 0))
        self._list_chosen(self.list_combo.currentIndex())

    def _list_chosen(self, _index: int) -> None:
        if self.list_combo.currentData() == NEW_LIST:
            from ui.fill.list_builder import ListBuilderDialog

            builder = ListBuilderDialog(self.user, self)
            run_modal(builder)
            before = self.list_combo.itemData(self._previous_list)
            self._fill_lists(builder.saved_id or before)
            if builder.saved_id:
                self._follow_list_rule()
            self._refresh_example()
            return
        self._previous_list = self.list_combo.currentIndex()
        self._show_list()
        self._follow_list_rule()
        self._refresh_example()

    def _follow_list_rule(self) -> None:
        """The template's date rule replaces the list's when filling; a list just chosen
        brings its own (80周岁 截至12月31日 stays that) unless the clerk changes it after."""
        list_id = self.list_id()
        if list_id is None:
            return
        try:
            rule = fill_lists.get_list(self.user, list_id).criteria.date_rule
        except ListError:
            return
        index = self.date_rule.findData(rule)
        if index < 0:
            self.date_rule.addItem(rule, rule)
            index = self.date_rule.count() - 1
        self.date_rule.setCurrentIndex(index)

    def list_id(self) -> int | None:
        value = self.list_combo.currentData()
        return value if isinstance(value, int) and value != NEW_LIST else None

    def _show_list(self) -> None:
        tip = self.list_combo.itemData(self.list_combo.currentIndex(), Qt.ItemDataRole.ToolTipRole)
        self.list_text.setText(str(tip or ""))

    def _refresh_example(self) -> None:
        """示例: each column's value for the first person of the list in the chosen order."""
        self._example = None
        list_id = self.list_id()
        if list_id is not None:
            try:
                info = fill_lists.get_list(self.user, list_id)
                criteria = dataclasses.replace(
                    info.criteria, date_rule=self.date_rule.currentData() or "as_of"
                )
                first = fill_lists.people(
                    self.user, criteria, sort=self.sort.currentData(), limit=1
                )
                self._ctx = fill_fields.FillContext(
                    day=fill_lists.reference_day(criteria.date_rule),
                    tag=criteria.tag,
                    community=fill_templates.community_name(),
                )
                self._example = first[0] if first else None
            except ListError as exc:
                self._say(str(exc))
        for row, column in enumerate(self.draft.layout.columns):
            item = self.table.item(row, 3)
            if item is None:
                continue
            item.setText(self._example_text(self.mapping().get(column.index, "")))

    def _example_text(self, key: str) -> str:
        if self._example is None or self._ctx is None or key == ASK_TEXT:
            return ""
        if key == fill_fields.FULL_ID:
            key = "id_masked"  # an example is not a reveal
        try:
            value = fill_fields.value(key, self._example, 1, self._ctx)
        except KeyError:
            return ""
        return "" if value is None else str(value)

    # -- saving -----------------------------------------------------------------------
    def save(self) -> None:
        try:
            self.saved = fill_templates.save_template(
                self.user,
                self.draft,
                self.name.text(),
                self.department.text(),
                self.mapping(),
                self.list_id(),
                sort=self.sort.currentData(),
                date_rule=self.date_rule.currentData() or "as_of",
                template_id=self.template.id if self.template else None,
            )
        except FillError as exc:
            self._say(str(exc))
            return
        self.accept()


def new_template(
    user: User, parent: QWidget, say: Callable[[str], None], path: str = ""
) -> TemplateInfo | None:
    """新建模板…: choose the department's file, map it; the saved template or None. A file
    that cannot be used is said through *say* (the calling window's message line)."""
    path = path or ask_file(parent, parent.tr("选择部门发来的表格"))
    if not path:
        return None
    try:
        draft = fill_templates.read_file(user, path)
    except FillError as exc:
        say(str(exc))
        return None
    dialog = TemplateDialog(user, draft, parent, path=path)
    run_modal(dialog)
    return dialog.saved


def change_template(
    user: User, template_id: int, parent: QWidget, say: Callable[[str], None]
) -> TemplateInfo | None:
    """修改…: the stored file and mapping in the mapping dialog."""
    try:
        info = fill_templates.get_template(user, template_id)
        draft = fill_templates.stored_draft(user, template_id)
    except FillError as exc:
        say(str(exc))
        return None
    dialog = TemplateDialog(user, draft, parent, template=info)
    run_modal(dialog)
    return dialog.saved
