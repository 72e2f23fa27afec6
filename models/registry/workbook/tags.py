"""特殊人群 in register workbooks: one cell per person, written by the export, read back.

The export writes a person's open tags in the order they were added, separated by "；", each
as its name from the special_group code table, with details in full-width brackets:

    低保；残疾人（4类2级，2023-05-01起）；高龄老人（2021-06-30起）

- 残疾人 carries kind and grade as the register stores them, "4类2级": kind 1-7 of GB/T 26341
  (1视力 2听力 3言语 4肢体 5智力 6精神 7多重), grade 1-4.
- "yyyy-mm-dd起" is the tag's start date, written when the register knows it.
- Any other bracketed text is the tag's detail as stored.

Reading is tolerant: separators ；;，,、/ and spaces, brackets （）()【】[], short and old names
through the code table's aliases (低保户, 五保, 特扶 …) and a trailing 人员/对象/户, disability as
"肢体残疾二级" or "肢体2级" too, dates in the register's usual text forms. "无" means no tags.
An unknown group name rejects the row: the column is authoritative, so silently dropping a
misspelt name would end the tag the clerk meant to keep.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from models.core import codes
from models.registry.workbook.cells import DateParts, date_from_cell

TABLE = "special_group"
DISABILITY = "disabled"
NONE_WORDS = ("无", "没有", "否", "-", "--", "—", "——", "/", "\\")
DETAIL_LIMIT = 100
_KIND_BY_NAME = {
    "视力": "1",
    "听力": "2",
    "言语": "3",
    "语言": "3",
    "肢体": "4",
    "智力": "5",
    "精神": "6",
    "多重": "7",
    "综合": "7",
}
_GRADES = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_CODED = re.compile(r"^([1-7])类([1-4一二三四])级$")
_NAMED = re.compile(
    r"^(视力|听力|言语|语言|肢体|智力|精神|多重|综合)(?:残疾)?(?:([1-7])类)?"
    r"([1-4一二三四])级$"
)
_KIND_ONLY = re.compile(r"^(视力|听力|言语|语言|肢体|智力|精神|多重|综合)(?:残疾)?$")
_SEPARATORS = ";,、/|\n\t "
_NAME_SUFFIXES = ("人员", "对象", "家庭", "户", "人")


@dataclass(frozen=True)
class TagValue:
    tag: str  # code in the special_group table
    detail: str = ""
    start_date: dt.date | None = None


@dataclass
class ParsedCell:
    tags: list[TagValue] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # reject the row
    warnings: list[str] = field(default_factory=list)


# -- writing -----------------------------------------------------------------------------


def format_tag(tag: str, detail: str, start_date: dt.date | None) -> str:
    parts = [detail] if detail else []
    if start_date is not None:
        parts.append(f"{start_date:%Y-%m-%d}起")
    label = codes.name(TABLE, tag, tag)
    return f"{label}（{'，'.join(parts)}）" if parts else label


def format_tags(tags: Iterable[tuple[str, str, dt.date | None]]) -> str:
    return "；".join(format_tag(*t) for t in tags)


# -- reading -----------------------------------------------------------------------------


def disability_detail(text: str) -> str | None:
    """ "4类2级" from 4类2级, 肢体残疾二级, 肢体2级, 肢体4类2级; None when not such a text."""
    match = _CODED.match(text)
    if match:
        return f"{match.group(1)}类{_GRADES[match.group(2)]}级"
    match = _NAMED.match(text)
    if match:
        kind = _KIND_BY_NAME[match.group(1)]
        if match.group(2) and match.group(2) != kind:
            return None  # 肢体1类…: the two kinds disagree
        return f"{kind}类{_GRADES[match.group(3)]}级"
    return None


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans("【】〔〕［］", "[][][]"))
    text = re.sub(r"\s*([(\[])\s*", r"\1", text)  # 残疾人 (4类2级) keeps its bracket
    return re.sub(r"\s*([)\]])", r"\1", text).strip()


def _items(text: str) -> list[str]:
    """Split at separators outside brackets: commas inside 残疾人（4类2级，2023-05-01起） stay."""
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(depth - 1, 0)
        if depth == 0 and ch in _SEPARATORS:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def _group(name: str) -> tuple[str | None, str]:
    """(code, detail found in the name itself) for 低保, 低保对象, 肢体残疾二级 …"""
    name = re.sub(r"\s+", "", name)
    code = codes.lookup(TABLE, name)
    if code:
        return code, ""
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            code = codes.lookup(TABLE, name.removesuffix(suffix))
            if code:
                return code, ""
    detail = disability_detail(name.removeprefix("残疾人").removeprefix("残疾"))
    if detail:
        return DISABILITY, detail
    if _KIND_ONLY.match(name):
        return DISABILITY, ""
    return None, ""


def _start_date(part: str, today: dt.date) -> tuple[dt.date | None, str]:
    """(date, "") for 2023-05-01起 / 自2023年5月1日 / 2023.05起 (the 1st of the month), with a
    warning for a date after today (kept: the register may hold one, and the export must
    read back); (None, "") when it is no date at all."""
    text = re.sub(r"^(自|从|起)", "", part)
    text = re.sub(r"(起|开始|始|至今)$", "", text)
    parts = date_from_cell(text)
    if not isinstance(parts, DateParts):
        return None, ""
    day = parts.date() or dt.date(parts.year, parts.month or 1, 1)
    if day > today:
        return day, f"起始日期“{part}”晚于今天，请核对"
    return day, ""


def parse_cell(raw: str, today: dt.date) -> ParsedCell:
    """The tags a 特殊人群 cell lists, with what is wrong in it."""
    out = ParsedCell()
    text = _normalise(raw)
    if not text or text in NONE_WORDS:
        return out
    by_code: dict[str, TagValue] = {}
    for item in _items(text):
        match = re.fullmatch(r"([^(\[]*)[(\[](.*?)[)\]]?", item)
        name, inner = (match.group(1), match.group(2)) if match else (item, "")
        code, detail = _group(name)
        if code is None:
            known = "、".join(codes.codes(TABLE).values())
            out.errors.append(f"“{name or item}”不是可识别的特殊人群（可填：{known}）")
            continue
        label = codes.name(TABLE, code)
        start: dt.date | None = None
        others: list[str] = []
        for part in (p.strip() for p in re.split(r"[,;、]", inner)):
            if not part:
                continue
            day, problem = _start_date(part, today)
            if problem:
                out.warnings.append(f"{label}：{problem}")
            if day is not None:
                start = day
            elif code == DISABILITY:
                found = disability_detail(re.sub(r"\s+", "", part))
                if found is None:
                    out.errors.append(
                        f"残疾类别和等级“{part}”无法识别（如“4类2级”或“肢体残疾二级”）"
                    )
                else:
                    detail = found
            else:
                others.append(part)
        if others:
            detail = "，".join(others)
        if len(detail) > DETAIL_LIMIT:
            out.errors.append(f"{label}的说明过长（最多{DETAIL_LIMIT}字）")
            continue
        if code == DISABILITY and not detail:
            out.warnings.append(
                "残疾人未注明残疾类别和等级（如“残疾人（4类2级）”），请在户籍人口页补上"
            )
        value = TagValue(code, detail, start)
        seen = by_code.get(code)
        if seen is None:
            by_code[code] = value
        elif (seen.detail and detail and seen.detail != detail) or (
            seen.start_date and start and seen.start_date != start
        ):
            out.errors.append(f"{label}重复填写且内容不一致")
        else:
            by_code[code] = TagValue(code, seen.detail or detail, seen.start_date or start)
    out.tags = list(by_code.values())
    return out


# -- bringing a person's open tags in line with the file ----------------------------------


@dataclass(frozen=True)
class StoredTag:
    id: int
    tag: str
    detail: str
    start_date: dt.date | None


@dataclass
class TagPlan:
    add: list[TagValue] = field(default_factory=list)
    change: list[tuple[int, dict[str, object], dict[str, object]]] = field(default_factory=list)
    end: list[StoredTag] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.add or self.change or self.end)


def plan(stored: list[StoredTag], wanted: list[TagValue]) -> TagPlan:
    """What makes *stored* (a person's open tags) match *wanted*. A detail or start date the
    file leaves out keeps the stored one; a tag the file leaves out is ended, never deleted."""
    result = TagPlan()
    first: dict[str, StoredTag] = {}
    for row in stored:
        first.setdefault(row.tag, row)  # a second open row of one tag is left as it is
    wanted_codes = {t.tag for t in wanted}
    for value in wanted:
        match = first.get(value.tag)
        if match is None:
            result.add.append(value)
            continue
        row = match
        before: dict[str, object] = {}
        after: dict[str, object] = {}
        if value.detail and value.detail != row.detail:
            before["detail"], after["detail"] = row.detail, value.detail
        if value.start_date and value.start_date != row.start_date:
            before["start_date"], after["start_date"] = row.start_date, value.start_date
        if after:
            result.change.append((row.id, before, after))
    result.end = [row for row in first.values() if row.tag not in wanted_codes]
    return result
