"""The 计生服务 tab: opens on the worklist (overdue, this week, coming), then all cases.

Roles without Perm.CASEWORK_VIEW (a clerk) get a page that says why, with the overdue counts
only: numbers across the whole community name no one (see casework_worklist.overdue_counts).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.casework import views as casework_views
from models.casework import worklist as casework_worklist
from models.casework.cases import CaseworkError
from models.casework.entities import (
    BIRTH_REG,
    CASE_TYPES,
    STATUSES,
)
from models.casework.worklist import GROUPS, ITEM_KINDS, OverdueCounts
from models.core import clock
from models.core.entities import User
from models.core.permissions import Perm, PermissionDenied, can
from ui.casework.widgets import FlaggedTableModel
from ui.common import pdf_output
from ui.common.dialogs import ask_item, inform, run_modal, warn
from ui.common.table_model import Column, RowsTableModel


def counts_text(counts: OverdueCounts) -> str:
    if not counts.total:
        return "计生服务：无逾期事项"
    parts = [f"{ITEM_KINDS[k]}{n}" for k, n in counts.by_kind.items() if n]
    return f"计生服务逾期 {counts.total} 项（{'，'.join(parts)}）"


class CaseworkStatusLabel(QLabel):
    """The main window's status-bar count of overdue casework (numbers only)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("status_casework")
        self.refresh()

    def refresh(self) -> None:
        counts = casework_worklist.overdue_counts()
        self.setText(self.tr(counts_text(counts)))
        self.setStyleSheet("color: #B00020; font-weight: bold;" if counts.total else "")


