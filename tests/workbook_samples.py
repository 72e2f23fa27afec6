"""A messy household register, built the way real ones arrive, and what importing it must do.

Every problem named in issue 3 is in here: title rows above the header, header names that
vary between sheets, one sheet per compound (sheet name = compound) and a sheet with a 小区
column, household cells merged down across members, an 18-digit ID typed as a number, a
genuine 15-digit number in a number cell, lower-case x, full-width digits, spaces, dates as
1985.03.02 / 1985年3月2日 / 19850302 / 1985-3-2 / date cells, short and long relation and
ethnic names, blank rows, a 合计 row and a 制表人 line, duplicate ID numbers, households with
two heads or none, unknown codes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from models import idcard


def make_id(birth: dt.date, sex: str, seq: int = 10, region: str = "610627",
            ending: str | None = None) -> str:
    """A valid number; *ending* asks for a given check character (e.g. "X")."""
    for n in range(seq, seq + 1000):
        n %= 1000
        if (n % 2 == 1) != (sex == "1"):
            continue
        number = idcard.make(region, birth, n)
        if ending is None or number.endswith(ending):
            return number
    raise AssertionError("no such number")


WANG = make_id(dt.date(1960, 5, 12), "1", 11)
LI = make_id(dt.date(1962, 3, 2), "2", 20, ending="X")  # typed with a lower-case x
WANG_SON = make_id(dt.date(1985, 3, 2), "1", 31)  # typed in full-width digits
ZHAO = make_id(dt.date(1958, 8, 8), "1", 41)  # typed as a number: digits lost
QIAN = make_id(dt.date(1959, 9, 9), "2", 52)
SUN_15 = "610627500101123"  # first-generation number in a number cell
SUN_18 = idcard.check(SUN_15).number
SUN_DAUGHTER = make_id(dt.date(1981, 1, 2), "2", 62)  # typed birth and sex disagree
ZHOU = make_id(dt.date(1990, 1, 1), "1", 73)  # typed with spaces
BAD_CHECK = make_id(dt.date(2010, 6, 6), "1", 83)[:17] + "0"
if idcard.check(BAD_CHECK).ok:  # pragma: no cover - the wrong check digit must really be wrong
    BAD_CHECK = BAD_CHECK[:17] + "1"
MARS = make_id(dt.date(1988, 4, 4), "2", 94)
FENG = make_id(dt.date(1970, 7, 7), "1", 105)
CHEN = make_id(dt.date(1972, 2, 2), "2", 116)
CHU = make_id(dt.date(1975, 5, 5), "2", 128)
JIANG = make_id(dt.date(1966, 6, 16), "1", 137)
SHEN = make_id(dt.date(1968, 8, 18), "2", 146)
HAN = make_id(dt.date(1993, 3, 13), "1", 157)
NO_RELATION = make_id(dt.date(2015, 5, 15), "2", 168)
BAD_DATE = "610627" + "19990231" + "123"
BAD_DATE += idcard.check_char(BAD_DATE)

HEADER_1 = ["序号", "户号", "楼栋", "单元", "门牌", "关系", "姓名", "身份证号", "性别", "出生年月",
            "民族", "文化程度", "联系电话"]
HEADER_2 = ["小区", "户  号", "楼栋", "单元", "门牌号", "户别", "姓名", "与户主关系",
            "公民身份号码\n（18位）", "性别", "出生日期", "民族", "婚姻状况", "政治面貌", "人员类别",
            "户籍地址", "工作单位"]

# (sheet, row) -> what must happen to it.
ACCEPTED = {
    ("南关小区", 4), ("南关小区", 5), ("南关小区", 6), ("南关小区", 10), ("南关小区", 11),
    ("南关小区", 12), ("南关小区", 16), ("Sheet2", 3), ("Sheet2", 4), ("Sheet2", 6),
}
WARNED = {("南关小区", 11)}
# (sheet, row) -> (column letter, words the reason must contain)
REJECTED = {
    ("南关小区", 8): ("H", "15位有效数字"),
    ("南关小区", 9): ("F", "第8行"),  # its head could not be imported
    ("南关小区", 13): ("H", "与第6行的身份证号码重复"),
    ("南关小区", 14): ("H", "校验码错误"),
    ("南关小区", 15): ("K", "火星族"),
    ("南关小区", 17): ("F", "只能有一个户主"),
    ("南关小区", 18): ("F", "没有户主"),
    ("Sheet2", 5): ("G", "姓名为空"),
    ("Sheet2", 7): ("H", "与户主关系为空"),
    ("Sheet2", 8): ("I", "工作表“南关小区”第12行"),
    ("Sheet2", 9): ("I", "不是有效日期"),
}


def _sheet_per_compound(wb: Workbook) -> None:
    ws = wb.active
    ws.title = "南关小区"
    ws.append(["南关社区户籍人口花名册"])
    ws.merge_cells("A1:M1")
    ws.append(["填报单位：南关社区居委会", None, None, None, None, None, None, None, "2026年11月"])
    ws.append(HEADER_1)
    rows = [
        # 4-6: one household, household cells merged down across the three members
        [1, "N001", "1号楼", "2单元", "301", "户主", "王建国", WANG, "男", dt.datetime(1960, 5, 12),
         "汉", "初中", 13912345678],
        [2, None, None, None, None, "妻", "李 秀 英", LI.lower(), "女", "1962.03.02", "汉族", "小学",
         None],
        [3, None, None, None, None, "长子", "王小明",
         WANG_SON.translate(str.maketrans("0123456789", "０１２３４５６７８９")), "男",
         "1985年3月2日", "回", "高中", None],
        [None] * 13,  # 7: blank row between households
        # 8-9: the head's 18-digit ID was typed as a number: Excel kept 15 digits
        [4, "N002", "1号楼", "3单元", "402", "户主", "赵四", float(ZHAO), "男", None, "汉", None, None],
        [5, "N002", "1号楼", "3单元", "402", "妻子", "钱五", QIAN, "女", None, "汉", None, None],
        # 10-15
        [6, "N003", "2号楼", "1单元", "101", "户主", "孙六", int(SUN_15), "男", "19500101", "汉", None,
         None],
        [7, "N003", "2号楼", "1单元", "101", "女儿", "孙七", SUN_DAUGHTER, "男", "1980-1-2", "汉",
         None, None],
        [8, "N003", "2号楼", "1单元", "101", "非亲属", "周八",
         f" {ZHOU[:6]} {ZHOU[6:14]} {ZHOU[14:]} ", "男", "19900101", "汉", None, None],
        [9, "N003", "2号楼", "1单元", "101", "儿子", "吴九", WANG_SON, "男", None, "汉", None, None],
        [10, "N003", "2号楼", "1单元", "101", "孙子", "郑十", BAD_CHECK, "男", None, "汉", None, None],
        [11, "N003", "2号楼", "1单元", "101", "妻", "卫十一", MARS, "女", None, "火星族", None, None],
        # 16-17: two heads in one household
        [12, "N004", "3号楼", "1单元", "201", "户主", "冯一", FENG, "男", "1970-07-07", "汉", None, None],
        [13, "N004", "3号楼", "1单元", "201", "户主", "陈二", CHEN, "女", None, "汉", None, None],
        # 18: a household without a head
        [14, "N005", "3号楼", "2单元", "202", "妻", "褚三", CHU, "女", None, "汉", None, None],
        # 19-20: the total row and the signature line under the table
        ["合计", None, None, None, None, None, "共15人", None, None, None, None, None, None],
        ["制表人：张三"],
    ]
    for row in rows:
        ws.append(row)
    for col in "BCDE":
        ws.merge_cells(f"{col}4:{col}6")


def _sheet_with_compound_column(wb: Workbook) -> None:
    ws = wb.create_sheet("Sheet2")
    ws.append(["北关新村花名册（2026年）"])
    ws.append(HEADER_2)
    base = ["北关新村", "B001", 3, 1, 502, "城镇"]
    rows = [
        base + ["蒋一", "户主本人", JIANG, "男", dt.date(1966, 6, 16), "汉族", "已婚", "党员", "户籍",
                "陕西省甘泉县城关镇", "县供电公司"],
        base + ["沈二", "妻子", "'" + SHEN, "女", "1968.8.18", "满族", "初婚", "群众", "户籍人口",
                None, None],
        base + [None, "儿子", None, "男", None, "汉族", None, None, None, None, None],
        ["北关新村", "B002", 5, 2, 101, "流动", "韩三", "本人", HAN, "男", "1993-03-13", "汉",
         "未婚", "团员", "流动人口", "甘肃省庆阳市", "个体"],
        ["北关新村", "B002", 5, 2, 101, "流动", "韩小妹", None, NO_RELATION, "女", None, "汉",
         None, None, "流动人口", None, None],
        ["北关新村", "B002", 5, 2, 101, "流动", "杨四", "非亲属", ZHOU, "男", None, "汉", None,
         None, "流动人口", None, None],
        ["北关新村", "B002", 5, 2, 101, "流动", "韩小弟", "儿子", BAD_DATE, "男", None, "汉", None,
         None, "流动人口", None, None],
    ]
    for row in rows:
        ws.append(row)


def messy_workbook(path: Path) -> Path:
    wb = Workbook()
    _sheet_per_compound(wb)
    _sheet_with_compound_column(wb)
    notes = wb.create_sheet("填表说明")
    notes.append(["身份证号码一列请设为文本格式。"])
    notes.append(["户主的与户主关系填“户主”。"])
    wb.save(path)
    return path


CSV_HEADER = "小区,户号,楼栋,单元,门牌,姓名,与户主关系,身份证号码,性别,出生日期,民族\n"


def csv_text() -> str:
    """A two-household register with a title line, as saved from Excel or WPS."""
    a = make_id(dt.date(1971, 1, 21), "1", 201)
    b = make_id(dt.date(1973, 3, 23), "2", 212)
    c = make_id(dt.date(1999, 9, 29), "1", 223, ending="X")
    return (
        "东门花园住户花名册,,,,,,,,,,\n" + CSV_HEADER
        + f"东门花园,D001,5号楼,1单元,101,欧阳修,户主,{a},男,1971.01.21,汉族\n"
        + f"东门花园,D001,5号楼,1单元,101,司马 静,配偶,{b},女,1973年3月23日,回族\n"
        + ",,,,,,,,,,\n"
        + f"东门花园,D002,5号楼,2单元,201,诸葛亮,户主,{c.lower()},男,19990929,汉\n"
        + "东门花园,D003,5号楼,2单元,202,上官婉,户主,6.10627E+17,女,1990-1-1,汉\n"
        + "合计,,,,,3人,,,,,\n"
    )
