"""The supervisors' monthly report to the street office (domain §7), as a PDF.

Every figure comes from models.monthly.submissions.report_figures() (models.monthly.stats.monthly()
plus what a sent previous month requires), the function the report dialog shows, so the
printout and the window agree by construction. A month already sent prints as it was sent:
the stored PDF, byte for byte. submit_monthly_report() sends one.

Layout: each heading goes with at least the top of what follows it (a conditional page
break, not KeepTogether, which would push a whole table to the next page and leave half a
page empty); tables split across pages under their repeated header rows; every table has a
caption (表1 …).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Table, TableStyle

from models.core import clock
from models.core.entities import ReportSubmission
from models.core.permissions import HasRole
from models.monthly import submissions as report_submissions
from models.monthly.stats import CompoundFigures, Month, MonthlyFigures
from reports.layout.charts import bar_chart
from reports.layout.official import (
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
# Room a heading needs below it on the page (itself and the top of its table or chart);
# with less, it starts the next page instead of standing alone at the foot of this one.
HEADING_ROOM_MM = 32.0


@dataclass
class MonthlyPrint:
    """A monthly report written to path: its figures, and the sent report when a reprint."""

    path: Path
    figures: MonthlyFigures
    submission: ReportSubmission | None = None


def build_monthly_report(
    path: str | Path,
    month: Month,
    compound_id: int | None = None,
    *,
    today: dt.date | None = None,
    figures: MonthlyFigures | None = None,
    progress: Progress | None = None,
    username: str = "cli",
) -> Path:
    """Write the month's report for the community or one compound; returns the path.

    Given figures, just lays them out. Without, it prints as print_monthly_report does
    (a sent month as sent, a future month refused, the print logged as username).
    """
    if figures is None:
        return print_monthly_report(path, month, compound_id, username, progress=progress).path
    return render_monthly_report(path, figures, today=today, progress=progress)


def render_monthly_report(
    path: str | Path,
    figures: MonthlyFigures,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Path:
    today = today or clock.today()
    st = styles()
    unit = issuing_unit()
    story = monthly_story(st, figures, unit, today)
    month = figures.month
    doc = Document(Path(path), f"{TITLE}（{month.label}，{figures.scope_name}）", unit, today)
    return doc.build(story, progress)


def print_monthly_report(
    path: str | Path,
    month: Month,
    compound_id: int | None,
    username: str,
    *,
    progress: Progress | None = None,
) -> MonthlyPrint:
    """The month's report as it should be printed today, logged.

    A month sent for this scope is its sent PDF, unchanged; any other month is built from
    report_figures() (refused for a month not yet begun, marked 未结束 for this month).
    """
    target = Path(path)
    sent = report_submissions.latest(month, compound_id)
    if sent is not None:
        row, pdf = report_submissions.reprint(_Actor(username), sent.id)
        _write(target, pdf)
        return MonthlyPrint(target, report_submissions.sent_figures(row), row)
    figures = report_submissions.report_figures(month, compound_id)
    render_monthly_report(target, figures, progress=progress)
    report_submissions.log_print(username, figures)
    return MonthlyPrint(target, figures)


def reprint_submission(actor: HasRole, submission_id: int, path: str | Path) -> MonthlyPrint:
    """A sent report again, exactly as it was sent (logged as a reprint)."""
    row, pdf = report_submissions.reprint(actor, submission_id)
    target = Path(path)
    _write(target, pdf)
    return MonthlyPrint(target, report_submissions.sent_figures(row), row)


def submit_monthly_report(
    actor: HasRole,
    month: Month,
    compound_id: int | None,
    reason: str = "",
    *,
    path: str | Path | None = None,
    progress: Progress | None = None,
) -> MonthlyPrint:
    """Send the month's report (报送, or 补报/更正 with a reason); the PDF sent is written to
    path when one is given."""
    with tempfile.TemporaryDirectory(prefix="ndesk-submit-") as tmp:

        def render(figures: MonthlyFigures) -> bytes:
            out = render_monthly_report(Path(tmp) / "report.pdf", figures, progress=progress)
            return out.read_bytes()

        row = report_submissions.submit(actor, month, compound_id, render, reason)
    target = Path(path) if path is not None else None
    if target is not None:
        _write(target, bytes(row.pdf))
    return MonthlyPrint(target or Path(), report_submissions.sent_figures(row), row)


@dataclass
class _Actor:
    username: str
    role: str = "admin"  # the command line runs with the file's owner's rights


def _write(target: Path, pdf: bytes) -> None:
    from reports.layout.official import ReportError

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pdf)
    except OSError as exc:
        raise ReportError(f"无法写入文件“{target}”：{exc.strerror or exc}。") from exc


def _day(day: dt.date) -> str:
    return format_date(day, date_style())


def _stamp_text(figures: MonthlyFigures) -> list[str]:
    stamp = figures.submission
    if stamp is None:
        return []
    at = dt.datetime.fromisoformat(stamp.submitted_at)
    lines = [
        f"报送编号：{stamp.serial}　报送人：{stamp.display_name}　"
        f"报送时间：{_day(at.date())}{at:%H:%M}"
    ]
    if stamp.kind == "correction":
        lines.append(f"本表为补报/更正，替代编号{stamp.corrects}的报表。理由：{stamp.reason}")
    return lines


def monthly_story(st: Styles, figures: MonthlyFigures, unit: str, today: dt.date) -> list[Flowable]:
    month = figures.month
    period = f"{_day(month.first)}至{_day(figures.as_of or month.last)}"
    subtitle = f"（{month.label} · {figures.scope_name}"
    subtitle += " · 未结束）" if figures.as_of else "）"
    story: list[Flowable] = [
        Paragraph(esc(TITLE), st.title),
        Paragraph(esc(subtitle), st.subtitle),
        Paragraph(esc(f"填报单位：{unit}"), st.small),
        Paragraph(
            esc(
                f"统计时段：{period}；人数为"
                + ("截至当日" if figures.as_of else "月末")
                + "在册人数。"
            ),
            st.small,
        ),
    ]
    story += [Paragraph(esc(line), st.small) for line in _stamp_text(figures)]
    story.append(spacer(3))
    if figures.as_of:
        story.append(
            Paragraph(
                esc(
                    f"【未结束】{month.label}尚未结束，本表数字截至{_day(figures.as_of)}，"
                    "不是月末数，不能作为该月的报表报送。"
                ),
                st.warning,
            )
        )
    if figures.warnings:
        story.append(
            Paragraph(esc("【注意】本月报表有未平衡或未能生成的部分，见下文标注。"), st.warning)
        )
    tables = iter(range(1, 100))
    number = 1
    story += _heading(st, f"{chinese_ordinal(number)}、人口基本情况（月末）")
    story.append(_caption(st, next(tables), "各小区人口基本情况（人、户）"))
    story.append(_population_table(st, figures))
    story.append(
        Paragraph(
            esc(
                "说明：常住人口含户籍人口、在本地居住半年以上的非户籍人口和人户分离人员；"
                "低保、残疾人按月末有效的登记计；计生扶助分列计划生育特别扶助对象和奖励扶助对象，"
                "按当月在发放期的对象计（与计生服务部分的口径相同）。"
            ),
            st.small,
        )
    )
    if figures.extra_columns:
        labels = "、".join(label for _key, label in figures.extra_columns)
        story.append(spacer(3))
        story.append(CondPageBreak(HEADING_ROOM_MM * mm))
        story.append(_caption(st, next(tables), f"各小区{labels}（本月）"))
        story.append(_extra_table(st, figures))
    number += 1
    story += _heading(st, f"{chinese_ordinal(number)}、人口变动与平衡核对")
    story.append(_caption(st, next(tables), "各小区人口变动（人）"))
    story.append(_balance_table(st, figures))
    balance = (
        "平衡关系：期末人口＝期初人口＋上月数据更正＋出生－死亡＋迁入－迁出＋登记入册；"
        "各小区另加社区内转入、减社区内转出（在全社区合计中相互抵消）。"
    )
    if figures.opening_from:
        balance += f"期初人口为上月已报送数（报送编号{figures.opening_from}）。"
    story.append(Paragraph(esc(balance), st.small))
    for warning in figures.warnings:
        story.append(Paragraph(esc(f"【注意】{warning}"), st.warning))
    if figures.corrections:
        story.append(spacer(3))
        story.append(CondPageBreak(HEADING_ROOM_MM * mm))
        story.append(_caption(st, next(tables), "上月数据更正（上月报表报送后补登的变动）"))
        story.append(_corrections_table(st, figures))
        story.append(
            Paragraph(
                esc(
                    "说明：上月报表报送后才登记的、发生在已报送月份的变动，计入本月“上月数据更正”，"
                    "已报送的报表不再改动。"
                ),
                st.small,
            )
        )
    number += 1
    # The chart is one drawing: its heading goes with it.
    story.append(
        KeepTogether([*_heading(st, f"{chinese_ordinal(number)}、人口分布"), _chart(st, figures)])
    )
    for section in figures.sections:
        number += 1
        story += _heading(st, f"{chinese_ordinal(number)}、{section.title}")
        if section.rows:
            numeric = [
                i
                for i in range(len(section.headers))
                if all(isinstance(r[i], int) for r in section.rows if i < len(r))
            ]
            story.append(_caption(st, next(tables), section.title))
            story.append(
                data_table(
                    st,
                    section.headers,
                    section.rows,
                    _widths(section.headers, section.rows),
                    numeric=numeric,
                )
            )
        else:
            story.append(Paragraph("本月无。", st.small))
        if section.note:
            story.append(Paragraph(esc(section.note), st.small))
    # The signature lines never stand alone on a page: they go with the last note.
    # sign_off is a KeepTogether, and one nested in another reports an endless height (the
    # outer one would then always start a new page): its lines are taken out of it.
    signature = sign_off(st, unit, _day(today))
    lines = list(getattr(signature, "_content", [signature]))
    last = story[-1]
    if isinstance(last, Paragraph):
        story[-1] = KeepTogether([last, *lines])
    else:
        story.append(KeepTogether(lines))
    return story


def _heading(st: Styles, text: str) -> list[Flowable]:
    return [CondPageBreak(HEADING_ROOM_MM * mm), Paragraph(esc(text), st.heading)]


def _caption(st: Styles, number: int, title: str) -> Paragraph:
    style = st.sized(st.cell_head, st.cell.fontSize, "table_caption")
    return Paragraph(esc(f"表{number}　{title}"), style)


def _rows_with_total(figures: MonthlyFigures) -> list[CompoundFigures]:
    rows = list(figures.rows)
    if figures.compound_id is None:
        rows.append(figures.total)
    return rows


def _grid(
    st: Styles,
    header: list[list[str]],
    body: list[list[Any]],
    widths: Sequence[float],
    spans: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    total: bool,
    names: Sequence[int] = (0,),
) -> Table:
    """A two-row-header table of figures: names left, numbers right, small type."""
    head = st.sized(st.cell_head, SIZE_SMALL_5, "grid_head")
    name = st.sized(st.cell, SIZE_SMALL_5, "grid_name")
    num = st.sized(st.cell_right, SIZE_SMALL_5, "grid_num")
    # "\n" in a header label is where it breaks ("期初\n人口"), not wherever the width runs out.
    data: list[list[Any]] = [
        [Paragraph(esc(h).replace("\n", "<br/>"), head) if h else "" for h in row] for row in header
    ]
    for row in body:
        data.append([Paragraph(esc(v), name if i in names else num) for i, v in enumerate(row)])
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=len(header))
    style = table_style(header_rows=len(header), total_row=total)
    style += [("SPAN", a, b) for a, b in spans]
    table.setStyle(TableStyle(style))
    return table


def _population_table(st: Styles, figures: MonthlyFigures) -> Table:
    header = [
        [
            "小区",
            "户数",
            "户籍人口",
            "",
            "",
            "常住\n人口",
            "流动\n人口",
            "人户\n分离",
            "60岁\n以上",
            "低保",
            "",
            "残疾人",
            "计生扶助",
            "",
        ],
        ["", "", "男", "女", "合计", "", "", "", "", "户", "人", "", "特别\n扶助", "奖励\n扶助"],
    ]
    spans = [((c, 0), (c, 1)) for c in (0, 1, 5, 6, 7, 8, 11)]
    spans += [((2, 0), (4, 0)), ((9, 0), (10, 0)), ((12, 0), (13, 0))]
    body = [
        [
            r.name,
            r.households,
            r.registered_male,
            r.registered_female,
            r.registered,
            r.resident_population,
            r.floating,
            r.separated,
            r.aged_60_plus,
            r.dibao_households,
            r.dibao_people,
            r.disabled,
            r.special_assistance,
            r.reward_assistance,
        ]
        for r in _rows_with_total(figures)
    ]
    rest = (TEXT_WIDTH / mm - NAME_MM) / 13
    return _grid(st, header, body, [NAME_MM, *[rest] * 13], spans, figures.compound_id is None)


def _extra_table(st: Styles, figures: MonthlyFigures) -> Table:
    """One column per figure; a long list of compounds with one or two figures is folded
    into two side-by-side halves, so that a narrow table does not fill a page's height."""
    labels = [label for _key, label in figures.extra_columns]
    keys = [key for key, _label in figures.extra_columns]
    body = [[r.name, *[r.extra.get(k, 0) for k in keys]] for r in _rows_with_total(figures)]
    if len(keys) <= 2 and len(body) > 6:
        half = (len(body) + 1) // 2
        left, right = body[:half], body[half:]
        right += [[""] * len(body[0])] * (half - len(right))
        folded = [a + b for a, b in zip(left, right, strict=True)]
        rest = (TEXT_WIDTH / mm / 2 - NAME_MM) / len(keys)
        widths = [NAME_MM, *[rest] * len(keys)] * 2
        return _grid(
            st, [["小区", *labels] * 2], folded, widths, [], False, names=(0, len(keys) + 1)
        )
    rest = min(30.0, (TEXT_WIDTH / mm - NAME_MM) / len(keys))
    return _grid(
        st,
        [["小区", *labels]],
        body,
        [NAME_MM, *[rest] * len(keys)],
        [],
        figures.compound_id is None,
    )


