"""The official page of GB/T 9704-2012 and the building blocks every printout uses.

A4; top margin 37 mm, left 28 mm, text block 156 × 225 mm; title 2号 (22 pt) in the title
face, body 3号 (16 pt) in the body face; page numbers "— 1 —" in 4号 7 mm below the text
block, odd pages right and even pages left, one character in. Dates in Arabic numerals
(2026年5月5日) unless the date_style setting asks for Chinese numerals. Tables repeat their
header row on every page; Chinese wraps by the rules of reports.layout.linebreak. Only embedded
TrueType fonts appear in the file: the canvas starts in the body face, not Helvetica.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from models.core import clock
from models.core.dates import cn_number, format_date
from models.core.errors import UserFacingError
from reports.layout import linebreak
from reports.layout.fonts import register_pdf_fonts

linebreak.install()

__all__ = [
    "Document",
    "styles",
    "data_table",
    "format_date",
    "esc",
    "spacer",
    "heading",
    "KeepWithNext",
]

PAGE_WIDTH, PAGE_HEIGHT = A4
TOP_MARGIN = 37 * mm
LEFT_MARGIN = 28 * mm
TEXT_WIDTH = 156 * mm
TEXT_HEIGHT = 225 * mm
RIGHT_MARGIN = PAGE_WIDTH - LEFT_MARGIN - TEXT_WIDTH
BOTTOM_MARGIN = PAGE_HEIGHT - TOP_MARGIN - TEXT_HEIGHT
# A4 turned for wide lists: 20 mm all round, leaving room under the text for page numbers.
LANDSCAPE_MARGIN = 20 * mm
LANDSCAPE_WIDTH = PAGE_HEIGHT - 2 * LANDSCAPE_MARGIN
LANDSCAPE_HEIGHT = PAGE_WIDTH - 2 * LANDSCAPE_MARGIN

# Chinese type sizes in points.
SIZE_2 = 22.0  # 二号: title
SIZE_3 = 16.0  # 三号: body
SIZE_4 = 14.0  # 四号: page numbers, sub-headings
SIZE_SMALL_4 = 12.0  # 小四: tables
SIZE_5 = 10.5  # 五号: dense tables
SIZE_SMALL_5 = 9.0  # 小五: wide tables
# 28 characters to a 156 mm line, as GB/T 9704 counts them: 3号 (16 pt) is 0.2 pt too wide
# for that, so body text is set 1.3 % smaller (what a word processor's 文档网格 does).
BODY_SIZE = TEXT_WIDTH / 28


class ReportError(UserFacingError):
    """A printout that cannot be made (unwritable file, no font…); the message is for the user."""


class BuildCancelled(ReportError):
    def __init__(self) -> None:
        super().__init__("已取消，未生成文件。")


def chinese_ordinal(n: int) -> str:
    """一, 二, … 十一: section numbers of an official document."""
    return cn_number(n)


def date_style() -> str:
    """The date_style setting ("arabic" or "chinese"); arabic when no database is bound."""
    return _setting("date_style") or "arabic"


def issuing_unit() -> str:
    return _setting("issuing_unit")


def _setting(key: str) -> str:
    try:
        from models.core import settings
        from models.core.db import database

        return settings.get(key) if database.obj is not None else ""
    except Exception:  # no database in this thread: the caller's default applies
        return ""


@dataclass
class Styles:
    font: str
    title_font: str = ""
    title: ParagraphStyle = field(init=False)
    subtitle: ParagraphStyle = field(init=False)
    heading: ParagraphStyle = field(init=False)
    body: ParagraphStyle = field(init=False)
    cell: ParagraphStyle = field(init=False)
    cell_right: ParagraphStyle = field(init=False)
    cell_head: ParagraphStyle = field(init=False)
    cell_center: ParagraphStyle = field(init=False)
    small: ParagraphStyle = field(init=False)
    right: ParagraphStyle = field(init=False)
    warning: ParagraphStyle = field(init=False)

    def __post_init__(self) -> None:
        self.title_font = self.title_font or self.font
        base = {"fontName": self.font, "wordWrap": "CJK"}
        head = {"fontName": self.title_font, "wordWrap": "CJK"}
        # Titles and headings keep with what follows them (Document groups them with the
        # start of the next flowable, which may still split: see KeepWithNext).
        self.title = ParagraphStyle(
            "title",
            fontSize=SIZE_2,
            leading=SIZE_2 * 1.5,
            alignment=TA_CENTER,
            spaceAfter=SIZE_3,
            keepWithNext=1,
            **head,
        )
        self.subtitle = ParagraphStyle(
            "subtitle",
            fontSize=SIZE_3,
            leading=SIZE_3 * 1.5,
            alignment=TA_CENTER,
            spaceAfter=SIZE_3 / 2,
            keepWithNext=1,
            **base,
        )
        # 一级标题 in 黑体 (the title face stands in for it).
        self.heading = ParagraphStyle(
            "heading",
            fontSize=SIZE_3,
            leading=SIZE_3 * 1.75,
            spaceBefore=SIZE_3 / 2,
            spaceAfter=SIZE_3 / 4,
            keepWithNext=1,
            **head,
        )
        # 28 characters a line, 22 lines a page: 3号 type on a 28.9 pt line.
        self.body = ParagraphStyle(
            "body",
            fontSize=BODY_SIZE,
            leading=28.9,
            firstLineIndent=2 * BODY_SIZE,
            alignment=TA_JUSTIFY,
            **base,
        )
        self.cell = ParagraphStyle("cell", fontSize=SIZE_5, leading=SIZE_5 * 1.35, **base)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.cell_head = ParagraphStyle("cell_head", parent=self.cell, alignment=TA_CENTER)
        self.cell_center = ParagraphStyle("cell_center", parent=self.cell, alignment=TA_CENTER)
        self.small = ParagraphStyle("small", fontSize=SIZE_5, leading=SIZE_5 * 1.5, **base)
        self.right = ParagraphStyle(
            "right", fontSize=SIZE_3, leading=SIZE_3 * 1.75, alignment=TA_RIGHT, **base
        )
        self.warning = ParagraphStyle(
            "warning",
            fontSize=SIZE_SMALL_4,
            leading=SIZE_SMALL_4 * 1.5,
            textColor=colors.HexColor("#B00000"),
            alignment=TA_LEFT,
            borderColor=colors.HexColor("#B00000"),
            borderWidth=0.8,
            borderPadding=4,
            spaceBefore=6,
            spaceAfter=8,
            **head,
        )

    def sized(self, style: ParagraphStyle, size: float, name: str = "") -> ParagraphStyle:
        """A copy of style at another size (leading scaled alike)."""
        return ParagraphStyle(
            name or f"{style.name}_{size}",
            parent=style,
            fontSize=size,
            leading=size * style.leading / style.fontSize,
        )


def styles(font_path: str | os.PathLike[str] | None = None) -> Styles:
    fonts = register_pdf_fonts(font_path)
    _default_font(fonts.body)
    return Styles(fonts.body, fonts.title)


def _default_font(name: str) -> None:
    """Make the embedded body face reportlab's default everywhere.

    Table cells set their style's font even when they hold a Paragraph, and chart labels
    start in the graphics default: both are Helvetica out of the box, which ends up in the
    PDF as a font that is not embedded. Report modules that build their own tables or
    charts get the body face without having to know this.
    """
    from reportlab import rl_config
    from reportlab.graphics import shapes
    from reportlab.platypus import tables

    tables.CellStyle.fontname = name
    shapes.STATE_DEFAULTS["fontName"] = name
    rl_config.canvas_basefontname = name


def heading(st: Styles, text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A heading that is never left alone at a page foot: it goes to the next page with
    the first lines (or first table rows) of what follows it. Any style may be given (a
    caption over a table in st.small); st.heading by default."""
    para = Paragraph(esc(text), style or st.heading)
    para.keepWithNext = 1
    return para


