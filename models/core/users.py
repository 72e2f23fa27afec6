"""Accounts, sign-in with lock-out, and user management for the administrator."""

from __future__ import annotations

import datetime as dt
import math
import re

from models.core import audit, crud
from models.core.db import database
from models.core.entities import User, now
from models.core.errors import UserFacingError
from models.core.passwords import dummy_verify, hash_password, verify_password
from models.core.permissions import ROLE_NAMES, HasRole, Perm, Role
from models.core.service import SystemActor, service

MAX_FAILED_ATTEMPTS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8
SYSTEM = "system"
# One answer for an unknown name and for a known name with a wrong password, so that names
# cannot be probed by the message (nor by the time: both run scrypt once).
WRONG_CREDENTIALS = (
    f"用户名或密码错误。连续{MAX_FAILED_ATTEMPTS}次输错密码，账户将锁定{LOCK_MINUTES}分钟。"
)


class AuthError(UserFacingError):
    """Sign-in refused; the message is shown to the user as it is."""


class UserError(UserFacingError, ValueError):
    """Bad input for an account; the message is shown to the user as it is."""


def needs_first_admin() -> bool:
    return not User.select().exists()


def _check_username(username: str) -> str:
    username = username.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.\-\u4e00-\u9fff]{2,30}", username):
        raise UserError("用户名须为2至30个字母、数字、汉字或 _ . - 字符。")
    if User.select().where(User.username == username).exists():
        raise UserError(f"用户名“{username}”已存在。")
    return username


def check_password_strength(password: str) -> None:
    if not password.strip():
        raise UserError("密码不能只由空格组成。")
    if password != password.strip():
        raise UserError("密码的开头和结尾不能是空格。")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"密码至少需要{MIN_PASSWORD_LENGTH}个字符。")
    if password.isdigit() or password.isalpha():
        raise UserError("密码须同时包含字母和数字（或符号）。")


def create_first_admin(username: str, display_name: str, password: str) -> User:
    """The administrator account asked for on the very first start; refused afterwards."""
    with database.atomic():
        if not needs_first_admin():
            raise UserError("已有用户，不能再创建初始管理员。")
        username = _check_username(username)
        check_password_strength(password)
        return crud.create(
            SystemActor(SYSTEM),
            User,
            "初始管理员",
            username=username,
            display_name=display_name.strip() or username,
            role=Role.ADMIN.value,
            password_hash=hash_password(password),
        )


@service(Perm.USERS_MANAGE)
def create_user(actor: HasRole, username: str, display_name: str, role: str, password: str) -> User:
    if role not in ROLE_NAMES:
        raise UserError(f"未知角色“{role}”。")
    username = _check_username(username)
    check_password_strength(password)
    return crud.create(
        actor,
        User,
        username=username,
        display_name=display_name.strip() or username,
        role=role,
        password_hash=hash_password(password),
    )


def lock_minutes_left(user: User, at: dt.datetime) -> int:
    """Whole minutes until *user* may sign in again, rounded up (15:00 left says 15)."""
    assert user.locked_until is not None
    return max(1, math.ceil((user.locked_until - at).total_seconds() / 60))


def _locked_text(minutes: int) -> str:
    return f"密码错误次数过多，账户已锁定，请{minutes}分钟后再试或联系管理员解锁。"


def _count_failure(user: User, at: dt.datetime, what: str) -> bool:
    """Count a wrong password (sign-in or "change my password"); True when it locks the
    account. Committed at once: the caller raises afterwards, outside the transaction."""
    with database.atomic():
        stored = User.get_by_id(user.id)
        stored.failed_attempts += 1
        note = f"{what}（第{stored.failed_attempts}次）"
        locked = stored.failed_attempts >= MAX_FAILED_ATTEMPTS
        if locked:
            stored.locked_until = at + dt.timedelta(minutes=LOCK_MINUTES)
            stored.failed_attempts = 0
            note = f"连续{MAX_FAILED_ATTEMPTS}次密码错误，锁定{LOCK_MINUTES}分钟"
        stored.save()
        audit.record(stored.username, audit.Action.LOGIN_FAILED, "user", stored.id, note=note)
    user.failed_attempts, user.locked_until = stored.failed_attempts, stored.locked_until
    return locked