def _balance_table(st: Styles, figures: MonthlyFigures) -> Table:
    header = [
        [
            "小区",
            "期初\n人口",
            "上月\n数据\n更正",
            "出生",
            "死亡",
            "迁入",
            "",
            "迁出",
            "",
            "登记\n入册",
            "社区内\n转入",
            "社区内\n转出",
            "期末\n人口",
            "核对",
        ],
        ["", "", "", "", "", "合计", "其中\n流动", "合计", "其中\n流动", "", "", "", "", ""],
    ]
    spans = [((c, 0), (c, 1)) for c in (0, 1, 2, 3, 4, 9, 10, 11, 12, 13)]
    spans += [((5, 0), (6, 0)), ((7, 0), (8, 0))]
    body = [
        [
            r.name,
            r.opening,
            _signed(r.corrections),
            r.births,
            r.deaths,
            r.moved_in,
            r.floating_in,
            r.moved_out,
            r.floating_out,
            r.enrolled,
            r.transfers_in,
            r.transfers_out,
            r.closing,
            "平衡" if r.balanced else f"差{r.difference:+d}",
        ]
        for r in _rows_with_total(figures)
    ]
    rest = (TEXT_WIDTH / mm - NAME_MM) / 13
    return _grid(st, header, body, [NAME_MM, *[rest] * 13], spans, figures.compound_id is None)


def _signed(n: int) -> str:
    return f"{n:+d}" if n else "0"


def _corrections_table(st: Styles, figures: MonthlyFigures) -> Table:
    rows = [
        [line.compound, line.label, line.people or "", _signed(line.effect), line.note]
        for line in figures.corrections
    ]
    total = sum(line.effect for line in figures.corrections)
    rows.append(["合计", "", "", _signed(total), ""])
    return data_table(
        st,
        ["小区", "更正项目", "人次", "对期初人口", "变动日期"],
        rows,
        [NAME_MM + 4, 28, 16, 22, 156 - NAME_MM - 4 - 28 - 16 - 22],
        numeric=[2, 3],
        total_row=True,
        font_size=SIZE_SMALL_5,
    )


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
