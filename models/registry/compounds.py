"""Compounds (小区) and the per-compound summary the window and the reports share."""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from models.core import crud
from models.core.db import as_dict
from models.core.entities import Compound, Household, Resident
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm
from models.core.service import service


class CompoundError(UserFacingError, ValueError):
    pass


@dataclass(frozen=True)
class CompoundSummary:
    id: int
    name: str
    lead_unit: str
    households: int
    residents: int


def list_compounds(include_archived: bool = False) -> list[Compound]:
    query = Compound.select().order_by(Compound.id)
    if not include_archived:
        query = query.where(Compound.archived == False)  # noqa: E712
    return list(query)


@service(Perm.REGISTRY_EDIT)
def create_compound(actor: HasRole, name: str, lead_unit: str = "", address: str = "") -> Compound:
    name = name.strip()
    if not name:
        raise CompoundError("小区名称不能为空。")
    if Compound.select().where(Compound.name == name).exists():
        raise CompoundError(f"小区“{name}”已存在。")
    return crud.create(
        actor, Compound, name=name, lead_unit=lead_unit.strip(), address=address.strip()
    )


@service(Perm.REGISTRY_EDIT)
def update_compound(actor: HasRole, compound: Compound, **changes: str) -> Compound:
    if "name" in changes:
        name = changes["name"].strip()
        if not name:
            raise CompoundError("小区名称不能为空。")
        clash = Compound.select().where((Compound.name == name) & (Compound.id != compound.id))
        if clash.exists():
            raise CompoundError(f"小区“{name}”已存在。")
        changes["name"] = name
    return crud.update(actor, compound, **changes)


def summary() -> list[CompoundSummary]:
    """Current households and residents per compound (archived and ended records left out)."""
    households = as_dict(
        Household.select(Household.compound, pw.fn.COUNT(Household.id))
        .where(Household.archived == False)  # noqa: E712
        .group_by(Household.compound)
    )
    residents = as_dict(
        Resident.select(Household.compound, pw.fn.COUNT(Resident.id))
        .join(Household)
        .where((Resident.status == "current") & (Household.archived == False))  # noqa: E712
        .group_by(Household.compound)
    )
    return [
        CompoundSummary(c.id, c.name, c.lead_unit, households.get(c.id, 0), residents.get(c.id, 0))
        for c in list_compounds()
    ]


def register_is_empty() -> bool:
    return not Household.select().exists()
