"""Find a Chinese TrueType font that PDFs can embed (and the window can use).

reportlab embeds only TrueType outlines, so CFF fonts such as Noto Sans CJK are skipped.
Windows fonts may be embedded in documents but never shipped with the program.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FontFile:
    path: Path
    subfont_index: int = 0
    label: str = ""


class FontNotFound(Exception):
    """No usable Chinese TrueType font; the message says what to install."""


def _windows_candidates() -> list[FontFile]:
    fonts = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    return [
        FontFile(fonts / "simfang.ttf", 0, "仿宋"),
        FontFile(fonts / "simsun.ttc", 0, "宋体"),
        FontFile(fonts / "msyh.ttc", 0, "微软雅黑"),
        FontFile(fonts / "simhei.ttf", 0, "黑体"),
        FontFile(fonts / "simkai.ttf", 0, "楷体"),
    ]


def _unix_candidates() -> list[FontFile]:
    roots = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
             Path.home() / ".local/share/fonts", Path("/Library/Fonts"),
             Path("/System/Library/Fonts")]
    names = [
        ("truetype/arphic/uming.ttc", "AR PL UMing"),
        ("truetype/wqy/wqy-microhei.ttc", "WenQuanYi Micro Hei"),
        ("truetype/wqy/wqy-zenhei.ttc", "WenQuanYi Zen Hei"),
        ("truetype/arphic/ukai.ttc", "AR PL UKai"),
        ("Songti.ttc", "Songti SC"),
    ]
    return [FontFile(root / rel, 0, label) for rel, label in names for root in roots]


def candidates() -> list[FontFile]:
    return _windows_candidates() if sys.platform.startswith("win") else _unix_candidates()


def is_truetype(path: Path) -> bool:
    """True for glyf-outline TrueType (and TTC of them); False for CFF/OpenType-PS fonts."""
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    if head[:4] == b"ttcf":
        return True  # TTC collections of CJK faces on these systems are TrueType
    return head[:4] in (b"\x00\x01\x00\x00", b"true")


def find_cjk_font(configured: str | os.PathLike[str] | None = None) -> FontFile:
    """The configured font if it is usable, else the first installed candidate."""
    configured = configured or os.environ.get("NDESK_FONT")
    if configured:
        path = Path(configured)
        if path.is_file() and is_truetype(path):
            return FontFile(path, 0, path.stem)
        raise FontNotFound(f"设置的字体“{path}”不存在或不是 TrueType 字体（不支持 OTF/CFF 字体）。")
    for cand in candidates():
        if cand.path.is_file() and is_truetype(cand.path):
            return cand
    raise FontNotFound(install_hint())


def install_hint() -> str:
    if sys.platform.startswith("win"):
        return "未找到中文字体（宋体 simsun.ttc 或仿宋 simfang.ttf）。请在 Windows 设置中安装中文补充字体。"
    return (
        "未找到可嵌入的中文 TrueType 字体。请以管理员身份运行：\n"
        "sudo apt-get install fonts-wqy-microhei fonts-arphic-uming\n"
        "或用环境变量 NDESK_FONT 指定一个 .ttf/.ttc 字体文件。"
    )


_REGISTERED: dict[str, str] = {}


def register_pdf_font(configured: str | os.PathLike[str] | None = None) -> str:
    """Register the CJK font with reportlab (once) and return its font name for styles."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = find_cjk_font(configured)
    key = f"{font.path}#{font.subfont_index}"
    if key not in _REGISTERED:
        name = f"CJK{len(_REGISTERED)}"
        pdfmetrics.registerFont(TTFont(name, str(font.path), subfontIndex=font.subfont_index))
        _REGISTERED[key] = name
    return _REGISTERED[key]
