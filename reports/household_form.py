"""人口信息登记表: one household per page, every member with the fields of domain §2.

Each member takes three rows (identity; education, work and contact; hukou address, special
groups and date of arrival), so a household of eight fits on one page; a larger one
continues on the next page under a repeated header.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Table, TableStyle

from models.printouts import HouseholdSheet
from reports.official import (
    SIZE_SMALL_5,
    Document,
    Progress,
    Styles,
    date_style,
    esc,
    fit,
    format_date,
    issuing_unit,
    signature_line,
    spacer,
    styles,
    table_style,
)

TITLE = "人口信息登记表"
# 序号, then seven columns shared by the member rows (156 mm in all).
WIDTHS_MM = [9, 23, 19, 15, 15, 21, 27, 27]
ROW_A = ["姓名", "与户主关系", "性别", "民族", "出生日期", "公民身份号码", ""]
ROW_B = ["文化程度", "婚姻状况", "政治面貌", "人员类别", "联系电话", "工作单位/职业", ""]
ROW_C = ["户籍地址；特殊人群；来本地日期", "", "", "", "", "", ""]


def build_household_forms(path: str | Path, sheets: Sequence[HouseholdSheet], *,
                          today: dt.date | None = None, progress: Progress | None = None,
                          masked: bool = True) -> Path:
    if not sheets:
        raise ValueError("没有可打印的住户。")
    st = styles()
    today = today or dt.date.today()
    unit = issuing_unit()
    story: list[Flowable] = []
    for i, sheet in enumerate(sheets):
        if i:
            story.append(PageBreak())
        story += household_page(st, sheet, unit, masked)
    doc = Document(Path(path), TITLE, unit, today)
    return doc.build(story, progress, pages=len(sheets))


def household_page(st: Styles, sheet: HouseholdSheet, unit: str, masked: bool = True
                   ) -> list[Flowable]:
    small = st.sized(st.small, SIZE_SMALL_5, "form_small")
    title = ParagraphStyle("form_title", parent=st.title, spaceAfter=4)
    return [
        Paragraph(TITLE, title),
        Paragraph(esc(f"填报单位：{unit}"), small),
        spacer(1.5),
        _household_table(st, sheet),
        spacer(2.5),
        _members_table(st, sheet),
        # The count, the note and the signatures stay together under the table.
        KeepTogether([
            Paragraph(esc(f"共 {len(sheet.members)} 人。" + (
                "公民身份号码已遮盖中间数字。" if masked else "含完整公民身份号码，请妥善保管。")),
                small),
            spacer(2),
            signature_line(st, [("户主签字", ""), ("登记人", ""), ("登记日期", "")], size=12),
        ]),
    ]


def _household_table(st: Styles, sheet: HouseholdSheet) -> Table:
    cell = st.sized(st.cell, 10.5, "form_cell")
    widths = [w * mm for w in (20, 58, 20, 58)]
    data = [
        ["户号", sheet.household_no, "户别", sheet.household_type],
        ["小区", sheet.compound, "住址", fit(sheet.address, cell, widths[3])],
        ["户主", sheet.head, "联系电话", sheet.phone],
    ]
    table = Table(data, colWidths=widths)
    style = table_style(header_rows=1)[:1] + [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONTSIZE", (0, 0), (-1, -1), 10.5),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#EEEEEE")),
        ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#EEEEEE")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(TableStyle(style))
    return table


def _members_table(st: Styles, sheet: HouseholdSheet) -> Table:
    cell = st.sized(st.cell, SIZE_SMALL_5, "member_cell")
    widths = [w * mm for w in WIDTHS_MM]
    data: list[list[Any]] = [["序号", *ROW_A], ["", *ROW_B], ["", *ROW_C]]
    style: list[tuple[Any, ...]] = table_style(header_rows=3) + [
        ("FONTSIZE", (0, 0), (-1, -1), SIZE_SMALL_5),
        # Tight rows: eight people (24 rows) and the signatures fit on one page.
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("ALIGN", (0, 0), (-1, 2), "CENTER"),
        ("ALIGN", (0, 3), (0, -1), "CENTER"),
        ("SPAN", (0, 0), (0, 2)),
        ("SPAN", (6, 0), (7, 0)),
        ("SPAN", (6, 1), (7, 1)),
        ("SPAN", (1, 2), (7, 2)),
    ]
    for n, m in enumerate(sheet.members, start=1):
        top = len(data)
        data.append([str(n), fit(m.name, cell, widths[1]), fit(m.relation, cell, widths[2]),
                     m.sex, fit(m.ethnicity, cell, widths[4]), m.birth_date, m.id_number, ""])
        data.append(["", fit(m.education, cell, widths[1]), m.marital_status,
                     fit(m.political_status, cell, widths[3]), m.category,
                     fit(m.phone, cell, widths[5]), fit(m.work_unit, cell, widths[6] + widths[7]),
                     ""])
        extra = "；".join(x for x in (
            f"户籍地址：{m.hukou_address or '未登记'}",
            f"特殊人群：{m.groups}" if m.groups else "",
            f"来本地日期：{m.arrived_on}" if m.arrived_on else "") if x)
        data.append(["", fit(extra, cell, sum(widths[1:])), "", "", "", "", "", ""])
        style += [
            ("SPAN", (6, top), (7, top)),
            ("SPAN", (6, top + 1), (7, top + 1)),
            ("SPAN", (1, top + 2), (7, top + 2)),
            ("SPAN", (0, top), (0, top + 2)),
            # A heavier rule between people, so that each person's rows read as one record.
            ("LINEABOVE", (0, top), (-1, top), 1.0, colors.black),
        ]
    if not sheet.members:
        data.append(["", "（本户暂无在册人员）", "", "", "", "", "", ""])
        style.append(("SPAN", (1, 3), (7, 3)))
    table = Table(data, colWidths=widths, repeatRows=3)
    table.setStyle(TableStyle(style))
    return table


def default_name(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return f"{TITLE}-{format_date(today, date_style())}.pdf"
