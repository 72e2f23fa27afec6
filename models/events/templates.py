"""Event templates: the built-in ones shipped as data, and plans a clerk saved for reuse.

A template is the plan's text, the staff roles, the budget lines and the preparation items
with due dates as offsets in days from the event date (-3: three days before).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from models.core import crud
from models.core.entities import now
from models.core.permissions import HasRole, Perm
from models.core.service import service
from models.events.entities import (
    EVENT_TYPES,
    EventBudgetLine,
    EventStaff,
    EventTask,
    EventTemplate,
)
from models.events.prep import budget, staff
from models.events.service import (
    PLAN_FIELD_NAMES,
    EventError,
    PlanFields,
    create_event,
    get_event,
)

TEMPLATE_FILE = Path(__file__).resolve().parents[2] / "resources" / "event_templates.json"
USER_PREFIX = "user:"
# Plan text a template carries (the date and compound belong to each event).
_TEXT_FIELDS = [n for n in PLAN_FIELD_NAMES if n not in ("event_date", "compound_id")]


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    name: str
    event_type: str
    builtin: bool
    tasks: int


@cache
def builtin_templates() -> tuple[dict[str, Any], ...]:
    with TEMPLATE_FILE.open(encoding="utf-8") as fh:
        data = json.load(fh)
    return tuple(data)


def list_templates() -> list[TemplateInfo]:
    rows = [
        TemplateInfo(t["key"], t["name"], t["event_type"], True, len(t.get("tasks", [])))
        for t in builtin_templates()
    ]
    for t in (
        EventTemplate.select()
        .where(EventTemplate.archived == False)  # noqa: E712
        .order_by(EventTemplate.id)
    ):
        data = json.loads(t.data)
        rows.append(
            TemplateInfo(
                f"{USER_PREFIX}{t.id}", t.name, t.event_type, False, len(data.get("tasks", []))
            )
        )
    return rows


def template_data(key: str) -> dict[str, Any]:
    if key.startswith(USER_PREFIX):
        row = EventTemplate.get_or_none(EventTemplate.id == int(key[len(USER_PREFIX) :]))
        if row is None or row.archived:
            raise EventError("找不到该活动模板。")
        data: dict[str, Any] = json.loads(row.data)
        return data
    for t in builtin_templates():
        if t["key"] == key:
            return dict(t)
    raise EventError(f"找不到活动模板“{key}”。")


def plan_from_template(key: str, event_date: dt.date, compound_id: int | None = None) -> PlanFields:
    data = template_data(key)
    plan = PlanFields(event_date=event_date, compound_id=compound_id)
    for name in _TEXT_FIELDS:
        if name in data:
            setattr(plan, name, data[name])
    if plan.event_type not in EVENT_TYPES:
        plan.event_type = "other"
    return plan


@service(Perm.EVENTS_EDIT)
def create_from_template(
    actor: HasRole, key: str, event_date: dt.date, compound_id: int | None = None, title: str = ""
) -> int:
    """A new planned event with the template's plan, staff roles, budget and checklist.

    The checklist's due dates are the template's offsets resolved against *event_date*.
    """
    data = template_data(key)
    plan = plan_from_template(key, event_date, compound_id)
    if title.strip():
        plan.title = title.strip()
    event_id = create_event(actor, plan, template_key=key)
    for sort, line in enumerate(data.get("staff", []), 1):
        crud.create(
            actor,
            EventStaff,
            event=event_id,
            role=line.get("role", ""),
            name=line.get("name", ""),
            phone=line.get("phone", ""),
            sort=sort,
        )
    for sort, line in enumerate(data.get("budget", []), 1):
        crud.create(
            actor,
            EventBudgetLine,
            event=event_id,
            item=line["item"],
            quantity=line.get("quantity", ""),
            budget_fen=int(line.get("budget_fen", 0)),
            note=line.get("note", ""),
            sort=sort,
        )
    for sort, task in enumerate(data.get("tasks", []), 1):
        offset = task.get("offset_days")
        due = event_date + dt.timedelta(days=int(offset)) if offset is not None else None
        crud.create(
            actor,
            EventTask,
            event=event_id,
            title=task["title"],
            owner=task.get("owner", ""),
            due_date=due,
            sort=sort,
        )
    return event_id


def template_from_event(event_id: int) -> dict[str, Any]:
    """The event's plan as a template: names of staff are dropped, roles kept."""
    info = get_event(event_id)
    data: dict[str, Any] = {name: getattr(info.plan, name) for name in _TEXT_FIELDS}
    data["staff"] = [{"role": s.role, "name": ""} for s in staff(event_id)]
    data["budget"] = [
        {"item": b.item, "quantity": b.quantity, "budget_fen": b.budget_fen, "note": b.note}
        for b in budget(event_id)
    ]
    data["tasks"] = [
        {
            "title": t.title,
            "owner": t.owner,
            "offset_days": (t.due_date - info.plan.event_date).days if t.due_date else None,
        }
        for t in EventTask.select()
        .where((EventTask.event == event_id) & (EventTask.archived == False))  # noqa: E712
        .order_by(EventTask.sort, EventTask.id)
    ]
    return data


@service(Perm.EVENTS_EDIT)
def save_as_template(actor: HasRole, event_id: int, name: str) -> str:
    """Keep this event's plan as a new template; returns its key."""
    name = name.strip()
    if not name:
        raise EventError("请填写模板名称。")
    taken = {t.name for t in list_templates()}
    if name in taken:
        raise EventError(f"已有名为“{name}”的模板，请换一个名称。")
    data = template_from_event(event_id)
    data["name"] = name
    row = crud.create(
        actor,
        EventTemplate,
        name=name[:100],
        event_type=data["event_type"],
        data=json.dumps(data, ensure_ascii=False),
        created_by=actor.username,
        created_at=now(),
    )
    return f"{USER_PREFIX}{row.id}"


@service(Perm.EVENTS_EDIT)
def archive_template(actor: HasRole, key: str) -> None:
    if not key.startswith(USER_PREFIX):
        raise EventError("内置模板不能删除。")
    crud.archive(actor, EventTemplate.get_by_id(int(key[len(USER_PREFIX) :])), note="停用活动模板")
