import datetime as dt
import json

import pytest

from models.core import users
from models.core.entities import AuditLog, User
from models.core.permissions import Perm, PermissionDenied, Role, can
from tests.conftest import PASSWORD


def test_first_admin_only_once_and_password_is_a_slow_salted_hash(db):
    assert users.needs_first_admin()
    admin = users.create_first_admin("admin", "管理员", "secret123")
    stored = User.get_by_id(admin.id).password_hash
    assert stored.startswith("scrypt$") and "secret123" not in stored
    other = users.create_user(admin, "clerk2", "", Role.CLERK.value, "secret123")
    assert User.get_by_id(other.id).password_hash != stored  # salted
    with pytest.raises(users.UserError):
        users.create_first_admin("admin2", "x", "secret123")


def test_weak_password_refused(db):
    with pytest.raises(users.UserError, match="至少"):
        users.create_first_admin("admin", "管理员", "a1")
    with pytest.raises(users.UserError, match="字母和数字"):
        users.create_first_admin("admin", "管理员", "12345678")


def test_five_wrong_passwords_lock_the_account(clerk):
    at = dt.datetime(2026, 11, 27, 9, 0, 0)
    for _ in range(4):
        with pytest.raises(users.AuthError, match="用户名或密码错误"):
            users.authenticate("clerk", "wrong-pass", at)
    with pytest.raises(users.AuthError, match="锁定"):
        users.authenticate("clerk", "wrong-pass", at)
    locked = User.get(User.username == "clerk")
    assert locked.locked_until == at + dt.timedelta(minutes=users.LOCK_MINUTES)
    # Even the right password is refused while locked …
    with pytest.raises(users.AuthError, match="锁定"):
        users.authenticate("clerk", PASSWORD, at + dt.timedelta(minutes=1))
    # … and accepted once the lock has run out.
    assert users.authenticate("clerk", PASSWORD, at + dt.timedelta(minutes=16)).username == "clerk"
    failures = AuditLog.select().where(AuditLog.action == "login_failed").count()
    assert failures == 5


def test_admin_unlocks_and_unknown_user_gets_same_message(admin, clerk):
    for _ in range(5):
        with pytest.raises(users.AuthError):
            users.authenticate("clerk", "nope-nope1")
    users.unlock(admin, User.get(User.username == "clerk"))
    assert users.authenticate("clerk", PASSWORD).username == "clerk"
    with pytest.raises(users.AuthError, match="用户名或密码错误"):
        users.authenticate("nobody", "whatever1")


def test_roles_are_enforced_in_the_service_layer(admin, clerk, officer):
    assert not can(clerk, Perm.CASEWORK_VIEW) and can(officer, Perm.CASEWORK_VIEW)
    with pytest.raises(PermissionDenied, match="无权管理用户"):
        users.create_user(clerk, "sneaky", "x", Role.ADMIN.value, "secret123")
    with pytest.raises(PermissionDenied):
        users.set_role(clerk, clerk, Role.ADMIN.value)
    assert User.get_by_id(clerk.id).role == Role.CLERK.value


def test_role_change_is_audited_and_last_admin_is_kept(admin, clerk):
    users.set_role(admin, clerk, Role.SUPERVISOR.value)
    row = (
        AuditLog.select()
        .where((AuditLog.table_name == "user") & (AuditLog.action == "update"))
        .get()
    )
    assert json.loads(row.before) == {"role": "clerk"}
    assert json.loads(row.after) == {"role": "supervisor"}
    assert row.username == "admin"
    with pytest.raises(users.UserError, match="至少需要保留"):
        users.set_role(admin, admin, Role.CLERK.value)


def test_disabled_user_cannot_sign_in_and_is_not_deleted(admin, clerk):
    users.set_active(admin, clerk, False)
    with pytest.raises(users.AuthError):
        users.authenticate("clerk", PASSWORD)
    assert User.select().where(User.username == "clerk").exists()
    with pytest.raises(users.UserError, match="自己"):
        users.set_active(admin, admin, False)


def test_password_never_reaches_the_audit_log(admin):
    users.create_user(admin, "newbie", "新人", Role.CLERK.value, "topsecret9")
    users.reset_password(admin, User.get(User.username == "newbie"), "another99x")
    text = " ".join(f"{a.before} {a.after} {a.note}" for a in AuditLog.select())
    assert "scrypt$" not in text and "topsecret9" not in text and "another99x" not in text
