"""What a department's column can be filled with: a register field or a computed value.

A mapping is {sheet column number: key}; a key is one of FIELDS, "" (left blank, e.g.
备注) or "text:…" (the same words in every row, e.g. the community's name). propose()
reads a header label the way a clerk would and suggests a key; the clerk corrects it once
and the template keeps it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models.core import codes
from models.fill.lists import ListPerson

BLANK = ""
TEXT_PREFIX = "text:"
FULL_ID = "id_full"
# Columns written as text cells: a long number must keep every digit (and a leading 0).
TEXT_KEYS = frozenset({"id_full", "id_masked", "phone", "own_phone", "household_no"})


@dataclass(frozen=True)
class FillContext:
    day: dt.date  # the reference day (ages, groups)
    tag: str | None  # the list's special group, for its detail and start date
    community: str


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    value: Callable[[ListPerson, int, FillContext], Any]


def _age(p: ListPerson, ctx: FillContext) -> int | None:
    birth = p.birth_date
    if birth is None:
        return None
    return ctx.day.year - birth.year - ((ctx.day.month, ctx.day.day) < (birth.month, birth.day))


def _sex(p: ListPerson) -> str:
    """性别 from the ID number where there is one (the 17th digit), else as registered."""
    number = p.id_number
    if number and len(number) == 18 and number[16].isdigit():
        return "男" if int(number[16]) % 2 else "女"
    return codes.name("sex", p.sex) if p.sex in ("1", "2") else ""


def _group(
    p: ListPerson, ctx: FillContext
) -> tuple[str, str, dt.date | None, dt.date | None] | None:
    for tag in p.tags:
        if tag[0] == ctx.tag:
            return tag
    return None


def _group_part(p: ListPerson, ctx: FillContext, part: str) -> Any:
    group = _group(p, ctx)
    if group is None:
        return "" if part == "detail" else None
    if part == "detail":
        return codes.tag_text(group[0], group[1])
    return group[2] if part == "start" else group[3]


def _disability(p: ListPerson) -> tuple[str, str]:
    for tag, detail, _start, end in p.tags:
        if tag == codes.DISABILITY_TAG and end is None:
            text = codes.disability_text(detail)
            match = re.match(r"^(.+残疾)(.+级)$", text)
            return (match.group(1), match.group(2)) if match else (text, "")
    return "", ""


def _open_groups(p: ListPerson) -> str:
    return "、".join(codes.tag_text(tag, detail) for tag, detail, _s, end in p.tags if end is None)


def _code(table: str, attr: str) -> Callable[[ListPerson, int, FillContext], Any]:
    return lambda p, i, c: codes.name(table, getattr(p, attr))


FIELDS: dict[str, Field] = {
    f.key: f
    for f in [
        Field("seq", "序号", lambda p, i, c: i),
        Field("name", "姓名", lambda p, i, c: p.name),
        Field("sex", "性别", lambda p, i, c: _sex(p)),
        Field("ethnicity", "民族", _code("ethnicity", "ethnicity")),
        Field("birth_date", "出生日期", lambda p, i, c: p.birth_date),
        Field(
            "birth_month",
            "出生年月",
            lambda p, i, c: p.birth_date.strftime("%Y.%m") if p.birth_date else "",
        ),
        Field("age", "年龄（周岁）", lambda p, i, c: _age(p, c)),
        Field("id_masked", "身份证号码（隐去中间）", lambda p, i, c: p.masked_id),
        Field(FULL_ID, "身份证号码（完整）", lambda p, i, c: p.id_number or p.masked_id),
        Field(
            "phone",
            "联系电话（本人，没有时用户主的）",
            lambda p, i, c: p.phone or p.household_phone or p.head_phone,
        ),
        Field("own_phone", "本人电话", lambda p, i, c: p.phone),
        Field("address", "现住址（小区楼栋单元门牌）", lambda p, i, c: p.address),
        Field(
            "community_address", "现住址（含社区名称）", lambda p, i, c: f"{c.community}{p.address}"
        ),
        Field("compound", "小区", lambda p, i, c: p.compound),
        Field("building", "楼栋", lambda p, i, c: p.building),
        Field("unit", "单元", lambda p, i, c: p.unit),
        Field("room", "门牌（房号）", lambda p, i, c: p.room),
        Field("hukou_address", "户籍地址", lambda p, i, c: p.hukou_address),
        Field("household_no", "户号", lambda p, i, c: p.household_no),
        Field("head_name", "户主姓名", lambda p, i, c: p.head_name),
        Field("relation", "与户主关系", _code("relation", "relation")),
        Field("category", "人员类别", _code("category", "category")),
        Field("household_type", "户别", _code("household_type", "household_type")),
        Field("education", "文化程度", _code("education", "education")),
        Field("marital_status", "婚姻状况", _code("marital_status", "marital_status")),
        Field("political_status", "政治面貌", _code("political_status", "political_status")),
        Field("work_unit", "工作单位（职业）", lambda p, i, c: p.work_unit),
        Field("arrived_on", "来本地日期", lambda p, i, c: p.arrived_on),
        Field("groups", "特殊人群（全部）", lambda p, i, c: _open_groups(p)),
        Field("group_detail", "名单所属人群的说明", lambda p, i, c: _group_part(p, c, "detail")),
        Field("group_start", "纳入名单所属人群的日期", lambda p, i, c: _group_part(p, c, "start")),
        Field("group_end", "退出名单所属人群的日期", lambda p, i, c: _group_part(p, c, "end")),
        Field("disability_kind", "残疾类别", lambda p, i, c: _disability(p)[0]),
        Field("disability_grade", "残疾等级", lambda p, i, c: _disability(p)[1]),
        Field("community", "社区名称", lambda p, i, c: c.community),
        Field("notes", "居民备注", lambda p, i, c: p.notes),
    ]
}


def label(key: str) -> str:
    """How a mapping key reads in the dialog."""
    if key == BLANK:
        return "（留空）"
    if key.startswith(TEXT_PREFIX):
        return f"固定文字：{key[len(TEXT_PREFIX) :]}"
    field = FIELDS.get(key)
    return field.label if field else f"（未知：{key}）"


def value(key: str, person: ListPerson, seq: int, ctx: FillContext) -> Any:
    if key == BLANK:
        return None
    if key.startswith(TEXT_PREFIX):
        return key[len(TEXT_PREFIX) :]
    return FIELDS[key].value(person, seq, ctx)


def check_key(key: str) -> None:
    if key != BLANK and not key.startswith(TEXT_PREFIX) and key not in FIELDS:
        raise ValueError(f"没有填充项“{key}”。")


# Header words, most specific first: (pattern on the cleaned label, key).
_RULES: list[tuple[str, str]] = [
    (r"^(序号|编号|序)$|^序号", "seq"),
    (r"户主.*姓名|户主$", "head_name"),
    (r"与户主.*关系|关系", "relation"),
    (r"残疾.*(类别|类型)|残疾类", "disability_kind"),
    (r"残疾.*(等级|级别)|等级", "disability_grade"),
    (r"身份证|身份号码|证件号|公民身份", FULL_ID),
    (r"出生.*年月$|^出生年月", "birth_month"),
    (r"出生", "birth_date"),
    (r"年龄|周岁|岁数", "age"),
    (r"性别", "sex"),
    (r"民族", "ethnicity"),
    (r"姓名|名字", "name"),
    (r"电话|手机|联系方式", "phone"),
    (r"户籍地|户口所在|户籍地址|户口地址|籍贯", "hukou_address"),
    (r"户号", "household_no"),
    (r"户别|户口性质|户口类别|户籍性质", "household_type"),
    (r"小区|院落|网格", "compound"),
    (r"楼栋|楼号|幢|栋", "building"),
    (r"单元", "unit"),
    (r"门牌|房号|室号|房间", "room"),
    (r"住址|地址|居住地|现住|居住", "address"),
    (r"人员类别|人口类别|人员类型|人口类型|户籍类型", "category"),
    (r"文化程度|学历", "education"),
    (r"婚姻", "marital_status"),
    (r"政治面貌", "political_status"),
    (r"工作单位|职业|单位", "work_unit"),
    (r"来本地|来.*时间|到达", "arrived_on"),
    (r"(起始|开始|纳入|享受).*(时间|日期)|(时间|日期).*(起|开始)", "group_start"),
    (r"(类别|类型|情况|属性)$", "group_detail"),
    (r"社区|居委会", "community"),
    (r"备注|说明|签字|签名|领取", BLANK),
]


def _match(text: str) -> str | None:
    text = re.sub(r"\s+", "", text)
    for pattern, key in _RULES:
        if re.search(pattern, text):
            return key
    return None


def propose(header_label: str, may_reveal: bool) -> str:
    """The key a column with this header most likely wants. The sub label of a two-row
    header ("户籍地址·小区") is read first; a generic one ("残疾情况·类别") is read with its
    top label. Full ID numbers only for roles that may see them."""
    pieces = [piece for piece in header_label.split("·") if piece]
    key = _match(pieces[-1]) if pieces else None
    if key in (None, BLANK, "group_detail") and len(pieces) > 1:
        key = _match("".join(pieces)) or key
    key = key or BLANK
    if key == FULL_ID and not may_reveal:
        return "id_masked"
    return key


def text_columns(mapping: dict[int, str]) -> set[int]:
    return {column for column, key in mapping.items() if key in TEXT_KEYS}
