"""The 一表通 workbook engine: finding a department template's header and footer, and filling
a copy of it (models/fill/layout.py, models/fill/write.py). Templates are built here the way
departments send them."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.datavalidation import DataValidation

from models.fill.date_blanks import fill_placeholder
from models.fill.layout import analyse, sheet_names
from models.fill.template_file import TemplateError
from models.fill.write import FillCancelled, fill_workbook

AS_OF = dt.date(2026, 12, 3)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FOOTER = "制表人：      审核人：      填报日期：    年  月  日"
TITLE = "XX街道80周岁以上老人名单（  年  月）"


def elderly_template(path: Path) -> Path:
    """高龄老人名单: merged title, 填报单位 line, two-row header (户籍地址 over 小区/楼栋/门牌,
    the others merged down), 3 bordered blank rows, one empty row, a merged footer, a 性别
    dropdown, and a second sheet with notes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "高龄老人"
    ws["A1"] = TITLE
    ws.merge_cells("A1:J1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.row_dimensions[1].height = 32
    ws["A2"] = "填报单位（盖章）：            社区"
    ws.merge_cells("A2:E2")
    singles = {
        "A": "序号",
        "B": "姓名",
        "C": "性别",
        "D": "身份证号码",
        "E": "出生日期",
        "I": "联系电话",
        "J": "备注",
    }
    for letter, text in singles.items():
        ws[f"{letter}3"] = text
        ws.merge_cells(f"{letter}3:{letter}4")
    ws["F3"] = "户籍地址"
    ws.merge_cells("F3:H3")
    ws["F4"], ws["G4"], ws["H4"] = "小区", "楼栋", "门牌"
    for row in ws.iter_rows(min_row=3, max_row=4, max_col=10):
        for cell in row:
            cell.border = BOX
            cell.font = Font(bold=True)
    for r in (5, 6, 7):
        ws.row_dimensions[r].height = 21
        for c in range(1, 11):
            cell = ws.cell(r, c)
            cell.border = BOX
            cell.font = Font(name="宋体", size=11)
            cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.cell(r, 4).number_format = "@"
        ws.cell(r, 5).number_format = "yyyy年m月d日"
    ws["A9"] = FOOTER
    ws.merge_cells("A9:J9")
    ws.row_dimensions[9].height = 28
    ws["A9"].font = Font(italic=True)
    dv = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("C5:C7")
    for letter, width in zip("ABCDEFGHIJ", (6, 10, 6, 22, 14, 12, 8, 8, 14, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = "3:4"
    notes = wb.create_sheet("填表说明")
    notes["A1"] = "身份证号码须为18位"
    wb.save(path)
    return path


def people(n: int) -> list[list[object]]:
    rows: list[list[object]] = []
    for i in range(n):
        rows.append(
            [
                i + 1,
                f"老人{i + 1}",
                "男" if i % 2 else "女",
                f"61062719400101{i:03d}X",
                dt.date(1940, 1, 1 + i),
                "西苑小区",
                f"{i + 1}号楼",
                f"{i + 1}01",
                13800000000 + i,
                None,
            ]
        )
    return rows


def test_analyse_finds_two_row_header_footer_and_placeholders(tmp_path):
    path = elderly_template(tmp_path / "高龄.xlsx")
    layout = analyse(path)
    assert layout.sheet == "高龄老人"
    assert (layout.header_top, layout.header_bottom, layout.first_data_row) == (3, 4, 5)
    assert layout.footer_row == 9
    assert [c.label for c in layout.columns] == [
        "序号",
        "姓名",
        "性别",
        "身份证号码",
        "出生日期",
        "户籍地址·小区",
        "户籍地址·楼栋",
        "户籍地址·门牌",
        "联系电话",
        "备注",
    ]
    assert [c.letter for c in layout.columns] == list("ABCDEFGHIJ")
    assert [c.index for c in layout.columns] == list(range(1, 11))
    assert layout.placeholders == ("A1", "A9")
    assert sheet_names(path) == ["高龄老人", "填表说明"]
    # The same analysis from the file's bytes, and for a named sheet.
    assert analyse(path.read_bytes(), sheet="高龄老人") == layout
    with pytest.raises(TemplateError, match="没有找到表头"):
        analyse(path, sheet="填表说明")
    with pytest.raises(TemplateError, match="没有名为"):
        analyse(path, sheet="不存在")


def test_fill_moves_footer_extends_dropdown_and_keeps_the_form(tmp_path):
    path = elderly_template(tmp_path / "高龄.xlsx")
    original = path.read_bytes()
    layout = analyse(path)
    rows = people(10)
    rows[2][1] = "=HYPERLINK(1)"
    rows[3][9] = "+86 备注"
    out = tmp_path / "填好.xlsx"
    written = fill_workbook(path, layout, rows, out, as_of=AS_OF, text_columns={4, 9})
    assert written == 10
    assert path.read_bytes() == original  # the department's file is untouched

    wb = load_workbook(out)
    ws = wb["高龄老人"]
    # Data rows 5..14, values in their columns.
    assert [ws.cell(5, c).value for c in (1, 2, 3, 6, 7, 8)] == [
        1,
        "老人1",
        "女",
        "西苑小区",
        "1号楼",
        "101",
    ]
    assert ws["B14"].value == "老人10"
    assert ws["D5"].value == "61062719400101000X"
    assert ws["D14"].data_type == "s" and ws["D14"].number_format == "@"
    assert ws["I14"].value == "13800000009" and ws["I14"].number_format == "@"
    assert isinstance(ws["E6"].value, dt.datetime) and ws["E6"].value.date() == dt.date(1940, 1, 2)
    assert ws["E6"].number_format == "yyyy年m月d日"  # the template's own date format
    # Rows past the 3 prepared ones look like them: border, font, alignment, height.
    for r in (5, 12, 14):
        assert ws.cell(r, 10).border.left.style == "thin"
        assert ws.cell(r, 2).font.name == "宋体"
        assert ws.cell(r, 2).alignment.horizontal == "center"
        assert ws.row_dimensions[r].height == 21
    # A name that looks like a formula is text, and no formula is in the sheet.
    assert ws["B7"].value == "=HYPERLINK(1)" and ws["B7"].data_type == "s"
    assert ws["B7"].quotePrefix is True
    assert ws["J8"].value == "+86 备注" and ws["J8"].quotePrefix is True
    with zipfile.ZipFile(out) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    # The footer sits after the data with the template's one blank row; its merge moved too.
    assert ws["A15"].value is None
    assert ws["A16"].value == "制表人：      审核人：      填报日期：2026年12月3日"
    assert ws["A16"].font.italic is True
    assert ws.row_dimensions[16].height == 28
    assert ws["A9"].value == 5 and ws["B9"].value == "老人5"  # a data row now
    merges = {str(r) for r in ws.merged_cells.ranges}
    assert "A16:J16" in merges and "A9:J9" not in merges
    assert {"A1:J1", "A2:E2", "A3:A4", "F3:H3"} <= merges
    # Title date filled, the 性别 dropdown covers all 10 rows.
    assert ws["A1"].value == "XX街道80周岁以上老人名单（2026年12月）"
    assert ws["A1"].font.bold is True and ws["A1"].font.size == 16
    (dv,) = ws.data_validations.dataValidation
    assert str(dv.sqref) == "C5:C14"
    # The rest of the form is unchanged.
    assert ws.column_dimensions["D"].width == 22
    assert ws.column_dimensions["E"].width == 14
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$3:$4"
    assert wb.sheetnames == ["高龄老人", "填表说明"]
    assert wb["填表说明"]["A1"].value == "身份证号码须为18位"


def test_few_rows_use_the_blank_rows_and_leave_the_footer(tmp_path):
    path = elderly_template(tmp_path / "高龄.xlsx")
    layout = analyse(path)
    out = tmp_path / "两人.xlsx"
    assert fill_workbook(path, layout, people(2), out, as_of=AS_OF) == 2
    ws = load_workbook(out).active
    assert ws["B6"].value == "老人2"
    assert ws["B7"].value is None and ws["B7"].border.left.style == "thin"  # left blank
    assert ws["A9"].value.endswith("填报日期：2026年12月3日")
    assert "A9:J9" in {str(r) for r in ws.merged_cells.ranges}
    assert str(ws.data_validations.dataValidation[0].sqref) == "C5:C7"
    assert ws["D5"].data_type == "s"  # an ID given as text stays text without text_columns


def subsidy_template(path: Path) -> Path:
    """A one-row header under a title, one pre-formatted row, no footer."""
    wb = Workbook()
    ws = wb.active
    ws.title = "两项补贴"
    ws["A1"] = "____年__月困难残疾人生活补贴发放名单"
    ws.merge_cells("A1:F1")
    ws.append(["序号", "姓名", "身份证号", "残疾类别", "残疾等级", "补贴金额（元）", "发放日期"])
    for c in range(1, 8):
        ws.cell(3, c).border = BOX
    ws.cell(3, 6).number_format = "0.00"
    ws.column_dimensions["C"].width = 20
    wb.save(path)
    return path


def test_one_row_header_template(tmp_path):
    path = subsidy_template(tmp_path / "补贴.xlsx")
    layout = analyse(path)
    assert (layout.header_top, layout.header_bottom, layout.first_data_row) == (2, 2, 3)
    assert layout.footer_row is None
    assert [c.label for c in layout.columns] == [
        "序号",
        "姓名",
        "身份证号",
        "残疾类别",
        "残疾等级",
        "补贴金额（元）",
        "发放日期",
    ]
    assert layout.placeholders == ("A1",)
    rows = [
        [
            1,
            "张三",
            610627198001011234,
            "肢体",
            "二级",
            Decimal("120.50"),
            dt.datetime(2026, 12, 1, 0, 0),
        ],
        [2, "李四", "610627198102021235", "视力", "一级", 80],
        [3, "王五", None, "听力", "三级", 95.5],
    ]
    out = tmp_path / "out.xlsx"
    assert fill_workbook(path.read_bytes(), layout, rows, out, as_of=AS_OF, text_columns=[3]) == 3
    ws = load_workbook(out).active
    assert ws["A1"].value == "2026年12月困难残疾人生活补贴发放名单"
    assert ws["C3"].value == "610627198001011234" and ws["C3"].number_format == "@"
    assert ws["C5"].value is None and ws["C5"].border.left.style == "thin"
    assert ws["F3"].value == 120.5 and ws["F3"].number_format == "0.00"
    assert ws["F5"].border.bottom.style == "thin"
    assert ws["B5"].value == "王五"
    assert ws["G3"].value == dt.datetime(2026, 12, 1) and ws["G3"].number_format == "yyyy-mm-dd"
    assert ws["G4"].value is None
    assert ws.column_dimensions["C"].width == 20


def test_xls_template_is_filled_as_xlsx(tmp_path):
    # register.xls (written by LibreOffice): a title merged A1:H1, header on row 2, four
    # people with 户号 cells merged down, and a 合计 row under them.
    source = FIXTURES / "register.xls"
    layout = analyse(source)
    assert (layout.header_top, layout.header_bottom) == (2, 2)
    assert [c.label for c in layout.columns][:3] == ["户号", "门牌号", "姓名"]
    assert layout.footer_row == 7
    rows = [
        [
            f"Y{i:03d}",
            f"8-{i}",
            f"新人{i}",
            "户主",
            f"61062719800101{i:03d}X",
            "男",
            dt.date(1980, 1, 1),
            "汉族",
        ]
        for i in range(6)
    ]
    out = tmp_path / "register-filled.xlsx"
    assert fill_workbook(source, layout, rows, out, as_of=AS_OF, text_columns={5}) == 6
    ws = load_workbook(out).active
    assert ws["A1"].value == "西苑小区人口登记表"
    assert "A1:H1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["C2"].value == "姓名"
    assert ws["C2"].font.name == "WenQuanYi Micro Hei"  # the .xls's fonts are carried over
    assert ws.column_dimensions["C"].width == pytest.approx(8.54, abs=0.01)
    assert [ws.cell(r, 3).value for r in range(3, 9)] == [f"新人{i}" for i in range(6)]
    assert ws["A4"].value == "Y001"  # the old A3:A5 merge no longer hides the cell
    assert ws["E8"].value == "61062719800101005X" and ws["E8"].number_format == "@"
    assert ws["A9"].value == "合计"  # the 合计 row moved right under the data


def test_placeholder_forms():
    assert fill_placeholder("2026年  月", AS_OF) == "2026年12月"
    assert fill_placeholder("____年__月", AS_OF) == "2026年12月"
    assert fill_placeholder("    年  月  日", AS_OF) == "2026年12月3日"
    assert fill_placeholder("填报日期：    年  月  日", AS_OF) == "填报日期：2026年12月3日"
    assert fill_placeholder("（  年  月）", AS_OF) == "（2026年12月）"
    assert fill_placeholder("填报日期：2026年11月30日", AS_OF) == "填报日期：2026年11月30日"
    assert fill_placeholder("说明：出生年月日按身份证填写", AS_OF) == "说明：出生年月日按身份证填写"


def test_full_dates_are_no_placeholders(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "2026年11月老人名单"
    ws.append(["序号", "姓名", "性别", "身份证号码"])
    ws["A4"] = "填报日期：2026年11月30日"
    wb.save(tmp_path / "t.xlsx")
    layout = analyse(tmp_path / "t.xlsx")
    assert layout.footer_row == 4
    assert layout.placeholders == ()


def test_unreadable_templates(tmp_path):
    for data in (
        b"PK\x03\x04 not really a zip",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        b"just some bytes",
    ):
        with pytest.raises(TemplateError):
            analyse(data)
    encrypted = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le")
    )
    with pytest.raises(TemplateError, match="密码"):
        analyse(encrypted)
    damaged = tmp_path / "坏.xlsx"
    damaged.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    with pytest.raises(TemplateError, match="坏.xlsx"):
        analyse(damaged)
    csv_file = tmp_path / "名单.csv"
    csv_file.write_text("序号,姓名,性别,身份证号码\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="CSV"):
        analyse(csv_file)
    with pytest.raises(TemplateError, match="不存在"):
        analyse(tmp_path / "没有.xlsx")
    wb = Workbook()
    wb.active["A1"] = "关于报送高龄老人名单的通知"
    wb.active["A3"] = "请各社区于月底前报送。"
    wb.save(tmp_path / "通知.xlsx")
    with pytest.raises(TemplateError, match="没有找到表头"):
        analyse(tmp_path / "通知.xlsx")


def test_cancel_leaves_no_file_and_progress_is_reported(tmp_path):
    path = elderly_template(tmp_path / "高龄.xlsx")
    layout = analyse(path)
    rows = people(5) * 90  # 450 rows
    calls: list[tuple[int, int]] = []
    out = tmp_path / "out" / "填好.xlsx"
    out.parent.mkdir()

    def cancel_at_400(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 400

    with pytest.raises(FillCancelled):
        fill_workbook(path, layout, rows, out, as_of=AS_OF, progress=cancel_at_400)
    assert calls == [(200, 450), (400, 450)]
    assert list(out.parent.iterdir()) == []

    calls.clear()
    assert (
        fill_workbook(
            path, layout, rows, out, as_of=AS_OF, progress=lambda d, t: calls.append((d, t)) is None
        )
        == 450
    )
    assert calls == [(200, 450), (400, 450), (450, 450)]
    assert [p.name for p in out.parent.iterdir()] == ["填好.xlsx"]
    ws = load_workbook(out).active
    assert ws.cell(5 + 449, 2).value == "老人5"
    assert ws.cell(5 + 451, 1).value.startswith("制表人")  # footer after one blank row


def test_output_must_be_a_new_xlsx(tmp_path):
    path = elderly_template(tmp_path / "高龄.xlsx")
    layout = analyse(path)
    with pytest.raises(TemplateError, match="xlsx"):
        fill_workbook(path, layout, people(1), tmp_path / "out.xls", as_of=AS_OF)
    with pytest.raises(TemplateError, match="原模板"):
        fill_workbook(path, layout, people(1), path, as_of=AS_OF)
