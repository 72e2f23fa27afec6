"""Finding residents: one text box over name, pinyin, ID digits, phone, household and address.

The signature of search() is what the tabs and pickers rely on; how it finds is free to change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import peewee as pw

from models import idcard
from models.entities import Compound, Household, Resident


@dataclass(frozen=True)
class ResidentFilter:
    compound_id: int | None = None
    category: str | None = None
    status: str | None = "current"  # None: any status
    sex: str | None = None
    tag: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    as_of: dt.date | None = None


@dataclass(frozen=True)
class ResidentRow:
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
    household_id: int | None
    household_no: str
    compound: str
    address: str = field(default="")


def _text_condition(text: str) -> pw.Expression | None:
    text = text.strip()
    if not text:
        return None
    lower = text.lower()
    conditions = [Resident.name.contains(text), Household.household_no.startswith(text)]
    if lower.isascii() and lower.isalpha():
        conditions += [Resident.pinyin_initials.startswith(lower), Resident.pinyin.startswith(lower)]
    normalized = idcard.normalize(text)
    if normalized and all(c.isdigit() or c == "X" for c in normalized):
        conditions += [Resident.id_number.contains(normalized), Resident.phone.contains(normalized)]
    else:
        conditions += [
            Household.building.contains(text),
            Household.room.contains(text),
            Compound.name.contains(text),
        ]
    expr = conditions[0]
    for cond in conditions[1:]:
        expr = expr | cond
    return expr


def _query(text: str, flt: ResidentFilter) -> pw.ModelSelect[Resident]:
    query = (
        Resident.select(Resident, Household, Compound)
        .join(Household, pw.JOIN.LEFT_OUTER)
        .join(Compound, pw.JOIN.LEFT_OUTER)
    )
    cond = _text_condition(text)
    if cond is not None:
        query = query.where(cond)
    if flt.status:
        query = query.where(Resident.status == flt.status)
    if flt.compound_id:
        query = query.where(Household.compound == flt.compound_id)
    if flt.category:
        query = query.where(Resident.category == flt.category)
    if flt.sex:
        query = query.where(Resident.sex == flt.sex)
    today = flt.as_of or dt.date.today()
    if flt.min_age is not None:
        query = query.where(Resident.birth_date <= _years_before(today, flt.min_age))
    if flt.max_age is not None:
        query = query.where(Resident.birth_date > _years_before(today, flt.max_age + 1))
    if flt.tag:
        from models.entities import ResidentTag

        tagged = ResidentTag.select(ResidentTag.resident).where(
            (ResidentTag.tag == flt.tag) & ResidentTag.end_date.is_null()
        )
        query = query.where(Resident.id.in_(tagged))
    return query


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def search(
    text: str = "",
    flt: ResidentFilter | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[ResidentRow]:
    """Residents matching *text* and *flt*, ordered by household then relation, one page."""
    flt = flt or ResidentFilter()
    query = _query(text, flt).order_by(Household.household_no, Resident.relation, Resident.id)
    return [_row(r) for r in query.limit(limit).offset(offset)]


def count(text: str = "", flt: ResidentFilter | None = None) -> int:
    return _query(text, flt or ResidentFilter()).count()


def _row(r: Resident) -> ResidentRow:
    household_id = r.__data__.get("household")
    household = r.household if household_id else None
    compound = household.compound.name if household else ""
    address = ""
    if household:
        address = f"{compound}{household.building}{household.unit}{household.room}"
    return ResidentRow(
        id=r.id,
        name=r.name,
        sex=r.sex,
        birth_date=r.birth_date,
        id_number=r.id_number,
        masked_id=idcard.mask(r.id_number),
        relation=r.relation,
        category=r.category,
        status=r.status,
        phone=r.phone,
        household_id=household_id,
        household_no=household.household_no if household else "",
        compound=compound,
        address=address,
    )
