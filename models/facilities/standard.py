"""The facility standard as an editable template (domain notes §4).

A template is plain JSON (see resources/facility_standard_shaanxi_2012.json): a name, the
floor-area rule and a list of items, each a room, station or square with a minimum area and
the equipment it needs. Loading a template makes a new standard and activates it; the old
one stays in the database (inactive), so a change of standard is never lost.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.core import audit, crud
from models.core.db import database
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm
from models.core.service import service
from models.facilities.entities import KIND_NAMES, FacilityStandard, FacilityStandardItem

TEMPLATE_FORMAT = "neighbourhood-desk/facility-standard/1"
DEFAULT_TEMPLATE = (
    Path(__file__).resolve().parents[2] / "resources" / "facility_standard_shaanxi_2012.json"
)
SYSTEM = "system"


class StandardError(UserFacingError, ValueError):
    """Bad input for the standard; the message is shown to the user as it is."""


@dataclass(frozen=True)
class RequiredEquipment:
    name: str
    quantity: int = 1
    unit: str = ""

    def label(self) -> str:
        return f"{self.name} {self.quantity}{self.unit}"


@dataclass(frozen=True)
class StandardItem:
    id: int
    code: str
    kind: str
    name: str
    min_area: float | None
    equipment: tuple[RequiredEquipment, ...]
    resident_use: bool
    sort_order: int
    notes: str

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)


@dataclass(frozen=True)
class Standard:
    id: int
    name: str
    region: str
    source: str
    per_100_households: float
    min_total_area: float
    resident_share: float
    notes: str
    active: bool
    items: tuple[StandardItem, ...] = field(default=())

    def item(self, code: str) -> StandardItem | None:
        return next((i for i in self.items if i.code == code), None)


# -- equipment lists ---------------------------------------------------------------------


def parse_equipment(value: str) -> tuple[RequiredEquipment, ...]:
    """The JSON an item stores → required equipment (tolerant of an empty or bad value)."""
    try:
        raw = json.loads(value or "[]")
    except json.JSONDecodeError:
        return ()
    return tuple(_equipment_entry(e) for e in raw if isinstance(e, dict) and e.get("name"))


def _equipment_entry(entry: dict[str, Any]) -> RequiredEquipment:
    try:
        quantity = int(entry.get("quantity", 1))
    except (TypeError, ValueError) as exc:
        raise StandardError(f"设备“{entry.get('name')}”的数量不是整数。") from exc
    if not 1 <= quantity <= MAX_QUANTITY:
        raise StandardError(f"设备“{entry.get('name')}”的数量须在1至{MAX_QUANTITY}之间。")
    return RequiredEquipment(
        str(entry["name"]).strip(), quantity, str(entry.get("unit", "")).strip()
    )


def dump_equipment(items: tuple[RequiredEquipment, ...] | list[RequiredEquipment]) -> str:
    return json.dumps(
        [{"name": e.name, "quantity": e.quantity, "unit": e.unit} for e in items],
        ensure_ascii=False,
    )


_LINE = re.compile(r"^(?P<name>.+?)[\s×xX*]+(?P<qty>\d+)\s*(?P<unit>\S{0,3})$")


def parse_equipment_lines(text: str) -> tuple[RequiredEquipment, ...]:
    """One item a line as a clerk types it: "办公桌 4张", "灭火器×2", or just "打印机" (1)."""
    result: list[RequiredEquipment] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match:
            name, quantity, unit = match["name"].strip(), int(match["qty"]), match["unit"]
        else:
            name, quantity, unit = line, 1, ""
        if not 1 <= quantity <= MAX_QUANTITY:
            raise StandardError(f"第{number}行“{line}”的数量须在1至{MAX_QUANTITY}之间。")
        if name in seen:
            raise StandardError(f"设备“{name}”重复列出。")
        seen.add(name)
        result.append(RequiredEquipment(name, quantity, unit))
    return tuple(result)


def format_equipment_lines(items: tuple[RequiredEquipment, ...]) -> str:
    return "\n".join(f"{e.name} {e.quantity}{e.unit}" for e in items)


# -- reading --------------------------------------------------------------------------------


def _item_row(item: FacilityStandardItem) -> StandardItem:
    return StandardItem(
        item.id,
        item.code,
        item.kind,
        item.name,
        item.min_area,
        parse_equipment(item.equipment),
        bool(item.resident_use),
        item.sort_order,
        item.notes,
    )


def _standard_row(std: FacilityStandard) -> Standard:
    items = (
        FacilityStandardItem.select()
        .where((FacilityStandardItem.standard == std.id) & (FacilityStandardItem.archived == False))  # noqa: E712
        .order_by(FacilityStandardItem.sort_order, FacilityStandardItem.id)
    )
    return Standard(
        std.id,
        std.name,
        std.region,
        std.source,
        std.per_100_households,
        std.min_total_area,
        std.resident_share,
        std.notes,
        bool(std.active),
        tuple(_item_row(i) for i in items),
    )


def get_standard(standard_id: int) -> Standard:
    return _standard_row(FacilityStandard.get_by_id(standard_id))


def list_standards() -> list[Standard]:
    query = (
        FacilityStandard.select()
        .where(FacilityStandard.archived == False)  # noqa: E712
        .order_by(FacilityStandard.id)
    )
    return [_standard_row(s) for s in query]


def active_standard() -> Standard:
    """The standard the centres are held to; the shipped default on first use."""
    std = (
        FacilityStandard.select()
        .where((FacilityStandard.active == True) & (FacilityStandard.archived == False))  # noqa: E712
        .order_by(FacilityStandard.id.desc())
        .first()
    )
    if std is None:
        std = _load_default()
    return _standard_row(std)


def _load_default() -> FacilityStandard:
    with database.atomic():
        # Another window may have loaded it meanwhile; the first active one wins.
        existing = FacilityStandard.select().where(FacilityStandard.active == True).first()  # noqa: E712
        if existing is not None:
            return existing
        return _create_from_template(
            SYSTEM, read_template(DEFAULT_TEMPLATE), "首次使用，载入默认标准"
        )


# -- templates ------------------------------------------------------------------------------


def read_template(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise StandardError(f"找不到标准模板文件“{path}”。") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StandardError(f"“{path.name}”不是有效的标准模板（JSON 格式错误）。") from exc
    if not isinstance(data, dict):
        raise StandardError(f"“{path.name}”不是有效的标准模板。")
    return data


MAX_AREA = 100000  # m²: more than any community centre; 1e12 is a slip of the keyboard
MAX_QUANTITY = 10000


def _number(value: Any, label: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise StandardError(f"{label}须为数字。") from exc
    if not low <= number <= high:
        raise StandardError(f"{label}须在{low:g}至{high:g}之间。")
    return number


def validate_template(data: dict[str, Any]) -> dict[str, Any]:
    """Check a template and return it normalised; raises StandardError with the reason."""
    name = str(data.get("name", "")).strip()
    if not name:
        raise StandardError("标准模板缺少名称。")
    rule = data.get("area_rule") or {}
    items_in = data.get("items")
    if not isinstance(items_in, list) or not items_in:
        raise StandardError("标准模板中没有任何项目。")
    items: list[dict[str, Any]] = []
    codes: set[str] = set()
    for n, raw in enumerate(items_in, start=1):
        if not isinstance(raw, dict):
            raise StandardError(f"第{n}个项目格式错误。")
        items.append(_check_item(raw, n, codes))
    return {
        "name": name,
        "region": str(data.get("region", "")).strip(),
        "source": str(data.get("source", "")).strip(),
        "notes": str(data.get("notes", "")).strip(),
        "per_100_households": _number(rule.get("per_100_households", 30), "每百户面积", 0, 1000),
        "min_total_area": _number(rule.get("min_total_area", 300), "最低总面积", 0, 100000),
        "resident_share": _number(rule.get("resident_share", 0.6), "居民活动用房比例", 0, 1),
        "items": items,
    }


def _check_item(raw: dict[str, Any], n: int, codes: set[str]) -> dict[str, Any]:
    item_name = str(raw.get("name", "")).strip()
    if not item_name:
        raise StandardError(f"第{n}个项目缺少名称。")
    kind = str(raw.get("kind", "room"))
    if kind not in KIND_NAMES:
        raise StandardError(
            f"项目“{item_name}”的类别“{kind}”无效（应为 room、station 或 square）。"
        )
    code = str(raw.get("code") or f"item_{n}").strip()
    if code in codes:
        raise StandardError(f"项目代码“{code}”重复。")
    codes.add(code)
    min_area = raw.get("min_area")
    equipment = raw.get("equipment") or []
    if not isinstance(equipment, list):
        raise StandardError(f"项目“{item_name}”的设备清单格式错误。")
    return {
        "code": code,
        "kind": kind,
        "name": item_name,
        "min_area": None
        if min_area in (None, "")
        else _number(min_area, f"“{item_name}”的最低面积", 0, 100000),
        "equipment": [
            _equipment_entry(e) for e in equipment if isinstance(e, dict) and e.get("name")
        ],
        "resident_use": bool(raw.get("resident_use", False)),
        "notes": str(raw.get("notes", "")).strip(),
    }


def _create_from_template(username: str, data: dict[str, Any], note: str) -> FacilityStandard:
    clean = validate_template(data)
    FacilityStandard.update(active=False).where(FacilityStandard.active == True).execute()  # noqa: E712
    std = FacilityStandard.create(
        name=clean["name"],
        region=clean["region"],
        source=clean["source"],
        notes=clean["notes"],
        per_100_households=clean["per_100_households"],
        min_total_area=clean["min_total_area"],
        resident_share=clean["resident_share"],
        active=True,
    )
    for order, item in enumerate(clean["items"], start=1):
        FacilityStandardItem.create(
            standard=std,
            code=item["code"],
            kind=item["kind"],
            name=item["name"],
            min_area=item["min_area"],
            equipment=dump_equipment(item["equipment"]),
            resident_use=item["resident_use"],
            sort_order=order * 10,
            notes=item["notes"],
        )
    after = audit.snapshot(std)
    after["items"] = [i["name"] for i in clean["items"]]
    audit.record(username, audit.Action.CREATE, "facility_standard", std.id, None, after, note)
    return std


@service(Perm.FACILITIES_STANDARD)
def load_template(actor: HasRole, data: dict[str, Any], note: str = "载入标准模板") -> Standard:
    """Make a new standard from *data* and hold every centre to it from now on."""
    std = _create_from_template(actor.username, data, note)
    return _standard_row(std)


@service(Perm.FACILITIES_STANDARD)
def load_template_file(actor: HasRole, path: str | Path) -> Standard:
    return load_template(actor, read_template(path), f"载入标准模板文件 {Path(path).name}")


def export_template(standard_id: int) -> dict[str, Any]:
    std = get_standard(standard_id)
    return {
        "format": TEMPLATE_FORMAT,
        "name": std.name,
        "region": std.region,
        "source": std.source,
        "notes": std.notes,
        "area_rule": {
            "per_100_households": std.per_100_households,
            "min_total_area": std.min_total_area,
            "resident_share": std.resident_share,
        },
        "items": [
            {
                "code": i.code,
                "kind": i.kind,
                "name": i.name,
                "min_area": i.min_area,
                "resident_use": i.resident_use,
                "notes": i.notes,
                "equipment": [
                    {"name": e.name, "quantity": e.quantity, "unit": e.unit} for e in i.equipment
                ],
            }
            for i in std.items
        ],
    }


def save_template(standard_id: int, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(
        json.dumps(export_template(standard_id), ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    return path


# -- editing the active standard ---------------------------------------------------------


@service(Perm.FACILITIES_STANDARD)
def activate(actor: HasRole, standard_id: int) -> Standard:
    target = FacilityStandard.get_by_id(standard_id)
    previous = [s.id for s in FacilityStandard.select().where(FacilityStandard.active == True)]  # noqa: E712
    FacilityStandard.update(active=False).where(FacilityStandard.active == True).execute()  # noqa: E712
    target.active = True
    target.save()
    audit.record(
        actor.username,
        audit.Action.UPDATE,
        "facility_standard",
        target.id,
        {"active": False, "previous_active": previous},
        {"active": True},
        "启用标准",
    )
    return _standard_row(target)


@service(Perm.FACILITIES_STANDARD)
def update_rule(
    actor: HasRole,
    standard_id: int,
    *,
    name: str | None = None,
    per_100_households: float | None = None,
    min_total_area: float | None = None,
    resident_share: float | None = None,
    notes: str | None = None,
) -> Standard:
    """Change the floor-area parameters (or the name) of a standard."""
    changes: dict[str, Any] = {}
    if name is not None:
        if not name.strip():
            raise StandardError("标准名称不能为空。")
        changes["name"] = name.strip()
    if per_100_households is not None:
        changes["per_100_households"] = _number(per_100_households, "每百户面积", 0, 1000)
    if min_total_area is not None:
        changes["min_total_area"] = _number(min_total_area, "最低总面积", 0, 100000)
    if resident_share is not None:
        changes["resident_share"] = _number(resident_share, "居民活动用房比例", 0, 1)
    if notes is not None:
        changes["notes"] = notes.strip()
    crud.update(actor, FacilityStandard.get_by_id(standard_id), "修改标准参数", **changes)
    return get_standard(standard_id)


def _fields(
    name: str,
    kind: str,
    min_area: float | None,
    equipment: tuple[RequiredEquipment, ...] | list[RequiredEquipment],
    resident_use: bool,
    notes: str,
) -> dict[str, Any]:
    name = name.strip()
    if not name:
        raise StandardError("项目名称不能为空。")
    if kind not in KIND_NAMES:
        raise StandardError("请选择项目类别（室、站或场）。")
    if min_area is not None:  # NaN, 1e12 and -1 refused alike
        min_area = _number(min_area, "最低面积", 0, MAX_AREA)
    return {
        "name": name,
        "kind": kind,
        "min_area": min_area,
        "equipment": dump_equipment(tuple(equipment)),
        "resident_use": resident_use,
        "notes": notes.strip(),
    }


@service(Perm.FACILITIES_STANDARD)
def add_item(
    actor: HasRole,
    standard_id: int,
    name: str,
    kind: str,
    min_area: float | None = None,
    equipment: tuple[RequiredEquipment, ...] | list[RequiredEquipment] = (),
    resident_use: bool = False,
    notes: str = "",
    code: str = "",
) -> StandardItem:
    """A new item in a standard (e.g. a province's fifth and sixth room)."""
    values = _fields(name, kind, min_area, equipment, resident_use, notes)
    live = FacilityStandardItem.select().where(
        (FacilityStandardItem.standard == standard_id) & (FacilityStandardItem.archived == False)
    )  # noqa: E712
    if any(i.name == values["name"] for i in live):
        raise StandardError(f"标准中已有项目“{values['name']}”。")
    used = {i.code for i in FacilityStandardItem.select(FacilityStandardItem.code)}
    code = code.strip() or _new_code(used)
    if code in {i.code for i in live}:
        raise StandardError(f"项目代码“{code}”已被使用。")
    order = max([i.sort_order for i in live] or [0]) + 10
    item = crud.create(
        actor,
        FacilityStandardItem,
        "增加标准项目",
        standard=standard_id,
        code=code,
        sort_order=order,
        **values,
    )
    return _item_row(item)


def _new_code(used: set[str]) -> str:
    n = 1
    while f"custom_{n}" in used:
        n += 1
    return f"custom_{n}"


@service(Perm.FACILITIES_STANDARD)
def update_item(
    actor: HasRole,
    item_id: int,
    name: str,
    kind: str,
    min_area: float | None,
    equipment: tuple[RequiredEquipment, ...] | list[RequiredEquipment],
    resident_use: bool,
    notes: str = "",
) -> StandardItem:
    values = _fields(name, kind, min_area, equipment, resident_use, notes)
    item = FacilityStandardItem.get_by_id(item_id)
    clash = FacilityStandardItem.select().where(
        (FacilityStandardItem.standard == item.standard_id)
        & (FacilityStandardItem.archived == False)  # noqa: E712
        & (FacilityStandardItem.name == values["name"])
        & (FacilityStandardItem.id != item_id)
    )
    if clash.exists():
        raise StandardError(f"标准中已有项目“{values['name']}”。")
    return _item_row(crud.update(actor, item, "修改标准项目", **values))


@service(Perm.FACILITIES_STANDARD)
def remove_item(actor: HasRole, item_id: int) -> None:
    """Take an item out of the standard (archived: its history stays)."""
    crud.archive(actor, FacilityStandardItem.get_by_id(item_id), "从标准中移除项目")
