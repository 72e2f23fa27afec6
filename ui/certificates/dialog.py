"""开具证明: pick a resident, a kind and the purpose; issue (a new serial) and print.

Below the form is the log of certificates issued, with reprint and void. Whether the ID
number is printed in full is decided by models.certificates.service (role + a reason).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.certificates import service as certificates
from models.core.permissions import Perm, PermissionDenied, can
from models.registry import residents
from models.registry.search import ResidentRow
from ui.common.dialogs import ask_text, confirm, inform, run_modal, warn
from ui.common.pdf_preview import PdfPreviewDialog
from ui.common.resident_picker import ResidentPicker
from ui.common.table_model import Column, RowsTableModel


class CertificateDialog(QDialog):
    def __init__(
        self, user: Any, parent: QWidget | None = None, resident_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("开具证明"))
        self.resize(900, 680)
        self.resident_id: int | None = None
        self.last_certificate: certificates.Certificate | None = None
        self.last_pdf: Path | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="ndesk-cert-"))

        self.resident_label = QLabel(self.tr("（未选择）"))
        self.resident_label.setObjectName("cert_resident")
        self.pick_button = QPushButton(self.tr("选择居民(&F)…"))
        self.pick_button.setObjectName("cert_pick")
        self.pick_button.clicked.connect(self.pick_resident)
        self.kind = QComboBox()
        self.kind.setObjectName("cert_kind")
        self.purpose = QLineEdit()
        self.purpose.setObjectName("cert_purpose")
        self.purpose.setPlaceholderText(self.tr("例如：办理居住证、子女入学"))
        self.full_id = QCheckBox(self.tr("打印完整身份证号码"))
        self.full_id.setObjectName("cert_full_id")
        self.reason = QLineEdit()
        self.reason.setObjectName("cert_reason")
        self.reason.setPlaceholderText(self.tr("理由（必填，将记入日志）"))
        may_reveal = certificates.may_print_full_id(user)
        self.full_id.setEnabled(may_reveal)
        self.full_id.setChecked(certificates.default_full_id(user))
        if not may_reveal:
            self.full_id.setToolTip(self.tr("当前角色不能打印完整身份证号码"))
        self.reason.setEnabled(self.full_id.isChecked())
        self.full_id.toggled.connect(self.reason.setEnabled)
        self.text = QTextBrowser()
        self.text.setObjectName("cert_text")
        self.text.setMaximumHeight(150)
        self.issue_button = QPushButton(self.tr("开具并打印(&I)"))
        self.issue_button.setObjectName("cert_issue")
        self.issue_button.clicked.connect(self.issue)

        who = QHBoxLayout()
        who.addWidget(self.resident_label, 1)
        who.addWidget(self.pick_button)
        ids = QHBoxLayout()
        ids.addWidget(self.full_id)
        ids.addWidget(self.reason, 1)
        form = QFormLayout()
        form.addRow(self.tr("居民："), who)
        form.addRow(self.tr("证明种类(&K)："), self.kind)
        form.addRow(self.tr("用途(&U)："), self.purpose)
        form.addRow("", ids)
        form.addRow(self.tr("正文预览："), self.text)

        self.log_model = RowsTableModel(
            [
                Column(self.tr("编号"), lambda r: r.serial),
                Column(self.tr("种类"), lambda r: r.kind_name),
                Column(self.tr("姓名"), lambda r: r.resident_name),
                Column(self.tr("用途"), lambda r: r.purpose),
                Column(self.tr("开具人"), lambda r: r.issued_by),
                Column(self.tr("开具时间"), lambda r: r.issued_at.strftime("%Y-%m-%d %H:%M")),
                Column(
                    self.tr("状态"), lambda r: self.tr("已作废") if r.voided else self.tr("有效")
                ),
            ]
        )
        self.log_view = QTableView()
        self.log_view.setObjectName("cert_log")
        self.log_view.setModel(self.log_model)
        self.log_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.log_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.log_view.verticalHeader().hide()
        self.log_view.horizontalHeader().setStretchLastSection(True)
        self.reprint_button = QPushButton(self.tr("补打(&R)"))
        self.reprint_button.clicked.connect(self.reprint)
        self.void_button = QPushButton(self.tr("作废(&V)…"))
        self.void_button.clicked.connect(self.void)
        self.kinds_button = QPushButton(self.tr("证明种类管理(&M)…"))
        self.kinds_button.setEnabled(can(user, Perm.CERTIFICATE_KINDS))
        self.kinds_button.clicked.connect(self.manage_kinds)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)

        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.issue_button)
        log_buttons = QHBoxLayout()
        log_buttons.addWidget(self.reprint_button)
        log_buttons.addWidget(self.void_button)
        log_buttons.addStretch(1)
        log_buttons.addWidget(self.kinds_button)
        log_buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(QLabel(self.tr("证明登记簿（最近开具的在前）：")))
        layout.addWidget(self.log_view, 1)
        layout.addLayout(log_buttons)
        issue_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        issue_shortcut.activated.connect(self.issue)

        self.purpose.textChanged.connect(self.update_text)
        self.kind.currentIndexChanged.connect(self.update_text)
        self.full_id.toggled.connect(self.update_text)
        self.load_kinds()
        self.refresh_log()
        if resident_id is not None:
            self.set_resident(resident_id)

    # -- form -------------------------------------------------------------------------
    def load_kinds(self) -> None:
        current = self.kind.currentData()
        self.kind.clear()
        for kind in certificates.list_kinds():
            self.kind.addItem(kind.name, kind.id)
        if current is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(current)))

    def pick_resident(self) -> None:
        picker = ResidentPicker(self, self.tr("选择开具证明的居民"), user=self.user)
        if run_modal(picker) and picker.chosen is not None:
            self.set_resident(picker.chosen)

    def set_resident(self, resident: ResidentRow | int) -> None:
        rid = resident if isinstance(resident, int) else resident.id
        self.resident_id = rid
        self.update_text()
        self.purpose.setFocus()

    def update_text(self) -> None:
        if self.resident_id is None:
            self.text.setPlainText("")
            return
        purpose = self.purpose.text().strip() or self.tr("（用途）")
        try:  # the service masks the ID in the preview, whatever the tick says
            shown = certificates.preview(
                self.user,
                self.resident_id,
                self.kind.currentData(),
                purpose,
                self.full_id.isChecked(),
            )
        except (certificates.CertificateError, PermissionDenied) as exc:
            self.text.setPlainText(str(exc))
            return
        self.resident_label.setText(shown.resident_label)
        self.text.setPlainText(shown.text)

    # -- actions ----------------------------------------------------------------------
    def issue(self) -> None:
        if self.resident_id is None:
            inform(self, self.tr("开具证明"), self.tr("请先选择居民。"))
            self.pick_button.setFocus()
            return
        kind_name = self.kind.currentText()
        if not confirm(
            self,
            self.tr("开具证明"),
            self.tr("为 %1 开具“%2”？\n开具后自动编号并记入证明登记簿。")
            .replace("%1", residents.detail(self.user, self.resident_id).data.name)
            .replace("%2", kind_name),
            default_no=False,
        ):
            return
        try:
            cert = certificates.issue(
                self.user,
                self.resident_id,
                self.kind.currentData(),
                self.purpose.text(),
                full_id=self.full_id.isChecked(),
                reason=self.reason.text(),
            )
        except (certificates.CertificateError, PermissionDenied) as exc:
            warn(self, self.tr("开具证明"), str(exc))
            return
        self.last_certificate = cert
        self.refresh_log()
        self.show_pdf(cert.id, cert.serial, cert.kind_name)

    def show_pdf(self, cert_id: int, serial: str, kind_name: str) -> None:
        from reports.certificate import build_certificate
        from reports.layout.fonts import FontNotFound
        from reports.layout.official import ReportError

        path = self._tmp / f"{serial}.pdf"
        try:
            build_certificate(path, cert_id, self.user)
        except (ReportError, FontNotFound, PermissionDenied) as exc:
            warn(self, self.tr("打印证明"), str(exc))
            return
        self.last_pdf = path
        run_modal(
            PdfPreviewDialog(
                path,
                self.tr("%1 %2").replace("%1", kind_name).replace("%2", serial),
                self,
                f"{kind_name}-{serial}.pdf",
                kind="certificate",
            )
        )

    def refresh_log(self) -> None:
        self.log_model.set_rows(certificates.log(limit=200))
        self.log_view.resizeColumnsToContents()

    def _selected(self) -> certificates.CertificateRow | None:
        rows = self.log_view.selectionModel().selectedRows()
        return self.log_model.row_at(rows[0].row()) if rows else None

    def reprint(self) -> None:
        row = self._selected()
        if row is None:
            return
        try:
            certificates.record_reprint(self.user, row.id)
        except (certificates.CertificateError, PermissionDenied) as exc:
            warn(self, self.tr("补打"), str(exc))
            return
        self.show_pdf(row.id, row.serial, row.kind_name)

    def void(self) -> None:
        row = self._selected()
        if row is None or row.voided:
            return
        reason = ask_text(
            self,
            self.tr("作废证明"),
            self.tr("作废证明 %1（%2）。请填写原因：")
            .replace("%1", row.serial)
            .replace("%2", row.resident_name),
        )
        if reason is None:
            return
        try:
            certificates.void(self.user, row.id, reason)
        except (certificates.CertificateError, PermissionDenied) as exc:
            warn(self, self.tr("作废证明"), str(exc))
            return
        self.refresh_log()

    def manage_kinds(self) -> None:
        from ui.certificates.kinds_dialog import CertificateKindsDialog

        run_modal(CertificateKindsDialog(self.user, self))
        self.load_kinds()
        self.update_text()

    def done(self, result: int) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)
        super().done(result)
