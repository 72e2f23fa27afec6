"""What the window does with an unexpected error: a line in the log file, a word to the clerk.

models.core.logfile writes uncaught exceptions and warnings to the log file. Here Qt's own
warnings and critical messages are sent there too, and an uncaught exception in the window
(PySide6 hands an exception raised in a slot to sys.excepthook; a worker thread's goes to
threading.excepthook) tells the clerk, in a short message box, that something went wrong
and where the details are. The box is shown with open(), not exec(): it never blocks the
program (or a test), and the window goes on working behind it. Further errors while it is
up are counted in it rather than stacking boxes.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    QtMsgType,
    QUrl,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

from models.core import logfile

qt_log = logging.getLogger("qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's qWarning/qCritical/qFatal into the log (and, at WARNING and above, stderr as before)."""
    level = _QT_LEVELS.get(mode, logging.WARNING)
    where = f" ({context.category})" if context.category and context.category != "default" else ""
    qt_log.log(level, "%s%s", message, where)


def install_qt_message_handler() -> None:
    qInstallMessageHandler(qt_message_handler)


def remove_qt_message_handler() -> None:
    qInstallMessageHandler(None)


def open_folder(path: Path) -> bool:
    """Show *path* (a folder) in the file manager."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class ErrorReporter(QObject):
    """Logs uncaught exceptions (through models.core.logfile) and tells the clerk about them."""

    # (exception type name, message); queued to the GUI thread when raised in another thread
    occurred = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.box: QMessageBox | None = None
        self.count = 0
        self._showing = False
        self._previous_hook: (
            Callable[[type[BaseException], BaseException, TracebackType | None], Any] | None
        ) = None
        self._previous_thread_hook: Callable[[threading.ExceptHookArgs], Any] | None = None
        self.occurred.connect(self.show_box)

    # -- hooks ------------------------------------------------------------------------
    def install(self) -> None:
        self._previous_hook, sys.excepthook = sys.excepthook, self._excepthook
        self._previous_thread_hook, threading.excepthook = threading.excepthook, self._thread_hook

    def uninstall(self) -> None:
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hook or sys.__excepthook__
        if threading.excepthook == self._thread_hook:
            threading.excepthook = self._previous_thread_hook or threading.__excepthook__

    def _excepthook(self, exc_type, exc, tb) -> None:
        (self._previous_hook or sys.__excepthook__)(exc_type, exc, tb)  # the file, the console
        self._tell(exc_type, exc)

    def _thread_hook(self, args) -> None:
        (self._previous_thread_hook or threading.__excepthook__)(args)
        self._tell(args.exc_type, args.exc_value)

    def _tell(self, exc_type, exc) -> None:
        if self._showing or issubclass(exc_type, (KeyboardInterrupt, SystemExit)):
            return  # an error while the box is being made must not make another box
        self.occurred.emit(exc_type.__name__, str(exc or ""))

    # -- the message box --------------------------------------------------------------
    def message(self, detail: str) -> str:
        path = logfile.current_path()
        if path is not None:
            where = self.tr(
                "详细情况已写入日志文件：\n%1\n如果问题反复出现，请把这个文件交给技术人员。"
            ).replace("%1", str(path))
        else:
            where = self.tr("日志文件无法写入，详细情况没有保存。")
        text = self.tr(
            "程序出了点问题，刚才的操作没有完成。\n已保存的数据不受影响，程序可以继续使用。"
        )
        if self.count > 1:
            text += self.tr("\n（已发生 %1 次）").replace("%1", str(self.count))
        return f"{text}\n\n{self.tr('错误：')}{detail}\n\n{where}"

    def show_box(self, type_name: str, text: str) -> None:
        if QApplication.instance() is None:
            return
        self._showing = True
        try:
            self._show_box(type_name, text)
        finally:
            self._showing = False

    def _show_box(self, type_name: str, text: str) -> None:
        detail = type_name + (f"：{text}" if text else "")
        if len(detail) > 300:
            detail = detail[:300] + "…"
        if self.box is not None and self.box.isVisible():
            self.count += 1
            self.box.setText(self.message(detail))
            return
        self.count = 1
        box = QMessageBox(
            QMessageBox.Icon.Critical, self.tr("社区工作台"), "", parent=QApplication.activeWindow()
        )
        box.setObjectName("error_report")
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        folder = box.addButton(self.tr("打开日志文件夹(&L)"), QMessageBox.ButtonRole.ActionRole)
        folder.clicked.connect(self._open_log_folder)
        box.finished.connect(box.deleteLater)
        box.destroyed.connect(self._forget_box)
        box.setText(self.message(detail))
        self.box = box
        box.open()  # never exec(): no nested event loop, nothing waits for the clerk

    def _forget_box(self, *_args) -> None:
        self.box = None

    def _open_log_folder(self) -> None:
        path = logfile.current_path() or logfile.log_path()
        open_folder(path.parent)


_reporter: ErrorReporter | None = None


def install(app: QApplication) -> ErrorReporter:
    """The window's error handling: Qt messages logged, uncaught exceptions logged and shown."""
    global _reporter
    logfile.setup()  # idempotent: normally done already, before the QApplication
    install_qt_message_handler()
    if _reporter is not None:
        _reporter.uninstall()
    _reporter = ErrorReporter(app)
    _reporter.install()
    return _reporter


def uninstall() -> None:
    global _reporter
    remove_qt_message_handler()
    if _reporter is not None:
        _reporter.uninstall()
        _reporter.deleteLater()
        _reporter = None
