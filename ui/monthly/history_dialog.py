"""报送记录: the monthly reports sent upward, and 重印 of one exactly as it was sent."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.monthly import submissions as report_submissions
from ui.common.dialogs import run_modal, warn
from ui.common.pdf_preview import PdfPreviewDialog
from ui.common.table_model import Column, RowsTableModel

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class ReportHistoryDialog(QDialog):
    def __init__(self, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("报送记录"))
        self.resize(900, 480)
        self.last_reprint: Path | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="ndesk-sent-"))
        tr = self.tr
        self.model = RowsTableModel(
            [
                Column(tr("报送编号"), lambda r: r.serial),
                Column(tr("月份"), lambda r: r.month_label),
                Column(tr("范围"), lambda r: r.scope_name),
                Column(tr("类型"), lambda r: r.kind),
                Column(tr("报送人"), lambda r: r.display_name),
                Column(tr("报送时间"), lambda r: f"{r.submitted_at:%Y-%m-%d %H:%M}"),
                Column(tr("期末人口"), lambda r: r.closing, _RIGHT),
                Column(tr("说明"), lambda r: _note(self, r)),
            ]
        )
        self.view = QTableView()
        self.view.setObjectName("history_table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.doubleClicked.connect(lambda _index: self.reprint())
        self.empty = QLabel(self.tr("还没有报送过月度报表。"))
        self.empty.setObjectName("history_empty")
        self.reprint_button = QPushButton(self.tr("重印(&R)"))
        self.reprint_button.setObjectName("history_reprint")
        self.reprint_button.setToolTip(self.tr("按报送时保存的文件重印，数字与报送时完全相同"))
        self.reprint_button.clicked.connect(self.reprint)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reprint_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        rows = report_submissions.history(self.user)
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()
        self.empty.setVisible(not rows)
        self.reprint_button.setEnabled(bool(rows))
        if rows:
            self.view.selectRow(0)

    def selected(self) -> Any:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def reprint(self) -> None:
        from reports.monthly import reprint_submission

        row = self.selected()
        if row is None:
            return
        target = self._tmp / f"月报-{row.serial}.pdf"
        try:
            reprint_submission(self.user, row.id, target)
        except Exception as exc:  # shown to the user, the record is untouched
            warn(self, self.tr("重印"), str(exc))
            return
        self.last_reprint = target
        title = (
            self.tr("重印 %1（%2，%3）")
            .replace("%1", row.serial)
            .replace("%2", row.month_label)
            .replace("%3", row.scope_name)
        )
        dialog = PdfPreviewDialog(
            target,
            title,
            self,
            suggested_name=f"{row.month_label}{row.scope_name}月报（{row.serial}）.pdf",
            kind="report",
        )
        run_modal(dialog)

    def done(self, result: int) -> None:
        import shutil

        shutil.rmtree(self._tmp, ignore_errors=True)
        super().done(result)


def _note(owner: QWidget, row: Any) -> str:
    parts = []
    if row.corrects:
        parts.append(owner.tr("更正%1").replace("%1", row.corrects))
    if row.reason:
        parts.append(row.reason)
    if not row.in_force:
        parts.append(owner.tr("已被更正"))
    return "；".join(parts)
