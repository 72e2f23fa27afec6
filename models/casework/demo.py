"""Demo casework on the demo community (declared in models.casework.area).

Built from the register as generated: birth registrations for the past year's births,
childcare-subsidy cases for children born from 2022, special assistance for some older
couples, reward assistance in farming households, maternal reminders for expected births,
general service records, and follow-ups of which some are overdue on *as_of*.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from models.casework import rules as casework_rules
from models.casework.entities import (
    CASE_PREFIX,
    CLOSED,
    IN_PROGRESS,
    REGISTERED,
    Case,
    CaseChild,
    CaseStatusChange,
    FollowUp,
    MaternalReminder,
)
from models.casework.people import (
    ADOPTED_OR_STEP,
    CHILDREN_OF_HEAD,
    GRANDCHILDREN,
    HEAD,
    HEAD_SPOUSE,
    SONS,
    parents_in_household,
)
from models.casework.rates import RateTable
from models.core import audit
from models.core.entities import Household, Resident, ResidentTag

FOLLOW_NOTES: dict[str, list[str]] = {
    "birth_reg": [
        "电话告知所需材料，约定来社区办理",
        "微信发送生育登记办理指南",
        "入户了解新生儿情况，告知预防接种",
    ],
    "subsidy": ["电话告知育儿补贴申领流程", "微信提醒核对银行卡信息", "告知补贴已发放，请查收"],
    "special_assist": [
        "入户走访，了解老人身体和生活情况",
        "节日慰问，送去米面油",
        "电话问候，老人身体尚可",
    ],
    "reward_assist": ["入户核对扶助对象信息", "电话告知扶助金发放时间"],
    "maternal": ["电话提醒按时产检", "微信提醒到卫生院建档", "入户走访，告知产后访视安排"],
    "general": ["电话回复咨询", "来访咨询，已解答", "微信发送政策解读"],
}
GENERAL_SUBJECTS = [
    "育儿补贴政策咨询",
    "婴幼儿照护服务咨询",
    "托育机构信息咨询",
    "孕前优生健康检查告知",
    "生育登记办理咨询",
    "基本公共卫生服务告知",
    "计生特殊家庭关怀咨询",
]


class _Builder:
    def __init__(self, rng: random.Random, as_of: dt.date, username: str) -> None:
        self.rng = rng
        self.as_of = as_of
        self.username = username
        self.serial: dict[str, int] = defaultdict(int)
        self.status_rows: list[dict[str, Any]] = []
        self.follow_rows: list[dict[str, Any]] = []
        self.count = 0

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def case(
        self,
        case_type: str,
        opened_on: dt.date,
        final: str | None = None,
        final_on: dt.date | None = None,
        **fields: Any,
    ) -> Case:
        prefix = f"{CASE_PREFIX[case_type]}{opened_on.year}-"
        self.serial[prefix] += 1
        status = final or REGISTERED
        case = Case.create(
            case_no=f"{prefix}{self.serial[prefix]:04d}",
            case_type=case_type,
            status=status,
            opened_on=opened_on,
            created_by=self.username,
            closed_on=final_on if status == CLOSED else None,
            **fields,
        )
        self.status_rows.append(
            dict(
                case=case.id,
                from_status="",
                to_status=REGISTERED,
                on_date=opened_on,
                username=self.username,
            )
        )
        if status == IN_PROGRESS:
            self.status_rows.append(
                dict(
                    case=case.id,
                    from_status=REGISTERED,
                    to_status=IN_PROGRESS,
                    on_date=final_on or opened_on,
                    username=self.username,
                )
            )
        elif status == CLOSED:
            self.status_rows.append(
                dict(
                    case=case.id,
                    from_status=REGISTERED,
                    to_status=CLOSED,
                    on_date=final_on or opened_on,
                    username=self.username,
                )
            )
        self.count += 1
        return case

    def follow_ups(
        self, case: Case, case_type: str, start: dt.date, visits: int, keep_next: bool
    ) -> None:
        """*visits* follow-ups after *start*; the last one's next date lands around as_of."""
        day = start
        for i in range(visits):
            day = self.day_between(
                day + dt.timedelta(days=1), min(day + dt.timedelta(days=60), self.as_of)
            )
            if day > self.as_of:
                break
            last = i == visits - 1
            next_date = None
            if not last:
                next_date = day + dt.timedelta(days=self.rng.randint(14, 60))
            elif keep_next:
                # Some next visits fall before as_of: those are the overdue ones.
                next_date = max(
                    day + dt.timedelta(days=3),
                    self.as_of + dt.timedelta(days=self.rng.randint(-12, 45)),
                )
            way = self.rng.choices(["home", "phone", "wechat"], [40, 35, 25])[0]
            self.follow_rows.append(
                dict(
                    case=case.id,
                    on_date=day,
                    way=way,
                    note=self.rng.choice(FOLLOW_NOTES[case_type]),
                    next_date=next_date,
                    username=self.username,
                )
            )


