"""The people a case names, read from the register: spouses, existing children, recipients.

Suggestions follow the household relations of GB/T 4761 (the register keeps no parentage):
the head's and spouse's children are codes 20–39 (less 28 女婿 and 38 儿媳, with 27/37 养子或继子
/ 养女或继女 counted as adopted or step-children); a married son's or daughter's children are
the grandchildren 40–49 (less 45/46, the in-laws). Everything suggested is editable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from models.core import idcard
from models.core.entities import Compound, Household, Resident
from models.core.permissions import HasRole, Perm
from models.core.service import service

HEAD = ("01", "02")
HEAD_SPOUSE = ("10", "11", "12")
SONS = ("20", "21", "22", "23", "24", "25", "26", "27", "29")
DAUGHTERS = ("30", "31", "32", "33", "34", "35", "36", "37", "39")
CHILD_IN_LAW = ("28", "38")  # 女婿, 儿媳
CHILDREN_OF_HEAD = SONS + DAUGHTERS
ADOPTED_OR_STEP = ("27", "37")
GRANDCHILDREN = ("40", "41", "42", "43", "44", "47", "48", "49")


@dataclass(frozen=True)
class PersonRef:
    """A resident as a case shows them: ID masked; the full number only through reveal_id."""

    id: int
    name: str
    sex: str
    birth_date: dt.date | None
    masked_id: str
    relation: str
    category: str
    status: str
    phone: str
    household_id: int | None
    household_no: str
    compound_id: int | None
    compound: str
    address: str
    hukou_address: str


def _people_query() -> pw.ModelSelect[Resident]:
    return (
        Resident.select(Resident, Household, Compound)
        .join(Household, pw.JOIN.LEFT_OUTER)
        .join(Compound, pw.JOIN.LEFT_OUTER)
    )


def person_ref(resident: Resident) -> PersonRef:
    household_id = resident.__data__.get("household")
    household = resident.household if household_id else None
    compound = household.compound if household else None
    address = ""
    if household is not None:
        address = (
            f"{compound.name if compound else ''}"
            f"{household.building}{household.unit}{household.room}"
        )
    return PersonRef(
        id=resident.id,
        name=resident.name,
        sex=resident.sex,
        birth_date=resident.birth_date,
        masked_id=idcard.mask(resident.id_number),
        relation=resident.relation,
        category=resident.category,
        status=resident.status,
        phone=resident.phone,
        household_id=household_id,
        household_no=household.household_no if household else "",
        compound_id=compound.id if compound else None,
        compound=compound.name if compound else "",
        address=address,
        hukou_address=resident.hukou_address,
    )


def people(ids: list[int | None]) -> dict[int, PersonRef]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {r.id: person_ref(r) for r in _people_query().where(Resident.id.in_(list(wanted)))}


def get_person(resident_id: int) -> PersonRef | None:
    found = people([resident_id])
    return found.get(resident_id)


@service(Perm.CASEWORK_VIEW, write=False)
def suggest_spouse(actor: HasRole, resident_id: int) -> PersonRef | None:
    """The resident's spouse as the household shows it, or None when it does not say."""
    person = Resident.get_or_none(Resident.id == resident_id)
    if person is None or not person.__data__.get("household"):
        return None
    mates = list(
        Resident.select()
        .where(
            (Resident.household == person.__data__["household"])
            & (Resident.id != person.id)
            & (Resident.status == "current")
        )
        .order_by(Resident.id)
    )
    opposite = [m for m in mates if m.sex != person.sex]
    if person.relation in HEAD:
        match = [m for m in opposite if m.relation in HEAD_SPOUSE]
    elif person.relation in HEAD_SPOUSE:
        match = [m for m in opposite if m.relation in HEAD]
    elif person.relation in CHILD_IN_LAW:
        # 儿媳 → a son, 女婿 → a daughter: the married one, or the only grown one.
        kin = SONS if person.relation == "38" else DAUGHTERS
        grown = [
            m
            for m in opposite
            if m.relation in kin
            and m.relation not in ADOPTED_OR_STEP
            and m.birth_date
            and person.birth_date
            and abs((m.birth_date - person.birth_date).days) < 365 * 15
        ]
        married = [m for m in grown if m.marital_status == "20"]
        match = married if married else grown
    elif person.relation in CHILDREN_OF_HEAD:
        in_law = "38" if person.sex == "1" else "28"
        match = [m for m in opposite if m.relation == in_law]
    else:
        match = []
    return get_person(match[0].id) if len(match) == 1 else None


