"""Preparation: the checklist (tick as done, overdue items in red) and the publicity log."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.core import clock, users
from models.core.entities import User
from models.events import prep as events_prep
from models.events.entities import PUBLICITY_CHANNELS
from models.events.service import load_event
from ui.common.dialogs import run_modal
from ui.events.common import USER_ERRORS, confirm, from_qdate, show_error, to_qdate

OVERDUE_BG = QColor("#fde2e1")
OVERDUE_FG = QColor("#b00020")
DONE_FG = QColor("#777777")


class TaskDialog(QDialog):
    def __init__(
        self, parent=None, title: str = "", owner: str = "", due: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("准备事项"))
        self.title = QLineEdit(title)
        self.title.setObjectName("task_title")
        self.owner = QLineEdit(owner)
        self.has_due = QCheckBox(self.tr("截止日期："))
        self.has_due.setChecked(due is not None)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy年M月d日")
        self.due.setDate(to_qdate(due or clock.today()))
        self.due.setEnabled(due is not None)
        self.has_due.toggled.connect(self.due.setEnabled)
        form = QFormLayout()
        form.addRow(self.tr("事项："), self.title)
        form.addRow(self.tr("负责人："), self.owner)
        form.addRow(self.has_due, self.due)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(460, 160)

    def values(self) -> tuple[str, str, dt.date | None]:
        due = from_qdate(self.due.date()) if self.has_due.isChecked() else None
        return self.title.text(), self.owner.text(), due


def _done_text(done_at: dt.datetime | None) -> str:
    if done_at is None:
        return ""
    if done_at.time() == dt.time():  # recorded afterwards with a day only
        return f"{done_at:%Y-%m-%d}"
    return f"{done_at:%Y-%m-%d %H:%M}"


class DoneOnDialog(QDialog):
    """When was an item of an event already held done? Defaults to the event's day."""

    def __init__(self, parent: QWidget | None, held: dt.date) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("完成日期"))
        self.day = QDateEdit()
        self.day.setObjectName("done_on")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy年M月d日")
        self.day.setMaximumDate(to_qdate(clock.today()))
        self.day.setDate(to_qdate(held))
        note = QLabel(
            self.tr("该活动已于 %1 举办。这一项是哪天完成的？").replace(
                "%1", f"{held.year}年{held.month}月{held.day}日"
            )
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.day)
        layout.addWidget(buttons)


def ask_done_on(parent: QWidget | None, held: dt.date) -> dt.date | None:
    dialog = DoneOnDialog(parent, held)
    if run_modal(dialog) != QDialog.DialogCode.Accepted:
        return None
    return from_qdate(dialog.day.date())


