"""Register headers: the many spellings of each column's header, mapped to one field name.

FIELD_HEADERS holds the aliases of every register field; EXTRA_HEADERS the columns that are
no field but go into the person's notes; looser "contains" rules catch the rest. Also the
header as messages name it (header_label), as remembered mappings know it (header_key), and a
layout's fingerprint (layout_signature).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from models.registry.workbook.cells import clean_text

# Field name -> the header texts (after clean_header) that mean it, most common first.
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "compound": ("小区", "小区名称", "所在小区", "居住小区", "小区名"),
    "household_no": ("户号", "户编号", "户籍编号", "唯一编号", "家庭户号", "户口编号", "户代码"),
    "building": ("楼栋", "楼号", "栋号", "楼栋号", "栋", "楼", "组", "村民小组"),
    "unit": ("单元", "单元号"),
    "room": ("门牌", "门牌号", "房号", "房间号", "室", "门牌号码", "户室号"),
    "household_type": ("户别", "户口性质", "户类型", "户口类型", "户籍性质", "户类别"),
    "name": ("姓名", "居民姓名", "成员姓名", "名字"),
    "id_number": (
        "公民身份号码",
        "身份证号",
        "身份证号码",
        "身份证",
        "公民身份证号码",
        "身份证件号码",
        "证件号码",
        "公民身份证号",
    ),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日", "出生时间"),
    "ethnicity": ("民族",),
    "relation": ("与户主关系", "关系", "与户主的关系", "家庭关系", "与户主关系名称"),
    "education": ("文化程度", "学历", "文化", "受教育程度"),
    "marital_status": ("婚姻状况", "婚姻", "婚姻状态"),
    "political_status": ("政治面貌", "政治身份"),
    "category": ("人员类别", "人口类别", "类别", "人口类型", "人员类型"),
    "status": ("人员状态", "状态", "在册状态"),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码"),
    "hukou_address": (
        "户籍地址",
        "户籍地",
        "户口所在地",
        "户籍所在地",
        "户籍地详址",
        "户籍详址",
        "户口登记地",
        "户籍所在地详址",
        "户籍地址详址",
    ),
    "work_unit": ("工作单位", "工作单位或职业", "职业", "工作单位及职务", "服务处所"),
    "arrived_on": (
        "来本地日期",
        "来本地时间",
        "来本地居住日期",
        "居住起始日期",
        "居住时间",
        "来本地居住时间",
        "入住时间",
        "入住日期",
        "来现住地时间",
        "到达本地时间",
    ),
    # A whole address, or its parts (门牌名 + 门牌号), combined in column order.
    "address": (
        "现住址",
        "现住地址",
        "居住地址",
        "现居住地址",
        "现住地详址",
        "居住地详址",
        "住址",
        "家庭住址",
        "详细地址",
        "门牌名",
        "门详址",
        "门楼详址",
        "现住地",
    ),
    "notes": ("备注",),
    "household_phone": ("户电话", "户联系电话", "家庭电话", "住宅电话", "家庭联系电话"),
    "household_notes": ("户备注", "家庭备注", "户情况"),
    "special_groups": (
        "特殊人群",
        "特殊群体",
        "特殊人群类别",
        "人群类别",
        "特殊对象",
        "重点人群",
        "重点人员",
        "特殊人员",
        "优抚救助对象",
    ),
}
# Columns that are no register field but say something worth keeping: their cells go into
# the person's notes as "表头：内容".
EXTRA_HEADERS = (
    "居住事由",
    "拟居住期限",
    "居住处所",
    "暂住事由",
    "房主姓名",
    "房东姓名",
    "房主电话",
    "房主联系电话",
    "房东电话",
    "曾用名",
    "宗教信仰",
    "兵役状况",
    "居住证号码",
    "离开户口登记地时间",
    "离开户口登记地原因",
    "职业类别",
    "登记日期",
)
# Fields that may take several columns (combined in column order).
MULTI_FIELDS = ("address", "extra")
# Looser rules for headers no alias matched: (text the header contains, field), in order.
_CONTAINS: tuple[tuple[str, str], ...] = (
    ("身份号", "id_number"),
    ("身份证", "id_number"),
    ("证件号", "id_number"),
    ("户主关系", "relation"),
    ("户号", "household_no"),
    ("小区", "compound"),
    ("出生", "birth_date"),
    ("电话", "phone"),
    ("手机", "phone"),
    ("民族", "ethnicity"),
    ("文化", "education"),
    ("婚姻", "marital_status"),
    ("政治", "political_status"),
    ("户籍地", "hukou_address"),
    ("户口所在地", "hukou_address"),
    ("单元", "unit"),
    ("门牌", "room"),
    ("楼栋", "building"),
    ("特殊人群", "special_groups"),
    ("特殊群体", "special_groups"),
)
# Columns the program itself writes that are not register fields (left alone on import).
IGNORED_HEADERS = ("序号", "问题", "编号", "原行号")

_HEADER_LOOKUP = {alias: name for name, aliases in FIELD_HEADERS.items() for alias in aliases}
_HEADER_LOOKUP.update({text: "extra" for text in EXTRA_HEADERS})


def header_label(header: Any) -> str:
    """A header as messages name it: no spaces, no item code (D9.离开户口登记地时间 -> 离开…)."""
    text = re.sub(r"\s+", "", str(header or ""))
    return re.sub(r"^[A-Za-z]{0,2}\d{1,2}[.、:)．]+(?=\D)", "", text)


def header_key(header: Any) -> str:
    """A header as the remembered mappings know it: spaces and brackets don't matter."""
    return clean_text(header)


