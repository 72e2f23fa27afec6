"""The 备份 menu (back up now, back up to a chosen file, restore) and the automatic backups.

Automatic backups run once a day while the window is open (off the GUI thread, silently)
and when the window closes; the work itself is models.core.backup.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

from models.core import backup, clock, local_config
from models.core.db import current_target, database_path
from models.core.permissions import Perm, require
from ui.common.dialogs import confirm, error, inform, open_file, run_modal, save_file, warn
from ui.common.worker import Job, run_with_progress

log = logging.getLogger(__name__)

BACKUP_FILTER = "社区工作台备份 (*.zip);;数据库文件 (*.sqlite3 *.db *.bak);;所有文件 (*)"


class BackupScheduler(QObject):
    """Once a day while the program runs, and when its window closes."""

    message = Signal(str)  # for the status bar
    failed = Signal(str)

    CHECK_EVERY_MS = 30 * 60 * 1000

    def __init__(self, parent: QObject | None = None, first_check_ms: int = 60 * 1000) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.first_check_ms = first_check_ms
        self.window: QMainWindow | None = None
        self._job: Job | None = None
        self._warned = False

    def attach(self, window: QMainWindow) -> None:
        self.window = window
        window.installEventFilter(self)
        QTimer.singleShot(self.first_check_ms, self, self.check)
        self.timer.start(self.CHECK_EVERY_MS)

    def detach(self) -> None:
        """Stop (a restart is not a close: no closing backup); wait for a running backup."""
        self.timer.stop()
        if self.window is not None:
            self.window.removeEventFilter(self)
            self.window = None
        self.pool.waitForDone()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.backup_on_close()
        return False

    def check(self) -> None:
        """Start the day's backup in the background if there is none yet."""
        path = database_path()
        config = local_config.load()
        if path is None or not config.auto_backup or self._job is not None:
            return

        def daily(progress):
            # Looking at the folder happens off the GUI thread too: a share that is offline
            # can take half a minute to answer.
            if not backup.due(config, path.stem):
                return None
            return backup.auto_backup(config, progress=progress)

        job = Job(daily)
        job.signals.finished.connect(self._done)
        job.signals.failed.connect(self._failed)
        self._job = job
        self.pool.start(job)

    def _done(self, result: backup.AutoBackupResult | None) -> None:
        self._job = None
        if result is None:  # already backed up today
            return
        self.message.emit(f"已自动备份到 {result.info.path}")
        if result.warning:
            self._failed(result.warning)

    def _failed(self, message: str) -> None:
        self._job = None
        log.warning("automatic backup: %s", message)
        if not self._warned:  # once per session, not every half hour
            self._warned = True
            self.failed.emit(message)

    def backup_on_close(self) -> backup.AutoBackupResult | None:
        """The closing backup, on the GUI thread (the window is going away anyway)."""
        self.timer.stop()
        self.pool.waitForDone()
        config = local_config.load()
        if database_path() is None or not config.auto_backup:
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = backup.auto_backup(config)
        except backup.BackupError as exc:
            QGuiApplication.restoreOverrideCursor()
            warn(self.window, "自动备份", f"关闭前的自动备份未完成：{exc}")
            return None
        QGuiApplication.restoreOverrideCursor()
        if result.warning:
            warn(self.window, "自动备份", result.warning)
        return result


# -- menu actions (window is the MainWindow) ------------------------------------------------------
def backup_now(window) -> None:
    """Back up to the backup folder now, with progress and cancel."""
    require(window.user, Perm.BACKUP)
    config = local_config.load()

    def work(progress):
        return backup.auto_backup(config, progress=progress)

    def done(result: backup.AutoBackupResult) -> None:
        text = (
            window.tr("已备份到：\n%1\n\n%2")
            .replace("%1", str(result.info.path))
            .replace("%2", result.info.describe())
        )
        if result.warning:
            text += "\n\n" + result.warning
        window.statusBar().showMessage(
            window.tr("已备份到 %1").replace("%1", str(result.info.path)), 8000
        )
        inform(window, window.tr("备份完成"), text)

    window._backup_job = run_with_progress(
        window,
        window.tr("备份"),
        window.tr("正在备份数据库和附件…"),
        work,
        done,
        lambda msg: error(window, window.tr("备份失败"), msg),
    )


def backup_to_file(window) -> None:
    """Back up to a file the user chooses (a USB drive)."""
    require(window.user, Perm.BACKUP)
    src = current_target()
    if src is None:
        return
    # A server's backup (pg_dump) is named after its database, a file's after the file.
    stem = src.stem if isinstance(src, Path) else urlsplit(src).path.strip("/") or "server"
    folder = local_config.load().backup_folder()
    default = folder / backup.backup_name(stem, clock.now())
    chosen = save_file(
        window, window.tr("备份到文件"), str(default), window.tr("社区工作台备份 (*.zip)")
    )
    if chosen is None:
        return
    path = str(chosen)
    if not path.lower().endswith(".zip"):
        path += ".zip"

    def done(info: backup.BackupInfo) -> None:
        window.statusBar().showMessage(window.tr("已备份到 %1").replace("%1", path), 8000)
        inform(
            window,
            window.tr("备份完成"),
            window.tr("已备份到：\n%1\n\n%2").replace("%1", path).replace("%2", info.describe()),
        )

    window._backup_job = run_with_progress(
        window,
        window.tr("备份"),
        window.tr("正在备份数据库和附件…"),
        lambda progress: backup.create_backup(path, progress=progress),
        done,
        lambda msg: error(window, window.tr("备份失败"), msg),
    )


def choose_restore(window) -> None:
    """Pick a backup, check it, confirm, then ask the controller to restore and restart."""
    require(window.user, Perm.SETTINGS_EDIT)
    folder = local_config.load().backup_folder()
    path = open_file(
        window,
        window.tr("恢复备份"),
        str(folder if folder.is_dir() else Path.home()),
        window.tr(BACKUP_FILTER),
    )
    if path is None:
        return
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        info = backup.verify(path)
    except backup.BackupError as exc:
        QGuiApplication.restoreOverrideCursor()
        error(window, window.tr("无法恢复"), str(exc))
        return
    QGuiApplication.restoreOverrideCursor()
    text = (
        window.tr(
            "将用下面的备份替换当前数据库：\n\n%1\n文件：%2\n\n"
            "当前数据库不会被删除，它会改名保留在原文件夹中。恢复后需要重新登录。\n\n确定要恢复吗？"
        )
        .replace("%1", info.describe())
        .replace("%2", str(info.path))
    )
    if info.warnings:
        text += "\n\n" + window.tr("注意：") + "；".join(info.warnings)
    if confirm(window, window.tr("恢复备份"), text, default_no=True):
        window.restore_requested.emit(str(info.path))


def open_backup_settings(window) -> None:
    from ui.admin.settings_dialog import SettingsDialog

    run_modal(SettingsDialog(window.user, window, page="backup"))


def open_settings(window) -> None:
    from ui.admin.settings_dialog import SettingsDialog

    run_modal(SettingsDialog(window.user, window))
