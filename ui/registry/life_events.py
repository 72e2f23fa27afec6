"""Dialogs for life events of one person: death, moving out, change of category, coming back,
and correcting or cancelling an event. Each asks for confirmation before it changes a status."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from models.core import clock, codes
from models.registry import households, life_events, residents
from models.registry.residents import HEAD, RegistryError
from ui.common.dialogs import confirm, run_modal
from ui.common.discard_guard import DiscardGuard
from ui.common.form_dialog import FormDialog, Invalid
from ui.registry.widgets import (
    INFO_STYLE,
    CodeCombo,
    DateField,
    RelationsTable,
)


class _EventDialog(DiscardGuard, FormDialog):
    """Date, reason and the buttons every event dialog has; each dialog adds its rows (and
    boxes, to self.layout_), calls finish_layout() and implements apply()."""

    errors = (PermissionError,)

    def __init__(self, user, title: str, parent=None) -> None:
        super().__init__(parent, arrange=False)  # boxes go between the form and the buttons
        self.user = user
        self.setWindowTitle(title)
        self.date = DateField(clock.today(), required=True)
        self.date.setObjectName("event_date")
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.ok_button.setText(self.tr("登记(&S)"))
        self.cancel_button.setText(self.tr("取消"))
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)

    def _ok(self) -> None:
        """登记 (the name the tests and the registry's older callers press it by)."""
        self._submit()

    def save(self) -> bool:
        problem = self.date.problem(self.tr("日期"))
        if problem:
            raise Invalid(problem)
        return self.apply()

    def apply(self) -> bool:  # pragma: no cover - each dialog has its own
        """Register the event; False when the clerk answered 否 to its question."""
        raise NotImplementedError


def head_note() -> QLabel:
    note = QLabel()
    note.setObjectName("relation_note")
    note.setWordWrap(True)
    note.setStyleSheet(INFO_STYLE)
    note.hide()
    return note


def show_headless(relation: QComboBox, note: QLabel, headless: bool) -> None:
    """A household with no head in the register: whoever comes heads it (the service says so)."""
    relation.setEnabled(not headless)
    note.setText(
        note.tr("该户现无在册户主（已注销的户会恢复），迁入后此人即为户主。") if headless else ""
    )
    note.setVisible(headless)


class SuccessionBox(QGroupBox):
    """When a head leaves: who heads the household now, and everyone's relation to them."""

    def __init__(self, household_id: int, leaving_id: int, parent=None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("户主离开后的新户主"))
        self.household_id, self.leaving_id = household_id, leaving_id
        self.stay = [m for m in households.current_members(household_id) if m.id != leaving_id]
        self.head = QComboBox()
        self.head.setObjectName("new_head")
        for m in self.stay:
            self.head.addItem(f"{m.name}（{codes.name('relation', m.relation)}）", m.id)
        self.table = RelationsTable()
        self.table.setObjectName("relations")
        layout = QFormLayout(self)
        layout.addRow(self.tr("新户主*"), self.head)
        layout.addRow(self.table)
        self.head.currentIndexChanged.connect(self._suggest)
        self._suggest()

    def _suggest(self) -> None:
        head_id = self.head.currentData()
        if head_id is None:
            return
        suggested = households.suggest_relations(self.household_id, head_id)
        self.table.set_people(
            [
                (m.id, m.name, m.relation, suggested.get(m.id, m.relation))
                for m in self.stay
                if m.id != head_id
            ]
        )

    def new_head_id(self) -> int | None:
        return self.head.currentData()

    def relations(self) -> dict[int, str]:
        return self.table.relations()


def needs_succession(user, person_id: int) -> tuple[int, bool]:
    """(household id, True when the person is a head with others staying)."""
    info = residents.detail(user, person_id)
    hid = info.household_id or 0
    if not hid or info.data.relation != HEAD:
        return hid, False
    others = [m for m in households.current_members(hid) if m.id != person_id]
    return hid, bool(others)


class LeaveDialog(_EventDialog):
    """死亡 or 迁出 of one resident."""

    def __init__(self, user, resident_id: int, kind: str, parent=None) -> None:
        title = self.tr("死亡登记") if kind == "death" else self.tr("迁出登记")
        super().__init__(user, title, parent)
        self.kind, self.resident_id = kind, resident_id
        info = residents.detail(user, resident_id)
        self.person_name = info.data.name
        self.form.addRow(
            self.tr("居民"),
            QLabel(f"{info.data.name}　{info.masked_id}　{self.tr('户号')}{info.household_no}"),
        )
        self.form.addRow(
            self.tr("死亡日期*") if kind == "death" else self.tr("迁出日期*"), self.date
        )
        self.destination = QLineEdit()
        self.destination.setObjectName("destination")
        if kind == "move_out":
            self.form.addRow(self.tr("迁往"), self.destination)
        self.form.addRow(self.tr("原因/说明"), self.reason)
        household_id, succession = needs_succession(user, resident_id)
        self.succession = SuccessionBox(household_id, resident_id) if succession else None
        if self.succession:
            self.layout_.addWidget(self.succession)
        self.finish_layout()

    def apply(self) -> bool:
        what = self.tr("死亡") if self.kind == "death" else self.tr("迁出")
        text = (
            self.tr("确认登记%1%2（%3）？登记后其状态改为“%4”，不再计入在册人口。")
            .replace("%1", self.person_name)
            .replace("%2", what)
            .replace("%3", (self.date.date() or clock.today()).isoformat())
            .replace("%4", self.tr("已死亡") if self.kind == "death" else self.tr("已迁出"))
        )
        if not confirm(self, self.windowTitle(), text):
            return False
        head = self.succession.new_head_id() if self.succession else None
        rels = self.succession.relations() if self.succession else None
        day = self.date.date() or clock.today()
        if self.kind == "death":
            life_events.record_death(
                self.user, self.resident_id, day, self.reason.text(), head, rels
            )
        else:
            life_events.record_move_out(
                self.user,
                self.resident_id,
                day,
                self.destination.text(),
                self.reason.text(),
                head,
                rels,
            )
        return True


class CategoryDialog(_EventDialog):
    def __init__(self, user, resident_id: int, parent=None) -> None:
        super().__init__(user, self.tr("人员类别变更"), parent)
        self.resident_id = resident_id
        info = residents.detail(user, resident_id)
        self.form.addRow(self.tr("居民"), QLabel(info.data.name))
        self.form.addRow(self.tr("现类别"), QLabel(codes.name("category", info.data.category)))
        self.category = CodeCombo("category")
        self.category.setObjectName("category")
        self.category.set_code(info.data.category)
        self.form.addRow(self.tr("变更为*"), self.category)
        self.form.addRow(self.tr("变更日期*"), self.date)
        self.form.addRow(self.tr("原因/说明"), self.reason)
        self.finish_layout()

    def apply(self) -> bool:
        life_events.record_category_change(
            self.user,
            self.resident_id,
            self.category.code(),
            self.date.date() or clock.today(),
            self.reason.text(),
        )
        return True


class ReturnDialog(_EventDialog):
    """Someone who moved out comes back (to their old household or another)."""

    def __init__(self, user, resident_id: int, parent=None) -> None:
        super().__init__(user, self.tr("迁回登记"), parent)
        self.resident_id = resident_id
        info = residents.detail(user, resident_id)
        self.household_id = info.household_id
        self.form.addRow(self.tr("居民"), QLabel(f"{info.data.name}（{self.tr('已迁出')}）"))
        self.household = QLabel(
            f"{info.household_no}　{info.address}" if info.household_no else self.tr("（未选择）")
        )
        self.household.setObjectName("household")
        pick = QPushButton(self.tr("选择其他户(&T)…"))
        pick.setObjectName("pick_household")
        pick.clicked.connect(self._pick)
        where = QHBoxLayout()
        where.addWidget(self.household, 1)
        where.addWidget(pick)
        self.form.addRow(self.tr("迁入户*"), where)
        self.relation = CodeCombo("relation", exclude=("01",))
        self.relation.setObjectName("relation")
        self.relation.set_code(info.data.relation if info.data.relation != HEAD else "97")
        self.relation_note = head_note()
        self.form.addRow(self.tr("与户主关系"), self.relation)
        self.form.addRow("", self.relation_note)
        self.form.addRow(self.tr("迁入日期*"), self.date)
        self.from_place = QLineEdit()
        self.from_place.setObjectName("from_place")
        self.from_place.setPlaceholderText(self.tr("如 陕西省西安市雁塔区"))
        self.form.addRow(self.tr("迁自"), self.from_place)
        self.form.addRow(self.tr("原因/说明"), self.reason)
        self._show_head()
        self.finish_layout()

    def _show_head(self) -> None:
        headless = bool(self.household_id) and households.head_count(self.household_id or 0) == 0
        show_headless(self.relation, self.relation_note, headless)

    def _pick(self) -> None:
        from ui.common.household_picker import HouseholdPicker

        picker = HouseholdPicker(self)
        if run_modal(picker) and picker.chosen:
            self.household_id = picker.chosen.id
            self.household.setText(f"{picker.chosen.household_no}　{picker.chosen.address}")
            self._show_head()

    def apply(self) -> bool:
        if not self.household_id:
            raise RegistryError("请选择迁入的户。")
        life_events.record_return(
            self.user,
            self.resident_id,
            self.household_id,
            self.relation.code(),
            self.date.date() or clock.today(),
            self.from_place.text(),
            self.reason.text(),
        )
        return True


class CorrectionDialog(_EventDialog):
    """更正 an event's date, places or reason, or 撤销 one recorded in error."""

    def __init__(self, user, event_id: int, parent=None) -> None:
        super().__init__(user, self.tr("更正登记"), parent)
        self.event_id = event_id
        row = life_events.event_row(event_id)
        self.row = row
        self.form.addRow(
            self.tr("事项"),
            QLabel(f"{row.kind_name}　{row.resident_name}　{row.event_date.isoformat()}"),
        )
        self.form.addRow(self.tr("内容"), QLabel(row.description))
        self.date.set_date(row.event_date)
        self.form.addRow(self.tr("日期*"), self.date)
        self.from_value = QLineEdit(row.from_value)
        self.to_value = QLineEdit(row.to_value)
        if row.kind in ("move_in", "move_out"):
            self.form.addRow(
                self.tr("迁自") if row.kind == "move_in" else self.tr("原户号"), self.from_value
            )
            self.form.addRow(
                self.tr("迁入户号") if row.kind == "move_in" else self.tr("迁往"), self.to_value
            )
        self.reason.setText(row.reason)
        self.form.addRow(self.tr("原因/说明"), self.reason)
        self.cancel_relation = CodeCombo("relation", exclude=("01", HEAD))
        self.cancel_relation.set_code("97")
        self._needs_relation = life_events.cancel_needs_relation(event_id)
        if self._needs_relation:
            self.form.addRow(self.tr("撤销后与户主关系"), self.cancel_relation)
        # Here cancel_button is 撤销此登记 (the tests press it by that name); 取消 is still the
        # button box's Cancel.
        self.cancel_button = self.buttons.addButton(
            self.tr("撤销此登记(&V)"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.cancel_button.setObjectName("cancel_event")
        self.cancel_button.clicked.connect(self._cancel)
        self.cancel_button.setEnabled(row.kind in ("death", "move_out", "category_change"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存更正(&S)"))
        self.finish_layout()

    def apply(self) -> bool:
        kind = self.row.kind
        life_events.correct_event(
            self.user,
            self.event_id,
            self.date.date() or self.row.event_date,
            self.reason.text(),
            self.from_value.text() if kind in ("move_in", "move_out") else None,
            self.to_value.text() if kind in ("move_in", "move_out") else None,
        )
        return True

    def _cancel(self) -> None:
        self.error.clear()
        if not self.reason.text().strip():
            self.error.setText(self.tr("请在“原因/说明”中写明撤销的原因。"))
            return
        text = self.tr("确认撤销这条%1登记？原登记保留并标为已撤销。").replace(
            "%1", self.row.kind_name
        )
        if not confirm(self, self.tr("撤销登记"), text):
            return
        try:
            life_events.cancel_event(
                self.user,
                self.event_id,
                self.reason.text(),
                self.cancel_relation.code() if self._needs_relation else None,
            )
        except (RegistryError, PermissionError) as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class RevokeDialog(_EventDialog):
    """撤销 an event entered in error: it stays, marked revoked, and no figure counts it."""

    def __init__(self, user, event_id: int, parent=None) -> None:
        super().__init__(user, self.tr("撤销登记"), parent)
        self.event_id = event_id
        row = life_events.event_row(event_id)
        self.row = row
        self.form.addRow(
            self.tr("事项"),
            QLabel(f"{row.kind_name}　{row.resident_name}　{row.event_date.isoformat()}"),
        )
        self.form.addRow(self.tr("内容"), QLabel(row.description))
        self.reason.setPlaceholderText(self.tr("如 误录，此人未迁出"))
        self.form.addRow(self.tr("撤销原因*"), self.reason)
        self.relation = CodeCombo("relation", exclude=("01", HEAD))
        self.relation.setObjectName("relation")
        self.relation.set_code("97")
        self._needs_relation = life_events.cancel_needs_relation(event_id)
        if self._needs_relation:
            self.form.addRow(self.tr("撤销后与户主关系"), self.relation)
        note = QLabel(
            self.tr("原登记保留并标为“已撤销”，撤销记入历史和操作日志；月报不再统计这条登记。")
        )
        note.setWordWrap(True)
        note.setStyleSheet(INFO_STYLE)
        self.form.addRow(note)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("撤销此登记(&V)"))
        self.finish_layout()

    def apply(self) -> bool:
        if not self.reason.text().strip():
            raise RegistryError("请填写撤销原因。")
        text = (
            self.tr("确认撤销这条%1登记（%2，%3）？原登记保留并标为已撤销。")
            .replace("%1", self.row.kind_name)
            .replace("%2", self.row.resident_name)
            .replace("%3", self.row.event_date.isoformat())
        )
        if not confirm(self, self.windowTitle(), text):
            return False
        life_events.cancel_event(
            self.user,
            self.event_id,
            self.reason.text(),
            self.relation.code() if self._needs_relation else None,
        )
        return True
