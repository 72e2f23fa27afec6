"""Kill safety: a process killed mid-write loses no committed row and leaves a sound file."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

import main
from models.core import dbcheck
from models.core.db import close_database
from models.core.entities import Compound
from models.migrations import open_database

ROOT = Path(__file__).resolve().parent.parent

WRITER = """
import sys
sys.path.insert(0, sys.argv[2])
from models.core.db import database
from models.migrations import open_database
from models.core.entities import Compound

open_database(sys.argv[1])
mode = sys.argv[3]
batch = 0
while mode == "loop" or batch < 20:
    with database.atomic():  # 50 rows a transaction: all of a batch or none of it
        for i in range(50):
            Compound.create(name=f"K{batch}-{i}")
    batch += 1
    print(f"committed {batch}", flush=True)

# One long transaction, like an import of a big workbook: 200 KB a step, so that SQLite
# spills uncommitted pages into the -wal file long before the kill.
with database.atomic():
    for step in range(1000):
        Compound.insert_many([{"name": f"T{step}-{i}", "notes": "导入" * 1000}
                              for i in range(100)]).execute()
        print(f"import {step}", flush=True)
print("import finished", flush=True)
"""


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NDESK_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("NDESK_CONFIG_DIR", str(tmp_path / "user-config"))


def _run_and_kill(db_file: Path, mode: str, kill_after: str) -> list[str]:
    """Start the writer, SIGKILL it when it prints a line starting with *kill_after*."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_file), str(ROOT), mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line.strip())
            if line.startswith(kill_after):
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, lines[-3:]
    return lines


def _after_restart(db_file: Path) -> int:
    report = dbcheck.check_file(db_file, full=True)
    assert report.ok, report.summary()
    open_database(db_file)
    count = Compound.select().count()
    close_database()
    return count


def test_killed_in_a_long_import_keeps_every_committed_row(tmp_path, capsys):
    db_file = tmp_path / "desk.sqlite3"
    lines = _run_and_kill(db_file, "batches", "import 200")
    assert "committed 20" in lines and "import finished" not in lines
    assert (db_file.with_name(db_file.name + "-wal")).stat().st_size > 20 * 2**20  # spilled
    compounds = _after_restart(db_file)
    assert compounds == 20 * 50  # every committed batch, and nothing of the unfinished import
    assert main.main(["check", "--db", str(db_file)]) == 0
    assert "检查通过" in capsys.readouterr().out


def test_killed_between_small_transactions_loses_nothing_committed(tmp_path):
    db_file = tmp_path / "desk.sqlite3"
    lines = _run_and_kill(db_file, "loop", "committed 300")
    reported = max(int(line.split()[1]) for line in lines if line.startswith("committed"))
    compounds = _after_restart(db_file)
    assert compounds % 50 == 0  # whole batches only
    assert compounds >= reported * 50  # everything reported as committed is there
