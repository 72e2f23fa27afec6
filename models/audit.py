"""Audit rows: written by every service that changes data, inside the same transaction."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import peewee as pw

from models.entities import AuditLog, BaseModel

# Never copied into the audit log: a password hash is a secret even when it changes.
_SECRET_FIELDS = {"password_hash"}


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, pw.Model):
        return value.get_id()
    return value


def snapshot(instance: BaseModel) -> dict[str, Any]:
    """The stored values of a row, as JSON-ready plain values (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for name, field in instance._meta.fields.items():
        if name in _SECRET_FIELDS:
            continue
        if isinstance(field, pw.ForeignKeyField):
            data[name] = instance.__data__.get(name)
        else:
            data[name] = _plain(getattr(instance, name))
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    username: str,
    action: str,
    table_name: str,
    record_id: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditLog:
    """Write one audit row. Call it inside the transaction of the change it describes."""
    return AuditLog.create(
        username=username,
        action=action,
        table_name=table_name,
        record_id=None if record_id is None else str(record_id),
        before=None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
        after=None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True),
        note=note,
    )


def history(table_name: str, record_id: Any) -> list[AuditLog]:
    return list(
        AuditLog.select()
        .where((AuditLog.table_name == table_name) & (AuditLog.record_id == str(record_id)))
        .order_by(AuditLog.id)
    )


def recent(limit: int = 200, username: str | None = None) -> list[AuditLog]:
    query = AuditLog.select().order_by(AuditLog.id.desc()).limit(limit)
    if username:
        query = query.where(AuditLog.username == username)
    return list(query)
