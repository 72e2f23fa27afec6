"""Qt's own dialogs, buttons and date widgets speak Chinese once the program's Qt set-up has run.

Every dialog here is built and inspected, never exec()'d: nothing modal is left open.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QLibraryInfo, QLocale
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QCalendarWidget,
    QDateEdit,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QMessageBox,
    QTableView,
    QToolButton,
)

import ui.app
from ui.casework.widgets import DateField
from ui.common.qt_setup import install_translations

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture
def chinese_qt(qapp):
    """Run the set-up on the session's QApplication; undo it afterwards for the other tests."""
    before = QLocale()
    translators = install_translations(qapp)
    yield translators
    for translator in translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(before)


def _texts(widget) -> list[str]:
    return (
        [label.text() for label in widget.findChildren(QLabel)]
        + [button.text() for button in widget.findChildren(QAbstractButton)]
        + [box.title() for box in widget.findChildren(QGroupBox)]
    )


def test_the_wheel_ships_qtbase_zh_cn():
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    assert (folder / "qtbase_zh_CN.qm").is_file()


def test_create_application_runs_the_set_up(qapp, monkeypatch):
    seen = []
    monkeypatch.setattr(ui.app, "install_translations", seen.append)
    monkeypatch.setattr(ui.app, "install_cjk_font", lambda app: None)
    names = (qapp.applicationName(), qapp.organizationName(), qapp.desktopFileName())
    icon = qapp.windowIcon()
    try:
        app, warning = ui.app.create_application(["test"])
    finally:
        qapp.setApplicationName(names[0])
        qapp.setOrganizationName(names[1])
        qapp.setDesktopFileName(names[2])
        qapp.setWindowIcon(icon)
    assert app is qapp and seen == [qapp] and warning is None


def test_set_up_loads_qtbase_and_the_china_locale(chinese_qt):
    assert chinese_qt, "qtbase_zh_CN.qm was not loaded"
    assert Path(chinese_qt[0].filePath()).name == "qtbase_zh_CN.qm"
    assert QLocale().name() == "zh_CN"
    assert QLocale().firstDayOfWeek().name == "Monday"


def test_standard_buttons_read_chinese(qtbot, chinese_qt):
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"

    message = QMessageBox()
    qtbot.addWidget(message)
    message.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    shown = {
        message.button(b).text().split("(")[0]
        for b in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No)
    }
    assert shown == {"是", "否"}


def test_non_native_file_dialog_is_chinese(qtbot, chinese_qt):
    dialog = QFileDialog(None, "选择花名册")
    qtbot.addWidget(dialog)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setNameFilter("工作簿 (*.xlsx *.xls *.csv)")
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    # Qt 6 added mnemonics ("&Look in:", "Files of &type:") that qtbase_zh_CN lacks.
    assert "查找范围(&L)：" in labels and "文件类型(&T)：" in labels
    assert any(text.startswith("文件名称") for text in labels)
    assert not [text for text in labels if ENGLISH_WORD.search(text)], labels
    tips = {button.toolTip() for button in dialog.findChildren(QToolButton)}
    assert {"后退", "新建文件夹", "详情视图"} <= tips
    buttons = [button.text() for button in dialog.findChildren(QAbstractButton) if button.text()]
    assert "打开(&O)" in buttons and "取消" in buttons


def test_print_dialog_is_chinese(qtbot, chinese_qt):
    printer = QPrinter()  # must outlive the dialog
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    texts = [text for text in _texts(dialog) if text]
    assert "打印(&P)" in texts and "取消" in texts
    assert not [text for text in texts if ENGLISH_WORD.search(text)], texts


def test_stale_strings_are_filled_and_the_programs_own_untouched(chinese_qt):
    tr = QCoreApplication.translate
    assert tr("QFileDialog", "&Look in:") == "查找范围(&L)："
    assert tr("QFileDialog", "Look in:") == "查找范围："  # straight from qtbase_zh_CN
    assert tr("QAbstractFileIconProvider", "Folder", "All other platforms") == "文件夹"
    assert tr("QAbstractFileIconProvider", "Drive") == "驱动器"
    assert tr("MainWindow", "居民信息") == "居民信息"
    assert tr("MainWindow", "&Look in:") == "&Look in:"  # only Qt's contexts are filled
    assert tr("QFileDialog", "&No such label:") == "&No such label:"


def test_set_up_can_run_twice_without_stacking_translators(qapp, chinese_qt):
    again = install_translations(qapp)
    try:
        assert len(again) == len(chinese_qt)
        assert not any(qapp.removeTranslator(t) for t in chinese_qt), "old ones still installed"
        assert QCoreApplication.translate("QFileDialog", "Files of &type:") == "文件类型(&T)："
    finally:
        for translator in again:
            qapp.removeTranslator(translator)


def test_date_edits_show_the_year_first(qtbot, chinese_qt):
    plain = QDateEdit(QDate(2026, 12, 2))
    qtbot.addWidget(plain)
    # A date box without its own format follows zh_CN: 2026/12/2, never "2 12 2026".
    assert re.fullmatch(r"2026\D{1,2}0?12\D{1,2}0?2日?", plain.text()), plain.text()
    field = DateField(dt.date(2026, 12, 2))
    qtbot.addWidget(field)
    assert field.text() == "2026-12-02"
    long = QLocale().toString(QDate(2026, 12, 2), QLocale.FormatType.LongFormat)
    assert long.startswith("2026年12月2日"), long  # Qt adds the weekday: …星期三


def test_calendar_navigation_reads_chinese(qtbot, chinese_qt):
    calendar = QCalendarWidget()
    qtbot.addWidget(calendar)
    calendar.setSelectedDate(QDate(2026, 12, 2))
    calendar.setCurrentPage(2026, 12)
    texts = [button.text() for button in calendar.findChildren(QToolButton)]
    assert any(text in ("十二月", "12月") for text in texts), texts
    assert any(text.startswith("2026") for text in texts), texts
    assert not [text for text in texts if ENGLISH_WORD.search(text)], texts
    view = calendar.findChild(QTableView)
    header = [view.model().index(0, column).data() for column in range(view.model().columnCount())]
    assert [day for day in header if day][:2] == ["周一", "周二"], header
