"""Audited records by name, looked up in batches: 户号 0012 张秀户, 张秀（6106**********5702）.

``Lookup`` collects the ids a page of audit rows mentions (``want``), fetches them a few
queries per table (``load``), then what those rows point at, and ``describe``s a record as a
person reads it. ID numbers are always shown masked.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from models.casework.entities import (
    CASE_TYPE_SHORT,
    STATUSES,
    Case,
    CaseChild,
    CaseRate,
    CaseStatusChange,
    FollowUp,
    MaternalReminder,
)
from models.casework.rates import RATE_KINDS
from models.casework.rules import VISITS
from models.certificates.service import Certificate, CertificateKind
from models.core import idcard
from models.core.audit_fields import table_label
from models.core.entities import (
    BaseModel,
    Compound,
    Household,
    LifeEvent,
    ReportSubmission,
    Resident,
    ResidentTag,
    User,
)
from models.events.entities import (
    Event,
    EventAttendee,
    EventBudgetLine,
    EventPhoto,
    EventPublicity,
    EventStaff,
    EventTask,
    EventTemplate,
)
from models.facilities.entities import (
    PHOTO_PURPOSES,
    FacilityCentre,
    FacilityEquipment,
    FacilityFinding,
    FacilityInspection,
    FacilityPhoto,
    FacilitySpace,
    FacilityStandard,
    FacilityStandardItem,
)
from models.fill.entities import FillRun, FillTemplate, SavedList
from models.registry.life_events import KINDS as LIFE_EVENT_KINDS
from models.registry.residents import HEAD, describe_tag

SYSTEM_USERS = {"system": "系统"}

Row = dict[str, Any]


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


def _who(row: Row | None, lookup: Lookup, key: str) -> str:
    """The description of the resident *row[key]* points at, or ""."""
    if not row or row.get(key) is None:
        return ""
    return lookup.describe("resident", row[key])


@dataclass(frozen=True)
class Source:
    """Where a Lookup finds the rows of one audited table, and what they point at."""

    model: type[BaseModel]
    columns: tuple[str, ...]
    deps: tuple[tuple[str, str], ...] = ()  # (column, table it points at)


SOURCES: dict[str, Source] = {
    "user": Source(User, ("username", "display_name")),
    "compound": Source(Compound, ("name",)),
    "household": Source(
        Household,
        ("household_no", "compound", "building", "unit", "room"),
        (("compound", "compound"),),
    ),
    "resident": Source(Resident, ("name", "id_number")),
    "resident_tag": Source(ResidentTag, ("resident", "tag", "detail"), (("resident", "resident"),)),
    "life_event": Source(
        LifeEvent,
        ("resident", "household", "kind", "event_date"),
        (("resident", "resident"), ("household", "household")),
    ),
    "casework_case": Source(
        Case,
        ("case_no", "case_type", "mother", "father", "child", "person", "child_name"),
        (
            ("mother", "resident"),
            ("father", "resident"),
            ("child", "resident"),
            ("person", "resident"),
        ),
    ),
    "casework_child": Source(CaseChild, ("case", "name"), (("case", "casework_case"),)),
    "casework_status_change": Source(
        CaseStatusChange, ("case", "to_status", "on_date"), (("case", "casework_case"),)
    ),
    "casework_follow_up": Source(FollowUp, ("case", "on_date"), (("case", "casework_case"),)),
    "casework_reminder": Source(MaternalReminder, ("case", "visit"), (("case", "casework_case"),)),
    "casework_rate": Source(CaseRate, ("kind", "start_date")),
    "event": Source(Event, ("title", "event_date")),
    "event_staff": Source(EventStaff, ("event", "role", "name"), (("event", "event"),)),
    "event_budget_line": Source(EventBudgetLine, ("event", "item"), (("event", "event"),)),
    "event_task": Source(EventTask, ("event", "title"), (("event", "event"),)),
    "event_publicity": Source(
        EventPublicity, ("event", "channel", "posted_on"), (("event", "event"),)
    ),
    "event_attendee": Source(
        EventAttendee, ("event", "resident", "name"), (("event", "event"), ("resident", "resident"))
    ),
    "event_photo": Source(EventPhoto, ("event", "caption", "original_name"), (("event", "event"),)),
    "event_template": Source(EventTemplate, ("name",)),
    "facility_standard": Source(FacilityStandard, ("name",)),
    "facility_standard_item": Source(
        FacilityStandardItem, ("standard", "name"), (("standard", "facility_standard"),)
    ),
    "facility_centre": Source(FacilityCentre, ("name",)),
    "facility_space": Source(FacilitySpace, ("centre", "name"), (("centre", "facility_centre"),)),
    "facility_equipment": Source(
        FacilityEquipment, ("space", "name"), (("space", "facility_space"),)
    ),
    "facility_inspection": Source(
        FacilityInspection, ("centre", "inspected_on"), (("centre", "facility_centre"),)
    ),
    "facility_finding": Source(
        FacilityFinding, ("inspection", "description"), (("inspection", "facility_inspection"),)
    ),
    "facility_photo": Source(
        FacilityPhoto,
        ("space", "finding", "purpose", "caption"),
        (("space", "facility_space"), ("finding", "facility_finding")),
    ),
    "certificate_kind": Source(CertificateKind, ("name",)),
    "report_submission": Source(ReportSubmission, ("serial", "month", "scope_name")),
    "saved_list": Source(SavedList, ("name",)),
    "fill_template": Source(FillTemplate, ("name", "department")),
    "fill_run": Source(FillRun, ("template", "made_at"), (("template", "fill_template"),)),
    "certificate": Source(
        Certificate,
        ("serial", "kind_name", "resident", "resident_name"),
        (("resident", "resident"),),
    ),
}

_CHUNK = 500  # ids per IN (...): well under SQLite's limit on bound variables


def _short(text: str, width: int = 30) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


class Lookup:
    """Rows of the audited tables, fetched in batches: ``want`` ids, ``load``, ``describe``."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[int, Row]] = defaultdict(dict)
        self.heads: dict[int, str] = {}  # household id -> its head's name (户主), "" if none
        self._wanted: dict[str, set[int]] = defaultdict(set)
        self._users: dict[str, str] | None = None
        self._items: dict[str, str] | None = None
        self.queries = 0

    def want(self, table: str, value: Any) -> None:
        if table not in SOURCES:
            return
        for item in record_ids(value):
            if item not in self.rows[table]:
                self._wanted[table].add(item)

    def load(self) -> None:
        """Fetch everything wanted, then what those rows point at, until nothing is missing."""
        while any(self._wanted.values()):
            pending = {t: ids for t, ids in self._wanted.items() if ids}
            self._wanted = defaultdict(set)
            for table, ids in pending.items():
                source = SOURCES[table]
                model = source.model
                columns = [model._meta.fields["id"]] + [
                    model._meta.fields[c] for c in source.columns
                ]
                ordered = sorted(ids)
                for start in range(0, len(ordered), _CHUNK):
                    chunk = ordered[start : start + _CHUNK]
                    query = model.select(*columns).where(model._meta.fields["id"].in_(chunk))
                    self.queries += 1
                    for found in cast(Iterable[Row], query.dicts()):
                        self.rows[table][int(found["id"])] = found
                for item in ids:  # a row that is gone is looked for once only
                    self.rows[table].setdefault(item, {})
                for row in (self.rows[table][i] for i in ids):
                    for column, target in source.deps:
                        if row.get(column) is not None:
                            self.want(target, row[column])
        self._load_heads()

    def _load_heads(self) -> None:
        """A household is known by its head: 户号 0012 张秀户 reads better than the number."""
        missing = sorted(i for i in self.rows["household"] if i not in self.heads)
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start : start + _CHUNK]
            for item in chunk:
                self.heads[item] = ""
            self.queries += 1
            query = cast(
                Iterable[tuple[int, str, str]],
                (
                    Resident.select(Resident.household, Resident.name, Resident.status)
                    .where(Resident.household.in_(chunk) & (Resident.relation == HEAD))
                    .order_by(Resident.id)
                    .tuples()
                ),
            )
            for household, name, status in query:
                # The current head wins over one who moved out or died.
                if not self.heads[household] or status == "current":
                    self.heads[household] = name

    def item_name(self, code: str) -> str:
        """The name of a facility standard item by its code (the active standard's first)."""
        if self._items is None:
            self.queries += 1
            query = (
                FacilityStandardItem.select(FacilityStandardItem.code, FacilityStandardItem.name)
                .join(FacilityStandard)
                .order_by(FacilityStandard.active, FacilityStandardItem.id)
                .tuples()
            )
            # Later rows win: the active standard comes last.
            self._items = dict(cast(Iterable[tuple[str, str]], query))
        return self._items.get(code, code)

    def user(self, username: str | None) -> str:
        """李晓梅（clerk）: the display name beside the login name."""
        if not username:
            return ""
        if self._users is None:
            self.queries += 1
            self._users = {
                u.username: u.display_name for u in User.select(User.username, User.display_name)
            }
        name = self._users.get(username) or SYSTEM_USERS.get(username, "")
        return f"{name}（{username}）" if name and name != username else username

    def describe(self, table: str, value: Any) -> str:
        """A record as a person reads it; "居民 #25" when it cannot be found."""
        try:
            key = int(value)
        except (TypeError, ValueError):
            return str(value)
        row = self.rows.get(table, {}).get(key)
        if not row:
            return f"{table_label(table)} #{key}"
        return _DESCRIBE[table](row, self) if table in _DESCRIBE else f"{table_label(table)} #{key}"


