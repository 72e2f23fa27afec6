"""New event: pick a template (or a blank plan), the date, the compound and the theme."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from models.core import clock
from models.core.entities import User
from models.events import service as events_service
from models.events import templates as events_templates
from models.events.entities import type_name
from models.registry import compounds
from ui.common.discard_guard import DiscardGuard
from ui.common.form_dialog import FormDialog
from ui.events.common import USER_ERRORS, from_qdate, to_qdate

BLANK = ""


def fill_compounds(combo: QComboBox, everyone: str) -> None:
    combo.addItem(everyone, None)
    for c in compounds.list_compounds():
        combo.addItem(c.name, c.id)


class NewEventDialog(DiscardGuard, FormDialog):
    """On accept, .event_id is the new event's id."""

    errors = USER_ERRORS

    def __init__(
        self, user: User, parent=None, day: dt.date | None = None, compound_id: int | None = None
    ) -> None:
        super().__init__(parent, arrange=False)  # the template list beside the form
        self.user = user
        self.event_id: int | None = None
        self.setWindowTitle(self.tr("新建活动"))
        self.resize(760, 400)
        self.templates = QListWidget()
        self.templates.setObjectName("template_list")
        for t in events_templates.list_templates():
            label = f"{t.name}（{type_name(t.event_type)}，{t.tasks}项准备）"
            if not t.builtin:
                label += self.tr(" · 自存模板")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, t.key)
            self.templates.addItem(item)
        blank = QListWidgetItem(self.tr("空白方案（不用模板）"))
        blank.setData(Qt.ItemDataRole.UserRole, BLANK)
        self.templates.addItem(blank)
        # Wide enough for the longest template's name: a clipped name hides what it holds.
        self.templates.setMinimumWidth(
            self.templates.sizeHintForColumn(0) + 2 * self.templates.frameWidth() + 24
        )
        self.templates.currentItemChanged.connect(lambda *_: self._template_chosen())
        self.templates.itemDoubleClicked.connect(lambda _item: self._submit())
        self.date = QDateEdit()
        self.date.setObjectName("event_date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy年M月d日")
        self.date.setDate(to_qdate(day or clock.today() + dt.timedelta(days=7)))
        self.compound = QComboBox()
        self.compound.setObjectName("compound")
        fill_compounds(self.compound, self.tr("全社区"))
        if compound_id is not None:
            self.compound.setCurrentIndex(max(0, self.compound.findData(compound_id)))
        self.title = QLineEdit()
        self.title.setObjectName("title")
        self.title.setPlaceholderText(self.tr("活动主题"))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        self.form.addRow(self.tr("活动日期："), self.date)
        self.form.addRow(self.tr("小区："), self.compound)
        self.form.addRow(self.tr("活动主题："), self.title)
        right = QVBoxLayout()
        right.addLayout(self.form)
        right.addWidget(self.hint)
        right.addStretch(1)
        right.addWidget(self.error)
        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("活动模板：")))
        left.addWidget(self.templates)
        body.addLayout(left, 3)
        body.addLayout(right, 4)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(self.buttons)
        self.templates.setCurrentRow(0)
        self.templates.setFocus()

    def template_key(self) -> str:
        item = self.templates.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else BLANK

    def _template_chosen(self) -> None:
        key = self.template_key()
        if key == BLANK:
            self.title.clear()
            self.hint.setText(self.tr("从空白方案开始，各项内容在活动窗口中填写。"))
            return
        data = events_templates.template_data(key)
        self.title.setText(data.get("title", ""))
        tasks = data.get("tasks", [])
        first = "；".join(t["title"] for t in tasks[:3])
        self.hint.setText(
            self.tr(
                "模板带有活动方案全文、人员分工、物资预算和%1项准备事项（截止日期按活动日期推算），如：%2…"
            )
            .replace("%1", str(len(tasks)))
            .replace("%2", first)
        )

    def save(self) -> None:
        key = self.template_key()
        day = from_qdate(self.date.date())
        compound_id = self.compound.currentData()
        if key == BLANK:
            plan = events_service.PlanFields(
                title=self.title.text(), event_date=day, compound_id=compound_id
            )
            self.event_id = events_service.create_event(self.user, plan)
        else:
            self.event_id = events_templates.create_from_template(
                self.user, key, day, compound_id, self.title.text()
            )