class KeepWithNext(Flowable):
    """Headings and the flowable after them: the headings stay with its start, and it may
    split (a long table continues on the next page under its repeated header) instead of
    jumping whole to the next page as in a KeepTogether.

    Document makes this reportlab's class for keepWithNext groups.
    """

    def __init__(self, flowables: Sequence[Flowable], maxHeight: float | None = None) -> None:  # noqa: N803
        super().__init__()
        self._content = list(flowables)
        # The story ended on a heading: nothing to keep it with (and no regrouping loop).
        self._content[-1].__dict__["keepWithNext"] = 0

    def _heads(self) -> tuple[list[Flowable], Flowable]:
        return self._content[:-1], self._content[-1]

    def _heads_height(self, width: float, height: float) -> float:
        heads, body = self._heads()
        total = 0.0
        for i, f in enumerate(heads):
            total += f.wrap(width, height)[1] + f.getSpaceAfter() + (f.getSpaceBefore() if i else 0)
        return total + body.getSpaceBefore()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        return availWidth, 0xFFFFFF  # always asked to split (as KeepTogether)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        heads, body = self._heads()
        if len(self._content) == 1:
            return list(self._content)
        room = availHeight - self._heads_height(availWidth, availHeight)
        frame = getattr(self, "_frame", None)
        at_top = bool(getattr(frame, "_atTop", False))
        if isinstance(body, KeepTogether):
            body.wrap(availWidth, max(room, 0))
            body_height = float(getattr(body, "_H", 0xFFFFFF))
        else:
            body_height = body.wrap(availWidth, max(room, 0))[1]
        if room > 0 and body_height <= room + 1e-6:
            return list(self._content)
        if room > 0 and not isinstance(body, KeepTogether):
            parts = body.split(availWidth, room)
            if parts:
                return [*heads, *parts]
        # Not even the start of it fits: all of it to the next page (as it is, when this is
        # already the top of a page, so that the document does not loop).
        return list(self._content) if at_top else []

    def getSpaceBefore(self) -> float:  # noqa: N802
        return float(self._content[0].getSpaceBefore())

    def getSpaceAfter(self) -> float:  # noqa: N802
        return float(self._content[-1].getSpaceAfter())

    def draw(self) -> None:  # never drawn: split always hands its content to the frame
        pass