def authenticate(username: str, password: str, at: dt.datetime | None = None) -> User:
    """Return the user, or raise AuthError. Five wrong passwords lock for LOCK_MINUTES."""
    at = at or now()
    user = User.get_or_none(User.username == username.strip())
    if user is None or not user.active:
        dummy_verify(password)  # the same scrypt work as a known name: no timing tell
        raise AuthError(WRONG_CREDENTIALS)
    if user.locked_until and user.locked_until > at:
        raise AuthError(_locked_text(lock_minutes_left(user, at)))
    if not verify_password(password, user.password_hash):
        if _count_failure(user, at, "密码错误"):
            raise AuthError(
                f"密码错误次数过多，账户已锁定{LOCK_MINUTES}分钟，请稍后再试或联系管理员解锁。"
            )
        raise AuthError(WRONG_CREDENTIALS)
    with database.atomic():
        user.failed_attempts = 0
        user.locked_until = None
        user.last_login_at = at
        user.save()
        audit.record(user.username, audit.Action.LOGIN, "user", user.id)
    return user


def display_names() -> dict[str, str]:
    """username → the person's name, for showing who did something (登记人, 经办人)."""
    return {
        u.username: u.display_name or u.username
        for u in User.select(User.username, User.display_name)
    }


def display_name(username: str, names: dict[str, str] | None = None) -> str:
    """The name of *username* (kept as typed when no such account, e.g. 'cli', 'system')."""
    return (names if names is not None else display_names()).get(username, username)


def list_users() -> list[User]:
    # A fixed order (by username), so a user does not jump away when disabled or enabled.
    return list(User.select().order_by(User.username))


@service(Perm.USERS_MANAGE)
def set_role(actor: HasRole, user: User, role: str) -> User:
    if role not in ROLE_NAMES:
        raise UserError(f"未知角色“{role}”。")
    if user.role == Role.ADMIN.value and role != Role.ADMIN.value:
        _keep_one_admin(user)
    return crud.update(actor, user, role=role)


@service(Perm.USERS_MANAGE)
def set_active(actor: HasRole, user: User, active: bool) -> User:
    """Disable (never delete) an account, or enable it again."""
    if not active:
        if user.username == actor.username:
            raise UserError("不能停用自己正在使用的账户。")
        if user.role == Role.ADMIN.value:
            _keep_one_admin(user)
    return crud.update(actor, user, active=active)


@service(Perm.USERS_MANAGE)
def unlock(actor: HasRole, user: User) -> User:
    return crud.update(actor, user, failed_attempts=0, locked_until=None, note="解锁")


@service(Perm.USERS_MANAGE)
def reset_password(actor: HasRole, user: User, new_password: str) -> User:
    check_password_strength(new_password)
    user = User.get_by_id(user.id)
    user.password_hash = hash_password(new_password)
    user.failed_attempts = 0
    user.locked_until = None
    user.save()
    audit.record(
        actor.username, audit.Action.RESET_PASSWORD, "user", user.id, note="管理员重置密码"
    )
    return user


def change_own_password(
    user: User, old_password: str, new_password: str, at: dt.datetime | None = None
) -> User:
    """A wrong old password counts toward the lock like a wrong sign-in: the open window of
    someone who stepped away must not become a way to guess their password."""
    at = at or now()
    stored = User.get_by_id(user.id)
    if stored.locked_until and stored.locked_until > at:
        raise UserError(_locked_text(lock_minutes_left(stored, at)))
    if not verify_password(old_password, stored.password_hash):
        if _count_failure(stored, at, "修改密码时原密码错误"):
            raise UserError(
                f"原密码错误次数过多，账户已锁定{LOCK_MINUTES}分钟，"
                "在此期间不能修改密码，也不能重新登录。"
            )
        left = MAX_FAILED_ATTEMPTS - stored.failed_attempts
        raise UserError(f"原密码不正确。再错{left}次账户将被锁定。")
    check_password_strength(new_password)
    with database.atomic():
        user = User.get_by_id(user.id)
        user.password_hash = hash_password(new_password)
        user.save()
        audit.record(user.username, audit.Action.CHANGE_PASSWORD, "user", user.id)
    return user


def _keep_one_admin(user: User) -> None:
    others = (
        User.select()
        .where(
            (User.role == Role.ADMIN.value) & (User.active == True) & (User.id != user.id)  # noqa: E712
        )
        .exists()
    )
    if not others:
        raise UserError("至少需要保留一个启用的系统管理员账户。")
