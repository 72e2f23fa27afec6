"""A filled 一表通 template as a printed list, for the departments that want paper.

The columns are the template's own, in its order, with widths shared out by how much each
column holds (a header never breaks inside a word where it fits); dates are written
2026-12-03; the footer line says whether full ID numbers are on the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from reports.layout.official import (
    LANDSCAPE_WIDTH,
    TEXT_WIDTH,
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

FONT_SIZE = 7.5
MIN_WIDTH = 8 * mm


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def column_widths(
    labels: Sequence[str], rows: Sequence[Sequence[str]], font: str, total: float
) -> list[float]:
    """Share *total* by the widest text of each column (the 90th longest value, so one long
    address does not starve the others), never below MIN_WIDTH."""
    wants: list[float] = []
    for index, label in enumerate(labels):
        sizes = sorted(stringWidth(row[index], font, FONT_SIZE) for row in rows[:500])
        typical = sizes[int(len(sizes) * 0.9)] if sizes else 0.0
        head = max((stringWidth(part, font, FONT_SIZE) for part in label.split("·")), default=0.0)
        wants.append(max(typical, head, MIN_WIDTH) + 4)
    if sum(wants) <= total:
        spare = (total - sum(wants)) / len(wants)
        return [w + spare for w in wants]
    # Too wide: the short columns (names, dates, ID numbers) keep their width, the long
    # ones (addresses, units) share what is left and wrap.
    short = [w <= 30 * mm for w in wants]
    fixed = sum(w for w, s in zip(wants, short, strict=True) if s)
    rest = sum(w for w, s in zip(wants, short, strict=True) if not s)
    if rest and fixed < total * 0.8:
        scale = (total - fixed) / rest
        return [w if s else w * scale for w, s in zip(wants, short, strict=True)]
    scale = total / sum(wants)
    return [w * scale for w in wants]


def build_fill_pdf(
    path: str | Path,
    title: str,
    labels: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    subtitle: str,
    day: dt.date,
    full_ids: bool,
    progress: Progress | None = None,
) -> Path:
    st = styles()
    unit = issuing_unit()
    texts = [[_text(v) for v in row] for row in rows]
    cell = st.sized(st.cell, FONT_SIZE, "fill_cell")
    head = st.sized(st.cell_head, FONT_SIZE, "fill_head")
    # Seven columns fit a portrait page; a wider sheet is printed landscape, as offices do.
    landscape = len(labels) > 7
    widths = column_widths(
        labels, texts, cell.fontName, LANDSCAPE_WIDTH if landscape else TEXT_WIDTH
    )
    data: list[list[Any]] = [
        [
            fit(label.replace("·", "\n"), head, w, padding=4)
            for label, w in zip(labels, widths, strict=True)
        ]
    ]
    for values in texts:
        data.append([fit(v, cell, w, padding=4) for v, w in zip(values, widths, strict=True)])
    if not texts:
        data.append(["（名单中没有人）"] + [""] * (len(labels) - 1))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            table_style()
            + [
                ("FONTSIZE", (0, 0), (-1, -1), FONT_SIZE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ]
        )
    )
    story: list[Flowable] = [
        Paragraph(esc(title), st.title),
        Paragraph(esc(subtitle), st.subtitle),
        Paragraph(esc(f"填报单位：{unit}　　填报日期：{format_date(day, date_style())}"), st.small),
        table,
        Paragraph(
            esc(
                "本表含完整公民身份号码，请妥善保管，用后销毁。"
                if full_ids
                else "公民身份号码已遮盖中间数字。"
            ),
            st.small,
        ),
        Paragraph(esc("制表人：　　　　　　审核人：　　　　　　联系电话："), st.small),
    ]
    pages = max(1, -(-len(texts) // (22 if landscape else 34)))
    return Document(Path(path), title, unit, day, landscape=landscape).build(
        story, progress, pages=pages
    )


def print_template(
    actor: Any,
    template_id: int,
    path: str | Path,
    *,
    as_of: dt.date | None = None,
    recipient: str = "",
    progress: Progress | None = None,
) -> tuple[Path, int]:
    """The template's rows as a PDF, kept in its history; returns (path, run id). A failed
    record removes the file (no printout without its log row)."""
    from models.fill import templates as fill_templates

    printed = fill_templates.printable(actor, template_id, as_of)
    out = build_fill_pdf(
        path,
        printed.title,
        printed.labels,
        printed.rows,
        subtitle=printed.subtitle,
        day=printed.day,
        full_ids=printed.full_ids,
        progress=progress,
    )
    try:
        run_id = fill_templates.record_printed(actor, template_id, out, printed, recipient)
    except Exception:
        out.unlink(missing_ok=True)
        raise
    return out, run_id
