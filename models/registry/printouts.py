"""Rows for the register printouts: the household registration form (人口信息登记表, one
household per page) and a compound's resident list (居民花名册).

ID numbers are masked unless the user's role may see them and a reason is given; printing
personal data is itself logged (who printed what, how many people, full or masked IDs).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from models.core import audit, codes, idcard
from models.core.db import database
from models.core.entities import Compound, Household, Resident, ResidentTag
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm, require
from models.core.service import service
from models.monthly.parts import rows_of


class PrintoutError(UserFacingError, ValueError):
    """A printout that cannot be made as asked; the message is for the user."""


@dataclass(frozen=True)
class MemberRow:
    name: str
    relation: str
    sex: str
    ethnicity: str
    birth_date: str
    id_number: str  # masked unless full IDs were asked for and allowed
    education: str
    marital_status: str
    political_status: str
    category: str
    phone: str
    hukou_address: str
    work_unit: str
    groups: str  # 低保、残疾人（4类2级）…
    arrived_on: str


@dataclass(frozen=True)
class HouseholdSheet:
    id: int
    household_no: str
    household_type: str
    compound: str
    address: str  # 楼栋 单元 门牌
    phone: str
    head: str
    members: list[MemberRow]


@dataclass(frozen=True)
class ListRow:
    household_no: str
    name: str
    relation: str
    sex: str
    birth_date: str
    id_number: str
    category: str
    address: str
    phone: str


def _id_policy(actor: HasRole, full_ids: bool, reason: str) -> Callable[[str | None], str]:
    require(actor, Perm.REGISTRY_VIEW)
    if not full_ids:
        return lambda number: idcard.mask(number)
    require(actor, Perm.REVEAL_ID)
    if not reason.strip():
        raise PrintoutError("打印完整身份证号码须填写理由。")
    return lambda number: number or ""


def _log(actor: HasRole, what: str, people: int, full_ids: bool, reason: str) -> None:
    with database.atomic():
        audit.record(
            actor.username,
            audit.Action.PRINT,
            "resident",
            None,
            None,
            {"printout": what, "people": people, "full_ids": full_ids},
            f"打印{what}（{people}人，{'完整' if full_ids else '遮盖'}身份证号）"
            + (f"：{reason.strip()}" if full_ids else ""),
        )


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _tags() -> dict[int, list[str]]:
    groups: dict[int, list[str]] = defaultdict(list)
    query = (
        ResidentTag.select(ResidentTag.resident, ResidentTag.tag, ResidentTag.detail)
        .where(ResidentTag.end_date.is_null())
        .order_by(ResidentTag.id)
    )
    for rid, tag, detail in rows_of(query):
        groups[rid].append(codes.tag_text(tag, detail))
    return groups


def _order(relation: str) -> tuple[int, str]:
    # The head first (户主 02, or 01 本人 in some registers), then by relation code.
    return (0 if relation in ("02", "01") else 1, relation)


def household_count(compound_id: int | None = None) -> int:
    query = Household.select().where(Household.archived == False)  # noqa: E712
    if compound_id is not None:
        query = query.where(Household.compound == compound_id)
    return query.count()


@service(Perm.REGISTRY_VIEW, write=False)
def household_sheets(
    actor: HasRole,
    *,
    compound_id: int | None = None,
    household_ids: Sequence[int] | None = None,
    full_ids: bool = False,
    reason: str = "",
) -> list[HouseholdSheet]:
    """One sheet per household (current members only), in household-number order."""
    show_id = _id_policy(actor, full_ids, reason)
    query = (
        Household.select(Household, Compound)
        .join(Compound)
        .where(Household.archived == False)  # noqa: E712
        .order_by(Household.household_no)
    )
    if compound_id is not None:
        query = query.where(Household.compound == compound_id)
    if household_ids is not None:
        query = query.where(Household.id.in_(list(household_ids)))
    households = list(query)
    wanted = {h.id for h in households}
    members: dict[int, list[Resident]] = defaultdict(list)
    people = Resident.select().where(Resident.status == "current")
    if compound_id is not None or household_ids is not None:
        people = people.where(Resident.household.in_(list(wanted)))
    for person in people:
        hid = person.__data__.get("household")
        if hid in wanted:
            members[hid].append(person)
    tags = _tags()
    sheets = []
    for h in households:
        rows = sorted(
            members.get(h.id, []), key=lambda p: (*_order(p.relation), p.birth_date or dt.date.min)
        )
        head = next((p.name for p in rows if p.relation in ("02", "01")), "")
        sheets.append(
            HouseholdSheet(
                id=h.id,
                household_no=h.household_no,
                household_type=codes.name("household_type", h.household_type),
                compound=h.compound.name,
                address="".join(p for p in (h.building, h.unit, h.room) if p),
                phone=h.phone or next((p.phone for p in rows if p.phone), ""),
                head=head,
                members=[_member(p, show_id, tags.get(p.id, [])) for p in rows],
            )
        )
    _log(actor, "人口信息登记表", sum(len(s.members) for s in sheets), full_ids, reason)
    return sheets


def _member(p: Resident, show_id: Callable[[str | None], str], groups: list[str]) -> MemberRow:
    return MemberRow(
        name=p.name,
        relation=codes.name("relation", p.relation),
        sex=codes.name("sex", p.sex),
        ethnicity=codes.name("ethnicity", p.ethnicity),
        birth_date=_date(p.birth_date),
        id_number=show_id(p.id_number),
        education=codes.name("education", p.education),
        marital_status=codes.name("marital_status", p.marital_status),
        political_status=codes.name("political_status", p.political_status),
        category=codes.name("category", p.category),
        phone=p.phone,
        hukou_address=p.hukou_address,
        work_unit=p.work_unit,
        groups="、".join(groups),
        arrived_on=_date(p.arrived_on),
    )


@service(Perm.REGISTRY_VIEW, write=False)
def resident_list(
    actor: HasRole, compound_id: int | None, *, full_ids: bool = False, reason: str = ""
) -> list[ListRow]:
    """Current residents of a compound (or everyone), by household, heads first."""
    show_id = _id_policy(actor, full_ids, reason)
    query = (
        Resident.select(Resident, Household)
        .join(Household)
        .where((Resident.status == "current") & (Household.archived == False))
    )  # noqa: E712
    if compound_id is not None:
        query = query.where(Household.compound == compound_id)
    # The inner join guarantees a household for every row.
    pairs = [(p, p.household) for p in query if p.household is not None]
    pairs.sort(
        key=lambda ph: (
            ph[1].household_no,
            *_order(ph[0].relation),
            ph[0].birth_date or dt.date.min,
        )
    )
    rows = [
        ListRow(
            household_no=h.household_no,
            name=p.name,
            relation=codes.name("relation", p.relation),
            sex=codes.name("sex", p.sex),
            birth_date=_date(p.birth_date),
            id_number=show_id(p.id_number),
            category=codes.name("category", p.category),
            address="".join(x for x in (h.building, h.unit, h.room) if x),
            phone=p.phone,
        )
        for p, h in pairs
    ]
    _log(actor, "居民花名册", len(rows), full_ids, reason)
    return rows
