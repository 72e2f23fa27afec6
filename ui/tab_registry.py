"""The 户籍人口 tab. Until the full register is built it shows each compound's totals."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from models import compounds
from models.entities import User
from ui.table_model import Column, RowsTableModel

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class RegistryTab(QWidget):
    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.model = RowsTableModel(
            [
                Column(self.tr("小区"), lambda s: s.name),
                Column(self.tr("牵头单位"), lambda s: s.lead_unit),
                Column(self.tr("户数"), lambda s: s.households, _RIGHT),
                Column(self.tr("在册人数"), lambda s: s.residents, _RIGHT),
            ]
        )
        self.table = QTableView()
        self.table.setObjectName("compound_table")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.note = QLabel(
            self.tr("住户与居民的查询、登记、迁入迁出和花名册导入功能即将提供。")
        )
        self.note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        self.refresh()

    def refresh(self) -> None:
        rows = compounds.summary()
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.heading.setText(
            self.tr("共 %1 个小区，%2 户，%3 人在册")
            .replace("%1", str(len(rows)))
            .replace("%2", f"{sum(r.households for r in rows):,}")
            .replace("%3", f"{sum(r.residents for r in rows):,}")
        )
