"""The starter set: five templates in the style departments send, made by the project.

Installed the first time the templates are listed, as ordinary templates the office can
change or archive (archived ones are not installed again). Each is a real workbook: a merged
title with a 年 月 blank, a 填报单位 line, a header (two rows where departments use two),
bordered blank rows and a 制表人/审核人 footer, so the same engine fills them as any file a
department sends.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from models.fill.lists import ListCriteria


class System:
    """Who installs the starter set in the audit log."""

    username = "system"
    role = "admin"


@dataclass(frozen=True)
class Starter:
    name: str
    department: str
    list_name: str
    criteria: ListCriteria
    title: str
    # (top label, [sub labels]) for a two-row header; (label, []) for a single column.
    header: tuple[tuple[str, tuple[str, ...]], ...]
    widths: tuple[int, ...]
    sort: str = "household"
    date_rule: str = "as_of"
    overrides: tuple[tuple[str, str], ...] = ()  # header label → key, where propose() differs


STARTERS: tuple[Starter, ...] = (
    Starter(
        "高龄老人名单",
        "民政",
        "80周岁以上老人（截至年底）",
        ListCriteria(min_age=80, date_rule="year_end"),
        "80周岁以上高龄老人名单（    年  月）",
        (
            ("序号", ()),
            ("姓名", ()),
            ("性别", ()),
            ("出生日期", ()),
            ("年龄", ()),
            ("身份证号码", ()),
            ("现住址", ("小区", "楼栋", "门牌")),
            ("联系电话", ()),
            ("备注", ()),
        ),
        (6, 10, 6, 12, 6, 21, 14, 8, 10, 14, 12),
        sort="birth_date",
        date_rule="year_end",
    ),
    Starter(
        "残疾人台账",
        "残联",
        "持证残疾人",
        ListCriteria(tag="disabled"),
        "残疾人基本情况台账（    年  月）",
        (
            ("序号", ()),
            ("姓名", ()),
            ("性别", ()),
            ("身份证号码", ()),
            ("残疾情况", ("残疾类别", "残疾等级")),
            ("户籍地址", ()),
            ("现住址", ()),
            ("联系电话", ()),
            ("备注", ()),
        ),
        (6, 10, 6, 21, 12, 10, 30, 26, 14, 12),
    ),
    Starter(
        "0-3岁婴幼儿育儿补贴名单",
        "卫健",
        "0-3岁婴幼儿",
        ListCriteria(max_age=2),
        "0-3岁婴幼儿育儿补贴申领名单（    年  月）",
        (
            ("序号", ()),
            ("婴幼儿姓名", ()),
            ("性别", ()),
            ("出生日期", ()),
            ("身份证号码", ()),
            ("户主姓名", ()),
            ("与户主关系", ()),
            ("现住址", ()),
            ("联系电话", ()),
            ("备注", ()),
        ),
        (6, 12, 6, 12, 21, 10, 10, 26, 14, 12),
        sort="birth_date",
    ),
    Starter(
        "流动人口登记表",
        "公安",
        "流动人口",
        ListCriteria(category="4"),
        "流动人口登记表（    年  月）",
        (
            ("序号", ()),
            ("姓名", ()),
            ("性别", ()),
            ("民族", ()),
            ("出生日期", ()),
            ("公民身份号码", ()),
            ("户籍地址", ()),
            ("现住址", ()),
            ("来本地日期", ()),
            ("工作单位", ()),
            ("联系电话", ()),
        ),
        (6, 10, 6, 6, 12, 21, 30, 26, 12, 18, 14),
        sort="address",
    ),
    Starter(
        "低保人员名单",
        "民政",
        "低保对象",
        ListCriteria(tag="dibao"),
        "城乡最低生活保障对象名单（    年  月）",
        (
            ("序号", ()),
            ("户主姓名", ()),
            ("姓名", ()),
            ("与户主关系", ()),
            ("身份证号码", ()),
            ("现住址", ()),
            ("纳入低保时间", ()),
            ("联系电话", ()),
            ("备注", ()),
        ),
        (6, 10, 10, 10, 21, 26, 14, 14, 12),
    ),
)

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def build_workbook(starter: Starter, community: str) -> bytes:
    """The starter's template file, as a department would send it (no rows filled)."""
    wb = Workbook()
    ws = wb.active
    ws.title = starter.name[:31]
    columns: list[str] = []
    two_rows = any(subs for _top, subs in starter.header)
    for top, subs in starter.header:
        columns.extend(subs or (top,))
    width = len(columns)
    last = get_column_letter(width)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = f"{community}{starter.title}"
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    ws.merge_cells(f"A2:{get_column_letter(max(1, width // 2))}2")
    ws["A2"] = f"填报单位（盖章）：{community}"
    ws.merge_cells(f"{get_column_letter(width // 2 + 1)}2:{last}2")
    ws[f"{get_column_letter(width // 2 + 1)}2"] = "填报日期：    年  月  日"
    ws[f"{get_column_letter(width // 2 + 1)}2"].alignment = Alignment(horizontal="right")
    header_rows = 2 if two_rows else 1
    col = 1
    for top, subs in starter.header:
        cell = ws.cell(row=3, column=col, value=top)
        if subs:
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + len(subs) - 1)
            for offset, sub in enumerate(subs):
                ws.cell(row=4, column=col + offset, value=sub)
            col += len(subs)
        else:
            if two_rows:
                ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
            col += 1
        cell.font = Font(name="宋体", size=11, bold=True)
    for row in range(3, 3 + header_rows):
        for c in range(1, width + 1):
            cell = ws.cell(row=row, column=c)
            cell.border = _BOX
            cell.alignment = _CENTRE
            if row == 4:
                cell.font = Font(name="宋体", size=11, bold=True)
    first_data = 3 + header_rows
    # Bordered blank rows, as departments send; no fixed height, so long addresses wrap.
    for row in range(first_data, first_data + 3):
        for c in range(1, width + 1):
            cell = ws.cell(row=row, column=c)
            cell.border = _BOX
            cell.font = Font(name="宋体", size=11)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    if "性别" in columns:
        dv = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
        letter = get_column_letter(columns.index("性别") + 1)
        dv.add(f"{letter}{first_data}:{letter}{first_data + 2}")
        ws.add_data_validation(dv)
    footer = first_data + 4
    ws.cell(row=footer, column=1, value="制表人：            审核人：            联系电话：")
    ws.merge_cells(start_row=footer, start_column=1, end_row=footer, end_column=width)
    for index, value in enumerate(starter.widths[:width], start=1):
        ws.column_dimensions[get_column_letter(index)].width = value
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"3:{2 + header_rows}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
