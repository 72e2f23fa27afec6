"""Pinyin keys stored beside each name so that search finds 王建国 by "wjg" or "wangjianguo"."""

from __future__ import annotations

from functools import lru_cache

# Surnames whose everyday reading differs from the surname reading (syllables by spaces).
_SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "尉迟": "yu chi",
    "万俟": "mo qi",
    "乐": "yue",
    "盖": "ge",
    "缪": "miao",
    "覃": "qin",
    "翟": "zhai",
    "折": "she",
    "黑": "he",
    "长孙": "zhang sun",
    "秘": "bi",
    "繁": "po",
    "种": "chong",
    "沈": "shen",
    "召": "shao",
    "隗": "wei",
    "尉": "yu",
}


PINYIN_MAX = 120
INITIALS_MAX = 20


@lru_cache(maxsize=65536)
def keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no spaces: 王建国 → ("wangjianguo", "wjg")."""
    name = name.strip()
    if not name:
        return "", ""
    syllables: list[str] = []
    rest = name
    for length in (2, 1):
        head = name[:length]
        if head in _SURNAME_READINGS and len(name) > length:
            syllables = _SURNAME_READINGS[head].split()
            rest = name[length:]
            break
    # Imported here: pypinyin's dictionaries cost ~55 MB, paid only when a name is keyed.
    from pypinyin import Style, lazy_pinyin

    syllables += lazy_pinyin(rest, style=Style.NORMAL, errors="ignore", v_to_u=False)
    syllables = [s.lower() for s in syllables if s]
    # Cut to what the columns hold (Resident.pinyin, .pinyin_initials): PostgreSQL refuses a
    # longer value where SQLite kept it; a search types the first letters anyway.
    full = "".join(syllables)[:PINYIN_MAX]
    return full, "".join(s[0] for s in syllables)[:INITIALS_MAX]
