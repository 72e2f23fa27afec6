"""National code tables, shipped as data in resources/code_tables.json."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from itertools import islice, product
from pathlib import Path

CODE_FILE = Path(__file__).resolve().parents[2] / "resources" / "code_tables.json"


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict]:
    with CODE_FILE.open(encoding="utf-8") as fh:
        data = json.load(fh)
    data.pop("_comment", None)
    return data


def table_names() -> list[str]:
    return list(_tables())


def codes(table: str) -> dict[str, str]:
    """Code → display name, in the table's order."""
    return dict(_tables()[table]["codes"])


def name(table: str, code: str | None, default: str = "") -> str:
    if not code:
        return default
    return _tables()[table]["codes"].get(code, default or code)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().replace(" ", "").replace("\u3000", "")


def lookup(table: str, text: str | None) -> str | None:
    """The code for a name, a short/old alias, or a code itself; None when unknown.

    "汉" → "01", "汉族" → "01", "1" → "01" for two-digit tables, "长子" → "22".
    """
    if text is None:
        return None
    value = _clean(str(text))
    if not value:
        return None
    tbl = _tables()[table]
    table_codes: dict[str, str] = tbl["codes"]
    if value in table_codes:
        return value
    width = len(next(iter(table_codes)))
    if value.isdigit() and value.zfill(width) in table_codes:
        return value.zfill(width)
    for code, label in table_codes.items():
        if label == value:
            return code
    return tbl.get("aliases", {}).get(value)


# The entries a clerk needs most days come first in a long list, the rest follow in code order.
COMMON: dict[str, tuple[str, ...]] = {
    "relation": (
        "02",
        "01",
        "10",
        "11",
        "12",
        "22",
        "23",
        "32",
        "33",
        "38",
        "28",
        "41",
        "42",
        "51",
        "52",
        "20",
        "30",
        "21",
        "31",
        "43",
        "44",
        "55",
        "56",
    ),
    "sex": ("1", "2"),
}


def common(table: str) -> tuple[str, ...]:
    """The table's everyday codes (see COMMON), in their everyday order; () when none."""
    table_codes = _tables()[table]["codes"]
    return tuple(code for code in COMMON.get(table, ()) if code in table_codes)


def common_first(table: str) -> list[tuple[str, str]]:
    """(code, name) pairs: the everyday codes first, then the rest in code order."""
    table_codes: dict[str, str] = _tables()[table]["codes"]
    first = common(table)
    return [(code, table_codes[code]) for code in first] + [
        (code, label) for code, label in table_codes.items() if code not in first
    ]


# How the register stores a disability (special_group "disabled"): kind code of GB/T 26341
# and grade, "5类3级". People read it as the certificate writes it: 智力残疾三级.
_DISABILITY = re.compile(r"^([1-7])类([1-4])级$")
DISABILITY_TAG = "disabled"


def disability_text(detail: str | None) -> str:
    """ "5类3级" → "智力残疾三级"; any other text as it is."""
    match = _DISABILITY.match((detail or "").strip())
    if not match:
        return detail or ""
    return f"{name('disability_kind', match.group(1))}{'一二三四'[int(match.group(2)) - 1]}级"


def tag_text(tag: str, detail: str | None = "") -> str:
    """A special-group tag as printouts and lists show it: 低保, 残疾人（智力残疾三级）."""
    label = name("special_group", tag, tag)
    shown = disability_text(detail) if tag == DISABILITY_TAG else (detail or "")
    return f"{label}（{shown}）" if shown else label


# Characters that clerks also key by another reading than the word's: 长子 is zhǎngzǐ, but
# "cz" (cháng) is what many type first.
_ALSO_READ = {"长": ("chang",), "曾": ("ceng",)}


def _readings(text: str) -> set[tuple[str, str]]:
    """(full pinyin, initials) pairs for *text*: the word's reading and the per-character ones."""
    from models.core.pinyin import keys  # pypinyin is loaded only when a key is first needed

    found = {keys(text)}
    per_char = [sorted({keys(char)[0], *_ALSO_READ.get(char, ())} - {""}) for char in text]
    for syllables in islice(product(*(options for options in per_char if options)), 16):
        found.add(("".join(syllables), "".join(s[0] for s in syllables)))
    # ü is keyed as v by most input methods and as u by some: 女婿 is nvxu or nuxu.
    found |= {(full.replace("v", "u"), initials) for full, initials in found if "v" in full}
    return {pair for pair in found if pair[0]}


@lru_cache(maxsize=32)
def search_keys(table: str) -> dict[str, str]:
    """Code → the text a search box matches, "|"-separated: the name, its full pinyin and
    initials, and the code. 长子 → "长子|changzi|cz|zhangzi|zz|22".

    Matching "contains" against it finds 长子 by 子, "zi", "zz", "cz" or "22"; the separator
    keeps a match from running across two parts. Aliases are left out (妻子 would put 妻 under
    "zi"); lookup() still takes them typed in full.
    """
    result = {}
    for code, label in _tables()[table]["codes"].items():
        parts = [label]
        for full, initials in sorted(_readings(label)):
            parts += [full, initials]
        parts.append(code)
        result[code] = "|".join(dict.fromkeys(p.lower() for p in parts if p))
    return result
