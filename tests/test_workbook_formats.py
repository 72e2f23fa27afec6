"""The .xls reader (on a fixture written by LibreOffice) and the export's round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from models.core.db import close_database
from models.core.entities import AuditLog, Compound, Household, Resident
from models.migrations import open_database
from models.registry.workbook import export as workbook_export
from models.registry.workbook import importer as wi
from models.registry.workbook.read import read_workbook

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "register.xls"
AS_OF = dt.date(2026, 11, 27)
OPTS = wi.ImportOptions(compound="西苑小区", category="1")  # the fixture has neither column


def test_xls_fixture_reads_like_a_workbook(clerk):
    data = read_workbook(FIXTURE)
    sheet = data.sheets[0]
    assert data.kind == "xls" and sheet.name == "西苑小区" and sheet.header_row == 2
    rows = {r.number: r.values for r in sheet.rows}
    assert rows[5][0] == "X001" and rows[5][1] == "7-101"  # merged down
    assert rows[3][6] == dt.datetime(1955, 5, 5)  # a date cell
    assert (7, "合计行") in sheet.skipped
    result = wi.import_file(clerk, FIXTURE, today=AS_OF, options=OPTS)
    assert (result.new_households, result.new_residents) == (1, 3)
    assert [(r.row, wi.rejected_entry(r)["column"]) for r in result.rejected] == [(6, "E")]
    assert "15位有效数字" in result.rejected[0].reason()
    wife = Resident.get(Resident.name == "白玉兰")
    assert wife.id_number.endswith("X") and wife.ethnicity == "03" and wife.relation == "12"
    assert wife.household.compound.name == "西苑小区" and wife.household.room == "7-101"


def _register() -> list[tuple]:
    query = (
        Resident.select(
            Resident.id_number,
            Resident.name,
            Resident.sex,
            Resident.birth_date,
            Resident.ethnicity,
            Resident.relation,
            Resident.education,
            Resident.marital_status,
            Resident.political_status,
            Resident.category,
            Resident.status,
            Resident.phone,
            Resident.hukou_address,
            Resident.work_unit,
            Resident.arrived_on,
            Resident.notes,
            Resident.pinyin,
            Household.household_no,
            Household.building,
            Household.unit,
            Household.room,
            Household.household_type,
        )
        .join(Household)
        .order_by(Resident.id_number)
    )
    return [
        row + (Household.get(Household.household_no == row[17]).compound.name,)
        for row in query.tuples()
    ]


def test_export_reimports_unchanged(demo_small, admin, tmp_path):
    # someone moved out and an odd value or two: the round trip must keep them as they are
    person = Resident.select().where(Resident.relation != "02").order_by(Resident.id).first()
    person.status = "moved_out"
    person.notes = "迁往西安"
    person.save()
    path = tmp_path / "导出.xlsx"
    summary = workbook_export.export_register(admin, path)
    assert (summary.households, summary.residents) == (80, Resident.select().count())
    sheet = load_workbook(path)["花名册"]
    header = [c.value for c in sheet[2]]
    id_col = header.index("公民身份号码") + 1
    cell = sheet.cell(3, id_col)
    assert cell.data_type == "s" and cell.number_format == "@" and len(cell.value) == 18
    assert sheet.cell(3, header.index("户号") + 1).data_type == "s"
    assert AuditLog.get(AuditLog.action == "export").username == "admin"

    original = _register()
    audit_rows = AuditLog.select().count()
    again = wi.import_file(admin, path, today=AS_OF, options=OPTS)
    assert (
        again.new_households,
        again.new_residents,
        again.updated_households,
        again.updated_residents,
        len(again.rejected),
    ) == (0, 0, 0, 0, 0)
    assert not any(r.issues for r in again.preview.rows)
    assert _register() == original
    assert AuditLog.select().count() == audit_rows + 1

    close_database()
    open_database(tmp_path / "empty.sqlite3")
    from models.core import users

    fresh_admin = users.create_first_admin("admin", "系统管理员", "test1234")
    into_empty = wi.import_file(fresh_admin, path, today=AS_OF, options=OPTS)
    assert (into_empty.new_households, into_empty.new_residents) == (80, len(original))
    assert _register() == original
    export_2 = tmp_path / "第二次.xlsx"
    workbook_export.export_register(fresh_admin, export_2)
    rows_1 = [[c.value for c in r] for r in load_workbook(path)["花名册"].iter_rows(min_row=2)]
    rows_2 = [[c.value for c in r] for r in load_workbook(export_2)["花名册"].iter_rows(min_row=2)]
    assert rows_1 == rows_2


def test_export_is_set_up_for_printing(demo_small, admin, tmp_path):
    path = tmp_path / "导出.xlsx"
    workbook_export.export_register(admin, path)
    sheet = load_workbook(path)["花名册"]
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$2:$2"  # the header row on every page
    names = [c.name for c in Compound.select().order_by(Compound.id)]
    assert sheet.oddHeader.left.text.startswith("小区：" + names[0])
    assert sheet.oddHeader.right.text == "导出日期：2026-11-27"
    assert workbook_export.page_header_text(["甲", "乙", "丙", "丁"]) == "小区：甲、乙、丙等4个"
