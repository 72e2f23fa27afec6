"""One case: its people, its own fields, workflow, follow-ups and (maternal) reminders.

Opening it calls casework_views.get_case, which refuses roles without Perm.CASEWORK_VIEW and
logs the opening; reloads after a change are not new openings and are not logged again.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.casework import cases as casework_cases
from models.casework import views as casework_views
from models.casework.cases import CaseworkError
from models.casework.entities import (
    APPLICATION_STATUSES,
    BIRTH_REG,
    FOLLOW_UP_WAYS,
    MATERNAL,
    NEEDS_REASON,
    REWARD_ASSIST,
    SPECIAL_ASSIST,
    SUBSIDY,
)
from models.casework.rules import yuan
from models.casework.views import CaseDetail
from models.core import clock, users
from models.core.entities import User
from models.core.permissions import Perm, PermissionDenied, can
from reports.layout.official import format_date
from ui.casework.widgets import DateField, FlaggedTableModel, PersonField, describe
from ui.common.dialogs import ask_number, ask_text, confirm, inform, run_modal, warn
from ui.common.table_model import Column, RowsTableModel

ROLE_LABELS = {"mother": "女方／母亲", "father": "男方／父亲", "child": "子女", "person": "对象"}
ACTION_LABELS = {
    "in_progress": "开始办理",
    "closed": "办结",
    "transferred": "转办…",
    "cancelled": "撤销…",
}


def _d(day: dt.date | None) -> str:
    return format_date(day) if day else ""


class CaseDialog(QDialog):
    changed = Signal()

    def __init__(self, user: User, case_id: int, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.case_id = case_id
        self._names = users.display_names()  # 经办人 by name, not account
        # Raises PermissionDenied for a clerk before any widget shows case data.
        self.detail: CaseDetail = casework_views.get_case(user, case_id)
        self.editable = can(user, Perm.CASEWORK_EDIT)
        self.resize(940, 680)
        self.layout_ = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.layout_.addWidget(self.heading)
        # "已建立个案 …" when the dialog opens straight after the case was made.
        self.notice = QLabel()
        self.notice.setObjectName("case_notice")
        self.notice.setStyleSheet("color: #1B5E20;")
        self.notice.hide()
        self.layout_.addWidget(self.notice)
        self.body = QWidget()
        self.layout_.addWidget(self.body, 1)
        self._render()

    def set_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # -- building -------------------------------------------------------------------------
    def reload(self) -> None:
        self.detail = casework_views.get_case(self.user, self.case_id, log_view=False)
        self._names = users.display_names()  # 经办人 by name, not account
        self._render()
        self.changed.emit()

    def _render(self) -> None:
        d = self.detail
        self.setWindowTitle(f"{d.type_name} {d.case_no}")
        self.heading.setText(f"{d.type_name}　{d.case_no}　〔{d.status_name}〕")
        old = self.body
        self.body = QWidget()
        self.layout_.replaceWidget(old, self.body)
        old.deleteLater()
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self._people_box(), 3)
        top.addWidget(self._fields_box(), 2)
        layout.addLayout(top)
        if d.case_type == MATERNAL:
            layout.addWidget(self._reminders_box(), 2)
        layout.addWidget(self._follow_box(), 2)
        layout.addWidget(self._status_box(), 1)

    def _people_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("人员（来自人口信息）"))
        form = QFormLayout(box)
        for role in ("mother", "father", "child", "person"):
            ref = getattr(self.detail, role)
            if ref is None:
                continue
            row = QWidget()
            h = QHBoxLayout(row)
            h.setContentsMargins(0, 0, 0, 0)
            label = QLabel(describe(ref))
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            h.addWidget(label, 1)
            if can(self.user, Perm.REVEAL_ID):
                button = QPushButton(self.tr("显示号码"))
                button.setToolTip(self.tr("显示完整身份证号码（将记入操作日志）"))
                button.clicked.connect(lambda _=False, r=role, lab=label: self._reveal(r, lab))
                h.addWidget(button)
            form.addRow(self.tr(ROLE_LABELS[role]), row)
        if self.detail.child is None and self.detail.child_name:
            form.addRow(self.tr("子女"), QLabel(self.detail.child_name))
        return box

    def _fields_box(self) -> QGroupBox:
        d = self.detail
        box = QGroupBox(self.tr("办理信息"))
        form = QFormLayout(box)
        form.addRow(self.tr("登记日期"), QLabel(_d(d.opened_on)))
        if d.case_type == BIRTH_REG:
            form.addRow(self.tr("结婚日期"), QLabel(_d(d.marriage_date)))
            order = self.tr("第%1孩").replace("%1", str(d.birth_order))
            if d.order_reason:
                order += (
                    self.tr("（按规则为第%1孩；%2）")
                    .replace("%1", str(d.suggested_order))
                    .replace("%2", d.order_reason)
                )
            form.addRow(self.tr("登记孩次"), QLabel(order))
            kids = "、".join(
                f"{c.name}（{c.origin_name}{'，已故' if c.deceased else ''}）" for c in d.children
            ) or self.tr("无")
            kids_label = QLabel(kids)
            kids_label.setWordWrap(True)
            form.addRow(self.tr("现有子女"), kids_label)
            form.addRow(self.tr("预产期"), QLabel(_d(d.expected_date)))
            form.addRow(self.tr("出生日期"), QLabel(_d(d.birth_date)))
            deadline = _d(d.deadline) + (
                self.tr("（按预产期推算）") if d.deadline_provisional else ""
            )
            self.deadline_label = QLabel(deadline)
            form.addRow(self.tr("登记时限"), self.deadline_label)
            if self.editable and d.birth_date is None:
                form.addRow("", self._button(self.tr("登记出生…"), self._record_birth))
        elif d.case_type == SUBSIDY and d.subsidy is not None:
            due = d.subsidy
            months = due.months
            span = (
                f"{months[0].year}年{months[0].month}月至{months[-1].year}年{months[-1].month}月"
                if months
                else ""
            )
            self.subsidy_label = QLabel(
                self.tr("%1 个月（%2），共 %3 元")
                .replace("%1", str(due.month_count))
                .replace("%2", span)
                .replace("%3", yuan(due.total_fen))
            )
            self.subsidy_label.setWordWrap(True)
            form.addRow(self.tr("应享补贴"), self.subsidy_label)
            form.addRow(
                self.tr("截至本月应发"), QLabel(yuan(d.subsidy_due_to_date_fen) + self.tr(" 元"))
            )
            form.addRow(
                self.tr("已发放"),
                QLabel(
                    yuan(d.paid_fen)
                    + self.tr(" 元")
                    + (f"（{_d(d.last_paid_on)}）" if d.last_paid_on else "")
                ),
            )
            form.addRow(self.tr("满3周岁"), QLabel(_d(d.third_birthday)))
            self.application = QComboBox()
            for code, label in APPLICATION_STATUSES.items():
                self.application.addItem(label, code)
            self.application.setCurrentIndex(self.application.findData(d.application_status))
            self.application.setEnabled(self.editable)
            self.application.activated.connect(lambda _i: self._set_application())
            form.addRow(self.tr("申请状态"), self.application)
            form.addRow(self.tr("申请日期"), QLabel(_d(d.applied_on)))
            if self.editable:
                form.addRow("", self._button(self.tr("登记发放…"), self._record_payment))
        elif d.case_type in (SPECIAL_ASSIST, REWARD_ASSIST):
            form.addRow(self.tr("类别"), QLabel(d.category_name))
            form.addRow(
                self.tr("本月标准"),
                QLabel(
                    self.tr("每人每月 %1 元").replace("%1", yuan(d.monthly_fen))
                    if d.monthly_fen is not None
                    else self.tr("无适用标准")
                ),
            )
            form.addRow(self.tr("起始日期"), QLabel(_d(d.start_date)))
            form.addRow(self.tr("终止日期"), QLabel(_d(d.end_date) or self.tr("（未终止）")))
            if self.editable and d.end_date is None:
                form.addRow("", self._button(self.tr("终止扶助…"), self._end_assistance))
        elif d.case_type == MATERNAL:
            form.addRow(self.tr("预产期"), QLabel(_d(d.expected_date)))
            form.addRow(self.tr("分娩日期"), QLabel(_d(d.birth_date)))
            form.addRow(self.tr("出院日期"), QLabel(_d(d.discharge_date)))
            if self.editable:
                form.addRow("", self._button(self.tr("登记分娩／出院…"), self._record_delivery))
        else:
            form.addRow(self.tr("服务事项"), QLabel(d.subject))
        if d.notes:
            notes = QLabel(d.notes)
            notes.setWordWrap(True)
            form.addRow(self.tr("备注"), notes)
        return box

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        return button

    def _reminders_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("孕产期健康提醒（由卫生院提供服务，此处只记提醒和完成情况）"))
        layout = QVBoxLayout(box)
        self.reminder_model = FlaggedTableModel(
            [
                Column(self.tr("项目"), lambda r: r.label),
                Column(self.tr("开始"), lambda r: r.window_start),
                Column(self.tr("截止"), lambda r: r.window_end),
                Column(
                    self.tr("状态"),
                    lambda r: r.status_name + (self.tr("（已逾期）") if r.overdue else ""),
                ),
                Column(self.tr("日期"), lambda r: r.status_on or ""),
            ],
            self.detail.reminders,
        )
        self.reminder_table = self._table(self.reminder_model)
        layout.addWidget(self.reminder_table)
        if self.editable:
            row = QHBoxLayout()
            for status, text in (
                ("reminded", "已提醒"),
                ("done", "已完成"),
                ("referred", "已转介"),
                ("pending", "改回待提醒"),
            ):
                row.addWidget(
                    self._button(self.tr(text), lambda _=False, s=status: self._set_reminder(s))
                )
            row.addStretch(1)
            layout.addLayout(row)
        return box

    def _follow_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("随访记录"))
        layout = QVBoxLayout(box)
        self.follow_model = RowsTableModel(
            [
                Column(self.tr("日期"), lambda r: r.on_date),
                Column(self.tr("方式"), lambda r: r.way_name),
                Column(self.tr("情况"), lambda r: r.note),
                Column(self.tr("下次随访"), lambda r: r.next_date or ""),
                Column(self.tr("经办人"), lambda r: users.display_name(r.username, self._names)),
            ],
            self.detail.follow_ups,
        )
        layout.addWidget(self._table(self.follow_model))
        if self.editable:
            row = QHBoxLayout()
            self.follow_date = DateField(clock.today())
            self.follow_way = QComboBox()
            for code, label in FOLLOW_UP_WAYS.items():
                self.follow_way.addItem(label, code)
            self.follow_note = QLineEdit()
            self.follow_note.setPlaceholderText(self.tr("随访情况（不记录检查结果等健康信息）"))
            self.follow_next = DateField(optional=True)
            self.follow_next.setToolTip(self.tr("下次随访日期：到期未随访即列入逾期"))
            self.follow_add = self._button(self.tr("添加随访"), self._add_follow_up)
            for w in (self.follow_date, self.follow_way, self.follow_note):
                row.addWidget(w, 1 if w is self.follow_note else 0)
            row.addWidget(QLabel(self.tr("下次")))
            row.addWidget(self.follow_next)
            row.addWidget(self.follow_add)
            layout.addLayout(row)
        return box

    def _status_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("办理过程"))
        layout = QHBoxLayout(box)
        model = RowsTableModel(
            [
                Column(self.tr("日期"), lambda r: r.on_date),
                Column(self.tr("由"), lambda r: r.from_name),
                Column(self.tr("改为"), lambda r: r.to_name),
                Column(self.tr("原因"), lambda r: r.reason),
                Column(self.tr("经办人"), lambda r: users.display_name(r.username, self._names)),
            ],
            self.detail.history,
        )
        layout.addWidget(self._table(model), 1)
        if self.editable:
            buttons = QVBoxLayout()
            self.status_buttons: dict[str, QPushButton] = {}
            for code, _name in self.detail.transitions:
                button = self._button(
                    self.tr(ACTION_LABELS[code]), lambda _=False, c=code: self._change_status(c)
                )
                self.status_buttons[code] = button
                buttons.addWidget(button)
            buttons.addStretch(1)
            layout.addLayout(buttons)
        return box

    def _table(self, model) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.verticalHeader().hide()
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeColumnsToContents()
        return table

    # -- actions ---------------------------------------------------------------------------
    def _run(self, func, *args, **kwargs) -> bool:
        try:
            func(self.user, *args, **kwargs)
        except (CaseworkError, PermissionDenied) as exc:
            warn(self, self.tr("计生服务"), str(exc))
            return False
        self.reload()
        return True

    def _reveal(self, role: str, label: QLabel) -> None:
        try:
            number = casework_views.reveal_id(self.user, self.case_id, role)
        except (CaseworkError, PermissionDenied) as exc:
            warn(self, self.tr("计生服务"), str(exc))
            return
        label.setText(label.text() + "　" + number)

    def _change_status(self, code: str) -> None:
        reason = ""
        if code in NEEDS_REASON:
            answer = ask_text(
                self, self.tr(ACTION_LABELS[code].rstrip("…")), self.tr("请填写原因（必填）：")
            )
            if answer is None:
                return
            reason = answer
        elif code == "closed" and not confirm(
            self, self.tr("办结"), self.tr("确认办结此个案？"), default_no=False
        ):
            return
        self._run(casework_cases.change_status, self.case_id, code, clock.today(), reason)

    def _add_follow_up(self) -> None:
        self._run(
            casework_cases.add_follow_up,
            self.case_id,
            self.follow_date.value(),
            self.follow_way.currentData(),
            self.follow_note.text(),
            self.follow_next.value(),
        )

    def _set_reminder(self, status: str) -> None:
        rows = self.reminder_table.selectionModel().selectedRows()
        if not rows:
            inform(self, self.tr("孕产期提醒"), self.tr("请先选择一项提醒。"))
            return
        reminder = self.reminder_model.row_at(rows[0].row())
        self._run(casework_cases.set_reminder_status, reminder.id, status, clock.today())

    def _set_application(self) -> None:
        code = self.application.currentData()
        if code != self.detail.application_status:
            changes = {"application_status": code}
            if code != "not_applied" and self.detail.applied_on is None:
                changes["applied_on"] = clock.today()
            self._run(casework_cases.update_case, self.case_id, **changes)

    def _record_payment(self) -> None:
        amount = ask_number(
            self, self.tr("登记发放"), self.tr("本次发放金额（元）："), 300.0, 0.01, 1_000_000.0, 2
        )
        if amount is not None:
            self._run(
                casework_cases.record_payment, self.case_id, round(amount * 100), clock.today()
            )

    def _end_assistance(self) -> None:
        dialog = _DatesDialog(
            self, self.tr("终止扶助"), [(self.tr("终止日期"), clock.today(), False)]
        )
        if run_modal(dialog):
            self._run(casework_cases.update_case, self.case_id, end_date=dialog.values[0])

    def _record_birth(self) -> None:
        dialog = _DatesDialog(
            self,
            self.tr("登记出生"),
            [(self.tr("出生日期"), clock.today(), False)],
            person=self.tr("新生儿（已入户的可选择）"),
        )
        if run_modal(dialog):
            changes: dict = {"birth_date": dialog.values[0]}
            if dialog.person_field is not None and dialog.person_field.person is not None:
                changes["child"] = dialog.person_field.person.id
            self._run(casework_cases.update_case, self.case_id, **changes)

    def _record_delivery(self) -> None:
        d = self.detail
        dialog = _DatesDialog(
            self,
            self.tr("登记分娩／出院"),
            [
                (self.tr("分娩日期"), d.birth_date or clock.today(), False),
                (self.tr("出院日期"), d.discharge_date, True),
            ],
        )
        if run_modal(dialog):
            self._run(
                casework_cases.update_case,
                self.case_id,
                birth_date=dialog.values[0],
                discharge_date=dialog.values[1],
            )


class _DatesDialog(QDialog):
    def __init__(
        self,
        parent,
        title: str,
        fields: list[tuple[str, dt.date | None, bool]],
        person: str | None = None,
    ) -> None:
        from PySide6.QtWidgets import QDialogButtonBox

        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.fields = [DateField(value, optional) for _label, value, optional in fields]
        for (label, _v, _o), field in zip(fields, self.fields, strict=True):
            form.addRow(label, field)
        self.person_field: PersonField | None = None
        if person:
            self.person_field = PersonField(person, optional=True)
            form.addRow(person, self.person_field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.values: list[dt.date | None] = []

    def accept(self) -> None:
        self.values = [f.value() for f in self.fields]
        super().accept()
