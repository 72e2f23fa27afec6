"""居民花名册: a compound's current residents, by household, ID numbers masked by default."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from models.core import clock
from models.registry.printouts import ListRow
from reports.layout.official import (
    Document,
    Progress,
    date_style,
    esc,
    fit,
    format_date,
    issuing_unit,
    styles,
    table_style,
)

TITLE = "居民花名册"
HEADERS = [
    "序号",
    "户号",
    "姓名",
    "与户主\n关系",
    "性别",
    "出生日期",
    "公民身份号码",
    "人员类别",
    "住址",
    "联系电话",
]
WIDTHS_MM = [9, 13, 14, 14, 8, 16, 27, 14, 22, 19]
FONT_SIZE = 8.0


def build_resident_list(
    path: str | Path,
    rows: Sequence[ListRow],
    scope_name: str,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
    masked: bool = True,
) -> Path:
    st = styles()
    today = today or clock.today()
    unit = issuing_unit()
    cell = st.sized(st.cell, FONT_SIZE, "list_cell")
    widths = [w * mm for w in WIDTHS_MM]
    head = st.sized(st.cell_head, FONT_SIZE, "list_head")
    data: list[list[Any]] = [
        [fit(h, head, w, padding=4) for h, w in zip(HEADERS, widths, strict=True)]
    ]
    for n, r in enumerate(rows, start=1):
        values = [
            n,
            r.household_no,
            r.name,
            r.relation,
            r.sex,
            r.birth_date,
            r.id_number,
            r.category,
            r.address,
            r.phone,
        ]
        data.append([fit(v, cell, w, padding=4) for v, w in zip(values, widths, strict=True)])
    if not rows:
        data.append(["", "", "（无在册居民）", "", "", "", "", "", "", ""])
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            table_style()
            + [
                ("FONTSIZE", (0, 0), (-1, -1), FONT_SIZE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                ("ALIGN", (0, 1), (0, -1), "RIGHT"),
            ]
        )
    )
    when = format_date(today, date_style())
    story: list[Flowable] = [
        Paragraph(TITLE, st.title),
        Paragraph(esc(f"（{scope_name} · 截至{when}，共{len(rows)}人）"), st.subtitle),
        Paragraph(esc(f"填报单位：{unit}"), st.small),
        table,
        Paragraph(
            esc(
                "公民身份号码已遮盖中间数字。"
                if masked
                else "本表含完整公民身份号码，请妥善保管，用后销毁。"
            ),
            st.small,
        ),
    ]
    # About 34 rows fit a page; the estimate only drives the progress bar.
    pages = max(1, -(-len(rows) // 34))
    return Document(Path(path), f"{TITLE}（{scope_name}）", unit, today).build(
        story, progress, pages=pages
    )
