"""特殊人群, 户电话 and 户备注 in register workbooks: export, import, round trip, corrections."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from models.core import users
from models.core.db import close_database
from models.core.entities import AuditLog, Household, Resident, ResidentTag
from models.migrations import open_database
from models.registry.workbook import export as workbook_export
from models.registry.workbook import importer as wi
from models.registry.workbook.headers import header_field
from models.registry.workbook.tags import TagValue, format_tags, parse_cell
from tests.workbook_samples import make_id

AS_OF = dt.date(2026, 11, 27)
HEAD_ID = make_id(dt.date(1950, 1, 2), "1", 11)
WIFE_ID = make_id(dt.date(1952, 6, 7), "2", 20)
SON_ID = make_id(dt.date(1980, 3, 4), "1", 31)
OTHER_ID = make_id(dt.date(1940, 9, 9), "2", 42)
OPTS = wi.ImportOptions(category="1")  # the test registers have no 人员类别 column
HEADER = ["小区", "户号", "姓名", "与户主关系", "公民身份号码", "户电话", "特殊人群"]


def _book(path: Path, rows: list[list], header: list[str] = HEADER) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "花名册"
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def _rows(groups: dict[str, str], phone: str = "0911-4221234") -> list[list]:
    """Two households; *groups* maps an ID number to its 特殊人群 cell."""
    return [
        ["南苑小区", "T001", "张建国", "户主", HEAD_ID, phone, groups.get(HEAD_ID, "")],
        ["南苑小区", "T001", "李秀兰", "妻", WIFE_ID, phone, groups.get(WIFE_ID, "")],
        ["南苑小区", "T001", "张伟", "子", SON_ID, phone, groups.get(SON_ID, "")],
        ["南苑小区", "T002", "刘桂英", "户主", OTHER_ID, "", groups.get(OTHER_ID, "")],
    ]


def _open(id_number: str) -> list[tuple]:
    return [
        (t.tag, t.detail, t.start_date)
        for t in ResidentTag.select()
        .join(Resident)
        .where((Resident.id_number == id_number) & ResidentTag.end_date.is_null())
        .order_by(ResidentTag.tag)
    ]


def _register() -> list[tuple]:
    """Every register value the workbook carries, households and open tags included."""
    people = (
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
            Household.household_no,
            Household.building,
            Household.unit,
            Household.room,
            Household.household_type,
            Household.phone,
            Household.notes,
        )
        .join(Household)
        .order_by(Resident.id_number)
        .tuples()
    )
    tags = (
        ResidentTag.select(
            Resident.id_number,
            ResidentTag.tag,
            ResidentTag.detail,
            ResidentTag.start_date,
            ResidentTag.end_date,
        )
        .join(Resident)
        .where(ResidentTag.end_date.is_null())
        .order_by(Resident.id_number, ResidentTag.tag)
        .tuples()
    )
    return list(people) + list(tags)


# -- the cell on its own ------------------------------------------------------------------


def test_messy_cells_parse():
    cell = parse_cell(" 低保户，残疾 (肢体残疾二级)、 高龄 / 特扶；低保 ", AS_OF)
    assert not cell.errors and not cell.warnings
    assert cell.tags == [
        TagValue("dibao"),
        TagValue("disabled", "4类2级"),
        TagValue("oldest_old"),
        TagValue("fp_assist"),
    ]
    cell = parse_cell("残疾人【3类1级，自2019年4月1日】;独居老人（2020.05起） 退伍军人", AS_OF)
    assert cell.tags == [
        TagValue("disabled", "3类1级", dt.date(2019, 4, 1)),
        TagValue("alone_elderly", "", dt.date(2020, 5, 1)),
        TagValue("veteran"),
    ]
    assert parse_cell("无", AS_OF).tags == [] and parse_cell("", AS_OF).tags == []
    assert "不是可识别的特殊人群" in parse_cell("低宝", AS_OF).errors[0]
    assert "无法识别" in parse_cell("残疾人（9类2级）", AS_OF).errors[0]
    future = parse_cell("低保（2027-01-01起）", AS_OF)  # kept, but questioned
    assert future.tags == [TagValue("dibao", "", dt.date(2027, 1, 1))]
    assert "晚于今天" in future.warnings[0] and not future.errors
    assert "不一致" in parse_cell("残疾人(4类2级)；残疾(3类1级)", AS_OF).errors[0]
    assert "未注明" in parse_cell("残疾人", AS_OF).warnings[0]
    # what the export writes reads back as it was
    written = format_tags(
        [
            ("dibao", "", None),
            ("disabled", "4类2级", dt.date(2023, 5, 1)),
            ("tekun", "集中供养，五保", dt.date(2021, 1, 31)),
        ]
    )
    assert written == "低保；残疾人（4类2级，2023-05-01起）；特困（集中供养，五保，2021-01-31起）"
    assert parse_cell(written, AS_OF).tags == [
        TagValue("dibao"),
        TagValue("disabled", "4类2级", dt.date(2023, 5, 1)),
        TagValue("tekun", "集中供养，五保", dt.date(2021, 1, 31)),
    ]


def test_headers():
    assert header_field("特殊人群") == header_field("特殊群体") == "special_groups"
    assert header_field("特殊人群（多项用；分隔）") == "special_groups"
    assert header_field("户电话") == header_field("家庭电话") == "household_phone"
    assert header_field("户备注") == "household_notes"
    assert header_field("联系电话") == "phone"


# -- importing ----------------------------------------------------------------------------


def test_messy_special_group_cells_import(clerk, tmp_path):
    path = _book(
        tmp_path / "messy.xlsx",
        _rows(
            {
                HEAD_ID: "退役军人、 残疾（肢体残疾二级，2020年3月1日起）",
                WIFE_ID: "低保户;高龄",
                SON_ID: "低宝",  # unknown: the row is rejected, never half-taken
                OTHER_ID: "独居  空巢老人 (2019.06.01起)",
            }
        ),
    )
    result = wi.import_file(clerk, path, today=AS_OF, options=OPTS)
    assert [wi.rejected_entry(r) for r in result.rejected] == [
        {
            "sheet": "花名册",
            "row": 4,
            "column": "G",
            "reason": "“低宝”不是可识别的特殊人群（可填：低保、特困、残疾人、独居老人、空巢老人、"
            "高龄老人、退役军人、计生特扶、留守儿童）",
        }
    ]
    assert _open(HEAD_ID) == [("disabled", "4类2级", dt.date(2020, 3, 1)), ("veteran", "", None)]
    assert _open(WIFE_ID) == [("dibao", "", None), ("oldest_old", "", None)]
    assert _open(OTHER_ID) == [("alone_elderly", "", None), ("empty_nest", "", dt.date(2019, 6, 1))]
    assert (result.tags_added, result.tags_changed, result.tags_ended) == (6, 0, 0)
    household = Household.get(Household.household_no == "T001")
    assert household.phone == "0911-4221234"
    created = AuditLog.select().where(
        (AuditLog.table_name == "resident_tag") & (AuditLog.action == "create")
    )
    assert created.count() == 6 and all(a.username == "clerk" for a in created)
    assert {json.loads(a.after)["tag"] for a in created} >= {"veteran", "disabled", "dibao"}


def test_file_without_the_column_leaves_tags_alone(clerk, tmp_path):
    wi.import_file(
        clerk,
        _book(tmp_path / "a.xlsx", _rows({HEAD_ID: "低保；残疾人(4类2级)"})),
        today=AS_OF,
        options=OPTS,
    )
    before = _open(HEAD_ID)
    assert len(before) == 2
    rows = [row[:5] + ["13900000000"] for row in _rows({})]
    result = wi.import_file(
        clerk,
        _book(tmp_path / "b.xlsx", rows, HEADER[:5] + ["联系电话"]),
        today=AS_OF,
        options=OPTS,
    )
    assert result.updated_residents == 4 and not result.rejected
    assert _open(HEAD_ID) == before
    assert ResidentTag.select().where(ResidentTag.end_date.is_null(False)).count() == 0
    assert Resident.get(Resident.id_number == HEAD_ID).phone == "13900000000"


def test_corrected_file_ends_a_tag_and_keeps_the_row(clerk, tmp_path):
    wi.import_file(
        clerk,
        _book(tmp_path / "a.xlsx", _rows({HEAD_ID: "低保；残疾人(4类2级)", WIFE_ID: "低保"})),
        today=AS_OF,
        options=OPTS,
    )
    dibao = (
        ResidentTag.select()
        .join(Resident)
        .where((Resident.id_number == HEAD_ID) & (ResidentTag.tag == "dibao"))
        .get()
    )
    corrected = _book(tmp_path / "b.xlsx", _rows({HEAD_ID: "残疾人（4类3级）", WIFE_ID: ""}))
    pv = wi.preview(clerk, corrected, today=AS_OF, options=OPTS)
    head = next(r for r in pv.rows if r.id_number == HEAD_ID)
    assert head.action == "update" and "“低保”表中未填，导入后将结束" in head.reason()
    assert pv.tag_counts() == (0, 1, 2)
    result = wi.apply(clerk, pv)
    assert (result.updated_residents, result.tags_changed, result.tags_ended) == (2, 1, 2)
    ended = ResidentTag.get_by_id(dibao.id)  # still there, dated
    assert ended.end_date == AS_OF and ended.tag == "dibao"
    assert _open(HEAD_ID) == [("disabled", "4类3级", None)]
    assert _open(WIFE_ID) == []
    assert ResidentTag.select().count() == 3  # nothing deleted
    audit = AuditLog.get(
        (AuditLog.table_name == "resident_tag")
        & (AuditLog.record_id == str(dibao.id))
        & (AuditLog.action == "update")
    )
    assert json.loads(audit.before) == {"end_date": None}
    assert json.loads(audit.after) == {"end_date": AS_OF.isoformat()}
    grade = (
        AuditLog.select()
        .where((AuditLog.table_name == "resident_tag") & (AuditLog.after.contains("4类3级")))
        .get()
    )
    assert json.loads(grade.before) == {"detail": "4类2级"}
    # the same corrected file again: nothing left to do
    again = wi.import_file(clerk, corrected, today=AS_OF, options=OPTS)
    assert (again.updated_residents, again.tags_added, again.tags_changed, again.tags_ended) == (
        0,
        0,
        0,
        0,
    )
    # the tag comes back: a new row, the ended one stays as history
    wi.import_file(
        clerk,
        _book(tmp_path / "c.xlsx", _rows({WIFE_ID: "低保(2026-11-01起)"})),
        today=AS_OF,
        options=OPTS,
    )
    assert _open(WIFE_ID) == [("dibao", "", dt.date(2026, 11, 1))]
    assert ResidentTag.select().join(Resident).where(Resident.id_number == WIFE_ID).count() == 2


# -- the round trip -----------------------------------------------------------------------


@pytest.fixture
def varied(demo_small):
    """The demo community with every kind of value the new columns carry."""
    house = Household.select().order_by(Household.id).first()
    house.phone, house.notes = "0911-4223344", "楼道堆物，已提醒"
    house.save()
    person = Resident.select().order_by(Resident.id).first()
    ResidentTag.create(resident=person, tag="tekun", detail="集中供养", start_date=None)
    ResidentTag.create(
        resident=person,
        tag="fp_assist",
        start_date=dt.date(2022, 7, 1),
        end_date=dt.date(2025, 1, 1),
    )  # ended: history, not exported
    return demo_small


def test_export_reimports_with_tags_unchanged(varied, admin, tmp_path):
    assert ResidentTag.select().where(ResidentTag.tag == "disabled").count() > 0
    path = tmp_path / "导出.xlsx"
    workbook_export.export_register(admin, path)
    sheet = load_workbook(path)["花名册"]
    header = [c.value for c in sheet[2]]
    assert {"特殊人群", "户电话", "户备注"} <= set(header)
    cells = [row[header.index("特殊人群")] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert any(c and "残疾人（" in c and "类" in c and "级" in c for c in cells)
    assert any(c and c.startswith("特困（集中供养") for c in cells)
    assert not any(c and "计生特扶" in c for c in cells)

    original = _register()
    audit_rows = AuditLog.select().count()
    again = wi.import_file(
        admin, path, today=AS_OF, options=OPTS
    )  # into the same database: nothing changes
    assert (
        again.updated_households,
        again.updated_residents,
        again.tags_added,
        again.tags_changed,
        again.tags_ended,
        len(again.rejected),
    ) == (0, 0, 0, 0, 0, 0)
    assert not any(r.issues for r in again.preview.rows)
    assert _register() == original and AuditLog.select().count() == audit_rows + 1

    close_database()
    open_database(tmp_path / "empty.sqlite3")
    fresh = users.create_first_admin("admin", "系统管理员", "test1234")
    into_empty = wi.import_file(fresh, path, today=AS_OF, options=OPTS)
    assert not into_empty.rejected and into_empty.tags_added == len(
        [t for t in original if len(t) == 5]
    )
    assert _register() == original
    audit_rows = AuditLog.select().count()
    second = wi.import_file(fresh, path, today=AS_OF, options=OPTS)  # and again into the filled one
    assert (
        second.updated_households,
        second.updated_residents,
        second.tags_added,
        second.tags_changed,
        second.tags_ended,
    ) == (0, 0, 0, 0, 0)
    assert _register() == original and AuditLog.select().count() == audit_rows + 1
    export_2 = tmp_path / "第二次.xlsx"
    workbook_export.export_register(fresh, export_2)
    rows_1 = [list(r) for r in load_workbook(path)["花名册"].iter_rows(min_row=2, values_only=True)]
    rows_2 = [
        list(r) for r in load_workbook(export_2)["花名册"].iter_rows(min_row=2, values_only=True)
    ]
    assert rows_1 == rows_2


def test_import_window_says_which_groups_end(qtbot, clerk, tmp_path, dialogs):
    from PySide6.QtCore import Qt

    from ui.registry.import_dialog import ImportDialog

    wi.import_file(
        clerk, _book(tmp_path / "a.xlsx", _rows({HEAD_ID: "低保；高龄"})), today=AS_OF, options=OPTS
    )
    dialogs.always("confirm", True)
    dialogs.allow("inform")
    asked = dialogs.said("confirm")
    dialog = ImportDialog(clerk)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load(_book(tmp_path / "b.xlsx", _rows({HEAD_ID: "高龄老人；退役军人"})))
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
    assert "特殊人群新增1项、修改0项、结束1项" in dialog.summary.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.imported, timeout=20000)
    assert "特殊人群：新增 1 项、修改 0 项、结束 1 项" in asked[0]
    assert _open(HEAD_ID) == [("oldest_old", "", None), ("veteran", "", None)]
    assert ResidentTag.select().where(ResidentTag.end_date.is_null(False)).count() == 1
