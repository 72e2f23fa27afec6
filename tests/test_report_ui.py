"""The report dialog, the certificate dialog and the 报表 menu, driven through their widgets."""

from __future__ import annotations

import pdf_tools
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog
from reports_support import record_month

from models.certificates import service as certificates
from models.certificates.service import Certificate, CertificateKind
from models.core.entities import AuditLog, Resident
from models.monthly import stats
from models.monthly.stats import Month
from ui.certificates.dialog import CertificateDialog
from ui.certificates.kinds_dialog import CertificateKindsDialog
from ui.common import pdf_preview
from ui.common.resident_picker import ResidentPicker
from ui.monthly.report_dialog import HOUSEHOLDS, ReportDialog

OCT = Month(2026, 10)


def _generate(qtbot, dialog: ReportDialog) -> None:
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pdf_path is not None or dialog.error is not None, timeout=60_000)
    assert dialog.error is None


@pytest.fixture
def report_dialog(qtbot, demo_small, supervisor):
    record_month(OCT, seed=3)
    dialog = ReportDialog(supervisor)
    qtbot.addWidget(dialog)
    return dialog


def test_monthly_report_is_built_previewed_and_matches_the_figures(qtbot, report_dialog):
    dialog = report_dialog
    dialog.set_month(OCT)
    assert dialog.chosen_month() == OCT and not dialog.full_ids.isVisible()
    _generate(qtbot, dialog)
    assert dialog.pdf_path.is_file()
    if pdf_preview.HAS_QTPDF:
        assert dialog.preview.page_count() == pdf_tools.pages(dialog.pdf_path) >= 1
    else:  # without QtPdf the preview is the system's PDF viewer
        assert "系统程序" in dialog.preview.view.text()
    assert dialog.preview.print_button.isEnabled()
    figures = stats.monthly(OCT)
    model = dialog.figures_model
    assert model.rowCount() == len(figures.rows) + 1
    closing_column = [model.columns[i].header for i in range(model.columnCount())].index("期末人口")
    shown = [model.data(model.index(r, closing_column)) for r in range(model.rowCount())]
    assert shown == [str(r.closing) for r in [*figures.rows, figures.total]]
    # One compound.
    compound = figures.rows[2]
    dialog.set_scope(compound.compound_id)
    dialog.pdf_path = None
    _generate(qtbot, dialog)
    assert dialog.figures_model.rowCount() == 1
    assert compound.name in pdf_tools.text(dialog.pdf_path, layout=False)


def test_without_qtpdf_print_and_preview_open_the_system_viewer(
    qtbot, report_dialog, tmp_path, monkeypatch, dialogs
):
    dialog = report_dialog
    _generate(qtbot, dialog)
    opened = []
    monkeypatch.setattr(
        pdf_preview.QDesktopServices,
        "openUrl",
        lambda url: opened.append(url.toLocalFile()) or True,
    )
    monkeypatch.setattr(dialog.preview, "document", None)  # as on a machine without QtPdf
    qtbot.mouseClick(dialog.preview.print_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.preview.open_button, Qt.MouseButton.LeftButton)
    assert opened == [str(dialog.pdf_path)] * 2
    saved = tmp_path / "月报.pdf"
    dialogs.answer("save_file", saved)
    qtbot.mouseClick(dialog.preview.save_button, Qt.MouseButton.LeftButton)
    assert saved.read_bytes() == dialog.pdf_path.read_bytes()


@pytest.mark.skipif(not pdf_preview.HAS_QTPDF, reason="QtPdf (PySide6-Addons) is not installed")
def test_print_and_save_from_the_preview(qtbot, report_dialog, tmp_path, monkeypatch, dialogs):
    dialog = report_dialog
    _generate(qtbot, dialog)
    printed = tmp_path / "printed.pdf"
    a4_printer = pdf_preview.make_printer

    def printer_to_file() -> QPrinter:
        printer = a4_printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    class AcceptingPrintDialog(QDialog):  # the print dialog, minus the system's printers
        def __init__(self, printer, parent=None):
            super().__init__(parent)
            self.printer = printer

        def setMinMax(self, low, high):
            assert (low, high) == (1, dialog.preview.page_count())

    monkeypatch.setattr(pdf_preview, "make_printer", printer_to_file)
    monkeypatch.setattr(pdf_preview, "QPrintDialog", AcceptingPrintDialog)
    dialogs.on(AcceptingPrintDialog, lambda d: d.accept())
    qtbot.mouseClick(dialog.preview.print_button, Qt.MouseButton.LeftButton)
    assert pdf_tools.pages(printed) == pdf_tools.pages(dialog.pdf_path)
    assert "(A4)" in pdf_tools._run("pdfinfo", str(printed))
    # Printed at full page size: the ink sits where the PDF put it (margins kept).
    original, on_paper = pdf_tools.ink_box(dialog.pdf_path), pdf_tools.ink_box(printed)
    assert all(abs(a - b) <= 2 for a, b in zip(original, on_paper, strict=True)), (
        original,
        on_paper,
    )
    # A page range from the print dialog prints just those pages.
    one = printer_to_file()
    one.setOutputFileName(str(tmp_path / "one-page.pdf"))
    one.setFromTo(1, 1)
    assert pdf_preview.print_document(dialog.preview.document, one) == 1
    assert pdf_tools.pages(tmp_path / "one-page.pdf") == 1
    saved = tmp_path / "月报"
    dialogs.answer("save_file", saved)
    qtbot.mouseClick(dialog.preview.save_button, Qt.MouseButton.LeftButton)
    assert saved.with_suffix(".pdf").read_bytes() == dialog.pdf_path.read_bytes()


