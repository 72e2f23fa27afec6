"""Record or change one line of a space's equipment register."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
)

from models.core import clock
from models.core.entities import User
from models.facilities.centre import (
    EquipmentRow,
    SpaceRow,
    parse_value,
    save_equipment,
)
from models.facilities.entities import CONDITION_NAMES
from models.facilities.standard import Standard
from ui.common.discard_guard import DiscardGuard
from ui.common.form_dialog import FormDialog, Invalid
from ui.facilities.widgets import from_qdate, to_qdate


class EquipmentDialog(DiscardGuard, FormDialog):
    def __init__(
        self,
        user: User,
        spaces: list[SpaceRow],
        standard: Standard,
        equipment: EquipmentRow | None = None,
        space_id: int | None = None,
        name: str = "",
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.user = user
        self.spaces = spaces
        self.standard = standard
        self.equipment = equipment
        self.saved: EquipmentRow | None = None
        self.setWindowTitle(self.tr("修改设备") if equipment else self.tr("登记设备"))
        self.resize(460, 420)

        self.space = QComboBox()
        self.space.setObjectName("equipment_space")
        for s in spaces:
            self.space.addItem(s.name, s.id)
        self.name = QComboBox()
        self.name.setObjectName("equipment_name")
        self.name.setEditable(True)
        name_edit = self.name.lineEdit()
        assert name_edit is not None  # editable since setEditable(True) above
        name_edit.setPlaceholderText(self.tr("可从标准要求的设备中选择，也可直接输入"))
        self.quantity = QSpinBox()
        self.quantity.setObjectName("equipment_quantity")
        self.quantity.setRange(1, 100000)
        self.condition = QComboBox()
        self.condition.setObjectName("equipment_condition")
        for code, label in CONDITION_NAMES.items():
            self.condition.addItem(self.tr(label), code)
        self.asset_tag = QLineEdit()
        self.asset_tag.setPlaceholderText(self.tr("固定资产编号，没有可不填"))
        self.has_date = QCheckBox(self.tr("已知"))
        self.purchase_date = QDateEdit()
        self.purchase_date.setObjectName("equipment_date")
        self.purchase_date.setCalendarPopup(True)
        self.purchase_date.setDisplayFormat("yyyy-MM-dd")
        self.purchase_date.setDate(to_qdate(clock.today()))
        self.has_date.toggled.connect(self.purchase_date.setEnabled)
        self.value = QLineEdit()
        self.value.setObjectName("equipment_value")
        self.value.setPlaceholderText(self.tr("元（整行合计），没有可不填"))
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(60)

        date_row = QHBoxLayout()
        date_row.addWidget(self.has_date)
        date_row.addWidget(self.purchase_date, 1)
        form = self.form
        form.addRow(self.tr("所在用房(&R)："), self.space)
        form.addRow(self.tr("设备名称(&N)："), self.name)
        form.addRow(self.tr("数量(&Q)："), self.quantity)
        form.addRow(self.tr("状况(&C)："), self.condition)
        form.addRow(self.tr("资产编号(&T)："), self.asset_tag)
        form.addRow(self.tr("购置日期："), date_row)
        form.addRow(self.tr("价值(&V)："), self.value)
        form.addRow(self.tr("备注："), self.notes)

        self.space.currentIndexChanged.connect(self._offer_names)
        if equipment is not None:
            self.space.setCurrentIndex(max(self.space.findData(equipment.space_id), 0))
            self._offer_names()
            self.name.setEditText(equipment.name)
            self.quantity.setValue(equipment.quantity)
            self.condition.setCurrentIndex(max(self.condition.findData(equipment.condition), 0))
            self.asset_tag.setText(equipment.asset_tag)
            if equipment.purchase_date:
                self.purchase_date.setDate(to_qdate(equipment.purchase_date))
            self.has_date.setChecked(equipment.purchase_date is not None)
            self.value.setText("" if equipment.value is None else str(equipment.value))
            self.notes.setPlainText(equipment.notes)
        else:
            if space_id is not None:
                self.space.setCurrentIndex(max(self.space.findData(space_id), 0))
            self._offer_names()
            self.name.setEditText(name)
            self.has_date.setChecked(False)
        self.purchase_date.setEnabled(self.has_date.isChecked())

    def _offer_names(self) -> None:
        """The names the standard asks for in this space's item, so that they match exactly."""
        text = self.name.currentText()
        self.name.clear()
        space = next((s for s in self.spaces if s.id == self.space.currentData()), None)
        item = self.standard.item(space.item_code) if space else None
        if item is not None:
            for need in item.equipment:
                self.name.addItem(need.name)
        self.name.setEditText(text)

    def save(self) -> None:
        if self.space.currentData() is None:
            raise Invalid(self.tr("请先登记用房，再登记其中的设备。"))
        value = parse_value(self.value.text())
        self.saved = save_equipment(
            self.user,
            self.space.currentData(),
            self.equipment.id if self.equipment else None,
            name=self.name.currentText(),
            quantity=self.quantity.value(),
            condition=self.condition.currentData(),
            asset_tag=self.asset_tag.text(),
            purchase_date=from_qdate(self.purchase_date.date())
            if self.has_date.isChecked()
            else None,
            value=value,
            notes=self.notes.toPlainText(),
        )
