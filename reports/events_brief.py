"""The brief report (简报) of an event: masthead, body with photos, footer with recipients.

    build_brief(event_id, path) -> path

The issue number must have been given first (models.events.service.assign_brief_issue); an
event without one prints as a draft with a blank number.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Paragraph, Table, TableStyle

from models.core import clock
from models.events import attendance as events_attendance
from models.events import brief as events_brief_draft
from models.events import service as events_service
from reports.events_common import date_style, document_options, paragraphs, photo_block
from reports.layout.official import (
    SIZE_4,
    TEXT_WIDTH,
    Document,
    PageFoot,
    esc,
    format_date,
    spacer,
    styles,
)

RED = colors.HexColor("#C8102E")
FOOTER_HEIGHT = 26 * mm  # two ruled lines of 四号 and the space above them


def masthead(
    title: str,
    issue_no: int | None,
    unit: str,
    day: dt.date,
    font: str,
    date_text: str,
    title_font: str = "",
) -> list[Flowable]:
    """Red title (in the title face, 小标宋 in the standard), 第×期, issuing unit and date
    on one line, then a red rule."""
    # wordWrap="CJK" as everywhere: the Latin wrapper would also drop the full-width spaces of
    # a draft's 第　　期.
    head = ParagraphStyle(
        "masthead",
        fontName=title_font or font,
        fontSize=30,
        leading=44,
        alignment=TA_CENTER,
        textColor=RED,
        wordWrap="CJK",
    )
    issue = ParagraphStyle(
        "issue", fontName=font, fontSize=16, leading=26, alignment=TA_CENTER, wordWrap="CJK"
    )
    left = ParagraphStyle(
        "unit", fontName=font, fontSize=14, leading=20, alignment=TA_LEFT, wordWrap="CJK"
    )
    right = ParagraphStyle("date", parent=left, alignment=TA_RIGHT)
    number = f"第{issue_no}期" if issue_no else "第　　期"
    line = Table(
        [[Paragraph(esc(unit), left), Paragraph(esc(date_text), right)]],
        colWidths=[TEXT_WIDTH * 0.62, TEXT_WIDTH * 0.38],
    )
    line.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    return [
        Paragraph(esc(title), head),
        Paragraph(esc(number), issue),
        spacer(2),
        line,
        HRFlowable(width="100%", thickness=2, color=RED, spaceBefore=2, spaceAfter=1),
        HRFlowable(width="100%", thickness=0.6, color=RED, spaceBefore=0, spaceAfter=6 * mm),
    ]


def footer_block(to: str, cc: str, copies: int, font: str) -> Flowable:
    """版记: 报：… 送：… 共印×份 at the foot of the last page (GB/T 9704 7.4): rules as wide
    as the text block, the first and the last heavy (0.35 mm), a thin one (0.25 mm) between
    the lines, and the last rule on the last line of the page."""
    text = ParagraphStyle("foot", fontName=font, fontSize=14, leading=20, wordWrap="CJK")
    right = ParagraphStyle("copies", parent=text, alignment=TA_RIGHT)
    rows: list[list[Flowable | str]] = []
    if to:
        rows.append([Paragraph(esc(f"报：{to}"), text), ""])
    # The number of copies closes the last line (送 …      共印×份).
    rows.append(
        [Paragraph(esc(f"送：{cc}") if cc else "", text), Paragraph(esc(f"共印{copies}份"), right)]
    )
    table = Table(rows, colWidths=[TEXT_WIDTH * 0.75, TEXT_WIDTH * 0.25])
    table.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, 0), (-1, 0), 0.35 * mm, colors.black),
                ("LINEBELOW", (0, -1), (-1, -1), 0.35 * mm, colors.black),
                *(
                    [("LINEBELOW", (0, 0), (-1, -2), 0.25 * mm, colors.black)]
                    if len(rows) > 1
                    else []
                ),
                ("LEFTPADDING", (0, 0), (-1, -1), SIZE_4),  # one character in, as GB/T 9704 sets it
                ("RIGHTPADDING", (0, 0), (-1, -1), SIZE_4),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return PageFoot(table)


def build_brief(event_id: int, path: str | Path) -> Path:
    info = events_service.get_event(event_id)
    options = document_options()
    unit = options["issuing_unit"]
    day = info.brief_date or max(info.plan.event_date, clock.today())
    title = events_service.brief_title()
    doc = Document(Path(path), f"{title}（{info.plan.title}）", date=day, **options)
    st = styles(doc.font_path)
    story: list[Flowable] = masthead(
        title, info.brief_no, unit, day, st.font, format_date(day, date_style()), st.title_font
    )
    story.append(Paragraph(esc(info.plan.title), st.title))
    body = info.summary.strip() or events_brief_draft.draft_summary(event_id)
    story.extend(paragraphs(body, st.body))
    shown = [
        (p.file, p.caption, p.original_name)
        for p in events_attendance.photos(event_id)
        if p.in_brief
    ]
    if shown:
        story.append(spacer(4))
        # Leave room for the footer on the same page when the photos can shrink for it.
        story.extend(photo_block(shown, st.small, reserve=FOOTER_HEIGHT))
    story.append(footer_block(info.brief_to, info.brief_cc, info.brief_copies, st.font))
    return doc.build(story)
