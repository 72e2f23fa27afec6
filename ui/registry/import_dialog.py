"""导入花名册: choose a workbook, see every row checked, import the valid ones; and 导出花名册.

The preview asks what the file does not say (ui.registry.import_mapping): the compound of a sheet
without a 小区 column, the people's category, the 入册日期; and it lists every column with
the field it goes to, changeable. 按以上选择重新检查 reads the file again with the choices.

Reading, checking and importing run off the GUI thread with progress and cancel (ui.common.worker);
the services in models.registry.workbook.importer decide everything, this window only shows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.core import clock, codes, idcard
from models.core.entities import User
from models.core.permissions import Perm, can
from models.registry.workbook import importer as wi
from models.registry.workbook.rows import STATUS_NAMES, RowResult
from ui.common.dialogs import confirm, error, inform, open_file, save_file, warn
from ui.common.table_model import Column, RowsTableModel
from ui.common.worker import Job, run_with_progress
from ui.registry.import_mapping import ChoicesPanel, MappingTable, date_of

Index = QModelIndex | QPersistentModelIndex
_FILTER = "工作簿 (*.xlsx *.xls *.csv);;Excel 工作簿 (*.xlsx *.xls);;CSV 文件 (*.csv);;所有文件 (*)"
_COLOURS = {wi.REJECTED: QColor("#f8d7da"), wi.WARNING: QColor("#fff3cd")}
_ACTIONS = {"new": "新增", "update": "更新", "same": "无变化"}


class PreviewModel(RowsTableModel):
    """The preview rows, coloured by status: red for rejected, yellow for a warning."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.BackgroundRole:
            colour = _COLOURS.get(self.rows[index.row()].status)
            return QBrush(colour) if colour is not None else None
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            return self.rows[index.row()].reason() or None
        return super().data(index, role)


class _ProblemFilter(QSortFilterProxyModel):
    only_problems = False

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self.only_problems:
            return True
        model = self.sourceModel()
        assert isinstance(model, PreviewModel)
        return model.rows[source_row].status != wi.OK


def _shown_id(row: RowResult, reveal: bool) -> str:
    """Full number only where it is wrong (the clerk must see what to fix) or may be seen."""
    if row.id_number and not reveal and not any("身份" in i.label for i in row.issues):
        return idcard.mask(row.id_number)
    return row.id_number or row.id_text


