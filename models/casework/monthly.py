"""The 计生服务 part of the monthly report: its section and the per-compound figures.

Declared in models.casework.area; called with first=, last= (the month's first and last day)
and compound_id= (None for the whole community).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from models.casework.entities import REWARD_ASSIST, SPECIAL_ASSIST, SUBSIDY, VALID_STATUSES, Case
from models.casework.worklist import _status_as_of, casework_monthly_section
from models.core import clock
from models.core.entities import Household, Resident
from models.monthly.parts import FigureColumn, Section, rows_of


def casework(first: dt.date, last: dt.date, compound_id: int | None) -> Section:
    figures = casework_monthly_section(first, last, compound_id)
    return Section(
        title="计生服务",
        headers=["项目", "本月情况"],
        rows=[[label, value] for label, value in figures.rows()],
        note="个案按主要当事人（母亲、子女或扶助对象）所在小区统计；逾期待办截至月末。",
    )


def _compound_by_resident(ids: set[int]) -> dict[int, int]:
    if not ids:
        return {}
    query = (
        Resident.select(Resident.id, Household.compound)
        .join(Household)
        .where(Resident.id.in_(list(ids)))
    )
    return {row[0]: row[1] for row in rows_of(query)}


def subsidy_applications(first: dt.date, last: dt.date, compound_id: int | None) -> FigureColumn:
    """育儿补贴 applications dated in the month, by the child's compound."""
    cases = rows_of(
        Case.select(Case.child).where(
            (Case.case_type == SUBSIDY)
            & Case.status.in_(VALID_STATUSES)
            & (Case.applied_on >= first)
            & (Case.applied_on <= last)
        )
    )
    children = [row[0] for row in cases if row[0]]
    compound_of = _compound_by_resident(set(children))
    counts = Counter(compound_of[c] for c in children if c in compound_of)
    return FigureColumn("subsidy_applications", "育儿补贴申请", dict(counts))


def _assistance_by_compound(first: dt.date, last: dt.date) -> dict[str, Counter[int]]:
    """特别扶助 and 奖励扶助 cases in payment for the month, per compound of the recipient.

    Selected exactly as the 计生服务 section selects them (casework_monthly_section: the
    case's status on the month's last day, start and end dates against the month), so the
    population table's two columns add up to the section's two lines.
    """
    cases = list(
        Case.select(
            Case.id,
            Case.case_type,
            Case.status,
            Case.opened_on,
            Case.person,
            Case.start_date,
            Case.end_date,
        ).where(Case.case_type.in_((SPECIAL_ASSIST, REWARD_ASSIST)) & (Case.opened_on <= last))
    )
    status = _status_as_of(cases, last, clock.today())
    paid = [
        c
        for c in cases
        if status.get(c.id) in ("registered", "in_progress", "closed")
        and c.start_date
        and c.start_date <= last
        and (c.end_date is None or c.end_date >= first)
    ]
    compound_of = _compound_by_resident(
        {c.__data__["person"] for c in paid if c.__data__.get("person")}
    )
    counts: dict[str, Counter[int]] = {SPECIAL_ASSIST: Counter(), REWARD_ASSIST: Counter()}
    for case in paid:
        cid = compound_of.get(case.__data__.get("person") or 0)
        if cid is not None:
            counts[case.case_type][cid] += 1
    return counts


def special_recipients(first: dt.date, last: dt.date, compound_id: int | None) -> FigureColumn:
    """特别扶助 recipients in payment for the month (replaces the register-tag count)."""
    return FigureColumn(
        "special_assistance", "特别扶助", dict(_assistance_by_compound(first, last)[SPECIAL_ASSIST])
    )


def reward_recipients(first: dt.date, last: dt.date, compound_id: int | None) -> FigureColumn:
    """奖励扶助 recipients in payment for the month."""
    return FigureColumn(
        "reward_assistance", "奖励扶助", dict(_assistance_by_compound(first, last)[REWARD_ASSIST])
    )
