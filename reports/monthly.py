"""The supervisors' monthly report to the street office (domain §7), as a PDF.

Every figure comes from models.stats.monthly(), the function the report dialog shows, so
the printout and the window agree by construction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from models import clock
from models.stats import CompoundFigures, Month, MonthlyFigures, monthly
from reports.charts import bar_chart
from reports.official import (
    SIZE_SMALL_5,
    TEXT_WIDTH,
    Document,
    Progress,
    Styles,
    chinese_ordinal,
    data_table,
    date_style,
    esc,
    format_date,
    issuing_unit,
    sign_off,
    spacer,
    styles,
    table_style,
)

TITLE = "人口与社区工作月报"
NAME_MM = 22.0


def build_monthly_report(
    path: str | Path,
    month: Month,
    compound_id: int | None = None,
    *,
    today: dt.date | None = None,
    figures: MonthlyFigures | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the month's report for the community or one compound; returns the path."""
    figures = figures or monthly(month, compound_id)
    today = today or clock.today()
    st = styles()
    unit = issuing_unit()
    story = monthly_story(st, figures, unit, today)
    doc = Document(Path(path), f"{TITLE}（{month.label}，{figures.scope_name}）", unit, today)
    return doc.build(story, progress)


def monthly_story(st: Styles, figures: MonthlyFigures, unit: str, today: dt.date
                  ) -> list[Flowable]:
    month = figures.month
    style = date_style()
    period = (f"{format_date(month.first, style)}至{format_date(month.last, style)}")
    story: list[Flowable] = [
        Paragraph(esc(TITLE), st.title),
        Paragraph(esc(f"（{month.label} · {figures.scope_name}）"), st.subtitle),
        Paragraph(esc(f"填报单位：{unit}"), st.small),
        Paragraph(esc(f"统计时段：{period}；人数为月末在册人数。"), st.small),
        spacer(3),
    ]
    if figures.warnings:
        story.append(Paragraph(esc("【注意】本月报表有未平衡或未能生成的部分，见下文标注。"),
                               st.warning))
    number = 1
    story.append(Paragraph(f"{chinese_ordinal(number)}、人口基本情况（月末）", st.heading))
    story.append(_population_table(st, figures))
    story.append(Paragraph(esc(
        "说明：常住人口含户籍人口、在本地居住半年以上的非户籍人口和人户分离人员；"
        "低保、残疾人、计生特扶（计划生育特别扶助对象）按月末有效的登记计。"), st.small))
    if figures.extra_columns:
        story.append(spacer(3))
        story.append(_extra_table(st, figures))
    number += 1
    story.append(Paragraph(f"{chinese_ordinal(number)}、人口变动与平衡核对", st.heading))
    story.append(_balance_table(st, figures))
    story.append(Paragraph(
        esc("平衡关系：期末人口＝期初人口＋出生－死亡＋迁入－迁出；"
            "各小区另加社区内转入、减社区内转出（在全社区合计中相互抵消）。"), st.small))
    for warning in figures.warnings:
        story.append(Paragraph(esc(f"【注意】{warning}"), st.warning))
    number += 1
    # The heading goes with its chart: never alone at the foot of a page.
    story.append(KeepTogether([Paragraph(f"{chinese_ordinal(number)}、人口分布", st.heading),
                               _chart(st, figures)]))
    for section in figures.sections:
        number += 1
        block: list[Flowable] = [
            Paragraph(esc(f"{chinese_ordinal(number)}、{section.title}"), st.heading)]
        if section.rows:
            numeric = [i for i in range(len(section.headers))
                       if all(isinstance(r[i], int) for r in section.rows if i < len(r))]
            block.append(data_table(st, section.headers, section.rows,
                                    _widths(section.headers, section.rows), numeric=numeric))
        else:
            block.append(Paragraph("本月无。", st.small))
        if section.note:
            block.append(Paragraph(esc(section.note), st.small))
        # A short section stays on one page with its heading; a long one may split.
        story.extend([KeepTogether(block)] if len(section.rows) < 15 else block)
    # The signature lines never stand alone on a page: they go with the last block.
    signature = sign_off(st, unit, format_date(today, style))
    story.append(KeepTogether([story.pop(), signature]))
    return story


def _rows_with_total(figures: MonthlyFigures) -> list[CompoundFigures]:
    rows = list(figures.rows)
    if figures.compound_id is None:
        rows.append(figures.total)
    return rows


