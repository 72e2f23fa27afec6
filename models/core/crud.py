"""Audited create / update / archive / void: the only way services write a row.

Each call is one transaction holding the change and its audit row, so neither can exist
without the other (inside a service, models.core.service, a savepoint of its transaction).
Text is cleaned at this door (models.core.text_rules): no control, NUL or
bidi-override character reaches a table. The audit log itself is append-only: update and
archive refuse it (and a database trigger refuses any UPDATE or DELETE, models.core.db).

A table with a row version (compound, household, resident: schema v17) is updated with
``UPDATE … WHERE id = ? AND row_version = ?`` (a peewee query, the same on both engines):
a save made from an older version than the stored one raises EditConflict, naming who
changed the row since, when and which fields (from its newest audit rows), and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeVar

import peewee

from models.core import audit, clock, text_rules
from models.core.audit import Action
from models.core.entities import EDIT_LABELS, AuditLog, BaseModel, User, now
from models.core.errors import EditConflict
from models.core.permissions import HasRole
from models.core.service import service

M = TypeVar("M", bound=BaseModel)
VERSION = "row_version"  # models.core.entities.row_version_field (schema v17)
_WRITES = (Action.UPDATE.value, Action.ARCHIVE.value, Action.VOID.value)  # each bumps it


def clean_fields(model: type[BaseModel], fields: dict[str, Any]) -> dict[str, Any]:
    """*fields* with every text value cleaned (line breaks kept in TextFields only)."""
    cleaned = dict(fields)
    for key, value in fields.items():
        field = model._meta.fields.get(key)
        if isinstance(value, str) and isinstance(field, (peewee.CharField, peewee.TextField)):
            cleaned[key] = text_rules.clean(value, multiline=isinstance(field, peewee.TextField))
    return cleaned


def _refuse_audit_log(model: type[BaseModel]) -> None:
    if issubclass(model, AuditLog) or model._meta.table_name == AuditLog._meta.table_name:
        raise PermissionError("操作日志只能追加，不能修改或删除。")


# -- row versions ------------------------------------------------------------------------
def _loaded_version(instance: BaseModel, expected: int | None, stored: BaseModel) -> int:
    """The version the clerk's window loaded: *expected*, else the one *instance* holds
    (a row selected without that column counts as loaded now)."""
    if expected is not None:
        return int(expected)
    value = instance.__data__.get(VERSION)
    return int(value if value is not None else stored.__data__[VERSION])


def _write_versioned(
    model: type[BaseModel], stored: BaseModel, loaded: int, values: dict[str, Any]
) -> None:
    """UPDATE … SET values, row_version = row_version + 1 WHERE id = ? AND row_version = ?;
    EditConflict when no row matched (someone saved in between, on either engine)."""
    version = model._meta.fields[VERSION]
    columns: dict[Any, Any] = {model._meta.fields[key]: value for key, value in values.items()}
    columns[version] = version + 1
    query = model.update(columns).where(
        (model._meta.primary_key == stored.get_id()) & (version == loaded)
    )
    if query.execute() != 1:
        raise edit_conflict(model, model.get_by_id(stored.get_id()), loaded)
    stored.__data__[VERSION] = loaded + 1


def _when(at: dt.datetime) -> str:
    if at.date() == clock.today():
        return f"{at:%H:%M}"
    if at.year == clock.today().year:
        return f"{at.month}月{at.day}日 {at:%H:%M}"
    return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"


def edit_conflict(model: type[BaseModel], current: BaseModel, loaded: int) -> EditConflict:
    """The refusal of a save made from version *loaded* of a row now at *current*'s: who
    changed it since, when and what, read from the newest audit rows of that record."""
    table = model._meta.table_name
    now_version = int(current.__data__.get(VERSION) or 0)
    missed = now_version - loaded
    rows: list[AuditLog] = []
    if missed > 0:
        rows = list(
            AuditLog.select()
            .where(
                (AuditLog.table_name == table)
                & (AuditLog.record_id == str(current.get_id()))
                & AuditLog.action.in_(_WRITES)
            )
            .order_by(AuditLog.id.desc())
            .limit(missed)
        )
    noun = audit.TABLE_NAMES.get(table, "记录")
    tail = "，您的修改没有保存。请重新打开后再改。"
    details = {
        "table_name": table,
        "record_id": current.get_id(),
        "loaded_version": loaded,
        "current_version": now_version,
    }
    if not rows:
        return EditConflict(f"该{noun}已被他人修改{tail}", **details)  # type: ignore[arg-type]
    usernames = list(dict.fromkeys(row.username for row in rows))
    names: dict[str, str] = {
        user.username: user.display_name
        for user in User.select(User.username, User.display_name).where(
            User.username.in_(usernames)
        )
    }
    who = tuple(names.get(u) or u for u in usernames)
    keys: set[str] = set()
    notes: list[str] = []  # rows written by touch(): no fields, the change in the note
    for row in rows:
        after = json.loads(row.after or "{}")
        keys.update(after)
        if not after and row.note:  # "…（特殊人群）" or "特殊人群"
            notes.append(row.note.rsplit("（", 1)[-1].rstrip("）"))
    order = list(model._meta.fields)
    ordered = sorted(keys, key=lambda k: (order.index(k) if k in order else len(order), k))
    named = EDIT_LABELS.get(table, {})
    words = [named.get(key, key) for key in ordered if named.get(key, key)]
    labels = tuple(dict.fromkeys([*words, *notes]))
    what = f"（{'、'.join(labels)}）" if labels else ""
    message = f"该{noun}已由 {'、'.join(who)} 于 {_when(rows[0].at)} 修改{what}{tail}"
    return EditConflict(message, changed_by=who, fields=labels, **details)  # type: ignore[arg-type]


def _save_one(
    model: type[BaseModel], stored: BaseModel, instance: BaseModel, values: dict[str, Any]
) -> None:
    """archive/void: set *values* on a row loaded just now; a versioned row moves on a
    version (from the stored one: ending a record overwrites nobody's typing)."""
    if VERSION not in model._meta.fields:
        stored.save()
        return
    _write_versioned(model, stored, int(stored.__data__[VERSION]), values)
    setattr(instance, VERSION, stored.__data__[VERSION])


@service(None)
def touch(actor: HasRole, instance: M, note: str, *, what: str) -> M:
    """Move a versioned row on a version for a change kept in other tables (a person's
    special groups), from the version *instance* holds (EditConflict if it moved already),
    with an "update" audit row on the record saying so: no fields, its note "*note*（*what*）"
    (or *what* alone), *what* being the words an edit conflict names the change by."""
    model = type(instance)
    _refuse_audit_log(model)
    stored = model.get_by_id(instance.get_id())
    loaded = _loaded_version(instance, None, stored)
    values = {"updated_at": now()} if "updated_at" in model._meta.fields else {}
    _write_versioned(model, stored, loaded, values)
    setattr(instance, VERSION, loaded + 1)
    audit.record(
        actor.username,
        Action.UPDATE,
        model._meta.table_name,
        stored.get_id(),
        None,
        None,
        f"{note}（{what}）" if note else what,
    )
    return stored


# Each of these is one transaction (the door, models.core.service); the caller's role was
# checked by the service that calls them.
@service(None)
def create(
    actor: HasRole,
    model: type[M],
    note: str = "",
    *,
    columns: dict[str, Any] | None = None,
    **fields: Any,
) -> M:
    """Insert a row and its "create" audit row (*note* is the audit row's note). A column
    named like a parameter here (a model's own ``note``) is given in *columns*."""
    fields = clean_fields(model, {**(columns or {}), **fields})
    instance = model.create(**fields)
    after = audit.snapshot(instance)
    after.pop(VERSION, None)  # always 1 at first; the log says what changed, not versions
    audit.record(
        actor.username,
        Action.CREATE,
        model._meta.table_name,
        instance.get_id(),
        None,
        after,
        note,
    )
    return instance


@service(None)
def update(
    actor: HasRole,
    instance: M,
    note: str = "",
    *,
    expected_version: Any = None,  # int | None (Any: callers spread dict[str, object] columns)
    **changes: Any,
) -> M:
    """Apply *changes* and audit what really changed (before and after, from the database).

    A model with a row version (schema v17) is updated only where the version is still the
    one the clerk loaded: *expected_version*, or the version *instance* was loaded with. When
    someone saved the row since, EditConflict says who, when and what, and nothing is
    written. A save that changes nothing writes nothing (and bumps no version)."""
    model = type(instance)
    _refuse_audit_log(model)
    changes = clean_fields(model, changes)
    for key in changes:
        if key not in model._meta.fields:
            raise AttributeError(f"{model.__name__} has no field {key!r}")
    stored = model.get_by_id(instance.get_id())
    versioned = VERSION in model._meta.fields
    loaded = _loaded_version(instance, expected_version, stored) if versioned else 0
    if versioned and stored.__data__.get(VERSION) != loaded:
        raise edit_conflict(model, stored, loaded)
    before = audit.snapshot(stored)
    for key, value in changes.items():
        setattr(stored, key, value)
    if "updated_at" in model._meta.fields and "updated_at" not in changes:
        setattr(stored, "updated_at", now())  # noqa: B010 (M has no such attribute for mypy)
    after = audit.snapshot(stored)
    old, new = audit.changed(before, after)
    for quiet in ("updated_at", VERSION):
        old.pop(quiet, None)
        new.pop(quiet, None)
    if not new:
        return stored
    if versioned:
        written = [*changes, *(["updated_at"] if "updated_at" in model._meta.fields else [])]
        _write_versioned(model, stored, loaded, {key: stored.__data__[key] for key in written})
        setattr(instance, VERSION, loaded + 1)
    else:
        stored.save()
    audit.record(
        actor.username, Action.UPDATE, model._meta.table_name, stored.get_id(), old, new, note
    )
    for key in changes:
        setattr(instance, key, getattr(stored, key))
    return stored


@service(None)
def archive(actor: HasRole, instance: M, note: str = "", field: str = "archived") -> M:
    """End a record instead of deleting it; it stays in the database and the audit log."""
    model = type(instance)
    _refuse_audit_log(model)
    stored = model.get_by_id(instance.get_id())
    setattr(stored, field, True)
    _save_one(model, stored, instance, {field: True})
    audit.record(
        actor.username,
        Action.ARCHIVE,
        model._meta.table_name,
        stored.get_id(),
        {field: False},
        {field: True},
        note,
    )
    setattr(instance, field, True)
    return stored


@service(None)
def void(actor: HasRole, instance: M, reason: str, note: str = "") -> M:
    """Withdraw a mistaken record (kept, marked void with its reason), audited as "void"."""
    model = type(instance)
    _refuse_audit_log(model)
    reason = clean_fields(model, {"void_reason": reason})["void_reason"]
    stored = model.get_by_id(instance.get_id())
    setattr(stored, "voided", True)  # noqa: B010 (M has no such attribute for mypy)
    setattr(stored, "void_reason", reason)  # noqa: B010
    _save_one(model, stored, instance, {"voided": True, "void_reason": reason})
    audit.record(
        actor.username,
        Action.VOID,
        model._meta.table_name,
        stored.get_id(),
        {"voided": False},
        {"voided": True, "void_reason": reason},
        note,
    )
    setattr(instance, "voided", True)  # noqa: B010
    setattr(instance, "void_reason", reason)  # noqa: B010
    return stored
