"""The settings dialog, driven through its widgets, and where each setting is stored."""

from __future__ import annotations

import json
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from models.core import audit_fields, local_config, settings
from models.core.entities import AuditLog, Setting
from models.core.local_config import LocalConfig
from models.core.permissions import PermissionDenied
from models.events import service as events_service
from reports.layout.fonts import find_cjk_font
from ui.admin.settings_dialog import SettingsDialog
from ui.main_window import MainWindow


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
    assert dialog.line_edit("issuing_unit").text() == settings.DEFAULTS["issuing_unit"]
    assert dialog.combo("date_style").currentData() == "arabic"
    assert dialog.check_box("mask_ids").isChecked()
    assert dialog.keep_daily.value() == 7 and dialog.keep_monthly.value() == 12
    assert dialog.auto_backup.isChecked() and dialog.backup_dir.text() == ""
    assert "报表将使用" in dialog.font_status.text()

    dialog.line_edit("issuing_unit").clear()
    dialog.line_edit("issuing_unit").insert("城关街道北关社区居民委员会")
    dialog.line_edit("street_office").clear()
    dialog.line_edit("street_office").insert("城关街道办事处（北）")
    dialog.combo("date_style").setCurrentIndex(dialog.combo("date_style").findData("chinese"))
    qtbot.mouseClick(dialog.check_box("mask_ids"), Qt.MouseButton.LeftButton)
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
    dialog.line_edit("font_path").setText(str(bad_font))
    assert "不是 TrueType" in dialog.font_status.text()
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.error.isVisibleTo(dialog) and dialog.tabs.currentIndex() == 0
    assert settings.get("font_path") == ""

    # An installed TrueType font is fine.
    dialog.line_edit("font_path").setText(str(find_cjk_font().path))
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
    local_config.save(
        admin, LocalConfig(backup_dir="/media/usb", keep_daily=3, keep_monthly=1, auto_backup=False)
    )
    dialog = SettingsDialog(admin)
    qtbot.addWidget(dialog)
    assert dialog.line_edit("issuing_unit").text() == "别的单位" and dialog.keep_daily.value() == 3
    assert not dialog.auto_backup.isChecked()
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.RestoreDefaults)
    assert dialog.line_edit("issuing_unit").text() == settings.DEFAULTS["issuing_unit"]
    assert dialog.combo("date_style").currentData() == "arabic"
    assert dialog.check_box("mask_ids").isChecked()
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
    local_config.config_path().write_text(
        json.dumps({"keep_daily": "7", "keep_monthly": 5000, "auto_backup": 1}), encoding="utf-8"
    )
    config = local_config.load()
    assert config.keep_daily == 7 and config.keep_monthly == 120 and config.auto_backup is True


# -- settings declared once (models.core.settings.SPECS) ------------------------------------------

CJK = re.compile("[\u4e00-\u9fff]")


def test_every_setting_is_declared_with_a_label_and_a_valid_default(db):
    keys = [spec.key for spec in settings.SPECS]
    assert len(keys) == len(set(keys)) and "brief_title" in keys
    for spec in settings.SPECS:
        assert CJK.search(spec.label), spec.key
        assert spec.kind in ("text", "bool", "choice", "path"), spec.key
        assert settings.validate(spec.key, spec.default) == spec.default, spec.key
        if spec.kind == "choice":
            assert spec.choices and all(CJK.search(label) for _, label in spec.choices)
        else:
            assert not spec.choices, spec.key
        # The audit log names a setting as the dialog does.
        assert audit_fields.field_label("setting", spec.key) == spec.label
    assert {spec.key: spec.default for spec in settings.SPECS} == settings.DEFAULTS
    assert settings.CHOICES == {"date_style": ("arabic", "chinese"), "mask_ids": ("0", "1")}
    assert settings.all_settings() == settings.DEFAULTS  # nothing stored yet: every default
    assert settings.get("brief_title") == "" and settings.get_bool("mask_ids") is True


def test_bool_and_choice_settings_take_only_their_values(admin):
    for bad in ("yes", "true", "", "2"):
        with pytest.raises(ValueError, match="默认遮盖身份证号"):
            settings.set_value(admin, "mask_ids", bad)
    with pytest.raises(ValueError, match="日期写法.*arabic"):
        settings.set_value(admin, "date_style", "roman")
    # A bad value anywhere stops the whole save: nothing stored, nothing audited.
    with pytest.raises(settings.SettingValueError) as caught:
        settings.set_many(admin, {"issuing_unit": "新的单位", "mask_ids": "on"})
    assert caught.value.key == "mask_ids"
    assert settings.get("issuing_unit") == settings.DEFAULTS["issuing_unit"]
    assert not AuditLog.select().where(AuditLog.table_name == "setting").exists()
    with pytest.raises(TypeError):
        settings.get_bool("issuing_unit")
    with pytest.raises(KeyError):
        settings.get("no_such_key")

    settings.set_value(admin, "mask_ids", "0")
    settings.set_value(admin, "date_style", "chinese")
    assert settings.get_bool("mask_ids") is False and settings.get("date_style") == "chinese"
    # Values stored before they were checked still read sensibly.
    for key, raw in (("mask_ids", "yes"), ("date_style", "roman")):  # past the service
        Setting.insert(key=key, value=raw).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: raw}
        ).execute()
    assert settings.get("mask_ids") == "1" and settings.get_bool("mask_ids")
    assert settings.get("date_style") == "arabic"


