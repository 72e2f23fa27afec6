"""Figures about events for the monthly report (plain values, no Qt, no reportlab)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee as pw

from models.core.db import as_dict
from models.core.entities import Compound
from models.events.entities import CANCELLED, EVENT_TYPES, HELD, PLANNED, Event, EventBudgetLine
from models.events.service import compound_name


def events_monthly_section(
    month_start: dt.date, month_end: dt.date, compound_id: int | None = None
) -> dict[str, Any]:
    """Events dated month_start..month_end inclusive, for one compound or (None) all of them.

    Returns a JSON-ready dict:
      title        "社区活动"
      held         events held in the period
      attendance   sum of their head counts (a held event without a count adds 0)
      cancelled    events cancelled in the period
      planned      events still planned (not yet held or cancelled) in the period
      budget_fen / spent_fen   budget and actual spending of the held events, in fen
      by_type      [{"type": code, "name": "文体活动", "held": n, "attendance": m}, …],
                   only types with a held event, in the order of models.events.entities.EVENT_TYPES
      events       [{"date": "2026-11-03", "title": …, "compound": "" for community-wide,
                     "type": name, "attendance": n or None}, …] held events by date
    With a compound_id, only that compound's events count; community-wide events (no
    compound) count only in the total (compound_id None).
    """
    query = (
        Event.select(Event, Compound)
        .join(Compound, pw.JOIN.LEFT_OUTER)
        .where((Event.event_date >= month_start) & (Event.event_date <= month_end))
    )
    if compound_id is not None:
        query = query.where(Event.compound == compound_id)
    events = list(query.order_by(Event.event_date, Event.id))
    held = [e for e in events if e.status == HELD]
    held_ids = [e.id for e in held]
    active = (EventBudgetLine.event.in_(held_ids)) & (EventBudgetLine.archived == False)  # noqa: E712
    budget = as_dict(
        EventBudgetLine.select(EventBudgetLine.event, pw.fn.SUM(EventBudgetLine.budget_fen))
        .where(active)
        .group_by(EventBudgetLine.event)
    )
    spent = as_dict(
        EventBudgetLine.select(EventBudgetLine.event, pw.fn.SUM(EventBudgetLine.actual_fen))
        .where(active)
        .group_by(EventBudgetLine.event)
    )
    by_type = []
    for code, name in EVENT_TYPES.items():
        of_type = [e for e in held if e.event_type == code]
        if of_type:
            by_type.append(
                {
                    "type": code,
                    "name": name,
                    "held": len(of_type),
                    "attendance": sum(e.head_count or 0 for e in of_type),
                }
            )
    return {
        "title": "社区活动",
        "held": len(held),
        "attendance": sum(e.head_count or 0 for e in held),
        "cancelled": sum(1 for e in events if e.status == CANCELLED),
        "planned": sum(1 for e in events if e.status == PLANNED),
        "budget_fen": int(sum(budget.values()) or 0),
        "spent_fen": int(sum(v or 0 for v in spent.values())),
        "by_type": by_type,
        "events": [
            {
                "date": e.event_date.isoformat(),
                "title": e.title,
                "compound": compound_name(e),
                "type": EVENT_TYPES.get(e.event_type, e.event_type),
                "attendance": e.head_count,
            }
            for e in held
        ],
    }
