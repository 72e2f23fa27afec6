"""一表通: the departments' templates, filled from the register in one click.

The 模板 page lists the templates with a preview of the selected one's first rows; 生成 asks
for whom and where, fills the department's file off the GUI thread (cancellable) and says
where it went. The 生成记录 page keeps what was sent to whom; 另存 saves a file again
exactly as it was produced.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.core import clock
from models.core.entities import User
from models.fill import templates as fill_templates
from models.fill.templates import FillError, FillResult, RunInfo, TemplateInfo
from models.fill.write import FillCancelled
from ui.common import pdf_output
from ui.common.dialogs import ask_text, confirm, run_modal, save_file
from ui.common.table_model import Column, RowsTableModel
from ui.common.worker import Job, run_with_progress

KIND = "fill_xlsx"  # the remembered output folder (ui.common.pdf_output keeps one per kind)
PDF_KIND = "fill_pdf"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
PREVIEW_ROWS = 50
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ERROR = "color: #B00020;"


def _when(moment: Any) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


def _table(name: str, model: RowsTableModel) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _cell(index: int) -> Callable[[list[Any]], Any]:
    return lambda row: row[index]


def output_name(info: TemplateInfo) -> str:
    """<模板名称>_<YYYY年MM月>.xlsx"""
    day = clock.today()
    return f"{pdf_output.safe_name(info.name, '一表通')}_{day.year}年{day.month:02d}月.xlsx"


class FillDialog(QDialog):
    def __init__(self, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = user
        self._job: Job | None = None
        self.last_result: FillResult | None = None
        self.last_error = ""
        self.setObjectName("fill_dialog")
        self.setWindowTitle(self.tr("一表通：用户籍信息填写各部门的报表"))
        self._build()
        self.refresh()
        self.resize(1180, 640)

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.templates_model = RowsTableModel(
            [
                Column(self.tr("名称"), lambda t: t.name),
                Column(self.tr("部门"), lambda t: t.department),
                Column(self.tr("名单"), lambda t: t.list_name or self.tr("（未选名单）")),
                Column(self.tr("生成次数"), lambda t: t.runs, _RIGHT),
                Column(self.tr("上次生成"), lambda t: _when(t.last_run)),
            ]
        )
        self.templates = _table("fill_templates", self.templates_model)
        char = self.fontMetrics().horizontalAdvance("中")
        for column, chars in enumerate([14, 5, 14, 4]):
            self.templates.horizontalHeader().resizeSection(column, chars * char + 16)
        self.templates.selectionModel().currentRowChanged.connect(
            lambda _c, _p: self._template_chosen()
        )
        self.templates.activated.connect(lambda _i: self.change())

        self.preview_label = QLabel()
        self.preview_label.setObjectName("fill_preview_total")
        self.preview_model = RowsTableModel([])
        self.preview = _table("fill_preview", self.preview_model)
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview.horizontalHeader().setStretchLastSection(False)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.templates)
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 4, 0, 0)
        preview_layout.addWidget(self.preview_label)
        preview_layout.addWidget(self.preview, 1)
        splitter.addWidget(preview_box)
        splitter.setSizes([230, 300])

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, slot, tip in [
            ("new", "新建模板…(Ctrl+N)", self.new, "选择部门发来的 Excel 表格，对应好每一列"),
            ("change", "修改…(Enter)", self.change, "修改所选模板的名单、排序和每一列的填充内容"),
            ("fill", "生成…(Ctrl+G)", self.generate, "按所选模板用当前户籍信息生成部门的表格"),
            (
                "print",
                "打印…(Ctrl+P)",
                self.print_pdf,
                "把所选模板的名单生成 PDF，供需要纸质表的部门",
            ),
            ("lists", "名单…(Ctrl+L)", self.open_lists, "按条件挑选居民，保存为名单"),
            ("archive", "停用", self.archive, "停用所选模板（记录保留）"),
        ]:
            button = QPushButton(self.tr(text))
            button.setObjectName(f"fill_{key}")
            button.setToolTip(self.tr(tip))
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        self.message = QLabel()
        self.message.setObjectName("fill_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.addLayout(row)
        page_layout.addWidget(splitter, 1)

        self.history_model = RowsTableModel(
            [
                Column(self.tr("时间"), lambda r: _when(r.made_at)),
                Column(self.tr("模板"), lambda r: r.template),
                Column(self.tr("部门"), lambda r: r.department),
                Column(self.tr("行数"), lambda r: r.rows, _RIGHT),
                Column(self.tr("报送对象"), lambda r: r.recipient),
                Column(
                    self.tr("身份证"),
                    lambda r: self.tr("完整") if r.full_ids else self.tr("隐去中间"),
                ),
                Column(self.tr("操作人"), lambda r: r.username),
            ]
        )
        self.history = _table("fill_history", self.history_model)
        for column, chars in enumerate([9, 14, 5, 3, 10, 5]):
            self.history.horizontalHeader().resizeSection(column, chars * char + 16)
        self.history.activated.connect(lambda _i: self.save_copy())
        copy_button = QPushButton(self.tr("另存…"))
        copy_button.setObjectName("fill_save_copy")
        copy_button.setToolTip(self.tr("把当时生成的文件原样另存一份"))
        copy_button.clicked.connect(self.save_copy)
        self.buttons["copy"] = copy_button
        history_page = QWidget()
        history_layout = QVBoxLayout(history_page)
        history_row = QHBoxLayout()
        history_row.addWidget(QLabel(self.tr("每次生成的表都留有原样存档：")))
        history_row.addStretch(1)
        history_row.addWidget(copy_button)
        history_layout.addLayout(history_row)
        history_layout.addWidget(self.history, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(page, self.tr("模板"))
        self.tabs.addTab(history_page, self.tr("生成记录"))
        self.tabs.currentChanged.connect(lambda _i: self._update_buttons())

        close = QPushButton(self.tr("关闭"))
        close.setObjectName("fill_close")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        for keys, slot in [
            ("Ctrl+N", self.new),
            ("Ctrl+G", self.generate),
            ("Ctrl+P", self.print_pdf),
            ("Ctrl+L", self.open_lists),
        ]:
            QShortcut(QKeySequence(keys), self).activated.connect(slot)

    def _error(self, text: str) -> None:
        self._say(text, error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(_ERROR if error else "")
        self.message.setText(text)

    # -- lists of templates and runs ----------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        keep = select if select is not None else self.current_id()
        try:
            infos = fill_templates.templates(self.user)
            runs = fill_templates.history(self.user)
        except FillError as exc:
            self._say(str(exc), error=True)
            return
        self.templates_model.set_rows(infos)
        self.history_model.set_rows(runs)
        row = next((i for i, t in enumerate(infos) if t.id == keep), 0 if infos else None)
        if row is not None:
            self.templates.selectRow(row)
        self._template_chosen()

    def current(self) -> TemplateInfo | None:
        index = self.templates.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.templates_model.row_at(index.row())

    def current_id(self) -> int | None:
        info = self.current()
        return info.id if info else None

    def select_template(self, template_id: int) -> None:
        for row, info in enumerate(self.templates_model.rows):
            if info.id == template_id:
                self.templates.selectRow(row)
                return
        raise KeyError(template_id)

    def _template_chosen(self) -> None:
        info = self.current()
        self._update_buttons()
        if info is None:
            self.preview_model.columns = []
            self.preview_model.set_rows([])
            self.preview_label.setText(self.tr("还没有模板：点“新建模板…”选择部门发来的表格。"))
            return
        try:
            labels, rows, total = fill_templates.preview(self.user, info.id, limit=PREVIEW_ROWS)
        except (FillError, ValueError) as exc:
            self.preview_model.columns = []
            self.preview_model.set_rows([])
            self.preview_label.setText(str(exc))
            return
        self.preview_model.columns = [Column(label, _cell(i)) for i, label in enumerate(labels)]
        self.preview_model.set_rows(rows)
        header = self.preview.horizontalHeader()
        for column, label in enumerate(labels):
            header.resizeSection(
                column,
                max(
                    60,
                    min(
                        220,
                        (len(label.split("·")[-1]) + 2)
                        * self.fontMetrics().horizontalAdvance("中"),
                    ),
                ),
            )
        self.preview.resizeColumnsToContents()
        for column in range(len(labels)):
            header.resizeSection(column, min(header.sectionSize(column), 260))
        more = (
            self.tr("，下表为前 %1 行").replace("%1", str(PREVIEW_ROWS))
            if total > PREVIEW_ROWS
            else ""
        )
        self.preview_label.setText(
            self.tr("“%1”将填写：共 %2 行%3（身份证号码在预览中隐去中间部分）")
            .replace("%1", info.name)
            .replace("%2", f"{total:,}")
            .replace("%3", more)
        )

    def _update_buttons(self) -> None:
        chosen = self.current() is not None
        for key in ("change", "fill", "print", "archive"):
            self.buttons[key].setEnabled(chosen and self._job_done())

    def _job_done(self) -> bool:
        return self._job is None

    # -- templates --------------------------------------------------------------------
    def new(self) -> None:
        from ui.fill.template_dialog import new_template

        saved = new_template(self.user, self, self._error)
        if saved is not None:
            self.refresh(select=saved.id)
            self._say(self.tr("已保存模板“%1”。").replace("%1", saved.name))

    def change(self) -> None:
        from ui.fill.template_dialog import change_template

        info = self.current()
        if info is None:
            return
        saved = change_template(self.user, info.id, self, self._error)
        if saved is not None:
            self.refresh(select=saved.id)
            self._say(self.tr("已保存模板“%1”。").replace("%1", saved.name))

    def open_lists(self) -> None:
        from ui.fill.list_builder import ListBuilderDialog

        info = self.current()
        run_modal(ListBuilderDialog(self.user, self, list_id=info.list_id if info else None))
        self.refresh()

    def archive(self) -> None:
        info = self.current()
        if info is None:
            return
        if not confirm(
            self,
            self.tr("停用模板"),
            self.tr("停用模板“%1”吗？停用后不再列出，已生成的记录仍保留。").replace(
                "%1", info.name
            ),
            default_no=False,
        ):
            return
        try:
            fill_templates.archive_template(self.user, info.id)
        except FillError as exc:
            self._say(str(exc), error=True)
            return
        self.refresh()
        self._say(self.tr("已停用模板“%1”。").replace("%1", info.name))

    # -- 生成 ---------------------------------------------------------------------------
    def ask_recipient(self) -> str | None:
        settings = QSettings()
        last = str(settings.value("fill/recipient", "") or "")
        text = ask_text(
            self, self.tr("生成"), self.tr("报送对象（可不填，例如：街道民政科）："), last
        )
        if text is None:
            return None
        settings.setValue("fill/recipient", text.strip())
        return text.strip()

    def generate(self) -> None:
        info = self.current()
        if info is None or self._job is not None:
            return
        recipient = self.ask_recipient()
        if recipient is None:
            return
        start = pdf_output.start_folder(KIND) / output_name(info)
        chosen = save_file(self, self.tr("保存生成的表格"), str(start), self.tr(XLSX_FILTER))
        if chosen is None:
            return
        out = chosen if chosen.name.lower().endswith(".xlsx") else Path(f"{chosen}.xlsx")
        user, template_id = self.user, info.id
        self.last_result = None

        def work(progress):
            try:
                return fill_templates.fill(
                    user, template_id, out, recipient=recipient, progress=progress
                )
            except FillCancelled:
                return None

        self._start(
            info,
            self.tr("生成"),
            self.tr("正在填写“%1”…"),
            work,
            lambda result: self._filled(info, result),
        )

    def print_pdf(self) -> None:
        """The template's rows as a PDF (reports.fill_list), kept in the history too."""
        info = self.current()
        if info is None or self._job is not None:
            return
        recipient = self.ask_recipient()
        if recipient is None:
            return
        name = output_name(info).removesuffix(".xlsx") + ".pdf"
        out = pdf_output.ask_path(self, PDF_KIND, self.tr("保存 PDF"), name)
        if out is None:
            return
        user, template_id = self.user, info.id

        def work(progress):
            from reports.fill_list import print_template
            from reports.layout.official import BuildCancelled

            try:
                return print_template(
                    user, template_id, out, recipient=recipient, progress=progress
                )[0]
            except BuildCancelled:
                return None

        self._start(
            info,
            self.tr("打印"),
            self.tr("正在排版“%1”…"),
            work,
            lambda path: self._printed(info, path),
        )

    def _start(
        self,
        info: TemplateInfo,
        title: str,
        label: str,
        work: Callable[..., Any],
        done: Callable[[Any], None],
    ) -> None:
        """Run *work* off the GUI thread with a cancellable progress window; *done* gets its
        result (None when cancelled)."""
        self.last_error = ""
        self._say(label.replace("%1", info.name))
        self._job = run_with_progress(
            self, title, label.replace("%1", info.name), work, done, self._failed
        )
        self._update_buttons()

    def _cancelled(self, result: Any) -> bool:
        self._job = None
        if result is None:
            self.last_error = self.tr("已取消，没有生成文件。")
            self._say(self.last_error)
            self._update_buttons()
        return result is None

    def _printed(self, info: TemplateInfo, path: Path | None) -> None:
        if self._cancelled(path) or path is None:
            return
        self._say(self.tr("已生成“%1”的 PDF。").replace("%1", info.name))
        self.refresh(select=info.id)
        pdf_output.show_saved(self, PDF_KIND, path, info.name)

    def _filled(self, info: TemplateInfo, result: FillResult | None) -> None:
        if self._cancelled(result) or result is None:
            return
        self.last_result = result
        text = (
            self.tr("已生成“%1”%2 行（按 %3 计算）。")
            .replace("%1", info.name)
            .replace("%2", str(result.rows))
            .replace("%3", f"{result.day:%Y年%m月%d日}")
        )
        if result.masked_for_role:
            text += self.tr("模板要求完整身份证号码，但您的角色不能查看，已隐去中间部分。")
        elif result.full_ids:
            text += self.tr("表中含完整身份证号码，请妥善保管。")
        self._say(text)
        self.refresh(select=info.id)
        pdf_output.show_saved(self, KIND, result.path, info.name, preview=False)

    def _failed(self, message: str) -> None:
        self._job = None
        self.last_error = message
        self._say(message, error=True)
        self._update_buttons()

    # -- history ----------------------------------------------------------------------
    def current_run(self) -> RunInfo | None:
        index = self.history.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.history_model.row_at(index.row())

    def save_copy(self) -> None:
        run = self.current_run()
        if run is None:
            self._say(self.tr("请先在生成记录中选择一行。"), error=True)
            return
        suffix = ".pdf" if run.filename.lower().endswith(".pdf") else ".xlsx"
        kind = PDF_KIND if suffix == ".pdf" else KIND
        start = pdf_output.start_folder(kind) / run.filename
        chosen = save_file(
            self,
            self.tr("另存生成的表格"),
            str(start),
            self.tr("PDF 文件 (*.pdf)") if suffix == ".pdf" else self.tr(XLSX_FILTER),
        )
        if chosen is None:
            return
        out = chosen if chosen.name.lower().endswith(suffix) else Path(f"{chosen}{suffix}")
        try:
            path = fill_templates.save_run_copy(self.user, run.id, out)
        except (FillError, OSError) as exc:
            self._say(str(exc), error=True)
            return
        self._say(self.tr("已另存“%1”。").replace("%1", run.template))
        pdf_output.show_saved(self, kind, path, run.template, preview=suffix == ".pdf")


def open_fill_dialog(user: User, parent: QWidget) -> None:
    run_modal(FillDialog(user, parent))
