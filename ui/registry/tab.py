"""The 户籍人口 tab: find anyone as you type, filter, open a person or a household, record
life events. Results page in from the database as the table scrolls; the count follows from
a background thread."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.core.entities import User
from models.core.permissions import Perm, can
from models.registry import compounds, households, life_events, residents
from models.registry.search import ResidentFilter, ResidentRow
from ui.common.dialogs import run_modal
from ui.common.table_model import Column, RowsTableModel
from ui.registry.context_menu import (
    Entries,
    attach,
    choose_ending,
    event_items,
    explain_not_revocable,
    household_items,
    resident_items,
)
from ui.registry.detail import PersonPane
from ui.registry.filters import FilterBar
from ui.registry.model import Counter, ResidentPageModel
from ui.registry.new_resident import NewResidentChooser

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class RegistryTab(QWidget):
    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.editable = can(user, Perm.REGISTRY_EDIT)
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)  # search a moment after the last keystroke
        self._timer.timeout.connect(self.run_search)
        self.counter = Counter(self, self.user)
        self.counter.counted.connect(self._counted)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.refresh()

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("registry_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            self.tr(
                "查找：姓名、拼音首字母（如 wjg）、全拼、身份证号任意几位、"
                "电话、户号、地址…（Ctrl+F）"
            )
        )
        self.search.setStyleSheet("font-size: 12pt; padding: 4px;")
        self.search.installEventFilter(self)
        self.search.returnPressed.connect(self._search_enter)
        self.count_label = QLabel()
        self.count_label.setObjectName("registry_count")

        self.filters = FilterBar()
        self.filters.changed.connect(lambda: self._timer.start())
        # Each filter by the name the tests and the screenshot scripts use.
        self.f_compound = self.filters.compound
        self.f_category = self.filters.category
        self.f_tag = self.filters.tag
        self.f_age = self.filters.age
        self.f_sex = self.filters.sex
        self.f_status = self.filters.status

        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot, edit in [
            ("new_resident", "新增居民(Ctrl+N)", self.new_resident, True),
            ("new_household", "新建户(Ctrl+Shift+N)", lambda: self.new_household(), True),
            ("open", "打开(Enter)", self.open_selected, False),
            ("household", "户信息(Ctrl+H)", self.open_household, False),
            ("birth", "出生登记(&S)", self.birth, True),
            ("death", "死亡(&D)", lambda: self.leave("death"), True),
            ("move_out", "迁出(&O)", lambda: self.leave("move_out"), True),
            ("move_back", "迁回(&I)", self.move_back, True),
            ("category", "类别变更(&C)", self.change_category, True),
        ]:
            button = QPushButton(self.tr(text))
            button.setObjectName(f"action_{key}")
            button.clicked.connect(slot)
            button.setEnabled(self.editable or not edit)
            self.buttons[key] = button
            actions.addWidget(button)
        actions.addStretch(1)
        fill = QPushButton(self.tr("一表通(Ctrl+Shift+Y)"))
        fill.setObjectName("action_fill")
        fill.setToolTip(self.tr("用户籍信息填写各部门的报表模板"))
        fill.clicked.connect(self.open_fill)
        self.buttons["fill"] = fill
        actions.addWidget(fill)

        self.model = ResidentPageModel(self, self.user)
        self.table = QTableView()
        self.table.setObjectName("registry_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # sorts by the indicator: households, in order
        char = self.fontMetrics().horizontalAdvance("中")
        for column, chars in enumerate([4, 2.5, 2.5, 10, 5, 4.5, 13, 5, 7.5, 3.5]):
            header.resizeSection(column, int(chars * char) + 16)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda _i: self.open_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._selected())

        self.pane = PersonPane(self.user)
        self.pane.setObjectName("person_pane")
        self.pane.person_activated.connect(self.select_person)
        self.pane.event_activated.connect(self.correct_event)
        self.summary_model = RowsTableModel(
            [
                Column(self.tr("小区"), lambda s: s.name),
                Column(self.tr("牵头单位"), lambda s: s.lead_unit),
                Column(self.tr("户数"), lambda s: f"{s.households:,}", _RIGHT),
                Column(self.tr("在册人数"), lambda s: f"{s.residents:,}", _RIGHT),
            ]
        )
        self.summary = QTableView()
        self.summary.setObjectName("compound_table")
        self.summary.setModel(self.summary_model)
        self.summary.verticalHeader().hide()
        self.summary.horizontalHeader().setStretchLastSection(True)
        self.summary_heading = QLabel()
        self.summary_heading.setObjectName("summary_heading")
        summary_page = QWidget()
        summary_layout = QVBoxLayout(summary_page)
        summary_layout.addWidget(self.summary_heading)
        summary_layout.addWidget(self.summary)
        self.side = QTabWidget()
        # Scrolls rather than forcing its full height on the window (1366×768 screens).
        pane_scroll = QScrollArea()
        pane_scroll.setWidgetResizable(True)
        pane_scroll.setFrameShape(QFrame.Shape.NoFrame)
        pane_scroll.setWidget(self.pane)
        self.side.addTab(pane_scroll, self.tr("居民详情"))
        self.side.addTab(summary_page, self.tr("小区概况"))

        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 480])

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)

        # Right-click and Delete: the same actions as the buttons, for the row under the mouse.
        self._pane_scroll = pane_scroll
        attach(self.table, self.resident_menu_items, self.end_selected)
        attach(self.pane.history, self.event_menu_items, self.revoke_selected_event)

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in [
            ("Ctrl+F", self.focus_search),
            ("Ctrl+N", self.new_resident),
            ("Ctrl+Shift+N", lambda: self.new_household()),
            ("Ctrl+H", self.open_household),
            ("Ctrl+Shift+Y", self.open_fill),
        ]:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # -- searching --------------------------------------------------------------------
    def showEvent(self, event) -> None:  # the clerk starts typing straight away
        super().showEvent(event)
        QTimer.singleShot(0, self.focus_search)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.search and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down and self.model.rowCount():
                self._focus_table()
                return True
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return super().eventFilter(obj, event)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.selectionModel().hasSelection() and self.model.rowCount():
            self.table.selectRow(0)

    def _search_enter(self) -> None:
        if self._timer.isActive():
            self.run_search()
        if self.model.rowCount() == 1:
            self.open_selected()
        elif self.model.rowCount():
            self._focus_table()

    def current_filter(self) -> ResidentFilter:
        return self.filters.current()

    def clear_filters(self) -> None:
        self.filters.clear()

    def run_search(self, keep: int | None = None) -> None:
        self._timer.stop()
        keep = keep or self.selected_id()
        self.model.set_query(self.search.text(), self.current_filter())
        if self.model.complete():
            self.counter.cancel()
            self._counted(self.model.rowCount())
        else:
            self.count_label.setText(
                self.tr("找到 %1+ 人，正在统计…").replace("%1", str(self.model.rowCount()))
            )
            self.counter.start(self.search.text(), self.current_filter())
        row = self.model.row_of(keep) if keep else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self.pane.clear()

    def _counted(self, total: int) -> None:
        self.count_label.setText(self.tr("找到 %1 人").replace("%1", f"{total:,}"))

    def selected_row(self) -> ResidentRow | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return row.id if row else None

    def _selected(self) -> None:
        row = self.selected_row()
        if row is None:
            self.pane.clear()
            return
        self.pane.show_person(row.id)
        self.buttons["move_back"].setEnabled(self.editable and row.status == "moved_out")
        for key in ("death", "move_out", "category"):
            self.buttons[key].setEnabled(self.editable and row.status == "current")

    def select_person(self, resident_id: int) -> None:
        """Show one person (from the pane or a dialog), even if the search does not list them."""
        row = self.model.row_of(resident_id)
        if row < 0:
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.f_status.setCurrentIndex(self.f_status.count() - 1)  # any status
            self._timer.stop()
            self.counter.cancel()
            household = self._household_of(resident_id)
            self.model.set_query("", ResidentFilter(status=None, household_id=household))
            self.count_label.setText(
                self.tr("本户 %1 人（含已迁出、已死亡）").replace("%1", str(self.model.rowCount()))
            )
            row = self.model.row_of(resident_id)
        if row >= 0:
            self.table.selectRow(row)
        self.pane.show_person(resident_id)

    def _household_of(self, resident_id: int) -> int | None:
        return residents.detail(self.user, resident_id).household_id

    def refresh(self) -> None:
        rows = compounds.summary()
        self.filters.set_compounds(rows)
        self.summary_model.set_rows(rows)
        self.summary.resizeColumnsToContents()
        self.summary_heading.setText(
            self.tr("共 %1 个小区，%2 户，%3 人在册")
            .replace("%1", str(len(rows)))
            .replace("%2", f"{sum(r.households for r in rows):,}")
            .replace("%3", f"{sum(r.residents for r in rows):,}")
        )
        self.run_search()

    def _changed(self, select: int | None = None) -> None:
        self.refresh()
        if select:
            self.select_person(select)

    # -- actions ----------------------------------------------------------------------
    def open_selected(self) -> None:
        from ui.registry.resident_form import open_resident

        resident_id = self.selected_id()
        if resident_id is None:
            return
        saved = open_resident(self.user, resident_id, self)
        self._changed(saved or resident_id)

    def open_fill(self) -> None:
        from ui.fill.dialog import FillDialog

        run_modal(FillDialog(self.user, self))

    def open_household(self) -> None:
        from ui.registry.household import HouseholdDialog

        row = self.selected_row()
        if row is None or not row.household_id:
            return
        dialog = HouseholdDialog(self.user, row.household_id, self)
        run_modal(dialog)  # and freed: a child of the tab would otherwise stay alive (~3 MB)
        if dialog.changed:
            self._changed(row.id)

    def new_household(self, first_mode: str = "move_in") -> None:
        from ui.registry.household import HouseholdDialog

        row = self.selected_row()
        dialog = HouseholdDialog(
            self.user,
            None,
            self,
            compound_id=row.compound_id if row else None,
            first_mode=first_mode,
        )
        run_modal(dialog)
        if dialog.changed:
            self.refresh()

    def new_resident(self) -> None:
        if not self.editable:
            return
        row = self.selected_row()
        chooser = NewResidentChooser(row, self)
        if run_modal(chooser) != QDialog.DialogCode.Accepted:
            return
        if chooser.household_id is None:
            self.new_household(chooser.mode)
            return
        self._form(chooser.mode, chooser.household_id)

    def _form(self, mode: str, household_id: int) -> None:
        from ui.registry.resident_form import OPEN_OTHER, ResidentForm, open_resident

        form = ResidentForm(self.user, mode, household_id=household_id, parent=self)
        result = run_modal(form)
        if result == OPEN_OTHER and form.open_resident_id:
            self.select_person(form.open_resident_id)
            open_resident(self.user, form.open_resident_id, self)
            self._changed(form.open_resident_id)
        elif result == QDialog.DialogCode.Accepted:
            self._changed(form.saved_id)

    def birth(self) -> None:
        row = self.selected_row()
        if row and row.household_id:
            self._form("birth", row.household_id)

    def leave(self, kind: str) -> None:
        from ui.registry.life_events import LeaveDialog

        row = self.selected_row()
        if (
            row
            and row.status == "current"
            and run_modal(LeaveDialog(self.user, row.id, kind, self))
        ):
            self._changed(row.id)

    def move_back(self) -> None:
        from ui.registry.life_events import ReturnDialog

        row = self.selected_row()
        if row and row.status == "moved_out" and run_modal(ReturnDialog(self.user, row.id, self)):
            self._changed(row.id)

    def change_category(self) -> None:
        from ui.registry.life_events import CategoryDialog

        row = self.selected_row()
        if row and row.status == "current" and run_modal(CategoryDialog(self.user, row.id, self)):
            self._changed(row.id)

    def correct_event(self, event_id: int) -> None:
        from ui.registry.life_events import CorrectionDialog

        if self.editable and run_modal(CorrectionDialog(self.user, event_id, self)):
            self._changed(self.selected_id())

    def revoke_event(self, event_id: int) -> None:
        from ui.registry.life_events import RevokeDialog

        if not self.editable:
            return
        row = life_events.event_row(event_id)
        if not life_events.revocable(row):
            explain_not_revocable(self, row)
            return
        if run_modal(RevokeDialog(self.user, event_id, self)):
            self._changed(row.resident_id or self.selected_id())

    def correct_selected(self) -> None:
        """更正: the person's form with a reason; the change is a line in their history."""
        from ui.registry.resident_form import open_resident

        resident_id = self.selected_id()
        if resident_id is None or not self.editable:
            return
        saved = open_resident(self.user, resident_id, self, mode="correct")
        self._changed(saved or resident_id)

    def move_member(self) -> None:
        from ui.registry.household_actions import MoveDialog

        row = self.selected_row()
        if row and row.status == "current" and run_modal(MoveDialog(self.user, row.id, self)):
            self._changed(row.id)

    def show_history(self) -> None:
        """查看历史: the pane's history, in sight and focused, latest line selected."""
        row = self.selected_row()
        if row is None:
            return
        self.pane.show_person(row.id)
        self.side.setCurrentIndex(0)
        self._pane_scroll.ensureWidgetVisible(self.pane.history_box)
        history = self.pane.history
        if history.rowCount():
            history.selectRow(history.rowCount() - 1)
        history.setFocus(Qt.FocusReason.OtherFocusReason)

    def _household_dialog(self, make) -> None:
        row = self.selected_row()
        if row is None or not row.household_id:
            return
        if run_modal(make(self.user, row.household_id, self)):
            self._changed(row.id)

    def change_head(self) -> None:
        from ui.registry.household_actions import ChangeHeadDialog

        self._household_dialog(ChangeHeadDialog)

    def split_household(self) -> None:
        from ui.registry.household_actions import SplitDialog

        self._household_dialog(SplitDialog)

    def merge_household(self) -> None:
        from ui.registry.household_actions import MergeDialog

        self._household_dialog(MergeDialog)

    # -- right-click and Delete ---------------------------------------------------------
    def resident_menu_items(self) -> Entries:
        row = self.selected_row()
        if row is None:
            return []
        items = resident_items(
            self,
            row.status,
            self.editable,
            {
                "edit": self.open_selected,
                "correct": self.correct_selected,
                "move_out": lambda: self.leave("move_out"),
                "death": lambda: self.leave("death"),
                "move_back": self.move_back,
                "category": self.change_category,
                "move_member": self.move_member,
                "history": self.show_history,
            },
        )
        if not row.household_id:
            return items
        info = households.detail(row.household_id)
        return items + household_items(
            self,
            info.archived,
            bool(info.members),
            self.editable,
            {
                "household": self.open_household,
                "change_head": self.change_head,
                "split": self.split_household,
                "merge": self.merge_household,
            },
        )

    def end_selected(self) -> None:
        """Delete on a person: 迁出 or 死亡注销, chosen then confirmed; nothing is deleted."""
        row = self.selected_row()
        if row is None:
            return
        kind = choose_ending(self, row.name, row.status, self.editable)
        if kind:
            self.leave(kind)

    def _selected_event(self) -> int | None:
        items = self.pane.history.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def event_menu_items(self) -> Entries:
        event_id = self._selected_event()
        if event_id is None:
            return []
        return event_items(
            self,
            life_events.event_row(event_id),
            self.editable,
            {
                "correct_event": lambda: self.correct_event(event_id),
                "revoke_event": lambda: self.revoke_event(event_id),
            },
        )

    def revoke_selected_event(self) -> None:
        event_id = self._selected_event()
        if event_id is not None:
            self.revoke_event(event_id)
