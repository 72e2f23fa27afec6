"""补贴和扶助标准: the rates table; an administrator adds a rate from a start date or voids a
typo."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from models.casework import rates as casework_rates
from models.casework import rules as casework_rules
from models.casework.rates import RATE_KINDS, RateError
from models.casework.rules import yuan
from models.core import clock
from models.core.entities import User
from models.core.permissions import Perm, PermissionDenied, can
from ui.casework.widgets import DateField
from ui.common.dialogs import ask_text, inform, run_modal, warn
from ui.common.table_model import Column, RowsTableModel


class RatesDialog(QDialog):
    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("补贴和扶助标准"))
        self.resize(860, 460)
        self.model = RowsTableModel(
            [
                Column(self.tr("种类"), lambda r: r.kind_name),
                Column(self.tr("起始日期"), lambda r: r.start_date),
                Column(self.tr("每月金额（元）"), lambda r: yuan(r.monthly_fen)),
                Column(self.tr("来源"), lambda r: self.tr("内置") if r.built_in else r.username),
                Column(
                    self.tr("说明"),
                    lambda r: (
                        r.note
                        + (
                            self.tr("〔已作废：%1〕").replace("%1", r.void_reason)
                            if r.voided
                            else ""
                        )
                    ),
                ),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        note = QLabel(
            self.tr(
                "每月按当月1日执行的标准计算。新增标准只影响其起始日期以后的月份，"
                "此前各月应发金额不变。录错的标准可作废（保留记录）。"
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(note)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("新增标准…"))
        self.add_button.clicked.connect(self.add_rate)
        self.void_button = QPushButton(self.tr("作废所选…"))
        self.void_button.clicked.connect(self.void_selected)
        editable = can(user, Perm.RATES_EDIT)
        for button in (self.add_button, self.void_button):
            button.setEnabled(editable)
            if not editable:
                button.setToolTip(self.tr("仅系统管理员可以修改标准"))
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(casework_rates.list_rates())
        self.table.resizeColumnsToContents()

    def add_rate(self) -> None:
        dialog = NewRateDialog(self)
        if not run_modal(dialog):
            return
        try:
            casework_rates.add_rate(
                self.user,
                dialog.kind.currentData(),
                dialog.start_value(),
                round(dialog.amount.value() * 100),
                dialog.note.text(),
            )
        except (RateError, PermissionDenied) as exc:
            warn(self, self.tr("补贴和扶助标准"), str(exc))
            return
        self.refresh()

    def void_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        rate = self.model.row_at(rows[0].row())
        if rate.built_in or rate.voided:
            inform(
                self,
                self.tr("补贴和扶助标准"),
                self.tr("内置标准不能作废，可新增同一起始日期的标准予以更正。")
                if rate.built_in
                else self.tr("该标准已作废。"),
            )
            return
        reason = ask_text(self, self.tr("作废标准"), self.tr("作废原因（必填）："))
        if reason is None:
            return
        try:
            casework_rates.void_rate(self.user, rate.id, reason)
        except (RateError, PermissionDenied) as exc:
            warn(self, self.tr("补贴和扶助标准"), str(exc))
            return
        self.refresh()


class NewRateDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新增标准"))
        self.kind = QComboBox()
        for code, label in RATE_KINDS.items():
            self.kind.addItem(label, code)
        today = clock.today()
        self.start = DateField(casework_rules.add_months(casework_rules.month_start(today), 1))
        self.amount = QDoubleSpinBox()
        self.amount.setRange(0.01, 100000)
        self.amount.setDecimals(2)
        self.amount.setSuffix(self.tr(" 元／月"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("文件依据，如：陕卫人口发〔2027〕1号"))
        form = QFormLayout(self)
        form.addRow(self.tr("种类"), self.kind)
        form.addRow(self.tr("起始日期（按月，取当月1日）"), self.start)
        form.addRow(self.tr("每月金额"), self.amount)
        form.addRow(self.tr("依据／说明"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def start_value(self) -> dt.date:
        return casework_rules.month_start(self.start.value() or clock.today())
