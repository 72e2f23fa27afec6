"""The audit log as the 主任 reads it: Chinese labels, decoded codes, people and households by name.

``readable`` turns a page of AuditLog rows into ``Entry`` rows with a few batched queries per
page, never one per row (the labels are in models/core/audit_fields.py, the names come from
models/core/audit_lookup.py). ``search`` and the ``*_choices`` are the services the window calls
(the workbook export is models/core/audit_export.py); all require the right to read the log. ID
numbers are always shown masked here, whatever the reader's role (also where a clerk typed one
into a note): the log is not a way round the logged reveal.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from models.casework.entities import (
    Case,
    CaseChild,
    CaseStatusChange,
    FollowUp,
    MaternalReminder,
)
from models.certificates.service import Certificate
from models.core import audit, codes, idcard
from models.core.audit_fields import FIELDS, action_name, field_label, field_spec, table_label
from models.core.audit_lookup import SOURCES, Lookup, Row, describe_resident, record_ids
from models.core.entities import (
    AuditLog,
    BaseModel,
    LifeEvent,
    Resident,
    ResidentTag,
)
from models.core.permissions import HasRole, Perm
from models.core.service import service
from models.events.entities import EventAttendee

PAGE_SIZE = 200  # rows fetched at a time; the window asks for the next page on scrolling
EMPTY = "（空）"


# -- values ----------------------------------------------------------------------------------

_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?$")
# An ID number typed into free text (a note, a reason): 18 characters, or the old 15 digits.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    """*text* with every ID number in it masked (6106**********5702)."""
    return _ID_IN_TEXT.sub(lambda m: idcard.mask(m.group(1)), text)


def _plain(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_plain(v) for v in value) if value else EMPTY
    if isinstance(value, dict):  # e.g. a restore's record counts, keyed by table
        return (
            "，".join(f"{table_label(str(k))}：{_plain(v)}" for k, v in value.items())
            if value
            else EMPTY
        )
    text = str(value)
    stamp = _ISO_TIME.match(text)
    if stamp:
        return f"{stamp.group(1)} {stamp.group(2)}"
    return mask_text(text)


def _yes_no(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        return "是" if value.strip().lower() in ("1", "true", "yes") else "否"
    return "是" if value else "否"


def _money(value: Any, per: int) -> str:
    if value is None or value == "":
        return EMPTY
    try:
        amount = float(value) / per
    except (TypeError, ValueError):
        return _plain(value)
    return f"{amount:,.2f}元"


def show_value(
    table_name: str, name: str, value: Any, lookup: Lookup, record: Mapping[str, Any] | None = None
) -> str:
    """One stored value as the 主任 reads it: codes decoded, records by name, IDs masked.

    *record* is what else is known of the row (its other values), for a field whose meaning
    depends on another one (a life event's from/to values are categories for a 类别变更).
    """
    spec = field_spec(table_name, name)
    if spec is None:
        return _plain(value)
    if spec.ref:
        ids = record_ids(value)
        if not ids:
            return EMPTY if isinstance(value, list) or value in (None, "", "[]") else _plain(value)
        return "、".join(lookup.describe(spec.ref, i) for i in ids)
    if value is None or value == "":
        return EMPTY
    if spec.kind == "bool":
        return _yes_no(value)
    if spec.kind == "fen":
        return _money(value, 100)
    if spec.kind == "yuan":
        return _money(value, 1)
    if spec.kind == "id_number":
        return idcard.mask(str(value))
    if spec.kind == "user":
        return lookup.user(str(value))
    if spec.kind == "item_code":
        return lookup.item_name(str(value))
    if spec.kind == "blob":  # a stored file is never copied into the view
        size = len(value) if isinstance(value, (bytes, str)) else 0
        return f"（文件，{size:,}字节）" if size else "（文件）"
    if spec.codes:
        return codes.name(spec.codes, str(value), str(value))
    if spec.names is not None:
        return spec.names.get(str(value), str(value))
    if (
        table_name == "life_event"
        and name in ("from_value", "to_value")
        and record
        and record.get("kind") == "category_change"
    ):
        return codes.name("category", str(value), str(value))
    return _plain(value)


# -- readable rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One field of an audit row: its label, and the value before and after (None: not given,
    as for every field of a new record)."""

    key: str
    label: str
    before: str | None
    after: str | None

    @property
    def line(self) -> str:
        """联系电话：138… → 139… (a new record's values alone: 姓名：张秀)."""
        if self.before is None:
            return f"{self.label}：{self.after}"
        return f"{self.label}：{self.before} → {EMPTY if self.after is None else self.after}"


@dataclass(frozen=True)
class Entry:
    """One audit row, readable."""

    id: int
    at: dt.datetime
    username: str
    user: str  # 李晓梅（clerk）
    action: str
    action_name: str  # 修改
    table_name: str
    table_label: str  # 居民
    record_id: str | None
    record: str  # 张秀（6106**********5702）
    note: str
    changes: tuple[Change, ...] = ()

    @property
    def time(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S}" if isinstance(self.at, dt.datetime) else str(self.at)

    @property
    def summary(self) -> str:
        """查看 居民 张秀（6106**********5702）"""
        return " ".join(p for p in (self.action_name, self.table_label, self.record) if p)

    @property
    def content(self) -> str:
        """The changes on one line: 联系电话：138… → 139…；人员类别：户籍人口 → 流动人口."""
        return "；".join(c.line for c in self.changes)


def _load_json(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return {"": text}
    return data if isinstance(data, dict) else {"": data}


def _order(table: str, name: str) -> tuple[int, str]:
    """Fields in the model's order (as the form shows them), not alphabetically as stored."""
    known = FIELDS.get(table, {})
    if name in known:
        return (list(known).index(name), "")
    return (len(known), name)


def _is_key(text: str | None) -> bool:
    return bool(text) and str(text).lstrip("-").isdigit()


def _changes(
    table: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    lookup: Lookup,
    context: Mapping[str, Any],
) -> tuple[Change, ...]:
    old, new = before or {}, after or {}
    keys = sorted(set(old) | set(new), key=lambda k: _order(table, k))
    return tuple(
        Change(
            key,
            field_label(table, key) if key else "内容",
            show_value(table, key, old[key], lookup, context) if key in old else None,
            show_value(table, key, new[key], lookup, context) if key in new else None,
        )
        for key in keys
    )


def readable(rows: Sequence[AuditLog], lookup: Lookup | None = None) -> list[Entry]:
    """The rows as Entries; a fixed number of queries per table involved, not per row.

    A *lookup* shared across pages keeps the records already found (the workbook export).
    """
    lookup = Lookup() if lookup is None else lookup
    parsed: list[tuple[AuditLog, dict[str, Any] | None, dict[str, Any] | None]] = []
    for row in rows:
        before, after = _load_json(row.before), _load_json(row.after)
        parsed.append((row, before, after))
        if _is_key(row.record_id):
            lookup.want(row.table_name, row.record_id)
        for data in (before, after):
            for key, value in (data or {}).items():
                spec = field_spec(row.table_name, key)
                if spec is not None and spec.ref:
                    lookup.want(spec.ref, value)
    lookup.load()
    entries: list[Entry] = []
    for row, before, after in parsed:
        table = row.table_name
        record = ""
        stored: Row = {}
        if row.record_id:
            if table == "setting":
                record = field_label("setting", row.record_id)
            elif _is_key(row.record_id) and table in SOURCES:
                record = lookup.describe(table, row.record_id)
                stored = lookup.rows[table].get(int(row.record_id)) or {}
            else:
                record = f"{table_label(table)} {mask_text(row.record_id)}"
        context = {**stored, **(before or {}), **(after or {})}
        entries.append(
            Entry(
                id=row.id,
                at=row.at,
                username=row.username,
                user=lookup.user(row.username),
                action=row.action,
                action_name=action_name(row.action),
                table_name=table,
                table_label=table_label(table),
                record_id=row.record_id,
                record=mask_text(record),
                note=mask_text(row.note or ""),
                changes=_changes(table, before, after, lookup, context),
            )
        )
    return entries


# -- finding rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilter:
    """What the 主任 asked for. Empty strings and None mean "any"."""

    person: str = ""  # a resident's name, or digits of an ID number: rows about them
    username: str = ""
    action: str = ""
    table_name: str = ""
    text: str = ""  # within the note and the stored values before and after
    since: dt.date | None = None
    until: dt.date | None = None

    def describe(self) -> str:
        """The filters in words (masked: a typed ID number must not reach the workbook)."""
        parts: list[str] = []
        if self.person.strip():
            parts.append(f"居民：{mask_text(self.person.strip())}")
        if self.username:
            parts.append(f"用户：{self.username}")
        if self.action:
            parts.append(f"操作：{action_name(self.action)}")
        if self.table_name:
            parts.append(f"记录类型：{table_label(self.table_name)}")
        if self.text.strip():
            parts.append(f"内容含：{mask_text(self.text.strip())}")
        if self.since or self.until:
            since = self.since.isoformat() if self.since else "最早"
            until = self.until.isoformat() if self.until else "最新"
            parts.append(f"日期：{since} 至 {until}")
        return "；".join(parts) or "全部"


@dataclass(frozen=True)
class LogPage:
    entries: list[Entry]
    more: bool  # older rows match too: ask again with before_id = the last entry's id
    total: int | None = None  # rows matching in all (counted for the first page only)
    people: list[str] = field(default_factory=list)  # some of the residents the person filter found
    people_count: int = 0


_ID_FRAGMENT = re.compile(r"^[0-9]+[0-9X]?$")


def _people(text: str) -> Any:
    """The residents a typed name or ID number (or part of one) means.

    A name matches exactly when someone has it (张秀 is not also 张秀英), else any name
    containing it; digits match anywhere in the ID number, as the register's search does.
    """
    text = text.strip()
    compact = text.replace(" ", "").upper()
    if _ID_FRAGMENT.match(compact):
        if len(compact) == 18:
            return Resident.select(Resident.id).where(Resident.id_number == compact)
        return Resident.select(Resident.id).where(Resident.id_number.contains(compact))
    exact = Resident.select(Resident.id).where(Resident.name == text)
    if exact.exists():
        return exact
    return Resident.select(Resident.id).where(Resident.name.contains(text))


def _as_text(model: type[BaseModel], where: Any) -> Any:
    """SELECT CAST(id AS TEXT) …: audit rows keep record ids as text."""
    return model.select(pw.Cast(model._meta.fields["id"], "TEXT")).where(where)


def _person_clause(people: Any) -> Any:
    """Audit rows about these residents: their own record and the records that name them."""
    cases = Case.select(Case.id).where(
        Case.mother.in_(people)
        | Case.father.in_(people)
        | Case.child.in_(people)
        | Case.person.in_(people)
    )
    related: list[tuple[str, Any]] = [
        ("resident", _as_text(Resident, Resident.id.in_(people))),
        ("resident_tag", _as_text(ResidentTag, ResidentTag.resident.in_(people))),
        ("life_event", _as_text(LifeEvent, LifeEvent.resident.in_(people))),
        ("casework_case", _as_text(Case, Case.id.in_(cases))),
        (
            "casework_child",
            _as_text(CaseChild, CaseChild.resident.in_(people) | CaseChild.case.in_(cases)),
        ),
        ("casework_follow_up", _as_text(FollowUp, FollowUp.case.in_(cases))),
        ("casework_reminder", _as_text(MaternalReminder, MaternalReminder.case.in_(cases))),
        ("casework_status_change", _as_text(CaseStatusChange, CaseStatusChange.case.in_(cases))),
        ("event_attendee", _as_text(EventAttendee, EventAttendee.resident.in_(people))),
        ("certificate", _as_text(Certificate, Certificate.resident.in_(people))),
    ]
    clause: Any = None
    for table, ids in related:
        term = (AuditLog.table_name == table) & AuditLog.record_id.in_(ids)
        clause = term if clause is None else clause | term
    return clause


def log_query(flt: LogFilter) -> Any:
    query = AuditLog.select()
    if flt.username:
        query = query.where(AuditLog.username == flt.username)
    if flt.action:
        query = query.where(AuditLog.action == flt.action)
    if flt.table_name:
        query = query.where(AuditLog.table_name == flt.table_name)
    text = flt.text.strip()
    if text:
        query = query.where(
            AuditLog.note.contains(text)
            | AuditLog.before.contains(text)
            | AuditLog.after.contains(text)
            | (AuditLog.record_id == text)
        )
    if flt.since:
        query = query.where(AuditLog.at >= dt.datetime.combine(flt.since, dt.time.min))
    if flt.until:
        query = query.where(
            AuditLog.at < dt.datetime.combine(flt.until + dt.timedelta(days=1), dt.time.min)
        )
    if flt.person.strip():
        query = query.where(_person_clause(_people(flt.person)))
    return query


@service(Perm.AUDIT_VIEW, write=False)
def search(
    actor: HasRole, flt: LogFilter, *, before_id: int | None = None, limit: int = PAGE_SIZE
) -> LogPage:
    """A page of the newest matching rows, readable; ``more`` says whether older ones match.

    The first page (no *before_id*) also counts the matching rows and, for a person filter,
    names the residents it found.
    """
    query = log_query(flt)
    paged = query if before_id is None else query.where(AuditLog.id < before_id)
    rows = list(paged.order_by(AuditLog.id.desc()).limit(limit + 1))
    if before_id is not None:
        return LogPage(readable(rows[:limit]), len(rows) > limit)
    people: list[str] = []
    count = 0
    if flt.person.strip():
        matched = _people(flt.person)
        count = matched.count()
        found = (
            Resident.select(Resident.name, Resident.id_number)
            .where(Resident.id.in_(matched))
            .order_by(Resident.id)
            .limit(5)
        )
        people = [
            describe_resident({"name": r.name, "id_number": r.id_number}, Lookup()) for r in found
        ]
    total = len(rows) if len(rows) <= limit else query.count()
    return LogPage(readable(rows[:limit]), len(rows) > limit, total, people, count)


@service(Perm.AUDIT_VIEW, write=False)
def user_choices(actor: HasRole) -> list[tuple[str, str]]:
    """(username, 李晓梅（clerk）) for everyone who appears in the log."""
    lookup = Lookup()
    return [(name, lookup.user(name)) for name in audit.log_users()]


@service(Perm.AUDIT_VIEW, write=False)
def action_choices(actor: HasRole) -> list[tuple[str, str]]:
    """(action, 修改) for every action in the log, in the order of ACTION_NAMES."""
    actions = [row.action for row in AuditLog.select(AuditLog.action).distinct()]
    order = list(audit.ACTION_NAMES)
    return sorted(
        ((a, action_name(a)) for a in actions),
        key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]),
    )


@service(Perm.AUDIT_VIEW, write=False)
def table_choices(actor: HasRole) -> list[tuple[str, str]]:
    """(table, 居民) for every kind of record in the log, in the order of TABLE_NAMES."""
    order = list(audit.TABLE_NAMES)
    return sorted(
        ((name, table_label(name)) for name in audit.log_tables()),
        key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]),
    )
