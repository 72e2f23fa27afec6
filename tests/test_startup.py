"""Start-up checks: a damaged file and the way back, one window per database, self-test."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import ui.app
from models.core import backup, dbcheck, local_config
from models.core.db import close_database, database, database_path
from models.core.db_lock import DatabaseInUse, DatabaseLock, lock_path
from models.core.entities import AuditLog, Household, User
from ui.app import AppController
from ui.startup import RecoveryDialog

ROOT = Path(__file__).resolve().parent.parent

HOLD_LOCK = """
import sys, time
sys.path.insert(0, sys.argv[2])
from models.core.db_lock import DatabaseLock
lock = DatabaseLock(sys.argv[1]).acquire()  # kept: the lock lives as long as the process
print("locked", flush=True)
time.sleep(600)
"""


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NDESK_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("NDESK_CONFIG_DIR", str(tmp_path / "user-config"))


@pytest.fixture
def controller(qapp, monkeypatch):
    """The application controller with sign-in answered by the administrator."""
    monkeypatch.setattr(ui.app, "sign_in", lambda parent=None: User.get(User.username == "admin"))
    ctl = AppController(qapp)
    yield ctl
    ctl._end_session()


@pytest.fixture
def messages(dialogs):
    """Message boxes recorded by kind; a question is answered 否."""
    dialogs.allow("inform", "warn", "error")
    dialogs.always("confirm", False)
    return {
        "information": dialogs.said("inform"),
        "warning": dialogs.said("warn"),
        "critical": dialogs.said("error"),
        "question": dialogs.said("confirm"),
    }


def corrupt(path: Path) -> None:
    """Overwrite three pages in the middle with garbage, as a failing disk would."""
    with path.open("r+b") as fh:
        fh.seek(10 * 4096)
        fh.write(b"\xa5" * 3 * 4096)


def _answer_recovery(dialogs, button: str, seen: dict) -> None:
    def act(dialog):
        seen["offer"] = dialog.offer.text()
        seen["restore_enabled"] = dialog.restore_button.isEnabled()
        getattr(dialog, button).click()

    dialogs.on(RecoveryDialog, act)


def test_damaged_database_offers_the_newest_good_backup(
    tmp_path, monkeypatch, controller, messages, admin, demo_small, dialogs
):
    db_file = database_path()
    older = backup.auto_backup(local_config.load()).info
    Household.update(archived=True).where(Household.id <= 5).execute()
    newest = backup.auto_backup(local_config.load()).info
    assert newest.path != older.path and newest.counts["households"] == 75
    # a damaged later backup (a USB drive pulled mid-copy) is passed over for the newest good one
    later = newest.path.with_name(backup.backup_name("desk", newest.created_at.replace(year=2099)))
    later.write_bytes(newest.path.read_bytes()[:5000])
    close_database()
    corrupt(db_file)
    damaged = db_file.read_bytes()
    assert dbcheck.check_file(db_file).damaged
    seen: dict = {}
    _answer_recovery(dialogs, "restore_button", seen)

    assert controller.start(db_file)
    assert seen["restore_enabled"] and newest.path.name in seen["offer"]
    assert "75 户" in seen["offer"]
    assert Household.select().where(Household.archived == False).count() == 75  # noqa: E712
    assert "已恢复" in messages["information"][0]
    aside = [
        p for p in db_file.parent.iterdir() if p.name.startswith(db_file.name + ".before-restore-")
    ]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged  # kept as it was, for IT
    assert AuditLog.select().where(AuditLog.action == "restore").count() == 1
    assert controller.window is not None and controller.lock is not None


def test_declining_recovery_changes_nothing(
    tmp_path, monkeypatch, controller, messages, admin, demo_small, dialogs
):
    db_file = database_path()
    close_database()
    corrupt(db_file)
    damaged = db_file.read_bytes()
    seen: dict = {}
    _answer_recovery(dialogs, "quit_button", seen)
    assert controller.start(db_file) is False
    assert not seen["restore_enabled"] and "没有找到可用的备份" in seen["offer"]
    assert db_file.read_bytes() == damaged
    assert not [p for p in db_file.parent.iterdir() if "before-restore" in p.name]
    assert controller.window is None and controller.lock is None


def test_damage_found_while_opening_also_gets_the_way_back(
    monkeypatch, controller, messages, admin, demo_small, dialogs
):
    import peewee

    db_file = database_path()
    backup.auto_backup(local_config.load())
    close_database()
    real_open = ui.app.open_database
    calls = []

    def open_once_broken(path, **kwargs):
        calls.append(path)
        if len(calls) == 1:
            raise peewee.DatabaseError("database disk image is malformed")
        return real_open(path, **kwargs)

    monkeypatch.setattr(ui.app, "open_database", open_once_broken)
    seen: dict = {}
    _answer_recovery(dialogs, "restore_button", seen)
    assert controller.start(db_file)
    assert seen["restore_enabled"] and "已恢复" in messages["information"][0]
    assert len(calls) == 2 and Household.select().count() == 80
    assert any(p.name.startswith("desk.sqlite3.before-restore-") for p in db_file.parent.iterdir())


def test_recovery_from_a_backup_chosen_by_hand(
    tmp_path, monkeypatch, controller, messages, admin, demo_small, dialogs
):
    db_file = database_path()
    usb = backup.create_backup(tmp_path / "usb" / "office.zip").path  # not in the backup folder
    close_database()
    corrupt(db_file)
    broken = tmp_path / "usb" / "broken.zip"
    broken.write_bytes(usb.read_bytes()[:4000])
    dialogs.answer("open_file", broken, usb)
    seen: dict = {}

    def act(dialog):
        seen["offer"] = dialog.offer.text()
        dialog.choose_button.click()  # the damaged copy is refused with the reason…
        seen["error"] = dialog.error.text()
        dialog.choose_button.click()  # …the good one is taken

    dialogs.on(RecoveryDialog, act)
    assert controller.start(db_file)
    assert "没有找到可用的备份" in seen["offer"] and "不完整或已损坏" in seen["error"]
    assert Household.select().count() == 80


def test_a_newer_database_is_refused_with_a_sentence(tmp_path, controller, messages, admin):
    db_file = database_path()
    database.execute_sql(
        "INSERT INTO schema_version (version, applied_at) VALUES (999, '2030-01-01')"
    )
    close_database()
    assert controller.start(db_file) is False
    assert "更新版本" in messages["critical"][0]


def test_second_window_is_told_the_file_is_in_use_and_a_crash_frees_it(controller, messages, admin):
    db_file = database_path()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db_file), str(ROOT)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert controller.start(db_file) is False
        text = messages["warning"][0]
        assert "正在被另一个窗口使用" in text and f"进程 {holder.pid}" in text
        with pytest.raises(DatabaseInUse):
            DatabaseLock(db_file).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    # The crashed holder's lock file is still there, and does not block.
    assert lock_path(db_file).exists()
    assert controller.start(db_file)
    assert controller.lock is not None and controller.lock.held


@pytest.mark.sqlite_only("the window's lock file beside a SQLite file")
def test_restore_command_refuses_while_a_window_has_the_database(tmp_path, admin, capsys):
    import main

    db_file = database_path()
    zip_path = backup.create_backup(tmp_path / "b.zip").path
    with DatabaseLock(db_file):
        assert main.main(["restore", str(zip_path), "--db", str(db_file)]) == 2
    assert "正在被另一个窗口使用" in capsys.readouterr().err
    assert not [p for p in db_file.parent.iterdir() if "before-restore" in p.name]


def test_lock_in_one_process(tmp_path):
    path = tmp_path / "x.sqlite3"
    first = DatabaseLock(path).acquire()
    with pytest.raises(DatabaseInUse) as err:
        DatabaseLock(path).acquire()
    assert f"进程 {os.getpid()}" in str(err.value)
    first.release()
    DatabaseLock(path).acquire().release()


def test_self_test_from_source(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env.pop("NDESK_DATA_DIR", None)
    result = subprocess.run(
        [sys.executable, "main.py", "--self-test"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "自检通过" in out and "[失败]" not in out
    for name in ("数据库", "示范数据", "窗口", "PDF", "备份", "完整性"):
        assert f"[通过] {name}" in out
    assert not list(Path(tmp_path).rglob("*.sqlite3"))  # nothing left in the user's folders
    work = out.split("临时文件夹 ", 1)[1].split("）", 1)[0]
    assert not Path(work).exists()  # its temporary database is removed afterwards


@pytest.mark.sqlite_only("the last database is a SQLite file that is moved away")
def test_program_start_opens_the_last_database(tmp_path, admin):
    db_file = database_path()
    local_config.remember_database(db_file)
    assert local_config.database_to_open() == db_file.resolve()
    shutil.move(db_file, tmp_path / "moved.sqlite3")
    assert local_config.database_to_open() == tmp_path / "user-data" / "neighbourhood-desk.sqlite3"
