"""Everyday wording in registers, mapped to the register's codes.

The national code tables (models.core.codes) hold the standard names and common aliases. Real
registers also use words that need the person's sex (子女, 媳婿), that name a group rather
than one relation (岳父母或公婆), or the census's own codes (与户主关系 0-9, 受教育程度
1-9). Each mapping here returns the code and whether it is approximate: an approximate code
is stored with the typed word kept in the person's notes, so nothing the file said is lost.
"""

from __future__ import annotations

import re
import unicodedata

from models.core import codes

MALE, FEMALE = "1", "2"

# Word -> (code for a man, code for a woman); exact when both are the same word's meaning.
_BY_SEX: dict[str, tuple[str, str]] = {
    "子女": ("20", "30"),
    "儿女": ("20", "30"),
    "孩子": ("20", "30"),
    "媳婿": ("28", "38"),
    "儿媳女婿": ("28", "38"),
    "女婿儿媳": ("28", "38"),
    "孙子女": ("41", "42"),
    "孙辈": ("41", "42"),
    "外孙子女": ("43", "44"),
    "父母": ("51", "52"),
    "配偶": ("11", "12"),
    "夫妻": ("11", "12"),
    "岳父母": ("55", "56"),
    "公婆": ("53", "54"),
}
# Words that name a group: the code is the group's or a guess, so the word is kept too.
_APPROXIMATE: dict[str, tuple[str, str]] = {
    "岳父母或公婆": ("50", "50"),
    "公婆或岳父母": ("50", "50"),
    "祖父母": ("61", "62"),
    "祖父母或外祖父母": ("60", "60"),
    "兄弟姐妹": ("70", "70"),
    "兄弟": ("70", "70"),
    "姐妹": ("70", "70"),
    "其他": ("97", "97"),
    "其它": ("97", "97"),
    "其他亲属": ("97", "97"),
}
# 第七次全国人口普查 人口普查表 R2 与户主关系.
CENSUS_RELATION: dict[str, str] = {
    "0": "户主",
    "1": "配偶",
    "2": "子女",
    "3": "父母",
    "4": "岳父母或公婆",
    "5": "祖父母",
    "6": "媳婿",
    "7": "孙子女",
    "8": "兄弟姐妹",
    "9": "其他",
}
# 第七次全国人口普查 受教育程度.
CENSUS_EDUCATION: dict[str, str] = {
    "1": "未上过学",
    "2": "学前教育",
    "3": "小学",
    "4": "初中",
    "5": "高中",
    "6": "大学专科",
    "7": "大学本科",
    "8": "硕士研究生",
    "9": "博士研究生",
}
# Education words not in the code table: (code, exact?).
_EDUCATION: dict[str, tuple[str, bool]] = {
    "未上过学": ("90", False),
    "没上过学": ("90", False),
    "学前教育": ("90", False),
    "学前": ("90", False),
    "文盲或半文盲": ("90", False),
    "文盲半文盲": ("90", False),
    "初中及以下": ("70", False),
    "初中以下": ("80", False),
    "小学及以下": ("80", False),
    "高中及中专": ("60", False),
    "高中或中专": ("60", False),
    "高中/中专": ("60", False),
    "大专及以上": ("30", False),
    "本科及以上": ("20", False),
    "大学及以上": ("20", False),
    "硕士": ("10", True),
    "博士": ("10", True),
    "博士研究生": ("10", True),
    "硕士研究生": ("10", True),
    "研究生及以上": ("10", True),
    "大学本科": ("20", True),
    "大学专科": ("30", True),
    "高中": ("60", True),
    "初中": ("70", True),
    "小学": ("80", True),
}
# 户别 words that say what kind of household it is, not 农业/城镇: (code or "", note).
HOUSEHOLD_KINDS: dict[str, str] = {"家庭户": "", "集体户": "4", "集体户口": "4"}
_OF_HEAD = re.compile(r"^(户主|本户户主|户主的|户主之)")


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def relation(text: str, sex: str | None, census: bool) -> tuple[str | None, bool, str]:
    """(code, approximate, problem) for a 与户主关系 cell.

    sex is the person's sex code from the ID number (None when unknown); census says the
    sheet is laid out like the census form, whose relation column holds codes 0-9. Outside
    a census layout a bare digit is refused: "1" could be the census's 配偶 or GB/T 4761's
    本人, and guessing wrong makes a spouse the head."""
    value = _clean(text)
    if not value:
        return None, False, ""
    if census and value in CENSUS_RELATION:
        value = CENSUS_RELATION[value]
    elif value.isdigit() and len(value) == 1:
        return (
            None,
            False,
            (
                f"“{value}”是代码而不是关系名称（只有人口普查表的与户主关系列按"
                "0-9代码读取）；请填写“户主”“配偶”“子女”等"
            ),
        )
    if value in ("户主", "本人", "户主本人"):
        return "02", False, ""
    stripped = _OF_HEAD.sub("", value) if len(value) > 2 else value  # 户主之子 -> 子
    if stripped.startswith("之"):
        stripped = stripped[1:]  # 之子, 之妻: the head's
    for word in dict.fromkeys((value, stripped)):
        for table, approximate in ((_BY_SEX, False), (None, False), (_APPROXIMATE, True)):
            if table is None:
                code = codes.lookup("relation", word)
                if code is not None:
                    return ("02" if code == "01" else code), False, ""
                continue
            pair = table.get(word)
            if pair is None:
                continue
            if pair[0] == pair[1]:
                return pair[0], approximate, ""
            if sex == MALE:
                return pair[0], approximate, ""
            if sex == FEMALE:
                return pair[1], approximate, ""
            return pair[0][0] + "0", True, ""  # sex unknown: the group's code (子 -> 20)
        single = {
            "子": "20",
            "女": "30",
            "妻": "12",
            "夫": "11",
            "孙": "41",
            "媳": "38",
            "婿": "28",
        }.get(word)
        if single:
            return single, False, ""
    return None, False, ""


