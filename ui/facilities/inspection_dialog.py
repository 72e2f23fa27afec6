"""Record an inspection with its findings; close a hazard with a photo of the fix."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
)

from models.core import clock
from models.core.entities import User
from models.facilities.centre import SpaceRow
from models.facilities.entities import HAZARD_NAMES
from models.facilities.inspections import (
    FindingInput,
    FindingRow,
    add_finding,
    close_hazard,
    record_inspection,
)
from ui.common.dialogs import run_modal
from ui.common.discard_guard import DiscardGuard
from ui.common.form_dialog import FormDialog, Invalid
from ui.common.table_model import Column, RowsTableModel
from ui.facilities.widgets import PendingPhotos, from_qdate, to_qdate

DEFAULT_DEADLINE_DAYS = 30


def _date_edit(day: dt.date, name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(to_qdate(day))
    return edit


class FindingDialog(DiscardGuard, FormDialog):
    """One finding: what, where, and, for a hazard, its category, deadline and who fixes it."""

    def __init__(
        self,
        spaces: list[SpaceRow],
        inspected_on: dt.date,
        finding: FindingInput | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("检查发现"))
        self.resize(500, 440)
        self.result_finding: FindingInput | None = None
        self.space = QComboBox()
        self.space.setObjectName("finding_space")
        self.space.addItem(self.tr("（不指定用房）"), None)
        for s in spaces:
            self.space.addItem(s.name, s.id)
        self.description = QPlainTextEdit()
        self.description.setObjectName("finding_description")
        self.description.setPlaceholderText(
            self.tr("发现的情况，例如：木板隔断，可燃物多，无应急照明")
        )
        self.description.setMaximumHeight(90)
        self.is_hazard = QCheckBox(self.tr("这是安全隐患，需要整改(&H)"))
        self.is_hazard.setObjectName("finding_is_hazard")
        self.category = QComboBox()
        self.category.setObjectName("finding_category")
        for code, label in HAZARD_NAMES.items():
            self.category.addItem(self.tr(label), code)
        self.deadline = _date_edit(
            inspected_on + dt.timedelta(days=DEFAULT_DEADLINE_DAYS), "finding_deadline"
        )
        self.responsible = QLineEdit()
        self.responsible.setObjectName("finding_responsible")
        self.responsible.setPlaceholderText(self.tr("整改责任人姓名"))
        self.photos = PendingPhotos(self.tr("选择现场照片"))
        form = self.form
        form.addRow(self.tr("位置(&R)："), self.space)
        form.addRow(self.tr("情况(&D)："), self.description)
        form.addRow("", self.is_hazard)
        form.addRow(self.tr("隐患类别(&C)："), self.category)
        form.addRow(self.tr("整改期限(&L)："), self.deadline)
        form.addRow(self.tr("责任人(&P)："), self.responsible)
        form.addRow(self.tr("现场照片："), self.photos)
        self.is_hazard.toggled.connect(self._hazard_toggled)
        if finding is not None:
            self.space.setCurrentIndex(max(self.space.findData(finding.space_id), 0))
            self.description.setPlainText(finding.description)
            self.is_hazard.setChecked(finding.is_hazard)
            if finding.category:
                self.category.setCurrentIndex(max(self.category.findData(finding.category), 0))
            if finding.deadline:
                self.deadline.setDate(to_qdate(finding.deadline))
            self.responsible.setText(finding.responsible)
            for path in finding.photos:
                self.photos.paths.append(path)
                self.photos.list.addItem(path.name)
        self._hazard_toggled(self.is_hazard.isChecked())

    def _hazard_toggled(self, on: bool) -> None:
        for widget in (self.category, self.deadline, self.responsible):
            widget.setEnabled(on)

    def save(self) -> None:
        if not self.description.toPlainText().strip():
            raise Invalid(self.tr("请填写发现的情况。"))
        hazard = self.is_hazard.isChecked()
        if hazard and not self.responsible.text().strip():
            raise Invalid(self.tr("请填写隐患整改责任人。"))
        self._store(
            FindingInput(
                description=self.description.toPlainText().strip(),
                space_id=self.space.currentData(),
                is_hazard=hazard,
                category=self.category.currentData() if hazard else "",
                deadline=from_qdate(self.deadline.date()) if hazard else None,
                responsible=self.responsible.text().strip() if hazard else "",
                photos=list(self.photos.paths),
            )
        )

    def _store(self, finding: FindingInput) -> None:
        """A finding of an inspection being recorded: kept until the inspection is saved."""
        self.result_finding = finding


def _finding_columns(parent: QDialog, spaces: list[SpaceRow]) -> list[Column]:
    names = {s.id: s.name for s in spaces}
    return [
        Column(parent.tr("隐患"), lambda f: parent.tr("是") if f.is_hazard else ""),
        Column(parent.tr("类别"), lambda f: HAZARD_NAMES.get(f.category, "")),
        Column(parent.tr("位置"), lambda f: names.get(f.space_id, "")),
        Column(parent.tr("情况"), lambda f: f.description),
        Column(parent.tr("期限"), lambda f: f.deadline or ""),
        Column(parent.tr("责任人"), lambda f: f.responsible),
        Column(parent.tr("照片"), lambda f: len(f.photos) or ""),
    ]


class InspectionDialog(DiscardGuard, FormDialog):
    """Date, inspector, notes and any number of findings, saved together."""

    def __init__(
        self,
        user: User,
        centre_id: int,
        spaces: list[SpaceRow],
        today: dt.date | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent, ok=QDialogButtonBox.StandardButton.Save)
        self.user = user
        self.centre_id = centre_id
        self.spaces = spaces
        self.today = today or clock.today()
        self.saved_id: int | None = None
        self.findings: list[FindingInput] = []
        self.setWindowTitle(self.tr("登记安全检查"))
        self.resize(760, 520)
        self.inspected_on = _date_edit(self.today, "inspection_date")
        self.inspected_on.setMaximumDate(to_qdate(self.today))
        self.inspector = QLineEdit(user.display_name)
        self.inspector.setObjectName("inspection_inspector")
        self.inspector.setPlaceholderText(self.tr("检查人姓名和单位，例如：县消防救援大队 王磊"))
        self.notes = QLineEdit()
        self.notes.setObjectName("inspection_notes")
        self.notes.setPlaceholderText(self.tr("例如：冬季消防安全检查"))
        self.model = RowsTableModel(_finding_columns(self, spaces))
        self.table = QTableView()
        self.table.setObjectName("inspection_findings")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.edit_finding())
        self.add_button = QPushButton(self.tr("添加发现(&A)…"))
        self.add_button.setObjectName("add_finding")
        self.add_button.clicked.connect(self.add_finding)
        edit = QPushButton(self.tr("修改(&E)…"))
        edit.clicked.connect(self.edit_finding)
        remove = QPushButton(self.tr("移除(&R)"))
        remove.clicked.connect(self.remove_finding)
        form = self.form
        form.addRow(self.tr("检查日期(&T)："), self.inspected_on)
        form.addRow(self.tr("检查人(&W)："), self.inspector)
        form.addRow(self.tr("检查内容："), self.notes)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("检查发现（没有发现也可保存）：")))
        row.addStretch()
        for button in (self.add_button, edit, remove):
            row.addWidget(button)
        self.save_button = self.ok_button
        self.save_button.setText(self.tr("保存(&S)"))
        layout = self.main_layout
        assert layout is not None  # FormDialog arranged form, error line and buttons
        layout.insertLayout(1, row)
        layout.insertWidget(2, self.table, 1)

    def _finding_dialog(self, finding: FindingInput | None = None) -> FindingDialog:
        return FindingDialog(self.spaces, from_qdate(self.inspected_on.date()), finding, self)

    def add_finding(self) -> None:
        dialog = self._finding_dialog()
        if run_modal(dialog) and dialog.result_finding is not None:
            self.findings.append(dialog.result_finding)
            self.model.set_rows(self.findings)

    def _current(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def edit_finding(self) -> None:
        index = self._current()
        if index < 0:
            return
        dialog = self._finding_dialog(self.findings[index])
        if run_modal(dialog) and dialog.result_finding is not None:
            self.findings[index] = dialog.result_finding
            self.model.set_rows(self.findings)

    def remove_finding(self) -> None:
        index = self._current()
        if index >= 0:  # not saved yet: removing it from the list loses nothing recorded
            del self.findings[index]
            self.model.set_rows(self.findings)

    def save(self) -> None:
        self.saved_id = record_inspection(
            self.user,
            self.centre_id,
            from_qdate(self.inspected_on.date()),
            self.inspector.text(),
            self.findings,
            self.notes.text(),
            today=self.today,
        )


class AddFindingDialog(FindingDialog):
    """A finding added later to an inspection already on record."""

    def __init__(
        self,
        user: User,
        inspection_id: int,
        inspected_on: dt.date,
        spaces: list[SpaceRow],
        parent=None,
    ) -> None:
        super().__init__(spaces, inspected_on, None, parent)
        self.user = user
        self.inspection_id = inspection_id
        self.saved_id: int | None = None

    def _store(self, finding: FindingInput) -> None:
        """A finding of an inspection on record: saved now."""
        self.saved_id = add_finding(self.user, self.inspection_id, finding)
        self.result_finding = finding


class CloseHazardDialog(DiscardGuard, FormDialog):
    """整改销号: date fixed, what was done, and at least one photo of the result."""

    def __init__(
        self, user: User, hazard: FindingRow, today: dt.date | None = None, parent=None
    ) -> None:
        super().__init__(parent)
        self.user = user
        self.hazard = hazard
        self.today = today or clock.today()
        self.setWindowTitle(self.tr("隐患整改销号"))
        self.resize(520, 400)
        what = QLabel(
            self.tr("%1隐患（%2发现）：%3")
            .replace("%1", hazard.category_name)
            .replace("%2", hazard.inspected_on.isoformat())
            .replace("%3", hazard.description)
        )
        what.setWordWrap(True)
        self.fixed_on = _date_edit(self.today, "fix_date")
        self.fixed_on.setMaximumDate(to_qdate(self.today))
        self.fixed_on.setMinimumDate(to_qdate(hazard.inspected_on))
        self.fix_notes = QPlainTextEdit()
        self.fix_notes.setObjectName("fix_notes")
        self.fix_notes.setPlaceholderText(
            self.tr("整改措施，例如：拆除木板隔断，改为轻钢龙骨防火板")
        )
        self.fix_notes.setMaximumHeight(90)
        self.photos = PendingPhotos(self.tr("选择整改后的照片"))
        # A photo added answers "必须有整改后的照片": the old error would only mislead.
        self.photos.changed.connect(lambda: self.error.clear() if self.photos.paths else None)
        form = self.form
        form.addRow(self.tr("整改日期(&T)："), self.fixed_on)
        form.addRow(self.tr("整改措施(&M)："), self.fix_notes)
        form.addRow(self.tr("整改后照片："), self.photos)
        form.addRow("", QLabel(self.tr("（必须有整改后的照片才能销号）")))
        self.ok_button.setText(self.tr("销号(&O)"))
        assert self.main_layout is not None  # FormDialog arranged form, error line and buttons
        self.main_layout.insertWidget(0, what)

    def save(self) -> None:
        close_hazard(
            self.user,
            self.hazard.id,
            from_qdate(self.fixed_on.date()),
            self.fix_notes.toPlainText(),
            self.photos.paths,
            today=self.today,
        )
