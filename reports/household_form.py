"""人口信息登记表: one household per page, every member with the fields of domain §2.

Each member takes three rows (identity; education, work and contact; hukou address, special
groups and date of arrival), so a household of eight fits on one page; a larger one
continues on the next page under a repeated header.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph

from models.core import clock
from models.registry.printouts import HouseholdSheet
from reports.layout.form_grid import FormGrid, GridStyle, repeat
from reports.layout.official import (
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
    tables_font,
)

TITLE = "人口信息登记表"
# 序号, then seven columns shared by the member rows (156 mm in all).
WIDTHS_MM = [9, 23, 19, 15, 15, 21, 27, 27]
ROW_A = ["姓名", "与户主关系", "性别", "民族", "出生日期", "公民身份号码", ""]
ROW_B = ["文化程度", "婚姻状况", "政治面貌", "人员类别", "联系电话", "工作单位/职业", ""]
ROW_C = ["户籍地址；特殊人群；来本地日期", "", "", "", "", "", ""]
SHADE = colors.HexColor("#EEEEEE")


def build_household_forms(
    path: str | Path,
    sheets: Sequence[HouseholdSheet],
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
    masked: bool = True,
) -> Path:
    if not sheets:
        raise ValueError("没有可打印的住户。")
    st = styles()
    today = today or clock.today()
    unit = issuing_unit()
    parts = FormParts(st, unit)
    story: list[Flowable] = []
    for i, sheet in enumerate(sheets):
        if i:
            story.append(PageBreak())
        story += household_page(st, sheet, unit, masked, parts)
    doc = Document(Path(path), TITLE, unit, today)
    return doc.build(story, progress, pages=len(sheets))


class FormParts:
    """What every page of one printout shares: styles, the title, the unit, the signatures.

    Thousands of pages repeat them; they are built once (form_grid.Repeated).
    """

    def __init__(self, st: Styles, unit: str) -> None:
        self.small = st.sized(st.small, SIZE_SMALL_5, "form_small")
        self.cell = st.sized(st.cell, 10.5, "form_cell")
        self.member_cell = st.sized(st.cell, SIZE_SMALL_5, "member_cell")
        title = ParagraphStyle("form_title", parent=st.title, spaceAfter=4)
        self.title = repeat(Paragraph(TITLE, title))
        self.unit = repeat(Paragraph(esc(f"填报单位：{unit}"), self.small))
        self.signatures = repeat(
            signature_line(st, [("户主签字", ""), ("登记人", ""), ("登记日期", "")], size=12)
        )
        self.notes: dict[str, Callable[[], Flowable]] = {}
        font = tables_font()
        # The TableStyles these forms had: FONTSIZE only (leading stays 12), grid 0.5.
        self.household_grid = GridStyle(font, 10.5, top=2, bottom=3, left=6, right=6, shade=SHADE)
        self.member_grid = GridStyle(
            font, SIZE_SMALL_5, top=1.5, bottom=2, left=3, right=3, shade=SHADE
        )

    def note(self, text: str) -> Flowable:
        """The count under the table: one of a few texts, each built once."""
        if text not in self.notes:
            self.notes[text] = repeat(Paragraph(esc(text), self.small))
        return self.notes[text]()


def household_page(
    st: Styles,
    sheet: HouseholdSheet,
    unit: str,
    masked: bool = True,
    parts: FormParts | None = None,
) -> list[Flowable]:
    parts = parts or FormParts(st, unit)
    return [
        parts.title(),
        parts.unit(),
        spacer(1.5),
        _household_table(parts, sheet),
        spacer(2.5),
        _members_table(parts, sheet),
        # The count, the note and the signatures stay together under the table.
        KeepTogether(
            [
                parts.note(
                    f"共{len(sheet.members)}人。"
                    + (
                        "公民身份号码已遮盖中间数字。"
                        if masked
                        else "含完整公民身份号码，请妥善保管。"
                    )
                ),
                spacer(2),
                parts.signatures(),
            ]
        ),
    ]


def _household_table(parts: FormParts, sheet: HouseholdSheet) -> FormGrid:
    widths = [w * mm for w in (20, 58, 20, 58)]
    data = [
        ["户号", sheet.household_no, "户别", sheet.household_type],
        ["小区", sheet.compound, "住址", fit(sheet.address, parts.cell, widths[3])],
        ["户主", sheet.head, "联系电话", sheet.phone],
    ]
    return FormGrid(data, widths, parts.household_grid, shade_columns=(0, 2))


def _members_table(parts: FormParts, sheet: HouseholdSheet) -> FormGrid:
    cell = parts.member_cell
    widths = [w * mm for w in WIDTHS_MM]
    data: list[list[Any]] = [["序号", *ROW_A], ["", *ROW_B], ["", *ROW_C]]
    spans = [(0, 0, 0, 2), (6, 0, 7, 0), (6, 1, 7, 1), (1, 2, 7, 2)]
    heavy = []  # a heavier rule between people, so that each person's rows read as one record
    for n, m in enumerate(sheet.members, start=1):
        top = len(data)
        data.append(
            [
                str(n),
                fit(m.name, cell, widths[1]),
                fit(m.relation, cell, widths[2]),
                m.sex,
                fit(m.ethnicity, cell, widths[4]),
                m.birth_date,
                m.id_number,
                "",
            ]
        )
        data.append(
            [
                "",
                fit(m.education, cell, widths[1]),
                m.marital_status,
                fit(m.political_status, cell, widths[3]),
                m.category,
                fit(m.phone, cell, widths[5]),
                fit(m.work_unit, cell, widths[6] + widths[7]),
                "",
            ]
        )
        extra = "；".join(
            x
            for x in (
                f"户籍地址：{m.hukou_address or '未登记'}",
                f"特殊人群：{m.groups}" if m.groups else "",
                f"来本地日期：{m.arrived_on}" if m.arrived_on else "",
            )
            if x
        )
        data.append(["", fit(extra, cell, sum(widths[1:])), "", "", "", "", "", ""])
        spans += [
            (6, top, 7, top),
            (6, top + 1, 7, top + 1),
            (1, top + 2, 7, top + 2),
            (0, top, 0, top + 2),
        ]
        heavy.append(top)
    if not sheet.members:
        data.append(["", "（本户暂无在册人员）", "", "", "", "", "", ""])
        spans.append((1, 3, 7, 3))
    return FormGrid(
        data,
        widths,
        parts.member_grid,
        spans=spans,
        heavy=heavy,
        header_rows=3,
        centre_header=True,
        centre_columns=(0,),
    )


def default_name(today: dt.date | None = None) -> str:
    today = today or clock.today()
    return f"{TITLE}-{format_date(today, date_style())}.pdf"
