"""Find the Chinese TrueType fonts that PDFs embed (and the window can use).

reportlab embeds only TrueType (glyf) outlines, so CFF fonts such as Noto Sans CJK are
skipped, and its built-in STSong-Light is never used (it is not embedded: boxes on a
machine without Asian fonts). Two faces are looked for, as GB/T 9704 sets them:

- body (正文, 仿宋 in the standard): 仿宋_GB2312 or FangSong (simfang.ttf) on Windows, then
  宋体; STFangsong, then Songti on macOS; on Linux AR PL UKai CN (fonts-arphic-ukai), then
  AR PL UMing CN. Debian has no FangSong that covers simplified Chinese (cwTeX 仿宋 lacks 区,
  员, 会, 证 and some 2,400 other GB 2312 characters), so a Kai face, FangSong's nearest
  relative, stands in. UKai's digits are half an em wide like FangSong's, so the tables laid
  out for one fit with the other (LXGW WenKai's are 0.6 em: ID numbers would wrap);
- title (标题, 小标宋 in the standard): FZ XiaoBiaoSong if the office has it, else SimHei
  (黑体) or Microsoft YaHei on Windows, STHeiti or Songti on macOS, WenQuanYi Zen Hei (a
  heavier Hei) then WenQuanYi Micro Hei on Linux; the body face if none.

A configured font wins: NDESK_FONT, then the "font_path" setting. Windows fonts may be
embedded in documents but are never shipped with the program.
"""

from __future__ import annotations

import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from models.core.errors import UserFacingError

BODY = "body"
TITLE = "title"
# A font that lacks these is not a Chinese font, whatever its name says.
_PROBE = "社区居民委员会证明年月日，。"


@dataclass(frozen=True)
class FontFile:
    path: Path
    subfont_index: int = 0
    label: str = ""


class FontNotFound(UserFacingError):
    """No usable Chinese TrueType font; the message says what to install."""


def _windows_candidates(role: str) -> list[FontFile]:
    fonts = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    local = Path(os.environ.get("LOCALAPPDATA", "")) / "Microsoft" / "Windows" / "Fonts"
    # 仿宋_GB2312 (an office install) before FangSong (simfang.ttf, shipped with Windows).
    body = [
        ("FSGB2312.ttf", "仿宋_GB2312"),
        ("simfang.ttf", "仿宋"),
        ("simsun.ttc", "宋体"),
        ("simkai.ttf", "楷体"),
        ("msyh.ttc", "微软雅黑"),
        ("simhei.ttf", "黑体"),
    ]
    title = [
        ("FZXBSJW.TTF", "方正小标宋简体"),
        ("FZXBSK.TTF", "方正小标宋简体"),
        ("simhei.ttf", "黑体"),
        ("msyh.ttc", "微软雅黑"),
        ("simsun.ttc", "宋体"),
    ]
    names = title if role == TITLE else body
    return [FontFile(root / name, 0, label) for name, label in names for root in (fonts, local)]


# Debian packages of the faces below, in the order they are preferred (scripts/dev.sh).
DEBIAN_PACKAGES = (
    "fonts-arphic-ukai",
    "fonts-arphic-uming",
    "fonts-wqy-zenhei",
    "fonts-wqy-microhei",
)


def _unix_candidates(role: str) -> list[FontFile]:
    roots = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        Path.home() / ".fonts",
        Path.home() / ".local/share/fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        Path("/System/Library/Fonts/Supplemental"),
    ]
    # Face 0 of the AR PL collections is the CN one (mainland glyph forms).
    body = [
        ("truetype/arphic/ukai.ttc", 0, "AR PL UKai CN"),
        ("truetype/arphic/uming.ttc", 0, "AR PL UMing CN"),
        ("truetype/wqy/wqy-microhei.ttc", 0, "WenQuanYi Micro Hei"),
        ("truetype/wqy/wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei"),
        ("STFangsong.ttf", 0, "STFangsong"),  # macOS: 华文仿宋 (older systems' name first)
        ("华文仿宋.ttf", 0, "STFangsong"),
        ("Songti.ttc", 0, "Songti SC"),
    ]
    title = [
        ("truetype/wqy/wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei"),
        ("truetype/wqy/wqy-microhei.ttc", 0, "WenQuanYi Micro Hei"),
        ("STHeiti Medium.ttc", 0, "STHeiti"),  # macOS: 华文黑体
        ("Songti.ttc", 0, "Songti SC"),
        ("truetype/arphic/uming.ttc", 0, "AR PL UMing CN"),
    ]
    names = title if role == TITLE else body
    return [FontFile(root / rel, index, label) for rel, index, label in names for root in roots]


