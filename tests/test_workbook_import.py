"""Importing the messy register: the right rows in, the right rows out with reasons."""

from __future__ import annotations

import datetime as dt

import pytest
import workbook_samples as ws
from openpyxl import load_workbook

from models.core.entities import AuditLog, Compound, Household, LifeEvent, Resident
from models.registry.workbook import importer as wi
from models.registry.workbook.read import WorkbookReadError, read_workbook

TODAY = dt.date(2026, 11, 27)


def _counts() -> tuple[int, int, int, int]:
    return (
        Compound.select().count(),
        Household.select().count(),
        Resident.select().count(),
        AuditLog.select().count(),
    )


def _by_row(pv: wi.Preview) -> dict[tuple[str, int], wi.RowResult]:
    return {(r.sheet, r.row): r for r in pv.rows}


@pytest.fixture
def messy(tmp_path):
    return ws.messy_workbook(tmp_path / "花名册.xlsx")


def test_reader_finds_headers_fills_merges_and_drops_noise(messy):
    data = read_workbook(messy)
    assert [s.name for s in data.sheets] == ["南关小区", "Sheet2"]
    assert data.ignored_sheets and data.ignored_sheets[0][0] == "填表说明"
    first, second = data.sheets
    assert first.header_row == 3 and second.header_row == 2
    assert {"household_no", "relation", "id_number", "birth_date", "phone"} <= set(first.columns)
    assert second.columns["household_no"] == 1  # "户  号" with spaces
    assert second.columns["id_number"] == 8  # "公民身份号码\n（18位）"
    rows = {r.number: r for r in first.rows}
    assert rows[6].values[1] == "N001" and rows[6].values[2] == "1号楼"  # merged down
    assert 7 not in rows and 19 not in rows and 20 not in rows
    assert (19, "合计行") in first.skipped


def test_header_spellings():
    from models.registry.workbook.headers import map_headers

    columns = map_headers(
        [
            "序号",
            "户主姓名",
            "户  号",
            "姓名",
            "与户主的关系",
            "户主身份证号",
            "身份证号码(18位)",
            "出生年月日",
            "电话号码（手机）",
            "户口所在地详址",
        ]
    )
    assert columns == {
        "household_no": 2,
        "name": 3,
        "relation": 4,
        "id_number": 6,
        "birth_date": 7,
        "phone": 8,
        "hukou_address": 9,
    }
    assert map_headers(["户主关系", "居民姓名", "公民身份证号码"]) == {
        "relation": 0,
        "name": 1,
        "id_number": 2,
    }


def test_preview_marks_every_row_right(messy, clerk):
    before = _counts()
    pv = wi.preview(clerk, messy, today=TODAY, options=ws.MESSY)
    assert _counts() == before  # a preview writes nothing
    rows = _by_row(pv)
    assert set(rows) == ws.ACCEPTED | set(ws.REJECTED)
    for key in ws.ACCEPTED:
        assert not rows[key].rejected, (key, rows[key].reason())
    for key, (column, words) in ws.REJECTED.items():
        row = rows[key]
        assert row.rejected, key
        entry = wi.rejected_entry(row)
        assert column in entry["column"].split(","), (key, entry)
        assert words in entry["reason"], (key, entry)
    assert {k for k, r in rows.items() if r.status == wi.WARNING} == ws.WARNED
    warned = rows[("南关小区", 11)].reason()
    assert "1981年1月2日" in warned and "与身份证号码（女）不符" in warned
    assert (
        "15位有效数字" in rows[("南关小区", 8)].reason()
        and "无法恢复" in rows[("南关小区", 8)].reason()
    )
    assert any("填表说明" in note for note in pv.notes)
    assert pv.new_households == 5 and pv.new_residents == 10
    assert pv.new_compounds == ["南关小区", "北关新村"]


