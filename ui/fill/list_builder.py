"""名单 builder (一表通): pick residents by criteria, see how many and who, save it by name.

A saved list is criteria, not people (models.fill.lists): the count and the preview follow
the filters a moment after the last change, and a template filled next month takes the
register as it is then.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QRegularExpression, Qt, QTimer
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.core.entities import User
from models.fill import fields as fill_fields
from models.fill import lists as fill_lists
from models.fill.lists import DATE_RULES, ListCriteria, ListError, ListInfo, ListPerson
from models.fill.templates import community_name
from models.registry import compounds
from ui.common.dialogs import ask_text, confirm
from ui.common.table_model import Column, RowsTableModel
from ui.registry.widgets import CodeCombo

PREVIEW_ROWS = 200
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ERROR = "color: #B00020;"
_MONTH_RE = re.compile(r"^\d{4}-\d{1,2}$")
_DAY_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def _age_box(name: str) -> QSpinBox:
    """0–150, with 不限 below 0 (age 0 is a real bound: 0周岁 babies)."""
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(-1, 150)
    box.setSpecialValueText("不限")
    box.setValue(-1)
    box.setSuffix(" 岁")
    box.setAccelerated(True)
    return box


class ListBuilderDialog(QDialog):
    """Saved lists on the left, the filters, the live count and the first people on the right.

    ``saved_id`` is the list last saved here (the template dialog selects it afterwards)."""

    def __init__(
        self, user: User, parent: QWidget | None = None, list_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.user = user
        self.current_id: int | None = None  # the saved list whose criteria are shown
        self.saved_id: int | None = None
        self._loading = False
        self.total: int | None = None  # 符合条件 as last counted; None while the filters are wrong
        self.setObjectName("fill_list_builder")
        self.setWindowTitle(self.tr("名单（一表通）"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)  # count once the clerk stops changing filters
        self._timer.timeout.connect(self.refresh_count)
        self._build()
        self.load_lists(select=list_id)
        if list_id is None:
            self.refresh_count()
        self.resize(1240, 660)

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.lists_model = RowsTableModel(
            [
                Column(self.tr("名单"), lambda info: info.name),
                Column(self.tr("条件"), lambda info: info.description),
            ]
        )
        self.lists = QTableView()
        self.lists.setObjectName("fill_lists_table")
        self.lists.setModel(self.lists_model)
        self.lists.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lists.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lists.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lists.verticalHeader().hide()
        self.lists.setWordWrap(True)
        self.lists.horizontalHeader().setStretchLastSection(True)
        self.lists.horizontalHeader().resizeSection(0, 150)
        self.lists.selectionModel().currentRowChanged.connect(lambda _c, _p: self._list_chosen())
        new_button = QPushButton(self.tr("新名单（清空条件）"))
        new_button.setObjectName("fill_list_new")
        new_button.clicked.connect(self.new_list)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("已保存的名单：")))
        left_layout.addWidget(self.lists, 1)
        left_layout.addWidget(new_button)

        self.f_compound = QComboBox()
        self.f_compound.setObjectName("list_compound")
        self.f_compound.addItem(self.tr("全社区"), None)
        for compound in compounds.list_compounds():
            self.f_compound.addItem(compound.name, compound.id)
        self.f_category = CodeCombo("category", blank=self.tr("不限"))
        self.f_category.setObjectName("list_category")
        self.f_sex = CodeCombo("sex", blank=self.tr("不限"))
        self.f_sex.setObjectName("list_sex")
        self.f_tag = CodeCombo("special_group", blank=self.tr("不限"))
        self.f_tag.setObjectName("list_tag")
        self.f_status = CodeCombo("resident_status", blank=self.tr("全部（含已迁出、已故）"))
        self.f_status.setObjectName("list_status")
        self.f_status.set_code("current")
        self.f_household_type = CodeCombo("household_type", blank=self.tr("不限"))
        self.f_household_type.setObjectName("list_household_type")
        self.f_min_age = _age_box("list_min_age")
        self.f_max_age = _age_box("list_max_age")
        self.f_date_rule = QComboBox()
        self.f_date_rule.setObjectName("list_date_rule")
        for key, text in DATE_RULES.items():
            self.f_date_rule.addItem(self.tr(text), key)
        self.f_date_rule.setToolTip(
            self.tr("年龄和特殊人群按这一天计算（例如“截至12月31日满80周岁”）")
        )
        month = QRegularExpressionValidator(QRegularExpression(r"\d{0,4}(-\d{0,2})?"), self)
        day = QRegularExpressionValidator(
            QRegularExpression(r"\d{0,4}(-\d{0,2}(-\d{0,2})?)?"), self
        )
        self.f_born_from = self._line("list_born_from", self.tr("如 1946-01"), month)
        self.f_born_to = self._line("list_born_to", self.tr("如 1946-12"), month)
        self.f_tag_from = self._line("list_tag_from", self.tr("如 2026-01-01"), day)
        self.f_tag_to = self._line("list_tag_to", self.tr("如 2026-12-31"), day)
        self.f_tag_ended = QCheckBox(self.tr("已退出该人群"))
        self.f_tag_ended.setObjectName("list_tag_ended")
        self.f_tag_ended.setToolTip(self.tr("只列出在计算日之前已退出所选特殊人群的人"))

        for combo in (
            self.f_compound,
            self.f_category,
            self.f_sex,
            self.f_tag,
            self.f_status,
            self.f_household_type,
            self.f_date_rule,
        ):
            combo.currentIndexChanged.connect(self._changed)
        for spin in (self.f_min_age, self.f_max_age):
            spin.valueChanged.connect(self._changed)
        for line in (self.f_born_from, self.f_born_to, self.f_tag_from, self.f_tag_to):
            line.textChanged.connect(self._changed)
        self.f_tag_ended.toggled.connect(self._changed)

        def pair(first: QWidget, second: QWidget, between: str = "至") -> QHBoxLayout:
            row = QHBoxLayout()
            row.addWidget(first, 1)
            row.addWidget(QLabel(self.tr(between)))
            row.addWidget(second, 1)
            return row

        filters = QGroupBox(self.tr("条件"))
        form = QFormLayout(filters)
        form.setContentsMargins(8, 4, 8, 4)
        grid = QHBoxLayout()
        form_left = QFormLayout()
        form_left.addRow(self.tr("小区："), self.f_compound)
        form_left.addRow(self.tr("人员类别："), self.f_category)
        form_left.addRow(self.tr("性别："), self.f_sex)
        form_left.addRow(self.tr("人员状态："), self.f_status)
        form_left.addRow(self.tr("户别："), self.f_household_type)
        form_right = QFormLayout()
        form_right.addRow(self.tr("年龄："), pair(self.f_min_age, self.f_max_age))
        form_right.addRow(self.tr("年龄计算日："), self.f_date_rule)
        form_right.addRow(self.tr("出生年月："), pair(self.f_born_from, self.f_born_to))
        form_right.addRow(self.tr("特殊人群："), self.f_tag)
        tag_row = pair(self.f_tag_from, self.f_tag_to)
        tag_row.addWidget(self.f_tag_ended)
        form_right.addRow(self.tr("纳入人群日期："), tag_row)
        grid.addLayout(form_left, 2)
        grid.addSpacing(12)
        grid.addLayout(form_right, 3)
        form.addRow(grid)

        self.count_label = QLabel()
        self.count_label.setObjectName("list_count")
        self.count_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.description = QLabel()
        self.description.setObjectName("list_description")
        self.description.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(_ERROR)
        self.error.hide()

        self.people_model = RowsTableModel(self._people_columns())
        self.people = QTableView()
        self.people.setObjectName("list_people")
        self.people.setModel(self.people_model)
        self.people.verticalHeader().hide()
        self.people.setAlternatingRowColors(True)
        self.people.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.people.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.people.horizontalHeader()
        header.setStretchLastSection(True)
        char = self.fontMetrics().horizontalAdvance("中")
        for column, chars in enumerate([4, 2, 6, 3, 11, 11, 4]):
            header.resizeSection(column, int(chars * char) + 14)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(filters)
        count_row = QHBoxLayout()
        count_row.addWidget(self.count_label)
        count_row.addWidget(self.description, 1)
        right_layout.addLayout(count_row)
        right_layout.addWidget(self.error)
        right_layout.addWidget(self.people, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([300, 940])

        self.save_as_button = QPushButton(self.tr("保存为名单…(Ctrl+S)"))
        self.save_as_button.setObjectName("list_save_as")
        self.save_as_button.clicked.connect(self.save_as)
        self.save_button = QPushButton(self.tr("保存修改"))
        self.save_button.setObjectName("list_save")
        self.save_button.clicked.connect(self.save_changes)
        self.archive_button = QPushButton(self.tr("停用名单"))
        self.archive_button.setObjectName("list_archive")
        self.archive_button.clicked.connect(self.archive)
        close = QPushButton(self.tr("关闭"))
        close.setObjectName("list_close")
        close.clicked.connect(self.accept)
        close.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_as_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.archive_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save_as)
        self._update_buttons()

    def _line(self, name: str, placeholder: str, validator) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        line.setPlaceholderText(placeholder)
        line.setClearButtonEnabled(True)
        line.setValidator(validator)
        return line

    def _people_columns(self) -> list[Column]:
        return [
            Column(self.tr("姓名"), lambda r: r[0].name),
            Column(self.tr("性别"), lambda r: fill_fields.value("sex", r[0], 0, r[1])),
            Column(self.tr("出生日期"), lambda r: r[0].birth_date or ""),
            Column(self.tr("年龄"), lambda r: fill_fields.value("age", r[0], 0, r[1]), _RIGHT),
            Column(self.tr("身份证号码"), lambda r: r[0].masked_id),
            Column(self.tr("住址"), lambda r: r[0].address),
            Column(self.tr("户主"), lambda r: r[0].head_name),
            Column(self.tr("特殊人群"), lambda r: fill_fields.value("groups", r[0], 0, r[1])),
        ]

    # -- the criteria -----------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def criteria(self) -> ListCriteria:
        """What the filters say; ListError naming a field that cannot be read."""

        def month(line: QLineEdit, label: str) -> str | None:
            text = line.text().strip()
            if not text:
                return None
            if not _MONTH_RE.match(text):
                raise ListError(
                    self.tr("%1“%2”应写成 YYYY-MM，例如 1946-01。")
                    .replace("%1", label)
                    .replace("%2", text)
                )
            year, number = text.split("-")
            return f"{year}-{int(number):02d}"

        def day(line: QLineEdit, label: str) -> dt.date | None:
            text = line.text().strip()
            if not text:
                return None
            try:
                if not _DAY_RE.match(text):
                    raise ValueError(text)
                year, number, of = (int(part) for part in text.split("-"))
                return dt.date(year, number, of)
            except ValueError:
                raise ListError(
                    self.tr("%1“%2”不是日期，应写成 YYYY-MM-DD，例如 2026-01-01。")
                    .replace("%1", label)
                    .replace("%2", text)
                ) from None

        low, high = self.f_min_age.value(), self.f_max_age.value()
        return ListCriteria(
            compound_id=self.f_compound.currentData(),
            category=self.f_category.code() or None,
            status=self.f_status.code() or None,
            sex=self.f_sex.code() or None,
            household_type=self.f_household_type.code() or None,
            tag=self.f_tag.code() or None,
            tag_started_from=day(self.f_tag_from, self.tr("纳入人群起始日期")),
            tag_started_to=day(self.f_tag_to, self.tr("纳入人群截止日期")),
            tag_ended=self.f_tag_ended.isChecked(),
            min_age=low if low >= 0 else None,
            max_age=high if high >= 0 else None,
            born_from=month(self.f_born_from, self.tr("出生起始年月")),
            born_to=month(self.f_born_to, self.tr("出生截止年月")),
            date_rule=self.f_date_rule.currentData() or "as_of",
        )

    def set_criteria(self, criteria: ListCriteria) -> None:
        self._loading = True
        try:
            index = self.f_compound.findData(criteria.compound_id)
            self.f_compound.setCurrentIndex(max(index, 0))
            self.f_category.set_code(criteria.category)
            self.f_status.set_code(criteria.status)
            self.f_sex.set_code(criteria.sex)
            self.f_household_type.set_code(criteria.household_type)
            self.f_tag.set_code(criteria.tag)
            self.f_tag_from.setText(
                criteria.tag_started_from.isoformat() if criteria.tag_started_from else ""
            )
            self.f_tag_to.setText(
                criteria.tag_started_to.isoformat() if criteria.tag_started_to else ""
            )
            self.f_tag_ended.setChecked(criteria.tag_ended)
            self.f_min_age.setValue(-1 if criteria.min_age is None else criteria.min_age)
            self.f_max_age.setValue(-1 if criteria.max_age is None else criteria.max_age)
            self.f_born_from.setText(criteria.born_from or "")
            self.f_born_to.setText(criteria.born_to or "")
            rule = self.f_date_rule.findData(criteria.date_rule)
            if rule < 0:  # a fixed date typed elsewhere (the command line)
                self.f_date_rule.addItem(criteria.date_rule, criteria.date_rule)
                rule = self.f_date_rule.count() - 1
            self.f_date_rule.setCurrentIndex(rule)
        finally:
            self._loading = False
        self.refresh_count()

    def _changed(self, *_args) -> None:
        if not self._loading:
            self._timer.start()

    def refresh_count(self) -> None:
        """符合条件：N 人 and the first people, or what is wrong with the filters."""
        self._timer.stop()
        try:
            criteria = fill_lists.check(self.criteria())
            total = fill_lists.count(self.user, criteria)
            people = fill_lists.people(self.user, criteria, limit=PREVIEW_ROWS)
        except ListError as exc:
            self._say(str(exc))
            self.count_label.setText(self.tr("符合条件：—"))
            self.description.setText("")
            self.people_model.set_rows([])
            self.total = None
            self._update_buttons()
            return
        self._say("")
        self.total = total
        self.count_label.setText(self.tr("符合条件：%1 人").replace("%1", f"{total:,}"))
        shown = (
            self.tr("（下表列出前 %1 人）").replace("%1", str(PREVIEW_ROWS))
            if total > PREVIEW_ROWS
            else ""
        )
        self.description.setText(fill_lists.describe(criteria) + shown)
        ctx = fill_fields.FillContext(
            day=fill_lists.reference_day(criteria.date_rule),
            tag=criteria.tag,
            community=community_name(),
        )
        rows: list[tuple[ListPerson, fill_fields.FillContext]] = [(p, ctx) for p in people]
        self.people_model.set_rows(rows)
        self._update_buttons()

    # -- saved lists ------------------------------------------------------------------
    def load_lists(self, select: int | None = None) -> None:
        infos = fill_lists.saved_lists(self.user)
        self.lists_model.set_rows(infos)
        self.lists.resizeRowsToContents()
        for row, info in enumerate(infos):
            if info.id == select:
                self.lists.selectRow(row)
                return
        self.current_id = None
        self._update_buttons()

    def current_list(self) -> ListInfo | None:
        index = self.lists.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.lists_model.row_at(index.row())

    def _list_chosen(self) -> None:
        info = self.current_list()
        self.current_id = info.id if info else None
        if info is not None:
            self.set_criteria(info.criteria)
        self._update_buttons()

    def new_list(self) -> None:
        self.lists.clearSelection()
        self.lists.selectionModel().clearCurrentIndex()
        self.current_id = None
        self.set_criteria(ListCriteria())
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self.current_id is not None)
        self.archive_button.setEnabled(self.current_id is not None)

    def _ask_name(self, default: str) -> str | None:
        return ask_text(self, self.tr("保存为名单"), self.tr("名单名称："), default)

    def save_as(self) -> None:
        try:
            criteria = self.criteria()
        except ListError as exc:
            self._say(str(exc))
            return
        name = self._ask_name(fill_lists.describe(criteria)[:60])
        if name is None:
            return
        self._save(name, criteria, None)

    def save_changes(self) -> None:
        info = self.current_list()
        if info is None:
            return
        try:
            self._save(info.name, self.criteria(), info.id, info.notes)
        except ListError as exc:
            self._say(str(exc))

    def _save(
        self, name: str, criteria: ListCriteria, list_id: int | None, notes: str = ""
    ) -> None:
        try:
            saved = fill_lists.save_list(self.user, name, criteria, notes=notes, list_id=list_id)
        except ListError as exc:
            self._say(str(exc))
            return
        self.saved_id = saved.id
        self.load_lists(select=saved.id)
        self._say("")
        self.description.setText(
            self.tr("已保存名单“%1”。").replace("%1", saved.name) + " " + saved.description
        )

    def archive(self) -> None:
        info = self.current_list()
        if info is None:
            return
        if not confirm(
            self,
            self.tr("停用名单"),
            self.tr("停用名单“%1”吗？停用后不再列出（记录仍保留）。").replace("%1", info.name),
            default_no=False,
        ):
            return
        try:
            fill_lists.archive_list(self.user, info.id)
        except ListError as exc:
            self._say(str(exc))
            return
        if self.saved_id == info.id:
            self.saved_id = None
        self.load_lists()
        self._say("")
        self.description.setText(self.tr("已停用名单“%1”。").replace("%1", info.name))
