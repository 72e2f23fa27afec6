"""One dialog for the program's settings (administrators only).

Office-wide settings (issuing unit, date style, ID masking, report font) are saved in the
database through models.settings; this computer's settings (backup folder and retention)
in the local settings file through models.local_config.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models import backup, clock, local_config, settings
from models.db import database_path
from models.local_config import LocalConfig, default_backup_dir
from models.permissions import Perm, require
from reports.fonts import FontNotFound, find_cjk_font
from reports.official import format_date

PAGES = {"general": 0, "backup": 1, "database": 2}


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return box


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label


class SettingsDialog(QDialog):
    def __init__(self, user, parent: QWidget | None = None, page: str = "general") -> None:
        super().__init__(parent)
        require(user, Perm.SETTINGS_EDIT)
        self.user = user
        self.setWindowTitle(self.tr("设置"))
        self.setMinimumWidth(620)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_page(), self.tr("单位与报表"))
        self.tabs.addTab(self._backup_page(), self.tr("备份"))
        self.tabs.addTab(self._database_page(), self.tr("数据库"))
        self.tabs.setCurrentIndex(PAGES.get(page, 0))
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self.restore_defaults
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.load(settings.all_settings(), local_config.load())

    # -- pages ------------------------------------------------------------------------------
    def _general_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.issuing_unit = QLineEdit()
        self.issuing_unit.setObjectName("issuing_unit")
        self.street_office = QLineEdit()
        self.street_office.setObjectName("street_office")
        self.date_style = QComboBox()
        self.date_style.setObjectName("date_style")
        today = clock.today()
        self.date_style.addItem(
            self.tr("%1（阿拉伯数字，公文格式）").replace("%1", format_date(today)), "arabic")
        self.date_style.addItem(
            self.tr("%1（汉字数字）").replace("%1", format_date(today, "chinese")), "chinese")
        self.mask_ids = QCheckBox(self.tr("名单和打印件中隐藏身份证号码中间位（如 6106**********1234）"))
        self.mask_ids.setObjectName("mask_ids")
        self.font_path = QLineEdit()
        self.font_path.setObjectName("font_path")
        self.font_path.setPlaceholderText(self.tr("自动（系统中的仿宋、宋体或文泉驿字体）"))
        self.font_path.textChanged.connect(self._check_font)
        font_button = QPushButton(self.tr("选择字体文件(&F)…"))
        font_button.clicked.connect(self._choose_font)
        self.font_status = _hint("")
        self.font_status.setObjectName("font_status")
        form.addRow(self.tr("发文单位(&U)："), self.issuing_unit)
        form.addRow(self.tr("街道办事处(&S)："), self.street_office)
        form.addRow(self.tr("日期写法(&D)："), self.date_style)
        form.addRow("", self.mask_ids)
        form.addRow(self.tr("报表字体："), _row(self.font_path, font_button))
        form.addRow("", self.font_status)
        form.addRow("", _hint(self.tr("发文单位印在报表、证明和简报上；这些设置保存在数据库中，"
                                      "所有电脑共用。报表字体须为 TrueType 字体（.ttf/.ttc）。")))
        return page

    def _backup_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.backup_dir = QLineEdit()
        self.backup_dir.setObjectName("backup_dir")
        self.backup_dir.setPlaceholderText(str(default_backup_dir()))
        browse = QPushButton(self.tr("浏览(&B)…"))
        browse.clicked.connect(self._choose_backup_dir)
        self.auto_backup = QCheckBox(self.tr("自动备份：每天一次，以及关闭程序时"))
        self.auto_backup.setObjectName("auto_backup")
        self.keep_daily = QSpinBox()
        self.keep_daily.setObjectName("keep_daily")
        self.keep_daily.setRange(1, 366)
        self.keep_daily.setSuffix(self.tr(" 天"))
        self.keep_monthly = QSpinBox()
        self.keep_monthly.setObjectName("keep_monthly")
        self.keep_monthly.setRange(0, 120)
        self.keep_monthly.setSuffix(self.tr(" 个月"))
        self.last_backup = _hint("")
        self.last_backup.setObjectName("last_backup")
        form.addRow(self.tr("备份文件夹(&F)："), _row(self.backup_dir, browse))
        form.addRow("", self.auto_backup)
        form.addRow(self.tr("保留每日备份："), self.keep_daily)
        form.addRow(self.tr("保留每月备份："), self.keep_monthly)
        form.addRow(self.tr("最近一次备份："), self.last_backup)
        form.addRow("", _hint(self.tr(
            "每个备份是一个 .zip 文件，包含数据库、照片和附件。建议把备份文件夹设在U盘或另一台电脑的"
            "共享文件夹上：与数据库在同一块硬盘上的备份防不了硬盘损坏。U盘未插入时程序会改为备份到"
            "默认文件夹，并提示您。备份文件夹是本电脑的设置。")))
        return page

    def _database_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        path = database_path()
        self.db_location = QLineEdit(str(path or ""))
        self.db_location.setObjectName("db_location")
        self.db_location.setReadOnly(True)
        open_folder = QPushButton(self.tr("打开所在文件夹(&O)"))
        open_folder.clicked.connect(self._open_db_folder)
        form.addRow(self.tr("数据库文件："), _row(self.db_location, open_folder))
        form.addRow("", _hint(self.tr(
            "如何移动数据库：先“备份 → 立即备份”，关闭本程序，把数据库文件和旁边同名的“-files”"
            "附件文件夹一起移到新位置，再启动程序，用“文件 → 打开数据库”打开新位置的文件；"
            "程序会记住它。数据库必须放在本机硬盘上，不能放在网络共享文件夹中。\n"
            "也可以在新电脑上用“备份 → 恢复备份”从备份文件恢复。")))
        return page

    # -- values -----------------------------------------------------------------------------
    def load(self, values: dict[str, str], config: LocalConfig) -> None:
        self.issuing_unit.setText(values.get("issuing_unit", ""))
        self.street_office.setText(values.get("street_office", ""))
        index = self.date_style.findData(values.get("date_style", "arabic"))
        self.date_style.setCurrentIndex(max(index, 0))
        self.mask_ids.setChecked(values.get("mask_ids", "1") in ("1", "true", "yes"))
        self.font_path.setText(values.get("font_path", ""))
        self._check_font()
        self.backup_dir.setText(config.backup_dir)
        self.auto_backup.setChecked(config.auto_backup)
        self.keep_daily.setValue(config.keep_daily)
        self.keep_monthly.setValue(config.keep_monthly)
        self._config = config
        self._show_last_backup(config)

    def restore_defaults(self) -> None:
        """Fill in every default; nothing is saved until OK."""
        defaults = LocalConfig(last_database=self._config.last_database,
                               pdf_folders=self._config.pdf_folders)
        self.load(dict(settings.DEFAULTS), defaults)

    def _show_last_backup(self, config: LocalConfig) -> None:
        path = database_path()
        found = sorted(
            (item for folder in backup.backup_folders(config)
             for item in backup.list_backups(folder, path.stem if path else None)[:1]),
            reverse=True,
        )
        if found:
            when, file = found[0]
            self.last_backup.setText(f"{when:%Y-%m-%d %H:%M}  {file}")
        else:
            self.last_backup.setText(self.tr("还没有备份"))

    def _check_font(self) -> bool:
        text = self.font_path.text().strip()
        try:
            font = find_cjk_font(text or None)
        except FontNotFound as exc:
            self.font_status.setText(str(exc))
            self.font_status.setStyleSheet("color: #b00020;")
            return False
        self.font_status.setStyleSheet("color: #555;")
        self.font_status.setText(self.tr("报表将使用：%1（%2）")
                                 .replace("%1", font.label or font.path.stem)
                                 .replace("%2", str(font.path)))
        return True

    def _choose_font(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择报表字体"), self.font_path.text() or "",
            self.tr("TrueType 字体 (*.ttf *.ttc);;所有文件 (*)"),
        )
        if path:
            self.font_path.setText(path)

    def _choose_backup_dir(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, self.tr("选择备份文件夹"), self.backup_dir.text() or str(default_backup_dir())
        )
        if path:
            self.backup_dir.setText(path)

    def _open_db_folder(self) -> None:
        path = database_path()
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    def _show_error(self, message: str, page: str) -> None:
        self.tabs.setCurrentIndex(PAGES[page])
        self.error.setText(message)
        self.error.show()

    def _backup_dir_problem(self, folder: Path) -> str | None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            return self.tr("备份文件夹“%1”无法写入：%2").replace("%1", str(folder)).replace(
                "%2", exc.strerror or str(exc))
        return None

    def save(self) -> None:
        if not self._check_font():
            self._show_error(self.font_status.text(), "general")
            return
        if not self.issuing_unit.text().strip():
            self._show_error(self.tr("请填写发文单位。"), "general")
            return
        folder_text = self.backup_dir.text().strip()
        config = LocalConfig(
            backup_dir="" if folder_text in ("", str(default_backup_dir())) else folder_text,
            auto_backup=self.auto_backup.isChecked(),
            keep_daily=self.keep_daily.value(),
            keep_monthly=self.keep_monthly.value(),
            last_database=self._config.last_database,
            pdf_folders=self._config.pdf_folders,  # where each kind of printout was saved
        )
        problem = self._backup_dir_problem(config.backup_folder())
        if problem:
            self._show_error(problem, "backup")
            return
        values = {
            "issuing_unit": self.issuing_unit.text().strip(),
            "street_office": self.street_office.text().strip(),
            "date_style": self.date_style.currentData(),
            "mask_ids": "1" if self.mask_ids.isChecked() else "0",
            "font_path": self.font_path.text().strip(),
        }
        try:
            settings.set_many(self.user, values)
            local_config.save(self.user, config)
        except (ValueError, PermissionError, OSError) as exc:
            self._show_error(str(exc), "general")
            return
        self.accept()
