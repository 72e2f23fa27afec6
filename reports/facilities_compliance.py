"""设施达标情况报告: the centre against its standard, printed for a request for funds.

What the county needs to see in one document: the standard, what exists, the gap (items,
floor area, equipment) and the safety hazards with their photos, on the GB/T 9704 page.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Table, TableStyle

from models.core import clock, settings
from models.core.permissions import HasRole, Perm, require
from models.facilities.assess import Compliance, assess, format_area, sorted_items
from models.facilities.centre import PhotoRow, list_photos, list_spaces
from models.facilities.entities import KIND_NAMES, STATUS_NAMES, VERDICT_NAMES
from models.facilities.inspections import FindingRow, hazards
from reports.layout.official import (
    TEXT_WIDTH,
    Document,
    Styles,
    closing,
    data_table,
    esc,
    format_date,
    heading,
    spacer,
    styles,
)

PHOTO_WIDTH_MM = 74.0
PHOTO_MAX_HEIGHT_MM = 56.0
_CN_ORDINALS = "一二三四五六七八九十"


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _area(value: float | None) -> str:
    return "—" if value is None else format_area(value)


def _photo(st: Styles, photo: PhotoRow, caption: str) -> list[Flowable] | None:
    """A photo scaled to fit a half-width cell, with its caption; None if the file is gone."""
    path = photo.file
    if not path.is_file():
        return None
    try:
        image = Image(str(path))
    except Exception:  # a damaged file must not stop the report; it is listed as missing
        return None
    width, height = image.imageWidth, image.imageHeight
    scale = min(PHOTO_WIDTH_MM * mm / width, PHOTO_MAX_HEIGHT_MM * mm / height)
    image.drawWidth, image.drawHeight = width * scale, height * scale
    return [image, Paragraph(esc(caption), st.small)]


def _photo_grid(st: Styles, photos: list[tuple[PhotoRow, str]]) -> list[Flowable]:
    cells: list[Any] = []
    missing: list[str] = []
    for photo, caption in photos:
        cell = _photo(st, photo, caption)
        if cell is None:
            missing.append(caption)
        else:
            cells.append(cell)
    out: list[Flowable] = []
    if cells:
        # An empty cell would pull in an unembedded Helvetica: pad with a spacer instead.
        rows = [
            cells[i : i + 2] + [spacer(1)] * (2 - len(cells[i : i + 2]))
            for i in range(0, len(cells), 2)
        ]
        table = Table(rows, colWidths=[TEXT_WIDTH / 2] * 2)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        out.append(table)
    if missing:
        out.append(Paragraph(esc("照片文件缺失：" + "、".join(missing)), st.small))
    return out


class _Sections:
    """Numbered headings 一、二、三… in the order sections are written."""

    def __init__(self, st: Styles) -> None:
        self.st = st
        self.n = 0

    def heading(self, text: str) -> Paragraph:
        self.n += 1
        return Paragraph(esc(f"{_CN_ORDINALS[self.n - 1]}、{text}"), self.st.heading)


def _summary_text(result: Compliance, missing_names: list[str]) -> str:
    area = result.area
    text = (
        f"本中心服务辖区{area.households:,}户居民。按照《{result.standard.name}》，应设用房和场地"
        f"{result.items_total}项，现达标{result.items_meeting}项"
    )
    if missing_names:
        text += f"，缺失{len(missing_names)}项（{'、'.join(missing_names)}）"
    text += (
        f"。服务用房面积应不少于{format_area(area.required)}平方米，现有{format_area(area.actual)}"
        f"平方米"
    )
    text += f"，缺口{format_area(area.gap)}平方米" if area.gap > 0 else "，已达到要求"
    text += (
        f"；居民活动用房占{_pct(area.resident_share)}，要求不低于"
        f"{_pct(area.resident_share_required)}。"
    )
    text += f"必备设备缺{result.missing_equipment_count}项。"
    if result.open_hazards:
        text += f"现有未整改安全隐患{result.open_hazards}处"
        text += f"，其中逾期{result.overdue_hazards}处。" if result.overdue_hazards else "。"
    else:
        text += "目前没有未整改的安全隐患。"
    return text


def _standard_section(st: Styles, result: Compliance) -> list[Flowable]:
    std = result.standard
    rows = [
        [
            i.name,
            KIND_NAMES.get(i.kind, i.kind),
            _area(i.min_area),
            "、".join(f"{e.name}{e.quantity}{e.unit}" for e in i.equipment),
        ]
        for i in std.items
    ]
    rule = (
        f"面积规则：每百户不少于{format_area(std.per_100_households)}平方米，总面积不少于"
        f"{format_area(std.min_total_area)}平方米，其中居民活动用房不少于"
        f"{_pct(std.resident_share)}。"
    )
    out: list[Flowable] = [
        data_table(
            st, ["项目", "类别", "最低面积（m²）", "必备设备"], rows, [38, 12, 22, 84], numeric=[2]
        ),
        spacer(2),
        Paragraph(esc(rule), st.small),
    ]
    if std.notes:
        out.append(Paragraph(esc("说明：" + std.notes), st.small))
    return out


def _status_section(st: Styles, result: Compliance) -> list[Flowable]:
    rows = []
    for a in sorted_items(result):
        where = (
            "；".join(
                f"{s.name}（{s.location}）" if s.location else s.name
                for s in a.spaces
                if s.status != "missing"
            )
            or "无"
        )
        gap = []
        if a.area_gap > 0 and a.item.min_area:
            gap.append(f"面积差{format_area(a.area_gap)}m²")
        if a.equipment_gaps:
            gap.append(f"缺设备{len(a.equipment_gaps)}项")
        shared = "；".join(
            f"与{s.shared_with}共用" for s in a.spaces if s.status == "shared" and s.shared_with
        )
        if shared:
            gap.append(shared)
        rows.append(
            [a.item.name, where, _area(a.area), "；".join(gap) or "—", VERDICT_NAMES[a.verdict]]
        )
    out: list[Flowable] = [
        data_table(
            st,
            ["项目", "现有用房及位置", "面积（m²）", "差距", "评定"],
            rows,
            [32, 48, 22, 36, 18],
            numeric=[2],
        )
    ]
    if result.extra_spaces:
        out += [spacer(3), heading(st, "标准以外的其他用房：", st.small)]
        extra = [
            [s.name, s.location, s.status_name, _area(s.area), "室外" if s.outdoor else "室内"]
            for s in result.extra_spaces
        ]
        out.append(
            data_table(
                st,
                ["用房", "位置", "状况", "面积（m²）", "室内/室外"],
                extra,
                [40, 48, 26, 22, 20],
                numeric=[3],
            )
        )
    return out


def _area_section(st: Styles, result: Compliance) -> list[Flowable]:
    area = result.area
    rows = [
        ["辖区户数", f"{area.households:,}户", ""],
        [
            "应有服务用房面积",
            f"{format_area(area.required)}m²",
            f"每百户{format_area(area.per_100_households)}m²，且不少于{format_area(area.min_total_area)}m²",
        ],
        ["现有服务用房面积", f"{format_area(area.actual)}m²", "室内用房，不含室外场地和缺失用房"],
        [
            "面积缺口",
            f"{format_area(area.gap)}m²",
            "达到要求" if area.gap == 0 else "需新建、改建或调剂",
        ],
        [
            "居民活动用房",
            f"{format_area(area.resident_area)}m²（{_pct(area.resident_share)}）",
            f"要求不低于{_pct(area.resident_share_required)}",
        ],
    ]
    return [KeepTogether(data_table(st, ["项目", "数值", "说明"], rows, [40, 46, 70], numeric=[1]))]


def _equipment_section(st: Styles, result: Compliance) -> list[Flowable]:
    rows = []
    for a in sorted_items(result):
        if not a.equipment_gaps:
            continue
        if a.verdict == "missing":
            need = "、".join(f"{g.equipment}{g.required}{g.unit}" for g in a.equipment_gaps)
            rows.append([a.item.name, "用房缺失，需全部配置：" + need])
        else:
            need = "、".join(
                f"{g.equipment}缺{g.missing}{g.unit}（应配{g.required}，现有{g.present}）"
                for g in a.equipment_gaps
            )
            rows.append([a.item.name, need])
    if not rows:
        return [Paragraph(esc("各项用房的必备设备齐全。"), st.small)]
    return [
        data_table(st, ["项目", "缺少的设备"], rows, [40, 116]),
        spacer(1),
        Paragraph(esc("“现有”只计可用设备，不含损坏待修的。"), st.small),
    ]


def _hazard_section(st: Styles, found: list[FindingRow], as_of: dt.date) -> list[Flowable]:
    if not found:
        return [Paragraph(esc("检查中未发现安全隐患。"), st.small)]
    rows = []
    for h in found:
        if h.state == "overdue":
            state = f"逾期{h.days_overdue}天未整改"
        elif h.fixed_on:
            state = f"{format_date(h.fixed_on)}已整改"
        else:
            state = h.state_name
        where = f"〔{h.space_name}〕" if h.space_name else ""
        rows.append(
            [
                h.category_name,
                where + h.description,
                format_date(h.inspected_on),
                format_date(h.deadline) if h.deadline else "—",
                h.responsible,
                state,
            ]
        )
    table = data_table(
        st,
        ["类别", "位置及情况", "发现日期", "整改期限", "责任人", "状态"],
        rows,
        [14, 43, 29, 29, 14, 27],
    )
    # Narrower side padding so that a full date (2026年10月13日) and a name stay on one line.
    table.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)])
    )
    out: list[Flowable] = [table]
    for n, h in enumerate(found, start=1):
        photos = [
            (
                p,
                f"隐患{n}：{p.purpose_name}（{format_date(p.taken_on)}）"
                if p.taken_on
                else f"隐患{n}：{p.purpose_name}",
            )
            for p in list_photos(finding_id=h.id)
        ]
        if not photos:
            continue
        caption = f"隐患{n}（{h.category_name}）：{h.description}"
        if h.fixed_on:
            caption += f"整改措施：{h.fix_notes}"
        out.append(
            KeepTogether([spacer(3), Paragraph(esc(caption), st.small), *_photo_grid(st, photos)])
        )
    return out


def build_compliance_report(
    actor: HasRole,
    centre_id: int,
    path: str | os.PathLike[str],
    as_of: dt.date | None = None,
    include_fixed_days: int = 365,
    font_path: str | None = None,
) -> Path:
    """Write the report for one centre to *path*; fixed hazards of the last year are shown."""
    require(actor, Perm.REPORTS_PRINT)
    as_of = as_of or clock.today()
    result = assess(centre_id, today=as_of)
    st = styles(font_path or settings.get("font_path") or None)
    unit = settings.get("issuing_unit")
    date_style = settings.get("date_style")
    found = [
        h
        for h in hazards(centre_id, include_fixed=True, today=as_of)
        if h.state != "fixed" or (h.fixed_on and (as_of - h.fixed_on).days <= include_fixed_days)
    ]
    missing_names = [a.item.name for a in result.missing_items]
    sec = _Sections(st)
    story: list[Flowable] = [
        Paragraph(esc(f"{result.centre_name}建设达标情况报告"), st.title),
        Paragraph(esc(f"（截至{format_date(as_of, date_style)}）"), st.subtitle),
        Paragraph(esc(_summary_text(result, missing_names)), st.body),
        sec.heading("建设标准"),
        *_standard_section(st, result),
        sec.heading("现状与差距"),
        *_status_section(st, result),
        sec.heading("服务用房面积"),
        *_area_section(st, result),
        sec.heading("设备缺口"),
        *_equipment_section(st, result),
        sec.heading("安全隐患及整改情况"),
        *_hazard_section(st, found, as_of),
    ]
    space_photos = [
        (
            p,
            f"{s.name}（{STATUS_NAMES.get(s.status, s.status)}）"
            + (f"：{p.caption}" if p.caption and p.caption != s.name else ""),
        )
        for s in list_spaces(centre_id)
        for p in list_photos(space_id=s.id)
    ]
    if space_photos:
        story += [sec.heading("现状照片"), *_photo_grid(st, space_photos)]
    story.append(KeepTogether([spacer(10), *closing(st, unit, format_date(as_of, date_style))]))
    doc = Document(
        Path(path),
        f"{result.centre_name}建设达标情况报告",
        unit,
        as_of,
        font_path=font_path or settings.get("font_path") or None,
    )
    return doc.build(story)
