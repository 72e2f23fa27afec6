"""Pieces the activity plan and the brief report share: text blocks and photos."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph

from models.core import settings
from reports.layout.official import esc, spacer

CN_ORDINALS = "一二三四五六七八九十"
# Phone photos are 4000 px wide; 1600 px is sharp on an A4 page and keeps the PDF small
# enough to post in a residents' WeChat group.
MAX_PHOTO_PIXELS = 1600


def ordinal(n: int) -> str:
    """1 → 一, 11 → 十一 (section numbers of a plan)."""
    if n <= 10:
        return CN_ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return (
        ("" if tens == 1 else CN_ORDINALS[tens - 1])
        + "十"
        + (CN_ORDINALS[ones - 1] if ones else "")
    )


# A line that starts with a time ("08:30 集合", "9:00-11:00 义诊"): the time is set off by a
# full-width space, as Chinese text separates such items.
_TIME_FIRST = re.compile(r"^(\d{1,2}[:：]\d{2}(?:\s*[-—–~～至]\s*\d{1,2}[:：]\d{2})?)\s+")
# Chinese text has no space between a character and a number: 举办活动2场.
_CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
_SPACED = re.compile(rf"(?<=[{_CJK}]) +(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%]) +(?=[{_CJK}])")


def tidy(line: str) -> str:
    """A line of typed text as it is printed: the spaces Chinese does not use removed."""
    line = _TIME_FIRST.sub(lambda m: m.group(1) + "\u3000", line.strip())
    return _SPACED.sub("", line)


def paragraphs(text: str, style: Any) -> list[Flowable]:
    """One Paragraph per non-empty line of *text*."""
    return [Paragraph(esc(tidy(line)), style) for line in text.splitlines() if line.strip()]


def document_options() -> dict[str, Any]:
    return {
        "issuing_unit": settings.get("issuing_unit"),
        "font_path": settings.get("font_path") or None,
    }


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


class PhotoRow(Flowable):
    """One or two photos side by side with captions, scaled to fit and keeping their aspect.

    It shrinks to the room left on the page (down to *min_share* of its full height) so that a
    short brief keeps its photos on the first page; below that it moves to the next page.
    """

    def __init__(
        self,
        photos: list[tuple[Any, int, int, str]],
        caption_style: Any,
        max_height: float,
        gap: float = 6 * mm,
        min_share: float = 0.45,
        reserve: float = 0.0,
    ) -> None:
        super().__init__()
        self.photos = photos
        self.caption_style = caption_style
        self.max_height = max_height
        self.gap = gap
        self.min_share = min_share
        self.reserve = reserve  # room to leave below (the brief's footer), if shrinking allows
        self.scale = 1.0
        self._layout: list[tuple[Image, Paragraph | None, float, float]] = []

    def _sizes(self, avail_width: float, max_height: float) -> list[tuple[float, float]]:
        slot = (avail_width - self.gap * (len(self.photos) - 1)) / len(self.photos)
        sizes = []
        for _source, width, height, _caption in self.photos:
            scale = min(slot / width, max_height / height)
            sizes.append((width * scale, height * scale))
        return sizes

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        captions = [
            Paragraph(esc(c), self.caption_style) if c else None for _s, _w, _h, c in self.photos
        ]
        slot = (avail_width - self.gap * (len(self.photos) - 1)) / len(self.photos)
        caption_height = max((p.wrap(slot, 1000)[1] for p in captions if p), default=0.0)
        room = avail_height - caption_height - 4
        full = self._sizes(avail_width, self.max_height)
        tallest = max(h for _w, h in full)
        limit = self.max_height
        if tallest * self.min_share <= room - self.reserve < tallest:
            limit = room - self.reserve
        elif tallest * self.min_share <= room < tallest:
            limit = room
        sizes = self._sizes(avail_width, limit)
        self._layout = []
        x = 0.0
        for (source, _w, _h, _c), (width, height), caption in zip(
            self.photos, sizes, captions, strict=True
        ):
            self._layout.append((Image(source, width=width, height=height), caption, x, slot))
            x += slot + self.gap
        self.width = avail_width
        self.image_height = max(h for _w, h in sizes)
        self.height = self.image_height + caption_height + 4
        return self.width, self.height

    def draw(self) -> None:
        for image, caption, x, slot in self._layout:
            left = x + (slot - image.drawWidth) / 2
            image.drawOn(
                self.canv,
                left,
                self.height - self.image_height + (self.image_height - image.drawHeight),
            )
            if caption is not None:
                _w, h = caption.wrap(slot, 1000)
                caption.drawOn(self.canv, x, self.height - self.image_height - 4 - h)


def photo_block(
    photos: list[tuple[Path, str, str]], small_style: Any, reserve: float = 0.0
) -> list[Flowable]:
    """Photos (file, caption, original name) two to a row, one row if only one.

    A photo that cannot be read is named in a sentence instead of breaking the printout.
    """
    story: list[Flowable] = []
    caption_style = ParagraphStyle("caption", parent=small_style, alignment=TA_CENTER)
    readable: list[tuple[Any, int, int, str]] = []
    for path, caption, original in photos:
        try:
            source, width, height = _image_source(path)
            readable.append((source, width, height, caption))
        except Exception:  # reported on the page, the rest still prints
            story.append(
                Paragraph(
                    esc(f"（照片“{original or path.name}”无法读取，未印出。）"), caption_style
                )
            )
    if len(readable) == 1:
        story.append(PhotoRow(readable, caption_style, 100 * mm, reserve=reserve))
    for i in range(0, len(readable) if len(readable) > 1 else 0, 2):
        last = i + 2 >= len(readable)
        story.append(
            PhotoRow(readable[i : i + 2], caption_style, 62 * mm, reserve=reserve if last else 0.0)
        )
        if not last:
            story.append(spacer(3))
    return story
