"""The log file: uncaught exceptions, warnings and Qt's messages leave a trace; the clerk is told.

Every test writes into tmp_path (conftest points NDESK_DATA_DIR there), never into the real
user data folder.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, qWarning
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QPushButton

import main
import ui.app
from models.core import logfile
from models.core.db import database_path
from ui.common import error_report
from ui.common.about_dialog import AboutDialog
from ui.main_window import MainWindow


@pytest.fixture
def log_file(tmp_path):
    """models.core.logfile set up in the test's data folder; everything undone afterwards."""
    hook, thread_hook = sys.excepthook, threading.excepthook
    path = logfile.setup()
    assert path == tmp_path / "user-data" / "logs" / "neighbourhood-desk.log"
    yield path
    logfile.shutdown()
    assert sys.excepthook is hook and threading.excepthook is thread_hook
    assert logfile.file_handler() is None


@pytest.fixture
def reporter(qapp, log_file):
    """The window's error handling as run_gui installs it (message box included)."""
    rep = error_report.install(qapp)
    yield rep
    if rep.box is not None:
        rep.box.done(0)
    error_report.uninstall()


@pytest.fixture
def opened(monkeypatch):
    """Folders the program asks the file manager to show (none is really opened)."""
    seen: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: seen.append(url.toLocalFile()) or True
    )
    return seen


def read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


@pytest.mark.qt_no_exception_capture  # pytest-qt would put its own sys.excepthook in place
def test_an_exception_in_a_slot_is_logged_and_the_clerk_told(
    qtbot, reporter, log_file, capfd, opened
):
    button = QPushButton("保存")
    qtbot.addWidget(button)

    def save_the_household() -> None:
        raise ZeroDivisionError("division by zero in the household form")

    button.clicked.connect(save_the_household)
    button.show()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    text = read(log_file)
    assert "uncaught exception: ZeroDivisionError: division by zero in the household form" in text
    assert "Traceback (most recent call last)" in text
    assert "in save_the_household" in text  # the traceback, not just the message
    assert "in save_the_household" in capfd.readouterr().err  # the console still gets it
    # The program goes on; the clerk sees one short box naming the log file, which never blocks.
    box = reporter.box
    assert box is not None and box.isVisible() and box.objectName() == "error_report"
    assert "程序出了点问题" in box.text() and str(log_file) in box.text()
    assert "ZeroDivisionError" in box.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert reporter.box is box and "已发生 2 次" in box.text()  # counted, not a second box
    assert read(log_file).count("in save_the_household") == 2
    folder = next(b for b in box.buttons() if "日志文件夹" in b.text())
    folder.click()
    assert opened == [str(log_file.parent)]
    qtbot.waitUntil(lambda: reporter.box is None, timeout=5000)  # closed and freed


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_worker_thread_is_logged_and_shown(qtbot, reporter, log_file):
    def import_rows() -> None:
        raise KeyError("户号")

    thread = threading.Thread(target=import_rows, name="import-worker")
    thread.start()
    thread.join()
    text = read(log_file)
    assert "uncaught exception in thread import-worker: KeyError" in text
    assert "in import_rows" in text
    # The box is made on the GUI thread (the signal is queued there).
    qtbot.waitUntil(lambda: reporter.box is not None and reporter.box.isVisible(), timeout=5000)
    assert "KeyError" in reporter.box.text() and str(log_file) in reporter.box.text()


def test_a_warning_lands_in_the_log_and_still_on_stderr(log_file, capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("工作簿没有默认样式", UserWarning, stacklevel=1)
    text = read(log_file)
    assert "WARNING py.warnings" in text and "UserWarning: 工作簿没有默认样式" in text
    err = capfd.readouterr().err
    assert "UserWarning: 工作簿没有默认样式" in err and not err.endswith("\n\n")


def test_qt_messages_land_in_the_log(qapp, log_file, capfd):
    error_report.install_qt_message_handler()
    try:
        qWarning("QFont::setPointSize: Point size <= 0 (-1), must be greater than 0")
    finally:
        error_report.remove_qt_message_handler()
    assert "WARNING qt [MainThread] QFont::setPointSize: Point size <= 0" in read(log_file)
    assert "QFont::setPointSize" in capfd.readouterr().err  # as Qt itself printed it


def test_the_log_file_rotates_at_one_megabyte_keeping_five(log_file):
    handler = logfile.file_handler()
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 5)
    assert handler.encoding == "utf-8" and Path(handler.baseFilename) == log_file
    line = "居民信息" * 250  # 3,000 bytes in UTF-8
    for _ in range(400):  # 1.2 MB: one rollover
        logging.getLogger("test").info(line)
    handler.flush()
    older = log_file.with_name(log_file.name + ".1")
    assert older.is_file() and older.stat().st_size <= 1_000_000
    assert log_file.stat().st_size < 1_000_000
    assert line in older.read_bytes().decode("utf-8")


def test_setup_follows_the_data_folder_and_survives_a_read_only_one(
    tmp_path, monkeypatch, log_file
):
    monkeypatch.setenv("NDESK_DATA_DIR", str(tmp_path / "other"))
    assert logfile.setup() == tmp_path / "other" / "logs" / "neighbourhood-desk.log"
    assert (
        sum(
            isinstance(h, logging.handlers.RotatingFileHandler)
            for h in logging.getLogger().handlers
        )
        == 1
    )
    (tmp_path / "blocked").write_text("a file where the data folder should be")
    monkeypatch.setenv("NDESK_DATA_DIR", str(tmp_path / "blocked"))
    assert logfile.setup() is None and logfile.current_path() is None  # no file, no crash


def test_command_line_logs_but_keeps_its_stderr(tmp_path, capsys):
    missing = tmp_path / "nowhere.sqlite3"
    hook = sys.excepthook
    assert main.main(["check", "--db", str(missing)]) == 1
    assert capsys.readouterr().err == f"错误：找不到数据库文件“{missing}”。\n"
    assert sys.excepthook is hook and logfile.file_handler() is None  # all undone
    text = logfile.log_path().read_text(encoding="utf-8")
    assert "command: check" in text and "command check failed: DatabaseError" in text


def test_run_gui_sets_up_the_log_first(qapp, monkeypatch, tmp_path):
    monkeypatch.setattr(ui.app, "create_application", lambda: (qapp, None))
    monkeypatch.setattr(ui.app.AppController, "start", lambda self, path: False)
    try:
        assert ui.app.run_gui(tmp_path / "desk.sqlite3") == 1
        assert logfile.current_path() == tmp_path / "user-data" / "logs" / "neighbourhood-desk.log"
        assert error_report._reporter is not None
        assert sys.excepthook == error_report._reporter._excepthook
    finally:
        error_report.uninstall()
        logfile.shutdown()


def test_about_names_the_version_database_and_log_file(qtbot, admin, opened, dialogs):
    window = MainWindow(admin)
    qtbot.addWidget(window)
    action = next(a for a in window.findChildren(QAction) if a.text().startswith("关于"))
    seen: dict[str, str] = {}

    def look(dialog: AboutDialog) -> None:
        seen["text"] = dialog.text.text()
        qtbot.mouseClick(dialog.open_log_button, Qt.MouseButton.LeftButton)
        dialog.reject()

    dialogs.on(AboutDialog, look)
    action.trigger()
    dialogs.check("AboutDialog")
    log_path = logfile.log_path()
    assert str(log_path) in seen["text"] and str(database_path()) in seen["text"]
    assert "user-data" in str(log_path)  # the test's data folder, not the real one
    from models.core.version import __version__

    assert __version__ in seen["text"]
    assert opened == [str(log_path.parent)]
