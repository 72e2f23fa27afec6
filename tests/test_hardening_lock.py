"""Issue 19, "nothing lost": a command-line writer refused while the window holds the database,
an append-only audit log, an empty database file refused."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import peewee
import pytest

from models.core import audit, crud
from models.core.db import EMPTY_FILE_TEXT, DatabaseError, close_database
from models.core.db_lock import DatabaseLock, WriterRefused, writer_lock
from models.core.entities import AuditLog, Compound
from models.migrations import open_database
from models.registry import compounds

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def _counts(path: Path) -> tuple[int, int, int]:
    """Rows the CLI might have written, read with plain sqlite3 (no open_database side effects)."""
    con = sqlite3.connect(path)
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore
            for table in ("audit_log", "household", "resident")
        )
    finally:
        con.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def seeded(db_path, admin):
    """A database with one compound in it, closed so that a subprocess can use it."""
    compounds.create_compound(admin, "试验小区", "县供电公司")
    close_database()
    return db_path


def _assert_refused(result: subprocess.CompletedProcess[str], what: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "正在被另一个窗口使用" in result.stderr
    assert f"本次{what}没有进行，数据库没有改动" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.sqlite_only("the window's lock file beside a SQLite file")
def test_demo_is_refused_while_the_window_holds_the_database(seeded):
    before = _counts(seeded)
    with DatabaseLock(seeded):  # what the open window holds
        result = _run("demo", "--db", str(seeded), "--households", "3")
    _assert_refused(result, "装入示范数据")
    assert _counts(seeded) == before
    # Once the window is gone the same command works: the refusal was the lock, nothing else.
    done = _run("demo", "--db", str(seeded), "--households", "3")
    assert done.returncode == 0, done.stderr
    assert _counts(seeded)[1] == 3


@pytest.mark.sqlite_only("the command-line writer lock on a SQLite file")
def test_backup_is_refused_while_another_writer_holds_the_database(seeded, tmp_path):
    out = tmp_path / "usb"
    with writer_lock(seeded, "restore"):
        result = _run("backup", "--db", str(seeded), "--out", str(out / "x.zip"))
    assert result.returncode == 2, result.stderr
    assert "正在被恢复备份使用" in result.stderr and "本次备份没有进行" in result.stderr
    assert not (out / "x.zip").exists()
    assert _run("backup", "--db", str(seeded), "--out", str(out / "x.zip")).returncode == 0
    assert (out / "x.zip").exists()


@pytest.mark.sqlite_only("the window's lock file beside a SQLite file")
def test_import_is_refused_while_the_window_holds_the_database(seeded, tmp_path):
    import workbook_samples as ws

    sheet = tmp_path / "register.csv"
    sheet.write_text(ws.csv_text(), encoding="utf-8-sig")
    before, digest = _counts(seeded), _digest(seeded)
    with DatabaseLock(seeded):
        result = _run("import", "households", str(sheet), "--db", str(seeded), "--category", "1")
        as_json = _run(
            "import", "households", str(sheet), "--db", str(seeded), "--category", "1", "--json"
        )
        dry = _run(
            "import", "households", str(sheet), "--db", str(seeded), "--category", "1", "--dry-run"
        )
    _assert_refused(result, "导入")
    assert as_json.returncode == 2
    assert "本次导入没有进行" in json.loads(as_json.stdout)["error"]
    assert dry.returncode == 1, dry.stderr  # a dry run writes nothing: it may run beside the window
    assert _counts(seeded) == before and _digest(seeded) == digest
    done = _run("import", "households", str(sheet), "--db", str(seeded), "--category", "1")
    assert done.returncode in (0, 1), done.stderr
    assert _counts(seeded)[2] > 0


def test_writer_lock_refuses_a_second_writer_in_the_same_process(db_path):
    with (
        writer_lock(db_path, "import"),
        pytest.raises(WriterRefused) as refused,
        writer_lock(db_path, "backup"),
    ):
        pytest.fail("two writers held the database at once")
    assert "命令行导入" in str(refused.value) and "本次备份没有进行" in str(refused.value)
    with writer_lock(db_path, "backup") as lock:  # released on the way out
        assert lock.held


# -- the audit log is append-only ---------------------------------------------------------------
@pytest.mark.sqlite_only(
    "drops a trigger through sqlite3 (test_postgres_engine checks the server's)"
)
def test_raw_sql_cannot_change_or_delete_an_audit_row(db, admin):
    row = AuditLog.select().order_by(AuditLog.id).first()
    assert row is not None
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        db.execute_sql("UPDATE audit_log SET username = 'someone' WHERE id = ?", (row.id,))
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        db.execute_sql("DELETE FROM audit_log")
    assert AuditLog.get_by_id(row.id).username == row.username
    # The triggers come back on every open, even when someone dropped them.
    close_database()
    con = sqlite3.connect(db.database)
    con.execute("DROP TRIGGER audit_log_no_delete")
    con.commit()
    con.close()
    again = open_database(db.database)
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        again.execute_sql("DELETE FROM audit_log")


def test_crud_refuses_audit_rows_and_a_normal_write_still_adds_one(db, admin):
    row = AuditLog.select().first()
    with pytest.raises(PermissionError, match="只能追加"):
        crud.update(admin, row, note="改写", username="someone")
    with pytest.raises(PermissionError, match="只能追加"):
        crud.archive(admin, row)
    assert AuditLog.get_by_id(row.id).username == row.username
    count = AuditLog.select().count()
    compound = compounds.create_compound(admin, "北街小区", "")
    assert AuditLog.select().count() == count + 1
    written = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (written.table_name, written.record_id) == ("compound", str(compound.id))
    assert Compound.get_by_id(compound.id).name == "北街小区"
    audit.record(
        admin.username, audit.Action.VIEW, "compound", compound.id, note="查看"
    )  # appending works


# -- an empty database file ---------------------------------------------------------------------
def test_an_empty_database_file_is_refused_and_left_as_is(tmp_path):
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    with pytest.raises(DatabaseError) as refused:
        open_database(empty)
    assert str(refused.value) == EMPTY_FILE_TEXT.format(path=empty)
    assert "是空的（0 字节）" in str(refused.value) and "请从备份恢复" in str(refused.value)
    assert empty.stat().st_size == 0
    assert not Path(str(empty) + "-wal").exists()
    # The CLI writers say the same and leave it alone too.
    result = _run("demo", "--db", str(empty), "--households", "2")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "0 字节" in result.stderr or "空" in result.stderr
    assert empty.stat().st_size == 0


# -- two writers at once inside one program -----------------------------------------------------
@pytest.mark.sqlite_only(
    "SQLite's IMMEDIATE transactions: a writer waits at BEGIN (not so on PostgreSQL)"
)
def test_a_second_writer_thread_waits_for_the_first_instead_of_failing(db, admin):
    """IMMEDIATE transactions: the second writer waits at BEGIN (busy timeout) and then
    writes; a deferred transaction would read first and fail with "database is locked" when
    its write came after the first writer's commit."""
    import threading

    from models.core.db import database

    started = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            started.set()
            with database.atomic():
                n = Compound.select().count()
                compounds.create_compound(admin, f"第{n + 1}小区", "")
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            database.close()

    count = AuditLog.select().count()
    with database.atomic():
        compounds.create_compound(admin, "第一小区", "")
        worker = threading.Thread(target=second)
        worker.start()
        started.wait()
        # Give it time to begin (or wrongly read) while this one holds the lock. A plain sleep:
        # under libfaketime (the suite's later-date run) a timed wait such as join(0.5) never
        # times out, which once held this transaction open until the busy timeout ran out.
        time.sleep(0.5)
    worker.join()
    assert errors == []
    assert sorted(c.name for c in Compound.select()) == sorted(["第一小区", "第2小区"])
    assert AuditLog.select().count() == count + 2


