"""Rules for text at the door: invisible characters out, phone numbers as Chinese numbers.

Every text field a service writes passes through clean() (models.core.crud calls it for each
CharField and TextField): a control character pasted from Word or a spreadsheet (`\\x0b`, NUL)
breaks exports and printouts, and a bidi override (U+202E) makes a name or a number read
differently from what is stored. Line breaks stay in multi-line fields (notes) only.
"""

from __future__ import annotations

import re
import unicodedata

from models.core.errors import UserFacingError

# Line and paragraph separators of other systems: a line break in a multi-line field.
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# C0 and C1 controls (not \n, \t), DEL; bidi embeddings, overrides, isolates and marks; BOM.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


class TextRuleError(UserFacingError, ValueError):
    """Text that cannot be kept; the message is for the user."""


def clean(value: str, multiline: bool = False) -> str:
    """*value* without control, NUL and bidi-override characters. A tab becomes a space; other
    line breaks become \\n in a multi-line field and a space in a one-line field."""
    text = _BREAKS.sub("\n", value)
    text = _INVISIBLE.sub("", text).replace("\t", " ")
    if not multiline:
        text = text.replace("\n", " ")
    return text


def has_invisible(value: str, multiline: bool = False) -> bool:
    """True when clean() would change *value* (for a form that wants to say so)."""
    return clean(value, multiline) != value


# -- phone numbers -------------------------------------------------------------------------
MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code 0xx or 0xxx, a number of 7 or 8 digits, an extension after 转, -, # or ext.
LANDLINE = re.compile(r"(0\d{2,3})-?(\d{7,8})(?:(?:转|-|#|ext\.?|EXT\.?)(\d{1,6}))?")
_SEPARATORS = re.compile(r"[/、]")
_PHONE_ERROR = (
    "联系电话“{text}”不是有效的号码：手机号为11位（1开头），固定电话为区号加号码"
    "（如 029-88123456，分机可写“转123”）；两个号码用 / 或 、 隔开。"
)


def _one_phone(part: str) -> str | None:
    """One number, normalised (mobile: 11 digits; landline: 区号-号码[转分机]), or None."""
    part = part.replace("（", "(").replace("）", ")")
    part = re.sub(r"^\((0\d{2,3})\)-?", r"\1-", part)  # (029)88123456
    mobile = re.sub(r"^(?:\+86|0086|86)(?=1[3-9]\d{9}$)", "", part.replace("-", ""))
    if MOBILE.fullmatch(mobile):
        return mobile
    match = LANDLINE.fullmatch(part)
    if match:
        area, number, ext = match.groups()
        return f"{area}-{number}" + (f"转{ext}" if ext else "")
    return None


def normalize_phone(raw: str | None) -> str:
    """ "138 1234 5678" → "13812345678"; "029 8812 3456转12" → "029-88123456转12"; two numbers
    kept with their separator ("13812345678/029-12345678"). Raises TextRuleError."""
    text = unicodedata.normalize("NFKC", clean(raw or "")).strip()
    text = re.sub(r"\s+", "", text)
    if not text:
        return ""
    parts = _SEPARATORS.split(text)
    separators = _SEPARATORS.findall(text)
    if len(parts) > 2:
        raise TextRuleError("联系电话最多填写两个号码，用 / 或 、 隔开。")
    done = []
    for part in parts:
        number = _one_phone(part)
        if number is None:
            raise TextRuleError(_PHONE_ERROR.format(text=raw.strip() if raw else text))
        done.append(number)
    return done[0] if len(done) == 1 else f"{done[0]}{separators[0]}{done[1]}"
