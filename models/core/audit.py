"""Audit rows: written by every service that changes data, inside the same transaction."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import peewee as pw

from models.core.entities import AuditLog, BaseModel

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


def history(actor: Any, table_name: str, record_id: Any) -> list[AuditLog]:
    """Every audit row of one record, oldest first, for a role allowed to read the log."""
    from models.core.permissions import Perm, require

    require(actor, Perm.AUDIT_VIEW)
    return list(
        AuditLog.select()
        .where((AuditLog.table_name == table_name) & (AuditLog.record_id == str(record_id)))
        .order_by(AuditLog.id)
    )


def recent(actor: Any, limit: int = 200, username: str | None = None) -> list[AuditLog]:
    """The newest audit rows, for a role allowed to read the log."""
    from models.core.permissions import Perm, require

    require(actor, Perm.AUDIT_VIEW)
    query = AuditLog.select().order_by(AuditLog.id.desc()).limit(limit)
    if username:
        query = query.where(AuditLog.username == username)
    return list(query)


ACTION_NAMES: dict[str, str] = {
    "create": "新增", "update": "修改", "archive": "归档", "login": "登录",
    "login_failed": "登录失败", "view": "查看", "reveal_id": "查看完整身份证号",
    "reset_password": "重置密码", "change_password": "修改密码", "demo": "装入示范数据",
    "import": "导入", "export": "导出", "print": "打印", "void": "作废",
    "issue": "开具", "reprint": "补打", "restore": "恢复备份", "submit": "报送",
    "fill": "一表通填表",
}


TABLE_NAMES: dict[str, str] = {
    "user": "用户", "setting": "系统设置", "compound": "小区", "household": "住户",
    "resident": "居民", "resident_tag": "特殊人群", "life_event": "人口变动",
    "casework_case": "计生个案", "casework_child": "个案子女", "casework_follow_up": "随访",
    "casework_rate": "补贴扶助标准", "casework_reminder": "孕产期提醒",
    "casework_status_change": "个案状态", "certificate": "证明", "certificate_kind": "证明种类",
    "event": "社区活动", "event_attendee": "活动签到", "event_budget_line": "活动预算",
    "event_photo": "活动照片", "event_publicity": "活动宣传", "event_staff": "活动人员",
    "event_task": "活动准备事项", "event_template": "活动模板", "facility_centre": "服务中心",
    "facility_equipment": "设备", "facility_finding": "检查发现", "facility_inspection": "安全检查",
    "facility_photo": "设施照片", "facility_space": "用房", "facility_standard": "建设标准",
    "facility_standard_item": "标准项目", "backup": "备份",
    "database": "数据库", "audit_log": "操作日志", "report_submission": "月报报送",
    "saved_list": "名单", "fill_template": "一表通模板", "fill_run": "一表通生成记录",
    "monthly_report": "月度报表",
}


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
    from models.core.permissions import Perm, require

    require(actor, Perm.AUDIT_VIEW)
    query = AuditLog.select().order_by(AuditLog.id.desc()).limit(limit)
    if username:
        query = query.where(AuditLog.username == username)
    if table_name:
        query = query.where(AuditLog.table_name == table_name)
    if text:
        like = (AuditLog.note.contains(text) | AuditLog.before.contains(text)
                | AuditLog.after.contains(text) | (AuditLog.record_id == text))
        query = query.where(like)
    if since:
        query = query.where(AuditLog.at >= dt.datetime.combine(since, dt.time.min))
    if until:
        query = query.where(AuditLog.at <= dt.datetime.combine(until, dt.time.max))
    return list(query)


def log_users() -> list[str]:
    return [row.username for row in AuditLog.select(AuditLog.username).distinct()
            .order_by(AuditLog.username)]


def log_tables() -> list[str]:
    return [row.table_name for row in AuditLog.select(AuditLog.table_name).distinct()
            .order_by(AuditLog.table_name)]
