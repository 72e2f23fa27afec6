"""A small, fully known household for the registry tests (built through the services)."""

from __future__ import annotations

import datetime as dt

from models.core import idcard
from models.registry import compounds, households, residents
from models.registry.households import AddressInput
from models.registry.residents import ResidentData

DAY = dt.date(2026, 11, 2)


def person(name, sex, born, relation, seq):
    number = idcard.make("610627", born, seq * 2 + (1 if sex == "1" else 0))
    return ResidentData(name=name, id_number=number, sex=sex, birth_date=born, relation=relation)


def make_family(admin):
    """王建国's household: him, his wife, a son with his wife and child, a daughter."""
    compound = compounds.create_compound(admin, "南关小区", "县供电公司")
    house = households.create_household(admin, AddressInput(compound.id, "3号楼", "2单元", "301"))
    people = {}
    for name, sex, born, rel, seq in [
        ("王建国", "1", dt.date(1958, 3, 2), "02", 1),
        ("李秀兰", "2", dt.date(1960, 5, 9), "12", 2),
        ("王磊", "1", dt.date(1984, 1, 5), "22", 3),
        ("张敏", "2", dt.date(1986, 7, 1), "38", 4),
        ("王子涵", "1", dt.date(2012, 9, 9), "41", 5),
        ("王芳", "2", dt.date(1990, 2, 2), "32", 6),
    ]:
        people[name] = residents.create_resident(
            admin, house.id, person(name, sex, born, rel, seq)
        ).id
    return compound, house, people


def heads(household_id):
    return [m.name for m in households.current_members(household_id) if m.relation == "02"]
