"""The activity plan (活动方案) page of the event window: every field of the plan."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.events.entities import EVENT_TYPES
from models.events.service import PlanFields
from ui.events.common import from_qdate, to_qdate
from ui.events.new_dialog import fill_compounds

_TEXTS = [
    ("purpose", "活动目的"),
    ("content", "活动内容"),
    ("running_order", "活动流程（每行一步）"),
    ("publicity_plan", "宣传安排"),
    ("rules", "现场要求"),
    ("safety_plan", "安全与应急预案"),
    ("cleanup", "活动结束（清理、收尾）"),
]


class PlanPage(QWidget):
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = QLineEdit()
        self.title.setObjectName("plan_title")
        self.event_type = QComboBox()
        self.event_type.setObjectName("plan_type")
        for code, name in EVENT_TYPES.items():
            self.event_type.addItem(name, code)
        self.compound = QComboBox()
        fill_compounds(self.compound, self.tr("全社区"))
        self.date = QDateEdit()
        self.date.setObjectName("plan_date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy年M月d日")
        time_rx = QRegularExpressionValidator(QRegularExpression(r"^([01]?\d|2[0-3]):[0-5]\d$|^$"))
        self.start_time = QLineEdit()
        self.end_time = QLineEdit()
        for edit, hint in ((self.start_time, "19:00"), (self.end_time, "21:30")):
            edit.setValidator(time_rx)
            edit.setPlaceholderText(hint)
            edit.setMaximumWidth(80)
        self.place = QLineEdit()
        self.audience = QLineEdit()
        self.expected = QSpinBox()
        self.expected.setRange(0, 100000)
        self.expected.setSuffix(self.tr(" 人"))
        when = QHBoxLayout()
        when.addWidget(self.date)
        when.addWidget(self.start_time)
        when.addWidget(QLabel("—"))
        when.addWidget(self.end_time)
        when.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("活动主题："), self.title)
        kind = QHBoxLayout()
        kind.addWidget(self.event_type)
        kind.addWidget(QLabel(self.tr("小区：")))
        kind.addWidget(self.compound)
        kind.addStretch(1)
        form.addRow(self.tr("活动类型："), kind)
        form.addRow(self.tr("时间："), when)
        form.addRow(self.tr("地点："), self.place)
        who = QHBoxLayout()
        who.addWidget(self.audience, 1)
        who.addWidget(QLabel(self.tr("预计：")))
        who.addWidget(self.expected)
        form.addRow(self.tr("活动对象："), who)
        self.texts: dict[str, QPlainTextEdit] = {}
        for name, label in _TEXTS:
            text_edit = QPlainTextEdit()
            text_edit.setObjectName(f"plan_{name}")
            text_edit.setTabChangesFocus(True)
            text_edit.setMinimumHeight(64)
            text_edit.setMaximumHeight(120)
            self.texts[name] = text_edit
            form.addRow(self.tr(label) + "：", text_edit)
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        for edit in (self.title, self.start_time, self.end_time, self.place, self.audience):
            edit.textEdited.connect(lambda _t: self.changed.emit())
        for box in (self.event_type, self.compound):
            box.activated.connect(lambda _i: self.changed.emit())
        self.date.dateChanged.connect(lambda _d: self.changed.emit())
        self.expected.valueChanged.connect(lambda _v: self.changed.emit())
        for text_edit in self.texts.values():
            text_edit.textChanged.connect(self.changed.emit)

    def set_plan(self, plan: PlanFields) -> None:
        blockers = [w.blockSignals(True) for w in self._widgets()]
        self.title.setText(plan.title)
        self.event_type.setCurrentIndex(max(0, self.event_type.findData(plan.event_type)))
        self.compound.setCurrentIndex(max(0, self.compound.findData(plan.compound_id)))
        self.date.setDate(to_qdate(plan.event_date))
        self.start_time.setText(plan.start_time)
        self.end_time.setText(plan.end_time)
        self.place.setText(plan.place)
        self.audience.setText(plan.audience)
        self.expected.setValue(plan.expected_count)
        for name, edit in self.texts.items():
            edit.setPlainText(getattr(plan, name))
        for widget, _was in zip(self._widgets(), blockers, strict=True):
            widget.blockSignals(False)

    def _widgets(self) -> list[QWidget]:
        return [
            self.title,
            self.event_type,
            self.compound,
            self.date,
            self.start_time,
            self.end_time,
            self.place,
            self.audience,
            self.expected,
            *self.texts.values(),
        ]

    def plan(self) -> PlanFields:
        values = {name: edit.toPlainText() for name, edit in self.texts.items()}
        return PlanFields(
            title=self.title.text(),
            event_type=self.event_type.currentData(),
            compound_id=self.compound.currentData(),
            event_date=from_qdate(self.date.date()),
            start_time=self.start_time.text().strip(),
            end_time=self.end_time.text().strip(),
            place=self.place.text(),
            audience=self.audience.text(),
            expected_count=self.expected.value(),
            **values,
        )
