"""Exports are safe to open: text that looks like a formula is written as text, and the file
still re-imports unchanged (issue 19)."""

from __future__ import annotations

import datetime as dt
import json
import zipfile

from openpyxl import load_workbook

import main
from models.core import idcard
from models.core.db import close_database
from models.core.entities import Household, Resident
from models.migrations import open_database
from models.registry import compounds, households, residents
from models.registry.households import AddressInput
from models.registry.residents import ResidentData
from models.registry.workbook import export as workbook_export
from models.registry.workbook import importer as wi

AS_OF = dt.date(2026, 11, 27)
LINK = '=HYPERLINK("http://x","点我")'
# (name, notes, hukou_address, work_unit): every one starts as a spreadsheet formula would
PEOPLE = [
    (LINK, "=1+1", "=cmd|' /C calc'!A0", "@SUM(A1:A9)"),
    ("+86张三", "+号开头的备注", "-1+2 户籍地址", "=A1"),
    ("-李四", "-减号开头", "@某地", "+工作单位"),
    ("@王五", '=HYPERLINK("http://evil","看这里")', "普通地址", ""),
]
HOUSEHOLD_NOTES = "=SUM(A1:A2)"


def _build(admin) -> list[int]:
    """One household (its notes a formula too) holding the four people, through the services."""
    compound = compounds.create_compound(admin, "南关小区", "县供电公司")
    house = households.create_household(
        admin, AddressInput(compound.id, "3号楼", "2单元", "-101", notes=HOUSEHOLD_NOTES)
    )
    ids = []
    for seq, (name, notes, hukou, work) in enumerate(PEOPLE, start=1):
        born = dt.date(1960 + seq, 3, 2)
        data = ResidentData(
            name=name,
            id_number=idcard.make("610627", born, seq * 2 + 1),
            sex="1",
            birth_date=born,
            relation="02" if seq == 1 else "99",
            notes=notes,
            hukou_address=hukou,
            work_unit=work,
            phone="13812345678",
        )
        ids.append(residents.create_resident(admin, house.id, data).id)
    return ids


def _stored() -> list[tuple]:
    return list(
        Resident.select(Resident.name, Resident.notes, Resident.hukou_address, Resident.work_unit)
        .order_by(Resident.id)
        .tuples()
    )


def _assert_text_cells(path) -> None:
    """No cell of the written file is a formula, and the dangerous values are the typed text,
    stored as text cells with Excel's quote prefix."""
    sheet = load_workbook(path)["花名册"]
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    header = [c.value for c in sheet[2]]
    cols = {
        label: header.index(label) + 1
        for label in ("姓名", "备注", "户籍地址", "工作单位", "户备注", "门牌")
    }
    rows = {sheet.cell(r, cols["姓名"]).value: r for r in range(3, sheet.max_row + 1)}
    assert set(rows) == {p[0] for p in PEOPLE}
    for name, notes, hukou, work in PEOPLE:
        r = rows[name]
        for label, expected in (
            ("姓名", name),
            ("备注", notes),
            ("户籍地址", hukou),
            ("工作单位", work),
            ("户备注", HOUSEHOLD_NOTES),
            ("门牌", "-101"),
        ):
            cell = sheet.cell(r, cols[label])
            assert cell.value == (expected or None), (label, cell.value)
            if expected and expected[0] in "=+-@":
                assert cell.data_type == "s" and cell.quotePrefix, (label, expected)
    # the raw XML holds no <f> element at all (what Excel or WPS would evaluate on opening)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml
    assert "HYPERLINK" in xml  # ... yet the text is there, as an inline string


def test_formula_like_text_is_written_as_text_and_reimports_unchanged(admin, tmp_path):
    _build(admin)
    before = _stored()
    assert before[0][0] == LINK  # the service accepts such a name as typed
    path = tmp_path / "导出.xlsx"
    summary = workbook_export.export_register(admin, path)
    assert (summary.households, summary.residents) == (1, len(PEOPLE))
    _assert_text_cells(path)

    dry = wi.import_file(admin, path, dry_run=True, today=AS_OF)
    assert (
        dry.new_households,
        dry.new_residents,
        dry.updated_households,
        dry.updated_residents,
        len(dry.rejected),
    ) == (0, 0, 0, 0, 0)
    assert dry.preview.unchanged_residents == len(PEOPLE)
    assert not any(r.issues for r in dry.preview.rows)
    again = wi.import_file(admin, path, today=AS_OF)
    assert (again.updated_households, again.updated_residents, len(again.rejected)) == (0, 0, 0)
    assert _stored() == before
    assert Household.get().notes == HOUSEHOLD_NOTES


def test_formula_like_text_reaches_an_empty_database_as_typed(admin, tmp_path):
    _build(admin)
    before = _stored()
    path = tmp_path / "导出.xlsx"
    workbook_export.export_register(admin, path)
    close_database()
    open_database(tmp_path / "empty.sqlite3")
    from models.core import users

    fresh = users.create_first_admin("admin", "系统管理员", "test1234")
    result = wi.import_file(fresh, path, today=AS_OF)
    assert (result.new_households, result.new_residents, len(result.rejected)) == (1, 4, 0)
    assert _stored() == before
    house = Household.get()
    assert (house.notes, house.room) == (HOUSEHOLD_NOTES, "-101")


def test_cli_export_then_dry_run_reports_no_change(admin, db_target, tmp_path, capsys):
    _build(admin)
    close_database()
    out = tmp_path / "X.xlsx"
    assert main.main(["export", "households", str(out), "--db", str(db_target)]) == 0
    close_database()
    _assert_text_cells(out)
    capsys.readouterr()
    assert (
        main.main(["import", "households", str(out), "--db", str(db_target), "--dry-run", "--json"])
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert (result["households"], result["residents"], result["updated"], result["rejected"]) == (
        0,
        0,
        0,
        [],
    )
    close_database()


def test_text_cell_helper_keeps_the_format_and_the_value():
    from openpyxl import Workbook

    ws = Workbook(write_only=True).create_sheet("x")
    cell = workbook_export.text_cell(ws, "=1+1", "")
    assert (cell.value, cell.data_type, cell.quotePrefix, cell.number_format) == (
        "=1+1",
        "s",
        True,
        "@",
    )


def test_the_audit_log_export_writes_such_names_as_text(admin, tmp_path):
    """The audit log names the person in its 记录 column: a formula there would run too."""
    from models.core import audit_export
    from models.core.audit_view import LogFilter

    _build(admin)
    target = tmp_path / "日志.xlsx"
    audit_export.export_workbook(admin, LogFilter(), target)
    sheet = load_workbook(target).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    linked = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert linked and all(c.data_type == "s" and c.quotePrefix for c in linked)
