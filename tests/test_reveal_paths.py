"""No unlogged reveal: every path that shows a full ID number checks the role and leaves
exactly one audit row; the certificate preview never shows the full number."""

from __future__ import annotations

import json

import openpyxl
import pdf_tools
import pytest
from PySide6.QtCore import Qt

from models.certificates import service as certificates
from models.certificates.service import Certificate
from models.core import idcard
from models.core.entities import AuditLog, Resident
from models.core.permissions import PermissionDenied
from models.registry import printouts, residents
from models.registry.workbook import export as workbook_export
from ui.certificates.dialog import CertificateDialog
from ui.common import pdf_preview
from ui.monthly.report_dialog import HOUSEHOLDS, ReportDialog
from ui.registry.detail import PersonPane


def _reveals() -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == "reveal_id").order_by(AuditLog.id))


@pytest.fixture
def shown(dialogs):
    """Confirmations answered Yes; the certificate PDFs recorded, the preview closed."""
    pdfs: list = []
    dialogs.always("confirm", True)
    dialogs.on(
        pdf_preview.PdfPreviewDialog,
        lambda preview: (pdfs.append(preview.preview.path), preview.reject()),
        always=True,
    )
    return pdfs


@pytest.fixture
def person(demo_small):
    return Resident.select().where(Resident.status == "current").first()


def test_ticking_full_id_in_the_preview_reveals_nothing_until_issued(qtbot, person, officer, shown):
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
    cert = certificates.issue(
        officer, person.id, kind.id, "办理居住证", full_id=True, reason="派出所要求"
    )
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
        masked_file
    )
    assert person.id_number in ids(full_file)
    exports = list(AuditLog.select().where(AuditLog.action == "export").order_by(AuditLog.id))
    assert [e.username for e in exports] == ["clerk", "admin"]
    assert "遮盖" in exports[0].note and "完整" in exports[1].note


# -- driven through the real widgets: the confirmation, the real PDF preview ---------------
def _issue_through_the_dialog(qtbot, dialogs, dialog: CertificateDialog) -> dict[str, str]:
    """Click 开具并打印, answer the confirmation 是, read the real preview's PDF."""
    seen: dict[str, str] = {}

    def read_pdf(preview: pdf_preview.PdfPreviewDialog) -> None:
        seen["pdf"] = pdf_tools.text(preview.preview.path, layout=False).replace("\n", "")
        preview.reject()

    dialogs.answer("confirm", True)
    dialogs.on(pdf_preview.PdfPreviewDialog, read_pdf)
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "pdf" in seen, timeout=10_000)
    dialogs.check("confirm", "PdfPreviewDialog")
    return seen


def _select_log_row(dialog: CertificateDialog, serial: str) -> None:
    for row in range(dialog.log_model.rowCount()):
        if dialog.log_model.row_at(row).serial == serial:
            dialog.log_view.selectRow(row)
            return
    raise AssertionError(f"{serial} not in the log")


def test_issue_with_the_tick_is_one_reveal_and_a_reprint_one_more(qtbot, person, officer, dialogs):
    dialog = CertificateDialog(officer, resident_id=person.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.purpose, "banli")
    qtbot.mouseClick(dialog.full_id, Qt.MouseButton.LeftButton)
    assert dialog.full_id.isChecked() and dialog.reason.isEnabled()
    qtbot.keyClicks(dialog.reason, "paichusuo")
    assert person.id_number not in dialog.text.toPlainText() and _reveals() == []
    seen = _issue_through_the_dialog(qtbot, dialogs, dialog)
    assert person.id_number in seen["pdf"]
    [reveal] = _reveals()
    cert = Certificate.get()
    assert (reveal.username, reveal.record_id) == ("jisheng", str(person.id))
    assert cert.serial in reveal.note and "paichusuo" in reveal.note

    shown: list[str] = []

    def read_pdf(preview: pdf_preview.PdfPreviewDialog) -> None:
        shown.append(pdf_tools.text(preview.preview.path, layout=False).replace("\n", ""))
        preview.reject()

    _select_log_row(dialog, cert.serial)
    dialogs.on(pdf_preview.PdfPreviewDialog, read_pdf)
    qtbot.mouseClick(dialog.reprint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    dialogs.check("PdfPreviewDialog")
    assert person.id_number in shown[0]
    assert len(_reveals()) == 2  # the reprint showed the number again: one more row
    assert _reveals()[1].note.startswith("补打证明") and cert.serial in _reveals()[1].note


def test_issue_without_the_tick_reveals_nothing(qtbot, person, officer, dialogs):
    dialog = CertificateDialog(officer, resident_id=person.id)
    qtbot.addWidget(dialog)
    assert not dialog.full_id.isChecked()  # masking is the default setting
    qtbot.keyClicks(dialog.purpose, "banli")
    seen = _issue_through_the_dialog(qtbot, dialogs, dialog)
    assert person.id_number not in seen["pdf"] and idcard.mask(person.id_number) in seen["pdf"]
    assert Certificate.select().count() == 1 and not Certificate.get().full_id
    assert _reveals() == []


def test_a_clerk_is_refused_a_full_id_in_the_dialog_and_the_pdf(
    qtbot, tmp_path, person, clerk, officer, dialogs
):
    dialog = CertificateDialog(clerk, resident_id=person.id)
    qtbot.addWidget(dialog)
    assert not dialog.full_id.isEnabled()
    dialog.full_id.setChecked(True)  # even if the box were ticked, the service says no
    dialog.reason.setText("想看")
    qtbot.keyClicks(dialog.purpose, "banli")
    assert person.id_number not in dialog.text.toPlainText()
    warned: list[str] = []

    def read_warning(asked) -> None:
        warned.append(asked.text)

    dialogs.answer("confirm", True)
    dialogs.answer("warn", read_warning)
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(warned), timeout=10_000)
    dialogs.check("confirm", "warn")
    assert "无权查看完整身份证号码" in warned[0]
    assert Certificate.select().count() == 0 and _reveals() == []

    # A certificate an officer issued with the full number: the clerk can neither reprint
    # it from the log nor build its PDF.
    cert = certificates.issue(
        officer,
        person.id,
        certificates.list_kinds()[0].id,
        "办理居住证",
        full_id=True,
        reason="派出所要求",
    )
    dialog.refresh_log()
    _select_log_row(dialog, cert.serial)
    warned.clear()
    dialogs.answer("warn", read_warning)
    qtbot.mouseClick(dialog.reprint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(warned), timeout=10_000)
    dialogs.check("warn")
    assert "无权查看完整身份证号码" in warned[0]
    assert len(_reveals()) == 1  # the officer's issue only
    assert not AuditLog.select().where(AuditLog.action == "reprint").exists()
    from reports.certificate import build_certificate

    with pytest.raises(PermissionDenied, match="无权查看完整身份证号码"):
        build_certificate(tmp_path / "c.pdf", cert.id, clerk)
    with pytest.raises(PermissionDenied):
        build_certificate(tmp_path / "c.pdf", cert.id)  # nobody signed in
    assert not (tmp_path / "c.pdf").exists() and len(_reveals()) == 1


