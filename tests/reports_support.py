"""Life events for the report tests: a month of births, deaths and moves, recorded the way
the registry records them (the person's status changes and a dated LifeEvent says when).

Written directly to the tables so that the report tests do not depend on the registry's
services; every change mirrors one event, so the register balances unless a test breaks it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from models.core import idcard
from models.core.entities import Household, LifeEvent, Resident
from models.monthly.stats import Month


@dataclass
class Recorded:
    births: dict[int, int] = field(default_factory=dict)  # compound id → count
    deaths: dict[int, int] = field(default_factory=dict)
    moved_in: dict[int, int] = field(default_factory=dict)
    moved_out: dict[int, int] = field(default_factory=dict)
    transfers: list[tuple[int, int]] = field(default_factory=list)  # (from, to) compound ids

    def total(self, name: str) -> int:
        return sum(getattr(self, name).values())


def _bump(counter: dict[int, int], key: int) -> None:
    counter[key] = counter.get(key, 0) + 1


def _day(rng: random.Random, month: Month) -> dt.date:
    return month.first + dt.timedelta(days=rng.randrange((month.last - month.first).days + 1))


def _current(rng: random.Random, count: int, exclude: set[int]) -> list[Resident]:
    people = [
        r
        for r in Resident.select().where(Resident.status == "current")
        if r.id not in exclude and r.household_id is not None
    ]
    return rng.sample(people, count)


def record_month(
    month: Month,
    seed: int = 1,
    births: int = 3,
    deaths: int = 2,
    moved_in: int = 2,
    moved_out: int = 2,
    transfers: int = 1,
) -> Recorded:
    rng = random.Random(seed)
    done = Recorded()
    households = list(Household.select().where(Household.archived == False))  # noqa: E712
    touched: set[int] = set()
    for i in range(births + moved_in):
        household = rng.choice(households)
        day = _day(rng, month)
        kind = "birth" if i < births else "move_in"
        birth = (
            day if kind == "birth" else dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        )
        sex = rng.choice("12")
        person = Resident.create(
            household=household,
            name=f"新{kind}{seed}{i}",
            sex=sex,
            birth_date=birth,
            id_number=idcard.make("610627", birth, rng.randrange(500) * 2 + (sex == "1")),
            relation="99",
            category="4" if kind == "move_in" else "1",
        )
        LifeEvent.create(
            resident=person,
            household=household,
            kind=kind,
            event_date=day,
            reason="测试",
            username="clerk",
        )
        touched.add(person.id)
        _bump(done.births if kind == "birth" else done.moved_in, household.compound_id)
    for i, person in enumerate(_current(rng, deaths + moved_out, touched)):
        kind = "death" if i < deaths else "move_out"
        person.status = "deceased" if kind == "death" else "moved_out"
        person.save()
        LifeEvent.create(
            resident=person,
            household=person.household,
            kind=kind,
            event_date=_day(rng, month),
            reason="测试",
            username="clerk",
        )
        touched.add(person.id)
        _bump(done.deaths if kind == "death" else done.moved_out, person.household.compound_id)
    for person in _current(rng, transfers, touched):
        old = person.household
        new = rng.choice([h for h in households if h.compound_id != old.compound_id])
        person.household = new
        person.save()
        LifeEvent.create(
            resident=person,
            household=new,
            kind="household_change",
            event_date=_day(rng, month),
            from_value=old.household_no,
            to_value=new.household_no,
            reason="测试",
            username="clerk",
        )
        done.transfers.append((old.compound_id, new.compound_id))
    return done