class CaseworkTab(QWidget):
    counts_changed = Signal()

    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.allowed = can(user, Perm.CASEWORK_VIEW)
        self.heading = QLabel()
        self.heading.setObjectName("casework_heading")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        if self.allowed:
            self._build_full(layout)
        else:
            self._build_locked(layout)
        self.refresh()

    # -- a role that may not see cases -------------------------------------------------
    def _build_locked(self, layout: QVBoxLayout) -> None:
        self.message = QLabel(
            self.tr(
                "计生服务个案涉及孕产、健康和未成年人等敏感个人信息，"
                "只有计生专干、主任和系统管理员可以查看和办理。\n"
                "如需办理生育登记、育儿补贴等事项，请联系计生专干。"
            )
        )
        self.message.setObjectName("casework_locked")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 11pt; color: #444;")
        layout.addWidget(self.message)
        layout.addStretch(1)

    # -- the officer's view ---------------------------------------------------------------
    def _build_full(self, layout: QVBoxLayout) -> None:
        bar = QHBoxLayout()
        self.new_button = QToolButton()
        self.new_button.setText(self.tr("新建个案"))
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.new_button)
        self.new_actions: dict[str, QAction] = {}
        for code, name in CASE_TYPES.items():
            action = menu.addAction(name)
            action.triggered.connect(lambda _=False, c=code: self.new_case(c))
            self.new_actions[code] = action
        self.new_actions[BIRTH_REG].setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.addAction(self.new_actions[BIRTH_REG])
        self.new_button.setMenu(menu)
        self.new_button.setEnabled(can(self.user, Perm.CASEWORK_EDIT))
        self.open_button = QPushButton(self.tr("打开个案"))
        self.open_button.clicked.connect(self.open_selected)
        print_button = QToolButton()
        print_button.setText(self.tr("打印"))
        print_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        print_menu = QMenu(print_button)
        print_menu.addAction(self.tr("生育登记表（所选个案）…"), self.print_form)
        print_menu.addAction(self.tr("本月补贴和扶助发放名单…"), self.print_payments)
        print_menu.addAction(self.tr("待办工作清单…"), self.print_worklist)
        print_button.setMenu(print_menu)
        self.print_button = print_button
        rates_button = QPushButton(self.tr("补贴和扶助标准…"))
        rates_button.clicked.connect(self.show_rates)
        for w in (self.new_button, self.open_button, print_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(rates_button)
        layout.addLayout(bar)

        self.pages = QTabWidget()
        self.pages.setObjectName("casework_pages")
        # Worklist page.
        work = QWidget()
        wl = QVBoxLayout(work)
        filters = QHBoxLayout()
        self.work_filter = QComboBox()
        self.work_filter.addItem(self.tr("全部待办"), None)
        for code, name in GROUPS.items():
            self.work_filter.addItem(self.tr(name), code)
        self.work_filter.currentIndexChanged.connect(lambda _i: self._fill_worklist())
        filters.addWidget(QLabel(self.tr("显示")))
        filters.addWidget(self.work_filter)
        filters.addStretch(1)
        wl.addLayout(filters)
        self.work_model = FlaggedTableModel(
            [
                Column(self.tr("分组"), lambda w: GROUPS[w.group]),
                Column(self.tr("到期日"), lambda w: w.due),
                Column(self.tr("事项"), lambda w: w.what),
                Column(self.tr("类型"), lambda w: w.type_name),
                Column(self.tr("个案编号"), lambda w: w.case_no),
                Column(self.tr("姓名"), lambda w: w.person_name),
                Column(self.tr("身份证号"), lambda w: w.masked_id),
                Column(self.tr("小区"), lambda w: w.compound),
            ]
        )
        self.work_table = self._table(self.work_model, "casework_worklist")
        wl.addWidget(self.work_table)
        self.pages.addTab(work, self.tr("待办事项"))
        # All cases page.
        cases = QWidget()
        cl = QVBoxLayout(cases)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("姓名、拼音首字母或个案编号"))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._fill_cases)
        self.type_filter = QComboBox()
        self.type_filter.addItem(self.tr("全部类型"), None)
        for code, name in CASE_TYPES.items():
            self.type_filter.addItem(name, code)
        self.status_filter = QComboBox()
        self.status_filter.addItem(self.tr("未办结"), "open")
        self.status_filter.addItem(self.tr("全部状态"), None)
        for code, name in STATUSES.items():
            self.status_filter.addItem(name, code)
        for box in (self.type_filter, self.status_filter):
            box.currentIndexChanged.connect(lambda _i: self._fill_cases())
        find = QPushButton(self.tr("查找"))
        find.clicked.connect(self._fill_cases)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.type_filter)
        filters.addWidget(self.status_filter)
        filters.addWidget(find)
        cl.addLayout(filters)
        self.case_model = RowsTableModel(
            [
                Column(self.tr("个案编号"), lambda c: c.case_no),
                Column(self.tr("类型"), lambda c: c.type_name),
                Column(self.tr("状态"), lambda c: c.status_name),
                Column(self.tr("登记日期"), lambda c: c.opened_on),
                Column(self.tr("姓名"), lambda c: c.person_name),
                Column(self.tr("身份证号"), lambda c: c.masked_id),
                Column(self.tr("小区"), lambda c: c.compound),
                Column(self.tr("下次随访"), lambda c: c.next_date or ""),
                Column(self.tr("摘要"), lambda c: c.summary),
            ]
        )
        self.case_table = self._table(self.case_model, "casework_cases")
        cl.addWidget(self.case_table)
        self.case_count = QLabel()
        cl.addWidget(self.case_count)
        self.pages.addTab(cases, self.tr("全部个案"))
        layout.addWidget(self.pages, 1)

    def _table(self, model, name: str) -> QTableView:
        table = QTableView()
        table.setObjectName(name)
        table.setModel(model)
        table.verticalHeader().hide()
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.horizontalHeader().setStretchLastSection(True)
        table.doubleClicked.connect(lambda _i: self.open_selected())
        open_action = QAction(table)
        open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        open_action.triggered.connect(self.open_selected)
        table.addAction(open_action)
        return table

    # -- data ---------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.allowed:
            counts = casework_worklist.overdue_counts()
            self.heading.setText(self.tr(counts_text(counts)))
            self.counts_changed.emit()
            return
        self.items = casework_worklist.worklist(self.user)
        n = {g: sum(1 for i in self.items if i.group == g) for g in GROUPS}
        self.heading.setText(
            self.tr("计生服务待办：已逾期 %1 项，本周到期 %2 项，30天内到期 %3 项")
            .replace("%1", str(n["overdue"]))
            .replace("%2", str(n["week"]))
            .replace("%3", str(n["coming"]))
        )
        self._fill_worklist()
        self._fill_cases()
        self.counts_changed.emit()

    def _fill_worklist(self) -> None:
        group = self.work_filter.currentData()
        rows = [i for i in self.items if group is None or i.group == group]
        self.work_model.set_rows(rows)
        self.work_table.resizeColumnsToContents()

    def _fill_cases(self) -> None:
        rows = casework_views.list_cases(
            self.user,
            self.search.text(),
            self.type_filter.currentData(),
            self.status_filter.currentData(),
        )
        self.case_model.set_rows(rows)
        self.case_table.resizeColumnsToContents()
        self.case_count.setText(
            self.tr("共 %1 个个案").replace("%1", str(len(rows)))
            + (self.tr("（只显示最近500个，请用查找缩小范围）") if len(rows) >= 500 else "")
        )

    def selected_case_id(self) -> int | None:
        table = self.work_table if self.pages.currentIndex() == 0 else self.case_table
        rows = table.selectionModel().selectedRows()
        if not rows:
            return None
        model = table.model()
        assert isinstance(model, RowsTableModel)
        row = model.row_at(rows[0].row())
        return row.case_id if hasattr(row, "case_id") else row.id

    # -- actions --------------------------------------------------------------------------
    def open_selected(self) -> None:
        case_id = self.selected_case_id()
        if case_id is not None:
            self.open_case(case_id)

    def open_case(self, case_id: int, notice: str = "") -> None:
        """Open one case; a role without the permission is told so and nothing is shown."""
        from ui.casework.case_dialog import CaseDialog

        try:
            dialog = CaseDialog(self.user, case_id, self)
        except (PermissionDenied, CaseworkError) as exc:
            warn(self, self.tr("计生服务"), str(exc))
            return
        dialog.set_notice(notice)
        dialog.changed.connect(self.refresh)
        run_modal(dialog)

    def new_case(self, case_type: str) -> None:
        if case_type == BIRTH_REG:
            from ui.casework.birth_dialog import BirthRegistrationDialog

            dialog: BirthRegistrationDialog | NewCaseDialog = BirthRegistrationDialog(
                self.user, self
            )
        else:
            from ui.casework.new_dialog import NewCaseDialog

            dialog = NewCaseDialog(self.user, case_type, self)
        if run_modal(dialog) and dialog.case_id is not None:
            self.refresh()
            made = self.tr("已建立个案 %1").replace("%1", dialog.case_no)
            self._status(made)
            # Straight on to the new case: in the list, and open for its first follow-up.
            self.select_case(dialog.case_id)
            self.open_case(dialog.case_id, made + self.tr("。可在此记录随访和办理情况。"))

    def select_case(self, case_id: int) -> bool:
        """Show *case_id* selected on the 全部个案 page, clearing filters that hide it."""
        self.pages.setCurrentIndex(1)
        row = self._case_row(case_id)
        if row is None:
            for box, value in ((self.type_filter, None), (self.status_filter, None)):
                box.blockSignals(True)
                box.setCurrentIndex(box.findData(value))
                box.blockSignals(False)
            self.search.clear()
            self._fill_cases()
            row = self._case_row(case_id)
        if row is None:
            return False
        self.case_table.selectRow(row)
        self.case_table.scrollTo(self.case_model.index(row, 0))
        return True

    def _case_row(self, case_id: int) -> int | None:
        return next((n for n, c in enumerate(self.case_model.rows) if c.id == case_id), None)

    def _status(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 8000)

    def show_rates(self) -> None:
        from ui.casework.rates_dialog import RatesDialog

        run_modal(RatesDialog(self.user, self))
        self.refresh()

    # -- printing -------------------------------------------------------------------------
    def _save_path(self, kind: str, title: str, name: str) -> Path | None:
        return pdf_output.ask_path(self, kind, title, name)

    def _print(self, kind: str, title: str, func, *args) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            path = func(self.user, *args)
        except Exception as exc:  # refused, a full disk, no Chinese font: say so, keep working
            QApplication.restoreOverrideCursor()
            warn(self, title, str(exc))
            return
        QApplication.restoreOverrideCursor()
        self._status(self.tr("已保存 %1").replace("%1", str(path)))
        pdf_output.show_saved(self, kind, Path(path), title)

    def print_form(self) -> None:
        from reports.casework_forms import birth_registration_pdf

        case_id = self.selected_case_id()
        row = None
        if case_id is not None:
            table = self.work_table if self.pages.currentIndex() == 0 else self.case_table
            model = table.model()
            assert isinstance(model, RowsTableModel)
            row = model.row_at(table.selectionModel().selectedRows()[0].row())
        if row is None or row.case_type != BIRTH_REG:
            inform(self, self.tr("生育登记表"), self.tr("请先在列表中选择一个生育登记个案。"))
            return
        path = self._save_path(
            "casework-birth-form",
            self.tr("保存生育登记表"),
            pdf_output.file_name("生育登记表", extra=row.case_no),
        )
        if path:
            self._print(
                "casework-birth-form", self.tr("生育登记表"), birth_registration_pdf, case_id, path
            )

    def print_payments(self) -> None:
        from reports.casework_lists import payments_pdf

        today = clock.today().replace(day=1)
        months = []
        day = today
        for _ in range(12):
            months.append(day)
            day = (day - dt.timedelta(days=1)).replace(day=1)
        labels = [f"{m.year}年{m.month}月" for m in months]
        label = ask_item(self, self.tr("发放名单"), self.tr("月份："), labels, 0)
        if label is None:
            return
        month = months[labels.index(label)]
        path = self._save_path(
            "casework-payments",
            self.tr("保存发放名单"),
            pdf_output.file_name("补贴和扶助发放名单", month, month=True),
        )
        if path:
            self._print("casework-payments", self.tr("发放名单"), payments_pdf, month, path)

    def print_worklist(self) -> None:
        from reports.casework_lists import worklist_pdf

        path = self._save_path(
            "casework-worklist",
            self.tr("保存待办工作清单"),
            pdf_output.file_name("计生待办清单", clock.today()),
        )
        if path:
            self._print("casework-worklist", self.tr("待办工作清单"), worklist_pdf, path)
