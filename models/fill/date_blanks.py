"""Date blanks in a template's title and footer lines, and filling them in.

"XX街道80周岁以上老人名单（  年  月）" and "填报日期：    年  月  日" leave blanks (spaces,
full-width spaces, ____) where the digits go; the layout notes the cells that hold one
(has_date_blank), and the filled copy gets the dates written in (fill_placeholder).
"""

from __future__ import annotations

import datetime as dt
import re

# A date to fill: 年 and 月 (and maybe 日) with blanks (spaces, full-width spaces, ____) where
# the digits go; a part already typed (2026年  月) is kept.
_BLANK = r"[ \t\u3000_＿]*"
_DATE_BLANK_RE = re.compile(
    rf"(?P<y>\d{{4}}|{_BLANK})(?P<yw>\s*年)(?P<m>\d{{1,2}}|{_BLANK})(?P<mw>\s*月)"
    rf"(?:(?P<d>\d{{1,2}}|{_BLANK})(?P<dw>\s*日))?"
)


def _to_fill(text: str, match: re.Match[str]) -> bool:
    """Whether a 年/月/日 match is a blank to fill (not a full date, not a word)."""
    y, m, d = match.group("y"), match.group("m"), match.group("d")
    if all(p.isdigit() for p in (y, m) + ((d,) if d is not None else ())):
        return False
    before = text[: match.start()].rstrip(" \t\u3000")
    # 出生年月日 in a note is a word; a blank follows a colon, a bracket or nothing.
    return bool(y) or not before or before[-1] in "：:（(【["


def has_date_blank(text: str) -> bool:
    return any(_to_fill(text, match) for match in _DATE_BLANK_RE.finditer(text))


def fill_placeholder(text: str, as_of: dt.date, period: dt.date | None = None) -> str:
    """ "2026年  月" -> "2026年12月", "填报日期：    年  月  日" -> "填报日期：2026年12月3日".

    A blank with a day is the day the sheet is filled (*as_of*); a 年 月 blank names the
    month the sheet is about (*period*, e.g. the year's end for 截至年底 lists; default as_of).
    """

    def repl(match: re.Match[str]) -> str:
        if not _to_fill(text, match):
            return match.group(0)
        y, m, d = match.group("y"), match.group("m"), match.group("d")
        day = as_of if d is not None else (period or as_of)
        out = f"{y if y.isdigit() else day.year}年{m if m.isdigit() else day.month}月"
        if d is not None:
            out += f"{d if d.isdigit() else day.day}日"
        return out

    return _DATE_BLANK_RE.sub(repl, text)