def test_import_writes_valid_rows_with_the_right_values(messy, clerk):
    result = wi.import_file(clerk, messy, today=TODAY, options=ws.MESSY)
    assert (result.new_households, result.new_residents, result.updated_residents) == (5, 10, 0)
    assert len(result.rejected) == len(ws.REJECTED)
    assert sorted(c.name for c in Compound.select()) == sorted(["南关小区", "北关新村"])
    li = Resident.get(Resident.id_number == ws.LI)  # lower-case x came in as X
    assert li.name == "李秀英" and li.relation == "12" and li.sex == "2"
    assert li.household.household_no == "N001" and li.household.building == "1号楼"
    son = Resident.get(Resident.id_number == ws.WANG_SON)  # full-width digits
    assert son.ethnicity == "03" and son.relation == "22" and son.education == "60"
    assert son.birth_date == dt.date(1985, 3, 2) and son.pinyin_initials == "wxm"
    wang = Resident.get(Resident.id_number == ws.WANG)
    assert wang.phone == "13912345678" and wang.relation == "02"
    sun = Resident.get(Resident.id_number == ws.SUN_18)  # 15 digits, converted to 18
    assert sun.birth_date == dt.date(1950, 1, 1)
    daughter = Resident.get(Resident.id_number == ws.SUN_DAUGHTER)
    assert daughter.sex == "2" and daughter.birth_date == dt.date(1981, 1, 2)  # the ID wins
    assert Resident.get(Resident.id_number == ws.ZHOU).name == "周八"
    han = Resident.get(Resident.id_number == ws.HAN)
    assert han.relation == "02" and han.category == "4" and han.political_status == "03"
    house = han.household
    assert (house.compound.name, house.building, house.unit, house.room, house.household_type) == (
        "北关新村",
        "5",
        "2",
        "101",
        "3",
    )
    shen = Resident.get(Resident.id_number == ws.SHEN)
    assert shen.ethnicity == "11" and shen.marital_status == "20" and shen.category == "1"
    for number in (ws.QIAN, ws.MARS, ws.CHEN, ws.CHU, ws.NO_RELATION):
        assert not Resident.select().where(Resident.id_number == number).exists()
    assert Resident.select().where(Resident.name == "吴九").count() == 0
    # audited: one create row per record and one summary row, all as the clerk
    creates = AuditLog.select().where(
        (AuditLog.action == "create") & (AuditLog.username == "clerk")
    )
    assert creates.count() == 2 + 5 + 10 + 10  # compounds, households, residents, their events
    # every new person enters the register on the import's day (the file gives no arrival)
    events = LifeEvent.select().where(LifeEvent.kind == "enrolled")
    assert events.count() == 10 and {e.event_date for e in events} == {TODAY}
    assert {e.resident.id_number for e in events} >= {ws.WANG, ws.HAN}
    summary = AuditLog.get(AuditLog.action == "import")
    assert summary.username == "clerk" and '"rejected": 11' in summary.after


def test_importing_again_changes_nothing(messy, clerk):
    wi.import_file(clerk, messy, today=TODAY, options=ws.MESSY)
    before = _counts()
    again = wi.import_file(clerk, messy, today=TODAY, options=ws.MESSY)
    assert (
        again.new_households,
        again.new_residents,
        again.updated_residents,
        again.updated_households,
    ) == (0, 0, 0, 0)
    assert len(again.rejected) == len(ws.REJECTED)
    assert _counts()[:3] == before[:3]
    assert AuditLog.select().count() == before[3] + 1  # only the summary of the second run
    assert {r.action for r in again.preview.accepted} == {"same"}


