"""The 社区活动 tab: upcoming and past events as a list and a month calendar, with filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QEvent, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence, QShortcut, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.core.entities import User
from models.events import prep as events_prep
from models.events import service as events_service
from models.events import templates as events_templates
from models.events.entities import CANCELLED, EVENT_TYPES, HELD, PLANNED
from models.events.service import EventFilter, EventRow
from ui.common.dialogs import ask_text, inform, run_modal
from ui.common.month_calendar import MonthCalendar
from ui.common.table_model import SORT_ROLE, Column, RowsTableModel
from ui.events.common import (
    USER_ERRORS,
    confirm,
    from_qdate,
    save_brief_pdf,
    save_plan_pdf,
    show_error,
    to_qdate,
)
from ui.events.new_dialog import fill_compounds

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
DAY_COLOURS = {PLANNED: "#cfe3ff", HELD: "#d4f0d4", CANCELLED: "#e4e4e4"}


class EventsTableModel(RowsTableModel):
    """Overdue preparation in red, cancelled events greyed."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            row: EventRow = self.rows[index.row()]
            if row.status == CANCELLED:
                return QBrush(QColor("#888888"))
            if row.tasks_overdue:
                return QBrush(QColor("#b00020"))
        return super().data(index, role)


class EventsTab(QWidget):
    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.day: dt.date | None = None
        # -- actions ------------------------------------------------------------------
        self.new_button = self._button(self.tr("新建活动"), self.new_event, "Ctrl+N", "new_event")
        self.open_button = self._button(self.tr("打开"), self.open_selected, None, "open_event")
        self.cancel_button = self._button(
            self.tr("取消活动"), self.cancel_selected, None, "cancel_event"
        )
        self.template_button = self._button(self.tr("另存为模板"), self.save_template)
        self.plan_button = self._button(self.tr("活动方案 PDF"), self.print_plan, "Ctrl+Shift+P")
        self.brief_button = self._button(
            self.tr("简报 PDF"), self.print_brief, "Ctrl+P", "print_brief"
        )
        actions = QHBoxLayout()
        for b in (
            self.new_button,
            self.open_button,
            self.cancel_button,
            self.template_button,
            self.plan_button,
            self.brief_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        # -- filters ------------------------------------------------------------------
        self.when = QComboBox()
        self.when.setObjectName("when_filter")
        for label, value in (
            (self.tr("即将开展"), "upcoming"),
            (self.tr("已过去"), "past"),
            (self.tr("全部活动"), "all"),
        ):
            self.when.addItem(label, value)
        self.compound = QComboBox()
        self.compound.setObjectName("compound_filter")
        fill_compounds(self.compound, self.tr("全部小区"))
        self.event_type = QComboBox()
        self.event_type.setObjectName("type_filter")
        self.event_type.addItem(self.tr("全部类型"), None)
        for code, name in EVENT_TYPES.items():
            self.event_type.addItem(name, code)
        self.search = QLineEdit()
        self.search.setObjectName("event_search")
        self.search.setPlaceholderText(self.tr("按主题、地点或小区查找（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        QShortcut(
            QKeySequence.StandardKey.Find,
            self,
            self.search.setFocus,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.day_label = QLabel()
        self.day_label.setStyleSheet("color: #1a5fb4; font-weight: bold;")
        self.all_days = QPushButton(self.tr("显示所有日期"))
        self.all_days.clicked.connect(self.clear_day)
        filters = QHBoxLayout()
        for w in (self.when, self.compound, self.event_type):
            filters.addWidget(w)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.day_label)
        filters.addWidget(self.all_days)
        self.when.currentIndexChanged.connect(lambda _i: self._sort_for_range())
        for box in (self.compound, self.event_type):
            box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search.textChanged.connect(lambda _t: self.refresh())
        # -- calendar and details -----------------------------------------------------
        self.calendar = MonthCalendar()
        self.calendar.setObjectName("event_calendar")
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.currentPageChanged.connect(lambda _y, _m: self.paint_calendar())
        self.calendar.clicked.connect(self.choose_day)
        legend = QLabel(
            self.tr(
                "日历底色：<span style='background:%1'>　筹备中　</span> "
                "<span style='background:%2'>　已举办　</span> "
                "<span style='background:%3'>　已取消　</span>"
            )
            .replace("%1", DAY_COLOURS[PLANNED])
            .replace("%2", DAY_COLOURS[HELD])
            .replace("%3", DAY_COLOURS[CANCELLED])
        )
        self.details = QLabel()
        self.details.setObjectName("event_details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.calendar)
        left_layout.addWidget(legend)
        left_layout.addWidget(self.details, 1)
        # -- list ---------------------------------------------------------------------
        self.model = EventsTableModel(
            [
                Column(
                    self.tr("日期"),
                    lambda r: f"{r.event_date:%Y-%m-%d}",
                    sort_key=lambda r: r.event_date,
                ),
                Column(self.tr("时间"), lambda r: r.start_time),
                Column(self.tr("活动主题"), lambda r: r.title),
                Column(self.tr("类型"), lambda r: r.type_name),
                Column(self.tr("小区"), lambda r: r.compound_name or self.tr("全社区")),
                Column(self.tr("状态"), lambda r: r.status_name),
                Column(
                    self.tr("准备进度"),
                    lambda r: r.progress_text,
                    sort_key=lambda r: (r.tasks_overdue, r.tasks_done),
                ),
                Column(
                    self.tr("预计人数"),
                    lambda r: r.expected_count or "",
                    _RIGHT,
                    sort_key=lambda r: r.expected_count,
                ),
                Column(
                    self.tr("实到人数"),
                    lambda r: "" if r.head_count is None else r.head_count,
                    _RIGHT,
                    sort_key=lambda r: r.head_count or 0,
                ),
                Column(
                    self.tr("照片"), lambda r: r.photos or "", _RIGHT, sort_key=lambda r: r.photos
                ),
                Column(self.tr("地点"), lambda r: r.place),
            ]
        )
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("event_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        # Enter opens and Delete cancels (after asking); a filter, not QShortcut, so that the
        # keys work whenever the list has focus, and never steal Enter from other widgets.
        self.table.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_details())
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.count_label = QLabel()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.table)
        right_layout.addWidget(self.count_label)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 860])
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        self.refresh()

    def _button(self, text: str, slot, shortcut: str | None = None, name: str = "") -> QPushButton:
        button = QPushButton(text)
        if name:
            button.setObjectName(name)
        button.clicked.connect(slot)
        if shortcut:
            action = QAction(self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            button.setToolTip(f"{text}（{shortcut}）")
        return button

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_selected()
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.cancel_selected()
                return True
        return super().eventFilter(watched, event)

    # -- data ---------------------------------------------------------------------------
    def _sort_for_range(self) -> None:
        """Upcoming: soonest first; past and all: most recent first."""
        order = (
            Qt.SortOrder.AscendingOrder
            if self.when.currentData() == "upcoming"
            else Qt.SortOrder.DescendingOrder
        )
        self.table.sortByColumn(0, order)
        self.refresh()

    def current_filter(self) -> EventFilter:
        return EventFilter(
            compound_id=self.compound.currentData(),
            event_type=self.event_type.currentData(),
            when="all" if self.day else self.when.currentData(),
            text=self.search.text(),
            day=self.day,
        )

    def refresh(self, select_id: int | None = None) -> None:
        selected = select_id or self.selected_id()
        rows = events_service.list_events(self.current_filter())
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(2, min(self.table.columnWidth(2), 360))
        overdue = sum(1 for r in rows if r.tasks_overdue)
        text = self.tr("共 %1 项活动").replace("%1", str(len(rows)))
        if overdue:
            text += self.tr("，其中 %1 项有逾期的准备事项（红色）").replace("%1", str(overdue))
        self.count_label.setText(text)
        self.day_label.setText(
            self.tr("%1 的活动").replace("%1", f"{self.day:%Y-%m-%d}") if self.day else ""
        )
        self.all_days.setVisible(self.day is not None)
        self.when.setEnabled(self.day is None)
        if selected is not None:
            self.select_event(selected)
        elif rows:
            self.table.selectRow(0)
        self.paint_calendar()
        self.show_details()

    def paint_calendar(self) -> None:
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clear the old month
        flt = self.current_filter()
        days = events_service.event_days(self.calendar.yearShown(), self.calendar.monthShown(), flt)
        for day, statuses in days.items():
            fmt = QTextCharFormat()
            fmt.setFontWeight(700)
            status = PLANNED if PLANNED in statuses else HELD if HELD in statuses else CANCELLED
            fmt.setBackground(QBrush(QColor(DAY_COLOURS[status])))
            self.calendar.setDateTextFormat(to_qdate(day), fmt)
        self.highlighted_days = days

    def choose_day(self, day: QDate) -> None:
        self.day = from_qdate(day)
        self.refresh()

    def clear_day(self) -> None:
        self.day = None
        self.refresh()

    def selected_row(self) -> EventRow | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        return self.model.row_at(self.proxy.mapToSource(indexes[0]).row())

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return row.id if row else None

    def select_event(self, event_id: int) -> bool:
        for r, row in enumerate(self.model.rows):
            if row.id == event_id:
                self.table.selectRow(self.proxy.mapFromSource(self.model.index(r, 0)).row())
                return True
        return False

    def show_details(self) -> None:
        row = self.selected_row()
        self.cancel_button.setText(
            self.tr("恢复活动") if row and row.status == CANCELLED else self.tr("取消活动")
        )
        self.cancel_button.setEnabled(row is not None and row.status != HELD)
        for b in (self.open_button, self.template_button, self.plan_button):
            b.setEnabled(row is not None)
        self.brief_button.setEnabled(row is not None and row.status == HELD)
        if row is None:
            self.details.setText(
                self.tr(
                    "<p style='color:#555'>选中一项活动查看详情；"
                    "Ctrl+N 从模板新建活动，回车键打开。</p>"
                )
            )
            return
        tasks = events_prep.tasks(row.id)
        lines = [
            f"<b>{_html(row.title)}</b>",
            f"{row.event_date:%Y年%m月%d日} {row.start_time}　{_html(row.place)}",
            f"{row.compound_name or self.tr('全社区')}　{row.type_name}　【{row.status_name}】",
        ]
        if row.head_count is not None:
            lines.append(
                self.tr("实到 %1 人（预计 %2 人）")
                .replace("%1", str(row.head_count))
                .replace("%2", str(row.expected_count))
            )
        if tasks:
            lines.append(self.tr("准备：%1").replace("%1", row.progress_text))
            for t in [t for t in tasks if t.overdue][:4]:
                lines.append(
                    f"<span style='color:#b00020'>● {_html(t.title)}"
                    f"（{t.owner}，{t.due_date:%m-%d}前）</span>"
                )
            upcoming = [t for t in tasks if not t.done and not t.overdue][:3]
            for t in upcoming:
                due = f"，{t.due_date:%m-%d}前" if t.due_date else ""
                lines.append(f"○ {_html(t.title)}（{t.owner}{due}）")
        self.details.setText("<br>".join(lines))

    # -- actions ------------------------------------------------------------------------
    def new_event(self) -> None:
        from ui.events.new_dialog import NewEventDialog

        dialog = NewEventDialog(
            self.user, self, day=self.day, compound_id=self.compound.currentData()
        )
        if run_modal(dialog) and dialog.event_id is not None:
            self.refresh(select_id=dialog.event_id)
            self.open_event(dialog.event_id)

    def open_selected(self) -> None:
        event_id = self.selected_id()
        if event_id is not None:
            self.open_event(event_id)

    def open_event(self, event_id: int) -> None:
        from ui.events.dialog import EventDialog

        dialog = EventDialog(self.user, event_id, self)
        self._dialog: EventDialog | None = dialog  # tests reach the open window through this
        run_modal(dialog)
        self._dialog = None
        self.refresh(select_id=event_id)

    def cancel_selected(self) -> None:
        row = self.selected_row()
        if row is None or row.status == HELD:
            return
        try:
            if row.status == CANCELLED:
                if confirm(
                    self,
                    self.tr("恢复活动"),
                    self.tr("恢复已取消的活动“%1”吗？").replace("%1", row.title),
                ):
                    events_service.reopen_event(self.user, row.id)
            else:
                reason = ask_text(
                    self,
                    self.tr("取消活动"),
                    self.tr("取消“%1”（%2）的原因：")
                    .replace("%1", row.title)
                    .replace("%2", f"{row.event_date:%Y-%m-%d}"),
                )
                if reason is None:
                    return
                if not reason.strip():
                    show_error(self, self.tr("取消活动"), ValueError(self.tr("请填写取消原因。")))
                    return
                if not confirm(
                    self,
                    self.tr("取消活动"),
                    self.tr(
                        "确定取消活动“%1”吗？\n活动不会被删除，仍可在“全部活动”中查看。"
                    ).replace("%1", row.title),
                ):
                    return
                events_service.cancel_event(self.user, row.id, reason)
        except USER_ERRORS as exc:
            show_error(self, self.tr("取消活动"), exc)
        self.refresh(select_id=row.id)

    def save_template(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        name = ask_text(
            self,
            self.tr("另存为模板"),
            self.tr("模板名称："),
            row.title.strip("“”") + self.tr("模板"),
        )
        if name is None:
            return
        try:
            events_templates.save_as_template(self.user, row.id, name)
        except USER_ERRORS as exc:
            show_error(self, self.tr("另存为模板"), exc)
            return
        message = self.tr("已保存模板“%1”，新建活动时可选用。").replace("%1", name.strip())
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 6000)
        else:
            inform(self, self.tr("另存为模板"), message)

    def print_plan(self) -> None:
        event_id = self.selected_id()
        if event_id is not None:
            save_plan_pdf(self, self.user, event_id)

    def print_brief(self) -> None:
        event_id = self.selected_id()
        if event_id is not None:
            save_brief_pdf(self, self.user, event_id)
            self.refresh(select_id=event_id)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
