"""操作日志: who did what to which record, in words the 主任 reads
(models/core/audit_view.py; the export: models/core/audit_export.py).

The list is fetched a page at a time (newest first): scrolling to the bottom, or Ctrl+End and
Page Down, fetch the next page, so a log of 100,000 rows opens as fast as one of 100. The pane
below shows the selected row field by field, before and after. 导出 writes what the filters
match to an .xlsx workbook off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.core import audit_export, audit_view, clock
from models.core.audit_view import Change, Entry, LogFilter, LogPage
from models.core.entities import User
from ui.common.dialogs import save_file, warn
from ui.common.table_model import Column, Index, RowsTableModel
from ui.common.worker import Job, run_with_progress

CONTENT_COLUMN = 5


class LogTableModel(RowsTableModel):
    """Entries, a page at a time: the view asks for more (fetchMore) as it reaches the end."""

    def __init__(self, columns: list[Column], parent=None) -> None:
        super().__init__(columns, (), parent)
        self._next: Any = None  # before_id -> LogPage, for the filter now shown
        self._more = False

    def show_page(self, page: LogPage, next_page: Any) -> None:
        self._next = next_page
        self._more = page.more
        self.set_rows(page.entries)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and bool(self.rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        page: LogPage = self._next(self.rows[-1].id)
        self._more = page.more
        if page.entries:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.entries) - 1)
            self.rows.extend(page.entries)
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            entry: Entry = self.rows[index.row()]
            if index.column() == CONTENT_COLUMN:
                return "\n".join(c.line for c in entry.changes) or None
            return super().data(index, Qt.ItemDataRole.DisplayRole) or None
        return super().data(index, role)


class AuditDialog(QDialog):
    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.exported: audit_export.ExportResult | None = None
        self.export_error: str | None = None
        self._job: Job | None = None
        self._total: int | None = None  # rows the filter matches, counted with the first page
        self.setWindowTitle(self.tr("操作日志"))
        self.resize(1240, 660)

        # -- filters (the service refuses a role that may not read the log)
        self.person = QLineEdit()
        self.person.setObjectName("audit_person")
        self.person.setPlaceholderText(self.tr("姓名，或身份证号码的几位"))
        self.person.setClearButtonEnabled(True)
        self.person.setMinimumWidth(190)
        self.people = QLabel()
        self.people.setObjectName("audit_people")
        self.who = QComboBox()
        self.who.setObjectName("audit_user")
        self.who.addItem(self.tr("全部用户"), "")
        for name, label in audit_view.user_choices(user):
            self.who.addItem(label, name)
        self.action = QComboBox()
        self.action.setObjectName("audit_action")
        self.action.addItem(self.tr("全部操作"), "")
        for code, label in audit_view.action_choices(user):
            self.action.addItem(label, code)
        self.table_filter = QComboBox()
        self.table_filter.setObjectName("audit_table_name")
        self.table_filter.addItem(self.tr("全部记录类型"), "")
        for code, label in audit_view.table_choices(user):
            self.table_filter.addItem(label, code)
        self.by_date = QCheckBox(self.tr("按日期(&D)"))
        self.by_date.setObjectName("audit_by_date")
        today = QDate(*clock.today().timetuple()[:3])
        self.since = QDateEdit(today.addDays(-30))
        self.until = QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.text = QLineEdit()
        self.text.setObjectName("audit_text")
        self.text.setPlaceholderText(self.tr("说明或修改内容中的文字"))
        self.text.setClearButtonEnabled(True)
        self.clear_button = QPushButton(self.tr("清除筛选(&R)"))
        self.export_button = QPushButton(self.tr("导出Excel(&E)…"))
        self.export_button.setObjectName("audit_export")

        def labelled(text: str, widget: QWidget) -> QLabel:
            label = QLabel(text)
            label.setBuddy(widget)
            return label

        row1 = QHBoxLayout()
        row1.addWidget(labelled(self.tr("居民(&P)："), self.person))
        row1.addWidget(self.person)
        row1.addWidget(self.people, 1)
        row1.addWidget(labelled(self.tr("用户(&U)："), self.who))
        row1.addWidget(self.who)
        row1.addWidget(labelled(self.tr("操作(&A)："), self.action))
        row1.addWidget(self.action)
        row1.addWidget(labelled(self.tr("记录类型(&T)："), self.table_filter))
        row1.addWidget(self.table_filter)
        row2 = QHBoxLayout()
        row2.addWidget(self.by_date)
        row2.addWidget(self.since)
        row2.addWidget(QLabel(self.tr("至")))
        row2.addWidget(self.until)
        row2.addSpacing(16)
        row2.addWidget(labelled(self.tr("内容含(&N)："), self.text))
        row2.addWidget(self.text, 1)
        row2.addWidget(self.clear_button)
        row2.addWidget(self.export_button)

        # -- the list
        self.model = LogTableModel(
            [
                Column(self.tr("时间"), lambda e: e.time),
                Column(self.tr("用户"), lambda e: e.user),
                Column(self.tr("操作"), lambda e: e.action_name),
                Column(self.tr("记录类型"), lambda e: e.table_label),
                Column(self.tr("记录"), lambda e: e.record),
                Column(self.tr("内容"), lambda e: e.content),
                Column(self.tr("说明"), lambda e: e.note),
            ],
            self,
        )
        self.view = QTableView()
        self.view.setObjectName("audit_table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in enumerate((140, 150, 130, 80, 250, 300, 150)):
            self.view.setColumnWidth(column, width)
        header.setSectionResizeMode(CONTENT_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.model.rowsInserted.connect(lambda *_a: self._update_count())  # a page more
        self.view.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show(current.row())
        )

        # -- the selected row, field by field
        self.heading = QLabel()
        self.heading.setObjectName("audit_heading")
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.changes = RowsTableModel(
            [
                Column(self.tr("项目"), lambda c: c.label),
                Column(self.tr("修改前"), lambda c: "" if c.before is None else c.before),
                Column(self.tr("修改后"), lambda c: "" if c.after is None else c.after),
            ],
            (),
            self,
        )
        self.detail = QTableView()
        self.detail.setObjectName("audit_detail")
        self.detail.setModel(self.changes)
        self.detail.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.detail.verticalHeader().hide()
        self.detail.setWordWrap(True)
        self.detail.setColumnWidth(0, 230)
        self.detail.setColumnWidth(1, 420)
        self.detail.horizontalHeader().setStretchLastSection(True)
        # Wrapped values are as tall as their column is narrow: measure again once the
        # columns have their width (the first row is shown before the dialog is laid out).
        self._fit_rows = QTimer(self)
        self._fit_rows.setSingleShot(True)
        self._fit_rows.setInterval(0)
        self._fit_rows.timeout.connect(self.detail.resizeRowsToContents)
        self.detail.horizontalHeader().sectionResized.connect(lambda *_a: self._fit_rows.start())
        pane = QWidget()
        pane_layout = QVBoxLayout(pane)
        pane_layout.setContentsMargins(0, 0, 0, 0)
        pane_layout.addWidget(self.heading)
        pane_layout.addWidget(self.detail, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(pane)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([330, 220])
        splitter.setChildrenCollapsible(False)

        self.count = QLabel()
        self.count.setObjectName("audit_count")
        self.status = QLabel()
        self.status.setObjectName("audit_status")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        for button in (
            self.clear_button,
            self.export_button,
            self.buttons.button(QDialogButtonBox.StandardButton.Close),
        ):
            # Enter in a filter box applies it; it must not press a button (close the dialog).
            button.setAutoDefault(False)
            button.setDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        for first, second in [
            (self.person, self.who),
            (self.who, self.action),
            (self.action, self.table_filter),
            (self.table_filter, self.by_date),
            (self.by_date, self.since),
            (self.since, self.until),
            (self.until, self.text),
            (self.text, self.clear_button),
            (self.clear_button, self.export_button),
            (self.export_button, self.view),
            (self.view, self.detail),
        ]:
            QWidget.setTabOrder(first, second)

        # -- what changes the list: typing waits for a pause, Enter and the lists at once
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh)
        for line_edit in (self.person, self.text):
            line_edit.textChanged.connect(lambda _t: self._timer.start())
            line_edit.returnPressed.connect(self.refresh)
        for combo in (self.who, self.action, self.table_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.by_date.toggled.connect(self._date_toggled)
        self.since.dateChanged.connect(self._since_changed)
        self.until.dateChanged.connect(lambda _d: self.refresh())
        self.clear_button.clicked.connect(self.clear_filters)
        self.export_button.clicked.connect(self.export)
        QShortcut(QKeySequence.StandardKey.Find, self, self._find)
        self.refresh()
        self.person.setFocus()

    # -- filters ------------------------------------------------------------------------------

    def current_filter(self) -> LogFilter:
        dated = self.by_date.isChecked()
        return LogFilter(
            person=self.person.text().strip(),
            username=self.who.currentData() or "",
            action=self.action.currentData() or "",
            table_name=self.table_filter.currentData() or "",
            text=self.text.text().strip(),
            # QDate.toPython() is typed object in the stubs; it gives a datetime.date.
            since=cast(dt.date, self.since.date().toPython()) if dated else None,
            until=cast(dt.date, self.until.date().toPython()) if dated else None,
        )

    def _find(self) -> None:
        self.person.setFocus()
        self.person.selectAll()

    def _date_toggled(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)
        self.refresh()

    def _since_changed(self, day: QDate) -> None:
        if self.until.date() < day:  # keep the range the right way round
            self.until.setDate(day)  # refreshes
        else:
            self.refresh()

    def clear_filters(self) -> None:
        widgets = (self.person, self.text, self.who, self.action, self.table_filter, self.by_date)
        for widget in widgets:
            widget.blockSignals(True)
        self.person.clear()
        self.text.clear()
        for combo in (self.who, self.action, self.table_filter):
            combo.setCurrentIndex(0)
        self.by_date.setChecked(False)
        self.since.setEnabled(False)
        self.until.setEnabled(False)
        for widget in widgets:
            widget.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        flt = self.current_filter()
        user = self.user
        page = audit_view.search(user, flt)
        self._total = page.total
        self.model.show_page(
            page, lambda before_id: audit_view.search(user, flt, before_id=before_id)
        )
        self._show_people(flt, page)
        self._update_count()
        if page.entries:
            self.view.selectRow(0)
            self.view.scrollToTop()
        else:
            self._show(-1)

    def _show_people(self, flt: LogFilter, page: LogPage) -> None:
        if not flt.person:
            self.people.clear()
            self.people.setToolTip("")
            return
        if not page.people_count:
            self.people.setText(self.tr("没有找到这个居民"))
        elif page.people_count == 1:
            self.people.setText(page.people[0])
        else:
            self.people.setText(
                self.tr("%1 人：%2")
                .replace("%1", str(page.people_count))
                .replace("%2", "、".join(page.people[:2]) + "…")
            )
        self.people.setToolTip("\n".join(page.people))

    def _update_count(self) -> None:
        shown = len(self.model.rows)
        total = self._total
        if total is None or shown >= total:
            self.count.setText(self.tr("共 %1 条").replace("%1", f"{shown:,}"))
        else:
            self.count.setText(
                self.tr("共 %1 条，已显示最新的 %2 条（向下滚动显示更多）")
                .replace("%1", f"{total:,}")
                .replace("%2", f"{shown:,}")
            )

    # -- the selected row ---------------------------------------------------------------------

    def _show(self, row: int) -> None:
        if row < 0 or row >= len(self.model.rows):
            self.heading.setText(self.tr("没有符合条件的记录。") if not self.model.rows else "")
            self.changes.set_rows([])
            return
        entry: Entry = self.model.row_at(row)
        lines = [f"<b>{_html(entry.time)}　{_html(entry.user)}　{_html(entry.summary)}</b>"]
        if entry.note:
            lines.append(self.tr("说明：") + _html(entry.note))
        if not entry.changes:
            lines.append(self.tr("（这一操作没有修改记录的内容）"))
        self.heading.setText("<br>".join(lines))
        self.changes.set_rows(list(entry.changes))
        self.detail.resizeRowsToContents()
        self._fit_rows.start()

    def selected_changes(self) -> list[Change]:
        return list(self.changes.rows)

    # -- export -------------------------------------------------------------------------------

    def export(self) -> None:
        default = Path.home() / f"操作日志-{clock.today():%Y%m%d}.xlsx"
        chosen = save_file(
            self, self.tr("导出操作日志"), str(default), self.tr("Excel 工作簿 (*.xlsx)")
        )
        if chosen is None:
            return
        path = str(chosen)
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        flt = self.current_filter()
        user = self.user
        self.exported = None
        self.export_error = None
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("正在导出…"))

        def work(progress):
            return audit_export.export_workbook(user, flt, path, progress)

        self._job = run_with_progress(
            self,
            self.tr("导出操作日志"),
            self.tr("正在导出操作日志…"),
            work,
            self._exported,
            self._export_failed,
        )

    def _exported(self, result: audit_export.ExportResult) -> None:
        self._job = None
        self.export_button.setEnabled(True)
        self.refresh()  # the export is itself a row of the log
        self.status.setText(
            self.tr("已导出 %1 条到 %2")
            .replace("%1", f"{result.rows:,}")
            .replace("%2", str(result.path))
        )
        self.exported = result

    def _export_failed(self, message: str) -> None:
        self._job = None
        self.export_button.setEnabled(True)
        self.export_error = message
        if message == str(audit_export.ExportCancelled()):
            self.status.setText(self.tr("已取消导出，没有写出文件。"))
            return
        self.status.setText("")
        warn(self, self.tr("导出操作日志"), message)

    def done(self, result: int) -> None:
        if self._job is not None:
            self._job.cancel()  # an export still running stops at its next batch, writing nothing
        super().done(result)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
