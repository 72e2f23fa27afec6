"""Casework lists on the official page: the month's subsidy and assistance list, the worklist.

ID numbers are always masked here (lists leave the office); totals close each table.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from reportlab.platypus import Paragraph

from models.casework.entities import CASE_TYPE_SHORT
from models.casework.rules import yuan
from models.casework.worklist import GROUPS, month_payments, worklist
from models.core import audit, clock, settings
from models.core.db import database
from models.core.permissions import HasRole
from reports.layout.official import Document, data_table, esc, format_date, sign_off, spacer, styles

SHORT_GROUPS = {"overdue": "逾期", "week": "本周", "coming": "近期"}


def _font(font_path: str | None) -> str | None:
    return font_path or settings.get("font_path") or None


def _signatures(
    st: Any,
    day: dt.date,
    signers: tuple[str, ...] = ("单位负责人", "制表人", "审核人"),
    phone: bool = True,
) -> list[Any]:
    style = settings.get("date_style") or "arabic"
    return [sign_off(st, settings.get("issuing_unit"), format_date(day, style), signers, phone)]


def payments_pdf(
    actor: HasRole,
    month: dt.date,
    path: str | Path,
    compound_id: int | None = None,
    font_path: str | None = None,
    today: dt.date | None = None,
) -> Path:
    """育儿补贴和计生扶助发放名单 for one month: two tables, each with its total."""
    data = month_payments(actor, month, compound_id)
    font_path = _font(font_path)
    st = styles(font_path)
    today = today or clock.today()
    title = "育儿补贴和计生扶助发放名单"
    story: list[Any] = [
        Paragraph(esc(title), st.title),
        Paragraph(esc(f"（{data.month.year}年{data.month.month}月）"), st.subtitle),
        Paragraph(esc("一、育儿补贴"), st.heading),
    ]
    # 签领: the guardian signs on receipt (the 签领 column is left blank for the signature).
    rows = [
        [
            str(i),
            r.name,
            r.masked_id,
            r.detail,
            r.compound,
            str(r.months_total),
            yuan(r.monthly_fen),
            r.recipient,
            "",
        ]
        for i, r in enumerate(data.subsidy, 1)
    ]
    rows.append(
        ["", "合计", f"{len(data.subsidy)}人", "", "", "", yuan(data.subsidy_total_fen), "", ""]
    )
    story.append(
        data_table(
            st,
            [
                "序号",
                "婴幼儿姓名",
                "公民身份号码",
                "出生日期",
                "小区",
                "应享月数",
                "本月金额（元）",
                "监护人",
                "签领",
            ],
            rows,
            widths_mm=[8, 16, 32, 19, 17, 10, 18, 16, 20],
            numeric=(0, 5, 6),
            total_row=True,
            font_size=9,
        )
    )
    story.append(spacer(4))
    story.append(Paragraph(esc("二、计划生育特别扶助和奖励扶助"), st.heading))
    rows = [
        [
            str(i),
            r.name,
            r.masked_id,
            CASE_TYPE_SHORT[r.case_type],
            r.detail,
            r.compound,
            yuan(r.monthly_fen) if r.monthly_fen is not None else "无标准",
            "",
        ]
        for i, r in enumerate(data.assistance, 1)
    ]
    rows.append(
        ["", "合计", f"{len(data.assistance)}人", "", "", "", yuan(data.assistance_total_fen), ""]
    )
    story.append(
        data_table(
            st,
            ["序号", "领取人", "公民身份号码", "扶助类型", "类别", "小区", "月标准（元）", "签领"],
            rows,
            widths_mm=[8, 16, 32, 17, 27, 18, 17, 21],
            numeric=(0, 6),
            total_row=True,
            font_size=9,
        )
    )
    story.append(spacer(3))
    story.append(
        Paragraph(
            esc(
                f"本月应发合计：{yuan(data.subsidy_total_fen + data.assistance_total_fen)}元。"
                "金额按当月1日执行的标准计算；育儿补贴列已申请、已审核和已发放的婴幼儿。"
            ),
            st.small,
        )
    )
    story.extend(_signatures(st, today))
    built = Document(Path(path), title, settings.get("issuing_unit"), today, font_path).build(story)
    with database.atomic():
        audit.record(
            actor.username,
            audit.Action.PRINT,
            "casework_case",
            None,
            note=f"发放名单 {data.month:%Y-%m}",
        )
    return built


def worklist_pdf(
    actor: HasRole,
    path: str | Path,
    as_of: dt.date | None = None,
    compound_id: int | None = None,
    font_path: str | None = None,
) -> Path:
    """计生服务待办清单: overdue first, then this week, then coming; names, no ID numbers."""
    as_of = as_of or clock.today()
    items = worklist(actor, as_of, compound_id=compound_id)
    font_path = _font(font_path)
    st = styles(font_path)
    style = settings.get("date_style") or "arabic"
    title = "计生服务待办工作清单"
    counts = {g: sum(1 for i in items if i.group == g) for g in GROUPS}
    story: list[Any] = [
        Paragraph(esc(title), st.title),
        Paragraph(esc(f"（截至{format_date(as_of, style)}）"), st.subtitle),
        Paragraph(esc("；".join(f"{GROUPS[g]}{n}项" for g, n in counts.items())), st.small),
        spacer(2),
    ]
    rows = [
        [
            str(i),
            SHORT_GROUPS[w.group],
            f"{w.due:%Y-%m-%d}",
            f"{w.case_no} {CASE_TYPE_SHORT[w.case_type]}",
            w.person_name,
            w.what,
            w.compound,
        ]
        for i, w in enumerate(items, 1)
    ]
    if not rows:
        rows = [["", "", "", "", "", "无待办事项", ""]]
    story.append(
        data_table(
            st,
            ["序号", "分组", "到期日", "个案", "姓名", "事项", "小区"],
            rows,
            widths_mm=[12, 13, 23, 25, 17, 45, 21],
            numeric=(0,),
        )
    )
    story.extend(_signatures(st, as_of, ("制表人", "审核人"), phone=False))
    built = Document(Path(path), title, settings.get("issuing_unit"), as_of, font_path).build(story)
    with database.atomic():
        audit.record(
            actor.username,
            audit.Action.PRINT,
            "casework_case",
            None,
            note=f"待办工作清单 {as_of.isoformat()}",
        )
    return built
