"""The settings dialog, driven through its widgets, and where each setting is stored."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from models import local_config, settings
from models.entities import AuditLog
from models.local_config import LocalConfig
from models.permissions import PermissionDenied
from reports.fonts import find_cjk_font
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NDESK_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("NDESK_CONFIG_DIR", str(tmp_path / "user-config"))


def _click(qtbot, dialog, which):
    qtbot.mouseClick(dialog.buttons.button(which), Qt.MouseButton.LeftButton)


def test_admin_changes_settings_through_the_dialog(qtbot, tmp_path, admin):
    dialog = SettingsDialog(admin)
    qtbot.addWidget(dialog)
    # Every field starts at its default.
    assert dialog.issuing_unit.text() == settings.DEFAULTS["issuing_unit"]
    assert dialog.date_style.currentData() == "arabic" and dialog.mask_ids.isChecked()
    assert dialog.keep_daily.value() == 7 and dialog.keep_monthly.value() == 12
    assert dialog.auto_backup.isChecked() and dialog.backup_dir.text() == ""
    assert "报表将使用" in dialog.font_status.text()

    dialog.issuing_unit.clear()
    dialog.issuing_unit.insert("城关街道北关社区居民委员会")
    dialog.street_office.clear()
    dialog.street_office.insert("城关街道办事处（北）")
    dialog.date_style.setCurrentIndex(dialog.date_style.findData("chinese"))
    qtbot.mouseClick(dialog.mask_ids, Qt.MouseButton.LeftButton)
    usb = tmp_path / "usb" / "备份"
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.backup_dir, str(tmp_path / "usb"))
    dialog.backup_dir.insert("/备份")
    dialog.keep_daily.setValue(14)
    dialog.keep_monthly.setValue(24)
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)

    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert settings.get("issuing_unit") == "城关街道北关社区居民委员会"
    assert settings.get("street_office") == "城关街道办事处（北）"
    assert settings.get("date_style") == "chinese" and settings.get("mask_ids") == "0"
    audited = {row.record_id for row in AuditLog.select().where(AuditLog.table_name == "setting")}
    assert audited == {"issuing_unit", "street_office", "date_style", "mask_ids"}
    config = local_config.load()
    assert config.backup_folder() == usb and usb.is_dir()
    assert (config.keep_daily, config.keep_monthly) == (14, 24)
    stored = json.loads(local_config.config_path().read_text(encoding="utf-8"))
    assert stored["backup_dir"] == str(usb)


def test_bad_values_are_refused_in_the_dialog(qtbot, tmp_path, admin):
    dialog = SettingsDialog(admin)
    qtbot.addWidget(dialog)
    bad_font = tmp_path / "font.otf"
    bad_font.write_bytes(b"OTTO" + b"\0" * 100)  # a CFF font reportlab cannot embed
    dialog.font_path.setText(str(bad_font))
    assert "不是 TrueType" in dialog.font_status.text()
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.error.isVisibleTo(dialog) and dialog.tabs.currentIndex() == 0
    assert settings.get("font_path") == ""

    dialog.font_path.setText(str(find_cjk_font().path))  # an installed TrueType font is fine
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    dialog.backup_dir.setText(str(blocker / "backups"))
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert "无法写入" in dialog.error.text() and dialog.tabs.currentIndex() == 1
    assert not local_config.config_path().exists()

    dialog.backup_dir.clear()
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert settings.get("font_path") == str(find_cjk_font().path)


def test_restore_defaults_fills_every_default(qtbot, admin):
    settings.set_many(admin, {"issuing_unit": "别的单位", "date_style": "chinese", "mask_ids": "0"})
    local_config.save(admin, LocalConfig(backup_dir="/media/usb", keep_daily=3, keep_monthly=1,
                                         auto_backup=False))
    dialog = SettingsDialog(admin)
    qtbot.addWidget(dialog)
    assert dialog.issuing_unit.text() == "别的单位" and dialog.keep_daily.value() == 3
    assert not dialog.auto_backup.isChecked()
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.RestoreDefaults)
    assert dialog.issuing_unit.text() == settings.DEFAULTS["issuing_unit"]
    assert dialog.date_style.currentData() == "arabic" and dialog.mask_ids.isChecked()
    assert dialog.backup_dir.text() == "" and dialog.keep_daily.value() == 7
    assert dialog.auto_backup.isChecked()
    assert settings.get("issuing_unit") == "别的单位"  # nothing saved before OK


def test_only_administrators_change_settings(qtbot, clerk):
    with pytest.raises(PermissionDenied):
        SettingsDialog(clerk)
    with pytest.raises(PermissionDenied):
        settings.set_many(clerk, {"issuing_unit": "x"})
    with pytest.raises(PermissionDenied):
        local_config.save(clerk, LocalConfig())
    window = MainWindow(clerk)
    qtbot.addWidget(window)
    assert not window.settings_action.isEnabled()
    assert not window.restore_action.isEnabled() and not window.backup_settings_action.isEnabled()
    assert window.backup_action.isEnabled()  # every clerk may make a backup


def test_settings_values_are_checked_in_the_service(admin):
    with pytest.raises(ValueError):
        settings.set_many(admin, {"date_style": "roman"})
    with pytest.raises(ValueError):
        settings.set_many(admin, {"no_such_key": "1"})
    with pytest.raises(ValueError):
        local_config.save(admin, LocalConfig(keep_daily=0))


def test_a_damaged_settings_file_gives_the_defaults(tmp_path):
    local_config.config_path().write_text("{not json", encoding="utf-8")
    assert local_config.load() == LocalConfig()
    local_config.config_path().write_text(json.dumps({"keep_daily": "7", "keep_monthly": 5000,
                                                      "auto_backup": 1}), encoding="utf-8")
    config = local_config.load()
    assert config.keep_daily == 7 and config.keep_monthly == 120 and config.auto_backup is True
