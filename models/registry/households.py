"""Households: address, number, exactly one head; moving people, changing the head, split, merge.

Each action is one transaction with audit rows and, for every person whose household or
head changes, a LifeEvent of kind household_change whose reason starts with the action
(迁至他户, 变更户主, 分户, 合户, 销户) and whose from/to values are household numbers.
"Exactly one head" counts the current members; people who died or moved out keep their
last household and relation as history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from models.core import codes, crud, idcard, text_rules
from models.core.db import as_dict
from models.core.entities import Compound, Household, Resident
from models.core.permissions import HasRole, Perm
from models.core.service import service
from models.registry import search
from models.registry.residents import (
    HEAD,
    RegistryError,
    add_event,
    address_of,
    check_event_date,
    current_head,
    household_of,
)

MOVE, CHANGE_HEAD, SPLIT, MERGE, CLOSE = "迁至他户", "变更户主", "分户", "合户", "销户"


@dataclass
class AddressInput:
    compound_id: int
    building: str = ""
    unit: str = ""
    room: str = ""
    household_type: str = "2"
    phone: str = ""
    notes: str = ""


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    sex: str
    birth_date: dt.date | None
    id_number: str | None
    masked_id: str
    relation: str
    category: str
    status: str
    phone: str


@dataclass(frozen=True)
class HouseholdDetail:
    id: int
    household_no: str
    compound_id: int
    compound: str
    building: str
    unit: str
    room: str
    address: str
    household_type: str
    phone: str
    notes: str
    archived: bool
    members: list[MemberRow]  # current members, head first
    former: list[MemberRow]  # died or moved out while in this household
    # The household row's version when read: update_household(expected_version=...) saves
    # only if nobody saved the row since (models.core.crud).
    row_version: int = 1

    @property
    def head(self) -> MemberRow | None:
        return next((m for m in self.members if m.relation == HEAD), None)


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    household_no: str
    address: str
    head_name: str
    members: int
    archived: bool


def _reason(action: str, text: str) -> str:
    text = (text or "").strip()
    return f"{action}：{text}" if text else action


# -- reading ----------------------------------------------------------------------------
def current_members(household_id: int) -> list[Resident]:
    return list(
        Resident.select()
        .where((Resident.household == household_id) & (Resident.status == "current"))
        .order_by(Resident.relation, Resident.birth_date, Resident.id)
    )


def head_count(household_id: int) -> int:
    return (
        Resident.select()
        .where(
            (Resident.household == household_id)
            & (Resident.status == "current")
            & (Resident.relation == HEAD)
        )
        .count()
    )


def _member(r: Resident) -> MemberRow:
    return MemberRow(
        r.id,
        r.name,
        r.sex,
        r.birth_date,
        r.id_number,
        idcard.mask(r.id_number),
        r.relation,
        r.category,
        r.status,
        r.phone,
    )


def detail(household_id: int) -> HouseholdDetail:
    h = (
        Household.select(Household, Compound)
        .join(Compound)
        .where(Household.id == household_id)
        .get()
    )
    people = list(
        Resident.select(
            Resident.id,
            Resident.name,
            Resident.sex,
            Resident.birth_date,
            Resident.id_number,
            Resident.relation,
            Resident.category,
            Resident.status,
            Resident.phone,
        )  # what MemberRow shows
        .where(Resident.household == household_id)
        .order_by(Resident.relation, Resident.birth_date, Resident.id)
    )
    return HouseholdDetail(
        id=h.id,
        household_no=h.household_no,
        compound_id=h.compound.id,
        compound=h.compound.name,
        building=h.building,
        unit=h.unit,
        room=h.room,
        address=address_of(h),
        household_type=h.household_type,
        phone=h.phone,
        notes=h.notes,
        archived=h.archived,
        members=[_member(p) for p in people if p.status == "current"],
        former=[_member(p) for p in people if p.status != "current"],
        row_version=h.row_version,
    )


def find_households(
    text: str, limit: int = 50, exclude_id: int | None = None
) -> list[HouseholdRow]:
    """Households whose number, address or a current member matches *text*."""
    ids: list[int] = []
    text = text.strip()
    if text:
        exact = Household.get_or_none(Household.household_no == text)
        if exact is not None:
            ids.append(exact.id)
        for row in search.search(text, search.ResidentFilter(status="current"), limit=limit * 4):
            if row.household_id and row.household_id not in ids:
                ids.append(row.household_id)
    ids = [i for i in ids if i != exclude_id][:limit]
    if not ids:
        return []
    houses = {
        h.id: h
        for h in Household.select(Household, Compound).join(Compound).where(Household.id.in_(ids))
    }
    sizes = as_dict(
        Resident.select(Resident.household, pw.fn.COUNT(Resident.id))
        .where(Resident.household.in_(ids) & (Resident.status == "current"))
        .group_by(Resident.household)
    )
    heads = as_dict(
        Resident.select(Resident.household, Resident.name).where(
            Resident.household.in_(ids)
            & (Resident.status == "current")
            & (Resident.relation == HEAD)
        )
    )
    return [
        HouseholdRow(
            i,
            houses[i].household_no,
            address_of(houses[i]),
            heads.get(i, ""),
            sizes.get(i, 0),
            houses[i].archived,
        )
        for i in ids
        if i in houses
    ]


def next_household_no(compound_id: int) -> str:
    """Compound number (two digits) + serial (five), as the demo and most registers number."""
    prefix = f"{compound_id:02d}"
    query = Household.select(Household.household_no).where(
        Household.household_no.startswith(prefix)
    )
    taken = [h.household_no for h in query]
    taken = [no for no in taken if len(no) == 7 and no.isdigit()]
    serial = max((int(no[2:]) for no in taken), default=0) + 1
    while True:
        number = f"{prefix}{serial:05d}"
        if not Household.select().where(Household.household_no == number).exists():
            return number
        serial += 1


# -- writing ----------------------------------------------------------------------------
def _check_address(addr: AddressInput) -> dict:
    compound = Compound.get_or_none(Compound.id == addr.compound_id)
    if compound is None or compound.archived:
        raise RegistryError("请选择小区。")
    values = {
        "compound": compound.id,
        "building": addr.building.strip(),
        "unit": addr.unit.strip(),
        "room": addr.room.strip(),
        "household_type": addr.household_type,
        "phone": addr.phone.strip(),
        "notes": addr.notes.strip(),
    }
    if not values["building"] and not values["room"]:
        raise RegistryError("请填写楼栋或门牌。")
    if addr.household_type not in codes.codes("household_type"):
        raise RegistryError("请选择户别。")
    try:
        values["phone"] = text_rules.normalize_phone(addr.phone.strip())
    except text_rules.TextRuleError as exc:
        raise RegistryError(str(exc)) from exc
    return values


def _check_number(number: str, household_id: int | None = None) -> str:
    number = number.strip()
    if not number:
        raise RegistryError("户号不能为空。")
    clash = Household.select().where(Household.household_no == number)
    if household_id:
        clash = clash.where(Household.id != household_id)
    if clash.exists():
        raise RegistryError(f"户号“{number}”已被使用。")
    return number


@service(Perm.REGISTRY_EDIT)
def create_household(actor: HasRole, addr: AddressInput, household_no: str = "") -> Household:
    values = _check_address(addr)
    number = _check_number(household_no or next_household_no(addr.compound_id))
    return crud.create(actor, Household, household_no=number, **values)


@service(Perm.REGISTRY_EDIT)
def update_household(
    actor: HasRole,
    household_id: int,
    addr: AddressInput,
    household_no: str | None = None,
    expected_version: int | None = None,
) -> Household:
    """Save the address and number. *expected_version*: the row version the clerk's window
    showed (HouseholdDetail.row_version); if someone saved the household since, EditConflict
    says who and what, and nothing is written. None: the version read here (no check)."""
    household = Household.get_by_id(household_id)
    values = _check_address(addr)
    if household_no is not None:
        values["household_no"] = _check_number(household_no, household_id)
    return crud.update(actor, household, expected_version=expected_version, **values)


def suggest_relations(household_id: int, new_head_id: int) -> dict[int, str]:
    """Each current member's likely relation to *new_head_id* (the clerk reviews them)."""
    members = current_members(household_id)
    new_head = next((m for m in members if m.id == new_head_id), None)
    if new_head is None:
        raise RegistryError("新户主须是本户在册人员。")
    nh = new_head.relation
    result: dict[int, str] = {}
    for m in members:
        if m.id == new_head_id:
            result[m.id] = HEAD
        elif m.relation == HEAD:
            result[m.id] = _old_head_relation(nh, m.sex)
        else:
            result[m.id] = other_relation(nh, new_head.sex, m.relation, m.sex)
    return result


