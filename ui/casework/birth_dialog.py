"""生育登记: a couple from the register, their children, the 孩次 suggested, the deadline shown."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.casework import cases as casework_cases
from models.casework import people as casework_people
from models.casework import rules as casework_rules
from models.casework.cases import ChildInput
from models.casework.entities import CHILD_ORIGINS
from models.core import clock, codes
from models.core.entities import User
from models.registry.search import ResidentFilter
from reports.layout.official import format_date
from ui.casework.widgets import DateField, PersonField
from ui.common.dialogs import run_modal
from ui.common.discard_guard import DiscardGuard
from ui.common.form_dialog import FormDialog
from ui.common.resident_picker import ResidentPicker

COL_NAME, COL_SEX, COL_BIRTH, COL_ORIGIN, COL_DECEASED, COL_COUNTS, COL_NOTE = range(7)


class BirthRegistrationDialog(DiscardGuard, FormDialog):
    def __init__(self, user: User, parent=None) -> None:
        # The children's table and a second form go between the form and the buttons.
        super().__init__(parent, ok=QDialogButtonBox.StandardButton.Save, arrange=False)
        self.user = user
        self.case_id: int | None = None
        self.case_no = ""
        self.setWindowTitle(self.tr("生育登记"))
        self.resize(860, 680)
        self.mother = PersonField(self.tr("女方"), ResidentFilter(sex="2"))
        self.mother.setObjectName("birth_mother")
        self.father = PersonField(self.tr("男方"), ResidentFilter(sex="1"), optional=True)
        self.father.setObjectName("birth_father")
        self.marriage_date = DateField(optional=True)
        self.pregnant = QRadioButton(self.tr("孕期登记"))
        self.born = QRadioButton(self.tr("已出生"))
        self.pregnant.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.pregnant)
        group.addButton(self.born)
        self.expected_date = DateField(clock.today() + dt.timedelta(days=180))
        self.birth_date = DateField(clock.today())
        self.child = PersonField(self.tr("新生儿"), optional=True)
        self.child.changed.connect(self._child_chosen)
        birth_row = QWidget()
        brow = QHBoxLayout(birth_row)
        brow.setContentsMargins(0, 0, 0, 0)
        brow.addWidget(self.pregnant)
        brow.addWidget(QLabel(self.tr("预产期")))
        brow.addWidget(self.expected_date)
        brow.addSpacing(16)
        brow.addWidget(self.born)
        brow.addWidget(QLabel(self.tr("出生日期")))
        brow.addWidget(self.birth_date)
        brow.addStretch(1)

        self.children_table = QTableWidget(0, 7)
        self.children_table.setObjectName("birth_children")
        self.children_table.setHorizontalHeaderLabels(
            [
                self.tr("姓名"),
                self.tr("性别"),
                self.tr("出生日期"),
                self.tr("情况"),
                self.tr("已故"),
                self.tr("计入孩次"),
                self.tr("备注"),
            ]
        )
        self.children_table.verticalHeader().hide()
        self.children_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.children_table.horizontalHeader().setSectionResizeMode(
            COL_NOTE, QHeaderView.ResizeMode.Stretch
        )
        for col, width in (
            (COL_NAME, 90),
            (COL_SEX, 50),
            (COL_BIRTH, 130),
            (COL_ORIGIN, 140),
            (COL_DECEASED, 50),
            (COL_COUNTS, 70),
        ):
            self.children_table.setColumnWidth(col, width)
        self.children_table.itemChanged.connect(lambda _item: self._recount())
        self._child_meta: list[tuple[int | None, str]] = []  # (resident id, sex) per row
        reload_button = QPushButton(self.tr("从人口信息带出"))
        reload_button.clicked.connect(self.load_children)
        add_button = QPushButton(self.tr("从人口信息添加…"))
        add_button.clicked.connect(self._add_from_register)
        manual_button = QPushButton(self.tr("手工添加"))
        manual_button.clicked.connect(
            lambda: self._add_row(None, "", "0", None, "common", False, "")
        )
        remove_button = QPushButton(self.tr("移除所选"))
        remove_button.clicked.connect(self._remove_selected)
        child_buttons = QHBoxLayout()
        for button in (reload_button, add_button, manual_button, remove_button):
            child_buttons.addWidget(button)
        child_buttons.addStretch(1)

        self.suggested = QLabel()
        self.suggested.setObjectName("birth_suggested")
        self.order = QSpinBox()
        self.order.setRange(1, 20)
        self.order.setObjectName("birth_order")
        self.order.valueChanged.connect(lambda _v: self._order_changed())
        self.order_reason = QLineEdit()
        self.order_reason.setPlaceholderText(
            self.tr("孩次与计算结果不同时必填，如：另有子女户籍不在本社区")
        )
        order_row = QWidget()
        orow = QHBoxLayout(order_row)
        orow.setContentsMargins(0, 0, 0, 0)
        orow.addWidget(QLabel(self.tr("第")))
        orow.addWidget(self.order)
        orow.addWidget(QLabel(self.tr("孩")))
        orow.addWidget(self.suggested)
        orow.addWidget(self.order_reason, 1)
        self.deadline = QLabel()
        self.deadline.setObjectName("birth_deadline")
        self.deadline.setStyleSheet("font-weight: bold;")
        self.opened_on = DateField(clock.today())
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(60)

        form = self.form
        form.addRow(self.tr("女方"), self.mother)
        form.addRow(self.tr("男方"), self.father)
        form.addRow(self.tr("结婚日期"), self.marriage_date)
        form.addRow(self.tr("生育情况"), birth_row)
        form.addRow(self.tr("新生儿（已入户的）"), self.child)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("夫妻现有子女（前婚子女、收养子女和已故子女不计入孩次）")))
        layout.addWidget(self.children_table, 1)
        layout.addLayout(child_buttons)
        form2 = QFormLayout()
        form2.addRow(self.tr("本次登记孩次"), order_row)
        form2.addRow(self.tr("登记时限"), self.deadline)
        form2.addRow(self.tr("登记日期"), self.opened_on)
        form2.addRow(self.tr("备注"), self.notes)
        layout.addLayout(form2)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.mother.changed.connect(self._mother_chosen)
        self.father.changed.connect(lambda _p: self.load_children())
        for widget in (self.expected_date, self.birth_date):
            widget.dateChanged.connect(lambda _d: self._update_deadline())
        self.pregnant.toggled.connect(lambda _on: self._update_deadline())
        self._suggested_order = 1
        self._recount()
        self._update_deadline()

    # -- people -------------------------------------------------------------------------
    def _mother_chosen(self, person) -> None:
        if person is not None and self.father.person is None:
            spouse = casework_people.suggest_spouse(self.user, person.id)
            if spouse is not None:
                self.father.set_person(spouse)  # also reloads the children
                return
        self.load_children()

    def _child_chosen(self, person) -> None:
        if person is not None and person.birth_date:
            self.born.setChecked(True)
            self.birth_date.set_value(person.birth_date)
        self.load_children()

    def load_children(self) -> None:
        """The couple's children as the register shows them (replaces the table)."""
        self.children_table.setRowCount(0)
        self._child_meta = []
        if self.mother.person is None and self.father.person is None:
            self._recount()
            return
        before = self.birth_date.value() if self.born.isChecked() else None
        for c in casework_people.suggest_children(
            self.user,
            self.mother.person_id(),
            self.father.person_id(),
            exclude_child_id=self.child.person_id(),
            born_before=before,
        ):
            self._add_row(c.resident_id, c.name, c.sex, c.birth_date, c.origin, c.deceased, c.note)
        self._recount()

    def _add_from_register(self) -> None:
        picker = ResidentPicker(self, self.tr("添加子女"), user=self.user)
        if run_modal(picker) and picker.chosen is not None:
            row = picker.chosen
            self._add_row(
                row.id, row.name, row.sex, row.birth_date, "common", row.status == "deceased", ""
            )

    def _add_row(
        self,
        resident_id: int | None,
        name: str,
        sex: str,
        birth: dt.date | None,
        origin: str,
        deceased: bool,
        note: str,
    ) -> None:
        self.children_table.blockSignals(True)
        row = self.children_table.rowCount()
        self.children_table.insertRow(row)
        self._child_meta.append((resident_id, sex))
        name_item = QTableWidgetItem(name)
        if resident_id is not None:  # from the register: the name is the register's
            name_item.setFlags(name_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.children_table.setItem(row, COL_NAME, name_item)
        sex_item = QTableWidgetItem(codes.name("sex", sex))
        sex_item.setFlags(sex_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.children_table.setItem(row, COL_SEX, sex_item)
        birth_field = DateField(birth, optional=True)
        self.children_table.setCellWidget(row, COL_BIRTH, birth_field)
        origin_box = QComboBox()
        for code, label in CHILD_ORIGINS.items():
            origin_box.addItem(label, code)
        origin_box.setCurrentIndex(origin_box.findData(origin))
        origin_box.currentIndexChanged.connect(lambda _i: self._recount())
        self.children_table.setCellWidget(row, COL_ORIGIN, origin_box)
        dead_box = QCheckBox()
        dead_box.setChecked(deceased)
        dead_box.toggled.connect(lambda _on: self._recount())
        self.children_table.setCellWidget(row, COL_DECEASED, dead_box)
        counts_item = QTableWidgetItem()
        counts_item.setFlags(counts_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.children_table.setItem(row, COL_COUNTS, counts_item)
        self.children_table.setItem(row, COL_NOTE, QTableWidgetItem(note))
        self.children_table.blockSignals(False)
        self._recount()

    def _remove_selected(self) -> None:
        for row in sorted({i.row() for i in self.children_table.selectedIndexes()}, reverse=True):
            self.children_table.removeRow(row)
            del self._child_meta[row]
        self._recount()

    def child_inputs(self) -> list[ChildInput]:
        out = []
        for row in range(self.children_table.rowCount()):
            resident_id, sex = self._child_meta[row]
            name_item = self.children_table.item(row, COL_NAME)
            note_item = self.children_table.item(row, COL_NOTE)
            birth = self.children_table.cellWidget(row, COL_BIRTH)
            origin = self.children_table.cellWidget(row, COL_ORIGIN)
            dead = self.children_table.cellWidget(row, COL_DECEASED)
            assert isinstance(birth, DateField) and isinstance(origin, QComboBox)
            assert isinstance(dead, QCheckBox)
            out.append(
                ChildInput(
                    name=name_item.text() if name_item else "",
                    birth_date=birth.value(),
                    sex=sex,
                    origin=origin.currentData(),
                    deceased=dead.isChecked(),
                    resident_id=resident_id,
                    note=note_item.text() if note_item else "",
                )
            )
        return out

    # -- 孩次 and deadline ----------------------------------------------------------------
    def _recount(self) -> None:
        complete = len(self._child_meta) == self.children_table.rowCount()
        inputs = self.child_inputs() if complete else []
        self.children_table.blockSignals(True)
        for row, item in enumerate(inputs):
            cell = self.children_table.item(row, COL_COUNTS)
            if cell is not None:
                counts = casework_rules.counts_for_order(item.origin, item.deceased)
                cell.setText(self.tr("计入") if counts else self.tr("不计入"))
        self.children_table.blockSignals(False)
        self._suggested_order = casework_rules.birth_order(
            casework_rules.ChildInfo(c.name, c.birth_date, c.origin, c.deceased) for c in inputs
        )
        counted = self._suggested_order - 1
        self.suggested.setText(
            self.tr("（按规则：现有共同生育子女 %1 个，应为第 %2 孩）")
            .replace("%1", str(counted))
            .replace("%2", str(self._suggested_order))
        )
        # Follow the suggestion unless the officer has given a reason for another 孩次.
        if not self.order_reason.text().strip():
            self.order.setValue(self._suggested_order)
        self._order_changed()

    def _order_changed(self) -> None:
        differs = self.order.value() != self._suggested_order
        self.order_reason.setEnabled(differs)

    def _update_deadline(self) -> None:
        born = self.born.isChecked()
        base = self.birth_date.value() if born else self.expected_date.value()
        self.birth_date.setEnabled(born)
        self.expected_date.setEnabled(not born)
        if base is None:
            self.deadline.setText("")
            return
        deadline = casework_rules.registration_deadline(base)
        text = self.tr("出生后六个月内，即 %1 前").replace("%1", format_date(deadline))
        if not born:
            text += self.tr("（按预产期推算，出生后以出生日期为准）")
        elif deadline < clock.today():
            text += self.tr("　已超过时限，仍可补办")
        self.deadline.setText(text)

    # -- save ---------------------------------------------------------------------------
    def save(self) -> None:
        born = self.born.isChecked()
        case = casework_cases.create_birth_registration(
            self.user,
            mother_id=self.mother.person_id() or 0,
            father_id=self.father.person_id(),
            children=self.child_inputs(),
            birth_order=self.order.value(),
            order_reason=self.order_reason.text() if self.order_reason.isEnabled() else "",
            marriage_date=self.marriage_date.value(),
            expected_date=None if born else self.expected_date.value(),
            birth_date=self.birth_date.value() if born else None,
            child_id=self.child.person_id() if born else None,
            opened_on=self.opened_on.value(),
            notes=self.notes.toPlainText(),
        )
        self.case_id = case.id
        self.case_no = case.case_no
