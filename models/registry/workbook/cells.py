"""Cell values of a register workbook, as a clerk means them.

Matching text (full-width to half-width, no spaces), a cell as the text typed (101.0 -> "101",
dates as 1985-03-02), ID-number cells that went through Excel's 15 significant digits, date
cells and texts in the register's many forms (1985.03.02, 1985年3月2日, 19850302, 1985.03),
and the spreadsheet's column letters.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as the spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def clean_text(value: Any) -> str:
    """Full-width to half-width, no spaces of any kind (for matching, not for storing)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", text)


LOST_DIGITS = (
    "身份证号码被存成了数字，Excel 只保留15位有效数字，后几位已丢失，无法恢复；"
    "请将该列设为“文本”格式后按原件重新录入"
)


def cell_text(value: Any) -> str:
    """A cell as the text a clerk means: 101.0 -> "101", dates as 1985-03-02, trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    # Free text (addresses, work units) is kept as typed, full-width brackets and all; the
    # values that are matched (codes, ID numbers, dates) are normalised where they are read.
    return str(value).replace("\u3000", " ").strip()


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")


def id_from_cell(value: Any) -> tuple[str, str]:
    """(text to check, reason it cannot be used) for an ID-number cell.

    A number cell holding 16 or more digits went through Excel's 15 significant digits and
    cannot be trusted; a 15-digit number is a first-generation ID and is fine."""
    if value is None:
        return "", ""
    if isinstance(value, bool):
        return str(value), "身份证号码格式不对"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            return str(value), LOST_DIGITS
        digits = str(int(value))
        if len(digits) >= 16:
            # shown as Excel's formula bar shows it: 15 digits, then zeros
            return digits[:15] + "0" * (len(digits) - 15), LOST_DIGITS
        return digits, ""
    text = cell_text(value)
    compact = re.sub(r"\s", "", text).upper()
    if _SCIENTIFIC.match(compact):
        return text, LOST_DIGITS
    return text, ""


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?(?:\s.*)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERN = re.compile(r"^(\d{4})(?:[.\-/年](\d{1,2})月?|(\d{2}))$")  # 1976.04, 197604


@dataclass(frozen=True)
class DateParts:
    year: int
    month: int | None = None
    day: int | None = None

    def date(self) -> dt.date | None:
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)

    def matches(self, other: dt.date) -> bool:
        return (
            self.year == other.year
            and self.month in (None, other.month)
            and self.day in (None, other.day)
        )


def date_from_cell(value: Any) -> DateParts | None | str:
    """A date cell or text (1985.03.02, 1985年3月2日, 19850302, 1985-3-2, 1985.03).

    Returns the parts, None for an empty cell, or the text when it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return DateParts(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return DateParts(value.year, value.month, value.day)
    if isinstance(value, float) and not value.is_integer() and 1800 < value < 2200:
        value = f"{value:.2f}"  # 1976.10 typed into a number cell arrives as 1976.1
    text = clean_text(cell_text(value))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups()[:3])
            try:
                dt.date(year, month, day)
            except ValueError:
                return text
            return DateParts(year, month, day)
    match = _MONTH_PATTERN.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2) or match.group(3))
        if 1 <= month <= 12:
            return DateParts(year, month)
    return text
