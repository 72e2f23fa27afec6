"""The 设施台账 part of the monthly report (declared in models.facilities.area)."""

from __future__ import annotations

import datetime as dt

from models.facilities.assess import facilities_monthly_section
from models.monthly.parts import Section


def facilities(first: dt.date, last: dt.date, compound_id: int | None) -> Section | None:
    figures = facilities_monthly_section(first, last, compound_id)
    if figures is None:
        return None
    rows = [
        ["服务中心", "、".join(figures["centres"])],
        [
            "达标项目",
            f"{figures['items_meeting']}/{figures['items_total']}"
            f"（缺失{figures['items_missing']}项）",
        ],
        [
            "服务用房面积",
            f"{figures['area_actual']:.1f}m²，应不少于{figures['area_required']:.1f}m²"
            f"（缺口{figures['area_gap']:.1f}m²）",
        ],
        ["缺少必备设备", f"{figures['equipment_lines_missing']}项"],
        [
            "未整改安全隐患",
            f"{figures['hazards_open']}处（其中逾期{figures['hazards_overdue']}处）",
        ],
        [
            "本月发现／整改隐患",
            f"{figures['hazards_found_in_month']}/{figures['hazards_fixed_in_month']}处",
        ],
    ]
    return Section(
        title="设施状况",
        headers=["项目", "情况"],
        rows=rows,
        note=f"对照标准：{figures['standard']}。用房和设备为当前登记情况，隐患按月末计。",
    )