def record_ids(value: Any) -> list[int]:
    """Ids from a stored value: 25, "25", [1, 2] or the JSON text "[1, 2]"."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    items = value if isinstance(value, list) else [value]
    out: list[int] = []
    for item in items:
        if isinstance(item, bool):
            continue
        try:
            out.append(int(item))
        except (TypeError, ValueError):
            continue
    return out


def describe_resident(row: Row, lookup: Lookup) -> str:
    masked = idcard.mask(row.get("id_number"))
    return f"{row['name']}（{masked}）" if masked else str(row["name"])


def _household(row: Row, lookup: Lookup) -> str:
    compound = lookup.rows["compound"].get(row.get("compound") or 0) or {}
    address = "".join(
        str(p or "")
        for p in (compound.get("name"), row.get("building"), row.get("unit"), row.get("room"))
    )
    head = lookup.heads.get(int(row["id"]), "")
    text = f"户号 {row['household_no']}" + (f" {head}户" if head else "")
    return f"{text}（{address}）" if address else text


def _case(row: Row, lookup: Lookup) -> str:
    names: list[str] = []
    for key in ("mother", "person", "father", "child"):
        who = _who(row, lookup, key)
        if who and who not in names:
            names.append(who)
    if not names and row.get("child_name"):
        names.append(str(row["child_name"]))
    kind = CASE_TYPE_SHORT.get(row.get("case_type") or "", row.get("case_type") or "")
    people = f"（{'、'.join(names)}）" if names else ""
    return f"{row['case_no']} {kind}{people}"


def _under(table: str, key: str, tail: Callable[[Row], str]) -> Callable[[Row, Lookup], str]:
    """A child row: its parent's description, then its own words."""

    def describe(row: Row, lookup: Lookup) -> str:
        parent = lookup.describe(table, row[key]) if row.get(key) is not None else ""
        own = tail(row)
        return f"{parent} · {own}" if parent and own else parent or own

    return describe


