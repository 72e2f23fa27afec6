"""Registers laid out as offices really have them (issue 14): each imports with no edits to
the file, only the preview's choices; only the truly bad rows are turned away; a second
import changes nothing; the choices are remembered for the layout."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import workbook_samples as ws

from models.core.entities import AuditLog, Compound, Household, LifeEvent, Resident, Setting
from models.registry.workbook import importer as wi
from models.registry.workbook import words
from models.registry.workbook.cells import date_from_cell
from models.registry.workbook.read import read_workbook

TODAY = dt.date(2026, 11, 27)


def _state() -> tuple[int, int, int, int, int]:
    return (
        Compound.select().count(),
        Household.select().count(),
        Resident.select().count(),
        LifeEvent.select().count(),
        Setting.select().count(),
    )


def _rejected(pv: wi.Preview) -> dict[tuple[str, int], str]:
    return {(r.sheet, r.row): r.reason() for r in pv.rejected}


def _assert_rejected(pv: wi.Preview, expected: dict[tuple[str, int], str]) -> None:
    got = _rejected(pv)
    assert set(got) == set(expected), got
    for key, words_ in expected.items():
        assert words_ in got[key], (key, got[key])


def _person(number: str) -> Resident:
    return Resident.get(Resident.id_number == number)


def test_police_form_households_from_heads_floating_by_its_headers(clerk, tmp_path):
    path = ws.police_workbook(tmp_path / "实有人口批量采集表.xlsx")
    pv = wi.preview(clerk, path, today=TODAY)
    # one question, said once for the sheet: which compound (the sheet name is no compound)
    assert [(q.kind, q.sheet) for q in pv.questions] == [("compound", "实有人口")]
    assert not any("小区" in r.reason() for r in pv.rows)
    assert any("按表头“居住事由”推定为流动人口" in n for n in pv.notes)
    with pytest.raises(wi.ImportBlocked, match="小区"):
        wi.apply(clerk, pv)
    assert _state()[:4] == (0, 0, 0, 0)

    options = wi.ImportOptions(compound="南关小区")
    result = wi.import_file(clerk, path, today=TODAY, options=options)
    _assert_rejected(result.preview, ws.POLICE_REJECTED)
    assert (result.new_households, result.new_residents) == (4, 9)
    views = result.preview.household_views()
    assert [(v.number, v.head, v.members) for v in views] == [
        ("2611-0001", "刘强", 4),
        ("2611-0002", "马军", 3),
        ("2611-0003", "杨帆", 2),
        ("2611-0004", "何平", 3),
    ]
    i = ws.POLICE_IDS
    head = _person(i[0])
    house = head.household
    assert (house.compound.name, house.building, house.unit, house.room) == (
        "南关小区",
        "3号楼",
        "2单元",
        "301",
    )  # 门牌名 + 门牌号 combined
    assert head.category == "4" and head.arrived_on == dt.date(2021, 3, 15)
    assert "居住事由：务工" in head.notes and "拟居住期限：一年以上" in head.notes
    assert (_person(i[2]).relation, _person(i[3]).relation) == ("20", "30")  # 子女 by sex
    assert _person(i[1]).relation == "12"  # 之妻
    mother = _person(i[6])
    assert mother.relation == "50" and "岳父母或公婆" in mother.notes  # approximate: word kept
    # the arrival date is the move-in: no month before it counts them
    event = LifeEvent.get(LifeEvent.resident == head.id)
    assert (event.kind, event.event_date, event.to_value) == (
        "move_in",
        dt.date(2021, 3, 15),
        "2611-0001",
    )
    assert LifeEvent.select().where(LifeEvent.kind == "move_in").count() == 9

    before = _state()
    again = wi.import_file(clerk, path, today=TODAY)  # no options: the layout is remembered
    assert not again.preview.questions
    assert (again.new_households, again.new_residents, again.updated_residents) == (0, 0, 0)
    assert [v.number for v in again.preview.household_views()] == [
        "2611-0001",
        "2611-0002",
        "2611-0003",
        "2611-0004",
    ]  # the households they live in
    assert _state() == before


def test_census_sheets_codes_and_columns_mapped(clerk, tmp_path):
    path = ws.census_workbook(tmp_path / "七普短表.xlsx")
    pv = wi.preview(clerk, path, today=TODAY)
    assert {q.kind for q in pv.questions} == {"compound", "category"}  # 普查小区 is no compound
    assert any("户”未导入" in n for n in pv.notes)  # the 户 sheet: no names, not a register
    options = wi.ImportOptions(
        mapping={"建筑物编号": "building", "住房单元编号": "room", "普查小区": ""},
        compound="北关新村",
        category="1",
    )
    result = wi.import_file(clerk, path, today=TODAY, options=options)
    _assert_rejected(result.preview, ws.CENSUS_REJECTED)
    assert (result.new_households, result.new_residents) == (3, 7)
    i = ws.CENSUS_IDS
    head, spouse, daughter, father = (_person(n) for n in i[:4])
    assert (head.relation, spouse.relation, daughter.relation, father.relation) == (
        "02",
        "12",
        "30",
        "51",
    )  # census 0 户主, 1 配偶, 2 子女, 3 父母 (by the ID's sex)
    assert (head.education, spouse.education, daughter.education) == ("70", "60", "20")
    assert father.education == "90" and "受教育程度填写为“1 未上过学”" in father.notes
    assert "离开户口登记地原因：照料孙子女" in father.notes
    assert not any("出生" in r.reason() for r in result.preview.rows)  # 197604 and 1978.10 read
    house = head.household
    assert (house.household_no, house.building, house.room, house.compound.name) == (
        "001",
        "12",
        "301",
        "北关新村",
    )
    assert Household.get(Household.household_no == "002").household_type == "4"  # 集体户
    assert house.household_type == "2"  # 家庭户 says nothing of 农业/城镇: the default stays
    before = _state()
    again = wi.import_file(clerk, path, today=TODAY)  # mapping, compound, category remembered
    assert not again.preview.questions and again.new_residents == 0
    assert again.updated_residents == 0 and _state() == before


def test_county_template_everyday_words_and_footer(clerk, tmp_path):
    path = ws.county_workbook(tmp_path / "户籍人口信息导入模板.xlsx")
    pv = wi.preview(clerk, path, today=TODAY)
    assert [q.kind for q in pv.questions] == ["compound"]  # 户口性质 says 户籍: not asked
    assert any("第12行跳过：表尾签名行" in n for n in pv.notes)
    result = wi.import_file(clerk, path, today=TODAY, options=wi.ImportOptions(compound="南关小区"))
    _assert_rejected(result.preview, ws.COUNTY_REJECTED)
    assert (result.new_households, result.new_residents) == (2, 9)
    i = ws.COUNTY_IDS
    relations = [_person(n).relation for n in i]
    assert relations == ["02", "12", "20", "38", "42", "41", "02", "43", "44"]
    education = [_person(n).education for n in i[:3]]
    assert education == ["70", "90", "30"]
    assert "文化程度填写为“初中及以下”" in _person(i[0]).notes
    assert {_person(n).category for n in i} == {"1"}
    house = _person(i[6]).household
    assert (house.building, house.unit, house.room, house.household_type) == (
        "6号楼",
        "2单元",
        "101",
        "1",
    )
    assert _person(i[2]).political_status == "01"


def test_grid_csv_in_gbk(clerk, tmp_path):
    path = ws.grid_csv(tmp_path / f"{ws.GRID_SHEET}.csv")
    result = wi.import_file(clerk, path, today=TODAY)
    assert not result.preview.questions
    _assert_rejected(result.preview, ws.GRID_REJECTED)
    i = ws.GRID_IDS
    assert [_person(n).category for n in i[:3]] == ["1", "1", "3"]  # 人户一致 / 人户分离
    assert _person(i[0]).household.household_no == "WG3-001"  # 唯一编号
    again = wi.import_file(clerk, path, today=TODAY)
    assert (again.new_residents, again.updated_residents) == (0, 0)


def test_a_head_turned_away_says_why_for_the_family(clerk, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.title = "南关小区"
    sheet.append(["姓名", "与户主关系", "身份证号码", "人员类别"])
    head = ws.make_id(dt.date(1970, 1, 1), "1", 700)
    sheet.append(["错号户主", "户主", head[:17] + ("0" if head[17] != "0" else "1"), "户籍"])
    sheet.append(["妻", "妻", ws.make_id(dt.date(1971, 1, 1), "2", 710), "户籍"])
    sheet.append(["下一户主", "户主", ws.make_id(dt.date(1972, 1, 1), "1", 720), "户籍"])
    wb.save(tmp_path / "head.xlsx")
    pv = wi.preview(
        clerk, tmp_path / "head.xlsx", today=TODAY, options=wi.ImportOptions(compound="南关小区")
    )
    wife = {r.row: r for r in pv.rows}[3]
    assert wife.rejected and "错号户主" in wife.reason() and "校验码错误" in wife.reason()
    views = pv.household_views()
    assert views[0].problem.startswith("户主（第2行）未能导入") and views[0].action == "不导入"
    assert views[1].head == "下一户主" and views[1].accepted == 1


def test_rows_before_any_head_and_bare_codes(clerk, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.append(["姓名", "与户主关系", "身份证号码", "人员类别"])
    sheet.append(["无户者", "子", ws.make_id(dt.date(2001, 1, 1), "1", 800), "户籍"])
    sheet.append(["张三", "1", ws.make_id(dt.date(1960, 1, 1), "1", 810), "户籍"])
    wb.save(tmp_path / "codes.xlsx")
    pv = wi.preview(
        clerk, tmp_path / "codes.xlsx", today=TODAY, options=wi.ImportOptions(compound="南关小区")
    )
    rows = {r.row: r for r in pv.rows}
    assert rows[2].rejected and "上面也没有户主" in rows[2].reason()
    assert rows[3].rejected and "是代码而不是关系名称" in rows[3].reason()  # never 本人


def test_enrolled_on_the_day_the_clerk_gives(clerk, tmp_path):
    path = ws.county_workbook(tmp_path / "county.xlsx")
    day = dt.date(2026, 11, 2)
    wi.import_file(
        clerk, path, today=TODAY, options=wi.ImportOptions(compound="南关小区", enrolled_on=day)
    )
    events = list(LifeEvent.select())
    assert len(events) == 9 and {(e.kind, e.event_date) for e in events} == {("enrolled", day)}
    assert all(e.username == "clerk" and "导入花名册" in e.reason for e in events)
    logged = AuditLog.select().where(AuditLog.table_name == "life_event").count()
    assert logged == 9
    with pytest.raises(wi.ImportBlocked, match="晚于今天"):
        wi.preview(
            clerk,
            path,
            today=TODAY,
            options=wi.ImportOptions(compound="南关小区", enrolled_on=TODAY + dt.timedelta(days=1)),
        )


def test_a_baby_is_enrolled_from_birth_not_before(clerk, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.append(["小区", "户号", "姓名", "与户主关系", "身份证号码", "人员类别"])
    sheet.append(
        ["南关小区", "E1", "父", "户主", ws.make_id(dt.date(1990, 1, 1), "1", 900), "户籍"]
    )
    baby = ws.make_id(dt.date(2026, 10, 20), "2", 910)
    sheet.append(["南关小区", "E1", "女婴", "女", baby, "户籍"])
    wb.save(tmp_path / "baby.xlsx")
    wi.import_file(
        clerk,
        tmp_path / "baby.xlsx",
        today=TODAY,
        options=wi.ImportOptions(enrolled_on=dt.date(2026, 1, 1)),
    )
    event = LifeEvent.get(LifeEvent.resident == _person(baby).id)
    assert event.event_date == dt.date(2026, 10, 20)


def test_remembered_layout_is_stored_and_audited(clerk, tmp_path):
    path = ws.county_workbook(tmp_path / "county.xlsx")
    wi.import_file(clerk, path, today=TODAY, options=wi.ImportOptions(compound="南关小区"))
    saved = [s for s in Setting.select() if s.key.startswith("import_layout:")]
    assert len(saved) == 1
    value = json.loads(saved[0].value)
    assert value["compound"] == "南关小区" and value["headers"][3] == "*姓名"
    assert (
        AuditLog.select()
        .where((AuditLog.table_name == "setting") & (AuditLog.record_id == saved[0].key))
        .count()
        == 1
    )
    # the clerk's answer for one run wins over the remembered one
    pv = wi.preview(clerk, path, today=TODAY, options=wi.ImportOptions(compound="北关新村"))
    assert {r.household.get("compound") for r in pv.rows} == {"北关新村"}


def test_everyday_words():
    assert words.relation("子女", "1", False)[:2] == ("20", False)
    assert words.relation("子女", "2", False)[:2] == ("30", False)
    assert words.relation("媳婿", "2", False)[:2] == ("38", False)
    assert words.relation("户主之女", "2", False)[:2] == ("30", False)
    assert words.relation("外孙子女", "1", False)[:2] == ("43", False)
    assert words.relation("岳父母或公婆", "1", False)[:2] == ("50", True)
    assert words.relation("6", "1", True)[:2] == ("28", False)  # census 媳婿, a man: 女婿
    assert words.relation("0", None, True)[0] == "02"
    assert words.relation("1", None, False)[0] is None
    assert words.education("初中及以下", False) == ("70", True)
    assert words.education("9", True) == ("10", False)  # census 博士研究生
    assert words.education("大学本科", False) == ("20", False)
    assert words.household_kind("家庭户") == ("", True)
    assert words.household_kind("2", census=True) == ("4", True)
    assert words.split_address("幸福里小区12栋3单元501室") == ("12栋", "3单元", "501")
    assert words.split_address("东岗路12号") == ("", "", "")
    assert date_from_cell(197604).month == 4 and date_from_cell("1976.04").year == 1976
    assert date_from_cell(1976.1).month == 10  # 1976.10 in a number cell
    assert date_from_cell("1980年10月").month == 10


def test_footer_lines_skipped_in_any_column(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.append(["户号", "姓名", "与户主关系", "身份证号码"])
    sheet.append(["A1", "王一", "户主", ws.make_id(dt.date(1970, 1, 1), "1", 950)])
    sheet.append([None, "制表人：张三", None, None])  # in the name column
    sheet.append([None, None, "审核人：李四", "填报日期：2026年11月20日"])
    wb.save(tmp_path / "footer.xlsx")
    table = read_workbook(tmp_path / "footer.xlsx").sheets[0]
    assert [r.number for r in table.rows] == [2]
    assert [why for _, why in table.skipped] == ["表尾签名行", "表尾签名行"]


def test_an_import_never_rewrites_past_months(clerk, tmp_path):
    """People imported without an arrival date count from the enrolment day: October's report
    is what it was, November gains them as 登记入册 and still balances (issue 15)."""
    from models.monthly import stats
    from models.monthly.stats import Month

    before = stats.monthly(Month(2026, 10), sections=False).total.closing
    path = ws.county_workbook(tmp_path / "county.xlsx")
    wi.import_file(
        clerk,
        path,
        today=TODAY,
        options=wi.ImportOptions(compound="南关小区", enrolled_on=dt.date(2026, 11, 2)),
    )
    october = stats.monthly(Month(2026, 10), sections=False).total
    assert october.closing == before and october.enrolled == 0
    november = stats.monthly(Month(2026, 11), sections=False).total
    assert november.enrolled == 9 and november.moved_in == 0
    assert november.opening == before and november.closing == before + 9
    assert november.balanced
