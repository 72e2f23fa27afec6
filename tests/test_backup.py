"""Backups (models.core.backup) and the backup / restore / check commands."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import pytest

import main
from models.core import backup, dbcheck, files, local_config
from models.core.db import close_database, database_path
from models.core.entities import AuditLog, Household, Resident
from models.core.local_config import LocalConfig
from models.migrations import LATEST, open_database
from models.registry import compounds

# A SQLite file's backup: its pages copied by SQLite's backup API, the attachments folder
# beside it, restored over the file. A server's (pg_dump; restore refused with the
# pg_restore command) is tested in tests/test_postgres_engine.py.
SQLITE_BACKUP = "the backup and restore of a SQLite file and its attachments folder"
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NDESK_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("NDESK_CONFIG_DIR", str(tmp_path / "user-config"))


def register() -> list[tuple]:
    """The register as a clerk sees it: every household and person, in order."""
    return [
        (r.household.household_no, r.name, r.id_number, r.relation, r.status)
        for r in Resident.select().join(Household).order_by(Resident.id)
    ]


@pytest.fixture
def with_photo(tmp_path, demo_small):
    source = tmp_path / "门牌照片.png"
    source.write_bytes(PHOTO)
    return files.store(source, "households")


@pytest.mark.sqlite_only(SQLITE_BACKUP)
def test_round_trip_on_a_fresh_install_keeps_register_and_photo(tmp_path, monkeypatch, with_photo):
    before = register()
    totals = compounds.summary()
    out = tmp_path / "usb" / "desk-backup.zip"
    assert main.main(["backup", "--db", str(database_path()), "--out", str(out)]) == 0
    close_database()
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
    assert {"manifest.json", "database.sqlite3", f"files/{with_photo}"} <= names
    assert manifest["counts"]["households"] == 80 and manifest["schema_version"] == LATEST
    assert with_photo in [entry["path"] for entry in manifest["files"]]

    # Another computer: an empty data folder, no settings; restore without --db.
    monkeypatch.setenv("NDESK_DATA_DIR", str(tmp_path / "new-pc"))
    monkeypatch.setenv("NDESK_CONFIG_DIR", str(tmp_path / "new-pc-config"))
    assert main.main(["restore", str(out)]) == 0
    restored = tmp_path / "new-pc" / "neighbourhood-desk.sqlite3"
    assert restored.is_file()
    assert database_path() == restored
    assert register() == before and len(before) > 200
    assert compounds.summary() == totals
    assert files.resolve(with_photo).read_bytes() == PHOTO
    note = AuditLog.get(AuditLog.action == "restore")
    assert "desk-backup.zip" in note.after


@pytest.mark.sqlite_only(SQLITE_BACKUP)
def test_restore_keeps_the_current_database_aside(tmp_path, with_photo, capsys):
    db_file = database_path()
    info = backup.create_backup(tmp_path / "b.zip")
    assert info.files == _attachments() and info.counts["households"] == 80
    Household.update(archived=True).where(Household.id <= 10).execute()  # a later change
    close_database()
    assert main.main(["restore", str(info.path), "--db", str(db_file)]) == 0
    out = capsys.readouterr().out
    assert "80 户" in out and "改名保留" in out
    aside = [p for p in db_file.parent.iterdir() if ".before-restore-" in p.name]
    aside_db = next(p for p in aside if p.name.startswith(db_file.name))
    aside_report = dbcheck.check_file(aside_db)
    assert aside_report.ok and aside_report.counts["households"] == 70  # the change is kept there
    assert Household.select().where(Household.archived == False).count() == 80  # noqa: E712
    assert any(p.name.startswith("desk-files.before-restore-") for p in aside)
    assert files.resolve(with_photo).read_bytes() == PHOTO


def _rewrite_zip(src: Path, dest: Path, change) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item.filename))
            if data is not None:
                zout.writestr(item.filename, data)


@pytest.mark.sqlite_only(SQLITE_BACKUP)
def test_verify_refuses_damaged_or_foreign_files(tmp_path, with_photo):
    good = backup.create_backup(tmp_path / "good.zip").path
    assert backup.verify(good).files == _attachments()

    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    tampered_photo = tmp_path / "photo.zip"
    _rewrite_zip(
        good,
        tampered_photo,
        lambda name, data: data[:-4] + b"XXXX" if name.startswith("files/") else data,
    )
    no_manifest = tmp_path / "nomanifest.zip"
    _rewrite_zip(good, no_manifest, lambda name, data: None if name == "manifest.json" else data)

    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["schema_version"] = LATEST + 1
        return json.dumps(manifest).encode()

    too_new = tmp_path / "newer.zip"
    _rewrite_zip(good, too_new, newer)
    text = tmp_path / "notes.txt"
    text.write_text("不是备份", encoding="utf-8")
    expected = {
        truncated: "不完整或已损坏",
        tampered_photo: "校验值不符",
        no_manifest: "清单",
        too_new: "更新版本",
        text: "不是本程序的备份文件",
    }
    for path, words in expected.items():
        with pytest.raises(backup.BackupError) as err:
            backup.verify(path)
        assert words in str(err.value), (path.name, str(err.value))

    # A refused restore leaves the current database alone.
    before = register()
    db_file = database_path()
    close_database()
    with pytest.raises(backup.BackupError):
        backup.restore(tampered_photo, db_file)
    assert not [p for p in db_file.parent.iterdir() if "before-restore" in p.name]
    open_database(db_file)
    assert register() == before


@pytest.mark.sqlite_only(SQLITE_BACKUP)
def test_a_bare_database_file_restores_without_attachments(tmp_path, demo_small):
    old_style = tmp_path / "old-backup.sqlite3"
    from models.core.db import database, sqlite_backup

    sqlite_backup(database.obj, old_style)
    info = backup.verify(old_style)
    assert info.kind == "sqlite" and info.counts["households"] == 80
    assert "不含照片" in info.describe()
    target = tmp_path / "elsewhere" / "desk.sqlite3"
    result = backup.restore(old_style, target)
    assert result.aside_db is None and dbcheck.check_file(target).counts["households"] == 80


def test_rotation_keeps_newest_per_day_and_per_month(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    start = dt.datetime(2026, 1, 1, 9, 0)
    made = []
    for day in range(0, 150, 1):  # five months of backups, two a day
        for hour in (9, 17):
            when = start + dt.timedelta(days=day, hours=hour - 9)
            path = folder / backup.backup_name("desk", when)
            path.write_bytes(b"x")
            made.append((when, path))
    other = folder / backup.backup_name("another-db", start)
    other.write_bytes(b"x")
    unrelated = folder / "notes.txt"
    unrelated.write_text("keep me")
    removed = backup.rotate(folder, "desk", keep_daily=7, keep_monthly=3)
    kept = backup.list_backups(folder, "desk")
    kept_times = [when for when, _ in kept]
    newest_days = sorted({w.date() for w, _ in made}, reverse=True)[:7]
    # the newest of each of the last 7 days, and the newest of each of the last 3 months
    assert [w.date() for w in kept_times[:7]] == newest_days
    assert all(w.hour == 17 for w in kept_times)
    months = {(w.year, w.month) for w in kept_times}
    assert months == {(2026, 5), (2026, 4), (2026, 3)}
    assert len(kept) == 7 + 2  # May is covered by the daily ones
    assert len(removed) == len(made) - len(kept)
    assert other.exists() and unrelated.exists()


@pytest.mark.sqlite_only(SQLITE_BACKUP)
def test_folder_backups_rotate_and_fall_back_when_the_usb_drive_is_missing(tmp_path, demo_small):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    config = LocalConfig(backup_dir=str(blocker / "usb"), keep_daily=2, keep_monthly=0)
    result = backup.auto_backup(config)
    assert "不可用" in result.warning
    assert result.folder == local_config.default_backup_dir()
    assert result.info.path.parent == local_config.default_backup_dir()
    assert not backup.due(config, "desk")
    config = LocalConfig(backup_dir=str(tmp_path / "usb"), keep_daily=2, keep_monthly=0)
    paths = [backup.auto_backup(config).info.path for _ in range(3)]
    assert all(p.parent == tmp_path / "usb" for p in paths)
    # three backups on one day: only the newest of the day stays
    assert [p for _, p in backup.list_backups(tmp_path / "usb", "desk")] == [paths[-1]]
    assert not list((tmp_path / "usb").glob("*.partial"))


@pytest.mark.sqlite_only(SQLITE_BACKUP)
def test_a_cancelled_backup_leaves_nothing(tmp_path, with_photo):
    dest = tmp_path / "cancelled.zip"
    with pytest.raises(backup.BackupCancelled):
        backup.create_backup(dest, progress=lambda done, total: done < 2)
    assert not dest.exists() and not list(tmp_path.glob("*.partial"))


@pytest.mark.sqlite_only(SQLITE_BACKUP)
def test_check_command(tmp_path, demo_small, capsys):
    db_file = database_path()
    assert main.main(["check", "--db", str(db_file)]) == 0
    out = capsys.readouterr().out
    assert "检查通过" in out and "80 户" in out and f"结构版本：{LATEST}" in out
    close_database()
    broken = tmp_path / "broken.sqlite3"
    shutil.copy(db_file, broken)
    with broken.open("r+b") as fh:
        fh.seek(10 * 4096)
        fh.write(b"\xa5" * 3 * 4096)
    assert main.main(["check", "--db", str(broken)]) == 1
    assert "已损坏" in capsys.readouterr().err
    assert main.main(["check", "--db", str(tmp_path / "missing.sqlite3")]) == 1
    assert "找不到数据库文件" in capsys.readouterr().err


@pytest.mark.sqlite_only(SQLITE_BACKUP)
def test_backup_command_uses_the_configured_folder(tmp_path, demo_small, capsys):
    db_file = database_path()
    close_database()
    assert main.main(["backup", "--db", str(db_file)]) == 0
    made = backup.list_backups(local_config.default_backup_dir(), "desk")
    assert len(made) == 1 and str(made[0][1]) in capsys.readouterr().out
    assert main.main(["backup", "--db", str(db_file), "--out", str(tmp_path)]) == 0
    assert len(backup.list_backups(tmp_path, "desk")) == 1
    assert main.main(["backup", "--db", str(db_file), "--out", str(tmp_path / "U盘")]) == 0
    assert len(backup.list_backups(tmp_path / "U盘", "desk")) == 1  # a new folder, not a file
    close_database()
    assert main.main(["restore", str(tmp_path / "nothing.zip"), "--db", str(db_file)]) == 1
    assert "找不到备份文件" in capsys.readouterr().err


def _attachments() -> int:
    """Files in the attachments folder: the demo's event and facility photos plus the test's."""
    from models.core import files as attachment_files

    return sum(1 for p in attachment_files.attachments_dir().rglob("*") if p.is_file())
