"""The right-hand pane of the registry tab: the selected person, their household and their
history (life events, corrections marked)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core import clock, codes
from models.core.permissions import Perm, can
from models.registry import households, life_events, residents
from models.registry.residents import STATUS_NAMES, age_on
from ui.registry.household import EVENT_HEADERS, fill_events, fill_table, read_only_table


class PersonPane(QWidget):
    person_activated = Signal(int)  # a member double-clicked: select that person
    event_activated = Signal(int)  # a history row double-clicked: correct it
    changed = Signal()

    def __init__(self, user, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.resident_id: int | None = None
        # Resting on a person is a logged view (sensitive groups, children): see PaneViews.
        self.views = residents.PaneViews(user)
        self._view_timer = QTimer(self)
        self._view_timer.setSingleShot(True)
        self._view_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._view_timer.timeout.connect(self._settle_view)
        self.title = QLabel(self.tr("在左侧选择一位居民"))
        self.title.setObjectName("person_title")
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.fields: dict[str, QLabel] = {}
        grid = QGridLayout()
        names = [
            ("sex_age", "性别/年龄"),
            ("id", "身份证号"),
            ("ethnicity", "民族"),
            ("category", "人员类别"),
            ("status", "状态"),
            ("phone", "联系电话"),
            ("household", "户号"),
            ("address", "住址"),
            ("hukou", "户籍地址"),
            ("work", "工作单位/职业"),
            ("groups", "特殊人群"),
        ]
        for i, (key, label) in enumerate(names):
            caption = QLabel(self.tr(label) + "：")
            caption.setStyleSheet("color: #555;")
            value = QLabel()
            value.setObjectName(f"field_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            grid.addWidget(caption, i, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, i, 1)
        grid.setColumnStretch(1, 1)
        self.reveal = QPushButton(self.tr("查看完整号码(&R)"))
        self.reveal.setObjectName("reveal_id")
        self.reveal.setVisible(can(user, Perm.REVEAL_ID))
        self.reveal.clicked.connect(self.reveal_id)
        id_row = QHBoxLayout()
        id_row.addWidget(self.fields["id"], 1)
        id_row.addWidget(self.reveal)
        grid.addLayout(id_row, 1, 1)

        self.members = read_only_table(
            [self.tr(h) for h in ["姓名", "与户主关系", "年龄", "状态"]], "pane_members"
        )
        self.members.setMinimumHeight(110)
        self.members.setMaximumHeight(160)
        self.members.doubleClicked.connect(self._member_activated)
        self.history = read_only_table([self.tr(h) for h in EVENT_HEADERS], "pane_history")
        self.history.setMinimumHeight(150)
        self.history.setColumnHidden(2, True)  # the person is the pane's own
        self.history.doubleClicked.connect(self._event_activated)
        members_box = QGroupBox(self.tr("同户成员"))
        QVBoxLayout(members_box).addWidget(self.members)
        self.history_box = QGroupBox(self.tr("个人变动记录"))
        QVBoxLayout(self.history_box).addWidget(self.history)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addWidget(members_box)
        layout.addWidget(self.history_box, 1)
        grid.setVerticalSpacing(2)
        self.clear()

    def clear(self) -> None:
        self.resident_id = None
        self.views.shown(None)
        self._view_timer.stop()
        self.title.setText(self.tr("在左侧选择一位居民"))
        for value in self.fields.values():
            value.clear()
        self.members.setRowCount(0)
        self.history.setRowCount(0)
        self.reveal.setEnabled(False)

    def show_person(self, resident_id: int) -> None:
        info = residents.detail(self.user, resident_id)
        self.resident_id = resident_id
        self.views.shown(resident_id)
        self._arm_view_timer()
        d = info.data
        today = clock.today()
        age = age_on(d.birth_date, today)
        self.title.setText(d.name)
        f = self.fields
        born = d.birth_date.isoformat() if d.birth_date else self.tr("出生日期未填")
        f["sex_age"].setText(
            f"{codes.name('sex', d.sex)}　"
            f"{'' if age is None else str(age) + self.tr('岁')}（{born}）"
        )
        f["id"].setText(info.masked_id or self.tr("（未登记）"))
        f["ethnicity"].setText(codes.name("ethnicity", d.ethnicity))
        f["category"].setText(codes.name("category", d.category))
        f["status"].setText(STATUS_NAMES.get(info.status, info.status))
        f["phone"].setText(d.phone)
        relation = codes.name("relation", d.relation)
        if info.status != "current":  # the relation is history now: say so
            relation = (
                self.tr("%1前为%2")
                .replace("%1", STATUS_NAMES.get(info.status, "").removeprefix("已"))
                .replace("%2", relation)
            )
        f["household"].setText(f"{info.household_no}（{relation}）")
        f["address"].setText(info.address)
        f["hukou"].setText(d.hukou_address)
        f["work"].setText(d.work_unit)
        f["groups"].setText("、".join(t.name for t in info.tags) or self.tr("无"))
        self.reveal.setEnabled(bool(info.masked_id))
        if info.household_id:
            house = households.detail(info.household_id)
            people = house.members
            fill_table(
                self.members,
                [
                    [
                        m.name,
                        codes.name("relation", m.relation),
                        ""
                        if age_on(m.birth_date, today) is None
                        else str(age_on(m.birth_date, today)),
                        STATUS_NAMES.get(m.status, m.status),
                    ]
                    for m in people
                ],
                [m.id for m in people],
            )
            for row, m in enumerate(people):
                if m.id == resident_id:
                    self.members.selectRow(row)
        else:
            self.members.setRowCount(0)
        events = life_events.history(resident_id)
        fill_events(self.history, events)
        self.history_box.setTitle(self.tr("个人变动记录（%1条）").replace("%1", str(len(events))))

    def _arm_view_timer(self) -> None:
        left = self.views.remaining()
        if left and self.isVisible():
            self._view_timer.start(int(left * 1000) + 1)
        else:
            self._view_timer.stop()

    def showEvent(self, event) -> None:  # back in sight: the person is being looked at again
        super().showEvent(event)
        self.views.shown(None)
        self.views.shown(self.resident_id)
        self._arm_view_timer()

    def hideEvent(self, event) -> None:  # another page, or the window closed: nobody looks
        super().hideEvent(event)
        self._view_timer.stop()

    def _settle_view(self) -> None:
        if not self.isVisible():
            return
        if self.views.remaining():  # a timer may fire a little early: wait out the rest
            self._arm_view_timer()
            return
        try:
            self.views.settle()
        except PermissionError:  # a role without the right to view sees no pane to log
            self._view_timer.stop()

    def reveal_id(self) -> None:
        if self.resident_id is None:
            return
        try:
            number = residents.reveal_id(self.user, self.resident_id)
        except PermissionError as exc:
            self.fields["id"].setText(str(exc))
            return
        self.fields["id"].setText(number)
        self.reveal.setEnabled(False)

    def _member_activated(self) -> None:
        items = self.members.selectedItems()
        if items:
            self.person_activated.emit(items[0].data(Qt.ItemDataRole.UserRole))

    def _event_activated(self) -> None:
        items = self.history.selectedItems()
        if items:
            self.event_activated.emit(items[0].data(Qt.ItemDataRole.UserRole))
