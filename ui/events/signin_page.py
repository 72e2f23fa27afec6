"""The sign-in list: residents invited from the register, who signed in, who to follow up."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.core.entities import User
from models.events import attendance
from ui.common.dialogs import ask_text, run_modal
from ui.common.resident_picker import ResidentPicker
from ui.events.common import USER_ERRORS, confirm, show_error

ABSENT_FG = QColor("#b00020")


class SignInPage(QWidget):
    def __init__(self, user: User, event_id: int, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.event_id = event_id
        self.rows: list[attendance.AttendeeRow] = []
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("attendee_table")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("姓名"),
                self.tr("住址"),
                self.tr("电话"),
                self.tr("签到"),
                self.tr("签到时间"),
                self.tr("未到回访"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemChanged.connect(self._item_changed)
        QShortcut(
            QKeySequence(Qt.Key.Key_Space),
            self.table,
            self.toggle_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.absent_only = QCheckBox(self.tr("只看未到"))
        self.absent_only.setObjectName("absent_only")
        self.absent_only.toggled.connect(lambda _on: self.refresh())
        self.counts = QLabel()
        self.counts.setObjectName("attendance_counts")
        self.invite = QPushButton(self.tr("从人口信息中添加…"))
        self.invite.setObjectName("invite_button")
        self.invite.setShortcut(QKeySequence("Ctrl+I"))
        self.invite.clicked.connect(self.invite_residents)
        self.walk_in = QPushButton(self.tr("现场登记…"))
        self.walk_in.clicked.connect(self.add_walk_in)
        self.toggle = QPushButton(self.tr("签到/取消签到"))
        self.toggle.clicked.connect(self.toggle_selected)
        self.follow = QPushButton(self.tr("记录回访…"))
        self.follow.clicked.connect(self.record_follow_up)
        self.remove = QPushButton(self.tr("移出名单"))
        self.remove.clicked.connect(self.remove_selected)
        bar = QHBoxLayout()
        for b in (self.invite, self.walk_in, self.toggle, self.follow, self.remove):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.absent_only)
        hint = QLabel(
            self.tr(
                "签到名单可选：邀请的居民到场时勾选“签到”，活动后对未到的居民逐一回访。"
                "实到总人数在“举办与总结”页登记。"
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        layout.addWidget(self.counts)
        self.refresh()

    def refresh(self) -> None:
        self.rows = attendance.attendees(self.event_id, absent_only=self.absent_only.isChecked())
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for r, a in enumerate(self.rows):
            check = QTableWidgetItem()
            check.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
            )
            check.setCheckState(Qt.CheckState.Checked if a.signed_in else Qt.CheckState.Unchecked)
            name = a.name if a.invited else a.name + self.tr("（现场登记）")
            cells = [
                QTableWidgetItem(name),
                QTableWidgetItem(a.address),
                QTableWidgetItem(a.phone),
                check,
                QTableWidgetItem(f"{a.signed_at:%m-%d %H:%M}" if a.signed_at else ""),
                QTableWidgetItem(a.follow_up),
            ]
            for c, item in enumerate(cells):
                if a.absent and c != 3:
                    item.setForeground(QBrush(ABSENT_FG))
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        totals = attendance.counts(self.event_id)
        self.counts.setText(
            self.tr("邀请 %1 人，已签到 %2 人，未到 %3 人（已回访 %4 人）")
            .replace("%1", str(totals.invited))
            .replace("%2", str(totals.signed_in))
            .replace("%3", str(totals.absent))
            .replace("%4", str(totals.followed_up))
        )

    def _selected(self) -> list[attendance.AttendeeRow]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        if not rows and 0 <= self.table.currentRow() < len(self.rows):
            rows = [self.table.currentRow()]
        return [self.rows[r] for r in rows if r < len(self.rows)]

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 3:
            self._sign(self.rows[item.row()], item.checkState() == Qt.CheckState.Checked)
            self.refresh()

    def _sign(self, row: attendance.AttendeeRow, signed: bool) -> None:
        try:
            attendance.set_signed_in(self.user, row.id, signed)
        except USER_ERRORS as exc:
            show_error(self, self.tr("签到"), exc)

    def toggle_selected(self) -> None:
        for row in self._selected():
            self._sign(row, not row.signed_in)
        self.refresh()

    def invite_residents(self) -> None:
        picker = ResidentPicker(
            self, self.tr("添加到签到名单（可多选）"), multi=True, user=self.user
        )
        if run_modal(picker) != QDialog.DialogCode.Accepted:
            return
        try:
            attendance.add_residents(self.user, self.event_id, [r.id for r in picker.chosen_rows])
        except USER_ERRORS as exc:
            show_error(self, self.tr("签到名单"), exc)
        self.refresh()

    def add_walk_in(self) -> None:
        name = ask_text(self, self.tr("现场登记"), self.tr("未在人口信息中的来访者姓名："))
        if name is None:
            return
        try:
            attendance.add_walk_in(self.user, self.event_id, name)
        except USER_ERRORS as exc:
            show_error(self, self.tr("现场登记"), exc)
        self.refresh()

    def record_follow_up(self) -> None:
        rows = self._selected()
        if not rows:
            return
        note = ask_text(
            self,
            self.tr("回访记录"),
            self.tr("%1 的回访情况：").replace("%1", rows[0].name),
            rows[0].follow_up,
        )
        if note is None:
            return
        try:
            for row in rows:
                attendance.set_follow_up(self.user, row.id, note)
        except USER_ERRORS as exc:
            show_error(self, self.tr("回访记录"), exc)
        self.refresh()

    def remove_selected(self) -> None:
        rows = self._selected()
        if not rows or not confirm(
            self,
            self.tr("移出名单"),
            self.tr("将所选 %1 人移出签到名单吗？").replace("%1", str(len(rows))),
        ):
            return
        try:
            for row in rows:
                attendance.remove_attendee(self.user, row.id)
        except USER_ERRORS as exc:
            show_error(self, self.tr("签到名单"), exc)
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        for w in (self.table, self.invite, self.walk_in, self.toggle, self.follow, self.remove):
            w.setEnabled(not read_only)
