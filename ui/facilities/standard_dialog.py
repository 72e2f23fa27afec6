"""The standard the centres are held to: its items, the floor-area rule, templates."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from models.core.entities import User
from models.core.permissions import Perm, PermissionDenied, can
from models.facilities import standard as standards
from models.facilities.assess import format_area
from models.facilities.entities import KIND_NAMES
from models.facilities.standard import StandardError, StandardItem
from ui.common.dialogs import confirm, open_file, run_modal, save_file
from ui.common.discard_guard import DiscardGuard
from ui.common.form_dialog import FormDialog
from ui.common.table_model import Column, RowsTableModel
from ui.facilities.widgets import GREY, error_label

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _number_edit(value: float, top: float, name: str) -> QLineEdit:
    edit = QLineEdit(format_area(value))
    edit.setObjectName(name)
    edit.setValidator(QDoubleValidator(0.0, top, 2, edit))
    return edit


def _float(edit: QLineEdit) -> float | None:
    text = edit.text().strip()
    return float(text) if text else None


class ItemDialog(DiscardGuard, FormDialog):
    """One item: name, kind, minimum area, required equipment (one a line)."""

    errors = (ValueError,)  # a minimum area that is not a number

    def __init__(
        self, user: User, standard_id: int, item: StandardItem | None = None, parent=None
    ) -> None:
        super().__init__(parent)
        self.user = user
        self.standard_id = standard_id
        self.item = item
        self.setWindowTitle(self.tr("修改标准项目") if item else self.tr("增加标准项目"))
        self.resize(460, 480)
        self.name = QLineEdit(item.name if item else "")
        self.name.setObjectName("item_name")
        self.name.setPlaceholderText(self.tr("例如：老年人日间照料室"))
        self.kind = QComboBox()
        self.kind.setObjectName("item_kind")
        for code, label in KIND_NAMES.items():
            self.kind.addItem(self.tr(label), code)
        if item:
            self.kind.setCurrentIndex(max(self.kind.findData(item.kind), 0))
        self.min_area = QLineEdit(
            "" if not item or item.min_area is None else format_area(item.min_area)
        )
        self.min_area.setObjectName("item_min_area")
        self.min_area.setValidator(QDoubleValidator(0.0, 100000.0, 1, self.min_area))
        self.min_area.setPlaceholderText(self.tr("平方米；不要求面积可不填"))
        self.resident_use = QCheckBox(self.tr("居民活动用房"))
        self.resident_use.setChecked(bool(item and item.resident_use))
        self.equipment = QPlainTextEdit(
            standards.format_equipment_lines(item.equipment) if item else ""
        )
        self.equipment.setObjectName("item_equipment")
        self.equipment.setPlaceholderText(
            self.tr("每行一项：名称 数量单位，例如\n办公桌 2张\n灭火器 2具")
        )
        self.notes = QLineEdit(item.notes if item else "")
        form = self.form
        form.addRow(self.tr("名称(&N)："), self.name)
        form.addRow(self.tr("类别(&K)："), self.kind)
        form.addRow(self.tr("最低面积(&M)："), self.min_area)
        form.addRow("", self.resident_use)
        form.addRow(self.tr("必备设备(&E)："), self.equipment)
        form.addRow(self.tr("说明："), self.notes)

    def save(self) -> None:
        equipment = standards.parse_equipment_lines(self.equipment.toPlainText())
        args = dict(
            name=self.name.text(),
            kind=self.kind.currentData(),
            min_area=_float(self.min_area),
            equipment=equipment,
            resident_use=self.resident_use.isChecked(),
            notes=self.notes.text(),
        )
        if self.item is None:
            standards.add_item(self.user, self.standard_id, **args)
        else:
            standards.update_item(self.user, self.item.id, **args)


class StandardDialog(QDialog):
    """View the active standard; with the right, edit it or load another province's."""

    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.changed = False
        self.may_edit = can(user, Perm.FACILITIES_STANDARD)
        self.setWindowTitle(self.tr("设施建设标准"))
        self.resize(900, 600)
        self.name = QLineEdit()
        self.name.setObjectName("standard_name")
        self.per_100 = _number_edit(30, 1000, "standard_per_100")
        self.min_total = _number_edit(300, 100000, "standard_min_total")
        self.share = _number_edit(60, 100, "standard_share")
        self.save_rule = QPushButton(self.tr("保存参数(&V)"))
        self.save_rule.clicked.connect(self.save_parameters)
        rule = QHBoxLayout()
        for label, widget, unit in [
            (self.tr("每百户不少于"), self.per_100, self.tr("m²，总面积不少于")),
            (None, self.min_total, self.tr("m²，居民活动用房不少于")),
            (None, self.share, "%"),
        ]:
            if label:
                rule.addWidget(QLabel(label))
            rule.addWidget(widget)
            rule.addWidget(QLabel(unit))
        rule.addStretch()
        rule.addWidget(self.save_rule)
        self.model = RowsTableModel(
            [
                Column(self.tr("项目"), lambda i: i.name),
                Column(self.tr("类别"), lambda i: i.kind_name),
                Column(self.tr("最低面积（m²）"), lambda i: format_area(i.min_area), _RIGHT),
                Column(self.tr("居民活动"), lambda i: self.tr("是") if i.resident_use else ""),
                Column(self.tr("必备设备"), lambda i: "、".join(e.label() for e in i.equipment)),
            ]
        )
        self.table = QTableView()
        self.table.setObjectName("standard_items")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.edit_item())
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setStyleSheet(f"color: {GREY};")
        self.edit_buttons: list[QPushButton] = []
        row = QHBoxLayout()
        for text, slot, name in [
            (self.tr("增加项目(&A)…"), self.add_item, "add_item"),
            (self.tr("修改项目(&E)…"), self.edit_item, "edit_item"),
            (self.tr("移除项目(&D)…"), self.remove_item, "remove_item"),
            (self.tr("载入模板(&L)…"), self.load_template, "load_template"),
            (self.tr("恢复陕西默认标准"), self.load_default, "load_default"),
        ]:
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.edit_buttons.append(button)
        export = QPushButton(self.tr("导出模板(&X)…"))
        export.clicked.connect(self.export_template)
        row.addWidget(export)
        row.addStretch()
        self.error = error_label()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("标准名称："), self.name)
        form.addRow(self.tr("面积规则："), rule)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.source)
        layout.addLayout(row)
        if not self.may_edit:
            note = QLabel(self.tr("只有主任或系统管理员可以修改标准。"))
            note.setStyleSheet(f"color: {GREY};")
            layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(close)
        for button in [*self.edit_buttons, self.save_rule]:
            button.setEnabled(self.may_edit)
        for edit in (self.name, self.per_100, self.min_total, self.share):
            edit.setReadOnly(not self.may_edit)
        self.reload()

    def reload(self) -> None:
        std = standards.active_standard()
        self.standard = std
        self.name.setText(std.name)
        self.per_100.setText(format_area(std.per_100_households))
        self.min_total.setText(format_area(std.min_total_area))
        self.share.setText(format_area(std.resident_share * 100))
        self.model.set_rows(list(std.items))
        self.table.resizeColumnsToContents()
        self.source.setText("\n".join(t for t in (std.source, std.notes) if t))

    def _selected(self) -> StandardItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _done(self) -> None:
        self.changed = True
        self.error.clear()
        self.reload()

    def save_parameters(self) -> None:
        try:
            share = _float(self.share)
            standards.update_rule(
                self.user,
                self.standard.id,
                name=self.name.text(),
                per_100_households=_float(self.per_100),
                min_total_area=_float(self.min_total),
                resident_share=None if share is None else share / 100,
            )
        except (StandardError, PermissionDenied, ValueError) as exc:
            self.error.setText(str(exc))
            return
        self._done()

    def add_item(self) -> None:
        if run_modal(ItemDialog(self.user, self.standard.id, None, self)):
            self._done()

    def edit_item(self) -> None:
        item = self._selected()
        if (
            item is not None
            and self.may_edit
            and run_modal(ItemDialog(self.user, self.standard.id, item, self))
        ):
            self._done()

    def remove_item(self) -> None:
        item = self._selected()
        if item is None:
            return
        if not confirm(
            self,
            self.tr("移除项目"),
            self.tr(
                "从标准中移除“%1”？\n已登记的对应用房不会删除，将列为“标准以外的用房”。"
            ).replace("%1", item.name),
            default_no=False,
        ):
            return
        try:
            standards.remove_item(self.user, item.id)
        except PermissionDenied as exc:
            self.error.setText(str(exc))
            return
        self._done()

    def _confirm_replace(self, what: str) -> bool:
        return confirm(
            self,
            self.tr("更换标准"),
            self.tr(
                "用“%1”替换当前标准？\n当前标准会保留在数据库中（停用），各中心将按新标准重新评定。"
            ).replace("%1", what),
            default_no=False,
        )

    def load_template(self) -> None:
        path = open_file(
            self, self.tr("载入标准模板"), str(Path.home()), self.tr("标准模板 (*.json)")
        )
        if path is None or not self._confirm_replace(path.name):
            return
        try:
            standards.load_template_file(self.user, path)
        except (StandardError, PermissionDenied) as exc:
            self.error.setText(str(exc))
            return
        self._done()

    def load_default(self) -> None:
        if not self._confirm_replace(self.tr("陕西省2012年标准（默认）")):
            return
        try:
            standards.load_template_file(self.user, standards.DEFAULT_TEMPLATE)
        except (StandardError, PermissionDenied) as exc:
            self.error.setText(str(exc))
            return
        self._done()

    def export_template(self) -> None:
        chosen = save_file(
            self,
            self.tr("导出标准模板"),
            str(Path.home() / f"{self.standard.name}.json"),
            self.tr("标准模板 (*.json)"),
        )
        if chosen is None:
            return
        path = str(chosen)
        try:
            standards.save_template(self.standard.id, path)
        except OSError as exc:
            self.error.setText(self.tr("无法保存：%1").replace("%1", str(exc)))
            return
        self.error.setText(self.tr("已导出到 %1").replace("%1", path))
