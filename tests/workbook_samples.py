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

from models.core import idcard
from models.registry.workbook.rows import ImportOptions


def make_id(
    birth: dt.date, sex: str, seq: int = 10, region: str = "610627", ending: str | None = None
) -> str:
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

HEADER_1 = [
    "序号",
    "户号",
    "楼栋",
    "单元",
    "门牌",
    "关系",
    "姓名",
    "身份证号",
    "性别",
    "出生年月",
    "民族",
    "文化程度",
    "联系电话",
]
HEADER_2 = [
    "小区",
    "户  号",
    "楼栋",
    "单元",
    "门牌号",
    "户别",
    "姓名",
    "与户主关系",
    "公民身份号码\n（18位）",
    "性别",
    "出生日期",
    "民族",
    "婚姻状况",
    "政治面貌",
    "人员类别",
    "户籍地址",
    "工作单位",
]

# (sheet, row) -> what must happen to it.
ACCEPTED = {
    ("南关小区", 4),
    ("南关小区", 5),
    ("南关小区", 6),
    ("南关小区", 10),
    ("南关小区", 11),
    ("南关小区", 12),
    ("南关小区", 16),
    ("Sheet2", 3),
    ("Sheet2", 4),
    ("Sheet2", 6),
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
        [
            1,
            "N001",
            "1号楼",
            "2单元",
            "301",
            "户主",
            "王建国",
            WANG,
            "男",
            dt.datetime(1960, 5, 12),
            "汉",
            "初中",
            13912345678,
        ],
        [
            2,
            None,
            None,
            None,
            None,
            "妻",
            "李 秀 英",
            LI.lower(),
            "女",
            "1962.03.02",
            "汉族",
            "小学",
            None,
        ],
        [
            3,
            None,
            None,
            None,
            None,
            "长子",
            "王小明",
            WANG_SON.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            "男",
            "1985年3月2日",
            "回",
            "高中",
            None,
        ],
        [None] * 13,  # 7: blank row between households
        # 8-9: the head's 18-digit ID was typed as a number: Excel kept 15 digits
        [
            4,
            "N002",
            "1号楼",
            "3单元",
            "402",
            "户主",
            "赵四",
            float(ZHAO),
            "男",
            None,
            "汉",
            None,
            None,
        ],
        [5, "N002", "1号楼", "3单元", "402", "妻子", "钱五", QIAN, "女", None, "汉", None, None],
        # 10-15
        [
            6,
            "N003",
            "2号楼",
            "1单元",
            "101",
            "户主",
            "孙六",
            int(SUN_15),
            "男",
            "19500101",
            "汉",
            None,
            None,
        ],
        [
            7,
            "N003",
            "2号楼",
            "1单元",
            "101",
            "女儿",
            "孙七",
            SUN_DAUGHTER,
            "男",
            "1980-1-2",
            "汉",
            None,
            None,
        ],
        [
            8,
            "N003",
            "2号楼",
            "1单元",
            "101",
            "非亲属",
            "周八",
            f" {ZHOU[:6]} {ZHOU[6:14]} {ZHOU[14:]} ",
            "男",
            "19900101",
            "汉",
            None,
            None,
        ],
        [
            9,
            "N003",
            "2号楼",
            "1单元",
            "101",
            "儿子",
            "吴九",
            WANG_SON,
            "男",
            None,
            "汉",
            None,
            None,
        ],
        [
            10,
            "N003",
            "2号楼",
            "1单元",
            "101",
            "孙子",
            "郑十",
            BAD_CHECK,
            "男",
            None,
            "汉",
            None,
            None,
        ],
        [
            11,
            "N003",
            "2号楼",
            "1单元",
            "101",
            "妻",
            "卫十一",
            MARS,
            "女",
            None,
            "火星族",
            None,
            None,
        ],
        # 16-17: two heads in one household
        [
            12,
            "N004",
            "3号楼",
            "1单元",
            "201",
            "户主",
            "冯一",
            FENG,
            "男",
            "1970-07-07",
            "汉",
            None,
            None,
        ],
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
        base
        + [
            "蒋一",
            "户主本人",
            JIANG,
            "男",
            dt.date(1966, 6, 16),
            "汉族",
            "已婚",
            "党员",
            "户籍",
            "陕西省甘泉县城关镇",
            "县供电公司",
        ],
        base
        + [
            "沈二",
            "妻子",
            "'" + SHEN,
            "女",
            "1968.8.18",
            "满族",
            "初婚",
            "群众",
            "户籍人口",
            None,
            None,
        ],
        base + [None, "儿子", None, "男", None, "汉族", None, None, None, None, None],
        [
            "北关新村",
            "B002",
            5,
            2,
            101,
            "流动",
            "韩三",
            "本人",
            HAN,
            "男",
            "1993-03-13",
            "汉",
            "未婚",
            "团员",
            "流动人口",
            "甘肃省庆阳市",
            "个体",
        ],
        [
            "北关新村",
            "B002",
            5,
            2,
            101,
            "流动",
            "韩小妹",
            None,
            NO_RELATION,
            "女",
            None,
            "汉",
            None,
            None,
            "流动人口",
            None,
            None,
        ],
        [
            "北关新村",
            "B002",
            5,
            2,
            101,
            "流动",
            "杨四",
            "非亲属",
            ZHOU,
            "男",
            None,
            "汉",
            None,
            None,
            "流动人口",
            None,
            None,
        ],
        [
            "北关新村",
            "B002",
            5,
            2,
            101,
            "流动",
            "韩小弟",
            "儿子",
            BAD_DATE,
            "男",
            None,
            "汉",
            None,
            None,
            "流动人口",
            None,
            None,
        ],
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
        "东门花园住户花名册,,,,,,,,,,\n"
        + CSV_HEADER
        + f"东门花园,D001,5号楼,1单元,101,欧阳修,户主,{a},男,1971.01.21,汉族\n"
        + f"东门花园,D001,5号楼,1单元,101,司马 静,配偶,{b},女,1973年3月23日,回族\n"
        + ",,,,,,,,,,\n"
        + f"东门花园,D002,5号楼,2单元,201,诸葛亮,户主,{c.lower()},男,19990929,汉\n"
        + "东门花园,D003,5号楼,2单元,202,上官婉,户主,6.10627E+17,女,1990-1-1,汉\n"
        + "合计,,,,,3人,,,,,\n"
    )


