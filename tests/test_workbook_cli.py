"""python main.py import / export households: summaries, JSON, exit codes 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import workbook_samples as ws

import main
from models.core.db import close_database
from models.core.entities import AuditLog, Household, Resident
from models.migrations import open_database

ROOT = Path(__file__).resolve().parent.parent


def _clean(tmp_path: Path) -> Path:
    wb = tmp_path / "clean.csv"
    text = ws.csv_text()
    wb.write_text(
        "\n".join(line for line in text.splitlines() if "E+17" not in line) + "\n",
        encoding="utf-8-sig",
    )
    return wb


def test_json_exit_codes_and_audit_user(tmp_path, capsys):
    db = tmp_path / "cli.sqlite3"
    messy = ws.messy_workbook(tmp_path / "messy.xlsx")
    # the messy register says neither the compound of its first sheet nor the people's category
    assert main.main(["import", "households", str(messy), "--db", str(db), "--json"]) == 2
    asked = json.loads(capsys.readouterr().out)["error"]
    assert "南关小区" in asked and "人员类别" in asked
    assert Resident.select().count() == 0
    close_database()
    answers = ["--compound", "南关小区", "--category", "1"]
    assert (
        main.main(
            ["import", "households", str(messy), "--db", str(db), "--json", "--dry-run", *answers]
        )
        == 1
    )
    dry = json.loads(capsys.readouterr().out)
    assert dry["households"] == 5 and dry["residents"] == 10
    assert Resident.select().count() == 0  # dry run
    close_database()

    assert main.main(["import", "households", str(messy), "--db", str(db), "--json", *answers]) == 1
    out = capsys.readouterr().out.strip()
    result = json.loads(out)  # exactly one JSON object on stdout
    assert set(result) == {"households", "residents", "updated", "rejected"}
    assert (result["households"], result["residents"], result["updated"]) == (5, 10, 0)
    assert len(result["rejected"]) == len(ws.REJECTED)
    first = result["rejected"][0]
    assert set(first) == {"sheet", "row", "column", "reason"}
    assert (first["sheet"], first["row"], first["column"]) == ("南关小区", 8, "H")
    assert Resident.select().count() == 10
    assert AuditLog.get(AuditLog.action == "import").username == "cli"
    close_database()

    clean = _clean(tmp_path)
    assert main.main(["import", "households", str(clean), "--db", str(db), "--category", "1"]) == 0
    text = capsys.readouterr().out
    assert "新增 2 户、3 人" in text and "退回 0 行" in text
    close_database()

    assert (
        main.main(["import", "households", str(tmp_path / "nope.xlsx"), "--db", str(db), "--json"])
        == 2
    )
    assert "error" in json.loads(capsys.readouterr().out)
    close_database()
    open_database(db)
    assert Household.select().count() == 7
    close_database()


def test_user_option_and_export(tmp_path, capsys, db_path):
    from models.core import users

    open_database(db_path)
    admin = users.create_first_admin("admin", "系统管理员", "test1234")
    users.create_user(admin, "clerk", "李晓梅", "clerk", "test1234")
    users.create_user(admin, "jisheng", "王秀英", "casework", "test1234")
    close_database()
    clean = _clean(tmp_path)
    assert (
        main.main(["import", "households", str(clean), "--db", str(db_path), "--user", "nobody"])
        == 2
    )
    assert "不存在" in capsys.readouterr().err
    close_database()
    # a population officer may not import: one sentence, nothing written
    assert (
        main.main(["import", "households", str(clean), "--db", str(db_path), "--user", "jisheng"])
        == 2
    )
    assert "无权导入" in capsys.readouterr().err
    close_database()
    assert (
        main.main(
            [
                "import",
                "households",
                str(clean),
                "--db",
                str(db_path),
                "--user",
                "clerk",
                "--category",
                "户籍人口",
            ]
        )
        == 0
    )
    close_database()
    open_database(db_path)
    assert AuditLog.get(AuditLog.action == "import").username == "clerk"
    close_database()
    out = tmp_path / "register.xlsx"
    assert main.main(["export", "households", str(out), "--db", str(db_path)]) == 0
    printed = capsys.readouterr().out
    assert "2 户、3 人" in printed and out.exists()
    assert "含完整身份证号码" in printed  # the default actor may see full numbers
    close_database()
    # a clerk has no reveal right: the file and the message both say the numbers are masked
    assert (
        main.main(
            [
                "export",
                "households",
                str(tmp_path / "masked.xlsx"),
                "--db",
                str(db_path),
                "--user",
                "clerk",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "身份证号码已部分隐藏" in printed and "含完整" not in printed
    close_database()
    assert main.main(["export", "households", str(tmp_path / "x.csv"), "--db", str(db_path)]) == 2
    close_database()


def test_real_process_exit_codes(tmp_path):
    db = tmp_path / "p.sqlite3"
    clean = _clean(tmp_path)
    messy = ws.messy_workbook(tmp_path / "messy.xlsx")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")

    def run(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                "main.py",
                "import",
                "households",
                str(path),
                "--db",
                str(db),
                "--json",
                "--compound",
                "南关小区",
                "--category",
                "户籍",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    ok, rejected, unreadable = run(clean), run(messy), run(junk)
    assert ok.returncode == 0, ok.stderr
    assert rejected.returncode == 1 and json.loads(rejected.stdout)["residents"] == 10
    assert unreadable.returncode == 2 and unreadable.stderr.startswith("错误：")
    assert "Traceback" not in unreadable.stderr