def layout_signature(headers: list[str]) -> str:
    """One layout's fingerprint: its header texts in order (blank columns left out)."""
    import hashlib

    keys = [header_key(h) for h in headers if header_key(h)]
    return hashlib.sha1("|".join(keys).encode("utf-8")).hexdigest()[:16]


def clean_header(value: Any) -> str:
    """A header as the aliases spell it: no spaces, brackets, item codes or stars."""
    text = clean_text(value)
    text = re.sub(r"[(\[【（][^)\]】）]*[)\]】）]", "", text)  # 身份证号码（18位） -> 身份证号码
    text = re.sub(r"^[A-Za-z]{0,2}\d{1,2}[.、:)]+(?=\D)", "", text)  # the census's D1.姓名, H1.户别
    return text.strip("*＊:：.、")


def header_field(value: Any, loose: bool = True) -> str | None:
    text = clean_header(value)
    if not text or text in IGNORED_HEADERS or text.startswith("户主") and text != "户主关系":
        return None  # 户主姓名 / 户主身份证号 repeat the head's data on each member's row
    if text in _HEADER_LOOKUP:
        return _HEADER_LOOKUP[text]
    if loose:
        for part, name in _CONTAINS:
            if part in text and not (
                name == "compound" and "普查" in text
            ):  # 普查小区 is no compound
                return name
    return None


def map_headers(cells: Iterable[Any]) -> dict[str, int]:
    """Field -> column: exact header names first, then looser matches for what is left."""
    return map_columns(list(cells))[0]


def map_columns(cells: list[Any]) -> tuple[dict[str, int], dict[str, list[int]]]:
    """(field -> column, field of several columns -> its columns) for one header row."""
    columns: dict[str, int] = {}
    multi: dict[str, list[int]] = {}
    taken: set[int] = set()
    for loose in (False, True):
        for index, cell in enumerate(cells):
            if index in taken:
                continue
            name = header_field(cell, loose)
            if name in MULTI_FIELDS:
                multi.setdefault(name, []).append(index)
                taken.add(index)
            elif name and name not in columns:
                columns[name] = index
                taken.add(index)
    for columns_of in multi.values():
        columns_of.sort()
    return columns, multi
