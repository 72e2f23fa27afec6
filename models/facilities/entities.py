"""设施台账 tables: the standard (an editable template), the centre as it is, its equipment,
inspections with their findings and hazards, and photos.

The standard differs by province (domain notes §4), so it is data: a FacilityStandard with
its items, one of them active. Spaces point at an item by its code, not by row id, so that
loading another province's template re-assesses the same centre without touching a space.
Nothing here is deleted by the services: rows are archived or voided, hazards are closed.
"""

from __future__ import annotations

import peewee as pw

from models.core.entities import BaseModel, now

# Kinds of standard item: 室 (room), 站 (station), 场 (square, outdoor).
KIND_NAMES: dict[str, str] = {"room": "室", "station": "站", "square": "场"}

# What the clerk records for a space.
STATUS_NAMES: dict[str, str] = {
    "meets": "达标",
    "shared": "与其他用途共用",
    "missing": "缺失",
    "unsafe": "存在安全隐患",
}

# What the assessment concludes for an item (worst first, the order they are listed in).
VERDICT_NAMES: dict[str, str] = {
    "missing": "缺失",
    "unsafe": "不安全",
    "shared": "共用",
    "area_short": "面积不足",
    "equipment_short": "设备不全",
    "meets": "达标",
}

CONDITION_NAMES: dict[str, str] = {"good": "完好", "fair": "可用（有磨损）", "broken": "损坏待修"}

HAZARD_NAMES: dict[str, str] = {
    "fire": "消防",
    "electrical": "用电",
    "structural": "房屋结构",
    "accessibility": "无障碍",
    "other": "其他",
}

PHOTO_PURPOSES: dict[str, str] = {"space": "现状", "finding": "检查发现", "fix": "整改后"}


class FacilityStandard(BaseModel):
    """One template: a province's list of items and its floor-area rule."""

    name = pw.CharField(max_length=200)
    region = pw.CharField(max_length=50, default="")
    source = pw.CharField(max_length=300, default="")  # the document it follows
    # Floor-area rule: at least per_100_households m² per 100 households, at least
    # min_total_area m² in all, resident_share of it for residents' activities.
    per_100_households = pw.FloatField(default=30.0)
    min_total_area = pw.FloatField(default=300.0)
    resident_share = pw.FloatField(default=0.6)
    notes = pw.TextField(default="")
    active = pw.BooleanField(default=False, index=True)
    archived = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)


class FacilityStandardItem(BaseModel):
    """A room, station or square the standard asks for, with its minimum area and equipment."""

    standard = pw.ForeignKeyField(FacilityStandard, backref="items", on_delete="RESTRICT")
    standard_id: int  # peewee adds <fk>_id accessors; declared for type checkers
    code = pw.CharField(max_length=40)  # stable key that spaces refer to
    kind = pw.CharField(max_length=10)  # KIND_NAMES
    name = pw.CharField(max_length=100)
    min_area = pw.FloatField(null=True)  # m²; None where no area applies
    # JSON list of {"name", "quantity", "unit"}: what the item must be equipped with.
    equipment = pw.TextField(default="[]")
    resident_use = pw.BooleanField(default=False)  # counts as residents' activity space
    sort_order = pw.IntegerField(default=0)
    notes = pw.TextField(default="")
    archived = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("standard", "code"), False),)


class FacilityCentre(BaseModel):
    """A community service centre (社区综合服务中心): one per residents' committee."""

    name = pw.CharField(max_length=100, unique=True)
    address = pw.CharField(max_length=200, default="")
    # JSON list of compound ids whose households it serves; empty means every compound.
    compounds = pw.TextField(default="[]")
    notes = pw.TextField(default="")
    archived = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)


class FacilitySpace(BaseModel):
    """A room or area of the centre as it is, matched to a standard item (or to none)."""

    centre = pw.ForeignKeyField(FacilityCentre, backref="spaces", on_delete="RESTRICT")
    centre_id: int
    item_code = pw.CharField(max_length=40, default="", index=True)  # "" = not in the standard
    name = pw.CharField(max_length=100)
    status = pw.CharField(max_length=10, default="meets")  # STATUS_NAMES
    area = pw.FloatField(null=True)  # m²
    location = pw.CharField(max_length=200, default="")
    shared_with = pw.CharField(max_length=200, default="")  # the other use, when shared
    resident_use = pw.BooleanField(default=False)
    outdoor = pw.BooleanField(default=False)  # outdoor areas are not floor area
    notes = pw.TextField(default="")
    archived = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)


class FacilityEquipment(BaseModel):
    """One line of a space's equipment register (固定资产/设备台账)."""

    space = pw.ForeignKeyField(FacilitySpace, backref="equipment", on_delete="RESTRICT")
    space_id: int
    name = pw.CharField(max_length=100)
    quantity = pw.IntegerField(default=1)
    condition = pw.CharField(max_length=10, default="good")  # CONDITION_NAMES
    asset_tag = pw.CharField(max_length=50, default="")
    purchase_date = pw.DateField(null=True)
    value = pw.DecimalField(max_digits=12, decimal_places=2, null=True)  # yuan, whole line
    notes = pw.TextField(default="")
    archived = pw.BooleanField(default=False)  # disposed of (注销)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)


class FacilityInspection(BaseModel):
    """A safety inspection of the centre: when, by whom, what was found."""

    centre = pw.ForeignKeyField(FacilityCentre, backref="inspections", on_delete="RESTRICT")
    centre_id: int
    inspected_on = pw.DateField(index=True)
    inspector = pw.CharField(max_length=100)
    notes = pw.TextField(default="")
    voided = pw.BooleanField(default=False)
    username = pw.CharField(max_length=50)
    created_at = pw.DateTimeField(default=now)


class FacilityFinding(BaseModel):
    """One finding of an inspection. A hazard stays open until fixed with a photo."""

    inspection = pw.ForeignKeyField(FacilityInspection, backref="findings", on_delete="RESTRICT")
    space = pw.ForeignKeyField(FacilitySpace, null=True, backref="findings", on_delete="RESTRICT")
    inspection_id: int
    space_id: int | None
    description = pw.TextField()
    is_hazard = pw.BooleanField(default=False, index=True)
    category = pw.CharField(max_length=20, default="")  # HAZARD_NAMES, for hazards
    deadline = pw.DateField(null=True)
    responsible = pw.CharField(max_length=50, default="")
    fixed_on = pw.DateField(null=True, index=True)
    fix_notes = pw.TextField(default="")
    fixed_by = pw.CharField(max_length=50, default="")
    voided = pw.BooleanField(default=False)
    void_reason = pw.CharField(max_length=200, default="")
    created_at = pw.DateTimeField(default=now)


class FacilityPhoto(BaseModel):
    """A photo in the attachments folder: of a space, of a finding, or of a hazard's fix."""

    space = pw.ForeignKeyField(FacilitySpace, null=True, backref="photos", on_delete="RESTRICT")
    finding = pw.ForeignKeyField(FacilityFinding, null=True, backref="photos", on_delete="RESTRICT")
    space_id: int | None
    finding_id: int | None
    purpose = pw.CharField(max_length=10, default="space")  # PHOTO_PURPOSES
    path = pw.CharField(max_length=300)  # relative to the attachments folder
    caption = pw.CharField(max_length=200, default="")
    taken_on = pw.DateField(null=True)
    archived = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=now)


FACILITY_MODELS: list[type[BaseModel]] = [
    FacilityStandard,
    FacilityStandardItem,
    FacilityCentre,
    FacilitySpace,
    FacilityEquipment,
    FacilityInspection,
    FacilityFinding,
    FacilityPhoto,
]