def _load_register() -> tuple[dict[int, list[Resident]], dict[int, str], set[int]]:
    by_household: dict[int, list[Resident]] = defaultdict(list)
    for person in Resident.select().where(Resident.status == "current").order_by(Resident.id):
        by_household[person.__data__["household"]].append(person)
    kinds = {
        h.id: h.household_type for h in Household.select(Household.id, Household.household_type)
    }
    disabled = {
        t.__data__["resident"] for t in ResidentTag.select().where(ResidentTag.tag == "disabled")
    }
    return by_household, kinds, disabled


def _siblings(child: Resident, members: list[Resident]) -> list[Resident]:
    codes = CHILDREN_OF_HEAD if child.relation in CHILDREN_OF_HEAD else GRANDCHILDREN
    return [
        m
        for m in members
        if m.relation in codes
        and m.id != child.id
        and m.birth_date
        and child.birth_date
        and m.birth_date < child.birth_date
    ]


def generate(rng: random.Random, as_of: dt.date, username: str) -> None:
    b = _Builder(rng, as_of, username)
    by_household, kinds, disabled = _load_register()
    rates = RateTable()
    year_ago = as_of - dt.timedelta(days=365)
    expecting: set[int] = set()

    for members in by_household.values():
        for child in members:
            if child.birth_date is None or child.birth_date < casework_rules.SUBSIDY_BIRTHS_FROM:
                continue
            mother, father = parents_in_household(child, members)
            if mother is None:
                continue
            born = child.birth_date
            # Birth registration for the past year's births (most done the same day).
            # (The generated register may give siblings months apart: leave those out.)
            close = any(
                s.birth_date and born - dt.timedelta(days=300) < s.birth_date < born
                for s in _siblings(child, members)
            )
            if born > year_ago and not close and rng.random() < 0.88:
                left = (casework_rules.registration_deadline(born) - as_of).days
                # A few are still being handled, some of them near or past the six months.
                pending = -20 <= left <= 60 and rng.random() < 0.2
                if pending:
                    opened = b.day_between(born, min(born + dt.timedelta(days=150), as_of))
                else:
                    opened = b.day_between(
                        born - dt.timedelta(days=150), min(born + dt.timedelta(days=150), as_of)
                    )
                siblings = _siblings(child, members)
                counted = sum(1 for s in siblings if s.relation not in ADOPTED_OR_STEP)
                order, reason = counted + 1, ""
                if rng.random() < 0.03:
                    order, reason = order + 1, "另有一名共同生育子女户籍不在本社区"
                final = IN_PROGRESS if pending else CLOSED
                case = b.case(
                    "birth_reg",
                    opened,
                    final,
                    opened,
                    mother=mother.id,
                    father=father.id if father else None,
                    child=child.id if opened >= born else None,
                    child_name=child.name if opened >= born else "",
                    expected_date=born + dt.timedelta(days=rng.randint(-10, 10)),
                    birth_date=born if opened >= born else None,
                    marriage_date=_marriage(rng, mother, siblings, born),
                    birth_order=order,
                    suggested_order=counted + 1,
                    order_reason=reason,
                )
                if siblings:
                    CaseChild.insert_many(
                        [
                            dict(
                                case=case.id,
                                resident=s.id,
                                name=s.name,
                                sex=s.sex,
                                birth_date=s.birth_date,
                                origin="adopted" if s.relation in ADOPTED_OR_STEP else "common",
                            )
                            for s in siblings
                        ]
                    ).execute()
                if pending:
                    b.follow_ups(case, "birth_reg", opened, 1, keep_next=True)
            # Childcare subsidy for every child with subsidy months (most have applied).
            if rng.random() < 0.86:
                earliest = max(born + dt.timedelta(days=10), dt.date(2025, 9, 1))
                if earliest > as_of:
                    continue
                applied = b.day_between(earliest, as_of)
                roll = rng.random()
                if (as_of - applied).days > 45 and roll < 0.8:
                    state, final = "paid", CLOSED
                elif (as_of - applied).days > 20 and roll < 0.93:
                    state, final = "approved", CLOSED
                elif roll < 0.99:
                    state, final = "applied", IN_PROGRESS
                else:
                    state, final = "rejected", CLOSED
                fields: dict[str, Any] = dict(
                    child=child.id,
                    mother=mother.id,
                    father=father.id if father else None,
                    birth_date=born,
                    application_status=state,
                    applied_on=applied,
                )
                if state == "paid":
                    paid_on = b.day_between(applied + dt.timedelta(days=30), as_of)
                    due = casework_rules.amount_due(
                        casework_rules.subsidy_months(born),
                        lambda m: rates.monthly_fen("subsidy", m),
                    )
                    fields.update(paid_fen=due.through(paid_on), last_paid_on=paid_on)
                case = b.case(
                    "subsidy",
                    applied,
                    final,
                    applied + dt.timedelta(days=rng.randint(0, 20)) if final == CLOSED else applied,
                    **fields,
                )
                if state == "applied" and rng.random() < 0.5:
                    b.follow_ups(case, "subsidy", applied, 1, keep_next=True)

    # Couples: special assistance (older couples), reward assistance (farming households),
    # maternal reminders (younger married women).
    for household_id, members in by_household.items():
        head = next((m for m in members if m.relation in HEAD), None)
        spouse = next((m for m in members if m.relation in HEAD_SPOUSE), None)
        if head and spouse and head.birth_date and spouse.birth_date:
            wife = head if head.sex == "2" else spouse
            husband = spouse if wife is head else head
            wife_birth: dt.date = wife.birth_date or as_of
            wife_age = casework_rules.age_on(wife_birth, as_of)
            children = [m for m in members if m.relation in CHILDREN_OF_HEAD]
            if wife_age >= 52 and rng.random() < 0.012:
                sick_child = next((c for c in children if c.id in disabled), None)
                if sick_child is not None:
                    category = "child_disabled"
                elif not children and rng.random() < 0.6:
                    category = "child_died"
                else:
                    category = rng.choice(["surgery_1", "surgery_2", "surgery_3", "surgery_3"])
                _assistance(
                    b,
                    "special_assist",
                    category,
                    (wife, husband),
                    wife_birth,
                    sick_child.id if sick_child else None,
                    49,
                )
            elif kinds.get(household_id) == "1" and wife_age >= 60 and rng.random() < 0.05:
                _assistance(b, "reward_assist", "reward", (wife, husband), wife_birth, None, 60)
        for woman in members:
            if (
                woman.sex == "2"
                and woman.relation in ("12", "38")
                and woman.marital_status == "20"
                and woman.birth_date
                and 22 <= casework_rules.age_on(woman.birth_date, as_of) <= 39
                and woman.id not in expecting
                and rng.random() < 0.075
            ):
                expecting.add(woman.id)
                _maternal(b, woman, members)

    # General records for any resident, floating residents included.
    everyone = [
        p
        for members in by_household.values()
        for p in members
        if p.birth_date and casework_rules.age_on(p.birth_date, as_of) >= 18
    ]
    for person in rng.sample(everyone, k=min(len(everyone), max(3, len(by_household) // 90))):
        opened = b.day_between(as_of - dt.timedelta(days=200), as_of)
        closed = rng.random() < 0.8
        case = b.case(
            "general",
            opened,
            CLOSED if closed else None,
            opened,
            person=person.id,
            subject=rng.choice(GENERAL_SUBJECTS),
        )
        b.follow_ups(case, "general", opened, 1, keep_next=not closed)

    for start in range(0, len(b.status_rows), 500):
        CaseStatusChange.insert_many(b.status_rows[start : start + 500]).execute()
    for start in range(0, len(b.follow_rows), 500):
        FollowUp.insert_many(b.follow_rows[start : start + 500]).execute()
    audit.record(
        username,
        audit.Action.DEMO,
        "casework_case",
        None,
        None,
        {"cases": b.count, "follow_ups": len(b.follow_rows)},
        "示范计生服务个案",
    )


def _assistance(
    b: _Builder,
    case_type: str,
    category: str,
    couple: tuple[Resident, Resident],
    wife_birth: dt.date,
    child_id: int | None,
    min_age: int,
) -> None:
    """One case per spouse (paid per person), from when the wife reached *min_age*."""
    earliest = max(casework_rules.birthday(wife_birth, min_age), dt.date(2012, 1, 1))
    start = casework_rules.add_months(
        casework_rules.month_start(b.day_between(earliest, b.as_of - dt.timedelta(days=40))), 1
    )
    recent = (b.as_of - start).days < 60
    for person in couple:
        opened = start - dt.timedelta(days=b.rng.randint(10, 40))
        case = b.case(
            case_type,
            opened,
            IN_PROGRESS if recent else CLOSED,
            opened + dt.timedelta(days=b.rng.randint(5, 25)),
            person=person.id,
            child=child_id,
            category=category,
            start_date=start,
        )
        if case_type == "special_assist" and person is couple[0]:
            b.follow_ups(
                case,
                case_type,
                max(opened, b.as_of - dt.timedelta(days=240)),
                b.rng.randint(1, 3),
                keep_next=True,
            )


def _maternal(b: _Builder, woman: Resident, members: list[Resident]) -> None:
    rng, as_of = b.rng, b.as_of
    husband = next(
        (
            m
            for m in members
            if m.sex == "1"
            and m.marital_status == "20"
            and m.relation in (HEAD + HEAD_SPOUSE if woman.relation == "12" else SONS)
        ),
        None,
    )
    # Known from about week 6, so expected dates reach some 230 days ahead.
    expected = as_of + dt.timedelta(days=rng.randint(-35, 230))
    lmp = expected - dt.timedelta(days=casework_rules.PREGNANCY_DAYS)
    opened = b.day_between(lmp + dt.timedelta(days=42), min(lmp + dt.timedelta(days=100), as_of))
    born = (
        expected + dt.timedelta(days=rng.randint(-7, 5))
        if expected + dt.timedelta(days=5) < as_of
        else None
    )
    case = b.case(
        "maternal",
        opened,
        IN_PROGRESS,
        opened,
        mother=woman.id,
        father=husband.id if husband else None,
        expected_date=expected,
        birth_date=born,
    )
    rows = []
    on: dt.date | None
    for window in casework_rules.maternal_windows(expected, born):
        if window.end < opened:
            status, on = "skipped", opened
        elif window.end < as_of:
            # Long-past windows were dealt with; a recent one may still be open (overdue).
            recent = (as_of - window.end).days < 21
            status = rng.choices(
                ["done", "reminded", "referred", "pending"], [70, 18, 4, 25 if recent else 0]
            )[0]
            on = None if status == "pending" else b.day_between(window.start, window.end)
        elif window.start <= as_of:
            status = rng.choices(["pending", "reminded"], [60, 40])[0]
            on = b.day_between(window.start, as_of) if status == "reminded" else None
        else:
            status, on = "pending", None
        rows.append(
            dict(
                case=case.id,
                visit=window.visit,
                window_start=window.start,
                window_end=window.end,
                status=status,
                status_on=on,
                username=b.username,
            )
        )
    MaternalReminder.insert_many(rows).execute()
    if rng.random() < 0.4:
        b.follow_ups(case, "maternal", opened, rng.randint(1, 2), keep_next=True)
    if rng.random() < 0.5 and born is None:
        # Registering the birth during pregnancy, as the law allows.
        codes = CHILDREN_OF_HEAD if woman.relation == "12" else GRANDCHILDREN
        order = 1 + sum(
            1 for m in members if m.relation in codes and m.relation not in ADOPTED_OR_STEP
        )
        b.case(
            "birth_reg",
            opened,
            CLOSED,
            opened,
            mother=woman.id,
            father=husband.id if husband else None,
            expected_date=expected,
            birth_order=order,
            suggested_order=order,
        )


def _marriage(
    rng: random.Random, mother: Resident, siblings: list[Resident], born: dt.date
) -> dt.date | None:
    if mother.birth_date is None:
        return None
    first_child = min([s.birth_date for s in siblings if s.birth_date] + [born])
    return min(
        casework_rules.birthday(mother.birth_date, rng.randint(21, 26)),
        first_child - dt.timedelta(days=rng.randint(300, 900)),
    )
