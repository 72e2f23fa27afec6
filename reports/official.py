"""The official page of GB/T 9704-2012 and the building blocks every printout uses.

A4; top margin 37 mm, left 28 mm, text block 156 × 225 mm; title 2号 (22 pt), body 3号
(16 pt); page numbers "— 1 —" at the foot. Tables repeat their header row on every page.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from reports.fonts import register_pdf_font

PAGE_WIDTH, PAGE_HEIGHT = A4
TOP_MARGIN = 37 * mm
LEFT_MARGIN = 28 * mm
TEXT_WIDTH = 156 * mm
TEXT_HEIGHT = 225 * mm
RIGHT_MARGIN = PAGE_WIDTH - LEFT_MARGIN - TEXT_WIDTH
BOTTOM_MARGIN = PAGE_HEIGHT - TOP_MARGIN - TEXT_HEIGHT

# Chinese type sizes in points.
SIZE_2 = 22.0  # 二号: title
SIZE_3 = 16.0  # 三号: body
SIZE_4 = 14.0  # 四号: page numbers, sub-headings
SIZE_5 = 10.5  # 五号: dense tables
SIZE_SMALL_4 = 12.0  # 小四: tables

_CN_DIGITS = "〇一二三四五六七八九"


def format_date(day: dt.date, style: str = "arabic") -> str:
    """2026年5月5日 (GB/T 9704), or 二〇二六年五月五日 with style="chinese"."""
    if style == "chinese":
        year = "".join(_CN_DIGITS[int(c)] for c in str(day.year))
        return f"{year}年{_cn_number(day.month)}月{_cn_number(day.day)}日"
    return f"{day.year}年{day.month}月{day.day}日"


def _cn_number(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + ("" if ones == 0 else _CN_DIGITS[ones])


@dataclass
class Styles:
    font: str
    title: ParagraphStyle = field(init=False)
    subtitle: ParagraphStyle = field(init=False)
    heading: ParagraphStyle = field(init=False)
    body: ParagraphStyle = field(init=False)
    cell: ParagraphStyle = field(init=False)
    cell_right: ParagraphStyle = field(init=False)
    cell_head: ParagraphStyle = field(init=False)
    small: ParagraphStyle = field(init=False)
    right: ParagraphStyle = field(init=False)

    def __post_init__(self) -> None:
        base = {"fontName": self.font, "wordWrap": "CJK"}
        self.title = ParagraphStyle("title", fontSize=SIZE_2, leading=SIZE_2 * 1.5,
                                    alignment=TA_CENTER, spaceAfter=SIZE_3, **base)
        self.subtitle = ParagraphStyle("subtitle", fontSize=SIZE_3, leading=SIZE_3 * 1.5,
                                       alignment=TA_CENTER, spaceAfter=SIZE_3 / 2, **base)
        self.heading = ParagraphStyle("heading", fontSize=SIZE_3, leading=SIZE_3 * 1.75,
                                      spaceBefore=SIZE_3 / 2, **base)
        # 28 characters a line, 22 lines a page: 16 pt type on a 28.9 pt line.
        self.body = ParagraphStyle("body", fontSize=SIZE_3, leading=28.9, firstLineIndent=2 * SIZE_3,
                                   alignment=TA_LEFT, **base)
        self.cell = ParagraphStyle("cell", fontSize=SIZE_5, leading=SIZE_5 * 1.35, **base)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.cell_head = ParagraphStyle("cell_head", parent=self.cell, alignment=TA_CENTER)
        self.small = ParagraphStyle("small", fontSize=SIZE_5, leading=SIZE_5 * 1.5, **base)
        self.right = ParagraphStyle("right", fontSize=SIZE_3, leading=SIZE_3 * 1.75,
                                    alignment=TA_RIGHT, **base)


def styles(font_path: str | os.PathLike[str] | None = None) -> Styles:
    return Styles(register_pdf_font(font_path))


def esc(text: Any) -> str:
    """Text for a Paragraph: reportlab reads a small XML dialect."""
    return (str("" if text is None else text)
            .replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def data_table(
    st: Styles,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths_mm: Sequence[float] | None = None,
    numeric: Sequence[int] = (),
    total_row: bool = False,
) -> Table:
    """A ruled table whose header row repeats on every page; cells wrap Chinese text."""
    head = [Paragraph(esc(h), st.cell_head) for h in headers]
    body = [
        [Paragraph(esc(v), st.cell_right if i in numeric else st.cell) for i, v in enumerate(row)]
        for row in rows
    ]
    widths = [w * mm for w in widths_mm] if widths_mm else [TEXT_WIDTH / len(headers)] * len(headers)
    table = Table([head, *body], colWidths=widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if total_row and rows:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F5F5F5")))
    table.setStyle(TableStyle(style))
    return table


@dataclass
class Document:
    """One printout: its path, title, issuing unit and date (for the footer and metadata)."""

    path: Path
    title: str
    issuing_unit: str = ""
    date: dt.date = field(default_factory=dt.date.today)
    font_path: str | None = None
    page_numbers: bool = True

    def build(self, story: list[Flowable]) -> Path:
        st = styles(self.font_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        doc = SimpleDocTemplate(
            str(self.path),
            pagesize=A4,
            leftMargin=LEFT_MARGIN,
            rightMargin=RIGHT_MARGIN,
            topMargin=TOP_MARGIN,
            bottomMargin=BOTTOM_MARGIN,
            title=self.title,
            author=self.issuing_unit,
            creator="社区工作台",
        )

        def footer(canvas: Any, document: Any) -> None:
            if not self.page_numbers:
                return
            canvas.saveState()
            canvas.setFont(st.font, SIZE_4)
            text = f"— {document.page} —"
            y = BOTTOM_MARGIN - 7 * mm - SIZE_4
            # Odd pages right, even pages left, one character in from the text block (GB/T 9704).
            if document.page % 2:
                canvas.drawRightString(LEFT_MARGIN + TEXT_WIDTH - SIZE_4, y, text)
            else:
                canvas.drawString(LEFT_MARGIN + SIZE_4, y, text)
            canvas.restoreState()

        doc.build(story, onFirstPage=footer, onLaterPages=footer)
        return self.path


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)
