import subprocess
import sys
from pathlib import Path

import main
from models.core.db import close_database
from models.core.entities import Household, User
from models.migrations import open_database

ROOT = Path(__file__).resolve().parent.parent


def test_demo_command_fills_an_empty_database(tmp_path, capsys):
    path = tmp_path / "x.db"
    assert main.main(["demo", "--db", str(path), "--households", "40", "--users"]) == 0
    out = capsys.readouterr().out
    assert "40 户" in out and "admin" in out
    close_database()
    open_database(path)
    assert Household.select().count() == 40
    assert {u.role for u in User.select()} == {"admin", "clerk", "casework", "supervisor"}
    close_database()
    # A second run refuses with one sentence and a non-zero exit.
    assert main.main(["--db", str(path), "demo", "--households", "5"]) == 1
    assert "空的数据库" in capsys.readouterr().err
    close_database()


def test_version_and_bad_arguments():
    version = subprocess.run(
        [sys.executable, "main.py", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert version.returncode == 0 and "社区工作台" in version.stdout
    bad = subprocess.run(
        [sys.executable, "main.py", "frobnicate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "参数错误" in bad.stderr


def test_unreadable_database_is_one_sentence(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all")
    result = subprocess.run(
        [sys.executable, "main.py", "--db", str(junk), "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("错误：") and "Traceback" not in result.stderr