def _life_event(row: Row, lookup: Lookup) -> str:
    who = _who(row, lookup, "resident")
    if not who and row.get("household") is not None:
        who = lookup.describe("household", row["household"])
    kind = LIFE_EVENT_KINDS.get(row.get("kind") or "", row.get("kind") or "")
    return f"{who} · {kind} {_date(row.get('event_date'))}".strip(" ·")


_DESCRIBE: dict[str, Callable[[Row, Lookup], str]] = {
    "user": lambda r, lk: (
        f"{r['display_name']}（{r['username']}）" if r.get("display_name") else str(r["username"])
    ),
    "compound": lambda r, lk: str(r["name"]),
    "household": _household,
    "resident": describe_resident,
    "resident_tag": lambda r, lk: " · ".join(
        p for p in (_who(r, lk, "resident"), describe_tag(r["tag"], r.get("detail") or "")) if p
    ),
    "life_event": _life_event,
    "casework_case": _case,
    "casework_child": _under("casework_case", "case", lambda r: f"子女 {r['name']}"),
    "casework_status_change": _under(
        "casework_case",
        "case",
        lambda r: f"{STATUSES.get(r['to_status'], r['to_status'])} {_date(r['on_date'])}",
    ),
    "casework_follow_up": _under("casework_case", "case", lambda r: f"随访 {_date(r['on_date'])}"),
    "casework_reminder": _under(
        "casework_case", "case", lambda r: str(VISITS.get(r["visit"], r["visit"]))
    ),
    "casework_rate": lambda r, lk: (
        f"{RATE_KINDS.get(r['kind'], r['kind'])}（{_date(r['start_date'])}起）"
    ),
    "event": lambda r, lk: f"{r['title']}（{_date(r['event_date'])}）",
    "event_staff": _under(
        "event", "event", lambda r: " ".join(p for p in (r.get("role"), r.get("name")) if p)
    ),
    "event_budget_line": _under("event", "event", lambda r: str(r["item"])),
    "event_task": _under("event", "event", lambda r: _short(r["title"])),
    "event_publicity": _under(
        "event", "event", lambda r: f"{r['channel']} {_date(r['posted_on'])}"
    ),
    "event_attendee": lambda r, lk: " · ".join(
        p
        for p in (
            lk.describe("event", r["event"]) if r.get("event") is not None else "",
            _who(r, lk, "resident") or str(r.get("name") or ""),
        )
        if p
    ),
    "event_photo": _under(
        "event",
        "event",
        lambda r: _short(str(r.get("caption") or r.get("original_name") or "照片")),
    ),
    "event_template": lambda r, lk: str(r["name"]),
    "facility_standard": lambda r, lk: str(r["name"]),
    "facility_standard_item": _under("facility_standard", "standard", lambda r: str(r["name"])),
    "facility_centre": lambda r, lk: str(r["name"]),
    "facility_space": _under("facility_centre", "centre", lambda r: str(r["name"])),
    "facility_equipment": _under("facility_space", "space", lambda r: str(r["name"])),
    "facility_inspection": _under(
        "facility_centre", "centre", lambda r: f"{_date(r['inspected_on'])} 安全检查"
    ),
    "facility_finding": _under(
        "facility_inspection", "inspection", lambda r: _short(r["description"])
    ),
    "facility_photo": lambda r, lk: " · ".join(
        p
        for p in (
            lk.describe("facility_finding", r["finding"])
            if r.get("finding") is not None
            else lk.describe("facility_space", r["space"])
            if r.get("space") is not None
            else "",
            PHOTO_PURPOSES.get(r.get("purpose") or "", "") + "照片",
            _short(r.get("caption") or "", 20),
        )
        if p
    ),
    "certificate_kind": lambda r, lk: str(r["name"]),
    "report_submission": lambda r, lk: f"{r['serial']} {r['month']} {r['scope_name']}",
    "saved_list": lambda r, lk: f"名单“{r['name']}”",
    "fill_run": _under("fill_template", "template", lambda r: f"{_date(r['made_at'])} 生成"),
    "fill_template": lambda r, lk: (
        f"{r['name']}（{r['department']}）" if r["department"] else str(r["name"])
    ),
    "certificate": lambda r, lk: (
        f"{r['serial']} {r['kind_name']}（{_who(r, lk, 'resident') or r['resident_name']}）"
    ),
}
