"""The 备份 menu and the automatic backups, driven through the window and the controller."""

from __future__ import annotations

import datetime as dt

import pytest

import ui.app
from models.core import backup, clock, files, local_config
from models.core.db import database_path
from models.core.entities import AuditLog, Household, User
from models.core.local_config import LocalConfig
from ui.admin.backup_actions import BackupScheduler
from ui.app import AppController
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NDESK_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("NDESK_CONFIG_DIR", str(tmp_path / "user-config"))


@pytest.fixture
def messages(dialogs):
    dialogs.allow("inform", "warn", "error")
    return {
        "information": dialogs.said("inform"),
        "warning": dialogs.said("warn"),
        "critical": dialogs.said("error"),
    }


@pytest.fixture
def controller(qapp, monkeypatch):
    monkeypatch.setattr(ui.app, "sign_in", lambda parent=None: User.get(User.username == "admin"))
    ctl = AppController(qapp)
    yield ctl
    ctl._end_session()


def _backups(stem="desk"):
    return backup.list_backups(local_config.default_backup_dir(), stem)


def test_backup_now_from_the_menu(qtbot, messages, admin, demo_small, tmp_path):
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8 photo")
    files.store(photo, "events")
    window = MainWindow(admin)
    qtbot.addWidget(window)
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: bool(messages["information"] or messages["critical"]), timeout=30000)
    assert not messages["critical"]
    made = _backups()
    assert len(made) == 1 and str(made[0][1]) in messages["information"][0]
    info = backup.verify(made[0][1])
    assert info.counts["households"] == 80 and info.files == _attachments()


def test_backup_to_a_chosen_file(qtbot, dialogs, messages, admin, demo_small, tmp_path):
    target = tmp_path / "U盘" / "社区备份"
    dialogs.answer("save_file", target)
    window = MainWindow(admin)
    qtbot.addWidget(window)
    window.backup_file_action.trigger()
    qtbot.waitUntil(lambda: bool(messages["information"] or messages["critical"]), timeout=30000)
    assert backup.verify(target.with_suffix(".zip")).counts["households"] == 80


def test_restore_from_the_window_restarts_the_session(
    qtbot, dialogs, messages, controller, admin, demo_small
):
    db_file = database_path()
    assert controller.start(db_file)
    first_window = controller.window
    saved = backup.create_backup(db_file.parent / "saved.zip")
    Household.update(archived=True).where(Household.id <= 30).execute()  # work after the backup
    dialogs.answer("open_file", saved.path)
    dialogs.answer("confirm", True)
    asked = dialogs.said("confirm")
    first_window.restore_action.trigger()

    assert "80 户" in asked[0] and "不会被删除" in asked[0]
    assert controller.window is not None and controller.window is not first_window
    assert Household.select().where(Household.archived == False).count() == 80  # noqa: E712
    assert "已恢复" in messages["information"][0] and "重新登录" in messages["information"][0]
    aside = next(db_file.parent.glob("desk.sqlite3.before-restore-*"))
    assert aside.is_file()
    restore_row = AuditLog.get(AuditLog.action == "restore")
    assert restore_row.username == "admin" and "saved.zip" in restore_row.after
    assert controller.lock is not None and controller.lock.held


def test_declined_restore_changes_nothing(qtbot, dialogs, messages, admin, demo_small):
    saved = backup.create_backup(database_path().parent / "saved.zip")
    dialogs.answer("open_file", saved.path)
    dialogs.answer("confirm", False)
    window = MainWindow(admin)
    qtbot.addWidget(window)
    with qtbot.assertNotEmitted(window.restore_requested):
        window.restore_action.trigger()
    broken = saved.path.with_name("broken.zip")
    broken.write_bytes(saved.path.read_bytes()[:3000])
    dialogs.answer("open_file", broken)
    with qtbot.assertNotEmitted(window.restore_requested):
        window.restore_action.trigger()
    assert "已损坏" in messages["critical"][0]


def test_daily_backup_runs_once_a_day(qtbot, messages, admin, demo_small):
    window = MainWindow(admin)
    qtbot.addWidget(window)
    scheduler = BackupScheduler(first_check_ms=10**8)
    scheduler.attach(window)
    with qtbot.waitSignal(scheduler.message, timeout=30000) as signal:
        scheduler.check()
    assert "已自动备份" in signal.args[0] and len(_backups()) == 1
    first = _backups()
    assert not backup.due(local_config.load(), "desk")
    scheduler.check()  # already backed up today
    qtbot.waitUntil(lambda: scheduler._job is None, timeout=30000)
    assert _backups() == first  # a second one would have replaced it (newest of the day)
    assert backup.due(local_config.load(), "desk", clock.now() + dt.timedelta(days=1))
    scheduler.detach()


def test_closing_the_window_backs_up_and_a_restart_does_not(
    qtbot, messages, controller, admin, demo_small
):
    db_file = database_path()
    assert controller.start(db_file)
    controller._restart(db_file, None)  # e.g. 切换用户: no backup
    assert _backups() == []
    controller.window.close()
    assert len(_backups()) == 1 and not messages["warning"]


def test_automatic_backups_can_be_switched_off(qtbot, messages, controller, admin, demo_small):
    local_config.save(admin, LocalConfig(auto_backup=False))
    assert controller.start(database_path())
    controller.scheduler.check()
    controller.window.close()
    assert _backups() == []


def _attachments() -> int:
    """Files in the attachments folder: the demo's event and facility photos plus the test's."""
    from models.core import files as attachment_files

    return sum(1 for p in attachment_files.attachments_dir().rglob("*") if p.is_file())