def _by_sex(sex: str, male: str, female: str, other: str) -> str:
    return male if sex == "1" else female if sex == "2" else other


def _old_head_relation(new_head_rel: str, sex: str) -> str:
    """The old head, seen from the new head (whose relation to the old head is given)."""
    group = new_head_rel[:1]
    if new_head_rel in ("10", "11", "12"):
        return _by_sex(sex, "11", "12", "10")
    if new_head_rel == "28":  # 女婿: the old head is his wife's parent
        return _by_sex(sex, "55", "56", "59")
    if new_head_rel == "38":  # 儿媳
        return _by_sex(sex, "53", "54", "59")
    if group in ("2", "3"):
        return _by_sex(sex, "51", "52", "50")
    if group == "4":
        return _by_sex(sex, "61", "62", "60")
    if group == "5":
        return _by_sex(sex, "20", "30", "97")
    if group == "7":
        return "70"
    return "99" if new_head_rel == "99" else "97"


def other_relation(new_head_rel: str, new_head_sex: str, rel: str, sex: str) -> str:
    """Another member, seen from a new head who was the old head's spouse or child."""
    if new_head_rel in ("10", "11", "12"):
        return rel  # the old head's family is the spouse's family
    if new_head_rel[:1] in ("2", "3") and new_head_rel not in ("28", "38"):
        if rel in ("10", "11", "12"):
            return _by_sex(sex, "51", "52", "50")
        if rel == "38" and new_head_sex == "1":
            return "12"
        if rel == "28" and new_head_sex == "2":
            return "11"
        if rel[:1] in ("2", "3"):
            return "70"
        if rel[:1] == "4":
            return _by_sex(sex, "20", "30", "97")
        if rel[:1] == "5":
            return _by_sex(sex, "61", "62", "60")
    return rel