class PrepPage(QWidget):
    """Writes go straight to the database: ticking an item is a record of its own."""

    def __init__(self, user: User, event_id: int, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.event_id = event_id
        self.rows: list[events_prep.TaskRow] = []
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("task_table")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("完成"),
                self.tr("准备事项"),
                self.tr("负责人"),
                self.tr("截止日期"),
                self.tr("完成人"),
                self.tr("完成时间"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemChanged.connect(self._item_changed)
        self.table.doubleClicked.connect(lambda _i: self.edit_task())
        QShortcut(
            QKeySequence(Qt.Key.Key_Space),
            self.table,
            self.toggle_current,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.progress = QLabel()
        self.progress.setObjectName("task_progress")
        add = QPushButton(self.tr("添加事项…"))
        add.clicked.connect(self.add_task)
        edit = QPushButton(self.tr("修改…"))
        edit.clicked.connect(self.edit_task)
        remove = QPushButton(self.tr("移除"))
        remove.clicked.connect(self.remove_task)
        self.task_buttons = [add, edit, remove]
        task_bar = QHBoxLayout()
        for b in self.task_buttons:
            task_bar.addWidget(b)
        task_bar.addStretch(1)
        task_bar.addWidget(self.progress)
        tasks_box = QGroupBox(self.tr("准备清单（空格键勾选；红色为已过截止日期仍未完成）"))
        inner = QVBoxLayout(tasks_box)
        inner.addWidget(self.table)
        inner.addLayout(task_bar)

        self.publicity = QTableWidget(0, 4)
        self.publicity.setObjectName("publicity_table")
        self.publicity.setHorizontalHeaderLabels(
            [self.tr("日期"), self.tr("渠道"), self.tr("发布内容"), self.tr("记录人")]
        )
        self.publicity.verticalHeader().hide()
        self.publicity.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.publicity.horizontalHeader().setStretchLastSection(True)
        self.channel = QComboBox()
        self.channel.setObjectName("publicity_channel")
        self.channel.setEditable(True)
        self.channel.addItems(PUBLICITY_CHANNELS)
        self.posted_on = QDateEdit()
        self.posted_on.setCalendarPopup(True)
        self.posted_on.setDisplayFormat("yyyy-MM-dd")
        self.posted_on.setDate(to_qdate(clock.today()))
        self.content = QLineEdit()
        self.content.setObjectName("publicity_content")
        self.content.setPlaceholderText(self.tr("发布了什么（如：放映通知，含时间地点片名）"))
        self.content.returnPressed.connect(self.add_publicity)
        self.add_pub = QPushButton(self.tr("记录"))
        self.add_pub.clicked.connect(self.add_publicity)
        pub_bar = QHBoxLayout()
        pub_bar.addWidget(self.posted_on)
        pub_bar.addWidget(self.channel)
        pub_bar.addWidget(self.content, 1)
        pub_bar.addWidget(self.add_pub)
        pub_box = QGroupBox(self.tr("宣传记录"))
        inner = QVBoxLayout(pub_box)
        inner.addWidget(self.publicity)
        inner.addLayout(pub_bar)
        layout = QVBoxLayout(self)
        layout.addWidget(tasks_box, 3)
        layout.addWidget(pub_box, 2)
        self.refresh()

    # -- checklist ----------------------------------------------------------------------
    def refresh(self) -> None:
        self.rows = events_prep.tasks(self.event_id)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for r, task in enumerate(self.rows):
            check = QTableWidgetItem()
            check.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
            )
            check.setCheckState(Qt.CheckState.Checked if task.done else Qt.CheckState.Unchecked)
            due = f"{task.due_date:%Y-%m-%d}" if task.due_date else ""
            if task.overdue:
                due += self.tr("（逾期%1天）").replace(
                    "%1", str((clock.today() - task.due_date).days) if task.due_date else ""
                )
            cells = [
                check,
                QTableWidgetItem(task.title),
                QTableWidgetItem(task.owner),
                QTableWidgetItem(due),
                QTableWidgetItem(task.done_by),
                QTableWidgetItem(_done_text(task.done_at)),
            ]
            for c, item in enumerate(cells):
                if task.overdue:
                    item.setBackground(QBrush(OVERDUE_BG))
                    item.setForeground(QBrush(OVERDUE_FG))
                elif task.done and c:
                    item.setForeground(QBrush(DONE_FG))
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, min(max(self.table.columnWidth(1), 200), 460))
        done = sum(1 for t in self.rows if t.done)
        overdue = sum(1 for t in self.rows if t.overdue)
        text = (
            self.tr("已完成 %1/%2 项").replace("%1", str(done)).replace("%2", str(len(self.rows)))
        )
        if overdue:
            text += self.tr("，%1 项逾期").replace("%1", str(overdue))
        self.progress.setText(text)
        self.progress.setStyleSheet("color: #b00020; font-weight: bold;" if overdue else "")
        self._refresh_publicity()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        task = self.rows[item.row()]
        self._set_done(task.id, item.checkState() == Qt.CheckState.Checked, item.row())

    def _held_on(self) -> dt.date | None:
        """The event's day when it is already past: items ticked now were done back then."""
        day = load_event(self.event_id).event_date
        return day if day < clock.today() else None

    def _set_done(self, task_id: int, done: bool, row: int) -> None:
        on: dt.date | None = None
        held = self._held_on() if done else None
        if held is not None:
            on = ask_done_on(self, held)
            if on is None:  # the clerk cancelled: the item stays unticked
                self.refresh()
                self.table.selectRow(row)
                return
        try:
            events_prep.set_task_done(self.user, task_id, done, on)
        except USER_ERRORS as exc:
            show_error(self, self.tr("准备清单"), exc)
        self.refresh()
        self.table.selectRow(row)

    def toggle_current(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            self._set_done(self.rows[row].id, not self.rows[row].done, row)

    def add_task(self) -> None:
        held = self._held_on()
        dialog = TaskDialog(self, due=held)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return
        try:
            events_prep.add_task(self.user, self.event_id, *dialog.values())
        except USER_ERRORS as exc:
            show_error(self, self.tr("准备清单"), exc)
        self.refresh()

    def edit_task(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        task = self.rows[row]
        dialog = TaskDialog(self, task.title, task.owner, task.due_date)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return
        try:
            events_prep.update_task(self.user, task.id, *dialog.values())
        except USER_ERRORS as exc:
            show_error(self, self.tr("准备清单"), exc)
        self.refresh()

    def remove_task(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        task = self.rows[row]
        if not confirm(
            self,
            self.tr("移除准备事项"),
            self.tr("从清单中移除“%1”吗？（记录保留在操作日志中）").replace("%1", task.title),
        ):
            return
        try:
            events_prep.archive_task(self.user, task.id)
        except USER_ERRORS as exc:
            show_error(self, self.tr("准备清单"), exc)
        self.refresh()

    # -- publicity ----------------------------------------------------------------------
    def _refresh_publicity(self) -> None:
        rows = events_prep.publicity(self.event_id)
        names = users.display_names()
        self.publicity.setRowCount(len(rows))
        for r, p in enumerate(rows):
            for c, value in enumerate(
                [
                    f"{p.posted_on:%Y-%m-%d}",
                    p.channel,
                    p.content,
                    users.display_name(p.username, names),
                ]
            ):
                self.publicity.setItem(r, c, QTableWidgetItem(value))
        self.publicity.resizeColumnsToContents()

    def add_publicity(self) -> None:
        try:
            events_prep.add_publicity(
                self.user,
                self.event_id,
                self.channel.currentText(),
                from_qdate(self.posted_on.date()),
                self.content.text(),
            )
        except USER_ERRORS as exc:
            show_error(self, self.tr("宣传记录"), exc)
            return
        self.content.clear()
        self._refresh_publicity()

    def set_read_only(self, read_only: bool) -> None:
        self.table.setEnabled(not read_only)
        for widget in (
            *self.task_buttons,
            self.add_pub,
            self.content,
            self.channel,
            self.posted_on,
        ):
            widget.setEnabled(not read_only)