def test_household_forms_with_full_ids_need_a_reason(qtbot, demo_small, officer, clerk, dialogs):
    dialogs.allow("warn")
    warnings = dialogs.said("warn")
    dialog = ReportDialog(officer, kind=HOUSEHOLDS)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_scope(Resident.select().first().household.compound_id)
    assert dialog.full_ids.isVisible() and not dialog.month.isEnabled()
    dialog.full_ids.setChecked(True)
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    assert warnings and "理由" in warnings[0] and dialog.pdf_path is None
    dialog.reason.setText("与派出所核对户籍")
    _generate(qtbot, dialog)
    assert pdf_tools.pages(dialog.pdf_path) >= 1
    log = AuditLog.get(AuditLog.action == "print")
    assert log.username == "jisheng" and "与派出所核对户籍" in log.note
    plain = ReportDialog(clerk, kind=HOUSEHOLDS)
    qtbot.addWidget(plain)
    plain.show()
    assert not plain.full_ids.isVisible()


@pytest.fixture
def quiet(dialogs):
    """Answer the confirmation with Yes and record the previews, closing them."""
    shown: list = []
    dialogs.always("confirm", True)
    dialogs.on(
        pdf_preview.PdfPreviewDialog,
        lambda preview: (shown.append(preview.preview.path), preview.reject()),
        always=True,
    )
    return shown


def test_issue_a_certificate_twice_from_the_dialog(qtbot, demo_small, clerk, quiet, dialogs):
    person = Resident.select().where(Resident.status == "current").first()

    def pick(picker):
        picker.query.setText(person.name)
        picker.run_search()
        picker._accept()

    dialogs.on(ResidentPicker, pick)
    dialog = CertificateDialog(clerk)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.pick_button, Qt.MouseButton.LeftButton)
    assert dialog.resident_id == person.id and person.name in dialog.resident_label.text()
    assert not dialog.full_id.isEnabled()
    dialog.purpose.setText("办理居住证")
    assert "办理居住证" in dialog.text.toPlainText() and person.name in dialog.text.toPlainText()
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    serials = [c.serial for c in Certificate.select().order_by(Certificate.id)]
    assert len(serials) == 2 and len(set(serials)) == 2
    assert dialog.log_model.rowCount() == 2
    assert len(quiet) == 2 and all(pdf_tools.pages(p) == 1 for p in quiet)
    assert serials[1] in pdf_tools.text(quiet[1], layout=False)
    # Void the newest from the log.
    dialogs.answer("ask_text", "姓名写错")
    dialog.log_view.selectRow(0)
    qtbot.mouseClick(dialog.void_button, Qt.MouseButton.LeftButton)
    assert Certificate.get(Certificate.serial == serials[1]).voided
    assert dialog.log_model.row_at(0).voided


def test_admin_cannot_add_a_forbidden_kind_in_the_kinds_dialog(qtbot, admin, dialogs):
    dialogs.allow("warn")
    warnings = dialogs.said("warn")
    dialog = CertificateKindsDialog(admin)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 1
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    dialog.name.setText("亲属关系证明")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert warnings and "不再出具" in warnings[0]
    assert CertificateKind.select().count() == 1
    for name in ("婚育状况证明", "同居证明", "居民养犬证明"):
        dialog.name.setText(name)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert "民发〔2020〕20号" in warnings[-1]
    dialog.name.setText("志愿服务证明")
    dialog.body.setPlainText("兹证明{name}参加志愿服务。")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "法律依据" in warnings[-1] and CertificateKind.select().count() == 1
    dialog.basis.setText("《志愿服务条例》第十九条")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [k.name for k in certificates.list_kinds()] == ["居住证明", "志愿服务证明"]
    assert dialog.model.rowCount() == 2


