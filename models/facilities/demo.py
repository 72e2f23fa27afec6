"""The demo community's service centres, after the seed's street office.

南关: seven office rooms and a meeting room in a hall partitioned with wooden boards; a
party branch office (in the meeting room), a police room, a 计生卫生服务站 and a 低保工作站,
but no library and no culture and sports station; far short of the floor area. An autumn
fire inspection found the wooden partitions and daisy-chained power strips (open, one of
them overdue); a loose socket found in spring was fixed, with a photo.
北关: rents a house while the building the county gave it is being repaired.
Declared in models.facilities.area; runs inside the demo's transaction.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from models.core.entities import Compound
from models.core.permissions import Role
from models.facilities.centre import (
    create_centre,
    save_equipment,
    save_space,
    store_photo,
)
from models.facilities.inspections import FindingInput, close_hazard, record_inspection
from models.facilities.standard import active_standard

PHOTOS = Path(__file__).resolve().parents[2] / "resources" / "demo_photos"

NANGUAN_COMPOUNDS = ["南关小区", "粮站家属院", "邮电小区", "水务小区", "法苑小区", "南关村安置区"]
BEIGUAN_COMPOUNDS = ["北关新村", "东门花园", "西苑小区", "交通小区", "烟草小区", "育才小区"]


@dataclass
class _Actor:
    """The demo writes as the user who loads it, with every right (it is the generator)."""

    username: str
    role: str = Role.ADMIN.value


# Equipment: (name, quantity, condition, bought how many years ago, unit price in yuan).
_NANGUAN: list[dict] = [
    {
        "name": "社区党支部办公室（兼会议室）",
        "item": "party_office",
        "status": "shared",
        "area": 36,
        "location": "服务中心二楼东侧",
        "shared_with": "会议室、居民议事",
        "notes": "支部办公与全体会议共用一间，开会时无法办公。",
        "equipment": [
            ("会议桌", 1, "fair", 9, 1800),
            ("办公桌", 2, "fair", 9, 650),
            ("办公椅", 12, "fair", 9, 120),
            ("文件柜", 2, "good", 5, 900),
            ("计算机", 1, "good", 3, 4200),
            ("投影仪", 1, "good", 2, 3600),
            ("干粉灭火器（4kg）", 1, "good", 1, 85),
        ],
    },
    {
        "name": "居委会办公室（木板隔断4间）",
        "item": "committee_office",
        "status": "unsafe",
        "area": 48,
        "location": "服务中心二楼大厅，用木框架和木板隔成4间",
        "notes": "冬不保暖、夏不隔热，潮湿阴暗；停电时房间和楼道一片漆黑。",
        "photo": ("wooden_partition.jpg", "木板隔断的办公室"),
        "equipment": [
            ("办公桌", 6, "fair", 10, 600),
            ("办公椅", 8, "fair", 10, 110),
            ("文件柜", 2, "fair", 10, 850),
            ("计算机", 3, "good", 4, 4100),
            ("打印机", 1, "broken", 7, 1500),
            ("固定电话", 1, "good", 6, 160),
            ("干粉灭火器（4kg）", 1, "good", 1, 85),
            ("电暖器", 2, "fair", 3, 380),
        ],
    },
    {
        "name": "警务室",
        "item": "police_room",
        "status": "meets",
        "area": 16,
        "location": "服务中心一楼入口西侧",
        "photo": ("police_room.jpg", "社区警务室"),
        "equipment": [
            ("办公桌", 1, "good", 4, 700),
            ("办公椅", 2, "good", 4, 150),
            ("文件柜", 1, "good", 4, 900),
            ("计算机", 1, "good", 2, 4300),
            ("干粉灭火器（4kg）", 1, "good", 1, 85),
        ],
    },
    {
        "name": "低保工作站",
        "item": "social_security_station",
        "status": "meets",
        "area": 18,
        "location": "服务中心一楼大厅北侧",
        "notes": "面积略小，来办事的居民需在走廊等候。",
        "equipment": [
            ("办公桌", 2, "good", 5, 650),
            ("办公椅", 4, "good", 5, 120),
            ("文件柜", 2, "good", 5, 900),
            ("计算机", 1, "good", 3, 4200),
            ("政策公示栏", 1, "good", 5, 600),
        ],
    },
    {
        "name": "计生卫生服务站",
        "item": "health_station",
        "status": "meets",
        "area": 32,
        "location": "服务中心一楼东侧",
        "resident_use": True,
        "photo": ("health_station.jpg", "计生卫生服务站"),
        "equipment": [
            ("办公桌", 1, "good", 4, 650),
            ("候诊椅", 6, "good", 4, 90),
            ("电子血压计", 1, "good", 2, 320),
            ("身高体重秤", 1, "good", 2, 680),
            ("宣传资料架", 1, "good", 4, 260),
        ],
    },
    {
        "name": "2号门露天广场",
        "item": "fitness_square",
        "status": "shared",
        "area": 420,
        "location": "南关小区2号门",
        "shared_with": "临时停车",
        "resident_use": True,
        "outdoor": True,
        "notes": "夏季放映露天电影、跳广场舞；平时停放车辆。",
        "photo": ("square.jpg", "2号门露天广场"),
        "equipment": [("健身器材", 6, "fair", 6, 2500), ("照明灯", 2, "good", 6, 1200)],
    },
    {
        "name": "档案室",
        "item": "",
        "status": "meets",
        "area": 12,
        "location": "二楼楼梯口",
        "equipment": [("档案柜", 4, "good", 6, 1100)],
    },
    {
        "name": "储藏室",
        "item": "",
        "status": "meets",
        "area": 8,
        "location": "一楼楼梯下",
        "notes": "存放活动桌椅和宣传展板。",
        "equipment": [],
    },
]

_BEIGUAN: list[dict] = [
    {
        "name": "居委会办公室（租用民房）",
        "item": "committee_office",
        "status": "shared",
        "area": 30,
        "location": "北关街临街民房一层",
        "shared_with": "党支部办公、低保工作站合用",
        "notes": "租期至新址维修完工。",
        "equipment": [
            ("办公桌", 3, "fair", 8, 600),
            ("办公椅", 6, "fair", 8, 110),
            ("计算机", 2, "good", 3, 4100),
            ("打印机", 1, "good", 3, 1400),
        ],
    },
    {
        "name": "新址办公楼（维修中）",
        "item": "",
        "status": "missing",
        "area": None,
        "location": "北关街政府划拨办公场所",
        "notes": "正在维修，尚不能使用。",
        "equipment": [],
    },
]


def _space(
    actor: _Actor, centre_id: int, spec: dict, rng: random.Random, as_of: dt.date, serial: list[int]
) -> int:
    item = active_standard().item(spec["item"]) if spec["item"] else None
    space = save_space(
        actor,
        centre_id,
        None,
        name=spec["name"],
        item_code=spec["item"],
        status=spec["status"],
        area=spec["area"],
        location=spec.get("location", ""),
        shared_with=spec.get("shared_with", ""),
        resident_use=spec.get("resident_use", item.resident_use if item else False),
        outdoor=spec.get("outdoor", False),
        notes=spec.get("notes", ""),
    )
    for name, quantity, condition, years, price in spec["equipment"]:
        serial[0] += 1
        bought = dt.date(as_of.year - years, rng.randint(1, 12), rng.randint(1, 28))
        save_equipment(
            actor,
            space.id,
            None,
            name=name,
            quantity=quantity,
            condition=condition,
            asset_tag=f"NG-{bought.year}-{serial[0]:03d}" if price >= 500 else "",
            purchase_date=min(bought, as_of),
            value=Decimal(price * quantity),
            today=as_of,
        )
    if "photo" in spec:
        filename, caption = spec["photo"]
        store_photo(
            actor,
            PHOTOS / filename,
            space_id=space.id,
            caption=caption,
            taken_on=as_of - dt.timedelta(days=60),
        )
    return space.id


def _compound_ids(names: list[str]) -> list[int]:
    return [c.id for c in Compound.select().where(Compound.name.in_(names))]


def seed_demo_centres(rng: random.Random, as_of: dt.date, username: str) -> None:
    actor = _Actor(username)
    nanguan = create_centre(
        actor,
        "南关社区综合服务中心",
        "城关街道南关街18号",
        _compound_ids(NANGUAN_COMPOUNDS),
        "原为单位旧办公楼，一层、二层大厅用木板隔成办公室。",
    )
    serial = [0]
    ids = {spec["name"]: _space(actor, nanguan.id, spec, rng, as_of, serial) for spec in _NANGUAN}
    office, health = ids["居委会办公室（木板隔断4间）"], ids["计生卫生服务站"]

    spring = as_of - dt.timedelta(days=210)
    record_inspection(
        actor,
        nanguan.id,
        spring,
        "街道安监站 刘志强",
        [
            FindingInput(
                "西墙插座松动，面板脱落，电线裸露。",
                health,
                True,
                "electrical",
                spring + dt.timedelta(days=15),
                "王秀英",
                [PHOTOS / "socket_loose.jpg"],
            ),
            FindingInput("灭火器压力正常，均在有效期内。", None),
        ],
        notes="上半年安全检查",
        today=as_of,
    )
    socket = _last_hazard(nanguan.id, "插座松动", as_of)
    close_hazard(
        actor,
        socket,
        spring + dt.timedelta(days=9),
        "更换插座面板，线路穿管敷设。",
        [PHOTOS / "socket_fixed.jpg"],
        today=as_of,
    )

    autumn = as_of - dt.timedelta(days=45)
    record_inspection(
        actor,
        nanguan.id,
        autumn,
        "县消防救援大队 王磊；社区主任 张建国",
        [
            FindingInput(
                "办公室用木框架和木板隔断，可燃物多；无应急照明和疏散指示，"
                "停电时房间和楼道一片漆黑。",
                office,
                True,
                "fire",
                autumn + dt.timedelta(days=30),
                "张建国",
                [PHOTOS / "wooden_partition.jpg"],
            ),
            FindingInput(
                "插线板串接使用，电暖器与电脑接在同一插线板上，超负荷。",
                office,
                True,
                "electrical",
                as_of + dt.timedelta(days=5),
                "李晓梅",
                [PHOTOS / "power_strip.jpg"],
            ),
            FindingInput(
                "服务中心入口有三级台阶，无坡道和扶手，轮椅无法进入。",
                None,
                True,
                "accessibility",
                as_of + dt.timedelta(days=120),
                "张建国",
            ),
        ],
        notes="冬季消防安全检查",
        today=as_of,
    )

    beiguan = create_centre(
        actor,
        "北关社区综合服务中心（临时）",
        "城关街道北关街租用民房",
        _compound_ids(BEIGUAN_COMPOUNDS),
        "县政府已划拨办公场所，正在维修；维修期间租房办公。",
    )
    for spec in _BEIGUAN:
        _space(actor, beiguan.id, spec, rng, as_of, serial)


def _last_hazard(centre_id: int, text: str, as_of: dt.date) -> int:
    from models.facilities.inspections import hazards

    return next(h.id for h in hazards(centre_id, today=as_of) if text in h.description)