def test_rejected_rows_saved_fixed_and_imported_again(messy, clerk, tmp_path):
    from models.registry.workbook.rejects import save_rejected

    first = wi.import_file(clerk, messy, today=TODAY, options=ws.MESSY)
    out = tmp_path / "退回.xlsx"
    assert save_rejected(first.preview, out) == len(ws.REJECTED)
    book = load_workbook(out)
    assert book.sheetnames == ["南关小区", "Sheet2"]
    sheet = book["南关小区"]
    header = [c.value for c in sheet[1]]
    assert header == ws.HEADER_1 + ["问题"]
    names = {row[6].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(names) == {"赵四", "钱五", "吴九", "郑十", "卫十一", "陈二", "褚三"}
    assert "15位有效数字" in names["赵四"][-1].value
    assert sheet["H1"].number_format == "@" or names["赵四"][7].number_format == "@"
    # The clerk types the real number as text, corrects another and changes a known phone.
    names["赵四"][7].value = ws.ZHAO
    names["卫十一"][10].value = "汉族"
    sheet.append(
        [
            99,
            "N001",
            "1号楼",
            "2单元",
            "301",
            "户主",
            "王建国",
            ws.WANG,
            "男",
            None,
            "汉",
            "初中",
            "13800000000",
        ]
    )
    book.save(out)
    before = _counts()
    second = wi.import_file(clerk, out, today=TODAY, options=ws.MESSY)
    assert (second.new_households, second.new_residents) == (1, 3)  # N002 whole, plus 卫十一
    # 王建国's phone; and the two duplicates left as they were now update the people whose
    # numbers they carry: shown as warnings in the preview, so the clerk sees it coming.
    assert second.updated_residents == 3
    rows = {(r.sheet, r.name): r for r in second.preview.rows}
    assert "将改为“吴九”" in rows[("南关小区", "吴九")].reason()
    assert "属户号N001，将移到户号N003" in rows[("南关小区", "吴九")].reason()
    assert rows[("南关小区", "王建国")].status == wi.OK
    assert Resident.get(Resident.id_number == ws.WANG).phone == "13800000000"
    assert Resident.get(Resident.id_number == ws.ZHAO).household.household_no == "N002"
    assert _counts()[2] == before[2] + 3
    assert Resident.select().where(Resident.id_number == ws.WANG).count() == 1
    assert len(second.rejected) == len(ws.REJECTED) - 5  # fixed 3, the 2 duplicates went in


def test_cancel_leaves_the_database_unchanged(messy, clerk):
    wi.import_file(clerk, messy, today=TODAY, options=ws.MESSY)
    before = _counts()
    pv = wi.preview(clerk, messy, today=TODAY, options=ws.MESSY)
    for row in pv.rows:  # make every accepted row an update so that there is work to cancel
        row.person["phone"] = "13300000000"
    calls = []

    def progress(done: int, total: int) -> bool:
        calls.append(done)
        return False

    with pytest.raises(wi.ImportCancelled):
        wi.apply(clerk, pv, progress)
    assert calls and _counts() == before
    assert not Resident.select().where(Resident.phone == "13300000000").exists()


def test_dry_run_writes_nothing(messy, clerk):
    before = _counts()
    result = wi.import_file(clerk, messy, dry_run=True, today=TODAY, options=ws.MESSY)
    assert result.new_residents == 10 and _counts() == before


def test_head_rules_against_the_register(messy, clerk, tmp_path):
    wi.import_file(clerk, messy, today=TODAY, options=ws.MESSY)
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.title = "南关小区"
    sheet.append(["户号", "姓名", "与户主关系", "身份证号码"])
    newcomer = ws.make_id(dt.date(1980, 10, 10), "1", 300)
    sheet.append(["N001", "新户主", "户主", newcomer])  # N001 already has a head
    member = ws.make_id(dt.date(2001, 1, 1), "2", 310)
    sheet.append(["N003", "孙八", "孙女", member])  # a member joins an existing household
    sheet.append(["N003", "蒋一", "儿子", ws.JIANG])  # the head of B001 moves: B001 left headless
    path = tmp_path / "change.xlsx"
    wb.save(path)
    result = wi.import_file(clerk, path, today=TODAY, options=ws.MESSY)
    rows = {r.row: r for r in result.preview.rows}
    assert rows[2].rejected and "已有户主王建国" in rows[2].reason()
    assert not rows[3].rejected and result.new_residents == 1
    assert rows[4].rejected and "户号B001的户主" in rows[4].reason()
    assert Resident.get(Resident.id_number == member).household.household_no == "N003"


def test_status_of_known_people_is_not_changed(messy, clerk, tmp_path):
    wi.import_file(clerk, messy, today=TODAY, options=ws.MESSY)
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.append(["小区", "户号", "姓名", "与户主关系", "身份证号码", "人员状态"])
    sheet.append(["南关小区", "N003", "周八", "非亲属", ws.ZHOU, "死亡"])
    path = tmp_path / "status.xlsx"
    wb.save(path)
    result = wi.import_file(clerk, path, today=TODAY, options=ws.MESSY)
    row = result.preview.rows[0]
    assert row.status == wi.WARNING and "导入不改变人员状态" in row.reason()
    assert Resident.get(Resident.id_number == ws.ZHOU).status == "current"


def test_csv_in_gbk_and_utf8_with_bom(tmp_path, clerk):
    text = ws.csv_text()
    gbk = tmp_path / "东门花园.csv"
    gbk.write_bytes(text.encode("gbk"))
    result = wi.import_file(clerk, gbk, today=TODAY, options=ws.MESSY)
    assert result.preview.encoding == "gbk"
    assert (result.new_households, result.new_residents) == (2, 3)
    assert [wi.rejected_entry(r)["row"] for r in result.rejected] == [7]
    assert "15位有效数字" in result.rejected[0].reason()
    assert Resident.select().where(Resident.name == "司马静").exists()
    assert Resident.get(Resident.name == "诸葛亮").id_number.endswith("X")
    utf = tmp_path / "utf8.csv"
    utf.write_bytes(text.encode("utf-8-sig"))
    again = wi.import_file(clerk, utf, today=TODAY, options=ws.MESSY)
    assert again.preview.encoding == "utf-8-sig"
    assert (again.new_residents, again.updated_residents, len(again.rejected)) == (0, 0, 1)
    assert Compound.get(Compound.name == "东门花园")


def test_unreadable_files(tmp_path, clerk):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(WorkbookReadError):
        wi.preview(clerk, junk)
    empty = tmp_path / "empty.csv"
    empty.write_text("just,some,words\n1,2,3\n", encoding="utf-8")
    with pytest.raises(WorkbookReadError, match="没有找到花名册"):
        wi.preview(clerk, empty)
    fake = tmp_path / "网页导出.xls"  # web systems' ".xls" that is really a web page
    fake.write_text("<html><table><tr><td>姓名</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(WorkbookReadError, match="另存为 .xlsx"):
        wi.preview(clerk, fake)
    with pytest.raises(WorkbookReadError, match="不存在"):
        wi.preview(clerk, tmp_path / "missing.xlsx")


def test_officer_may_not_import(messy, officer):
    from models.core.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):
        wi.preview(officer, messy)


def test_household_already_headless_in_the_register_is_a_warning(messy, clerk, tmp_path):
    from openpyxl import Workbook

    wi.import_file(clerk, messy, today=TODAY, options=ws.MESSY)
    head = Resident.get(Resident.id_number == ws.FENG)  # N004's only member and head
    head.status = "deceased"
    head.save()
    wb = Workbook()
    wb.active.title = "南关小区"
    wb.active.append(["户号", "姓名", "与户主关系", "身份证号码"])
    child = ws.make_id(dt.date(2000, 3, 3), "1", 500)
    wb.active.append(["N004", "冯小", "儿子", child])
    wb.save(tmp_path / "child.xlsx")
    result = wi.import_file(clerk, tmp_path / "child.xlsx", today=TODAY, options=ws.MESSY)
    row = result.preview.rows[0]
    assert row.status == wi.WARNING and "没有在册的户主" in row.reason()
    assert Resident.get(Resident.id_number == child).household.household_no == "N004"
    # the messy file again: 陈二, its second head, may now lead N004 instead of being turned away
    again = wi.import_file(clerk, messy, today=TODAY, options=ws.MESSY)
    assert not {(r.sheet, r.row): r for r in again.preview.rows}[("南关小区", 17)].rejected
    assert Resident.get(Resident.id_number == ws.CHEN).relation == "02"


def test_same_household_number_in_two_compounds_is_refused(clerk, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    first.title = "西苑小区"
    second = wb.create_sheet("东门花园")
    for sheet, n in ((first, 600), (second, 610)):  # both numbered from 1, as many registers are
        sheet.append(["户号", "楼栋", "姓名", "与户主关系", "身份证号码"])
        sheet.append(["1", None, f"户主{n}", "户主", ws.make_id(dt.date(1970, 1, 1), "1", n)])
        sheet.append(["1", "9号楼", f"妻{n}", "妻", ws.make_id(dt.date(1971, 1, 1), "2", n)])
    wb.save(tmp_path / "two.xlsx")
    result = wi.import_file(
        clerk,
        tmp_path / "two.xlsx",
        today=TODAY,
        options=wi.ImportOptions(
            compounds={"西苑小区": "西苑小区", "东门花园": "东门花园"}, category="1"
        ),
    )
    rows = {(r.sheet, r.row): r for r in result.preview.rows}
    assert not rows[("西苑小区", 2)].rejected and not rows[("西苑小区", 3)].rejected
    assert "属于小区“西苑小区”" in rows[("东门花园", 2)].reason()
    assert rows[("东门花园", 3)].rejected
    house = Household.get(Household.household_no == "1")
    assert house.compound.name == "西苑小区" and house.building == "9号楼"  # from its 2nd row