_SIBLING_SPOUSE = {"71": "72", "73": "74", "75": "76", "77": "78"}  # 兄→嫂, 弟→弟媳, 姐→姐夫…


def relation_through(head_rel: str, rel: str, sex: str) -> str:
    """For 合户: a newcomer's likely relation to the other household's head, from their relation
    to their own head (*rel*) and that head's relation to the other head (*head_rel*).
    97 (其他亲属) where the register's codes do not follow; the clerk reviews each."""
    spouse = rel in ("10", "11", "12")
    child = rel[:1] in ("2", "3") and rel not in ("28", "38")
    if head_rel == "99":
        return "99"
    if head_rel in ("10", "11", "12"):  # the head's spouse: their children are the head's
        return rel if child else "97"
    if head_rel == "28":  # 女婿: his wife is the head's daughter
        return "30" if spouse else _by_sex(sex, "43", "44", "40") if child else "97"
    if head_rel == "38":  # 儿媳: her husband is the head's son
        return "20" if spouse else _by_sex(sex, "41", "42", "40") if child else "97"
    if head_rel[:1] == "2":  # a son
        return (
            _by_sex(sex, "97", "38", "97")
            if spouse
            else _by_sex(sex, "41", "42", "40")
            if child
            else "97"
        )
    if head_rel[:1] == "3":  # a daughter
        return (
            _by_sex(sex, "28", "97", "97")
            if spouse
            else _by_sex(sex, "43", "44", "40")
            if child
            else "97"
        )
    if head_rel in ("50", "51", "52", "57", "58", "59"):  # a parent
        return _by_sex(sex, "51", "52", "50") if spouse else "70" if child else "97"
    if head_rel in _SIBLING_SPOUSE:
        if spouse:
            return _SIBLING_SPOUSE[head_rel]
        if child:
            return (
                _by_sex(sex, "93", "94", "97")
                if head_rel in ("71", "73")
                else _by_sex(sex, "95", "96", "97")
            )
        return "97"
    if head_rel[:1] == "4" and head_rel not in ("45", "46"):  # a grandchild
        return (
            _by_sex(sex, "46", "45", "97")
            if spouse
            else _by_sex(sex, "47", "48", "97")
            if child
            else "97"
        )
    return "97"


def _check_relations(relations: dict[int, str]) -> None:
    valid = codes.codes("relation")
    for rel in relations.values():
        if rel not in valid:
            raise RegistryError(f"与户主关系代码“{rel}”不在代码表中。")


