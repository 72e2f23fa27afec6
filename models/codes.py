"""National code tables, shipped as data in resources/code_tables.json."""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

CODE_FILE = Path(__file__).resolve().parent.parent / "resources" / "code_tables.json"


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