def test_reports_menu_in_the_main_window(qtbot, demo_small, clerk, dialogs):
    from ui.main_window import MainWindow

    opened = []
    dialogs.on(
        ReportDialog, lambda d: (opened.append(d.kind.currentData()), d.reject()), always=True
    )
    dialogs.on(CertificateDialog, lambda d: (opened.append("certificate"), d.reject()))
    window = MainWindow(clerk)
    qtbot.addWidget(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert "报表(&P)" in titles
    assert window.monthly_report_action.shortcut().toString() == "Ctrl+P"
    window.monthly_report_action.trigger()
    window.household_forms_action.trigger()
    window.resident_list_action.trigger()
    window.certificate_action.trigger()
    assert opened == ["monthly", "households", "residents", "certificate"]


def test_submit_from_the_dialog_then_correct_and_reprint_from_the_history(
    qtbot, demo_small, supervisor, dialogs
):
    import datetime as dt

    from models.core import clock
    from models.core.entities import ReportSubmission
    from models.registry import life_events
    from ui.monthly.history_dialog import ReportHistoryDialog

    clock.freeze(dt.datetime(2026, 12, 2, 9, 0))
    dialogs.always("confirm", True)
    asked = dialogs.said("confirm")
    dialog = ReportDialog(supervisor)
    qtbot.addWidget(dialog)
    nov = Month(2026, 11)
    assert dialog.chosen_month() == nov and dialog.status.text() == "未报送。"
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.submitted_serial is not None or dialog.error is not None, timeout=60_000
    )
    assert dialog.error is None and dialog.submitted_serial == "2026-11-001"
    assert len(asked) == 1 and "2026年11月全社区月度报表" in asked[0] and "固定" in asked[0]
    first = ReportSubmission.get()
    assert first.username == "zhuren" and dialog.pdf_path.read_bytes() == bytes(first.pdf)
    assert "已报送，编号2026-11-001" in dialog.status.text()
    assert dialog.submit_button.text().startswith("补报/更正")
    # A death dated in November, entered after: sending again asks for a reason.
    clock.freeze(dt.datetime(2026, 12, 2, 10, 0))
    person = (
        Resident.select()
        .where((Resident.status == "current") & (Resident.relation != "02"))
        .first()
    )
    life_events.record_death(supervisor, person.id, dt.date(2026, 11, 15))
    dialogs.answer("ask_text", "补登11月15日死亡")
    dialog.submitted_serial = None
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.submitted_serial is not None or dialog.error is not None, timeout=60_000
    )
    assert dialog.submitted_serial == "2026-11-002"
    second = ReportSubmission.get(ReportSubmission.serial == "2026-11-002")
    assert second.kind == "correction" and second.reason == "补登11月15日死亡"
    assert second.closing == first.closing - 1
    # The history lists both, newest first; 重印 shows the first exactly as it was sent.
    shown: list = []
    dialogs.on(
        pdf_preview.PdfPreviewDialog,
        lambda preview: (shown.append(preview.preview.path), preview.reject()),
    )
    history = ReportHistoryDialog(supervisor, dialog)
    qtbot.addWidget(history)
    assert history.model.rowCount() == 2
    assert [history.model.row_at(i).serial for i in range(2)] == ["2026-11-002", "2026-11-001"]
    history.view.selectRow(1)
    qtbot.mouseClick(history.reprint_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1 and shown[0].read_bytes() == bytes(first.pdf)
    assert (
        AuditLog.select()
        .where((AuditLog.action == "reprint") & AuditLog.note.contains("2026-11-001"))
        .count()
        == 1
    )
    # December: the figures tab opens with the sent closing figure and one correction.
    dialog.set_month(Month(2026, 12))
    assert "尚未结束" in dialog.status.text() and not dialog.submit_button.isEnabled()
    dialog.pdf_path = None
    _generate(qtbot, dialog)
    assert dialog.figures.month == Month(2026, 12)
    assert dialog.figures.total.opening == second.closing and dialog.figures.corrections == []
    assert "未结束" in pdf_tools.text(dialog.pdf_path, layout=False)


def test_clerks_cannot_submit_and_a_future_month_is_refused(qtbot, demo_small, clerk, dialogs):
    dialogs.allow("warn")
    warnings = dialogs.said("warn")
    dialog = ReportDialog(clerk)
    qtbot.addWidget(dialog)
    assert not dialog.submit_button.isEnabled()
    dialog.set_month(Month(2027, 1))
    assert "尚未开始" in dialog.status.text()
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error is not None, timeout=60_000)
    assert "2027年1月尚未开始" in dialog.error and warnings == [dialog.error]
    assert dialog.pdf_path is None
