"""A small register of known families for the casework tests (imported by test_casework_*)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from models.core import idcard
from models.core.entities import Compound, Household, Resident
from models.core.pinyin import keys

REGION = "610627"


@dataclass
class Family:
    household: Household
    father: Resident
    mother: Resident
    daughter: Resident  # 长女, born 2020: counts
    adopted: Resident  # 养子: does not count
    deceased: Resident  # 次女, deceased: does not count
    baby: Resident  # 三女... the child being registered, born 2026-06-20
    toddler_2023: Resident  # a neighbour's child born 2023-12-15 (subsidy example)


_seq = [100]


def person(
    household: Household | None,
    name: str,
    sex: str,
    birth: dt.date,
    relation: str,
    status: str = "current",
    marital: str = "",
    category: str = "1",
) -> Resident:
    _seq[0] += 2
    number = idcard.make(REGION, birth, _seq[0] + (1 if sex == "1" else 0))
    full, initials = keys(name)
    return Resident.create(
        household=household,
        name=name,
        sex=sex,
        birth_date=birth,
        id_number=number,
        relation=relation,
        status=status,
        marital_status=marital,
        category=category,
        pinyin=full,
        pinyin_initials=initials,
    )


def make_family() -> Family:
    compound = Compound.create(name="南关小区", lead_unit="县卫健局")
    home = Household.create(
        household_no="0100001", compound=compound, building="3号楼", unit="2单元", room="501"
    )
    father = person(home, "张建伟", "1", dt.date(1990, 3, 2), "02", marital="20")
    mother = person(home, "李秀娟", "2", dt.date(1992, 7, 9), "12", marital="20")
    daughter = person(home, "张雨桐", "2", dt.date(2020, 5, 1), "32")
    adopted = person(home, "张子豪", "1", dt.date(2018, 1, 20), "27")
    deceased = person(home, "张雨欣", "2", dt.date(2022, 9, 9), "33", status="deceased")
    baby = person(home, "张雨萱", "2", dt.date(2026, 6, 20), "34")
    other = Household.create(
        household_no="0100002", compound=compound, building="5号楼", unit="1单元", room="202"
    )
    person(other, "王强", "1", dt.date(1991, 1, 1), "02", marital="20")
    person(other, "赵敏", "2", dt.date(1993, 2, 2), "12", marital="20")
    toddler = person(other, "王子轩", "1", dt.date(2023, 12, 15), "22")
    return Family(home, father, mother, daughter, adopted, deceased, baby, toddler)


@pytest.fixture
def family(db):
    return make_family()