# The messy register answers no question itself: the preview's choices for it.
MESSY = ImportOptions(compound="南关小区", category="1")


# -- registers laid out as offices really have them (issue 14) ------------------------------
# Each is made from the published headers of a real form; each must import with nothing but
# choices in the preview. *_REJECTED: (sheet, row) -> words the reason must contain; every
# other data row goes in.


def _ids(start: int, people: list[tuple[dt.date, str]]) -> list[str]:
    return [
        make_id(birth, sex, start + 10 * n, region="620102")
        for n, (birth, sex) in enumerate(people)
    ]


# 公安 实有人口批量采集表: no 户号 (the head first, the family under), no 人员类别, the
# address as 门牌名 + 门牌号, 居住时间 for the arrival, 居住事由 / 拟居住期限 (floating people).
POLICE_HEADER = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "与户主关系",
    "户籍地详址",
    "门牌名",
    "门牌号",
    "居住处所",
    "居住事由",
    "居住时间",
    "拟居住期限",
    "联系电话",
    "服务处所",
    "房主姓名",
    "房主联系电话",
]
POLICE_IDS = _ids(
    1000,
    [
        (dt.date(1982, 4, 5), "1"),
        (dt.date(1984, 6, 7), "2"),
        (dt.date(2008, 9, 1), "1"),
        (dt.date(2012, 2, 3), "2"),  # 刘: head, wife, son, daughter (子女 by sex)
        (dt.date(1979, 1, 1), "1"),
        (dt.date(1980, 3, 3), "2"),
        (dt.date(1950, 5, 5), "2"),  # 马
        (dt.date(1990, 10, 10), "1"),
        (dt.date(1991, 11, 11), "2"),  # 杨 and a member typed as a number
        (dt.date(1975, 7, 7), "1"),
        (dt.date(2000, 8, 8), "1"),  # 何 and a son with a bad check digit
    ],
)
POLICE_BAD = POLICE_IDS[10][:17] + ("0" if POLICE_IDS[10][17] != "0" else "1")
POLICE_REJECTED = {
    ("实有人口", 12): "15位有效数字",
    ("实有人口", 14): "校验码错误",
    ("实有人口", 15): "与第4行的身份证号码重复",
}


