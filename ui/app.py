"""Start the window: Qt set-up, open the database, sign in, show the main window."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from models import compounds, users
from models.db import DatabaseError, close_database, database_path, open_database
from models.entities import User
from ui.login_dialogs import FirstAdminDialog, LoginDialog
from ui.main_window import MainWindow
from ui.qt_setup import install_cjk_font, install_translations

log = logging.getLogger(__name__)


def sign_in(parent=None) -> User | None:
    """First start: create the administrator. Later: the sign-in dialog. None if cancelled."""
    if users.needs_first_admin():
        dialog: QDialog = FirstAdminDialog(parent)
    else:
        dialog = LoginDialog(str(database_path() or ""), parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.user  # type: ignore[attr-defined]


class AppController(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self.app = app
        self.window: MainWindow | None = None

    def start(self, path: str | Path, fallback: Path | None = None) -> bool:
        """Open *path*, sign in and show the window; on failure fall back to *fallback*."""
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        close_database()
        try:
            open_database(path)
        except DatabaseError as exc:
            QMessageBox.critical(None, self.tr("无法打开数据库"), str(exc))
            if fallback is not None and Path(fallback) != Path(path):
                return self.start(fallback)
            return False
        user = sign_in()
        if user is None:
            return False
        window = MainWindow(user)
        window.open_database_requested.connect(
            lambda new_path: self._restart(new_path, database_path())
        )
        window.switch_user_requested.connect(lambda: self._restart(database_path(), None))
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            window.restoreGeometry(geometry)
        self.app.aboutToQuit.connect(self._save_geometry)
        window.show()
        self.window = window
        if compounds.register_is_empty():
            QTimer.singleShot(0, window.offer_demo)
        return True

    def _save_geometry(self) -> None:
        if self.window is not None:
            QSettings().setValue("window/geometry", self.window.saveGeometry())

    def _restart(self, path, fallback) -> None:
        if not self.start(path, fallback):
            self.app.quit()


def _excepthook(exc_type, exc, tb) -> None:
    # An unexpected error must not take the clerk's window down: log it and say so.
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unhandled exception:\n%s", text)
    print(text, file=sys.stderr)
    if QApplication.instance() is not None:
        QMessageBox.critical(None, "社区工作台", f"操作未能完成：{exc}\n\n已保存的数据不受影响。")


def create_application(argv: list[str] | None = None) -> tuple[QApplication, str | None]:
    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("社区工作台")
    app.setOrganizationName("NeighbourhoodDesk")
    install_translations(app)
    font_warning = install_cjk_font(app)
    return app, font_warning


def run_gui(db_path: Path) -> int:
    app, font_warning = create_application()
    sys.excepthook = _excepthook
    if font_warning:
        QMessageBox.warning(None, "社区工作台", font_warning)
    controller = AppController(app)
    if not controller.start(db_path):
        return 1
    return app.exec()
