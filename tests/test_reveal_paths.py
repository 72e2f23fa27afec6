"""No unlogged reveal: every path that shows a full ID number checks the role and leaves
exactly one audit row; the certificate preview never shows the full number."""

from __future__ import annotations

import openpyxl
import pdf_tools
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from models import certificates, idcard, workbook_export
from models.certificates import Certificate
from models.entities import AuditLog, Resident
from ui import pdf_preview
from ui.certificate_dialog import CertificateDialog


def _reveals() -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == "reveal_id").order_by(AuditLog.id))


@pytest.fixture
def shown(monkeypatch):
    """Confirmations answered Yes; the certificate PDFs recorded instead of shown."""
    pdfs: list = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(pdf_preview.PdfPreviewDialog, "exec",
                        lambda self: pdfs.append(self.preview.path) or 0)
    return pdfs


@pytest.fixture
def person(demo_small):
    return Resident.select().where(Resident.status == "current").first()


def test_ticking_full_id_in_the_preview_reveals_nothing_until_issued(qtbot, person, officer,
                                                                     shown):
    dialog = CertificateDialog(officer, resident_id=person.id)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.purpose, "ban li ju zhu zheng")
    dialog.full_id.setChecked(True)
    assert dialog.full_id.isEnabled()
    preview = dialog.text.toPlainText()
    assert person.id_number not in preview and idcard.mask(person.id_number) in preview
    assert person.id_number not in dialog.resident_label.text()
    assert _reveals() == []  # looking at the preview is not a reveal
    dialog.reason.setText("派出所要求完整号码")
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    cert = Certificate.get()
    assert cert.full_id and person.id_number in cert.body
    assert person.id_number in pdf_tools.text(shown[0], layout=False).replace("\n", "")
    [reveal] = _reveals()  # exactly one row for the one certificate that shows it
    assert reveal.username == "jisheng" and reveal.record_id == str(person.id)
    assert cert.serial in reveal.note


def test_a_reprint_with_the_full_number_is_one_more_reveal(person, officer):
    kind = certificates.list_kinds()[0]
    cert = certificates.issue(officer, person.id, kind.id, "办理居住证", full_id=True,
                              reason="派出所要求")
    assert len(_reveals()) == 1
    certificates.record_reprint(officer, cert.id)
    assert len(_reveals()) == 2
    masked = certificates.issue(officer, person.id, kind.id, "办理居住证")
    certificates.record_reprint(officer, masked.id)
    assert len(_reveals()) == 2  # a masked certificate reveals nothing


def test_a_clerk_cannot_tick_full_id_nor_preview_it(qtbot, person, clerk):
    dialog = CertificateDialog(clerk, resident_id=person.id)
    qtbot.addWidget(dialog)
    assert not dialog.full_id.isEnabled() and not dialog.full_id.isChecked()
    text = certificates.preview(clerk, person.id, certificates.list_kinds()[0].id, "x", True).text
    assert person.id_number not in text
    assert _reveals() == []


def test_export_masks_ids_for_a_role_that_may_not_reveal_them(tmp_path, person, clerk, admin):
    masked_file = tmp_path / "clerk.xlsx"
    workbook_export.export_register(clerk, masked_file)
    full_file = tmp_path / "admin.xlsx"
    workbook_export.export_register(admin, full_file)

    def ids(path):
        sheet = openpyxl.load_workbook(path, read_only=True).active
        header = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
        column = header.index("公民身份号码")
        return {row[column] for row in sheet.iter_rows(min_row=3, values_only=True)}

    assert person.id_number not in ids(masked_file) and idcard.mask(person.id_number) in ids(
        masked_file)
    assert person.id_number in ids(full_file)
    exports = list(AuditLog.select().where(AuditLog.action == "export").order_by(AuditLog.id))
    assert [e.username for e in exports] == ["clerk", "admin"]
    assert "遮盖" in exports[0].note and "完整" in exports[1].note