def _grid(st: Styles, header: list[list[str]], body: list[list[Any]], widths: Sequence[float],
          spans: Sequence[tuple[tuple[int, int], tuple[int, int]]], total: bool) -> Table:
    """A two-row-header table of figures: names left, numbers right, small type."""
    head = st.sized(st.cell_head, SIZE_SMALL_5, "grid_head")
    name = st.sized(st.cell, SIZE_SMALL_5, "grid_name")
    num = st.sized(st.cell_right, SIZE_SMALL_5, "grid_num")
    # "\n" in a header label is where it breaks ("期初\n人口"), not wherever the width runs out.
    data: list[list[Any]] = [[Paragraph(esc(h).replace("\n", "<br/>"), head) if h else ""
                              for h in row] for row in header]
    for row in body:
        data.append([Paragraph(esc(v), name if i == 0 else num) for i, v in enumerate(row)])
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=len(header))
    style = table_style(header_rows=len(header), total_row=total)
    style += [("SPAN", a, b) for a, b in spans]
    table.setStyle(TableStyle(style))
    return table


def _population_table(st: Styles, figures: MonthlyFigures) -> Table:
    header = [
        ["小区", "户数", "户籍人口", "", "", "常住\n人口", "流动\n人口", "人户\n分离",
         "60岁\n以上", "低保", "", "残疾人", "计生\n特扶"],
        ["", "", "男", "女", "合计", "", "", "", "", "户", "人", "", ""],
    ]
    spans = [((c, 0), (c, 1)) for c in (0, 1, 5, 6, 7, 8, 11, 12)]
    spans += [((2, 0), (4, 0)), ((9, 0), (10, 0))]
    body = [[r.name, r.households, r.registered_male, r.registered_female, r.registered,
             r.resident_population, r.floating, r.separated, r.aged_60_plus,
             r.dibao_households, r.dibao_people, r.disabled, r.special_assistance]
            for r in _rows_with_total(figures)]
    rest = (TEXT_WIDTH / mm - NAME_MM) / 12
    return _grid(st, header, body, [NAME_MM, *[rest] * 12], spans,
                 figures.compound_id is None)


def _extra_table(st: Styles, figures: MonthlyFigures) -> Table:
    labels = [label for _key, label in figures.extra_columns]
    keys = [key for key, _label in figures.extra_columns]
    body = [[r.name, *[r.extra.get(k, 0) for k in keys]] for r in _rows_with_total(figures)]
    rest = min(30.0, (TEXT_WIDTH / mm - NAME_MM) / len(keys))
    return _grid(st, [["小区", *labels]], body, [NAME_MM, *[rest] * len(keys)], [],
                 figures.compound_id is None)


def _balance_table(st: Styles, figures: MonthlyFigures) -> Table:
    header = [
        ["小区", "期初\n人口", "出生", "死亡", "迁入", "", "迁出", "", "社区内\n转入",
         "社区内\n转出", "期末\n人口", "核对"],
        ["", "", "", "", "合计", "其中\n流动", "合计", "其中\n流动", "", "", "", ""],
    ]
    spans = [((c, 0), (c, 1)) for c in (0, 1, 2, 3, 8, 9, 10, 11)]
    spans += [((4, 0), (5, 0)), ((6, 0), (7, 0))]
    body = [[r.name, r.opening, r.births, r.deaths, r.moved_in, r.floating_in, r.moved_out,
             r.floating_out, r.transfers_in, r.transfers_out, r.closing,
             "平衡" if r.balanced else f"差{r.difference:+d}"]
            for r in _rows_with_total(figures)]
    rest = (TEXT_WIDTH / mm - NAME_MM) / 11
    return _grid(st, header, body, [NAME_MM, *[rest] * 11], spans,
                 figures.compound_id is None)


def _chart(st: Styles, figures: MonthlyFigures) -> Flowable:
    if figures.compound_id is None:
        labels = [r.name for r in figures.rows]
        values = [r.population for r in figures.rows]
        title = "各小区月末人口（人）"
    else:
        row = figures.rows[0]
        labels = ["户籍人口", "常住（非户籍）", "人户分离", "流动人口"]
        other = row.resident_population - row.registered - row.separated
        values = [row.registered, other, row.separated, row.floating]
        title = f"{row.name}月末人口构成（人）"
    return bar_chart(st, labels, values, title)


def _widths(headers: list[str], rows: list[list[Any]]) -> list[float]:
    """Column widths (mm) in proportion to what the columns hold, within the text block."""
    weights = []
    for i, header in enumerate(headers):
        longest = max([len(str(header)), *(len(str(r[i])) for r in rows if i < len(r))])
        weights.append(min(max(longest, 3), 24))
    total = sum(weights)
    return [156 * w / total for w in weights]
