"""One way to handle a new PDF (ui.common.pdf_output), and a new case opened once it is saved.

save_file is answered by the dialogs fixture and QDesktopServices patched: no test opens a
real viewer.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QWidget

from models.casework.entities import BIRTH_REG, CASE_TYPES, GENERAL, Case
from models.core import local_config
from tests.casework_fixtures import family  # noqa: F401  (fixture)
from tests.conftest import AS_OF
from tests.test_casework_ui import _pick, _save
from ui.casework.case_dialog import CaseDialog
from ui.casework.new_dialog import NewCaseDialog
from ui.casework.tab import CaseworkTab
from ui.common import pdf_files, pdf_output, pdf_preview
from ui.main_window import MainWindow

REAL_HANDLER_CHECK = pdf_output.linux_has_pdf_handler  # before the fixture replaces it


@pytest.fixture
def viewer(monkeypatch):
    """openUrl recorded; its answer is viewer.answer (True: a viewer opened the file)."""

    class Viewer:
        answer = True
        urls: list[QUrl] = []

    Viewer.urls = []
    monkeypatch.setattr(
        pdf_output.QDesktopServices,
        "openUrl",
        staticmethod(lambda url: Viewer.urls.append(url) or Viewer.answer),
    )
    monkeypatch.setattr(pdf_files, "linux_has_pdf_handler", lambda: True)
    return Viewer


@pytest.fixture
def save_dialog(dialogs):
    """save_file answers the next path of save_dialog.answers; the start paths asked
    with are recorded in save_dialog.started."""

    class Asked:
        answers: list[Path] = []
        started: list[Path] = []

    Asked.answers, Asked.started = [], []

    def answer(asked):
        Asked.started.append(Path(asked.details["path"]))
        return Asked.answers.pop(0)

    dialogs.always("save_file", answer)
    return Asked


def _saved_note(widget) -> pdf_output.SavedDialog:
    [note] = [d for d in widget.window().findChildren(pdf_output.SavedDialog) if d.isVisible()]
    return note


def test_second_save_of_a_kind_starts_in_the_folder_of_the_first(
    qtbot, dialogs, officer, tmp_path, save_dialog, viewer
):
    tab = CaseworkTab(officer)
    qtbot.addWidget(tab)
    first = tmp_path / "计生" / "十一月"
    first.mkdir(parents=True)
    save_dialog.answers = [first / "清单", tmp_path / "elsewhere.pdf", first / "again.pdf"]
    tab.print_worklist()
    # The first save starts in Documents (or home), under the kind and the day.
    assert save_dialog.started[0].name == "计生待办清单-2026年11月27日.pdf"
    assert save_dialog.started[0].parent == pdf_output.default_folder()
    # ".pdf" added; the file written; the note says where.
    assert (first / "清单.pdf").read_bytes()[:5] == b"%PDF-"
    note = _saved_note(tab)
    assert note.path_text.text() == str(first / "清单.pdf")
    assert local_config.load().pdf_folders["casework-worklist"] == str(first.resolve())
    note.close_button.click()
    # Another kind has its own folder: the payments list still starts in Documents.
    dialogs.answer("ask_item", "2026年11月")
    tab.print_payments()
    assert (
        save_dialog.started[1] == pdf_output.default_folder() / "补贴和扶助发放名单-2026年11月.pdf"
    )
    # The worklist again: in the folder it went to the first time.
    tab.print_worklist()
    assert save_dialog.started[2] == first / "计生待办清单-2026年11月27日.pdf"
    assert viewer.urls == []  # nothing opened by itself


def test_a_remembered_folder_that_is_gone_falls_back_to_documents(tmp_path):
    gone = tmp_path / "usb"
    gone.mkdir()
    local_config.remember_pdf_folder("certificate", gone)
    assert pdf_output.start_folder("certificate") == gone
    gone.rmdir()
    assert pdf_output.start_folder("certificate") == pdf_output.default_folder()


def test_open_hands_the_file_url_to_the_system_viewer(qtbot, tmp_path, viewer):
    parent = QWidget()  # a plain QWidget
    qtbot.addWidget(parent)
    pdf = tmp_path / "月报 2026年10月.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    note = pdf_output.show_saved(parent, "report", pdf, "月度报表")
    assert note.isVisible() and not note.isModal()
    assert note.windowTitle() == "已保存：月度报表"
    note.open_button.click()
    assert viewer.urls == [QUrl.fromLocalFile(str(pdf))]
    assert not note.isVisible()  # done with once the viewer has it
    note = pdf_output.show_saved(parent, "report", pdf, "月度报表")
    note.folder_button.click()
    assert viewer.urls[-1] == QUrl.fromLocalFile(str(tmp_path))


def test_without_a_pdf_viewer_the_window_says_so_with_the_path(qtbot, tmp_path, viewer):
    parent = QWidget()
    qtbot.addWidget(parent)
    pdf = tmp_path / "达标情况报告.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    note = pdf_output.show_saved(parent, "facilities-compliance", pdf, "达标情况报告")
    assert note.message.isHidden()
    viewer.answer = False
    note.open_button.click()
    assert viewer.urls == [QUrl.fromLocalFile(str(pdf))]
    assert note.isVisible() and not note.message.isHidden()
    assert (
        "没有可以打开 PDF 文件的程序" in note.message.text() and "上面的位置" in note.message.text()
    )
    assert note.path_text.text() == str(pdf)
    assert note.width() <= 1366 and note.height() <= 768 - 40 - 31  # fits the office laptop
    note.folder_button.click()
    assert note.isVisible() and "无法打开文件夹" in note.message.text()
    assert str(tmp_path) in note.message.text()
    # A second note replaces the first instead of piling up.
    again = pdf_output.show_saved(parent, "facilities-compliance", pdf, "达标情况报告")
    assert _saved_note(parent) is again and not note.isVisible()


def test_on_linux_no_application_for_pdf_counts_as_no_viewer(monkeypatch, tmp_path, viewer):
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("XDG_DATA_HOME", "XDG_DATA_DIRS", "XDG_CONFIG_HOME", "XDG_CONFIG_DIRS"):
        (tmp_path / name / "applications").mkdir(parents=True)
        monkeypatch.setenv(name, str(tmp_path / name))
    monkeypatch.setattr(pdf_files, "linux_has_pdf_handler", REAL_HANDLER_CHECK)
    pdf = tmp_path / "a.pdf"
    apps = tmp_path / "XDG_DATA_DIRS" / "applications"
    (apps / "editor.desktop").write_text(
        "[Desktop Entry]\nMimeType=text/plain;\n", encoding="utf-8"
    )
    assert not pdf_output.linux_has_pdf_handler()
    assert pdf_output.open_file(pdf) is False  # xdg-open would start nothing, silently
    (apps / "reader.desktop").write_text(
        "[Desktop Entry]\nName=阅读器\nMimeType=image/png;application/pdf;\n", encoding="utf-8"
    )
    assert pdf_output.linux_has_pdf_handler() and pdf_output.open_file(pdf) is True
    (apps / "reader.desktop").unlink()
    (tmp_path / "XDG_CONFIG_HOME" / "mimeapps.list").write_text(
        "[Default Applications]\napplication/pdf=org.gnome.Evince.desktop\n", encoding="utf-8"
    )
    assert pdf_output.linux_has_pdf_handler()


def test_the_note_offers_a_preview_only_when_it_has_one(qtbot, tmp_path):
    parent = QWidget()
    qtbot.addWidget(parent)
    pdf = tmp_path / "月报.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    # The windows' note: 预览 where Qt's PDF module is installed, and not when asked not to.
    note = pdf_output.show_saved(parent, "report", pdf, "月度报表")
    assert note.preview_button.isHidden() is not pdf_preview.HAS_QTPDF
    assert pdf_output.show_saved(
        parent, "report", pdf, "月度报表", preview=False
    ).preview_button.isHidden()
    # The note itself knows nothing of the preview: it calls what it was given.
    opened: list[pdf_files.SavedDialog] = []
    note = pdf_files.show_note(parent, "report", pdf, "月度报表", opened.append)
    assert not note.preview_button.isHidden()
    note.preview_button.click()
    assert opened == [note]


def test_file_names_say_what_and_when():
    assert (
        pdf_output.file_name("计生待办清单", dt.date(2026, 11, 27))
        == "计生待办清单-2026年11月27日.pdf"
    )
    assert (
        pdf_output.file_name("发放名单", dt.date(2026, 11, 1), month=True)
        == "发放名单-2026年11月.pdf"
    )
    assert (
        pdf_output.file_name("“红色经典”: 电影/放映", extra="活动方案")
        == "红色经典 电影放映-活动方案.pdf"
    )


def test_the_preview_saves_to_the_kinds_folder_and_says_when_no_viewer(
    qtbot, tmp_path, save_dialog, viewer
):
    made = tmp_path / "tmp-cert.pdf"
    made.write_bytes(b"%PDF-1.4 certificate\n")
    folder = tmp_path / "证明"
    folder.mkdir()
    local_config.remember_pdf_folder("certificate", folder)
    dialog = pdf_preview.PdfPreviewDialog(
        made, "居住证明 2026-0001", None, "居住证明-2026-0001.pdf"
    )
    qtbot.addWidget(dialog)
    save_dialog.answers = [folder / "居住证明-2026-0001.pdf"]
    dialog.preview.save_button.click()
    assert save_dialog.started == [folder / "居住证明-2026-0001.pdf"]
    assert (folder / "居住证明-2026-0001.pdf").read_bytes() == made.read_bytes()
    note = _saved_note(dialog)
    assert note.preview_button.isHidden()  # already looking at it
    viewer.answer = False
    assert dialog.preview.open_external() is False
    assert viewer.urls == [QUrl.fromLocalFile(str(made))]
    assert "没有可以打开 PDF 文件的程序" in dialog.preview.info.text()
    assert str(made) in dialog.preview.info.text()  # the page view has no path on show


def test_events_plan_is_saved_then_offered_to_open(qtbot, clerk, tmp_path, save_dialog, viewer):
    from models.events.templates import create_from_template
    from ui.events.common import save_plan_pdf

    event_id = create_from_template(clerk, "film_night", AS_OF + dt.timedelta(days=10))
    parent = QWidget()
    qtbot.addWidget(parent)
    save_dialog.answers = [tmp_path / "plan.pdf"]
    assert save_plan_pdf(parent, clerk, event_id) == tmp_path / "plan.pdf"
    assert save_dialog.started[0].name.endswith("-活动方案-2026年12月7日.pdf")
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "plan.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "活动方案" in text
    assert viewer.urls == []
    _saved_note(parent).open_button.click()
    assert viewer.urls == [QUrl.fromLocalFile(str(tmp_path / "plan.pdf"))]


def test_a_new_case_is_named_selected_and_opened(qtbot, dialogs, officer, family):  # noqa: F811
    window = MainWindow(officer)
    qtbot.addWidget(window)
    tab = window.casework_tab
    # A filter that would hide the new case: it is cleared to show it.
    tab.pages.setCurrentIndex(1)
    tab.type_filter.setCurrentIndex(tab.type_filter.findData(BIRTH_REG))

    def fill_and_save(dialog: NewCaseDialog) -> None:
        _pick(dialogs, dialog.person, "张建伟")
        dialog.subject.setCurrentText("托育机构信息咨询")
        _save(dialog)

    opened = []

    def record(dialog: CaseDialog) -> None:
        opened.append(
            (dialog.case_id, dialog.notice.text(), dialog.notice.isHidden(), dialog.windowTitle())
        )
        dialog.reject()

    dialogs.on(NewCaseDialog, fill_and_save)
    dialogs.on(CaseDialog, record)  # no warning may come up: none is scripted
    tab.new_actions[GENERAL].trigger()
    case = Case.get(Case.case_type == GENERAL)
    assert case.person.id == family.father.id
    assert window.statusBar().currentMessage() == f"已建立个案 {case.case_no}"
    assert opened == [
        (
            case.id,
            f"已建立个案 {case.case_no}。可在此记录随访和办理情况。",
            False,
            f"{CASE_TYPES[GENERAL]} {case.case_no}",
        )
    ]
    assert tab.pages.currentIndex() == 1 and tab.type_filter.currentIndex() == 0  # 全部类型
    assert tab.selected_case_id() == case.id
