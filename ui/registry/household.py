"""The household dialog: address and number, the members with their relation to the head, the
household's history, and every action on it (add a member, birth, move in, change head,
move a member, split, merge, a member's death or move out)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from models.core import clock, codes
from models.core.errors import EditConflict
from models.core.permissions import Perm, can
from models.registry import compounds, households, life_events, residents
from models.registry.households import AddressInput
from models.registry.residents import STATUS_NAMES, RegistryError, age_on
from ui.common.dialogs import run_modal
from ui.common.discard_guard import DiscardGuard, field_values
from ui.registry.widgets import CodeCombo, error_label


def fill_table(
    table: QTableWidget, rows: list[list[str]], ids: list[int], grey: list[bool] | None = None
) -> None:
    table.setRowCount(0)
    for r, values in enumerate(rows):
        table.insertRow(r)
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setData(Qt.ItemDataRole.UserRole, ids[r])
            if grey and grey[r]:
                item.setForeground(Qt.GlobalColor.gray)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)


def read_only_table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def _was(e: life_events.EventRow, old: life_events.EventRow | None) -> str:
    """What a correcting event changed, as "原…" (the old line is struck through above)."""
    if old is None:
        return ""
    parts = []
    if old.event_date != e.event_date:
        parts.append(f"原日期{old.event_date.isoformat()}")
    if (old.from_value, old.to_value) != (e.from_value, e.to_value):
        parts.append(f"原为“{old.description}”")
    if old.reason != e.reason:
        parts.append(f"原说明“{old.reason or '无'}”")
    return "（" + "，".join(parts) + "）" if parts else ""


def event_rows(events: list[life_events.EventRow]) -> tuple[list[list[str]], list[int], list[bool]]:
    by_id = {e.id: e for e in events}
    # What replaced each voided event: a "void" (撤销) or a corrected copy (更正).
    replaced_by = {e.corrects_id: e.kind for e in events if e.corrects_id}
    rows = []
    for e in events:
        note = ""
        description = e.description
        if e.voided:
            note = {None: "（已更正/撤销）", "void": "（已撤销）"}.get(
                replaced_by.get(e.id), "（已更正）"
            )
        elif e.corrects_id and e.kind != "void":
            note = "（更正）"
            description += _was(e, by_id.get(e.corrects_id))
        rows.append(
            [
                e.event_date.isoformat(),
                e.kind_name + note,
                e.resident_name,
                description,
                e.reason,
                e.username,
            ]
        )
    return rows, [e.id for e in events], [e.voided or e.kind == "void" for e in events]


def fill_events(table: QTableWidget, events: list[life_events.EventRow]) -> None:
    """A history table: revoked and replaced events struck through, who/when on each row."""
    rows, ids, grey = event_rows(events)
    fill_table(table, rows, ids, grey)
    for r, e in enumerate(events):
        tip = (
            f"登记人：{e.username}　录入时间：{str(e.created_at)[:16]}"
            + (f"\n原因/说明：{e.reason}" if e.reason else "")
            + f"\n{e.kind_name}：{rows[r][3]}"
        )
        for c in range(table.columnCount()):
            item = table.item(r, c)
            if item is None:
                continue
            item.setToolTip(tip)
            if e.voided:
                font = item.font()
                font.setStrikeOut(True)
                item.setFont(font)
    table.resizeColumnsToContents()
    # A long correction line would push the table wide: cap the content column.
    if table.columnWidth(3) > 420:
        table.setColumnWidth(3, 420)
    table.horizontalHeader().setStretchLastSection(True)


def _age(birth: dt.date | None, today: dt.date) -> str:
    age = age_on(birth, today)
    return "" if age is None else str(age)


EVENT_HEADERS = ["日期", "事项", "人员", "内容", "原因/说明", "登记人"]


class HouseholdDialog(DiscardGuard, QDialog):
    """household_id None: a new household (after saving, the form for its head opens).

    关闭, Esc and the close button ask before dropping an address typed but not saved."""

    def __init__(
        self,
        user,
        household_id: int | None = None,
        parent=None,
        compound_id: int | None = None,
        first_mode: str = "move_in",
    ) -> None:
        super().__init__(parent)
        self.user = user
        self.household_id = household_id
        self.first_mode = first_mode  # how the first person of a new household is registered
        self.changed = False
        self.editable = can(user, Perm.REGISTRY_EDIT)
        self.resize(900, 680)
        self._build(compound_id)
        if household_id:
            self.refresh()
        else:
            self.setWindowTitle(self.tr("新建户"))
            self.number.setPlaceholderText(self.tr("留空自动编号"))
            for widget in (self.members_box, self.history_box):
                widget.hide()
            self.resize(640, 0)

    def _build(self, compound_id: int | None) -> None:
        self.compound = QComboBox()
        self.compound.setObjectName("compound")
        for c in compounds.list_compounds():
            self.compound.addItem(c.name, c.id)
        if compound_id:
            self.compound.setCurrentIndex(max(0, self.compound.findData(compound_id)))
        self.building = QLineEdit()
        self.building.setObjectName("building")
        self.unit = QLineEdit()
        self.unit.setObjectName("unit")
        self.room = QLineEdit()
        self.room.setObjectName("room")
        self.number = QLineEdit()
        self.number.setObjectName("household_no")
        self.household_type = CodeCombo("household_type")
        self.household_type.set_code("2")
        self.phone = QLineEdit()
        self.notes = QLineEdit()
        self.save_button = QPushButton(self.tr("保存地址(&S)"))
        self.save_button.setObjectName("save_household")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(self.editable)
        self.error = error_label()

        box = QGroupBox(self.tr("户信息"))
        grid = QGridLayout(box)
        labels = [
            ("小区*", self.compound),
            ("楼栋", self.building),
            ("单元", self.unit),
            ("门牌", self.room),
            ("户号", self.number),
            ("户别", self.household_type),
            ("联系电话", self.phone),
            ("备注", self.notes),
        ]
        for i, (label, widget) in enumerate(labels):
            grid.addWidget(QLabel(self.tr(label)), i // 4, (i % 4) * 2)
            grid.addWidget(widget, i // 4, (i % 4) * 2 + 1)
        grid.addWidget(self.save_button, 2, 7)

        self.members_box = QGroupBox(self.tr("家庭成员"))
        self.members = read_only_table(
            [
                self.tr(h)
                for h in [
                    "姓名",
                    "与户主关系",
                    "性别",
                    "年龄",
                    "身份证号",
                    "人员类别",
                    "联系电话",
                    "状态",
                ]
            ],
            "members",
        )
        self.members.doubleClicked.connect(lambda _i: self.open_member())
        self.show_former = QCheckBox(self.tr("显示已迁出、已死亡的人员"))
        self.show_former.toggled.connect(lambda _b: self.refresh())
        buttons = QHBoxLayout()
        self.action_buttons: list[QPushButton] = []
        for text, slot, name in [
            ("打开(&O)", self.open_member, "open_member"),
            ("补录成员", lambda: self.add_member("register"), "add_member"),
            ("出生登记(&B)", lambda: self.add_member("birth"), "birth"),
            ("迁入登记(&I)", lambda: self.add_member("move_in"), "move_in"),
            ("变更户主(&H)", self.change_head, "change_head"),
            ("迁至他户(&M)", self.move_member, "move_member"),
            ("分户(&P)", self.split, "split"),
            ("合户(&G)", self.merge, "merge"),
            ("死亡(&D)", lambda: self.member_event("death"), "death"),
            ("迁出(&U)", lambda: self.member_event("move_out"), "move_out"),
        ]:
            button = QPushButton(self.tr(text))
            button.setObjectName(name)
            button.clicked.connect(slot)
            button.setEnabled(self.editable or name == "open_member")
            buttons.addWidget(button)
            self.action_buttons.append(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.members_box)
        layout.addWidget(self.members)
        layout.addWidget(self.show_former)
        layout.addLayout(buttons)

        self.history_box = QGroupBox(self.tr("本户变动记录"))
        self.history = read_only_table([self.tr(h) for h in EVENT_HEADERS], "history")
        self.history.doubleClicked.connect(lambda _i: self.correct_event())
        QVBoxLayout(self.history_box).addWidget(self.history)

        close = QPushButton(self.tr("关闭"))
        close.setObjectName("close")
        # reject(): what was saved is saved already (self.changed); the guard asks about the rest.
        close.clicked.connect(self.reject)
        # Offered when another clerk saved this household first: the typed values stay until
        # the clerk chooses to replace them with the stored ones.
        self.reload_button = QPushButton(self.tr("重新载入(&R)"))
        self.reload_button.setObjectName("reload")
        self.reload_button.setToolTip(self.tr("放弃本窗口中未保存的修改，显示他人保存后的当前内容"))
        self.reload_button.clicked.connect(self.reload)
        self.reload_button.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.error, 1)
        bottom.addWidget(self.reload_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(self.members_box, 3)
        layout.addWidget(self.history_box, 2)
        layout.addLayout(bottom)
        save_shortcut = QShortcut(QKeySequence("Ctrl+S"), self)
        save_shortcut.activated.connect(self.save)
        from ui.registry.context_menu import attach

        attach(self.members, self.member_menu_items, self.end_member)
        attach(self.history, self.event_menu_items, self.revoke_event)

    def _settled(self) -> None:
        """The fields now hold what is stored: only later typing counts as unsaved."""
        if self._discard_snapshot is not None:
            self._discard_snapshot = field_values(self)

    # -- showing ----------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.household_id:
            return
        self.reload_button.hide()  # what is shown now is what is stored
        info = households.detail(self.household_id)
        self.info = info
        state = self.tr("（已注销）") if info.archived else ""
        self.setWindowTitle(
            self.tr("户信息：%1 %2%3")
            .replace("%1", info.household_no)
            .replace("%2", info.address)
            .replace("%3", state)
        )
        self.compound.setCurrentIndex(max(0, self.compound.findData(info.compound_id)))
        self.building.setText(info.building)
        self.unit.setText(info.unit)
        self.room.setText(info.room)
        self.number.setText(info.household_no)
        self.household_type.set_code(info.household_type)
        self.phone.setText(info.phone)
        self.notes.setText(info.notes)
        people = info.members + (info.former if self.show_former.isChecked() else [])
        today = clock.today()
        fill_table(
            self.members,
            [
                [
                    m.name,
                    codes.name("relation", m.relation),
                    codes.name("sex", m.sex),
                    _age(m.birth_date, today),
                    m.masked_id,
                    codes.name("category", m.category),
                    m.phone,
                    STATUS_NAMES.get(m.status, m.status),
                ]
                for m in people
            ],
            [m.id for m in people],
            [m.status != "current" for m in people],
        )
        if info.members:
            self.members.selectRow(0)
        fill_events(self.history, life_events.household_history(self.household_id))
        self.members_box.setTitle(
            self.tr("家庭成员（在册%1人，户主：%2）")
            .replace("%1", str(len(info.members)))
            .replace("%2", info.head.name if info.head else self.tr("无"))
        )
        self._settled()

    def selected_member(self) -> int | None:
        items = self.members.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def select_member(self, resident_id: int) -> None:
        for r in range(self.members.rowCount()):
            item = self.members.item(r, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == resident_id:
                self.members.selectRow(r)
                return

    # -- actions ----------------------------------------------------------------------
    def save(self) -> None:
        self.error.clear()
        addr = AddressInput(
            self.compound.currentData() or 0,
            self.building.text(),
            self.unit.text(),
            self.room.text(),
            self.household_type.code(),
            self.phone.text(),
            self.notes.text(),
        )
        try:
            if self.household_id:
                households.update_household(
                    self.user,
                    self.household_id,
                    addr,
                    self.number.text(),
                    expected_version=self.info.row_version,
                )
            else:
                house = households.create_household(self.user, addr, self.number.text())
                self.household_id = house.id
                self.changed = True
                self.members_box.show()
                self.history_box.show()
                self.resize(900, 680)
                self.refresh()
                # A new household mostly means someone arrived; 补录 is one button away
                # (or what the clerk chose before the household was made).
                self.add_member(self.first_mode)
                return
        except EditConflict as exc:
            # Someone saved first: say who and what, keep the typing, offer the stored values.
            self.error.setText(
                str(exc) + self.tr("点“重新载入”可显示当前内容（将替换本窗口中输入的内容）。")
            )
            self.reload_button.show()
            return
        except (RegistryError, PermissionError) as exc:
            self.error.setText(str(exc))
            return
        self.changed = True
        self.refresh()

    def reload(self) -> None:
        """重新载入: the stored values (and version) replace what this window holds."""
        self.error.clear()
        self.reload_button.hide()
        self.refresh()

    def _after(self, dialog: QDialog) -> bool:
        if run_modal(dialog) == QDialog.DialogCode.Accepted:
            self.changed = True
            self.refresh()
            return True
        return False

    def open_member(self) -> None:
        from ui.registry.resident_form import open_resident

        member = self.selected_member()
        if member and open_resident(self.user, member, self):
            self.changed = True
            self.refresh()

    def add_member(self, mode: str) -> None:
        from ui.registry.resident_form import OPEN_OTHER, ResidentForm, open_resident

        form = ResidentForm(self.user, mode, household_id=self.household_id, parent=self)
        result = run_modal(form)  # and freed: a child of this dialog
        if result == OPEN_OTHER and form.open_resident_id:
            open_resident(self.user, form.open_resident_id, self)
        elif result == QDialog.DialogCode.Accepted:
            self.changed = True
            self.refresh()
            if form.saved_id:
                self.select_member(form.saved_id)

    def _need_member(self) -> int | None:
        member = self.selected_member()
        if member is None:
            self.error.setText(self.tr("请先在家庭成员中选择一人。"))
        return member

    def change_head(self) -> None:
        from ui.registry.household_actions import ChangeHeadDialog

        if self.household_id:
            self._after(ChangeHeadDialog(self.user, self.household_id, self))

    def move_member(self) -> None:
        from ui.registry.household_actions import MoveDialog

        member = self._need_member()
        if member:
            self._after(MoveDialog(self.user, member, self))

    def split(self) -> None:
        from ui.registry.household_actions import SplitDialog

        if self.household_id:
            self._after(SplitDialog(self.user, self.household_id, self))

    def merge(self) -> None:
        from ui.registry.household_actions import MergeDialog

        if self.household_id:
            self._after(MergeDialog(self.user, self.household_id, self))

    def member_event(self, kind: str) -> None:
        from ui.registry.life_events import LeaveDialog

        member = self._need_member()
        if member:
            self._after(LeaveDialog(self.user, member, kind, self))

    def correct_event(self) -> None:
        from ui.registry.life_events import CorrectionDialog

        items = self.history.selectedItems()
        if items and self.editable:
            self._after(CorrectionDialog(self.user, items[0].data(Qt.ItemDataRole.UserRole), self))

    def selected_event(self) -> int | None:
        items = self.history.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def revoke_event(self) -> None:
        from ui.registry.context_menu import explain_not_revocable
        from ui.registry.life_events import RevokeDialog

        event_id = self.selected_event()
        if event_id is None or not self.editable:
            return
        row = life_events.event_row(event_id)
        if not life_events.revocable(row):
            explain_not_revocable(self, row)
            return
        self._after(RevokeDialog(self.user, event_id, self))

    def correct_member(self) -> None:
        from ui.registry.resident_form import open_resident

        member = self.selected_member()
        if member and open_resident(self.user, member, self, mode="correct"):
            self.changed = True
            self.refresh()

    def end_member(self) -> None:
        """Delete on a member: 迁出 or 死亡注销, chosen and confirmed; never a deletion."""
        from ui.registry.context_menu import choose_ending

        member = self.selected_member()
        if member is None:
            return
        info = residents.detail(self.user, member)
        kind = choose_ending(self, info.data.name, info.status, self.editable)
        if kind:
            self.member_event(kind)

    def member_menu_items(self) -> list:
        from ui.registry.context_menu import household_items, resident_items

        member = self.selected_member()
        if member is None:
            return []
        status = residents.detail(self.user, member).status
        items = resident_items(
            self,
            status,
            self.editable,
            {
                "edit": self.open_member,
                "correct": self.correct_member,
                "move_out": lambda: self.member_event("move_out"),
                "death": lambda: self.member_event("death"),
                "move_member": self.move_member,
            },
        )
        info = getattr(self, "info", None)
        archived = bool(info and info.archived)
        has_members = bool(info and info.members)
        return items + household_items(
            self,
            archived,
            has_members,
            self.editable,
            {
                "change_head": self.change_head,
                "split": self.split,
                "merge": self.merge,
            },
        )

    def event_menu_items(self) -> list:
        from ui.registry.context_menu import event_items

        event_id = self.selected_event()
        if event_id is None:
            return []
        return event_items(
            self,
            life_events.event_row(event_id),
            self.editable,
            {
                "correct_event": self.correct_event,
                "revoke_event": self.revoke_event,
            },
        )
