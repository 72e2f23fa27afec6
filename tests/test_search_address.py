"""Registry search precision in addresses: building, unit and door numbers match whole numbers
("3号楼" is not 13号楼 or 23号楼, "2单元" is not 12单元, "302" is not 1302), while names, ID digits,
phones and household numbers stay substring matches. Every case is checked on both query shapes
(index-driven and row-by-row scan) and against count()."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from models.core import idcard
from models.core.entities import Household, Resident
from models.registry import compounds, households, residents, search
from models.registry.households import AddressInput
from models.registry.residents import ResidentData
from models.registry.search import ResidentFilter
from tests.conftest import AS_OF

EVERYONE = ResidentFilter(status=None)


@pytest.fixture(params=["driven", "scan"])
def query_shape(request, monkeypatch):
    """Run a test once with the candidate probes and once with the plain scan."""
    if request.param == "scan":
        monkeypatch.setattr(search, "PROBE_LIMIT", -1)  # no candidate list is ever small enough
    search.clear_cache()
    return request.param


def _found(text: str) -> set[int]:
    rows = search.search(text, EVERYONE, limit=100000)
    ids = {r.id for r in rows}
    assert len(ids) == len(rows), text
    assert search.count(text, EVERYONE) == len(ids), text
    return ids


# (name, compound, building, unit, room, phone); each person heads their own household.
PEOPLE = [
    ("张建华", "南关小区", "3号楼", "2单元", "302", ""),
    ("李国强", "南关小区", "13号楼", "2单元", "302", ""),
    ("王丽娟", "南关小区", "23号楼", "12单元", "302", ""),
    ("赵志刚", "南关小区", "3号楼", "12单元", "1302", ""),
    ("钱玉梅", "北关新村", "3号楼", "2单元", "301", ""),
    ("孙德明", "南关小区", "3", "2", "302", ""),  # imported without 号楼/单元
    ("周海燕", "南关小区", "3A座", "", "101", ""),
    ("吴建军", "南关小区", "13A座", "", "101", ""),
    ("郑秀芳", "北关新村", "13号楼", "1单元", "101", "13029995511"),  # "302" in the phone
]


@pytest.fixture
def street(admin):
    """Households in 3号楼, 13号楼 and 23号楼 of two compounds; name -> resident id."""
    compound_ids = {
        name: compounds.create_compound(admin, name).id for name in ("南关小区", "北关新村")
    }
    ids = {}
    for seq, (name, compound, building, unit, room, phone) in enumerate(PEOPLE):
        house = households.create_household(
            admin, AddressInput(compound_ids[compound], building, unit, room)
        )
        number = idcard.make("610627", dt.date(1971, 1, 15) + dt.timedelta(days=40 * seq), seq + 11)
        data = ResidentData(
            name=name, id_number=number, sex="1", birth_date=None, relation="02", phone=phone
        )
        ids[name] = residents.create_resident(admin, house.id, data).id
    # No ID or household number holds the digits the tests below look for.
    for person in Resident.select():
        assert not re.search(r"302|9995", person.id_number), person.id_number
    for house in Household.select():
        assert not re.search(r"302|9995", house.household_no), house.household_no
    return ids


def _names(street, text):
    by_id = {v: k for k, v in street.items()}
    return {by_id[i] for i in _found(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3号楼", {"张建华", "赵志刚", "钱玉梅"}),
        ("３号楼", {"张建华", "赵志刚", "钱玉梅"}),  # full-width digit
        ("3号", {"张建华", "赵志刚", "钱玉梅"}),  # two characters: not the trigram index
        ("2单", {"张建华", "李国强", "钱玉梅"}),
        ("13号楼", {"李国强", "郑秀芳"}),
        ("23号楼", {"王丽娟"}),
        ("2单元", {"张建华", "李国强", "钱玉梅"}),
        ("12单元", {"王丽娟", "赵志刚"}),
        ("3号楼2单元", {"张建华", "钱玉梅"}),
        ("13号楼2单元", {"李国强"}),
        ("南关 3号楼", {"张建华", "赵志刚"}),
        ("南关小区3号楼", {"张建华", "赵志刚"}),
        ("南关 3号楼 2单元", {"张建华"}),
        ("3号楼 2单元", {"张建华", "钱玉梅"}),
        ("3号楼2单元302", {"张建华"}),
        ("2单元302", {"张建华", "李国强"}),
        # Door numbers: whole at the start; the end stays open while the clerk types.
        ("302", {"张建华", "李国强", "王丽娟", "孙德明", "郑秀芳"}),  # 郑秀芳: phone 13029995511
        ("1302", {"赵志刚", "郑秀芳"}),
        ("南关 302", {"张建华", "李国强", "王丽娟", "孙德明"}),
        ("3号楼2单元30", {"张建华", "钱玉梅"}),
        # ASCII letters in a building: case does not matter, the number is still whole.
        ("3a座", {"周海燕"}),
        ("3A座", {"周海燕"}),
        ("13a座", {"吴建军"}),
        # A part that does not start with a digit is a plain substring.
        ("号楼2单元", {"张建华", "李国强", "钱玉梅"}),
        ("北关", {"钱玉梅", "郑秀芳"}),
    ],
)
def test_address_numbers_are_whole(street, query_shape, text, expected):
    assert _names(street, text) == expected


def test_ids_phones_and_household_numbers_stay_substrings(street, query_shape):
    zhao = Resident.get_by_id(street["赵志刚"])
    assert _names(street, zhao.id_number[-5:-1]) == {"赵志刚"}  # inner ID digits
    assert _names(street, "9995") == {"郑秀芳"}  # middle of a phone number
    house = Household.get_by_id(zhao.household_id)
    assert street["赵志刚"] in _found(house.household_no[1:])  # household number, not its start


def test_index_follows_an_address_change(street, admin, query_shape):
    house = Household.get_by_id(Resident.get_by_id(street["李国强"]).household_id)
    households.update_household(
        admin, house.id, AddressInput(house.compound_id, "3号楼", "2单元", "302")
    )
    search.clear_cache()
    assert _names(street, "3号楼2单元") == {"张建华", "李国强", "钱玉梅"}
    assert _names(street, "13号楼") == {"郑秀芳"}


@pytest.fixture
def register(load_demo):
    """A demo community big enough to have residents in every building; what each one holds."""
    load_demo(households=400, seed=11, as_of=AS_OF)
    rows = {}
    for r in Resident.select().where(Resident.household.is_null(False)):
        h = r.household
        rows[r.id] = {
            "compound": h.compound.name,
            "building": h.building,
            "unit": h.unit,
            "room": h.room,
            "digits": f"{r.id_number or ''}|{r.phone.replace('-', '').replace(' ', '')}"
            f"|{h.household_no}",
        }
    return rows


def _where(rows, **want) -> set[int]:
    return {rid for rid, r in rows.items() if all(r[k] == v for k, v in want.items())}


def test_demo_register_buildings_units_and_rooms(register, query_shape):
    rows = register
    in_3, in_13, in_23 = (_where(rows, building=b) for b in ("3号楼", "13号楼", "23号楼"))
    assert in_3 and in_13  # the demo has both, so the test can tell them apart
    assert _found("3号楼") == in_3
    assert _found("13号楼") == in_13
    assert _found("23号楼") == in_23
    assert _found("2单元") == _where(rows, unit="2单元")
    assert _found("3号楼2单元") == _where(rows, building="3号楼", unit="2单元")
    nanguan = {rid for rid, r in rows.items() if "南关" in r["compound"]}
    assert nanguan & in_3 and nanguan - in_3
    assert _found("南关 3号楼") == nanguan & in_3
    door = _where(rows, room="302")
    assert door
    by_digits = {rid for rid, r in rows.items() if "302" in r["digits"]}
    assert _found("302") == door | by_digits
    assert _found("南关 302") == nanguan & (door | by_digits)
    assert _found("3号楼2单元302") == _where(rows, building="3号楼", unit="2单元", room="302")
