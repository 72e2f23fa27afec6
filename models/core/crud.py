"""Audited create / update / archive / void: the only way services write a row.

Each call is one transaction holding the change and its audit row, so neither can exist
without the other (inside a service, models.core.service, a savepoint of its transaction). Text is cleaned at this door (models.core.text_rules): no control, NUL or
bidi-override character reaches a table. The audit log itself is append-only: update and
archive refuse it (and a database trigger refuses any UPDATE or DELETE, models.core.db).
"""

from __future__ import annotations

from typing import Any, TypeVar

import peewee

from models.core import audit, text_rules
from models.core.audit import Action
from models.core.entities import AuditLog, BaseModel, now
from models.core.permissions import HasRole
from models.core.service import service

M = TypeVar("M", bound=BaseModel)


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
    audit.record(
        actor.username,
        Action.CREATE,
        model._meta.table_name,
        instance.get_id(),
        None,
        audit.snapshot(instance),
        note,
    )
    return instance


@service(None)
def update(actor: HasRole, instance: M, note: str = "", **changes: Any) -> M:
    """Apply *changes* and audit what really changed (before and after, from the database)."""
    model = type(instance)
    _refuse_audit_log(model)
    changes = clean_fields(model, changes)
    stored = model.get_by_id(instance.get_id())
    before = audit.snapshot(stored)
    for key, value in changes.items():
        if key not in model._meta.fields:
            raise AttributeError(f"{model.__name__} has no field {key!r}")
        setattr(stored, key, value)
    if "updated_at" in model._meta.fields and "updated_at" not in changes:
        setattr(stored, "updated_at", now())  # noqa: B010 (M has no such attribute for mypy)
    after = audit.snapshot(stored)
    old, new = audit.changed(before, after)
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    if not new:
        return stored
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
    stored.save()
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
    stored.save()
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
