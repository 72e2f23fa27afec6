"""The command line on an office server: the same commands with --db postgresql://… (demo,
the monthly report, the register exported and imported back, a department's sheet filled)."""

from __future__ import annotations

import openpyxl
import pytest

import main
from models.core.db import close_database
from models.core.entities import AuditLog, Household, Resident
from models.migrations import open_database
from tests import postgres_support

pytest.importorskip("psycopg2")
pg_server = postgres_support.pg_server
pg_url = postgres_support.pg_url


def test_the_commands_run_on_a_server_as_on_a_file(pg_url, tmp_path, capsys):
    assert main.main(["demo", "--db", pg_url, "--households", "60", "--users"]) == 0
    assert "60 户" in capsys.readouterr().out
    close_database()

    pdf = tmp_path / "monthly.pdf"
    assert (
        main.main(["report", "monthly", "--db", pg_url, "--month", "2026-10", "--out", str(pdf)])
        == 0
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    close_database()

    sheet = tmp_path / "register.xlsx"
    assert main.main(["export", "households", str(sheet), "--db", pg_url]) == 0
    close_database()
    rows = openpyxl.load_workbook(sheet, read_only=True).active.max_row
    open_database(pg_url)
    people = Resident.select().where(Resident.status == "current").count()
    assert rows > people >= 60
    close_database()
    capsys.readouterr()

    # The export imports back with nothing to change, on the server as on a file.
    assert main.main(["import", "households", str(sheet), "--db", pg_url, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "新增 0 户" in out, out
    close_database()

    filled = tmp_path / "elderly.xlsx"
    assert main.main(["fill", "高龄老人名单", "--db", pg_url, "--out", str(filled)]) == 0
    assert filled.is_file()
    close_database()

    open_database(pg_url)
    try:
        assert Household.select().count() == 60
        actions = {row.action for row in AuditLog.select(AuditLog.action).distinct()}
        assert {"demo", "print", "export", "fill"} <= actions
    finally:
        close_database()