def _install_head(
    actor: HasRole,
    household: Household,
    new_head: Resident,
    old_head: Resident | None,
    relations: dict[int, str],
    event_date: dt.date,
    reason: str,
    leaving: int | None = None,
) -> None:
    """Make *new_head* the head; set the others' relations (not *leaving*'s) from *relations*."""
    _check_relations(relations)
    others = [m for m in current_members(household.id) if m.id not in (new_head.id, leaving)]
    for m in others:
        rel = relations.get(m.id, m.relation)
        if rel == HEAD:
            raise RegistryError(f"{m.name}不能同时是户主，请为其选择与新户主的关系。")
        if rel != m.relation:
            crud.update(actor, m, note=_reason(CHANGE_HEAD, reason), relation=rel)
    crud.update(actor, new_head, note=_reason(CHANGE_HEAD, reason), relation=HEAD)
    add_event(
        actor,
        "household_change",
        event_date,
        resident_id=new_head.id,
        household_id=household.id,
        reason=_reason(CHANGE_HEAD, reason + (f"（原户主{old_head.name}）" if old_head else "")),
        from_value=household.household_no,
        to_value=household.household_no,
    )


@service(None)
def handle_departure(
    actor: HasRole,
    person: Resident,
    new_head_id: int | None,
    relations: dict[int, str] | None,
    event_date: dt.date,
    reason: str,
) -> None:
    """*person* is leaving their household (already marked so, or about to be moved).

    A head hands over to *new_head_id* among those who stay; a household left with nobody
    is closed (archived, with a 销户 event).
    """
    household = Household.get_by_id(household_of(person))
    remaining = [m for m in current_members(household.id) if m.id != person.id]
    if remaining and person.relation == HEAD and head_count(household.id) <= 1:
        new_head = next((m for m in remaining if m.id == new_head_id), None)
        if new_head is None:
            raise RegistryError(f"{person.name}是户主，请在本户留下的人员中指定新户主。")
        rels = dict(relations or {})
        rels.pop(person.id, None)
        _install_head(
            actor, household, new_head, person, rels, event_date, reason, leaving=person.id
        )
    if not remaining and not household.archived:
        crud.archive(actor, household, note=_reason(CLOSE, "户内已无在册人员"))
        add_event(
            actor,
            "household_change",
            event_date,
            resident_id=person.id,
            household_id=household.id,
            reason=_reason(CLOSE, "户内已无在册人员"),
            from_value=household.household_no,
        )


def _current(resident_id: int) -> Resident:
    person = Resident.get_by_id(resident_id)
    if person.status != "current":
        raise RegistryError(f"{person.name}不是在册人员。")
    return person


@service(Perm.REGISTRY_EDIT)
def move_resident(
    actor: HasRole,
    resident_id: int,
    to_household_id: int,
    relation: str,
    event_date: dt.date,
    reason: str = "",
    new_head_id: int | None = None,
    relations: dict[int, str] | None = None,
) -> None:
    """Move a person to another household of the community (not a move out)."""
    check_event_date(event_date)
    person = _current(resident_id)
    if household_of(person) == to_household_id:
        raise RegistryError("目标户与原户相同。")
    target = Household.get_by_id(to_household_id)
    old = Household.get_by_id(household_of(person))
    if current_head(target.id) is None:
        relation = HEAD
    elif relation == HEAD:
        raise RegistryError(f"户{target.household_no}已有户主，请选择与该户户主的关系。")
    _check_relations({0: relation})
    handle_departure(actor, person, new_head_id, relations, event_date, reason)
    if target.archived:
        crud.update(actor, target, note="户内有在册人员，恢复户", archived=False)
    crud.update(actor, person, note=_reason(MOVE, reason), household=target.id, relation=relation)
    add_event(
        actor,
        "household_change",
        event_date,
        resident_id=person.id,
        household_id=target.id,
        reason=_reason(MOVE, reason),
        from_value=old.household_no,
        to_value=target.household_no,
    )