def test_the_person_pane_reveals_once_per_click_and_not_for_a_clerk(qtbot, person, officer, clerk):
    pane = PersonPane(officer)
    qtbot.addWidget(pane)
    pane.show()
    pane.show_person(person.id)
    assert pane.fields["id"].text() == idcard.mask(person.id_number)
    assert pane.reveal.isVisible() and pane.reveal.isEnabled()
    qtbot.mouseClick(pane.reveal, Qt.MouseButton.LeftButton)
    assert pane.fields["id"].text() == person.id_number
    assert not pane.reveal.isEnabled()  # shown now: no second row for the same look
    [reveal] = _reveals()
    assert (reveal.username, reveal.record_id) == ("jisheng", str(person.id))
    pane.show_person(person.id)  # looking again is another reveal action
    assert pane.fields["id"].text() == idcard.mask(person.id_number)
    qtbot.mouseClick(pane.reveal, Qt.MouseButton.LeftButton)
    assert len(_reveals()) == 2

    plain = PersonPane(clerk)
    qtbot.addWidget(plain)
    plain.show()
    plain.show_person(person.id)
    assert not plain.reveal.isVisible()
    plain.reveal_id()  # the slot itself asks the service, which refuses
    assert "无权查看完整身份证号码" in plain.fields["id"].text()
    with pytest.raises(PermissionDenied, match="无权查看完整身份证号码"):
        residents.reveal_id(clerk, person.id)
    assert len(_reveals()) == 2


def _prints() -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == "print").order_by(AuditLog.id))


def test_household_forms_with_full_ids_leave_one_row_without_none(qtbot, person, officer, clerk):
    dialog = ReportDialog(officer, kind=HOUSEHOLDS)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_scope(person.household.compound_id)
    before = AuditLog.select().count()
    _generate(qtbot, dialog)  # the box not ticked: masked, and no reveal
    text = pdf_tools.text(dialog.pdf_path, layout=False).replace("\n", "")
    assert person.id_number not in text and idcard.mask(person.id_number) in text
    [masked] = _prints()
    assert json.loads(masked.after)["full_ids"] is False and _reveals() == []

    qtbot.mouseClick(dialog.full_ids, Qt.MouseButton.LeftButton)
    assert dialog.full_ids.isChecked()
    qtbot.keyClicks(dialog.reason, "hedui")
    dialog.pdf_path = None
    _generate(qtbot, dialog)
    text = pdf_tools.text(dialog.pdf_path, layout=False).replace("\n", "")
    assert person.id_number in text
    assert AuditLog.select().count() == before + 2  # one row per printout, nothing else
    full = _prints()[1]
    assert json.loads(full.after)["full_ids"] is True and "hedui" in full.note
    assert full.username == "jisheng"

    plain = ReportDialog(clerk, kind=HOUSEHOLDS)
    qtbot.addWidget(plain)
    plain.show()
    assert not plain.full_ids.isVisible()
    with pytest.raises(PermissionDenied, match="无权查看完整身份证号码"):
        printouts.household_sheets(clerk, full_ids=True, reason="核对")
    with pytest.raises(PermissionDenied, match="无权查看完整身份证号码"):
        printouts.resident_list(clerk, None, full_ids=True, reason="核对")
    assert len(_prints()) == 2


def _generate(qtbot, dialog: ReportDialog) -> None:
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pdf_path is not None or dialog.error is not None, timeout=60_000)
    assert dialog.error is None


def test_the_export_summary_says_whether_ids_are_full(tmp_path, person, clerk, officer):
    assert not workbook_export.export_register(clerk, tmp_path / "a.xlsx").full_ids
    assert workbook_export.export_register(officer, tmp_path / "b.xlsx").full_ids