class ImportDialog(QDialog):
    def __init__(self, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = user
        self.preview: wi.Preview | None = None
        self.import_result: wi.ImportResult | None = None
        self.options = wi.ImportOptions()
        self.dirty = False  # choices changed since the last check
        self.imported = False
        self._job: Job | None = None
        self.setWindowTitle(self.tr("导入花名册"))
        self.resize(1100, 660)
        reveal = can(user, Perm.REVEAL_ID)

        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("import_path")
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("选择一个 .xlsx、.xls 或 .csv 花名册文件"))
        self.choose_button = QPushButton(self.tr("选择文件(&O)…"))
        self.choose_button.setObjectName("choose_file")
        self.choose_button.setShortcut(QKeySequence.StandardKey.Open)
        self.choose_button.clicked.connect(self.choose_file)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("文件：")))
        top.addWidget(self.path_edit, 1)
        top.addWidget(self.choose_button)

        self.summary = QLabel(
            self.tr("尚未选择文件。导入前会逐行检查，有问题的行标为黄色（警告）或红色（退回）。")
        )
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.only_problems = QCheckBox(self.tr("只看有问题的行(&P)"))
        self.only_problems.setObjectName("only_problems")
        self.only_problems.toggled.connect(self._filter_changed)

        self.model = PreviewModel(
            [
                Column(self.tr("状态"), lambda r: STATUS_NAMES[r.status]),
                Column(self.tr("工作表"), lambda r: r.sheet),
                Column(
                    self.tr("行"),
                    lambda r: r.row,
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                ),
                Column(self.tr("户号"), lambda r: r.household_no),
                Column(self.tr("姓名"), lambda r: r.name),
                Column(self.tr("身份证号码"), lambda r: _shown_id(r, reveal)),
                Column(
                    self.tr("与户主关系"),
                    lambda r: codes.name("relation", r.person.get("relation")),
                ),
                Column(self.tr("处理"), lambda r: _ACTIONS.get(r.action, "—")),
                Column(self.tr("问题"), lambda r: r.reason()),
            ]
        )
        self.proxy = _ProblemFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("preview_table")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setWordWrap(False)
        # Size columns from the first rows only: a seed-size register has 23,000.
        self.table.horizontalHeader().setResizeContentsPrecision(300)

        self.choices = ChoicesPanel()
        self.choices.setObjectName("import_choices")
        self.choices.recheck.connect(self.recheck)
        self.choices.hide()
        self.mapping = MappingTable()
        self.mapping.changed.connect(self._choices_changed)
        for box_signal in (self.choices.category.currentIndexChanged,):
            box_signal.connect(self._choices_changed)
        self.choices.enrolled.dateChanged.connect(self._date_changed)
        self.households = RowsTableModel(
            [
                Column(self.tr("户号"), lambda v: v.number + ("（新编）" if v.generated else "")),
                Column(self.tr("工作表"), lambda v: v.sheet),
                Column(self.tr("起始行"), lambda v: v.first_row),
                Column(self.tr("小区"), lambda v: v.compound),
                Column(self.tr("住址"), lambda v: v.address),
                Column(self.tr("户主"), lambda v: v.head),
                Column(self.tr("人数"), lambda v: v.members),
                Column(self.tr("可导入"), lambda v: v.accepted),
                Column(self.tr("处理"), lambda v: v.action),
                Column(self.tr("问题"), lambda v: v.problem),
            ]
        )
        self.household_table = QTableView()
        self.household_table.setObjectName("household_table")
        self.household_table.setModel(self.households)
        self.household_table.verticalHeader().hide()
        self.household_table.horizontalHeader().setStretchLastSection(True)
        self.household_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        rows_page = QWidget()
        rows_layout = QVBoxLayout(rows_page)
        rows_layout.setContentsMargins(0, 4, 0, 0)
        rows_layout.addWidget(self.only_problems)
        rows_layout.addWidget(self.table, 1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("import_tabs")
        self.tabs.addTab(rows_page, self.tr("逐行检查"))
        self.tabs.addTab(self.household_table, self.tr("成户情况"))
        self.tabs.addTab(self.mapping, self.tr("列对应"))

        self.notes = QLabel()
        self.notes.setObjectName("import_notes")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #555;")

        self.save_button = QPushButton(self.tr("保存退回的行(&S)…"))
        self.save_button.setObjectName("save_rejected")
        self.save_button.clicked.connect(self.save_rejected)
        self.import_button = QPushButton(self.tr("导入(&I)"))
        self.import_button.setObjectName("do_import")
        self.import_button.clicked.connect(self.start_import)
        self.import_button.setAutoDefault(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.choices)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.notes)
        layout.addWidget(buttons)
        self._update_buttons()

    # -- choosing and checking ---------------------------------------------------------
    def choose_file(self) -> None:
        start = self.path_edit.text() or str(Path.home())
        path = open_file(self, self.tr("选择花名册"), start, self.tr(_FILTER))
        if path is not None:
            self.load(path)

    def load(self, path: str | Path, options: wi.ImportOptions | None = None) -> None:
        """Read and check *path* off the GUI thread; the table fills when it is done.

        A new file starts from no choices (those remembered for its layout apply)."""
        if options is None and str(path) != self.path_edit.text():
            self.options = wi.ImportOptions()
        elif options is not None:
            self.options = options
        self.path_edit.setText(str(path))
        self.preview = None
        self.import_result = None
        self.dirty = False
        self.model.set_rows([])
        self.households.set_rows([])
        self.summary.setText(self.tr("正在读取并检查……"))
        user = self.user
        options = self.options

        def work(progress):
            return wi.preview(user, path, progress, options=options)

        self._job = run_with_progress(
            self,
            self.tr("导入花名册"),
            self.tr("正在读取并检查花名册…"),
            work,
            self._show_preview,
            self._failed,
        )
        self._update_buttons()

    def recheck(self) -> None:
        """Read the file again with the choices made in the preview."""
        if not self.path_edit.text():
            return
        options = wi.ImportOptions(mapping=dict(self.mapping.chosen))
        self.choices.fill(options)
        self.load(self.path_edit.text(), options)

    def _choices_changed(self, *_args: Any) -> None:
        if self.preview is None or self._showing:
            return
        self.dirty = True
        self.summary.setText(
            self.tr("选择已更改：请点“按以上选择重新检查”，看按新选择导入的结果。")
        )
        self._update_buttons()

    def _date_changed(self, *_args: Any) -> None:
        # The date changes no check: it goes straight into the preview's options.
        day = date_of(self.choices.enrolled)
        self.options.enrolled_on = day
        if self.preview is not None:
            self.preview.options.enrolled_on = day

    _showing = False

    def _show_preview(self, pv: wi.Preview) -> None:
        self.preview = pv
        self._showing = True
        try:
            self.choices.show_preview(pv)
            self.choices.show()
            self.mapping.show_preview(pv, pv.options.mapping)
            self.households.set_rows(pv.household_views())
            self.household_table.resizeColumnsToContents()
        finally:
            self._showing = False
        self.model.set_rows(pv.rows)
        self.table.resizeColumnsToContents()
        for column in (4, 5):  # name and ID columns: room for the longest
            self.table.setColumnWidth(column, max(self.table.columnWidth(column), 90))
        self.summary.setText(pv.summary())
        self._show_notes(pv)
        self._update_buttons()

    def _show_notes(self, pv: wi.Preview) -> None:
        if not pv.notes:
            self.notes.setText("")
            return
        shown = pv.notes[:4]
        more = len(pv.notes) - len(shown)
        text = self.tr("说明：") + "；".join(shown)
        if more:
            text += self.tr("；另有 %1 条").replace("%1", str(more))
        self.notes.setText(text)
        self.notes.setToolTip("\n".join(pv.notes))

    def _failed(self, message: str) -> None:
        self._update_buttons()
        self.summary.setText(message)
        warn(self, self.tr("导入花名册"), message)

    def _filter_changed(self, checked: bool) -> None:
        self.proxy.only_problems = checked
        self.proxy.invalidate()

    def _update_buttons(self) -> None:
        pv = self.preview
        self.import_button.setEnabled(
            bool(pv and pv.accepted and not pv.questions)
            and self.import_result is None
            and not self.dirty
        )
        self.save_button.setEnabled(bool(pv and pv.rejected))

    # -- importing ---------------------------------------------------------------------
    def start_import(self) -> None:
        pv = self.preview
        if pv is None or not pv.accepted or pv.questions or self.dirty:
            return
        question = self.tr(
            "将导入 %1 行（新增 %2 人、更新 %3 人；新增 %4 户），退回 %5 行。\n"
            "全部在一个事务中写入，可随时取消。继续吗？"
        )
        for key, value in (
            ("%1", len(pv.accepted)),
            ("%2", pv.new_residents),
            ("%3", pv.updated_residents),
            ("%4", pv.new_households),
            ("%5", len(pv.rejected)),
        ):
            question = question.replace(key, str(value))
        added, changed, ended = pv.tag_counts()
        if added or changed or ended:
            # Ended tags leave the lists and the monthly report: say so before writing.
            question += "\n" + self.tr(
                "特殊人群：新增 %1 项、修改 %2 项、结束 %3 项（结束的保留记录）。"
            ).replace("%1", str(added)).replace("%2", str(changed)).replace("%3", str(ended))
        if pv.new_residents:
            # Whoever is new enters the monthly figures from a date: say which.
            question += "\n" + self.tr(
                "新增人员：有来本地日期的按该日迁入，其余自 %1 起登记入册。"
            ).replace("%1", f"{pv.enrolled_on:%Y-%m-%d}")
        if not confirm(self, self.tr("导入花名册"), question, default_no=False):
            return
        user = self.user
        self.import_button.setEnabled(False)

        def work(progress):
            return wi.apply(user, pv, progress)

        self._job = run_with_progress(
            self,
            self.tr("导入花名册"),
            self.tr("正在写入数据库…"),
            work,
            self._imported,
            self._import_failed,
        )

    def _imported(self, result: wi.ImportResult) -> None:
        self.import_result = result
        self.imported = True
        self._show_preview(result.preview)  # the rows as checked inside the transaction
        done = self.tr("导入完成：新增 %1 户、%2 人，更新 %3 户、%4 人；退回 %5 行。")
        for key, value in (
            ("%1", result.new_households),
            ("%2", result.new_residents),
            ("%3", result.updated_households),
            ("%4", result.updated_residents),
            ("%5", len(result.rejected)),
        ):
            done = done.replace(key, str(value))
        self.summary.setText(done)
        if result.rejected:
            if confirm(
                self,
                self.tr("导入花名册"),
                done + "\n\n" + self.tr("要把退回的行另存为工作簿，改正后再导入吗？"),
                default_no=False,
            ):
                self.save_rejected()
        else:
            inform(self, self.tr("导入花名册"), done)

    def _import_failed(self, message: str) -> None:
        self._update_buttons()
        warn(self, self.tr("导入花名册"), message)

    def save_rejected(self) -> None:
        from models.registry.workbook.rejects import save_rejected

        pv = self.preview
        if pv is None or not pv.rejected:
            return
        default = pv.path.with_name(f"{pv.path.stem}-退回{clock.today():%Y%m%d}.xlsx")
        chosen = save_file(
            self, self.tr("保存退回的行"), str(default), self.tr("Excel 工作簿 (*.xlsx)")
        )
        if chosen is None:
            return
        path = str(chosen)
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            count = save_rejected(pv, path)
        except OSError as exc:
            error(self, self.tr("保存退回的行"), str(exc))
            return
        self.summary.setText(
            self.summary.text()
            + " "
            + self.tr("已把 %1 行退回的行保存到 %2。").replace("%1", str(count)).replace("%2", path)
        )


def export_register(parent: QWidget, user: User, done: Any = None) -> Job | None:
    """Ask where, then write the register as an .xlsx workbook off the GUI thread."""
    from models.registry.workbook import export as workbook_export

    default = Path.home() / f"花名册-{clock.today():%Y%m%d}.xlsx"
    chosen = save_file(
        parent, parent.tr("导出花名册"), str(default), parent.tr("Excel 工作簿 (*.xlsx)")
    )
    if chosen is None:
        return None
    path = str(chosen)
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"

    def work(progress):
        return workbook_export.export_register(user, path, progress)

    def finished(summary: workbook_export.ExportSummary) -> None:
        if done is not None:
            done(summary)

    return run_with_progress(
        parent,
        parent.tr("导出花名册"),
        parent.tr("正在导出花名册…"),
        work,
        finished,
        lambda msg: warn(parent, parent.tr("导出花名册"), msg),
    )