class PageFoot(Flowable):
    """Content set at the foot of the text block on the page where it lands (版记 of GB/T
    9704: its last rule on the last line of the page). It takes up the rest of the page, so
    it must be the last flowable; when it does not fit below the text it goes to the next
    page, again at the foot."""

    def __init__(self, content: Flowable, gap: float = 3 * mm) -> None:
        super().__init__()
        self.content = content
        self.gap = gap  # at least this much room between the text and the foot

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        height = self.content.wrap(availWidth, availHeight)[1] + self.gap
        self.width = availWidth
        self.height = max(height, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []

    def draw(self) -> None:
        self.content.drawOn(self.canv, 0, 0)


def esc(text: Any) -> str:
    """Text for a Paragraph: reportlab reads a small XML dialect.

    A full-width space (第　　期, a blank to fill in) is kept as a character reference:
    reportlab collapses a literal one into a single half-width space."""
    return (
        str("" if text is None else text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\u3000", "&#12288;")
    )


def data_table(
    st: Styles,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths_mm: Sequence[float] | None = None,
    numeric: Sequence[int] = (),
    total_row: bool = False,
    font_size: float | None = None,
) -> Table:
    """A ruled table whose header row repeats on every page; cells wrap Chinese text."""
    cell, right, head_style = st.cell, st.cell_right, st.cell_head
    if font_size:
        cell, right, head_style = (st.sized(s, font_size) for s in (cell, right, head_style))
    head = [Paragraph(esc(h), head_style) for h in headers]
    body = [
        [Paragraph(esc(v), right if i in numeric else cell) for i, v in enumerate(row)]
        for row in rows
    ]
    widths = (
        [w * mm for w in widths_mm] if widths_mm else [TEXT_WIDTH / len(headers)] * len(headers)
    )
    table = Table([head, *body], colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(table_style(total_row=total_row and bool(rows))))
    return table


def fit(text: Any, style: ParagraphStyle, width: float, padding: float = 6) -> Any:
    """A plain string when the text fits the cell's width, else a wrapping Paragraph.

    Plain strings draw many times faster than Paragraphs, which matters for printouts of
    thousands of rows; the table's FONTNAME/FONTSIZE must then match style.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    value = "" if text is None else str(text)
    if "\n" not in value and stringWidth(value, style.fontName, style.fontSize) <= width - padding:
        return value
    return Paragraph(esc(value).replace("\n", "<br/>"), style)


def table_style(header_rows: int = 1, total_row: bool = False) -> list[tuple[Any, ...]]:
    """The ruling every table shares: a grid, shaded header rows, a shaded total row."""
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), tables_font()),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#EEEEEE")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if total_row:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F5F5F5")))
    return style


def signature_line(st: Styles, items: Sequence[tuple[str, str]], size: float = SIZE_4) -> Table:
    """填报人：______  审核人：______  填报日期：2026年11月27日 — labels with lines to sign on.

    An item with a value prints it; one without gets a ruled blank for a signature.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    style = st.sized(st.small, size, "signature")
    label_width = [stringWidth(f"{label}：", st.font, size) + 6 for label, _ in items]
    value_width = [stringWidth(value, st.font, size) + 8 for _, value in items]
    blanks = sum(1 for _, value in items if not value)
    # A blank to sign on is a ruled line of a fixed width (28 mm, less only when the line is
    # full); spaces typed into a paragraph would collapse to a few millimetres.
    fixed = sum(label_width) + sum(w for w, (_, v) in zip(value_width, items, strict=True) if v)
    blank = min(28 * mm, (TEXT_WIDTH - fixed) / blanks) if blanks else 0.0
    cells: list[Paragraph] = []
    widths: list[float] = []
    for (label, value), lw, vw in zip(items, label_width, value_width, strict=True):
        cells += [Paragraph(esc(f"{label}："), style), Paragraph(esc(value), style)]
        widths += [lw, vw if value else blank]
    if sum(widths) < TEXT_WIDTH - 1:
        cells.append(Paragraph("", style))
        widths.append(TEXT_WIDTH - sum(widths))
    table = Table([cells], colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), st.font),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 10),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                *[
                    ("LINEBELOW", (2 * i + 1, 0), (2 * i + 1, 0), 0.5, colors.black)
                    for i, (_, value) in enumerate(items)
                    if not value
                ],
            ]
        )
    )
    return table


