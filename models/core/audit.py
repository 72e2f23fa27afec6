"""Audit rows: written by every service that changes data, inside the same transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from typing import Any, NamedTuple

import peewee as pw

from models.core.db import database
from models.core.entities import AuditLog, BaseModel, now
from models.core.permissions import Perm
from models.core.service import service

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
        elif isinstance(field, pw.BlobField):  # a file kept in the row: its size, not its bytes
            blob = getattr(instance, name)
            data[name] = None if blob is None else f"{len(bytes(blob))} bytes"
        else:
            data[name] = _plain(getattr(instance, name))
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


class Action(str, Enum):
    """What an audit row says was done. The values are what the log stores (never renamed)."""

    CREATE = "create"
    UPDATE = "update"
    ARCHIVE = "archive"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    VIEW = "view"
    REVEAL_ID = "reveal_id"
    RESET_PASSWORD = "reset_password"
    CHANGE_PASSWORD = "change_password"
    DEMO = "demo"
    IMPORT = "import"
    EXPORT = "export"
    PRINT = "print"
    VOID = "void"
    ISSUE = "issue"
    REPRINT = "reprint"
    RESTORE = "restore"
    SUBMIT = "submit"
    FILL = "fill"
    MIGRATE = "migrate"


_ACTION_LABELS: dict[Action, str] = {
    Action.CREATE: "新增",
    Action.UPDATE: "修改",
    Action.ARCHIVE: "归档",
    Action.LOGIN: "登录",
    Action.LOGIN_FAILED: "登录失败",
    Action.VIEW: "查看",
    Action.REVEAL_ID: "查看完整身份证号",
    Action.RESET_PASSWORD: "重置密码",
    Action.CHANGE_PASSWORD: "修改密码",
    Action.DEMO: "装入示范数据",
    Action.IMPORT: "导入",
    Action.EXPORT: "导出",
    Action.PRINT: "打印",
    Action.VOID: "作废",
    Action.ISSUE: "开具",
    Action.REPRINT: "补打",
    Action.RESTORE: "恢复备份",
    Action.SUBMIT: "报送",
    Action.FILL: "一表通填表",
    Action.MIGRATE: "迁移到服务器",
}

# Stored action -> its Chinese name, in the order of Action (the log's filter lists them so).
ACTION_NAMES: dict[str, str] = {action.value: _ACTION_LABELS[action] for action in Action}


def _json(data: dict[str, Any] | None) -> str | None:
    return None if data is None else json.dumps(data, ensure_ascii=False, sort_keys=True)


def record(
    username: str,
    action: Action,
    table_name: str,
    record_id: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditLog:
    """Write one audit row. Call it inside the transaction of the change it describes.

    *action* is an Action (a string that is not one raises ValueError)."""
    return AuditLog.create(
        username=username,
        action=Action(action).value,
        table_name=table_name,
        record_id=None if record_id is None else str(record_id),
        before=_json(before),
        after=_json(after),
        note=note,
    )


class Entry(NamedTuple):
    """One row for record_many."""

    action: Action
    table_name: str
    record_id: Any = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    note: str = ""


_MANY_COLUMNS = ("at", "username", "action", "table_name", "record_id", "before", "after", "note")


def record_many(username: str, entries: Iterable[Entry], at: dt.datetime | None = None) -> int:
    """Write many audit rows at once (an import's thousands), all stamped *at* (default now).

    The same rows as record() would write, through the driver's executemany: one INSERT
    built per row by peewee took seconds at the size of a big register. Call it inside the
    transaction of the changes the rows describe. Returns how many rows were written."""
    stamp = (at or now()).isoformat(" ")
    params = [
        (
            stamp,
            username,
            Action(e.action).value,
            e.table_name,
            None if e.record_id is None else str(e.record_id),
            _json(e.before),
            _json(e.after),
            e.note,
        )
        for e in entries
    ]
    if not params:
        return 0
    columns = ", ".join(f'"{AuditLog._meta.fields[name].column_name}"' for name in _MANY_COLUMNS)
    db = database.obj if hasattr(database, "obj") else database
    marks = ", ".join([db.param] * len(_MANY_COLUMNS))
    db.cursor().executemany(
        f'INSERT INTO "{AuditLog._meta.table_name}" ({columns}) VALUES ({marks})', params
    )
    return len(params)


@service(Perm.AUDIT_VIEW, write=False)
def history(actor: Any, table_name: str, record_id: Any) -> list[AuditLog]:
    """Every audit row of one record, oldest first, for a role allowed to read the log."""
    return list(
        AuditLog.select()
        .where((AuditLog.table_name == table_name) & (AuditLog.record_id == str(record_id)))
        .order_by(AuditLog.id)
    )


@service(Perm.AUDIT_VIEW, write=False)
def recent(actor: Any, limit: int = 200, username: str | None = None) -> list[AuditLog]:
    """The newest audit rows, for a role allowed to read the log."""
    query = AuditLog.select().order_by(AuditLog.id.desc()).limit(limit)
    if username:
        query = query.where(AuditLog.username == username)
    return list(query)


TABLE_NAMES: dict[str, str] = {
    "user": "用户",
    "setting": "系统设置",
    "compound": "小区",
    "household": "住户",
    "resident": "居民",
    "resident_tag": "特殊人群",
    "life_event": "人口变动",
    "casework_case": "计生个案",
    "casework_child": "个案子女",
    "casework_follow_up": "随访",
    "casework_rate": "补贴扶助标准",
    "casework_reminder": "孕产期提醒",
    "casework_status_change": "个案状态",
    "certificate": "证明",
    "certificate_kind": "证明种类",
    "event": "社区活动",
    "event_attendee": "活动签到",
    "event_budget_line": "活动预算",
    "event_photo": "活动照片",
    "event_publicity": "活动宣传",
    "event_staff": "活动人员",
    "event_task": "活动准备事项",
    "event_template": "活动模板",
    "facility_centre": "服务中心",
    "facility_equipment": "设备",
    "facility_finding": "检查发现",
    "facility_inspection": "安全检查",
    "facility_photo": "设施照片",
    "facility_space": "用房",
    "facility_standard": "建设标准",
    "facility_standard_item": "标准项目",
    "backup": "备份",
    "database": "数据库",
    "audit_log": "操作日志",
    "report_submission": "月报报送",
    "saved_list": "名单",
    "fill_template": "一表通模板",
    "fill_run": "一表通生成记录",
    "monthly_report": "月度报表",
}


@service(Perm.AUDIT_VIEW, write=False)
def search_log(
    actor: Any,
    username: str = "",
    table_name: str = "",
    text: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 1000,
) -> list[AuditLog]:
    """The newest audit rows matching the filters, for a role allowed to read the log."""
    query = AuditLog.select().order_by(AuditLog.id.desc()).limit(limit)
    if username:
        query = query.where(AuditLog.username == username)
    if table_name:
        query = query.where(AuditLog.table_name == table_name)
    if text:
        like = (
            AuditLog.note.contains(text)
            | AuditLog.before.contains(text)
            | AuditLog.after.contains(text)
            | (AuditLog.record_id == text)
        )
        query = query.where(like)
    if since:
        query = query.where(AuditLog.at >= dt.datetime.combine(since, dt.time.min))
    if until:
        query = query.where(AuditLog.at <= dt.datetime.combine(until, dt.time.max))
    return list(query)


def log_users() -> list[str]:
    return [
        row.username
        for row in AuditLog.select(AuditLog.username).distinct().order_by(AuditLog.username)
    ]


def log_tables() -> list[str]:
    return [
        row.table_name
        for row in AuditLog.select(AuditLog.table_name).distinct().order_by(AuditLog.table_name)
    ]
