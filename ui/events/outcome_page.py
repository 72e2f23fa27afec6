"""After the day: marked held, head count, the summary (the brief's body) and the brief's footer."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.core import clock
from models.events import attendance as events_attendance
from models.events import brief as events_brief
from models.events.entities import HELD
from models.events.service import EventInfo
from ui.events.common import confirm

NO_COUNT = -1


class OutcomePage(QWidget):
    changed = Signal()

    def __init__(self, event_id: int, parent=None) -> None:
        super().__init__(parent)
        self.event_id = event_id
        self.held = QCheckBox(self.tr("活动已举办"))
        self.held.setObjectName("held")
        self.head_count = QSpinBox()
        self.head_count.setObjectName("head_count")
        self.head_count.setRange(NO_COUNT, 100000)
        self.head_count.setSpecialValueText(self.tr("未登记"))
        self.head_count.setSuffix(self.tr(" 人"))
        self.from_list = QPushButton(self.tr("取签到人数"))
        self.from_list.clicked.connect(self._count_from_list)
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("summary")
        self.summary.setPlaceholderText(
            self.tr("活动情况总结，印作简报正文。可先点“生成草稿”再修改。")
        )
        self.draft = QPushButton(self.tr("生成草稿"))
        self.draft.setObjectName("draft_summary")
        self.draft.clicked.connect(self._draft)
        self.brief_to = QLineEdit()
        self.brief_cc = QLineEdit()
        self.copies = QSpinBox()
        self.copies.setRange(1, 999)
        self.copies.setSuffix(self.tr(" 份"))
        self.brief_state = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.held)
        top.addSpacing(20)
        top.addWidget(QLabel(self.tr("实到人数：")))
        top.addWidget(self.head_count)
        top.addWidget(self.from_list)
        top.addStretch(1)
        summary_bar = QHBoxLayout()
        summary_bar.addWidget(QLabel(self.tr("活动总结（简报正文）：")))
        summary_bar.addStretch(1)
        summary_bar.addWidget(self.draft)
        brief = QGroupBox(self.tr("简报版尾"))
        form = QFormLayout(brief)
        form.addRow(self.tr("报："), self.brief_to)
        form.addRow(self.tr("送："), self.brief_cc)
        form.addRow(self.tr("印数："), self.copies)
        form.addRow(self.tr("期号："), self.brief_state)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(summary_bar)
        layout.addWidget(self.summary, 1)
        layout.addWidget(brief)
        self.held.toggled.connect(lambda _on: self.changed.emit())
        self.head_count.valueChanged.connect(lambda _v: self.changed.emit())
        self.summary.textChanged.connect(self.changed.emit)
        for edit in (self.brief_to, self.brief_cc):
            edit.textEdited.connect(lambda _t: self.changed.emit())
        self.copies.valueChanged.connect(lambda _v: self.changed.emit())

    def set_info(self, info: EventInfo) -> None:
        widgets = [
            self.held,
            self.head_count,
            self.summary,
            self.brief_to,
            self.brief_cc,
            self.copies,
        ]
        for w in widgets:
            w.blockSignals(True)
        self.held.setChecked(info.status == HELD)
        # Not before the day: the service refuses it too.
        self.held.setEnabled(info.status == HELD or info.plan.event_date <= clock.today())
        self.head_count.setValue(NO_COUNT if info.head_count is None else info.head_count)
        self.summary.setPlainText(info.summary)
        self.brief_to.setText(info.brief_to)
        self.brief_cc.setText(info.brief_cc)
        self.copies.setValue(info.brief_copies)
        for w in widgets:
            w.blockSignals(False)
        if info.brief_no:
            self.brief_state.setText(
                self.tr("%1年第%2期（%3编发）")
                .replace("%1", str(info.brief_year))
                .replace("%2", str(info.brief_no))
                .replace("%3", f"{info.brief_date:%Y-%m-%d}")
            )
        else:
            self.brief_state.setText(self.tr("尚未编发（首次打印简报时按年度顺序编号）"))

    def head_count_value(self) -> int | None:
        value = self.head_count.value()
        return None if value == NO_COUNT else value

    def _count_from_list(self) -> None:
        self.head_count.setValue(events_attendance.counts(self.event_id).signed_in)

    def _draft(self) -> None:
        if self.summary.toPlainText().strip() and not confirm(
            self, self.tr("生成草稿"), self.tr("用草稿替换已写的总结吗？")
        ):
            return
        self.summary.setPlainText(
            events_brief.draft_summary(self.event_id, self.head_count_value())
        )
