"""报表: the monthly report, the household registration forms and the resident list.

Choose the report, the month and the scope; the PDF is built off the GUI thread (with
progress and cancel), then previewed, printed or saved. The monthly figures are also
shown as a table, from the same figures the PDF is made from
(models.monthly.submissions.report_figures, or the sent snapshot of a month already sent).

报送 sends the month's report upward (主任 only, after the month is over, with a question
first); a month sent again is a 补报/更正 with a reason. 报送记录 lists what was sent and
reprints it exactly.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import uuid
from operator import attrgetter
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
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.core import clock
from models.core.permissions import Perm, can
from models.monthly import submissions as report_submissions
from models.monthly.stats import CompoundFigures, Month, MonthlyFigures
from models.registry import compounds, printouts
from ui.common import pdf_output
from ui.common.dialogs import ask_text, confirm, run_modal, warn
from ui.common.pdf_preview import PdfPreview
from ui.common.table_model import Column, RowsTableModel
from ui.common.worker import Job, run_with_progress

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
        self._job: Job | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="ndesk-report-"))

        self.kind = QComboBox()
        self.kind.setObjectName("report_kind")
        for label, key in [
            (self.tr("月度报表"), MONTHLY),
            (self.tr("人口信息登记表（每户一页）"), HOUSEHOLDS),
            (self.tr("居民花名册"), RESIDENTS),
        ]:
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
        self.submit_button = QPushButton(self.tr("报送(&S)…"))
        self.submit_button.setObjectName("report_submit")
        self.submit_button.setToolTip(self.tr("把本月报表报送街道：数字和文件即固定，编号存档"))
        self.submit_button.clicked.connect(self.submit)
        self.history_button = QPushButton(self.tr("报送记录(&H)…"))
        self.history_button.setObjectName("report_history")
        self.history_button.clicked.connect(self.show_history)
        self.status = QLabel()
        self.status.setObjectName("report_status")
        self.status.setWordWrap(True)
        self.submitted_serial: str | None = None

        form = QFormLayout()
        form.addRow(self.tr("报表(&K)："), self.kind)
        form.addRow(self.tr("月份(&M)："), self.month)
        form.addRow(self.tr("范围(&A)："), self.scope)
        ids = QHBoxLayout()
        ids.addWidget(self.full_ids)
        ids.addWidget(self.reason, 1)
        form.addRow("", ids)
        form.addRow(self.tr("状态："), self.status)
        actions = QVBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.submit_button)
        actions.addWidget(self.history_button)
        actions.addWidget(self.generate_button)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addLayout(actions)

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
        self.month.dateChanged.connect(self.update_status)
        self.scope.currentIndexChanged.connect(self.update_status)
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
        self.submit_button.setVisible(key == MONTHLY)
        self.history_button.setVisible(key == MONTHLY)
        self.update_status()

    def update_status(self) -> None:
        """Whether the chosen month is over, and whether (and as what) it was sent."""
        monthly = self.kind.currentData() == MONTHLY
        self.status.setVisible(monthly)
        may = report_submissions.may_submit(self.user)
        if not monthly:
            return
        month = self.chosen_month()
        state = report_submissions.month_state(month)
        sent = report_submissions.latest(month, self.scope.currentData())
        if state == "future":
            text = self.tr("%1尚未开始，不能生成报表。").replace("%1", month.label)
        elif state == "current":
            text = (
                self.tr("%1尚未结束：报表数字截至%2，标注“未结束”，月末以后才能报送。")
                .replace("%1", month.label)
                .replace("%2", _day(clock.today()))
            )
        elif sent is not None:
            text = (
                self.tr("已报送，编号%1（%2，%3）。打印即为报送时的原件；如需更正，点“补报/更正”。")
                .replace("%1", sent.serial)
                .replace("%2", sent.username)
                .replace("%3", f"{sent.submitted_at:%Y-%m-%d %H:%M}")
            )
        else:
            text = self.tr("未报送。")
        self.status.setText(text)
        self.submit_button.setText(
            self.tr("补报/更正(&S)…") if sent is not None else self.tr("报送(&S)…")
        )
        self.submit_button.setEnabled(may and state == "past")
        if not may:
            self.submit_button.setToolTip(self.tr("只有主任可以报送月度报表"))

    # -- building ---------------------------------------------------------------------
    def generate(self) -> None:
        key = self.kind.currentData()
        compound_id = self.scope.currentData()
        scope_name = self.scope.currentText()
        full = self.full_ids.isChecked() and self.full_ids.isEnabled()
        reason = self.reason.text().strip()
        if full and not reason:
            warn(self, self.tr("报表"), self.tr("打印完整身份证号码须填写理由。"))
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
            return build(key, target, user, month, compound_id, scope_name, full, reason, progress)

        self.error = None
        self.generate_button.setEnabled(False)
        self.preview.clear()
        self._job = run_with_progress(
            self,
            self.tr("报表"),
            self.tr("正在生成“%1”…").replace("%1", title),
            work,
            lambda result: self._done(result, title),
            self._failed,
        )

    # -- sending ----------------------------------------------------------------------
    def submit(self) -> None:
        month = self.chosen_month()
        compound_id = self.scope.currentData()
        scope_name = self.scope.currentText()
        what = self.tr("%1%2月度报表").replace("%1", month.label).replace("%2", scope_name)
        if not report_submissions.may_submit(self.user):
            warn(self, self.tr("报送"), self.tr("只有主任可以报送月度报表。"))
            return
        if report_submissions.month_state(month) != "past":
            warn(
                self,
                self.tr("报送"),
                self.tr("%1尚未结束，月末以后才能报送。").replace("%1", month.label),
            )
            return
        sent = report_submissions.latest(month, compound_id)
        reason = ""
        if sent is not None:
            answer = ask_text(
                self,
                self.tr("补报/更正"),
                self.tr("%1已报送（编号%2）。再次报送为补报/更正，原报表保留。\n更正理由：")
                .replace("%1", what)
                .replace("%2", sent.serial),
            )
            if answer is None:
                return
            reason = answer.strip()
            if not reason:
                warn(self, self.tr("补报/更正"), self.tr("补报/更正须写明理由。"))
                return
        question = self.tr(
            "确定报送%1？\n报送后该月的数字和报表文件即固定、编号存档；"
            "以后补登的该月变动计入下月的“上月数据更正”。"
        ).replace("%1", what)
        if not confirm(self, self.tr("报送"), question, default_no=False):
            return
        target = self._tmp / f"{MONTHLY}-sent-{uuid.uuid4().hex[:12]}.pdf"
        user = self.user

        def work(progress):
            from reports.monthly import submit_monthly_report

            done = submit_monthly_report(
                user, month, compound_id, reason, path=target, progress=progress
            )
            return done.path, done.figures

        self.error = None
        self.submitted_serial = None
        self.generate_button.setEnabled(False)
        self.submit_button.setEnabled(False)
        self.preview.clear()
        self._job = run_with_progress(
            self,
            self.tr("报送"),
            self.tr("正在报送“%1”…").replace("%1", what),
            work,
            lambda result: self._submitted(result, what),
            self._failed,
        )

    def _submitted(self, result: tuple[Path, MonthlyFigures], title: str) -> None:
        _path, figures = result
        self.submitted_serial = figures.submission.serial if figures.submission else None
        self._done(result, title)

    def show_history(self) -> None:
        from ui.monthly.history_dialog import ReportHistoryDialog

        run_modal(ReportHistoryDialog(self.user, self))

    def _done(self, result: tuple[Path, MonthlyFigures | None], title: str) -> None:
        self.generate_button.setEnabled(True)
        self.update_status()
        path, figures = result
        self.pdf_path = path
        # the monthly report and the other reports each remember their own save folder
        self.preview.load(path, pdf_output.safe_name(title) + ".pdf", kind="report")
        self.figures = figures
        if figures is not None:
            self.figures_model.set_rows(_rows_with_total(figures))
            self.figures_view.resizeColumnsToContents()
            self.warnings.setText("\n".join(figures.warnings))
        self.tabs.setCurrentIndex(0)

    def _failed(self, message: str) -> None:
        self.generate_button.setEnabled(True)
        self.update_status()
        self.error = message
        warn(self, self.tr("报表"), message)

    def done(self, result: int) -> None:
        if self._job is not None:
            self._job.cancel()  # a build still running stops at its next page
        self.preview.clear()
        shutil.rmtree(self._tmp, ignore_errors=True)
        super().done(result)


def build(
    key: str,
    target: Path,
    user: Any,
    month: Month,
    compound_id: int | None,
    scope_name: str,
    full_ids: bool,
    reason: str,
    progress,
) -> tuple[Path, Any]:
    """The work of one report (runs in the worker thread, Qt-free apart from its caller)."""
    if key == MONTHLY:
        from reports.monthly import print_monthly_report

        # A month already sent prints as sent; any other as the register now (logged).
        done = print_monthly_report(target, month, compound_id, user.username, progress=progress)
        return done.path, done.figures
    if key == HOUSEHOLDS:
        from reports.household_form import build_household_forms

        sheets = printouts.household_sheets(
            user, compound_id=compound_id, full_ids=full_ids, reason=reason
        )
        if not sheets:
            raise ValueError(f"{scope_name}没有在册住户。")
        return build_household_forms(target, sheets, progress=progress, masked=not full_ids), None
    from reports.resident_list import build_resident_list

    rows = printouts.resident_list(user, compound_id, full_ids=full_ids, reason=reason)
    return build_resident_list(
        target, rows, scope_name, progress=progress, masked=not full_ids
    ), None


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _rows_with_total(figures: MonthlyFigures) -> list[CompoundFigures]:
    return [*figures.rows, figures.total] if figures.compound_id is None else list(figures.rows)


def _figure_columns(owner: QWidget) -> list[Column]:
    tr = owner.tr
    spec = [
        (tr("小区"), "name"),
        (tr("户数"), "households"),
        (tr("户籍男"), "registered_male"),
        (tr("户籍女"), "registered_female"),
        (tr("户籍人口"), "registered"),
        (tr("常住人口"), "resident_population"),
        (tr("流动人口"), "floating"),
        (tr("人户分离"), "separated"),
        (tr("60岁以上"), "aged_60_plus"),
        (tr("低保户"), "dibao_households"),
        (tr("低保人数"), "dibao_people"),
        (tr("残疾人"), "disabled"),
        (tr("特别扶助"), "special_assistance"),
        (tr("奖励扶助"), "reward_assistance"),
        (tr("期初人口"), "opening"),
        (tr("上月数据更正"), "corrections"),
        (tr("出生"), "births"),
        (tr("死亡"), "deaths"),
        (tr("迁入"), "moved_in"),
        (tr("迁出"), "moved_out"),
        (tr("登记入册"), "enrolled"),
        (tr("社区内转入"), "transfers_in"),
        (tr("社区内转出"), "transfers_out"),
        (tr("期末人口"), "closing"),
    ]
    columns = [
        Column(
            header,
            attrgetter(attr),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            if attr == "name"
            else _RIGHT,
        )
        for header, attr in spec
    ]
    columns.append(
        Column(
            tr("核对"),
            lambda r: tr("平衡") if r.balanced else tr("差%1").replace("%1", f"{r.difference:+d}"),
        )
    )
    return columns