def candidates(role: str = BODY) -> list[FontFile]:
    if sys.platform.startswith("win"):
        return _windows_candidates(role)
    return _unix_candidates(role)


def is_truetype(path: Path, subfont_index: int = 0) -> bool:
    """True for glyf-outline TrueType (and such a face in a TTC); False for CFF fonts."""
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
            if head[:4] == b"ttcf":
                count = struct.unpack(">I", head[8:12])[0]
                if subfont_index >= count:
                    return False
                fh.seek(12 + 4 * subfont_index)
                offset = struct.unpack(">I", fh.read(4))[0]
                fh.seek(offset)
                head = fh.read(4)
    except (OSError, struct.error):
        return False
    return head[:4] in (b"\x00\x01\x00\x00", b"true")


def configured_font() -> str:
    """NDESK_FONT, else the database's "font_path" setting, else ""."""
    env = os.environ.get("NDESK_FONT", "").strip()
    if env:
        return env
    try:
        from models.core import settings
        from models.core.db import database

        if database.obj is None:
            return ""
        return settings.get("font_path").strip()
    except Exception:  # no database bound in this thread: no setting to read
        return ""


def find_cjk_font(configured: str | os.PathLike[str] | None = None, role: str = BODY) -> FontFile:
    """The configured font if it is usable, else the first installed candidate for role."""
    configured = configured or (configured_font() if role == BODY else "")
    if configured:
        path = Path(configured)
        if path.is_file() and is_truetype(path):
            return FontFile(path, 0, path.stem)
        raise FontNotFound(
            f"设置的字体“{path}”不存在或不是 TrueType 字体（不支持 OTF/CFF 字体）。"
            "请在设置中改正字体文件，或清空该设置以使用系统字体。"
        )
    for cand in candidates(role):
        if cand.path.is_file() and is_truetype(cand.path, cand.subfont_index):
            return cand
    raise FontNotFound(install_hint())


def install_hint() -> str:
    if sys.platform.startswith("win"):
        return (
            "未找到中文字体（仿宋 simfang.ttf 或宋体 simsun.ttc），无法生成PDF。"
            "请在 Windows 设置中安装中文补充字体，或在设置中指定一个 .ttf/.ttc 字体文件。"
        )
    return (
        "未找到可嵌入的中文 TrueType 字体，无法生成PDF。请以管理员身份运行："
        f"sudo apt-get install {' '.join(DEBIAN_PACKAGES)}，"
        "或用环境变量 NDESK_FONT 指定一个 .ttf/.ttc 字体文件。"
    )


_REGISTERED: dict[str, str] = {}


def _register(font: FontFile) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    key = f"{font.path}#{font.subfont_index}"
    if key not in _REGISTERED:
        name = f"CJK{len(_REGISTERED)}"
        try:
            ttf = TTFont(name, str(font.path), subfontIndex=font.subfont_index)
        except (TTFError, OSError) as exc:
            raise FontNotFound(f"字体“{font.path}”无法读取：{exc}") from exc
        missing = [ch for ch in _PROBE if ord(ch) not in ttf.face.charToGlyph]
        if missing:
            raise FontNotFound(
                f"字体“{font.path}”不含中文字形（缺“{''.join(missing)}”），请换用中文字体。"
            )
        pdfmetrics.registerFont(ttf)
        _REGISTERED[key] = name
    return _REGISTERED[key]


def register_pdf_font(configured: str | os.PathLike[str] | None = None, role: str = BODY) -> str:
    """Register the CJK font with reportlab (once) and return its font name for styles."""
    return _register(find_cjk_font(configured, role))


@dataclass(frozen=True)
class PdfFonts:
    body: str
    title: str


def register_pdf_fonts(configured: str | os.PathLike[str] | None = None) -> PdfFonts:
    """Body and title faces; the title falls back to the body face when none is found."""
    body = register_pdf_font(configured, BODY)
    try:
        title = register_pdf_font(None, TITLE)
    except FontNotFound:
        title = body
    return PdfFonts(body, title)
