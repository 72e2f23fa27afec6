import datetime as dt
from collections import Counter

import pytest

from models import demo
from models.core import idcard
from models.core.db import close_database
from models.core.entities import Compound, Household, Resident, ResidentTag
from models.migrations import open_database
from tests.conftest import AS_OF


def _fingerprint():
    return [
        (r.name, r.id_number, r.sex, r.birth_date, r.relation, r.category, r.household.household_no)
        for r in Resident.select(Resident, Household).join(Household).order_by(Resident.id)
    ]


def test_same_seed_gives_the_same_community(tmp_path):
    prints = []
    for name in ("a", "b"):
        open_database(tmp_path / f"{name}.sqlite3")
        demo.generate(households=120, seed=42, as_of=AS_OF)
        prints.append(_fingerprint())
        close_database()
    assert prints[0] == prints[1] and len(prints[0]) > 300
    open_database(tmp_path / "c.sqlite3")
    demo.generate(households=120, seed=43, as_of=AS_OF)
    assert _fingerprint() != prints[0]
    close_database()


def test_seed_proportions_at_scale(db):
    summary = demo.generate(households=1311, seed=3, as_of=AS_OF)  # a fifth of the seed
    kinds = Counter(h.household_type for h in Household.select())
    # 1311 × 594/6554 ≈ 118.8 farming, 1311 × 4182/6554 ≈ 836.5 town, the rest floating.
    assert kinds == {"1": 119, "2": 837, "3": 355}
    assert summary.residents == Resident.select().count()
    # 23,391 / 6,554 people per household, within rounding.
    assert abs(summary.residents / summary.households - 23391 / 6554) < 0.01
    assert Compound.select().count() == 12
    assert all(c.lead_unit for c in Compound.select())


def test_demo_people_are_valid_and_households_have_one_head(demo_small):
    residents = list(Resident.select())
    for person in residents:
        result = idcard.check(person.id_number, today=AS_OF)
        assert result.ok, (person.name, result.message)
        assert result.birth_date == person.birth_date and result.sex == person.sex
        assert person.pinyin_initials and len(person.pinyin_initials) == len(person.name)
        assert person.id_number[:2] in {"61", "14", "62", "41", "51", "64", "15", "13"}
    heads = Counter(p.household_id for p in residents if p.relation == "02")
    assert set(heads.values()) == {1} and len(heads) == Household.select().count()
    categories = Counter(p.category for p in residents)
    assert categories["1"] > categories["4"] > 0
    assert ResidentTag.select().count() > 0


def test_demo_refuses_a_register_that_is_not_empty(demo_small):
    with pytest.raises(demo.DemoError, match="空的数据库"):
        demo.generate(households=5, as_of=dt.date(2026, 1, 1))
