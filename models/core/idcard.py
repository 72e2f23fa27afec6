"""公民身份号码 (GB 11643-1999): normalising, checking, converting, masking."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from models.core import clock

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# GB/T 2260 province-level codes, the first two digits of every number: 11–15 华北, 21–23
# 东北, 31–37 华东, 41–46 中南, 50–54 西南, 61–65 西北, 71 台湾, 81 香港, 82 澳门.
PROVINCES = frozenset(
    [
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
    ]
)
CHECK_CHARS = "10X98765432"


def normalize(raw: object) -> str:
    """Full-width digits to ASCII, spaces and dashes out, lower-case x upper."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return re.sub(r"[\s\-_'’‘]", "", text).upper()


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


@dataclass
class IdCheck:
    """The result of checking one number: ok, the normalised 18-char form, what it tells."""

    number: str
    ok: bool = False
    errors: list[str] = field(default_factory=list)
    birth_date: dt.date | None = None
    sex: str | None = None  # GB/T 2261.1 code: "1" male, "2" female
    converted_from_15: bool = False

    @property
    def message(self) -> str:
        return "；".join(self.errors)


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def check(raw: object, today: dt.date | None = None) -> IdCheck:
    number = normalize(raw)
    result = IdCheck(number=number)
    if not number:
        result.errors.append("身份证号码为空")
        return result
    if len(number) == 15:
        if not number.isdigit():
            result.errors.append("15位号码只能由数字组成")
            return result
        first17 = number[:6] + "19" + number[6:]
        number = first17 + check_char(first17)
        result.number = number
        result.converted_from_15 = True
    if len(number) != 18:
        result.errors.append(f"长度应为18位（或旧式15位），现为{len(number)}位")
        return result
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        result.errors.append("前17位须为数字，最后一位为数字或X")
        return result
    birth = _parse_date(number[6:14])
    today = today or clock.today()
    if birth is None:
        result.errors.append(f"出生日期“{number[6:14]}”不是有效日期")
    elif birth > today or birth.year < 1890:
        result.errors.append(f"出生日期{birth.isoformat()}不合理")
    expected = check_char(number[:17])
    if number[17] != expected:
        result.errors.append(f"校验码错误：最后一位应为{expected}，现为{number[17]}")
    if int(number[:2]) not in PROVINCES:
        result.errors.append(f"地区码“{number[:6]}”无效（前两位须为省级行政区代码）")
    if not result.errors:
        result.ok = True
    result.birth_date = birth
    result.sex = "1" if int(number[16]) % 2 == 1 else "2"
    return result


def make(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (for the demo community and tests); sequence is 0–999."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def mask(number: str | None) -> str:
    """6106**********1234: region prefix and last four, as printouts and lists show it."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
