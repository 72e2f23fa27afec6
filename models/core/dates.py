"""Dates as official documents write them (GB/T 9704-2012): 2026年5月5日, no zero padding.

The older form with Chinese numerals (二〇二六年五月五日) is offered by the date_style setting.
"""

from __future__ import annotations

import datetime as dt

_CN_DIGITS = "〇一二三四五六七八九"


def format_date(day: dt.date, style: str = "arabic") -> str:
    """2026年5月5日, or 二〇二六年五月五日 with style="chinese"."""
    if style == "chinese":
        year = "".join(_CN_DIGITS[int(c)] for c in str(day.year))
        return f"{year}年{cn_number(day.month)}月{cn_number(day.day)}日"
    return f"{day.year}年{day.month}月{day.day}日"


def cn_number(n: int) -> str:
    """1–99 in Chinese numerals: 五, 十, 十一, 二十, 三十一."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + ("" if ones == 0 else _CN_DIGITS[ones])


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day *years* earlier (28 February for a 29 February that year lacks): the
    last birthday for being *years* old on *day*."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
