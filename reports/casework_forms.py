"""The birth-registration form (生育登记表) of one case, on the official page.

ID numbers are masked unless the 'mask_ids' setting is off and the user may see full numbers
(then each number printed is logged as a reveal). Printing is logged as an audit row "print".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Table, TableStyle

from models.casework.cases import CaseworkError
from models.casework.entities import BIRTH_REG
from models.casework.people import PersonRef
from models.casework.views import CaseDetail, get_case, reveal_id
from models.core import audit, codes, settings
from models.core.db import database
from models.core.permissions import HasRole, Perm, can
from reports.layout.official import (
    Document,
    Styles,
    closing,
    data_table,
    esc,
    format_date,
    signature_line,
    spacer,
    styles,
)

NOTICE = (
    "说明：生育登记实行自愿、免费、便民办理，可在怀孕后至子女出生后六个月内办理；"
    "登记信息仅用于提供生育服务，不与户籍登记、入学、就业等挂钩。"
)


def _date(day: dt.date | None, style: str) -> str:
    return format_date(day, style) if day else ""


def _grid(st: Styles, rows: list[list[str]]) -> Table:
    """Label / value pairs, two to a row; labels shaded like a printed form."""
    cells = [[Paragraph(esc(v), st.cell) for v in row] for row in rows]
    style: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#EEEEEE")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    for i, row in enumerate(rows):
        if len(row) == 2:  # one value across the row
            cells[i] += [Paragraph("", st.cell), Paragraph("", st.cell)]
            style.append(("SPAN", (1, i), (3, i)))
        else:
            style.append(("BACKGROUND", (2, i), (2, i), colors.HexColor("#EEEEEE")))
    table = Table(cells, colWidths=[27 * mm, 51 * mm, 27 * mm, 51 * mm])
    table.setStyle(TableStyle(style))
    return table


def birth_registration_pdf(
    actor: HasRole, case_id: int, path: str | Path, font_path: str | None = None
) -> Path:
    detail = get_case(actor, case_id, log_view=False)
    if detail.case_type != BIRTH_REG:
        raise CaseworkError("只有生育登记个案可以打印生育登记表。")
    show_full = not settings.get_bool("mask_ids") and can(actor, Perm.REVEAL_ID)
    style = settings.get("date_style") or "arabic"
    font_path = font_path or settings.get("font_path") or None

    def id_of(role: str, ref: PersonRef | None) -> str:
        if ref is None:
            return ""
        return reveal_id(actor, detail.id, role) if show_full else ref.masked_id

    st = styles(font_path)
    story: list[Any] = [Paragraph(esc("生育登记表"), st.title)]
    story.append(Paragraph(esc(f"登记编号：{detail.case_no}"), st.right))
    story.append(spacer(2))
    story.append(_grid(st, _rows(detail, id_of, style)))
    story.append(spacer(4))
    story.append(Paragraph(esc("夫妻现有子女"), st.heading))
    children = [
        [
            str(i),
            c.name,
            codes.name("sex", c.sex),
            _date(c.birth_date, style),
            c.origin_name,
            "已故" if c.deceased else "",
            "计入" if c.counts else "不计入",
        ]
        for i, c in enumerate(detail.children, 1)
    ] or [["", "无", "", "", "", "", ""]]
    story.append(
        data_table(
            st,
            ["序号", "姓名", "性别", "出生日期", "情况", "备注", "孩次"],
            children,
            widths_mm=[12, 26, 12, 32, 36, 16, 22],
        )
    )
    story.append(spacer(3))
    story.append(Paragraph(esc(NOTICE), st.small))
    issuing_unit = settings.get("issuing_unit")
    story.append(
        KeepTogether(
            [
                spacer(8),
                signature_line(st, [("登记人（签字）", ""), ("经办人", _officer(actor))]),
                spacer(8),
                *closing(st, issuing_unit, _date(detail.opened_on, style)),
            ]
        )
    )
    path = Document(Path(path), "生育登记表", issuing_unit, detail.opened_on, font_path).build(
        story
    )
    with database.atomic():
        audit.record(
            actor.username, audit.Action.PRINT, "casework_case", detail.id, note="生育登记表"
        )
    return path


def _officer(actor: HasRole) -> str:
    return str(getattr(actor, "display_name", "") or actor.username)


def _rows(detail: CaseDetail, id_of: Any, style: str) -> list[list[str]]:
    mother, father = detail.mother, detail.father
    common = sum(1 for c in detail.children if c.counts)
    if detail.birth_date:
        born = f"已出生：{_date(detail.birth_date, style)}"
    else:
        born = f"预产期：{_date(detail.expected_date, style)}"
    order = f"第{detail.birth_order}孩"
    if detail.order_reason:
        order += f"（{detail.order_reason}）"
    deadline = _date(detail.deadline, style)
    if detail.deadline_provisional and deadline:
        deadline += "（按预产期推算）"
    return [
        ["登记日期", _date(detail.opened_on, style), "办理状态", detail.status_name],
        ["女方姓名", mother.name if mother else "", "公民身份号码", id_of("mother", mother)],
        [
            "户籍地",
            mother.hukou_address if mother else "",
            "现居住地",
            mother.address if mother else "",
        ],
        ["男方姓名", father.name if father else "", "公民身份号码", id_of("father", father)],
        [
            "户籍地",
            father.hukou_address if father else "",
            "现居住地",
            father.address if father else "",
        ],
        ["结婚日期", _date(detail.marriage_date, style), "共同生育子女", f"{common}个（现存）"],
        ["登记孩次", order, "出生情况", born],
        [
            "子女姓名",
            detail.child.name if detail.child else detail.child_name,
            "登记时限",
            deadline,
        ],
        ["备注", detail.notes],
    ]