def test_text_settings_are_cleaned_and_length_checked(admin):
    settings.set_value(admin, "brief_title", " 南关\x00社区\u202e简报\t ")
    assert settings.get("brief_title") == "南关社区简报"
    with pytest.raises(ValueError, match="简报标题.*最多 30 个字"):
        settings.set_value(admin, "brief_title", "字" * 31)
    with pytest.raises(ValueError, match="请填写发文单位"):
        settings.set_many(admin, {"issuing_unit": " \u200f "})
    assert settings.get("brief_title") == "南关社区简报"
    assert settings.get("issuing_unit") == settings.DEFAULTS["issuing_unit"]


def test_the_dialog_has_one_field_per_spec_with_its_label(qtbot, admin):
    dialog = SettingsDialog(admin)
    qtbot.addWidget(dialog)
    form = dialog.tabs.widget(0).layout()
    assert isinstance(form, QFormLayout)
    rows = []
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        label = item.widget() if item is not None else None
        if isinstance(label, QLabel) and label.text():
            # The label's Alt+letter reaches the spec's own field.
            assert label.buddy() is dialog.fields[label.buddy().objectName()]
            rows.append((label.buddy().objectName(), re.sub(r"\(&.\)", "", label.text())))
    assert rows == [(spec.key, f"{spec.label}：") for spec in settings.SPECS]
    kinds = {"text": QLineEdit, "path": QLineEdit, "bool": QCheckBox, "choice": QComboBox}
    for spec in settings.SPECS:
        assert isinstance(dialog.fields[spec.key], kinds[spec.kind])


def test_brief_title_is_set_through_the_dialog_and_used_for_the_brief(qtbot, admin):
    assert events_service.brief_title() == "南关社区工作简报"  # derived from the issuing unit
    dialog = SettingsDialog(admin)
    qtbot.addWidget(dialog)
    title = dialog.line_edit("brief_title")
    assert title.text() == "" and "南关社区工作简报" in title.placeholderText()
    title.insert("南关社区“邻里节”活动简报")
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)

    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert settings.get("brief_title") == "南关社区“邻里节”活动简报"
    assert events_service.brief_title() == "南关社区“邻里节”活动简报"
    rows = list(AuditLog.select().where(AuditLog.table_name == "setting"))
    assert [(row.record_id, json.loads(row.before), json.loads(row.after)) for row in rows] == [
        ("brief_title", {"brief_title": ""}, {"brief_title": "南关社区“邻里节”活动简报"})
    ]

    # Emptied again, the title is derived again (and from a new issuing unit).
    dialog = SettingsDialog(admin)
    qtbot.addWidget(dialog)
    assert dialog.line_edit("brief_title").text() == "南关社区“邻里节”活动简报"
    dialog.line_edit("brief_title").clear()
    dialog.line_edit("issuing_unit").setText("城关街道北关社区居民委员会")
    assert "北关社区工作简报" in dialog.line_edit("brief_title").placeholderText()
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert settings.get("brief_title") == ""
    assert events_service.brief_title() == "北关社区工作简报"


def test_a_changed_setting_is_audited_once_and_an_unchanged_save_not_at_all(qtbot, admin):
    dialog = SettingsDialog(admin)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.check_box("mask_ids"), Qt.MouseButton.LeftButton)
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    rows = list(AuditLog.select().where(AuditLog.table_name == "setting"))
    assert [
        (row.record_id, row.action, json.loads(row.before), json.loads(row.after)) for row in rows
    ] == [("mask_ids", "update", {"mask_ids": "1"}, {"mask_ids": "0"})]
    assert settings.get_bool("mask_ids") is False

    dialog = SettingsDialog(admin)
    qtbot.addWidget(dialog)
    assert not dialog.check_box("mask_ids").isChecked()
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert (
        settings.set_many(admin, {"mask_ids": "0", "issuing_unit": " 城关街道南关社区居民委员会"})
        == []
    )
    assert AuditLog.select().where(AuditLog.table_name == "setting").count() == 1


def test_a_value_the_service_refuses_is_shown_on_its_field(qtbot, admin):
    dialog = SettingsDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.line_edit("issuing_unit").clear()
    dialog.tabs.setCurrentIndex(1)
    _click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert dialog.error.text() == "请填写发文单位。" and dialog.tabs.currentIndex() == 0
    assert dialog.focusWidget() is dialog.line_edit("issuing_unit")
    assert settings.get("issuing_unit") == settings.DEFAULTS["issuing_unit"]
    assert not local_config.config_path().exists()  # the local file waits for valid settings
