"""Pieces the activity plan and the brief report share: text blocks and photos."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph, Table, TableStyle

from models import settings
from reports.official import TEXT_WIDTH, esc

CN_ORDINALS = "一二三四五六七八九十"
# Phone photos are 4000 px wide; 1600 px is sharp on an A4 page and keeps the PDF small
# enough to post in a residents' WeChat group.
MAX_PHOTO_PIXELS = 1600


def ordinal(n: int) -> str:
    """1 → 一, 11 → 十一 (section numbers of a plan)."""
    if n <= 10:
        return CN_ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_ORDINALS[tens - 1]) + "十" + (
        CN_ORDINALS[ones - 1] if ones else "")


def paragraphs(text: str, style: Any) -> list[Flowable]:
    """One Paragraph per non-empty line of *text*."""
    return [Paragraph(esc(line.strip()), style) for line in text.splitlines() if line.strip()]


def document_options() -> dict[str, Any]:
    return {"issuing_unit": settings.get("issuing_unit"),
            "font_path": settings.get("font_path") or None}


def date_style() -> str:
    return settings.get("date_style") or "arabic"


def _image_source(path: Path) -> tuple[Any, int, int]:
    """An upright, reasonably sized image for reportlab, with its pixel size.

    Raises OSError/ValueError when the file cannot be read as an image.
    """
    from PIL import Image as PILImage
    from PIL import ImageOps

    with PILImage.open(path) as img:
        img.load()
        rotated = img.getexif().get(0x0112, 1) != 1  # EXIF orientation: phones store it
        width, height = img.size
        if not rotated and max(width, height) <= MAX_PHOTO_PIXELS and img.format == "JPEG":
            return str(path), width, height
        upright = ImageOps.exif_transpose(img)
        upright.thumbnail((MAX_PHOTO_PIXELS, MAX_PHOTO_PIXELS))
        buffer = io.BytesIO()
        upright.convert("RGB").save(buffer, "JPEG", quality=85)
        buffer.seek(0)
        return buffer, upright.size[0], upright.size[1]


def photo_flowable(path: Path, max_width: float, max_height: float) -> Image:
    """A reportlab Image scaled to fit the box, keeping its aspect ratio."""
    source, width, height = _image_source(path)
    scale = min(max_width / width, max_height / height)
    return Image(source, width=width * scale, height=height * scale)


def photo_block(photos: list[tuple[Path, str, str]], small_style: Any) -> list[Flowable]:
    """Photos (file, caption, original name) two to a row, one row if only one.

    A photo that cannot be read is named in a sentence instead of breaking the printout.
    """
    story: list[Flowable] = []
    cells: list[list[Flowable]] = []
    caption_style = ParagraphStyle("caption", parent=small_style, alignment=TA_CENTER)
    readable: list[tuple[Path, str]] = []
    for path, caption, original in photos:
        try:
            from models.events_attendance import check_image

            check_image(path)
            readable.append((path, caption))
        except Exception:  # reported on the page, the rest still prints
            story.append(Paragraph(esc(f"（照片“{original or path.name}”无法读取，未印出。）"),
                                   caption_style))
    if not readable:
        return story
    gap = 6 * mm
    if len(readable) == 1:
        path, caption = readable[0]
        image = photo_flowable(path, TEXT_WIDTH * 0.9, 110 * mm)
        cells = [[image], [Paragraph(esc(caption), small_style)]] if caption else [[image]]
        table = Table(cells, colWidths=[TEXT_WIDTH])
    else:
        width = (TEXT_WIDTH - gap) / 2
        rows: list[list[Flowable | str]] = []
        for i in range(0, len(readable), 2):
            pair = readable[i:i + 2]
            rows.append([photo_flowable(p, width - 2, 62 * mm) for p, _ in pair]
                        + ([""] if len(pair) == 1 else []))
            rows.append([Paragraph(esc(c), caption_style) for _, c in pair]
                        + ([""] if len(pair) == 1 else []))
        table = Table(rows, colWidths=[width + gap / 2, width + gap / 2])
    table.setStyle(TableStyle([
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    story.append(table)
    return story
