"""Start the window: Qt set-up, open the database, sign in, show the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from models.core import backup, dbcheck, local_config, logfile, users
from models.core.db import (
    DatabaseError,
    DatabaseTarget,
    EngineError,
    close_database,
    current_target,
    is_postgres_url,
    target_text,
)
from models.core.db_lock import DatabaseLock
from models.core.entities import User
from models.migrations import open_database
from models.registry import compounds
from ui import startup
from ui.admin.backup_actions import BackupScheduler
from ui.common import error_report
from ui.common.dialogs import error, inform, run_modal, warn
from ui.common.qt_setup import install_cjk_font, install_translations
from ui.login_dialogs import FirstAdminDialog, LoginDialog
from ui.main_window import MainWindow

log = logging.getLogger(__name__)


def sign_in(parent=None) -> User | None:
    """First start: create the administrator. Later: the sign-in dialog. None if cancelled."""
    if users.needs_first_admin():
        dialog: QDialog = FirstAdminDialog(parent)
    else:
        dialog = LoginDialog(target_text(current_target()), parent)
    if run_modal(dialog) != QDialog.DialogCode.Accepted:
        return None
    return dialog.user  # type: ignore[attr-defined]


class AppController(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self.app = app
        self.window: MainWindow | None = None
        self.lock: DatabaseLock | None = None  # one window per database
        self.scheduler: BackupScheduler | None = None
        self._restored: tuple[backup.RestoreResult, str] | None = None

    def start(self, path: DatabaseTarget, fallback: DatabaseTarget | None = None) -> bool:
        """Open *path* (a file or a server URL), sign in and show the window; on failure
        fall back to *fallback*."""
        self._end_session()
        opened = self._open_server(path) if is_postgres_url(path) else self._open(Path(path))
        if not opened:
            if fallback is not None and str(fallback) != str(path):
                return self.start(fallback)
            return False
        user = sign_in()
        if user is None:
            return False
        window = MainWindow(user)
        window.open_database_requested.connect(
            lambda new_path: self._restart(new_path, current_target())
        )
        window.switch_user_requested.connect(lambda: self._restart(current_target(), None))
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            window.restoreGeometry(geometry)
        self.app.aboutToQuit.connect(self._save_geometry)
        window.restore_requested.connect(lambda file: self._restore(file, user.username))
        self.scheduler = BackupScheduler(self)
        self.scheduler.message.connect(self._status)
        self.scheduler.failed.connect(self._backup_warning)
        self.scheduler.attach(window)
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

    def _end_session(self) -> None:
        """Close the window and the database, release the lock (no closing backup: the
        program goes on with another database or user)."""
        if self.scheduler is not None:
            self.scheduler.detach()
            self.scheduler.deleteLater()
            self.scheduler = None
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        close_database()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def _open_server(self, url: str) -> bool:
        """Connect to an office server: no file to lock or check (the server serves several
        clerks at once and keeps its own pages); a refused connection says why."""
        try:
            open_database(url)
        except (DatabaseError, EngineError) as exc:
            close_database()
            error(None, self.tr("无法连接数据库服务器"), str(exc))
            return False
        self.lock = DatabaseLock(url).acquire()
        local_config.remember_database(url)
        return True

    def _open(self, path: Path) -> bool:
        """Lock, check and open *path*; a damaged file gets the way back, never a reset."""
        lock = DatabaseLock(path)
        try:
            lock.acquire()
        except DatabaseError as exc:
            warn(None, self.tr("数据库正在使用"), str(exc))
            return False
        except OSError as exc:  # a read-only or missing folder
            error(
                None,
                self.tr("无法打开数据库"),
                self.tr("无法使用数据库所在的文件夹“%1”：%2")
                .replace("%1", str(path.parent))
                .replace("%2", exc.strerror or str(exc)),
            )
            return False
        report = dbcheck.check_file(path)
        restored: backup.RestoreResult | None = None
        if report.damaged:
            answer = startup.recover(path, report.summary())
            if answer is None:
                lock.release()
                return False
            # START_NEW: the empty file was set aside; a new database is made below.
            restored = None if isinstance(answer, str) else answer  # the only str is START_NEW
        elif not report.ok:
            error(None, self.tr("无法打开数据库"), report.summary())
            lock.release()
            return False
        try:
            try:
                open_database(path)
            except EngineError as exc:
                # Damage the quick check did not see (it surfaced while reading the schema).
                close_database()
                if not any(w in str(exc) for w in ("malformed", "not a database", "corrupt")):
                    raise DatabaseError(f"无法打开数据库文件“{path}”：{exc}") from exc
                answer = startup.recover(path, f"数据库文件已损坏（{exc}）")
                restored = None if isinstance(answer, str) else answer  # the only str is START_NEW
                if restored is None:
                    lock.release()
                    return False
                open_database(path)
        except (DatabaseError, EngineError) as exc:
            close_database()
            lock.release()
            error(None, self.tr("无法打开数据库"), str(exc))
            return False
        self.lock = lock
        if restored is not None:
            backup.note_restored(restored, "system")
        if self._restored is not None:
            backup.note_restored(*self._restored)
            self._restored = None
        local_config.remember_database(path)
        return True

    def _restore(self, file: str, username: str) -> None:
        """Restore a checked backup over the open database, then start a new session."""
        path = current_target()
        if path is None:
            return
        if not isinstance(path, Path):
            warn(
                None,
                self.tr("恢复备份"),
                self.tr(
                    "办公室服务器上的数据库由服务器管理员用 pg_restore 恢复，"
                    "本程序不覆盖服务器上的数据。"
                ),
            )
            return
        lock, self.lock = self.lock, None  # held through the restore: no other window gets in
        self._end_session()
        try:
            result = backup.restore(file, path)
        except backup.BackupError as exc:
            error(None, self.tr("恢复失败"), str(exc))
        else:
            self._restored = (result, username)
            inform(None, self.tr("恢复完成"), result.describe() + self.tr("\n\n请重新登录。"))
        if lock is not None:
            lock.release()
        self._restart(path, None)

    def _status(self, text: str) -> None:
        if self.window is not None:
            self.window.statusBar().showMessage(text, 8000)

    def _backup_warning(self, text: str) -> None:
        warn(self.window, self.tr("自动备份"), text)


def create_application(argv: list[str] | None = None) -> tuple[QApplication, str | None]:
    # instance() is typed QCoreApplication; any existing instance here is the QApplication.
    app = cast(QApplication, QApplication.instance()) or QApplication(argv or sys.argv)
    app.setApplicationName("社区工作台")
    app.setOrganizationName("NeighbourhoodDesk")
    app.setDesktopFileName("neighbourhood-desk")  # matches resources/neighbourhood-desk.desktop
    icon = Path(__file__).resolve().parent.parent / "resources" / "neighbourhood-desk.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    install_translations(app)
    font_warning = install_cjk_font(app)
    return app, font_warning


def run_gui(db_path: DatabaseTarget | None = None) -> int:
    """Open *db_path*, or the database opened last on this computer, or the default one."""
    logfile.setup()  # first: what goes wrong from here on leaves a trace (models/core/logfile.py)
    error_report.install_qt_message_handler()
    if db_path is None:
        db_path = local_config.database_to_open()
    app, font_warning = create_application()
    error_report.install(app)  # an uncaught exception: logged, and a word to the clerk
    if font_warning:
        warn(None, "社区工作台", font_warning)
    controller = AppController(app)
    if not controller.start(db_path):
        return 1
    return app.exec()