def police_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "实有人口"
    ws.append(["实有人口信息批量采集表"])
    ws.merge_cells("A1:R1")
    ws.append(
        [
            "派出所：城关派出所",
            None,
            None,
            None,
            "社区：南关社区",
            None,
            None,
            None,
            None,
            "采集时间：2026年11月",
        ]
    )
    ws.append(POLICE_HEADER)
    i = POLICE_IDS
    home = "甘肃省兰州市城关区"
    rows = [
        [
            1,
            "刘强",
            "男",
            "汉族",
            "1982-04-05",
            i[0],
            "户主",
            home + "东岗路12号",
            "南关小区3号楼",
            "2单元301室",
            "租赁房屋",
            "务工",
            dt.datetime(2021, 3, 15),
            "一年以上",
            "13800000001",
            "城关建材市场",
            "赵房东",
            "13900000001",
        ],
        [
            2,
            "张丽",
            "女",
            "汉族",
            "1984-06-07",
            i[1],
            "之妻",
            home + "东岗路12号",
            "南关小区3号楼",
            "2单元301室",
            "租赁房屋",
            "随迁",
            dt.datetime(2021, 3, 15),
            "一年以上",
            None,
            None,
            None,
            None,
        ],
        [
            3,
            "刘小宝",
            "男",
            "汉族",
            "2008-09-01",
            i[2],
            "子女",
            None,
            "南关小区3号楼",
            "2单元301室",
            None,
            "就学",
            "2021.03.15",
            None,
            None,
            None,
            None,
            None,
        ],
        [
            4,
            "刘小花",
            "女",
            "汉族",
            "2012-02-03",
            i[3],
            "子女",
            None,
            "南关小区3号楼",
            "2单元301室",
            None,
            "就学",
            "2021-03-15",
            None,
            None,
            None,
            None,
            None,
        ],
        [
            5,
            "马军",
            "男",
            "回族",
            "1979-01-01",
            i[4],
            "户主",
            "青海省西宁市城东区",
            "南关小区5号楼",
            "1单元102室",
            "租赁房屋",
            "经商",
            dt.datetime(2019, 5, 1),
            "半年至一年",
            "13800000005",
            "个体",
            None,
            None,
        ],
        [
            6,
            "白梅",
            "女",
            "回族",
            "1980-03-03",
            i[5],
            "配偶",
            None,
            "南关小区5号楼",
            "1单元102室",
            None,
            "经商",
            dt.datetime(2019, 5, 1),
            None,
            None,
            None,
            None,
            None,
        ],
        [
            7,
            "白母",
            "女",
            "回族",
            "1950-05-05",
            i[6],
            "岳父母或公婆",
            None,
            "南关小区5号楼",
            "1单元102室",
            None,
            "投靠亲友",
            dt.datetime(2023, 9, 9),
            None,
            None,
            None,
            None,
            None,
        ],
        [
            8,
            "杨帆",
            "男",
            "汉族",
            "1990-10-10",
            i[7],
            "户主",
            "四川省成都市",
            "南关小区7号楼",
            "3单元501室",
            "单位宿舍",
            "务工",
            dt.datetime(2024, 2, 20),
            "三个月以内",
            "13800000008",
            None,
            None,
            None,
        ],
        [
            9,
            "杨妻",
            "女",
            "汉族",
            "1991-11-11",
            float(i[8]),
            "之妻",
            None,
            "南关小区7号楼",
            "3单元501室",
            None,
            "务工",
            dt.datetime(2024, 2, 20),
            None,
            None,
            None,
            None,
            None,
        ],
        [
            10,
            "何平",
            "男",
            "汉族",
            "1975-07-07",
            i[9],
            "户主",
            "河南省郑州市",
            "南关小区9号楼",
            "1单元101室",
            "自购房",
            "务工",
            dt.datetime(2018, 1, 1),
            "一年以上",
            "13800000010",
            None,
            None,
            None,
        ],
        [
            11,
            "何子",
            "男",
            "汉族",
            "2000-08-08",
            POLICE_BAD,
            "之子",
            None,
            "南关小区9号楼",
            "1单元101室",
            None,
            "务工",
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            12,
            "刘强",
            "男",
            "汉族",
            "1982-04-05",
            i[0],
            "非亲属",
            None,
            "南关小区9号楼",
            "1单元101室",
            None,
            "务工",
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    for row in rows:
        ws.append(row)
    ws.append([None] * 18)
    ws.append(
        [
            "采集人：王警官",
            None,
            None,
            None,
            None,
            "审核人：李所长",
            None,
            None,
            None,
            None,
            None,
            None,
            "填报日期：2026-11-20",
        ]
    )
    wb.save(path)
    return path


# 第七次全国人口普查 短表: a 户 sheet (H items, no names: not a register) and a 人 sheet (D items),
# 户编号 per 普查小区, relation and education as census codes, 出生年月 as 197604 / 1976.04.
CENSUS_HOUSE = [
    "户编号",
    "H1.户别",
    "H2.本户应登记的人数",
    "H3.出生人口",
    "H4.死亡人口",
    "H5.住所类型",
    "H6.本户现住房建筑面积",
    "H7.本户现住房间数",
]
CENSUS_PERSON = [
    "普查小区",
    "建筑物编号",
    "住房单元编号",
    "户编号",
    "H1.户别",
    "D1.姓名",
    "D2.与户主关系",
    "D3.公民身份号码",
    "D4.性别",
    "D5.出生年月",
    "D6.民族",
    "D7.普查时点居住地",
    "D8.户口登记地",
    "D9.离开户口登记地时间",
    "D10.离开户口登记地原因",
    "D11.受教育程度",
    "D12.是否识字",
]
CENSUS_IDS = _ids(
    2000,
    [
        (dt.date(1976, 4, 12), "1"),
        (dt.date(1978, 10, 1), "2"),
        (dt.date(2003, 5, 6), "2"),
        (dt.date(1950, 2, 2), "1"),  # 001: head, spouse, daughter (子女), father (父母)
        (dt.date(1988, 8, 8), "2"),
        (dt.date(1987, 7, 7), "1"),
        (dt.date(2015, 1, 1), "1"),  # 002
        (dt.date(1960, 6, 6), "1"),
        (dt.date(1962, 6, 6), "2"),  # 003: two heads
    ],
)
CENSUS_BAD = CENSUS_IDS[6][:17] + ("0" if CENSUS_IDS[6][17] != "0" else "1")
CENSUS_REJECTED = {
    ("人", 10): "校验码错误",
    ("人", 12): "只能有一个户主",
    ("人", 13): "与第4行的身份证号码重复",
}


def census_workbook(path: Path) -> Path:
    wb = Workbook()
    house = wb.active
    house.title = "户"
    house.append(["第七次全国人口普查短表（户）"])
    house.append(CENSUS_HOUSE)
    house.append(["001", 1, 4, 0, 0, 1, 86, 3])
    house.append(["002", 1, 3, 0, 0, 1, 64, 2])
    person = wb.create_sheet("人")
    person.append(["第七次全国人口普查短表（人）"])
    person.append(["普查区：南关社区第三普查区"])
    person.append(CENSUS_PERSON)
    i = CENSUS_IDS
    rows = [
        [
            "003普查小区",
            "12",
            "301",
            "001",
            "家庭户",
            "高建华",
            0,
            i[0],
            1,
            197604,
            "汉族",
            1,
            "陕西省延安市宝塔区",
            None,
            None,
            4,
            1,
        ],
        [
            "003普查小区",
            "12",
            "301",
            "001",
            "家庭户",
            "孙丽",
            1,
            i[1],
            2,
            "1978.10",
            "汉族",
            1,
            "陕西省延安市宝塔区",
            None,
            None,
            5,
            1,
        ],
        [
            "003普查小区",
            "12",
            "301",
            "001",
            "家庭户",
            "高雅",
            2,
            i[2],
            2,
            "2003年5月",
            "汉族",
            1,
            "陕西省延安市宝塔区",
            None,
            None,
            7,
            1,
        ],
        [
            "003普查小区",
            "12",
            "301",
            "001",
            "家庭户",
            "高父",
            3,
            i[3],
            1,
            195002,
            "汉族",
            2,
            "陕西省延安市延长县",
            "2010年",
            "照料孙子女",
            1,
            2,
        ],
        [
            "003普查小区",
            "14",
            "102",
            "002",
            "集体户",
            "罗敏",
            0,
            i[4],
            2,
            "1988.08",
            "回族",
            1,
            "宁夏银川市兴庆区",
            "2016年",
            "工作就业",
            6,
            1,
        ],
        [
            "003普查小区",
            "14",
            "102",
            "002",
            "集体户",
            "马刚",
            1,
            i[5],
            1,
            "1987.07",
            "回族",
            1,
            "宁夏银川市兴庆区",
            "2016年",
            "工作就业",
            3,
            1,
        ],
        [
            "003普查小区",
            "14",
            "102",
            "002",
            "集体户",
            "马小刚",
            2,
            CENSUS_BAD,
            1,
            "2015.01",
            "回族",
            1,
            None,
            None,
            None,
            2,
            1,
        ],
        [
            "003普查小区",
            "16",
            "201",
            "003",
            "家庭户",
            "吴大",
            0,
            i[7],
            1,
            "1960.06",
            "汉族",
            1,
            "陕西省延安市宝塔区",
            None,
            None,
            4,
            1,
        ],
        [
            "003普查小区",
            "16",
            "201",
            "003",
            "家庭户",
            "吴二",
            0,
            i[8],
            2,
            "1962.06",
            "汉族",
            1,
            "陕西省延安市宝塔区",
            None,
            None,
            4,
            1,
        ],
        [
            "003普查小区",
            "16",
            "201",
            "003",
            "家庭户",
            "高建华",
            8,
            i[0],
            1,
            197604,
            "汉族",
            1,
            None,
            None,
            None,
            4,
            1,
        ],
    ]
    for row in rows:
        person.append(row)
    wb.save(path)
    return path


# A county system's 户籍人口信息导入模板: starred required headers, no 户号 and no 小区 (户主姓名
# and 户主身份证号 repeated on each row instead), 户口性质 instead of 人员类别, a whole 现住址,
# everyday relation and education words, signature lines under the table.
COUNTY_HEADER = [
    "序号",
    "户主姓名",
    "户主身份证号",
    "*姓名",
    "*公民身份号码",
    "*与户主关系",
    "性别",
    "民族",
    "出生日期",
    "文化程度",
    "婚姻状况",
    "政治面貌",
    "户口性质",
    "现住址",
    "联系电话",
    "人员状态",
]
COUNTY_IDS = _ids(
    3000,
    [
        (dt.date(1958, 3, 3), "1"),
        (dt.date(1960, 4, 4), "2"),
        (dt.date(1983, 5, 5), "1"),
        (dt.date(1985, 6, 6), "2"),
        (dt.date(2010, 7, 7), "2"),
        (dt.date(2016, 8, 8), "1"),  # 陈
        (dt.date(1945, 9, 9), "2"),
        (dt.date(1970, 1, 11), "1"),
        (dt.date(1972, 2, 12), "2"),  # 冯
    ],
)
COUNTY_REJECTED = {("Sheet", 11): "15位有效数字"}


def county_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active  # "Sheet": never taken for a compound
    ws.append(COUNTY_HEADER)
    i = COUNTY_IDS
    chen, feng = ("陈国庆", i[0]), ("冯玉兰", i[6])
    rows = [
        [
            1,
            *chen,
            "陈国庆",
            i[0],
            "户主",
            "男",
            "汉",
            "19580303",
            "初中及以下",
            "已婚",
            "群众",
            "非农业",
            "南关小区5号楼1单元202室",
            "13700000001",
            "正常",
        ],
        [
            2,
            *chen,
            "李秀珍",
            i[1],
            "之妻",
            "女",
            "汉",
            "19600404",
            "文盲或半文盲",
            "已婚",
            "群众",
            "非农业",
            "南关小区5号楼1单元202室",
            None,
            "正常",
        ],
        [
            3,
            *chen,
            "陈明",
            i[2],
            "之子",
            "男",
            "汉",
            dt.datetime(1983, 5, 5),
            "大专及以上",
            "已婚",
            "中共党员",
            "非农业",
            "南关小区5号楼1单元202室",
            "13700000003",
            "正常",
        ],
        [
            4,
            *chen,
            "王娟",
            i[3],
            "媳婿",
            "女",
            "汉",
            "1985-06-06",
            "高中",
            "已婚",
            "群众",
            "非农业",
            "南关小区5号楼1单元202室",
            None,
            "正常",
        ],
        [
            5,
            *chen,
            "陈欣",
            i[4],
            "孙子女",
            "女",
            "汉",
            "2010-07-07",
            "初中",
            "未婚",
            "共青团员",
            "非农业",
            "南关小区5号楼1单元202室",
            None,
            "正常",
        ],
        [
            6,
            *chen,
            "陈乐",
            i[5],
            "孙子女",
            "男",
            "汉",
            "2016-08-08",
            "学前教育",
            "未婚",
            "群众",
            "非农业",
            "南关小区5号楼1单元202室",
            None,
            "正常",
        ],
        [
            7,
            *feng,
            "冯玉兰",
            i[6],
            "户主",
            "女",
            "汉",
            "19450909",
            "未上过学",
            "丧偶",
            "群众",
            "农业",
            "南关小区6号楼2单元101室",
            "13700000007",
            "正常",
        ],
        [
            8,
            *feng,
            "赵东",
            i[7],
            "外孙子女",
            "男",
            "汉",
            "19700111",
            "初中",
            "已婚",
            "群众",
            "农业",
            "南关小区6号楼2单元101室",
            None,
            "正常",
        ],
        [
            9,
            *feng,
            "钱芳",
            i[8],
            "外孙子女",
            "女",
            "汉",
            "19720212",
            "小学",
            "已婚",
            "群众",
            "农业",
            "南关小区6号楼2单元101室",
            None,
            "正常",
        ],
        [
            10,
            *feng,
            "冯小",
            float(make_id(dt.date(1999, 9, 19), "1", 3200, region="620102")),
            "之子",
            "男",
            "汉",
            "19990919",
            "大学本科",
            "未婚",
            "群众",
            "农业",
            "南关小区6号楼2单元101室",
            None,
            "正常",
        ],
    ]
    for row in rows:
        ws.append(row)
    ws.append(
        [
            "填报单位（盖章）：",
            None,
            None,
            None,
            None,
            "填报人：",
            None,
            None,
            "审核人：",
            None,
            None,
            "填报日期：2026年11月",
        ]
    )
    wb.save(path)
    return path


# Found in use: a street office's 网格化 居民信息采集表, saved from WPS as GBK CSV: 唯一编号 for
# the household, 人户一致 / 人户分离 for the category, 出生年月 as 1976.04.
GRID_HEADER = (
    "网格,唯一编号,姓名,性别,民族,出生年月,身份证号,与户主关系,文化程度,婚姻状况,"
    "人员类别,小区,楼栋,单元,门牌号,联系电话,备注"
)
GRID_IDS = _ids(
    4000,
    [
        (dt.date(1976, 4, 1), "1"),
        (dt.date(1977, 5, 2), "2"),
        (dt.date(2001, 6, 3), "1"),
        (dt.date(1969, 7, 4), "2"),
        (dt.date(1995, 8, 5), "1"),
        (dt.date(1993, 9, 6), "2"),
    ],
)
GRID_SHEET = "网格居民信息采集表"  # a CSV file's one sheet is named after the file
GRID_REJECTED = {(GRID_SHEET, 8): "只能有一个户主", (GRID_SHEET, 9): "与第3行的身份证号码重复"}


def grid_csv(path: Path) -> Path:
    i = GRID_IDS
    lines = [
        "南关社区居民信息采集表（第三网格）" + "," * 16,
        GRID_HEADER,
        f"第三网格,WG3-001,白建军,男,汉族,1976.04,{i[0]},户主,初中,已婚,人户一致,东门花园,8号楼,1单元,301,13600000001,",
        f"第三网格,WG3-001,刘芳,女,汉族,1977.05,{i[1]},配偶,高中,已婚,人户一致,东门花园,8号楼,1单元,301,,",
        f"第三网格,WG3-001,白杨,男,汉族,2001.06,{i[2]},子,大学本科,未婚,人户分离,东门花园,8号楼,1单元,301,,在西安上学",
        f"第三网格,WG3-002,宋梅,女,汉族,1969.07,{i[3]},户主,小学,离异,人户一致,东门花园,8号楼,2单元,402,13600000004,",
        f"第三网格,WG3-002,宋涛,男,汉族,1995.08,{i[4]},子,大专,未婚,人户一致,东门花园,8号楼,2单元,402,,",
        f"第三网格,WG3-002,宋丽,女,汉族,1993.09,{i[5]},户主,大专,未婚,人户一致,东门花园,8号楼,2单元,402,,",
        f"第三网格,WG3-002,白建军,男,汉族,1976.04,{i[0]},非亲属,初中,已婚,人户一致,东门花园,8号楼,2单元,402,,",
        "制表人：网格员张敏,,,,,,,,,审核人：社区主任,,,,,,,",
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    return path
