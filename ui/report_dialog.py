"""报表: the monthly report, the household registration forms and the resident list.

Choose the report, the month and the scope; the PDF is built off the GUI thread (with
progress and cancel), then previewed, printed or saved. The monthly figures are also
shown as a table, from the same models.stats.monthly() result the PDF is made from.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models import clock, compounds, printouts, stats
from models.permissions import Perm, can
from models.stats import CompoundFigures, Month, MonthlyFigures
from ui.pdf_preview import PdfPreview
from ui.table_model import Column, RowsTableModel
from ui.worker import run_with_progress

MONTHLY = "monthly"
HOUSEHOLDS = "households"
RESIDENTS = "residents"

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def default_month(today: dt.date | None = None) -> Month:
    """Last month: the report is made once a month is over."""
    today = today or clock.today()
    return Month.of(today.replace(day=1) - dt.timedelta(days=1))


class ReportDialog(QDialog):
    def __init__(self, user: Any, parent: QWidget | None = None, kind: str = MONTHLY) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("报表"))
        self.resize(980, 680)
        self.figures: MonthlyFigures | None = None
        self.pdf_path: Path | None = None
        self.error: str | None = None
        self._job = None
        self._tmp = Path(tempfile.mkdtemp(prefix="ndesk-report-"))

        self.kind = QComboBox()
        self.kind.setObjectName("report_kind")
        for label, key in [(self.tr("月度报表"), MONTHLY),
                           (self.tr("人口信息登记表（每户一页）"), HOUSEHOLDS),
                           (self.tr("居民花名册"), RESIDENTS)]:
            self.kind.addItem(label, key)
        self.month = QDateEdit()
        self.month.setObjectName("report_month")
        self.month.setDisplayFormat("yyyy年M月")
        self.month.setCalendarPopup(True)
        self.set_month(default_month())
        self.scope = QComboBox()
        self.scope.setObjectName("report_scope")
        self.scope.addItem(self.tr("全社区"), None)
        for compound in compounds.list_compounds():
            self.scope.addItem(compound.name, compound.id)
        self.full_ids = QCheckBox(self.tr("打印完整身份证号码"))
        self.full_ids.setObjectName("report_full_ids")
        self.reason = QLineEdit()
        self.reason.setObjectName("report_reason")
        self.reason.setPlaceholderText(self.tr("打印完整号码的理由（必填，将记入日志）"))
        self.may_reveal = can(user, Perm.REVEAL_ID)
        self.full_ids.toggled.connect(self.reason.setEnabled)
        self.reason.setEnabled(False)
        self.generate_button = QPushButton(self.tr("生成(&G)"))
        self.generate_button.setObjectName("report_generate")
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.generate)

        form = QFormLayout()
        form.addRow(self.tr("报表(&K)："), self.kind)
        form.addRow(self.tr("月份(&M)："), self.month)
        form.addRow(self.tr("范围(&A)："), self.scope)
        ids = QHBoxLayout()
        ids.addWidget(self.full_ids)
        ids.addWidget(self.reason, 1)
        form.addRow("", ids)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.generate_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.preview = PdfPreview(self)
        self.figures_model = RowsTableModel(_figure_columns(self))
        self.figures_view = QTableView()
        self.figures_view.setObjectName("report_figures")
        self.figures_view.setModel(self.figures_model)
        self.figures_view.verticalHeader().hide()
        self.warnings = QLabel()
        self.warnings.setObjectName("report_warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #B00000;")
        figures_page = QWidget()
        figures_layout = QVBoxLayout(figures_page)
        figures_layout.addWidget(self.warnings)
        figures_layout.addWidget(self.figures_view, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.preview, self.tr("PDF 预览"))
        self.tabs.addTab(figures_page, self.tr("统计数字"))
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.set_kind(kind)
        self._kind_changed()

    # -- choices ----------------------------------------------------------------------
    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))

    def set_month(self, month: Month) -> None:
        self.month.setDate(QDate(month.year, month.month, 1))

    def set_scope(self, compound_id: int | None) -> None:
        self.scope.setCurrentIndex(max(0, self.scope.findData(compound_id)))

    def chosen_month(self) -> Month:
        date = self.month.date()
        return Month(date.year(), date.month())

    def _kind_changed(self) -> None:
        key = self.kind.currentData()
        self.month.setEnabled(key == MONTHLY)
        # Full ID numbers only for the registers, and only for roles that may see them.
        self.full_ids.setEnabled(key != MONTHLY and self.may_reveal)
        self.full_ids.setVisible(key != MONTHLY and self.may_reveal)
        self.reason.setVisible(key != MONTHLY and self.may_reveal)
        self.tabs.setTabEnabled(1, key == MONTHLY)

    # -- building ---------------------------------------------------------------------
    def generate(self) -> None:
        key = self.kind.currentData()
        compound_id = self.scope.currentData()
        scope_name = self.scope.currentText()
        full = self.full_ids.isChecked() and self.full_ids.isEnabled()
        reason = self.reason.text().strip()
        if full and not reason:
            QMessageBox.warning(self, self.tr("报表"), self.tr("打印完整身份证号码须填写理由。"))
            self.reason.setFocus()
            return
        month = self.chosen_month()
        stamp = uuid.uuid4().hex[:12]  # unique per build, whatever the clock says
        target = self._tmp / f"{key}-{stamp}.pdf"
        user = self.user
        if key == MONTHLY:
            title = self.tr("%1%2月度报表").replace("%1", month.label).replace("%2", scope_name)
        elif key == HOUSEHOLDS:
            title = self.tr("%1人口信息登记表").replace("%1", scope_name)
        else:
            title = self.tr("%1居民花名册").replace("%1", scope_name)

        def work(progress):
            return build(key, target, user, month, compound_id, scope_name, full, reason,
                         progress)

        self.error = None
        self.generate_button.setEnabled(False)
        self.preview.clear()
        self._job = run_with_progress(
            self, self.tr("报表"), self.tr("正在生成“%1”…").replace("%1", title), work,
            lambda result: self._done(result, title), self._failed)

    def _done(self, result: tuple[Path, MonthlyFigures | None], title: str) -> None:
        self.generate_button.setEnabled(True)
        path, figures = result
        self.pdf_path = path
        self.preview.load(path, f"{title}.pdf")
        self.figures = figures
        if figures is not None:
            self.figures_model.set_rows(_rows_with_total(figures))
            self.figures_view.resizeColumnsToContents()
            self.warnings.setText("\n".join(figures.warnings))
        self.tabs.setCurrentIndex(0)

    def _failed(self, message: str) -> None:
        self.generate_button.setEnabled(True)
        self.error = message
        QMessageBox.warning(self, self.tr("报表"), message)

    def done(self, result: int) -> None:
        if self._job is not None:
            self._job.cancel()  # a build still running stops at its next page
        self.preview.clear()
        shutil.rmtree(self._tmp, ignore_errors=True)
        super().done(result)


def build(key: str, target: Path, user: Any, month: Month, compound_id: int | None,
          scope_name: str, full_ids: bool, reason: str, progress) -> tuple[Path, Any]:
    """The work of one report (runs in the worker thread, Qt-free apart from its caller)."""
    if key == MONTHLY:
        from reports.monthly import build_monthly_report

        figures = stats.monthly(month, compound_id)
        return build_monthly_report(target, month, compound_id, figures=figures,
                                    progress=progress), figures
    if key == HOUSEHOLDS:
        from reports.household_form import build_household_forms

        sheets = printouts.household_sheets(user, compound_id=compound_id, full_ids=full_ids,
                                            reason=reason)
        if not sheets:
            raise ValueError(f"{scope_name}没有在册住户。")
        return build_household_forms(target, sheets, progress=progress,
                                     masked=not full_ids), None
    from reports.resident_list import build_resident_list

    rows = printouts.resident_list(user, compound_id, full_ids=full_ids, reason=reason)
    return build_resident_list(target, rows, scope_name, progress=progress,
                               masked=not full_ids), None


def _rows_with_total(figures: MonthlyFigures) -> list[CompoundFigures]:
    return [*figures.rows, figures.total] if figures.compound_id is None else list(figures.rows)


def _figure_columns(owner: QWidget) -> list[Column]:
    tr = owner.tr
    spec = [
        (tr("小区"), "name"), (tr("户数"), "households"), (tr("户籍男"), "registered_male"),
        (tr("户籍女"), "registered_female"), (tr("户籍人口"), "registered"),
        (tr("常住人口"), "resident_population"), (tr("流动人口"), "floating"),
        (tr("人户分离"), "separated"), (tr("60岁以上"), "aged_60_plus"),
        (tr("低保户"), "dibao_households"), (tr("低保人数"), "dibao_people"),
        (tr("残疾人"), "disabled"), (tr("计生特扶"), "special_assistance"),
        (tr("期初人口"), "opening"), (tr("出生"), "births"), (tr("死亡"), "deaths"),
        (tr("迁入"), "moved_in"), (tr("迁出"), "moved_out"), (tr("社区内转入"), "transfers_in"),
        (tr("社区内转出"), "transfers_out"), (tr("期末人口"), "closing"),
    ]
    columns = [Column(header, (lambda r, a=attr: getattr(r, a)),
                      Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                      if attr == "name" else _RIGHT)
               for header, attr in spec]
    columns.append(Column(tr("核对"), lambda r: tr("平衡") if r.balanced
                          else tr("差%1").replace("%1", f"{r.difference:+d}")))
    return columns