@service(Perm.REGISTRY_EDIT)
def change_head(
    actor: HasRole,
    household_id: int,
    new_head_id: int,
    relations: dict[int, str],
    event_date: dt.date,
    reason: str = "",
) -> None:
    check_event_date(event_date)
    household = Household.get_by_id(household_id)
    new_head = _current(new_head_id)
    if household_of(new_head) != household_id:
        raise RegistryError("新户主须是本户在册人员。")
    if new_head.relation == HEAD:
        raise RegistryError(f"{new_head.name}已是户主。")
    old_head = current_head(household_id)
    if old_head is not None and relations.get(old_head.id, HEAD) == HEAD:
        raise RegistryError(f"请为原户主{old_head.name}选择与新户主的关系。")
    _install_head(actor, household, new_head, old_head, relations, event_date, reason)


@service(Perm.REGISTRY_EDIT)
def split_household(
    actor: HasRole,
    household_id: int,
    member_ids: list[int],
    new_head_id: int,
    relations: dict[int, str],
    addr: AddressInput,
    event_date: dt.date,
    reason: str = "",
    household_no: str = "",
    stay_head_id: int | None = None,
    stay_relations: dict[int, str] | None = None,
) -> Household:
    """Some members form a new household (分户). *relations*: to the new head.

    If the old head leaves, *stay_head_id* heads those who stay (with *stay_relations*).
    """
    check_event_date(event_date)
    _check_relations(relations)
    old = Household.get_by_id(household_id)
    members = {m.id: m for m in current_members(household_id)}
    moving = [members[i] for i in member_ids if i in members]
    if not moving or len(moving) != len(set(member_ids)):
        raise RegistryError("请从本户在册人员中选择分出的人员。")
    if len(moving) == len(members):
        raise RegistryError("分户后原户须至少留下一人；全户迁移请修改户地址。")
    if new_head_id not in member_ids:
        raise RegistryError("新户的户主须是分出的人员之一。")
    stay = [m for m in members.values() if m.id not in member_ids]
    stay_head = None
    if any(m.relation == HEAD for m in moving):
        stay_head = next((m for m in stay if m.id == stay_head_id), None)
        if stay_head is None:
            raise RegistryError("原户主分出后，请在留下的人员中指定原户的新户主。")
    new = create_household(actor, addr, household_no)
    _move_all(actor, moving, new, new_head_id, relations, old, event_date, _reason(SPLIT, reason))
    if stay_head is not None:
        # Only those who stay are left in the old household now.
        rels = {k: v for k, v in (stay_relations or {}).items() if k not in member_ids}
        _install_head(actor, old, stay_head, None, rels, event_date, reason)
    return new


def _move_all(
    actor: HasRole,
    people: list[Resident],
    target: Household,
    head_id: int | None,
    relations: dict[int, str],
    source: Household,
    event_date: dt.date,
    reason: str,
) -> None:
    for m in people:
        rel = HEAD if m.id == head_id else relations.get(m.id, m.relation)
        if m.id != head_id and rel == HEAD:
            raise RegistryError(f"请为{m.name}选择与新户主的关系。")
        crud.update(actor, m, note=reason, household=target.id, relation=rel)
        add_event(
            actor,
            "household_change",
            event_date,
            resident_id=m.id,
            household_id=target.id,
            reason=reason,
            from_value=source.household_no,
            to_value=target.household_no,
        )


@service(Perm.REGISTRY_EDIT)
def merge_households(
    actor: HasRole,
    source_id: int,
    target_id: int,
    relations: dict[int, str],
    event_date: dt.date,
    reason: str = "",
) -> None:
    """All current members of *source_id* join *target_id* (合户); the source is closed.

    *relations*: each newcomer's relation to the target's head (the source head's at least).
    """
    check_event_date(event_date)
    _check_relations(relations)
    if source_id == target_id:
        raise RegistryError("不能把一户并入它自己。")
    source = Household.get_by_id(source_id)
    target = Household.get_by_id(target_id)
    people = current_members(source_id)
    if not people:
        raise RegistryError(f"户{source.household_no}没有在册人员可并入。")
    target_head = current_head(target_id)
    head_id = None
    if target_head is None:
        head_id = next((m.id for m in people if m.relation == HEAD), people[0].id)
    for m in people:
        if m.id != head_id and relations.get(m.id, m.relation) == HEAD:
            raise RegistryError(
                f"请为{m.name}选择与户主{target_head.name if target_head else ''}的关系。"
            )
    if target.archived:
        crud.update(actor, target, note="户内有在册人员，恢复户", archived=False)
    label = _reason(MERGE, reason)
    _move_all(actor, people, target, head_id, relations, source, event_date, label)
    crud.archive(actor, source, note=f"{label}（并入{target.household_no}）")
