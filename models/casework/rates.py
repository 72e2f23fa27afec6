"""Subsidy and assistance rates: amounts per month with start dates, editable by an administrator.

The rates of domain notes §3 are built in (so a new database needs no seeding); rows an
administrator adds supersede them from their start date on. A month is paid at the rate in
force on its first day, so a new rate from a later date never changes what was due before it.
Rows are never deleted: a mistyped row is voided with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.casework.entities import CaseRate
from models.core import crud
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm
from models.core.service import service

RATE_KINDS: dict[str, str] = {
    "subsidy": "育儿补贴（每孩每月）",
    "child_died": "特别扶助·独生子女死亡（每人每月）",
    "child_disabled": "特别扶助·独生子女伤残（每人每月）",
    "surgery_1": "特别扶助·手术并发症一级（每人每月）",
    "surgery_2": "特别扶助·手术并发症二级（每人每月）",
    "surgery_3": "特别扶助·手术并发症三级（每人每月）",
    "reward": "奖励扶助（每人每月）",
}


@dataclass(frozen=True)
class BuiltInRate:
    kind: str
    start_date: dt.date
    monthly_fen: int
    note: str


# Domain notes §3. The reward-assistance figure is the national 960 yuan a year; provinces
# pay more in places and it was not verified for Shaanxi: administrators add their own row.
BUILT_IN: list[BuiltInRate] = [
    BuiltInRate("subsidy", dt.date(2025, 1, 1), 30000, "国家标准：每孩每年3600元"),
    BuiltInRate("child_died", dt.date(2022, 7, 1), 59000, "国家标准（2022年7月1日起）"),
    BuiltInRate("child_disabled", dt.date(2022, 7, 1), 46000, "国家标准（2022年7月1日起）"),
    BuiltInRate("surgery_1", dt.date(2022, 7, 1), 52000, "国家标准（2022年7月1日起）"),
    BuiltInRate("surgery_2", dt.date(2022, 7, 1), 39000, "国家标准（2022年7月1日起）"),
    BuiltInRate("surgery_3", dt.date(2022, 7, 1), 26000, "国家标准（2022年7月1日起）"),
    BuiltInRate("reward", dt.date(2012, 1, 1), 8000, "国家标准：每人每年960元（本省标准未核实）"),
]


class RateError(UserFacingError, ValueError):
    """Bad input for a rate; the message is shown to the user as it is."""


@dataclass(frozen=True)
class RateRow:
    id: int | None  # None for a built-in rate
    kind: str
    kind_name: str
    start_date: dt.date
    monthly_fen: int
    note: str
    built_in: bool
    voided: bool
    void_reason: str
    username: str


def _rows(include_voided: bool = False) -> list[RateRow]:
    rows = [
        RateRow(
            None,
            r.kind,
            RATE_KINDS[r.kind],
            r.start_date,
            r.monthly_fen,
            r.note,
            True,
            False,
            "",
            "",
        )
        for r in BUILT_IN
    ]
    query = CaseRate.select().order_by(CaseRate.id)
    if not include_voided:
        query = query.where(CaseRate.voided == False)  # noqa: E712
    rows += [
        RateRow(
            r.id,
            r.kind,
            RATE_KINDS.get(r.kind, r.kind),
            r.start_date,
            r.monthly_fen,
            r.note,
            False,
            r.voided,
            r.void_reason,
            r.username,
        )
        for r in query
    ]
    return rows


def list_rates(include_voided: bool = True) -> list[RateRow]:
    """Every rate, by kind then start date; figures only, so anyone signed in may read them."""
    order = list(RATE_KINDS)
    return sorted(
        _rows(include_voided),
        key=lambda r: (
            order.index(r.kind) if r.kind in order else 99,
            r.start_date,
            not r.built_in,
            r.id or 0,
        ),
    )


class RateTable:
    """The rates in force, read once: monthly_fen(kind, day) for many months and cases."""

    def __init__(self) -> None:
        self._by_kind: dict[str, list[tuple[dt.date, int, int]]] = {}
        for row in _rows():
            # At the same start date an administrator's row wins over the built-in one,
            # and a later row over an earlier one.
            rank = 0 if row.built_in else 1 + (row.id or 0)
            self._by_kind.setdefault(row.kind, []).append((row.start_date, rank, row.monthly_fen))
        for entries in self._by_kind.values():
            entries.sort()

    def monthly_fen(self, kind: str, day: dt.date) -> int | None:
        """The amount in force on *day* (a month is paid at its first day's rate)."""
        found: int | None = None
        for start, _rank, fen in self._by_kind.get(kind, []):
            if start <= day:
                found = fen
            else:
                break
        return found


@service(Perm.RATES_EDIT)
def add_rate(
    actor: HasRole, kind: str, start_date: dt.date, monthly_fen: int, note: str = ""
) -> CaseRate:
    """A new amount from *start_date* on; months before it keep their old rate."""
    if kind not in RATE_KINDS:
        raise RateError(f"未知的标准种类：{kind}")
    if monthly_fen <= 0:
        raise RateError("金额须大于0。")
    if start_date.day != 1:
        raise RateError("新标准须从某月1日起执行（按月发放）。")
    return crud.create(
        actor,
        CaseRate,
        note,
        kind=kind,
        start_date=start_date,
        monthly_fen=monthly_fen,
        username=actor.username,
        columns={"note": note.strip()},
    )


@service(Perm.RATES_EDIT)
def void_rate(actor: HasRole, rate_id: int, reason: str) -> None:
    """Withdraw a mistyped row (kept, marked void); built-in rates are superseded, not voided."""
    reason = reason.strip()
    if not reason:
        raise RateError("作废标准须填写原因。")
    row = CaseRate.get_or_none(CaseRate.id == rate_id)
    if row is None or row.voided:
        raise RateError("该标准不存在或已作废。")
    crud.void(actor, row, reason, note=reason)
