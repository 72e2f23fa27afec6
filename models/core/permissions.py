"""Roles and what each may do. Services call require(); the window only mirrors it."""

from __future__ import annotations

from enum import Enum
from typing import Protocol

from models.core.errors import UserFacingError


class Role(str, Enum):
    CLERK = "clerk"  # 社区工作人员
    CASEWORK = "casework"  # 计生专干 (stored as "population" before schema version 16)
    SUPERVISOR = "supervisor"  # 主任
    ADMIN = "admin"  # 系统管理员 (IT)


ROLE_NAMES: dict[str, str] = {
    Role.CLERK.value: "社区工作人员",
    Role.CASEWORK.value: "计生专干",
    Role.SUPERVISOR.value: "主任",
    Role.ADMIN.value: "系统管理员",
}
# Every role value ever stored: the audit log keeps the values of its time.
ROLE_NAMES_EVER: dict[str, str] = {**ROLE_NAMES, "population": ROLE_NAMES[Role.CASEWORK.value]}


class Perm(str, Enum):
    REGISTRY_VIEW = "registry.view"
    REGISTRY_EDIT = "registry.edit"
    REVEAL_ID = "registry.reveal_id"  # see a full ID number (each reveal is logged)
    REGISTRY_IMPORT = "registry.import"
    CASEWORK_VIEW = "casework.view"  # open sensitive population-services records
    CASEWORK_EDIT = "casework.edit"
    RATES_EDIT = "casework.rates"
    EVENTS_EDIT = "events.edit"
    FACILITIES_EDIT = "facilities.edit"
    FACILITIES_STANDARD = "facilities.standard"  # change the standard the centre is held to
    REPORTS_PRINT = "reports.print"
    CERTIFICATE_ISSUE = "certificates.issue"
    CERTIFICATE_KINDS = "certificates.kinds"
    USERS_MANAGE = "users.manage"
    BACKUP = "backup"
    SETTINGS_EDIT = "settings.edit"
    AUDIT_VIEW = "audit.view"


_EVERYONE = {
    Perm.REGISTRY_VIEW,
    Perm.REGISTRY_EDIT,
    Perm.EVENTS_EDIT,
    Perm.FACILITIES_EDIT,
    Perm.REPORTS_PRINT,
    Perm.CERTIFICATE_ISSUE,
    Perm.BACKUP,
}

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.CLERK.value: frozenset(_EVERYONE | {Perm.REGISTRY_IMPORT}),
    Role.CASEWORK.value: frozenset(
        _EVERYONE | {Perm.CASEWORK_VIEW, Perm.CASEWORK_EDIT, Perm.REVEAL_ID}
    ),
    Role.SUPERVISOR.value: frozenset(
        _EVERYONE
        | {
            Perm.CASEWORK_VIEW,
            Perm.CASEWORK_EDIT,
            Perm.REVEAL_ID,
            Perm.REGISTRY_IMPORT,
            Perm.AUDIT_VIEW,
            Perm.FACILITIES_STANDARD,
        }
    ),
    Role.ADMIN.value: frozenset(Perm),
}


class HasRole(Protocol):
    username: str
    role: str


class PermissionDenied(UserFacingError, PermissionError):
    """Raised by services when the signed-in user's role may not do something."""


_PERM_TEXT: dict[Perm, str] = {
    Perm.REGISTRY_VIEW: "查看人口信息",
    Perm.REGISTRY_EDIT: "修改人口信息",
    Perm.REVEAL_ID: "查看完整身份证号码",
    Perm.REGISTRY_IMPORT: "导入人口信息",
    Perm.CASEWORK_VIEW: "查看计生服务个案",
    Perm.CASEWORK_EDIT: "办理计生服务个案",
    Perm.RATES_EDIT: "修改补贴和扶助标准",
    Perm.EVENTS_EDIT: "管理社区活动",
    Perm.FACILITIES_EDIT: "管理设施台账",
    Perm.FACILITIES_STANDARD: "修改设施建设标准",
    Perm.REPORTS_PRINT: "打印报表",
    Perm.CERTIFICATE_ISSUE: "开具证明",
    Perm.CERTIFICATE_KINDS: "管理证明种类",
    Perm.USERS_MANAGE: "管理用户",
    Perm.BACKUP: "备份数据",
    Perm.SETTINGS_EDIT: "修改系统设置",
    Perm.AUDIT_VIEW: "查看操作日志",
}


def can(user: HasRole | None, perm: Perm) -> bool:
    if user is None:
        return False
    return perm in ROLE_PERMS.get(user.role, frozenset())


def require(user: HasRole | None, perm: Perm) -> None:
    if not can(user, perm):
        role = ROLE_NAMES.get(user.role, user.role) if user is not None else "未登录"
        raise PermissionDenied(f"当前角色（{role}）无权{_PERM_TEXT[perm]}。")
