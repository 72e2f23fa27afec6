"""One dialog for the program's settings (administrators only).

Office-wide settings (issuing unit, brief title, date style, ID masking, report font) are saved
in the database through models.core.settings, their fields built from its SPECS; this computer's
settings (backup folder and retention) in the local settings file through models.core.local_config.
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

from models.core import backup, local_config, settings
from models.core.db import database_path
from models.core.local_config import LocalConfig, default_backup_dir
from models.core.permissions import Perm, require
from models.events import service as events_service
from reports.layout.fonts import FontNotFound, find_cjk_font
from ui.common.dialogs import choose_dir, open_file

PAGES = {"general": 0, "backup": 1, "database": 2}


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return box


def _column(*widgets: QWidget) -> QWidget:
    """A field with its hints right under it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
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
        """The database settings, one field per spec in models.core.settings.SPECS."""
        page = QWidget()
        form = QFormLayout(page)
        self.fields: dict[str, QWidget] = {}
        for spec in settings.SPECS:
            widget = self._field(spec)
            label = f"{spec.label}(&{spec.mnemonic})：" if spec.mnemonic else f"{spec.label}："
            shown: list[QWidget] = [widget]
            if spec.kind == "path":
                choose = QPushButton(self.tr("选择文件(&F)…"))
                choose.clicked.connect(lambda _=False, s=spec: self._choose_file(s))
                shown = [_row(widget, choose)]
            if spec.help and spec.kind != "bool":  # a check box already says it
                shown.append(_hint(spec.help))
            if spec.key == "font_path":  # whether reportlab can embed it, as it is typed
                self.font_status = _hint("")
                self.font_status.setObjectName("font_status")
                shown.append(self.font_status)
            row_label = QLabel(label)
            row_label.setBuddy(widget)  # Alt+letter reaches the field, not its hint
            form.addRow(row_label, shown[0] if len(shown) == 1 else _column(*shown))
        self.line_edit("font_path").textChanged.connect(self._check_font)
        self.line_edit("issuing_unit").textChanged.connect(self._show_derived_title)
        form.addRow("", _hint(self.tr("这些设置保存在数据库中，所有电脑共用。")))
        return page

    def _field(self, spec: settings.SettingSpec) -> QWidget:
        widget: QWidget
        if spec.kind == "bool":
            widget = QCheckBox(spec.help)
        elif spec.kind == "choice":
            combo = QComboBox()
            for value, label in spec.choices:
                combo.addItem(label, value)
            widget = combo
        else:
            edit = QLineEdit()
            edit.setMaxLength(spec.max_length)
            edit.setPlaceholderText(spec.placeholder)
            widget = edit
        widget.setObjectName(spec.key)
        self.fields[spec.key] = widget
        return widget

    def line_edit(self, key: str) -> QLineEdit:
        widget = self.fields[key]
        assert isinstance(widget, QLineEdit)
        return widget

    def combo(self, key: str) -> QComboBox:
        widget = self.fields[key]
        assert isinstance(widget, QComboBox)
        return widget

    def check_box(self, key: str) -> QCheckBox:
        widget = self.fields[key]
        assert isinstance(widget, QCheckBox)
        return widget

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
        form.addRow(
            "",
            _hint(
                self.tr(
                    "每个备份是一个 .zip 文件，包含数据库、照片和附件。"
                    "建议把备份文件夹设在U盘或另一台电脑的共享文件夹上："
                    "与数据库在同一块硬盘上的备份防不了硬盘损坏。"
                    "U盘未插入时程序会改为备份到默认文件夹，并提示您。备份文件夹是本电脑的设置。"
                )
            ),
        )
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
        form.addRow(
            "",
            _hint(
                self.tr(
                    "如何移动数据库：先“备份 → 立即备份”，关闭本程序，"
                    "把数据库文件和旁边同名的“-files”附件文件夹一起移到新位置，再启动程序，"
                    "用“文件 → 打开数据库”打开新位置的文件；程序会记住它。"
                    "数据库必须放在本机硬盘上，不能放在网络共享文件夹中。\n"
                    "也可以在新电脑上用“备份 → 恢复备份”从备份文件恢复。"
                )
            ),
        )
        return page

    # -- values -----------------------------------------------------------------------------
    def load(self, values: dict[str, str], config: LocalConfig) -> None:
        for spec in settings.SPECS:
            value = values.get(spec.key, spec.default)
            if spec.kind == "bool":
                self.check_box(spec.key).setChecked(value == "1")
            elif spec.kind == "choice":
                combo = self.combo(spec.key)
                index = combo.findData(value)
                combo.setCurrentIndex(index if index >= 0 else combo.findData(spec.default))
            else:
                self.line_edit(spec.key).setText(value)
        self._check_font()
        self._show_derived_title()
        self.backup_dir.setText(config.backup_dir)
        self.auto_backup.setChecked(config.auto_backup)
        self.keep_daily.setValue(config.keep_daily)
        self.keep_monthly.setValue(config.keep_monthly)
        self._config = config
        self._show_last_backup(config)

    def restore_defaults(self) -> None:
        """Fill in every default; nothing is saved until OK."""
        defaults = LocalConfig(
            last_database=self._config.last_database, pdf_folders=self._config.pdf_folders
        )
        self.load(dict(settings.DEFAULTS), defaults)

    def _show_last_backup(self, config: LocalConfig) -> None:
        path = database_path()
        found = sorted(
            (
                item
                for folder in backup.backup_folders(config)
                for item in backup.list_backups(folder, path.stem if path else None)[:1]
            ),
            reverse=True,
        )
        if found:
            when, file = found[0]
            self.last_backup.setText(f"{when:%Y-%m-%d %H:%M}  {file}")
        else:
            self.last_backup.setText(self.tr("还没有备份"))

    def _values(self) -> dict[str, str]:
        """What the fields hold, as settings store it (models.core.settings cleans the text)."""
        values = {}
        for spec in settings.SPECS:
            if spec.kind == "bool":
                values[spec.key] = "1" if self.check_box(spec.key).isChecked() else "0"
            elif spec.kind == "choice":
                values[spec.key] = self.combo(spec.key).currentData()
            else:
                values[spec.key] = self.line_edit(spec.key).text()
        return values

    def _show_derived_title(self) -> None:
        """An empty brief title means the one derived from the issuing unit: show which."""
        derived = events_service.brief_title(issuing_unit=self.line_edit("issuing_unit").text())
        self.line_edit("brief_title").setPlaceholderText(self.tr("自动：%1").replace("%1", derived))

    def _check_font(self) -> bool:
        text = self.line_edit("font_path").text().strip()
        try:
            font = find_cjk_font(text or None)
        except FontNotFound as exc:
            self.font_status.setText(str(exc))
            self.font_status.setStyleSheet("color: #b00020;")
            return False
        self.font_status.setStyleSheet("color: #555;")
        self.font_status.setText(
            self.tr("报表将使用：%1（%2）")
            .replace("%1", font.label or font.path.stem)
            .replace("%2", str(font.path))
        )
        return True

    def _choose_file(self, spec: settings.SettingSpec) -> None:
        edit = self.line_edit(spec.key)
        path = open_file(
            self, self.tr("选择%1").replace("%1", spec.label), edit.text() or "", spec.file_filter
        )
        if path is not None:
            edit.setText(str(path))

    def _choose_backup_dir(self) -> None:
        path = choose_dir(
            self, self.tr("选择备份文件夹"), self.backup_dir.text() or str(default_backup_dir())
        )
        if path is not None:
            self.backup_dir.setText(str(path))

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
            return (
                self.tr("备份文件夹“%1”无法写入：%2")
                .replace("%1", str(folder))
                .replace("%2", exc.strerror or str(exc))
            )
        return None

    def save(self) -> None:
        if not self._check_font():
            self._show_error(self.font_status.text(), "general")
            return
        values = self._values()
        try:
            settings.check_many(values)  # before anything is saved, here or in the local file
        except settings.SettingValueError as exc:
            self._show_error(str(exc), "general")
            if exc.key in self.fields:
                self.fields[exc.key].setFocus()
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
        try:
            settings.set_many(self.user, values)
            local_config.save(self.user, config)
        except (ValueError, PermissionError, OSError) as exc:
            self._show_error(str(exc), "general")
            return
        self.accept()
