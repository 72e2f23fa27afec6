"""Household actions: pick a household, change the head, move a person, split, merge.

Every dialog shows each person's relation to the (new) head with a suggestion the clerk can
change, and asks for confirmation before anything moves."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
)

from models.core import clock, codes
from models.registry import compounds, households, residents
from models.registry.households import AddressInput, HouseholdRow
from models.registry.residents import HEAD, RegistryError
from ui.common.dialogs import confirm, run_modal
from ui.common.household_picker import HouseholdPicker
from ui.registry.life_events import SuccessionBox, _EventDialog, head_note, show_headless
from ui.registry.widgets import CodeCombo, RelationsTable


def _pick_target(dialog: QDialog, exclude_id: int) -> HouseholdRow | None:
    picker = HouseholdPicker(dialog, exclude_id=exclude_id)
    return picker.chosen if run_modal(picker) and picker.chosen else None


def target_text(dialog: QDialog, row: HouseholdRow) -> str:
    closed = dialog.tr("（已注销）") if row.archived else ""
    return f"{row.household_no}{closed}　{row.address}　{dialog.tr('户主')}：{row.head_name or '—'}"


class ChangeHeadDialog(_EventDialog):
    def __init__(self, user, household_id: int, parent=None) -> None:
        super().__init__(user, self.tr("变更户主"), parent)
        self.household_id = household_id
        self.members = households.current_members(household_id)
        self.head = QComboBox()
        self.head.setObjectName("new_head")
        for m in self.members:
            if m.relation != HEAD:
                self.head.addItem(f"{m.name}（{codes.name('relation', m.relation)}）", m.id)
        self.table = RelationsTable()
        self.table.setObjectName("relations")
        self.form.addRow(self.tr("新户主*"), self.head)
        self.form.addRow(self.table)
        self.form.addRow(self.tr("变更日期*"), self.date)
        self.form.addRow(self.tr("原因/说明"), self.reason)
        self.head.currentIndexChanged.connect(self._suggest)
        self._suggest()
        self.finish_layout()
        self.resize(560, 420)

    def _suggest(self) -> None:
        head_id = self.head.currentData()
        if head_id is None:
            return
        suggested = households.suggest_relations(self.household_id, head_id)
        self.table.set_people(
            [(m.id, m.name, m.relation, suggested[m.id]) for m in self.members if m.id != head_id]
        )

    def apply(self) -> bool:
        if self.head.currentData() is None:
            raise RegistryError("本户没有可以担任户主的其他在册人员。")
        if not confirm(
            self,
            self.windowTitle(),
            self.tr("确认将户主变更为%1？").replace("%1", self.head.currentText()),
        ):
            return False
        households.change_head(
            self.user,
            self.household_id,
            self.head.currentData(),
            self.table.relations(),
            self.date.date() or clock.today(),
            self.reason.text(),
        )
        return True


class MoveDialog(_EventDialog):
    """Move one person to another household of the community."""

    def __init__(self, user, resident_id: int, parent=None) -> None:
        super().__init__(user, self.tr("迁至他户"), parent)
        self.resident_id = resident_id
        info = residents.detail(user, resident_id)
        self.source_id = info.household_id or 0
        self.person_name = info.data.name
        self.target: HouseholdRow | None = None
        self.form.addRow(
            self.tr("居民"), QLabel(f"{info.data.name}（{self.tr('原户')}{info.household_no}）")
        )
        self.target_label = QLabel(self.tr("（未选择）"))
        self.target_label.setObjectName("target")
        pick = QPushButton(self.tr("选择目标户(&T)…"))
        pick.setObjectName("pick_target")
        pick.clicked.connect(self._pick)
        row = QHBoxLayout()
        row.addWidget(self.target_label, 1)
        row.addWidget(pick)
        self.form.addRow(self.tr("迁入户*"), row)
        self.relation = CodeCombo("relation", exclude=("01", HEAD))
        self.relation.setObjectName("relation")
        self.relation.set_code("97")
        self.relation_note = head_note()
        self.form.addRow(self.tr("与该户户主关系*"), self.relation)
        self.form.addRow("", self.relation_note)
        self.form.addRow(self.tr("日期*"), self.date)
        self.form.addRow(self.tr("原因/说明"), self.reason)
        others = [m for m in households.current_members(self.source_id) if m.id != resident_id]
        self.succession = (
            SuccessionBox(self.source_id, resident_id)
            if info.data.relation == HEAD and others
            else None
        )
        if self.succession:
            self.layout_.addWidget(self.succession)
        self.finish_layout()

    def _pick(self) -> None:
        row = _pick_target(self, self.source_id)
        if row is not None:
            self.set_target(row)

    def set_target(self, row: HouseholdRow) -> None:
        self.target = row
        self.target_label.setText(target_text(self, row))
        show_headless(self.relation, self.relation_note, not row.head_name)

    def apply(self) -> bool:
        if self.target is None:
            raise RegistryError("请选择要迁入的户。")
        if not confirm(
            self,
            self.windowTitle(),
            self.tr("确认把%1迁入户%2？")
            .replace("%1", self.person_name)
            .replace("%2", self.target.household_no),
        ):
            return False
        households.move_resident(
            self.user,
            self.resident_id,
            self.target.id,
            self.relation.code(),
            self.date.date() or clock.today(),
            self.reason.text(),
            self.succession.new_head_id() if self.succession else None,
            self.succession.relations() if self.succession else None,
        )
        return True


class SplitDialog(_EventDialog):
    """分户: some members form a new household at an address of their own."""

    def __init__(self, user, household_id: int, parent=None) -> None:
        super().__init__(user, self.tr("分户"), parent)
        self.household_id = household_id
        info = households.detail(household_id)
        self.members = {m.id: m for m in households.current_members(household_id)}
        self.people = QListWidget()
        self.people.setObjectName("split_members")
        for m in self.members.values():
            item = QListWidgetItem(f"{m.name}（{codes.name('relation', m.relation)}）")
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.people.addItem(item)
        self.people.setMaximumHeight(130)
        self.head = QComboBox()
        self.head.setObjectName("new_head")
        self.table = RelationsTable()
        self.table.setObjectName("relations")
        self.compound = QComboBox()
        for c in compounds.list_compounds():
            self.compound.addItem(c.name, c.id)
        self.compound.setCurrentIndex(max(0, self.compound.findData(info.compound_id)))
        self.building = QLineEdit(info.building)
        self.unit = QLineEdit(info.unit)
        self.room = QLineEdit()
        self.room.setObjectName("room")
        self.household_type = CodeCombo("household_type")
        self.household_type.set_code(info.household_type)
        self.form.addRow(self.tr("分出的人员*（勾选）"), self.people)
        self.form.addRow(self.tr("新户户主*"), self.head)
        self.form.addRow(self.table)
        address = QHBoxLayout()
        for widget in (self.compound, self.building, self.unit, self.room):
            address.addWidget(widget)
        self.building.setPlaceholderText(self.tr("楼栋"))
        self.unit.setPlaceholderText(self.tr("单元"))
        self.room.setPlaceholderText(self.tr("门牌"))
        self.form.addRow(self.tr("新户地址*"), address)
        self.form.addRow(self.tr("户别"), self.household_type)
        self.form.addRow(self.tr("分户日期*"), self.date)
        self.form.addRow(self.tr("原因/说明"), self.reason)
        self.stay_box = QGroupBox(self.tr("原户主分出后，原户的新户主"))
        stay_form = QFormLayout(self.stay_box)
        self.stay_head = QComboBox()
        self.stay_head.setObjectName("stay_head")
        self.stay_table = RelationsTable()
        stay_form.addRow(self.tr("原户新户主*"), self.stay_head)
        stay_form.addRow(self.stay_table)
        self.layout_.addWidget(self.stay_box)
        self.people.itemChanged.connect(lambda _i: self._refresh())
        self.head.currentIndexChanged.connect(lambda _i: self._relations())
        self.stay_head.currentIndexChanged.connect(lambda _i: self._stay_relations())
        self._refresh()
        self.finish_layout()
        self.resize(640, 640)

    def checked(self) -> list[int]:
        return [
            self.people.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.people.count())
            if self.people.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, ids: list[int]) -> None:
        for i in range(self.people.count()):
            item = self.people.item(i)
            wanted = item.data(Qt.ItemDataRole.UserRole) in ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def _refresh(self) -> None:
        chosen = self.checked()
        keep = self.head.currentData()
        self.head.blockSignals(True)
        self.head.clear()
        for mid in chosen:
            self.head.addItem(self.members[mid].name, mid)
        self.head.setCurrentIndex(max(0, self.head.findData(keep)))
        self.head.blockSignals(False)
        self._relations()
        old_head_leaves = any(self.members[m].relation == HEAD for m in chosen)
        self.stay_box.setVisible(old_head_leaves)
        keep = self.stay_head.currentData()
        self.stay_head.blockSignals(True)
        self.stay_head.clear()
        for m in self.members.values():
            if m.id not in chosen:
                self.stay_head.addItem(m.name, m.id)
        self.stay_head.setCurrentIndex(max(0, self.stay_head.findData(keep)))
        self.stay_head.blockSignals(False)
        self._stay_relations()

    def _relations(self) -> None:
        head_id = self.head.currentData()
        if not head_id:
            self.table.set_people([])
            return
        suggested = households.suggest_relations(self.household_id, head_id)
        self.table.set_people(
            [
                (m, self.members[m].name, self.members[m].relation, suggested.get(m, "97"))
                for m in self.checked()
                if m != head_id
            ]
        )

    def _stay_relations(self) -> None:
        head_id = self.stay_head.currentData()
        chosen = self.checked()
        if not head_id or not self.stay_box.isVisibleTo(self):
            self.stay_table.set_people([])
            return
        suggested = households.suggest_relations(self.household_id, head_id)
        self.stay_table.set_people(
            [
                (m.id, m.name, m.relation, suggested.get(m.id, m.relation))
                for m in self.members.values()
                if m.id not in chosen and m.id != head_id
            ]
        )

    def apply(self) -> bool:
        chosen = self.checked()
        if not chosen or self.head.currentData() is None:
            raise RegistryError("请勾选分出的人员并指定新户户主。")
        names = "、".join(self.members[m].name for m in chosen)
        if not confirm(
            self, self.windowTitle(), self.tr("确认将%1分出，另立新户？").replace("%1", names)
        ):
            return False
        addr = AddressInput(
            self.compound.currentData(),
            self.building.text(),
            self.unit.text(),
            self.room.text(),
            self.household_type.code(),
        )
        self.new_household = households.split_household(
            self.user,
            self.household_id,
            chosen,
            self.head.currentData(),
            self.table.relations(),
            addr,
            self.date.date() or clock.today(),
            self.reason.text(),
            stay_head_id=self.stay_head.currentData() if self.stay_box.isVisibleTo(self) else None,
            stay_relations=self.stay_table.relations(),
        )
        return True


class MergeDialog(_EventDialog):
    """合户: everyone in this household joins another one, which keeps its head."""

    def __init__(self, user, household_id: int, parent=None) -> None:
        super().__init__(user, self.tr("合户（并入他户）"), parent)
        self.source_id = household_id
        info = households.detail(household_id)
        self.source_no = info.household_no
        self.members = households.current_members(household_id)
        self.target: HouseholdRow | None = None
        self.form.addRow(self.tr("本户"), QLabel(f"{info.household_no}　{info.address}"))
        self.target_label = QLabel(self.tr("（未选择）"))
        self.target_label.setObjectName("target")
        pick = QPushButton(self.tr("选择并入的户(&T)…"))
        pick.setObjectName("pick_target")
        pick.clicked.connect(self._pick)
        row = QHBoxLayout()
        row.addWidget(self.target_label, 1)
        row.addWidget(pick)
        self.form.addRow(self.tr("并入户*"), row)
        self.table = RelationsTable()
        self.table.setObjectName("relations")
        # Relations to this household's head mean nothing in the other household: start from
        # 其他亲属 and follow the head's relation to the other head once the clerk sets it.
        self.table.set_people([(m.id, m.name, m.relation, "97") for m in self.members])
        self.source_head = next((m for m in self.members if m.relation == HEAD), None)
        if self.source_head is not None:
            self.table.combo_for(self.source_head.id).currentIndexChanged.connect(
                lambda _i: self._follow_head()
            )
        self.headless = False
        self.form.addRow(
            QLabel(self.tr("各人与并入户户主的关系（先选本户户主的，其他人随之建议）："))
        )
        self.form.addRow(self.table)
        self.head_note = head_note()
        self.form.addRow(self.head_note)
        self.form.addRow(self.tr("合户日期*"), self.date)
        self.form.addRow(self.tr("原因/说明"), self.reason)
        self.finish_layout()
        self.resize(600, 480)

    def _pick(self) -> None:
        row = _pick_target(self, self.source_id)
        if row is not None:
            self.set_target(row)

    def set_target(self, row: HouseholdRow) -> None:
        self.target = row
        self.target_label.setText(target_text(self, row))
        headless = not row.head_name
        if headless != self.headless:
            # Shown as they will be: into a household without a head everyone keeps theirs.
            people = sorted(self.members, key=lambda m: m.relation != HEAD)  # the head first
            for m in people:
                self.table.combo_for(m.id).set_code(m.relation if headless else "97")
        self.headless = headless
        self.table.setEnabled(not headless)
        self.head_note.setText(
            self.tr("并入户现无在册户主：本户户主为合户后的户主，其他人与户主的关系不变。")
            if headless
            else ""
        )
        self.head_note.setVisible(headless)

    def apply(self) -> bool:
        if self.target is None:
            raise RegistryError("请选择要并入的户。")
        text = (
            self.tr("确认将户%1的%2人并入户%3？户%1将注销（记录保留）。")
            .replace("%1", self.source_no)
            .replace("%2", str(len(self.members)))
            .replace("%3", self.target.household_no)
        )
        if not confirm(self, self.windowTitle(), text):
            return False
        # Into a household without a head, this head heads it and the others keep theirs.
        relations = {} if self.headless else self.table.relations()
        households.merge_households(
            self.user,
            self.source_id,
            self.target.id,
            relations,
            self.date.date() or clock.today(),
            self.reason.text(),
        )
        return True

    def _follow_head(self) -> None:
        if self.source_head is None:
            return
        head_rel = self.table.combo_for(self.source_head.id).code()
        for m in self.members:
            if m.id != self.source_head.id:
                self.table.combo_for(m.id).set_code(
                    households.relation_through(head_rel, m.relation, m.sex)
                )