def closing(st: Styles, unit: str, day_text: str) -> list[Paragraph]:
    """落款 per GB/T 9704-2012 7.3.5: the date four characters in from the right margin, the
    issuing unit centred over the date (flush with the margin when it is too long for that)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    size = st.body.fontSize
    date_style = ParagraphStyle(
        "closing_date",
        parent=st.right,
        fontName=st.font,
        fontSize=size,
        leading=st.body.leading,
        rightIndent=4 * size,
    )
    date_width = stringWidth(day_text, st.font, size)
    unit_width = stringWidth(unit, st.font, size)
    centre = TEXT_WIDTH - 4 * size - date_width / 2
    unit_indent = max(0.0, TEXT_WIDTH - centre - unit_width / 2)
    unit_style = ParagraphStyle("closing_unit", parent=date_style, rightIndent=unit_indent)
    return [Paragraph(esc(unit), unit_style), Paragraph(esc(day_text), date_style)]


def sign_off(
    st: Styles,
    unit: str,
    day_text: str,
    signers: Sequence[str] = ("单位负责人", "制表人", "审核人"),
    phone: bool = True,
    seal: bool = True,
) -> KeepTogether:
    """The foot of a list or report sent upward: ruled lines for each signer (fixed widths,
    not spaces that collapse), 联系电话 and 填报日期, and the unit with room for its seal."""
    lines: list[Any] = [spacer(6), signature_line(st, [(name, "") for name in signers])]
    if phone:
        lines.append(signature_line(st, [("联系电话", ""), ("填报日期", day_text)]))
    label = "填报单位（盖章）" if seal else "填报单位"
    lines.append(signature_line(st, [(label, unit)]))
    return KeepTogether(lines)


def tables_font() -> str:
    from reportlab.platypus import tables

    return str(tables.CellStyle.fontname)


Progress = Callable[[int, int], bool]  # (done, total) → False to cancel


@dataclass
class Document:
    """One printout: its path, title, issuing unit and date (for the footer and metadata)."""

    path: Path
    title: str
    issuing_unit: str = ""
    date: dt.date = field(default_factory=clock.today)
    font_path: str | None = None
    page_numbers: bool = True
    landscape: bool = False  # wide lists (一表通 sheets of ten or more columns)

    def build(
        self, story: list[Flowable], progress: Progress | None = None, pages: int | None = None
    ) -> Path:
        """Write the PDF; a cancelled or failed build leaves no file behind.

        progress(done, total) is called as the build goes (pages when the expected page
        count is given, else flowables); returning False cancels it.
        """
        st = styles(self.font_path)
        self.path = Path(self.path)
        unit = self.issuing_unit or issuing_unit()
        part = self.path.with_name(self.path.name + ".part")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            part.touch()
        except OSError as exc:
            raise ReportError(_write_error(self.path, exc)) from exc
        pagesize, left, bottom, width, height = (
            (
                (PAGE_HEIGHT, PAGE_WIDTH),
                LANDSCAPE_MARGIN,
                LANDSCAPE_MARGIN,
                LANDSCAPE_WIDTH,
                LANDSCAPE_HEIGHT,
            )
            if self.landscape
            else (A4, LEFT_MARGIN, BOTTOM_MARGIN, TEXT_WIDTH, TEXT_HEIGHT)
        )
        doc = BaseDocTemplate(
            str(part),
            pagesize=pagesize,
            leftMargin=left,
            rightMargin=pagesize[0] - left - width,
            topMargin=pagesize[1] - bottom - height,
            bottomMargin=bottom,
            title=self.title,
            author=unit,
            creator="社区工作台",
            # The canvas would otherwise open every page in Helvetica, a font that is not
            # embedded (pdffonts: "emb no").
            initialFontName=st.font,
            initialFontSize=SIZE_3,
            initialLeading=SIZE_3 * 1.2,
        )
        doc.keepTogetherClass = KeepWithNext
        # The frame has no padding of its own: the text block is exactly 156 × 225 mm.
        frame = Frame(
            left,
            bottom,
            width,
            height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="text_block",
        )
        if progress is not None:
            doc.setProgressCallBack(_progress_callback(progress, pages))

        def footer(canvas: Any, document: Any) -> None:
            if not self.page_numbers:
                return
            canvas.saveState()
            canvas.setFont(st.font, SIZE_4)
            text = f"— {document.page} —"
            y = bottom - 7 * mm - SIZE_4
            # Odd pages right, even pages left, one character in from the text block (GB/T 9704).
            if document.page % 2:
                canvas.drawRightString(left + width - SIZE_4, y, text)
            else:
                canvas.drawString(left + SIZE_4, y, text)
            canvas.restoreState()

        try:
            doc.addPageTemplates([PageTemplate(id="official", frames=[frame], onPage=footer)])
            doc.build(story)
            os.replace(part, self.path)
        except BuildCancelled:
            part.unlink(missing_ok=True)
            raise
        except OSError as exc:
            part.unlink(missing_ok=True)
            raise ReportError(_write_error(self.path, exc)) from exc
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        return self.path


def _progress_callback(progress: Progress, pages: int | None) -> Callable[[str, int], None]:
    """Progress by pages when the caller knows about how many (one long table reports no
    flowable progress while it splits), else by flowables; False from progress cancels."""
    state = {"done": 0, "total": max(1, pages or 1)}

    def callback(kind: str, value: int) -> None:
        if kind == "SIZE_EST" and not pages:
            state["total"] = max(1, value)
            return
        if kind == "PAGE" and pages:
            state["done"] = min(value, pages)
        elif kind == "PROGRESS" and not pages:
            state["done"] = value
        else:
            return
        if state["done"] == state.get("told"):
            return  # the same figure again (several flowables on one page)
        state["told"] = state["done"]
        if progress(state["done"], state["total"]) is False:
            raise BuildCancelled()

    return callback


def _write_error(path: Path, exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        why = "没有写入权限，或文件正被其他程序（如PDF阅读器）打开"
    elif isinstance(exc, (IsADirectoryError, NotADirectoryError)):
        why = "路径不是一个可写的文件"
    elif isinstance(exc, FileNotFoundError):
        why = "所在文件夹不存在，或不能在其中建立文件"
    else:
        why = exc.strerror or str(exc)
    return f"无法写入文件“{path}”：{why}。"


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)
