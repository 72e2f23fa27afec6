"""Start-up checks in the window: a damaged database file, and the way back from a backup.

The damaged file is never changed or deleted: restoring renames it aside (models.core.backup).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core import backup, clock, dbcheck, local_config
from models.core.backup import BackupInfo
from ui.admin.backup_actions import BACKUP_FILTER
from ui.common.dialogs import error, inform, open_file, run_modal

# recover()'s answer when the clerk chose to start afresh over an empty (0-byte) file.
START_NEW = "start-new"


class RecoveryDialog(QDialog):
    """Say plainly that the file is damaged and offer the newest good backup."""

    def __init__(
        self,
        db_path: Path,
        problem: str,
        candidate: BackupInfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.chosen: BackupInfo | None = candidate
        self.start_new = False
        self.setWindowTitle(self.tr("数据库文件无法打开"))
        self.setMinimumWidth(560)
        intro = QLabel(
            self.tr(
                "数据库文件“%1”不能打开：\n%2\n\n"
                "程序没有修改这个文件。恢复备份时它会改名保留在原文件夹中，供技术人员检查。"
            )
            .replace("%1", str(db_path))
            .replace("%2", problem)
        )
        intro.setWordWrap(True)
        self.offer = QLabel()
        self.offer.setObjectName("offer")
        self.offer.setWordWrap(True)
        if candidate is not None:
            self.offer.setText(
                self.tr("最新的完好备份：\n%1\n文件：%2")
                .replace("%1", candidate.describe())
                .replace("%2", str(candidate.path))
            )
        else:
            self.offer.setText(
                self.tr("备份文件夹中没有找到可用的备份。可以选择其他备份文件，例如U盘上的备份。")
            )
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox()
        self.restore_button = QPushButton(self.tr("从此备份恢复(&R)"))
        self.restore_button.setEnabled(candidate is not None)
        self.restore_button.setDefault(candidate is not None)
        self.choose_button = QPushButton(self.tr("选择其他备份文件(&O)…"))
        self.quit_button = QPushButton(self.tr("不恢复(&Q)"))
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.choose_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        # An empty file holds nothing to lose: with no backup at hand the clerk may start a
        # new database instead (the empty file is kept aside under another name).
        self.new_button = QPushButton(self.tr("作为新数据库使用(&N)"))
        self.new_button.setVisible(dbcheck.is_empty_file(db_path))
        buttons.addButton(self.new_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.new_button.clicked.connect(self._start_new)
        self.restore_button.clicked.connect(self.accept)
        self.choose_button.clicked.connect(self.choose)
        self.quit_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.offer)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _start_new(self) -> None:
        self.start_new = True
        self.chosen = None
        self.accept()

    def choose(self) -> None:
        folder = local_config.load().backup_folder()
        path = open_file(
            self,
            self.tr("选择备份文件"),
            str(folder if folder.is_dir() else Path.home()),
            self.tr(BACKUP_FILTER),
        )
        if path is None:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.chosen = backup.verify(path)
        except backup.BackupError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()


def recover(
    db_path: Path, problem: str, parent: QWidget | None = None
) -> backup.RestoreResult | str | None:
    """Offer the way back for a damaged database; the result if a backup was restored,
    START_NEW if an empty file was set aside for a new database, None if declined."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        config = local_config.load()
        candidate = backup.newest_good(backup.backup_folders(config), db_path.stem)
    finally:
        QGuiApplication.restoreOverrideCursor()
    dialog = RecoveryDialog(db_path, problem, candidate, parent)
    accepted = run_modal(dialog) == QDialog.DialogCode.Accepted
    if accepted and dialog.start_new and dbcheck.is_empty_file(db_path):
        aside = db_path.with_name(f"{db_path.name}.empty-{clock.now().strftime(backup.STAMP)}")
        try:
            db_path.replace(aside)  # kept, never deleted: the program deletes nothing
        except OSError as exc:
            error(parent, dialog.tr("无法新建数据库"), str(exc))
            return None
        return START_NEW
    if not accepted or dialog.chosen is None:
        return None
    try:
        result = backup.restore(dialog.chosen.path, db_path)
    except backup.BackupError as exc:
        error(parent, dialog.tr("恢复失败"), str(exc))
        return None
    inform(parent, dialog.tr("已恢复"), result.describe())
    return result
