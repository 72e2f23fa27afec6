"""The 社区活动 part of the monthly report (declared in models.events.area)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from models.events.stats import events_monthly_section
from models.monthly.parts import Section


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def events(first: dt.date, last: dt.date, compound_id: int | None) -> Section:
    figures: dict[str, Any] = events_monthly_section(first, last, compound_id)
    rows = [
        [
            e["date"][5:].replace("-", "月") + "日",
            e["title"],
            e["compound"] or "全社区",
            e["type"],
            "" if e["attendance"] is None else e["attendance"],
        ]
        for e in figures["events"]
    ]
    note = (
        f"本月举办活动{figures['held']}场，参加{figures['attendance']}人次；"
        f"取消{figures['cancelled']}场，筹备中{figures['planned']}场；"
        f"预算{_yuan(figures['budget_fen'])}元，实际支出{_yuan(figures['spent_fen'])}元。"
    )
    return Section(
        title="社区活动", headers=["日期", "活动", "小区", "类型", "参加人数"], rows=rows, note=note
    )
