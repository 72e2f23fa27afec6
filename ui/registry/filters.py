"""The registry tab's filter bar: compound, category, special group, age band, sex and status.

``changed`` fires whenever a choice changes; ``current()`` is the choice as a ResidentFilter
(the words typed into the search box are the tab's own).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from models.registry.compounds import CompoundSummary
from models.registry.search import ResidentFilter
from ui.registry.widgets import CodeCombo

AGE_BANDS = [
    ("全部年龄", None, None),
    ("0–2岁", 0, 2),
    ("3–6岁", 3, 6),
    ("7–17岁", 7, 17),
    ("18–59岁", 18, 59),
    ("60岁及以上", 60, None),
    ("80岁及以上", 80, None),
]
STATUSES = [
    ("在册", "current"),
    ("已迁出", "moved_out"),
    ("已死亡", "deceased"),
    ("全部状态", None),
]


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.compound = QComboBox()
        self.compound.setObjectName("filter_compound")
        self.category = CodeCombo("category", blank=self.tr("全部类别"))
        self.category.setObjectName("filter_category")
        self.tag = CodeCombo("special_group", blank=self.tr("全部人群"))
        self.tag.setObjectName("filter_tag")
        self.age = QComboBox()
        self.age.setObjectName("filter_age")
        for label, low, high in AGE_BANDS:
            self.age.addItem(self.tr(label), (low, high))
        self.sex = CodeCombo("sex", blank=self.tr("全部性别"))
        self.sex.setObjectName("filter_sex")
        self.status = QComboBox()
        self.status.setObjectName("filter_status")
        for label, code in STATUSES:
            self.status.addItem(self.tr(label), code)
        clear = QPushButton(self.tr("清除条件"))
        clear.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("筛选：")))
        for combo in self.combos():
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            layout.addWidget(combo)
        layout.addWidget(clear)
        layout.addStretch(1)

    def combos(self) -> tuple[QComboBox, ...]:
        return (self.compound, self.category, self.tag, self.age, self.sex, self.status)

    def current(self) -> ResidentFilter:
        low, high = self.age.currentData() or (None, None)
        return ResidentFilter(
            compound_id=self.compound.currentData() or None,
            category=self.category.code() or None,
            status=self.status.currentData(),
            sex=self.sex.code() or None,
            tag=self.tag.code() or None,
            min_age=low,
            max_age=high,
        )

    def clear(self) -> None:
        for combo in self.combos():
            combo.setCurrentIndex(0)

    def set_compounds(self, rows: Sequence[CompoundSummary]) -> None:
        """The compounds to choose from, keeping the chosen one (quietly: no ``changed``)."""
        keep = self.compound.currentData()
        self.compound.blockSignals(True)
        self.compound.clear()
        self.compound.addItem(self.tr("全部小区"), None)
        for s in rows:
            self.compound.addItem(s.name, s.id)
        self.compound.setCurrentIndex(max(0, self.compound.findData(keep)))
        self.compound.blockSignals(False)
