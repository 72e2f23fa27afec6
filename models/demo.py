"""The demo community: a seeded, realistic committee area built the way the seed describes one.

The seed's street office: 6,554 households and 23,391 people in 12 compounds: 594 farming
households (2,507 people), 4,182 town households (15,307), 1,778 floating households (5,577).
The same seed and date give the same community; tests use it at a small size.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from models.areas import AREAS
from models.core import audit, clock, idcard
from models.core.db import as_dict, database
from models.core.entities import Compound, Household, Resident, ResidentTag
from models.core.errors import UserFacingError
from models.core.pinyin import keys as pinyin_keys
from models.registry.names import (
    COMPOUNDS,
    FEMALE_CHARS,
    LOCAL_REGIONS,
    MALE_CHARS,
    OLD_FEMALE_FIRST,
    OLD_MALE_FIRST,
    ORIGIN_NAMES,
    OTHER_REGIONS,
    SHAANXI_REGIONS,
    SURNAMES,
    WORK_UNITS,
)

SEED_HOUSEHOLDS = 6554
# (household_type code, share of households, mean size) from the seed's figures.
HOUSEHOLD_MIX = [
    ("1", 594 / 6554, 2507 / 594),
    ("2", 4182 / 6554, 15307 / 4182),
    ("3", 1778 / 6554, 5577 / 1778),
]

Progress = Callable[[int, int], bool]  # (done, total) → False to cancel


class DemoError(UserFacingError):
    pass


@dataclass
class DemoSummary:
    compounds: int
    households: int
    residents: int


@dataclass
class _Person:
    name: str
    sex: str
    birth: dt.date
    relation: str
    surname: str


class _Generator:
    def __init__(self, seed: int, as_of: dt.date) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.used_ids: set[str] = set()
        self._surnames = [s for s, _ in SURNAMES]
        self._weights = [w for _, w in SURNAMES]

    # -- people -----------------------------------------------------------------------
    def surname(self) -> str:
        return self.rng.choices(self._surnames, self._weights)[0]

    def given(self, sex: str, birth_year: int) -> str:
        rng = self.rng
        chars = MALE_CHARS if sex == "1" else FEMALE_CHARS
        if birth_year < 1970 and rng.random() < 0.6:
            first = OLD_MALE_FIRST if sex == "1" else OLD_FEMALE_FIRST
            return rng.choice(first) + rng.choice(chars)
        if rng.random() < 0.3:
            return rng.choice(chars)
        return rng.choice(chars) + rng.choice(chars)

    def birth(self, age: int) -> dt.date:
        year = self.as_of.year - age
        day = self.rng.randrange(365)
        birth = dt.date(year, 1, 1) + dt.timedelta(days=day)
        return min(birth, self.as_of - dt.timedelta(days=1))

    def id_number(self, region: str, birth: dt.date, sex: str) -> str:
        for _ in range(2000):
            seq = self.rng.randrange(1000)
            # The 17th digit (last of the sequence) is odd for men, even for women.
            if (seq % 2 == 1) != (sex == "1"):
                seq = (seq + 1) % 1000
            number = idcard.make(region, birth, seq)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number
        raise DemoError("could not draw a unique ID number")

    def household_people(self, size: int) -> list[_Person]:
        rng = self.rng
        head_age = rng.choices(
            [rng.randint(24, 34), rng.randint(35, 49), rng.randint(50, 64), rng.randint(65, 88)],
            [18, 34, 30, 18],
        )[0]
        head_sex = "1" if rng.random() < 0.78 else "2"
        surname = self.surname()
        people = [self._person(surname, head_sex, head_age, "02")]
        if size == 1:
            return people
        spouse_age = max(20, head_age + rng.randint(-5, 3) * (1 if head_sex == "1" else -1))
        spouse_sex = "2" if head_sex == "1" else "1"
        father_surname = surname
        if rng.random() < 0.9:
            spouse = self._person(
                self.surname(), spouse_sex, spouse_age, "12" if head_sex == "1" else "11"
            )
            people.append(spouse)
            if head_sex == "2":
                father_surname = spouse.surname
        child_no = {"1": 0, "2": 0}
        while len(people) < size:
            room_for_child = head_age - 20
            roll = rng.random()
            if room_for_child > 0 and (roll < 0.75 or head_age < 40):
                age = rng.randint(max(0, head_age - 40), max(0, head_age - 21))
                sex = rng.choice("12")
                child_no[sex] += 1
                relation = _child_relation(sex, child_no[sex])
                people.append(self._person(father_surname, sex, age, relation))
                # A grown son may bring his wife and a child into the household.
                if sex == "1" and age >= 24 and len(people) < size and rng.random() < 0.5:
                    people.append(self._person(self.surname(), "2", age - rng.randint(0, 3), "38"))
                    if len(people) < size:
                        gsex = rng.choice("12")
                        people.append(
                            self._person(
                                father_surname,
                                gsex,
                                rng.randint(0, max(0, age - 22)),
                                "41" if gsex == "1" else "42",
                            )
                        )
            elif head_age < 60 and roll < 0.9:
                sex = rng.choice("12")
                age = min(98, head_age + rng.randint(22, 32))
                relation = "51" if sex == "1" else "52"
                people.append(
                    self._person(surname if sex == "1" else self.surname(), sex, age, relation)
                )
            else:
                sex = rng.choice("12")
                people.append(self._person(self.surname(), sex, rng.randint(16, 40), "99"))
        return people

    def _person(self, surname: str, sex: str, age: int, relation: str) -> _Person:
        birth = self.birth(age)
        return _Person(surname + self.given(sex, birth.year), sex, birth, relation, surname)


def _child_relation(sex: str, nth: int) -> str:
    if sex == "1":
        return {1: "22", 2: "23", 3: "24"}.get(nth, "29")
    return {1: "32", 2: "33", 3: "34"}.get(nth, "39")


def _size(rng: random.Random, mean: float) -> int:
    """1 + a Poisson draw: household sizes with the seed's mean, capped at eight."""
    lam = max(0.1, mean - 1)
    k, target = 0, rng.random()
    term = math.exp(-lam)
    acc = term
    while acc < target and k < 7:
        k += 1
        term *= lam / k
        acc += term
    return 1 + k


