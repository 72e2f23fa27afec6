"""Life events for the demo community: the twelve months before its date, true to the register.

Declared in models.registry.area. Births are the children already in the register who
were born in the window; moves in are the residents who arrived in it; deaths and moves out
are drawn from the others and set their status (a head who dies hands over to the spouse or
the eldest member; a household whose members all left is closed). So a monthly balance
holds: closing = opening + births - deaths + moved in - moved out.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from models.core.entities import Household, LifeEvent, Resident, now
from models.registry.households import CHANGE_HEAD, CLOSE, other_relation
from models.registry.residents import HEAD

WINDOW_DAYS = 365
DEATH_RATE = 0.0062  # per person per year, about the national crude death rate
MOVE_OUT_PEOPLE = 0.008  # young adults leaving for work or study
MOVE_OUT_HOUSEHOLDS = 0.006
DESTINATIONS = [
    "陕西省西安市雁塔区",
    "陕西省西安市未央区",
    "陕西省延安市宝塔区",
    "陕西省榆林市榆阳区",
    "陕西省咸阳市秦都区",
    "北京市朝阳区",
    "宁夏回族自治区银川市",
    "甘肃省庆阳市",
    "山西省太原市",
    "内蒙古自治区鄂尔多斯市",
]
OUT_REASONS = ["外出务工", "求学", "购房迁居", "投靠子女", "工作调动"]
DEATH_REASONS = ["病故", "病故", "病故", "自然死亡", "意外"]


@dataclass
class _P:
    id: int
    household: int
    relation: str
    sex: str
    birth: dt.date | None
    arrived: dt.date | None
    hukou: str
    category: str
    name: str
    status: str = "current"
    stored_relation: str = ""


def add_life_events(rng: random.Random, as_of: dt.date, username: str) -> None:
    start = as_of - dt.timedelta(days=WINDOW_DAYS - 1)  # the window is start..as_of
    stamp = now()
    houses = {h.id: h.household_no for h in Household.select(Household.id, Household.household_no)}
    people: dict[int, _P] = {}
    members: dict[int, list[_P]] = defaultdict(list)
    for r in Resident.select(
        Resident.id,
        Resident.household,
        Resident.relation,
        Resident.sex,
        Resident.birth_date,
        Resident.arrived_on,
        Resident.hukou_address,
        Resident.category,
        Resident.name,
    ).order_by(Resident.id):
        p = _P(
            r.id,
            r.__data__["household"],
            r.relation,
            r.sex,
            r.birth_date,
            r.arrived_on,
            r.hukou_address,
            r.category,
            r.name,
            stored_relation=r.relation,
        )
        people[p.id] = p
        members[p.household].append(p)
    events: list[dict] = []
    busy: dict[int, dt.date] = {}  # each person's latest event: later ones come after it

    def event(
        kind: str,
        day: dt.date,
        p: _P | None,
        household: int,
        reason: str = "",
        from_value: str = "",
        to_value: str = "",
    ) -> None:
        if p is not None:
            busy[p.id] = max(day, busy.get(p.id, day))
        events.append(
            {
                "resident": p.id if p else None,
                "household": household,
                "kind": kind,
                "event_date": day,
                "reason": reason,
                "from_value": from_value,
                "to_value": to_value,
                "voided": False,
                "username": username,
                "created_at": stamp,
            }
        )

    # Entries: born here in the window, or arrived in it (whichever came later).
    entered: set[int] = set()
    for p in people.values():
        number = houses[p.household]
        born_here = p.birth and p.birth >= start and (p.arrived is None or p.arrived <= p.birth)
        if born_here and p.birth:
            event("birth", p.birth, p, p.household, "出生登记", to_value=number)
            entered.add(p.id)
        elif p.arrived and start <= p.arrived <= as_of:
            event(
                "move_in",
                p.arrived,
                p,
                p.household,
                "迁入登记",
                from_value=p.hukou.replace("（原籍）", ""),
                to_value=number,
            )
            entered.add(p.id)
        if p.arrived and p.arrived != p.birth:
            settled = p.arrived + dt.timedelta(days=183)  # 流动 → 常住 after six months here
            if start <= settled <= as_of and p.category == "2":
                event(
                    "category_change",
                    settled,
                    p,
                    p.household,
                    "居住满半年",
                    from_value="4",
                    to_value="2",
                )

    def leaves(p: _P, kind: str, day: dt.date, reason: str, to_value: str = "") -> None:
        p.status = "deceased" if kind == "death" else "moved_out"
        event(kind, day, p, p.household, reason, from_value=houses[p.household], to_value=to_value)
        stay = [m for m in members[p.household] if m.status == "current"]
        if not stay:
            event(
                "household_change",
                day,
                p,
                p.household,
                f"{CLOSE}：户内已无在册人员",
                from_value=houses[p.household],
            )
            closed.add(p.household)
        elif p.relation == HEAD:
            _hand_over(p, stay, day, event, houses)

    closed: set[int] = set()
    candidates = [p for p in people.values() if p.id not in entered]
    # Deaths, weighted towards the old.
    weights = [_death_weight(p, as_of) for p in candidates]
    n_deaths = round(len(people) * DEATH_RATE)
    for p in _draw(rng, candidates, weights, n_deaths):
        day = _day_in(rng, max(start, p.birth or start, busy.get(p.id, start)), as_of)
        leaves(p, "death", day, rng.choice(DEATH_REASONS))
    # Whole households move away.
    house_ids = [
        h
        for h, ms in members.items()
        if all(m.status == "current" and m.id not in entered for m in ms)
    ]
    for h in rng.sample(house_ids, min(len(house_ids), round(len(houses) * MOVE_OUT_HOUSEHOLDS))):
        day = _day_in(rng, max([start] + [busy.get(m.id, start) for m in members[h]]), as_of)
        place, why = rng.choice(DESTINATIONS), rng.choice(OUT_REASONS[2:])
        for m in sorted(members[h], key=lambda m: m.relation != HEAD):
            leaves(m, "move_out", day, why, place)
    # Young adults leave on their own (never the head, so no hand-over needed).
    young = [
        p
        for p in candidates
        if p.status == "current"
        and p.relation != HEAD
        and p.birth
        and 18 <= _age(p.birth, as_of) <= 32
    ]
    for p in rng.sample(young, min(len(young), round(len(people) * MOVE_OUT_PEOPLE))):
        leaves(
            p,
            "move_out",
            _day_in(rng, busy.get(p.id, start), as_of),
            rng.choice(OUT_REASONS[:2]),
            rng.choice(DESTINATIONS),
        )

    for status in ("deceased", "moved_out"):
        ids = [p.id for p in people.values() if p.status == status]
        for i in range(0, len(ids), 500):
            Resident.update(status=status).where(Resident.id.in_(ids[i : i + 500])).execute()
    for p in people.values():
        if p.relation != p.stored_relation:
            Resident.update(relation=p.relation).where(Resident.id == p.id).execute()
    if closed:
        Household.update(archived=True).where(Household.id.in_(list(closed))).execute()
    events.sort(key=lambda e: (e["event_date"], e["kind"]))
    for i in range(0, len(events), 500):
        LifeEvent.insert_many(events[i : i + 500]).execute()


def _hand_over(
    old: _P,
    stay: list[_P],
    day: dt.date,
    event: Callable[..., None],
    houses: dict[int, str],
) -> None:
    """The spouse, or else the eldest adult who stays, heads the household."""
    spouse = [m for m in stay if m.relation in ("10", "11", "12")]
    adults = sorted((m for m in stay if m.birth), key=lambda m: m.birth or dt.date.max)
    new = (spouse or adults or stay)[0]
    new_rel, new_sex = new.relation, new.sex
    for m in stay:
        if m is not new:
            m.relation = other_relation(new_rel, new_sex, m.relation, m.sex)
    new.relation = HEAD
    number = houses[old.household]
    event(
        "household_change",
        day,
        new,
        old.household,
        f"{CHANGE_HEAD}：原户主{old.name}不再在册",
        from_value=number,
        to_value=number,
    )


def _death_weight(p: _P, as_of: dt.date) -> float:
    if p.birth is None:
        return 0.0
    age = _age(p.birth, as_of)
    if age < 40:
        return 0.02
    return 0.2 * 1.1 ** (age - 40)


def _draw(rng: random.Random, items: list[_P], weights: list[float], n: int) -> list[_P]:
    """n distinct items, each drawn with probability proportional to its weight."""
    keyed = sorted(
        ((rng.random() ** (1 / w), i) for i, w in enumerate(weights) if w > 0), reverse=True
    )
    return [items[i] for _, i in keyed[:n]]


def _day_in(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    span = max(0, (last - first).days)
    return first + dt.timedelta(days=rng.randint(0, span))


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