@dataclass(frozen=True)
class ChildSuggestion:
    resident_id: int | None
    name: str
    sex: str
    birth_date: dt.date | None
    origin: str  # common / earlier / adopted (see models.casework.entities.CHILD_ORIGINS)
    deceased: bool
    note: str


@service(Perm.CASEWORK_VIEW, write=False)
def suggest_children(
    actor: HasRole,
    mother_id: int | None,
    father_id: int | None,
    exclude_child_id: int | None = None,
    born_before: dt.date | None = None,
) -> list[ChildSuggestion]:
    """The couple's existing children as the register shows them, with how each counts.

    Children moved out still count; deceased ones are listed (they do not count). Children
    born on or after *born_before* (the child being registered) are left out.
    """
    parents = [
        r
        for r in Resident.select().where(Resident.id.in_([i for i in (mother_id, father_id) if i]))
    ]
    found: dict[int, ChildSuggestion] = {}
    seen_households: set[int] = set()
    couple_in_one_household = len(parents) == 2 and parents[0].__data__.get("household") == parents[
        1
    ].__data__.get("household")
    for parent in parents:
        household_id = parent.__data__.get("household")
        if not household_id or household_id in seen_households:
            continue
        seen_households.add(household_id)
        if parent.relation in HEAD + HEAD_SPOUSE:
            codes: tuple[str, ...] = CHILDREN_OF_HEAD
            note = ""
        elif parent.relation in CHILDREN_OF_HEAD + CHILD_IN_LAW:
            codes = GRANDCHILDREN
            note = "同户孙辈，请核实父母"
        else:
            continue
        query = (
            Resident.select()
            .where((Resident.household == household_id) & Resident.relation.in_(codes))
            .order_by(Resident.birth_date, Resident.id)
        )
        for child in query:
            if child.id in (exclude_child_id, mother_id, father_id):
                continue
            if born_before and child.birth_date and child.birth_date >= born_before:
                continue
            if (
                parent.birth_date
                and child.birth_date
                and child.birth_date < parent.birth_date + dt.timedelta(days=365 * 14)
            ):
                continue  # the parent's sibling, not the parent's child
            origin = "common"
            child_note = note
            if child.relation in ADOPTED_OR_STEP:
                origin = "adopted"
                child_note = "户籍登记为养子女或继子女"
            elif not couple_in_one_household:
                child_note = (
                    child_note + "；" if child_note else ""
                ) + "夫妻不同户，请核实是否共同生育"
            if child.status == "moved_out":
                child_note = (child_note + "；" if child_note else "") + "已迁出（仍计入）"
            found[child.id] = ChildSuggestion(
                child.id,
                child.name,
                child.sex,
                child.birth_date,
                origin,
                child.status == "deceased",
                child_note,
            )
    return sorted(found.values(), key=lambda c: (c.birth_date or dt.date.max, c.name))


def parents_in_household(
    child: Resident, members: list[Resident]
) -> tuple[Resident | None, Resident | None]:
    """Mother and father of *child* among its household's *members*, as the relations show them."""
    if child.relation in CHILDREN_OF_HEAD:
        pair = [m for m in members if m.relation in HEAD + HEAD_SPOUSE]
    elif child.relation in GRANDCHILDREN:
        pair = [m for m in members if m.relation in CHILD_IN_LAW]
        if len(pair) == 1:
            kin = SONS if pair[0].relation == "38" else DAUGHTERS
            pair += [m for m in members if m.relation in kin and m.marital_status == "20"][:1]
        else:
            pair = []  # several married children in one household: the register cannot tell
    else:
        pair = []
    mother = next((m for m in pair if m.sex == "2"), None)
    father = next((m for m in pair if m.sex == "1"), None)
    return mother, father


@service(Perm.CASEWORK_VIEW, write=False)
def suggest_parents(actor: HasRole, child_id: int) -> tuple[PersonRef | None, PersonRef | None]:
    """The child's mother and father as the household shows them (None where it does not say)."""
    child = Resident.get_or_none(Resident.id == child_id)
    if child is None or not child.__data__.get("household"):
        return None, None
    members = list(
        Resident.select().where(
            (Resident.household == child.__data__["household"]) & (Resident.status == "current")
        )
    )
    mother, father = parents_in_household(child, members)
    return (get_person(mother.id) if mother else None, get_person(father.id) if father else None)