def _education(rng: random.Random, age: int) -> str:
    if age < 7:
        return ""
    if age < 13:
        return "80"
    if age < 16:
        return "70"
    if age < 19:
        return rng.choice(["70", "60", "40"])
    weights = [2, 14, 16, 10, 18, 26, 10, 4] if age < 50 else [0, 4, 6, 6, 16, 34, 26, 8]
    return rng.choices(["10", "20", "30", "40", "60", "70", "80", "90"], weights)[0]


def _marital(rng: random.Random, age: int, relation: str) -> str:
    if relation in ("02", "11", "12", "38", "28") and age >= 22:
        return "30" if age > 75 and rng.random() < 0.3 else "20"
    if age < 22:
        return "10"
    if relation in ("51", "52"):
        return rng.choice(["20", "20", "30"])
    return rng.choices(["10", "20", "40"], [5, 8, 1])[0]


def _political(rng: random.Random, age: int) -> str:
    if age < 14:
        return ""
    if age < 28:
        return "03" if rng.random() < 0.35 else "13"
    return "01" if rng.random() < 0.09 else "13"


def _phone(rng: random.Random) -> str:
    prefix = rng.choice(
        [
            "133",
            "135",
            "136",
            "138",
            "139",
            "150",
            "151",
            "153",
            "158",
            "159",
            "177",
            "180",
            "181",
            "183",
            "187",
            "189",
            "199",
        ]
    )
    return prefix + f"{rng.randrange(10**8):08d}"


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def generate(
    households: int = SEED_HOUSEHOLDS,
    seed: int = 20261127,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    username: str = "system",
) -> DemoSummary:
    """Fill an empty register with the demo community, in one transaction."""
    if households < 1:
        raise DemoError("户数须为正整数。")
    if Household.select().exists():
        raise DemoError("数据库中已有住户，示范社区只能装入空的数据库。")
    as_of = as_of or clock.today()
    gen = _Generator(seed, as_of)
    rng = gen.rng
    person_rows: list[dict] = []
    tag_rows: list[tuple[int, str, str]] = []  # (index into person_rows, tag, detail)
    house_rows: list[dict] = []
    house_people: list[list[int]] = []

    with database.atomic():
        compound_ids = []
        for name, lead in COMPOUNDS:
            compound = Compound.create(name=name, lead_unit=lead, address=f"城关街道{name}")
            compound_ids.append(compound.id)
        weights = [rng.uniform(0.6, 1.6) for _ in compound_ids]
        serial = [0] * len(compound_ids)

        plan = _household_plan(rng, households)
        for hh, (kind, size) in enumerate(plan):
            ci = rng.choices(range(len(compound_ids)), weights)[0]
            if kind == "1":
                ci = len(compound_ids) - 1 if rng.random() < 0.7 else ci  # farmers: resettlement
            serial[ci] += 1
            people = gen.household_people(size)
            category = "1"
            if kind == "3":
                category = rng.choices(["4", "3", "2"], [60, 30, 10])[0]
            if kind == "3" and category == "3":
                regions = SHAANXI_REGIONS + LOCAL_REGIONS
            elif kind == "3":
                regions = OTHER_REGIONS + SHAANXI_REGIONS
            else:
                regions = LOCAL_REGIONS
            region = rng.choice(regions)
            compound_name = COMPOUNDS[ci][0]
            if kind == "1":
                building, unit, room = f"{rng.randint(1, 6)}组", "", f"{rng.randint(1, 80)}号"
            else:
                building = f"{rng.randint(1, 18)}号楼"
                unit = f"{rng.randint(1, 4)}单元"
                room = f"{rng.randint(1, 7)}0{rng.randint(1, 4)}"
            arrived = None
            if category != "1":
                arrived = as_of - dt.timedelta(days=rng.randint(20, 3000))
            hukou = (
                f"陕西省延安市甘泉县城关镇{compound_name}"
                if category == "1"
                else f"{ORIGIN_NAMES.get(region[:2], '')}（原籍）"
            )
            house_rows.append(
                {
                    "household_no": f"{ci + 1:02d}{serial[ci]:05d}",
                    "compound": compound_ids[ci],
                    "building": building,
                    "unit": unit,
                    "room": room,
                    "household_type": kind,
                    "phone": "",
                }
            )
            members: list[int] = []
            dibao = rng.random() < (0.06 if kind == "1" else 0.025)
            for person in people:
                age = _age(person.birth, as_of)
                region_for = (
                    region
                    if person.relation in ("02", "22", "23", "32", "33", "41", "42")
                    else rng.choice(regions)
                )
                number = gen.id_number(region_for, person.birth, person.sex)
                full, initials = pinyin_keys(person.name)
                idx = len(person_rows)
                person_rows.append(
                    {
                        "name": person.name,
                        "id_number": number,
                        "sex": person.sex,
                        "birth_date": person.birth,
                        "ethnicity": rng.choices(["01", "03", "11", "02"], [975, 15, 6, 4])[0],
                        "relation": person.relation,
                        "education": _education(rng, age),
                        "marital_status": _marital(rng, age, person.relation),
                        "political_status": _political(rng, age),
                        "category": category,
                        "status": "current",
                        "phone": _phone(rng) if age >= 18 and rng.random() < 0.85 else "",
                        "hukou_address": hukou,
                        "work_unit": "学生"
                        if 6 <= age < 18
                        else (
                            "退休"
                            if age >= 60 and rng.random() < 0.5
                            else (rng.choice(WORK_UNITS) if age >= 18 else "")
                        ),
                        "arrived_on": arrived,
                        "pinyin": full,
                        "pinyin_initials": initials,
                    }
                )
                members.append(idx)
                if dibao:
                    tag_rows.append((idx, "dibao", ""))
                if rng.random() < 0.055 and age >= 3:
                    kind_code = rng.choices("1234567", [12, 16, 3, 40, 8, 12, 9])[0]
                    tag_rows.append((idx, "disabled", f"{kind_code}类{rng.randint(1, 4)}级"))
                if age >= 80:
                    tag_rows.append((idx, "oldest_old", ""))
                if person.sex == "1" and 30 <= age <= 75 and rng.random() < 0.02:
                    tag_rows.append((idx, "veteran", ""))
            if len(people) == 1 and _age(people[0].birth, as_of) >= 65:
                tag_rows.append((members[0], "alone_elderly", ""))
            house_people.append(members)
            if progress and hh % 200 == 0 and progress(hh, households) is False:
                raise DemoError("已取消。")

        for start in range(0, len(house_rows), 500):
            Household.insert_many(house_rows[start : start + 500]).execute()
        id_by_no = as_dict(Household.select(Household.household_no, Household.id))
        for row, members in zip(house_rows, house_people, strict=True):
            for idx in members:
                person_rows[idx]["household"] = id_by_no[row["household_no"]]
        for start in range(0, len(person_rows), 500):
            Resident.insert_many(person_rows[start : start + 500]).execute()
        id_by_number = as_dict(Resident.select(Resident.id_number, Resident.id))
        tag_data = [
            {
                "resident": id_by_number[person_rows[idx]["id_number"]],
                "tag": tag,
                "detail": detail,
                # never before the person was born (a baby of a 低保 family joins at birth)
                "start_date": max(
                    as_of - dt.timedelta(days=rng.randint(30, 2000)), person_rows[idx]["birth_date"]
                ),
            }
            for idx, tag, detail in tag_rows
        ]
        for start in range(0, len(tag_data), 500):
            ResidentTag.insert_many(tag_data[start : start + 500]).execute()
        # Each area adds its demo data after the register exists (models.areas, in order),
        # seeded by the name its step had before the areas became packages, so that a seed
        # still makes the same community.
        for area in AREAS:
            if area.demo is not None:
                area.demo(
                    rng=random.Random(f"{seed}:{area.demo_seed}"), as_of=as_of, username=username
                )
        summary = DemoSummary(len(compound_ids), len(house_rows), len(person_rows))
        audit.record(
            username,
            audit.Action.DEMO,
            "household",
            None,
            None,
            {
                "compounds": summary.compounds,
                "households": summary.households,
                "residents": summary.residents,
                "seed": seed,
                "as_of": as_of.isoformat(),
            },
            "装入示范社区",
        )
        if progress:
            progress(households, households)
    return summary


def _household_plan(rng: random.Random, households: int) -> list[tuple[str, int]]:
    """(household_type, size) per household: the seed's shares and people per household.

    Sizes are drawn, then nudged one person at a time until each kind's total matches the
    seed's ratio exactly (6,554 households give 2,507 + 15,307 + 5,577 = 23,391 people).
    """
    plan: list[tuple[str, int]] = []
    remaining = households
    for i, (kind, share, mean) in enumerate(HOUSEHOLD_MIX):
        count = remaining if i == len(HOUSEHOLD_MIX) - 1 else round(households * share)
        count = min(count, remaining)
        remaining -= count
        sizes = [_size(rng, mean) for _ in range(count)]
        target = round(count * mean)
        while sizes and sum(sizes) != target:
            j = rng.randrange(count)
            if sum(sizes) < target and sizes[j] < 8:
                sizes[j] += 1
            elif sum(sizes) > target and sizes[j] > 1:
                sizes[j] -= 1
        plan.extend((kind, size) for size in sizes)
    rng.shuffle(plan)
    return plan