@pytest.mark.sqlite_only("the window's lock file beside a SQLite file")
def test_restore_and_fill_are_refused_while_the_window_holds_the_database(seeded, tmp_path):
    backup_file = tmp_path / "copy.zip"
    assert _run("backup", "--db", str(seeded), "--out", str(backup_file)).returncode == 0
    before, digest = _counts(seeded), _digest(seeded)
    with DatabaseLock(seeded):
        restore = _run("restore", str(backup_file), "--db", str(seeded))
        fill = _run("fill", "高龄老人名单", "--out", str(tmp_path / "f.xlsx"), "--db", str(seeded))
    _assert_refused(restore, "恢复备份")
    _assert_refused(fill, "填表")
    assert not (tmp_path / "f.xlsx").exists()
    assert _counts(seeded) == before and _digest(seeded) == digest


def test_a_writer_still_busy_after_the_timeout_gets_one_sentence(seeded, monkeypatch, capsys):
    """The busy timeout ran out (another program kept writing): exit 2, no traceback."""
    import main
    from models import demo

    def busy(**_kwargs):
        raise peewee.OperationalError("database is locked")

    monkeypatch.setattr(demo, "generate", busy)
    assert main.main(["demo", "--db", str(seeded), "--households", "3"]) == 2
    said = capsys.readouterr().err
    assert "数据库正被其他程序写入" in said and "没有写入任何内容" in said
    close_database()
