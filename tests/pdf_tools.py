"""Reading PDFs in tests with poppler-utils (pdftotext, pdffonts, pdfinfo)."""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

MM = 72 / 25.4


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        args, capture_output=True, text=True, check=True, timeout=120, env=env
    ).stdout


def text(path: Path, layout: bool = True, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return _run(*args, str(path), "-")


def pages(path: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(path))).group(1))


@dataclass(frozen=True)
class Font:
    name: str
    type: str
    embedded: bool


def fonts(path: Path) -> list[Font]:
    lines = _run("pdffonts", str(path)).splitlines()[2:]
    found = []
    for line in lines:
        parts = line.split()
        # name type [type…] encoding emb sub uni object ID: emb is the 5th from the end.
        found.append(Font(parts[0], parts[1], parts[-5] == "yes"))
    return found


@dataclass(frozen=True)
class Word:
    page: int
    x0: float  # points from the left edge
    y0: float  # points from the top edge
    x1: float
    y1: float
    text: str


def words(path: Path) -> list[Word]:
    out = _run("pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-")
    found: list[Word] = []
    page = 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
            r"(.*)</word>",
            line,
        )
        if m:
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            found.append(Word(page, x0, y0, x1, y1, html.unescape(m.group(5))))
    return found


def ink_box(path: Path, page: int = 1, dpi: int = 50) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) in pixels of everything darker than mid-grey on a page."""
    raw = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), str(path)],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    # A binary PGM: "P5\n<width> <height>\n255\n" then one byte per pixel.
    header = raw.split(b"\n", 3)
    width, height = (int(v) for v in header[1].split())
    pixels = header[3]
    dark = [i for i, v in enumerate(pixels[: width * height]) if v < 128]
    xs = [i % width for i in dark]
    ys = [i // width for i in dark]
    return min(xs), min(ys), max(xs), max(ys)
