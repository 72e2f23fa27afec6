"""The centre as it is: centres, their spaces, each space's equipment and photos."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from models.core import clock, crud, files
from models.core.entities import Compound, Household
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm
from models.core.service import service
from models.facilities.entities import (
    CONDITION_NAMES,
    PHOTO_PURPOSES,
    STATUS_NAMES,
    FacilityCentre,
    FacilityEquipment,
    FacilityPhoto,
    FacilitySpace,
)

PHOTO_AREA = "facilities"
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


class FacilityError(UserFacingError, ValueError):
    """Bad input for the facilities register; the message is shown to the user as it is."""


@dataclass(frozen=True)
class CentreRow:
    id: int
    name: str
    address: str
    compound_ids: tuple[int, ...]  # empty: serves every compound
    notes: str


@dataclass(frozen=True)
class SpaceRow:
    id: int
    centre_id: int
    item_code: str
    name: str
    status: str
    area: float | None
    location: str
    shared_with: str
    resident_use: bool
    outdoor: bool
    notes: str
    photos: int

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)


@dataclass(frozen=True)
class EquipmentRow:
    id: int
    space_id: int
    space_name: str
    name: str
    quantity: int
    condition: str
    asset_tag: str
    purchase_date: dt.date | None
    value: Decimal | None
    notes: str

    @property
    def condition_name(self) -> str:
        return CONDITION_NAMES.get(self.condition, self.condition)


@dataclass(frozen=True)
class PhotoRow:
    id: int
    path: str  # relative to the attachments folder
    caption: str
    purpose: str
    taken_on: dt.date | None

    @property
    def file(self) -> Path:
        return files.resolve(self.path)

    @property
    def purpose_name(self) -> str:
        return PHOTO_PURPOSES.get(self.purpose, self.purpose)


# -- centres --------------------------------------------------------------------------------


def _centre_row(c: FacilityCentre) -> CentreRow:
    try:
        ids = tuple(int(i) for i in json.loads(c.compounds or "[]"))
    except (json.JSONDecodeError, TypeError, ValueError):
        ids = ()
    return CentreRow(c.id, c.name, c.address, ids, c.notes)


def list_centres() -> list[CentreRow]:
    query = (
        FacilityCentre.select()
        .where(FacilityCentre.archived == False)  # noqa: E712
        .order_by(FacilityCentre.id)
    )
    return [_centre_row(c) for c in query]


def get_centre(centre_id: int) -> CentreRow:
    return _centre_row(FacilityCentre.get_by_id(centre_id))


def _centre_fields(
    name: str, address: str, compound_ids: list[int] | tuple[int, ...], notes: str
) -> dict[str, Any]:
    name = name.strip()
    if not name:
        raise FacilityError("服务中心名称不能为空。")
    known = {c.id for c in Compound.select(Compound.id)}
    unknown = [i for i in compound_ids if i not in known]
    if unknown:
        raise FacilityError("所选小区不存在。")
    return {
        "name": name,
        "address": address.strip(),
        "notes": notes.strip(),
        "compounds": json.dumps(sorted(set(compound_ids))),
    }


@service(Perm.FACILITIES_EDIT)
def create_centre(
    actor: HasRole,
    name: str,
    address: str = "",
    compound_ids: list[int] | tuple[int, ...] = (),
    notes: str = "",
) -> CentreRow:
    values = _centre_fields(name, address, compound_ids, notes)
    if FacilityCentre.select().where(FacilityCentre.name == values["name"]).exists():
        raise FacilityError(f"服务中心“{values['name']}”已存在。")
    return _centre_row(crud.create(actor, FacilityCentre, "登记服务中心", **values))


@service(Perm.FACILITIES_EDIT)
def update_centre(
    actor: HasRole,
    centre_id: int,
    name: str,
    address: str = "",
    compound_ids: list[int] | tuple[int, ...] = (),
    notes: str = "",
) -> CentreRow:
    values = _centre_fields(name, address, compound_ids, notes)
    clash = FacilityCentre.select().where(
        (FacilityCentre.name == values["name"]) & (FacilityCentre.id != centre_id)
    )
    if clash.exists():
        raise FacilityError(f"服务中心“{values['name']}”已存在。")
    return _centre_row(crud.update(actor, FacilityCentre.get_by_id(centre_id), **values))


@service(Perm.FACILITIES_EDIT)
def archive_centre(actor: HasRole, centre_id: int) -> None:
    crud.archive(actor, FacilityCentre.get_by_id(centre_id), "撤销服务中心")


def households_served(centre_id: int) -> int:
    """Households in the register (not archived) in the compounds the centre serves."""
    centre = get_centre(centre_id)
    query = Household.select().where(Household.archived == False)  # noqa: E712
    if centre.compound_ids:
        query = query.where(Household.compound.in_(centre.compound_ids))
    return query.count()


def centre_for_compound(compound_id: int) -> CentreRow | None:
    """The centre that serves a compound: one that names it, else one that serves all."""
    centres = list_centres()
    named = [c for c in centres if compound_id in c.compound_ids]
    if named:
        return named[0]
    return next((c for c in centres if not c.compound_ids), None)


# -- spaces ---------------------------------------------------------------------------------


def _space_row(s: FacilitySpace, photos: int = 0) -> SpaceRow:
    return SpaceRow(
        s.id,
        s.centre_id,
        s.item_code,
        s.name,
        s.status,
        s.area,
        s.location,
        s.shared_with,
        bool(s.resident_use),
        bool(s.outdoor),
        s.notes,
        photos,
    )


def list_spaces(centre_id: int) -> list[SpaceRow]:
    counts: dict[int, int] = {}
    for photo in (
        FacilityPhoto.select(FacilityPhoto.space)
        .join(FacilitySpace)
        .where((FacilitySpace.centre == centre_id) & (FacilityPhoto.archived == False))
    ):  # noqa: E712
        if photo.space_id is not None:
            counts[photo.space_id] = counts.get(photo.space_id, 0) + 1
    query = (
        FacilitySpace.select()
        .where((FacilitySpace.centre == centre_id) & (FacilitySpace.archived == False))  # noqa: E712
        .order_by(FacilitySpace.id)
    )
    return [_space_row(s, counts.get(s.id, 0)) for s in query]


def get_space(space_id: int) -> SpaceRow:
    space = FacilitySpace.get_by_id(space_id)
    photos = (
        FacilityPhoto.select()
        .where((FacilityPhoto.space == space_id) & (FacilityPhoto.archived == False))
        .count()
    )  # noqa: E712
    return _space_row(space, photos)


MAX_AREA = 100000  # m²
MAX_QUANTITY = 10000
MAX_VALUE = 100_000_000  # 元: one item of equipment


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")  # refused by every range check


def _space_fields(
    name: str,
    item_code: str,
    status: str,
    area: float | None,
    location: str,
    shared_with: str,
    resident_use: bool,
    outdoor: bool,
    notes: str,
) -> dict[str, Any]:
    name = name.strip()
    if not name:
        raise FacilityError("用房名称不能为空。")
    if status not in STATUS_NAMES:
        raise FacilityError("请选择用房状况。")
    # "not 0 <= area": NaN fails every comparison, so a plain "area < 0" let it through.
    if area is not None and not 0 <= _as_float(area) <= MAX_AREA:
        raise FacilityError(f"面积须在0至{MAX_AREA}平方米之间。")
    if status == "shared" and not shared_with.strip():
        raise FacilityError("共用的用房请注明与何种用途共用。")
    return {
        "name": name,
        "item_code": item_code.strip(),
        "status": status,
        "area": area,
        "location": location.strip(),
        "shared_with": shared_with.strip(),
        "resident_use": resident_use,
        "outdoor": outdoor,
        "notes": notes.strip(),
    }


@service(Perm.FACILITIES_EDIT)
def save_space(
    actor: HasRole,
    centre_id: int,
    space_id: int | None,
    *,
    name: str,
    item_code: str = "",
    status: str = "meets",
    area: float | None = None,
    location: str = "",
    shared_with: str = "",
    resident_use: bool = False,
    outdoor: bool = False,
    notes: str = "",
) -> SpaceRow:
    """Record a new space (space_id None) or change one."""
    values = _space_fields(
        name, item_code, status, area, location, shared_with, resident_use, outdoor, notes
    )
    if space_id is None:
        space = crud.create(actor, FacilitySpace, "登记用房", centre=centre_id, **values)
    else:
        space = crud.update(actor, FacilitySpace.get_by_id(space_id), "修改用房", **values)
    return get_space(space.id)


@service(Perm.FACILITIES_EDIT)
def archive_space(actor: HasRole, space_id: int, reason: str = "") -> None:
    """Stop listing a space (given back, demolished…); its equipment and history stay."""
    crud.archive(actor, FacilitySpace.get_by_id(space_id), reason or "停用用房")


# -- equipment ------------------------------------------------------------------------------


def _equipment_row(e: FacilityEquipment, space_name: str) -> EquipmentRow:
    value = None if e.value is None else Decimal(str(e.value))
    return EquipmentRow(
        e.id,
        e.space_id,
        space_name,
        e.name,
        e.quantity,
        e.condition,
        e.asset_tag,
        e.purchase_date,
        value,
        e.notes,
    )


def list_equipment(
    *, space_id: int | None = None, centre_id: int | None = None
) -> list[EquipmentRow]:
    query = (
        FacilityEquipment.select(FacilityEquipment, FacilitySpace)
        .join(FacilitySpace)
        .where(
            (FacilityEquipment.archived == False)  # noqa: E712
            & (FacilitySpace.archived == False)
        )  # noqa: E712
        .order_by(FacilitySpace.id, FacilityEquipment.id)
    )
    if space_id is not None:
        query = query.where(FacilityEquipment.space == space_id)
    if centre_id is not None:
        query = query.where(FacilitySpace.centre == centre_id)
    return [_equipment_row(e, e.space.name) for e in query]


def parse_value(text: str) -> Decimal | None:
    """ "1,280.50" or "1280.5元" → Decimal("1280.50"); "" → None."""
    cleaned = text.strip().replace(",", "").replace("，", "").removesuffix("元").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
        if not value.is_finite() or abs(value) > MAX_VALUE:  # "NaN", "Infinity", "1e12"
            raise InvalidOperation
        value = value.quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise FacilityError(f"金额“{text}”不是有效的数字（须在0至{MAX_VALUE:,}元之间）。") from exc
    if value < 0:
        raise FacilityError("金额不能为负数。")
    return value


def _equipment_fields(
    name: str,
    quantity: int,
    condition: str,
    asset_tag: str,
    purchase_date: dt.date | None,
    value: Decimal | None,
    notes: str,
    today: dt.date | None,
) -> dict[str, Any]:
    name = name.strip()
    if not name:
        raise FacilityError("设备名称不能为空。")
    if not (isinstance(quantity, int) and 1 <= quantity <= MAX_QUANTITY):
        raise FacilityError(f"数量须为1至{MAX_QUANTITY}之间的整数。")
    if condition not in CONDITION_NAMES:
        raise FacilityError("请选择设备状况。")
    if purchase_date is not None and purchase_date > (today or clock.today()):
        raise FacilityError("购置日期不能晚于今天。")
    return {
        "name": name,
        "quantity": quantity,
        "condition": condition,
        "asset_tag": asset_tag.strip(),
        "purchase_date": purchase_date,
        "value": value,
        "notes": notes.strip(),
    }


@service(Perm.FACILITIES_EDIT)
def save_equipment(
    actor: HasRole,
    space_id: int,
    equipment_id: int | None,
    *,
    name: str,
    quantity: int = 1,
    condition: str = "good",
    asset_tag: str = "",
    purchase_date: dt.date | None = None,
    value: Decimal | None = None,
    notes: str = "",
    today: dt.date | None = None,
) -> EquipmentRow:
    values = _equipment_fields(
        name, quantity, condition, asset_tag, purchase_date, value, notes, today
    )
    if values["asset_tag"]:
        clash = FacilityEquipment.select().where(
            (FacilityEquipment.asset_tag == values["asset_tag"])
            & (FacilityEquipment.archived == False)
        )  # noqa: E712
        if equipment_id is not None:
            clash = clash.where(FacilityEquipment.id != equipment_id)
        if clash.exists():
            raise FacilityError(f"资产编号“{values['asset_tag']}”已被其他设备使用。")
    if equipment_id is None:
        row = crud.create(actor, FacilityEquipment, "登记设备", space=space_id, **values)
    else:
        row = crud.update(
            actor, FacilityEquipment.get_by_id(equipment_id), "修改设备", space=space_id, **values
        )
    return _equipment_row(row, FacilitySpace.get_by_id(space_id).name)


@service(Perm.FACILITIES_EDIT)
def dispose_equipment(actor: HasRole, equipment_id: int, reason: str = "") -> None:
    """注销: the item leaves the register (scrapped, lost, handed over); its row stays."""
    crud.archive(actor, FacilityEquipment.get_by_id(equipment_id), reason or "设备注销")


# -- photos ---------------------------------------------------------------------------------


def _photo_row(p: FacilityPhoto) -> PhotoRow:
    return PhotoRow(p.id, p.path, p.caption, p.purpose, p.taken_on)


@service(None)
def store_photo(
    actor: HasRole,
    source: str | Path,
    *,
    space_id: int | None = None,
    finding_id: int | None = None,
    purpose: str = "space",
    caption: str = "",
    taken_on: dt.date | None = None,
) -> FacilityPhoto:
    """Copy a photo into the attachments folder and record it; call inside a transaction."""
    source = Path(source)
    if source.suffix.lower() not in PHOTO_SUFFIXES:
        raise FacilityError(f"“{source.name}”不是 JPG 或 PNG 照片。")
    if purpose not in PHOTO_PURPOSES:
        raise FacilityError("照片用途无效。")
    try:
        relative = files.store(source, PHOTO_AREA)
    except files.AttachmentError as exc:
        raise FacilityError(str(exc)) from exc
    return crud.create(
        actor,
        FacilityPhoto,
        "添加照片",
        space=space_id,
        finding=finding_id,
        purpose=purpose,
        path=relative,
        caption=caption.strip(),
        taken_on=taken_on,
    )


@service(Perm.FACILITIES_EDIT)
def add_photos(
    actor: HasRole,
    sources: list[str] | list[Path],
    *,
    space_id: int | None = None,
    finding_id: int | None = None,
    purpose: str = "space",
    caption: str = "",
    taken_on: dt.date | None = None,
) -> list[PhotoRow]:
    if space_id is None and finding_id is None:
        raise FacilityError("照片须属于某个用房或检查发现。")
    rows = [
        store_photo(
            actor,
            s,
            space_id=space_id,
            finding_id=finding_id,
            purpose=purpose,
            caption=caption,
            taken_on=taken_on,
        )
        for s in sources
    ]
    return [_photo_row(p) for p in rows]


def list_photos(
    *, space_id: int | None = None, finding_id: int | None = None, purpose: str | None = None
) -> list[PhotoRow]:
    query = FacilityPhoto.select().where(FacilityPhoto.archived == False)  # noqa: E712
    if space_id is not None:
        query = query.where(FacilityPhoto.space == space_id)
    if finding_id is not None:
        query = query.where(FacilityPhoto.finding == finding_id)
    if purpose is not None:
        query = query.where(FacilityPhoto.purpose == purpose)
    return [_photo_row(p) for p in query.order_by(FacilityPhoto.id)]


@service(Perm.FACILITIES_EDIT)
def remove_photo(actor: HasRole, photo_id: int) -> None:
    """Hide a photo (archived; the file stays). A hazard's only fix photo cannot go."""
    photo = FacilityPhoto.get_by_id(photo_id)
    if photo.purpose == "fix" and photo.finding_id is not None:
        others = FacilityPhoto.select().where(
            (FacilityPhoto.finding == photo.finding_id)
            & (FacilityPhoto.purpose == "fix")
            & (FacilityPhoto.archived == False)
            & (FacilityPhoto.id != photo_id)
        )  # noqa: E712
        if not others.exists():
            raise FacilityError("这是隐患整改的唯一照片，不能移除。")
    crud.archive(actor, photo, "移除照片")