def education(text: str, census: bool) -> tuple[str | None, bool]:
    """(code, approximate) for a 文化程度 / 受教育程度 cell; (None, False) when unknown."""
    value = _clean(text)
    if not value:
        return None, False
    if census and value in CENSUS_EDUCATION:
        value = CENSUS_EDUCATION[value]
    elif value.isdigit() and len(value) == 1:
        return None, False
    known = _EDUCATION.get(value)
    if known is not None:
        return known[0], not known[1]
    code = codes.lookup("education", value)
    if code is not None:
        return code, code == "90" and value not in ("其他", "90")
    for suffix in ("毕业", "文化", "学历", "肄业", "在读"):
        if value.endswith(suffix) and len(value) > len(suffix):
            code, approximate = education(value.removesuffix(suffix), False)
            if code is not None:
                return code, approximate or suffix in ("肄业", "在读")
    return None, False


def household_kind(text: str, census: bool = False) -> tuple[str | None, bool]:
    """(code, known) for a 户别 cell that names the household's kind (家庭户, 集体户).

    known is False for any other word (农业, 城镇 … are the code table's business). A
    家庭户 says nothing of 农业/城镇: code "" (leave the household's type as it is). The
    census codes 户别 1 家庭户, 2 集体户."""
    value = _clean(text)
    if census and value in ("1", "2"):
        value = "家庭户" if value == "1" else "集体户"
    if value in HOUSEHOLD_KINDS:
        return HOUSEHOLD_KINDS[value], True
    return None, False


# 人员类别 as grid and police registers word it.
_CATEGORY: dict[str, str] = {
    "人户一致": "1",
    "户在人在": "1",
    "本地户籍": "1",
    "户籍人员": "1",
    "常住户籍": "1",
    "人户分离": "3",
    "户在人不在": "3",
    "人在户不在": "2",
    "寄住": "2",
    "寄住人口": "2",
    "外来": "4",
    "外来人员": "4",
    "流动人员": "4",
    "暂住人口": "4",
    "暂住人员": "4",
}


def category(text: str) -> str | None:
    """A 人员类别 cell: the code table's names and aliases, then the words above."""
    value = _clean(text)
    return (
        codes.lookup("category", value)
        or codes.lookup("category", value.removesuffix("人口"))
        or _CATEGORY.get(value)
    )


# -- what kind of layout a sheet is ----------------------------------------------------------

CENSUS_MARKERS = ("普查", "应登记人数", "离开户口登记地", "受教育程度", "户口登记地", "普查时点")
FLOATING_MARKERS = (
    "居住事由",
    "拟居住期限",
    "暂住事由",
    "居住证",
    "暂住证",
    "流动人口",
    "来本地日期",
    "来本地时间",
    "来本地居住",
    "房东",
    "房主",
    "出租",
)
SEPARATED_MARKERS = ("人户分离",)


def is_census(headers: list[str], title: str) -> bool:
    texts = [_clean(h) for h in headers if h]
    hits = sum(1 for marker in CENSUS_MARKERS if any(marker in t for t in texts))
    return "普查" in _clean(title) or hits >= 2


def proposed_category(headers: list[str], title: str) -> tuple[str | None, str]:
    """(category code, the header that says so) when a layout's headers say what its people
    are: a police floating-population form asks 居住事由 and 拟居住期限."""
    texts = [_clean(h) for h in headers if h] + [_clean(title)]
    for markers, code in ((SEPARATED_MARKERS, "3"), (FLOATING_MARKERS, "4")):
        for text in texts:
            for marker in markers:
                if marker in text:
                    return code, marker
    return None, ""


# -- addresses -------------------------------------------------------------------------------

_BUILDING = re.compile(r"([0-9A-Za-z]+)\s*(号楼|栋|幢|座)")
_UNIT = re.compile(r"([0-9A-Za-z]+)\s*单元")
_ROOM = re.compile(r"([0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)\s*(室|号|户)?$")


def split_address(text: str) -> tuple[str, str, str]:
    """(building, unit, room) read from "3号楼2单元301室"; "" for parts it does not name.

    Only the building-unit-room tail is read; a street address without it gives nothing,
    and the caller keeps the whole text."""
    value = unicodedata.normalize("NFKC", text).strip()
    building = unit = room = ""
    match = _BUILDING.search(value)
    rest = value
    if match:
        building = match.group(1) + match.group(2)
        rest = value[match.end() :]
    match = _UNIT.search(rest)
    if match:
        unit = match.group(1) + "单元"
        rest = rest[match.end() :]
    if building or unit:
        match = _ROOM.search(rest.strip())
        if match and match.group(1):
            room = match.group(1)
    return building, unit, room
