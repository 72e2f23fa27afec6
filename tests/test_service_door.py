"""The service layer's one door (models.core.service) and its one audited write path.

Every public service in models/ takes the actor first and goes through @service, which checks
the permission before the body runs and opens the transaction; audit rows are written through
models.core.audit with an audit.Action, never a bare string.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import typing
from pathlib import Path

import pytest

import models
from models.core import audit, crud, users
from models.core.db import database
from models.core.entities import AuditLog, Compound
from models.core.permissions import Perm, PermissionDenied
from models.core.service import ServiceInfo, service, service_info

ROOT = Path(__file__).resolve().parent.parent

# Public functions taking an actor first that are not services, each with why.
NOT_SERVICES = {
    "models.certificates.service.may_print_full_id": "a yes/no for the window (can()), no work",
    "models.certificates.service.default_full_id": "a yes/no for the window (a setting), no work",
    "models.monthly.submissions.may_submit": "a yes/no for the window (the role), no work",
}


def _model_modules() -> list[str]:
    names = [info.name for info in pkgutil.walk_packages(models.__path__, "models.")]
    assert len(names) > 50  # the walk found the package (not a vacuous pass)
    return names


def _actor_functions() -> list[tuple[str, object]]:
    found = []
    for name in _model_modules():
        module = importlib.import_module(name)
        for attr, func in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(func):
                continue
            if func.__module__ != name:  # imported from elsewhere: checked where it lives
                continue
            params = list(inspect.signature(func).parameters)
            if params and params[0] == "actor":
                found.append((f"{name}.{attr}", func))
    return found


def test_every_public_function_taking_an_actor_goes_through_the_door():
    functions = _actor_functions()
    assert len(functions) > 100
    missing = [
        name for name, func in functions if service_info(func) is None and name not in NOT_SERVICES
    ]
    assert not missing, "not decorated with @service (models.core.service): " + ", ".join(missing)
    names = {name for name, _ in functions}
    stale = [name for name in NOT_SERVICES if name not in names]
    assert not stale, f"allow-list names no such function: {stale}"
    for name in NOT_SERVICES:
        assert service_info(dict(functions)[name]) is None, f"{name} is a service now"


def test_the_door_keeps_the_signature_and_the_type_hints():
    assert users.create_user.__name__ == "create_user"
    assert users.create_user.__doc__ == users.create_user.__wrapped__.__doc__  # type: ignore[attr-defined]
    params = list(inspect.signature(users.create_user).parameters)
    assert params == ["actor", "username", "display_name", "role", "password"]
    hints = typing.get_type_hints(users.create_user)
    assert hints["return"] is users.User
    assert service_info(users.create_user) == ServiceInfo(Perm.USERS_MANAGE, True)


def _action_literals(path: Path, root: Path = ROOT) -> list[str]:
    """Lines where an audit row's action is a string literal."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        if name == "record" and ast.unparse(node.func.value) == "audit":
            index, keyword = 1, "action"  # audit.record(username, action, ...)
        elif name == "audit_note":
            index, keyword = 2, "action"  # events_service.audit_note(actor, event_id, action, …)
        else:
            continue
        args = [
            *node.args[index : index + 1],
            *(k.value for k in node.keywords if k.arg == keyword),
        ]
        if any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            found.append(f"{path.relative_to(root).as_posix()}:{node.lineno}")
    return found


def test_no_audit_row_is_written_with_a_string_for_its_action():
    files = [ROOT / "main.py"]
    for folder in ("models", "ui", "reports"):
        files += sorted((ROOT / folder).rglob("*.py"))
    assert len(files) > 100
    literals = [where for path in files for where in _action_literals(path)]
    assert not literals, "use audit.Action, not a string: " + ", ".join(literals)


def test_the_literal_check_sees_a_string_action(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'audit.record(user, "view", "resident", 1)\n'
        'audit.record(user, audit.Action.VIEW, "resident", 1)\n'
        'service.audit_note(actor, 3, "print", "note")\n'
        'audit.record(user, action="view", table_name="resident")\n',
        encoding="utf-8",
    )
    assert _action_literals(sample, tmp_path) == ["sample.py:1", "sample.py:3", "sample.py:4"]


# -- the door at work, on a real database ------------------------------------------------------


@service(Perm.REGISTRY_IMPORT)
def _add_compound(actor, name: str, fail: bool = False) -> Compound:
    row = crud.create(actor, Compound, name=name)
    if fail:
        raise RuntimeError("the body fails after writing")
    return row


@service(Perm.REGISTRY_VIEW, write=False)
def _in_transaction(actor) -> bool:
    return bool(database.in_transaction())


def _counts() -> tuple[int, int]:
    return Compound.select().count(), AuditLog.select().count()


def test_the_door_refuses_a_role_without_the_permission_before_any_write(officer):
    before = _counts()
    with pytest.raises(PermissionDenied):  # 计生专干 may not import the register
        _add_compound(officer, "一号院")
    assert _counts() == before
    with pytest.raises(PermissionDenied):  # a real service: the same door
        users.create_user(officer, "someone", "某人", "clerk", "test1234")
    assert _counts() == before
    assert users.User.get_or_none(users.User.username == "someone") is None


def test_the_door_rolls_back_everything_when_the_body_raises(clerk):
    before = _counts()
    with pytest.raises(RuntimeError):
        _add_compound(clerk, "二号院", fail=True)
    assert _counts() == before  # neither the row nor its audit row
    assert not database.in_transaction()
    row = _add_compound(clerk, "二号院")
    assert _counts() == (before[0] + 1, before[1] + 1)
    assert Compound.get_by_id(row.id).name == "二号院"


def test_a_read_only_service_opens_no_transaction_and_a_writing_one_does(clerk):
    assert _in_transaction(clerk) is False

    @service(None)
    def writing(actor) -> bool:
        return bool(database.in_transaction())

    assert writing(clerk) is True
    assert service_info(writing) == ServiceInfo(None, True)
    assert service_info(_in_transaction) == ServiceInfo(Perm.REGISTRY_VIEW, False)


# -- audit actions ----------------------------------------------------------------------------


def test_an_unknown_action_is_refused_and_writes_nothing(db):
    before = AuditLog.select().count()
    with pytest.raises(ValueError):
        audit.record("clerk", "frobnicate", "compound", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        audit.record_many("clerk", [audit.Entry("frobnicate", "compound", 1)])  # type: ignore[arg-type]
    assert AuditLog.select().count() == before


def test_actions_keep_their_stored_strings_and_chinese_names(db):
    row = audit.record("clerk", audit.Action.VIEW, "compound", 1)
    assert AuditLog.get_by_id(row.id).action == "view"
    assert audit.record("clerk", "view", "compound", 1).action == "view"  # type: ignore[arg-type]
    assert list(audit.ACTION_NAMES) == [a.value for a in audit.Action]
    assert audit.ACTION_NAMES["reveal_id"] == "查看完整身份证号"
    assert all(audit.ACTION_NAMES.values())


def test_record_many_writes_the_rows_record_writes(db):
    one = audit.record("clerk", audit.Action.UPDATE, "resident", 7, {"a": 1}, {"a": "二"}, "导入")
    stamp = AuditLog.get_by_id(one.id).at
    written = audit.record_many(
        "clerk",
        [
            audit.Entry(audit.Action.UPDATE, "resident", 7, {"a": 1}, {"a": "二"}, "导入"),
            audit.Entry(audit.Action.CREATE, "resident", 8, None, {"b": None}, "导入"),
        ],
        at=stamp,
    )
    assert written == 2
    assert audit.record_many("clerk", []) == 0
    rows = list(AuditLog.select().where(AuditLog.id > one.id - 1).order_by(AuditLog.id))
    fields = ("at", "username", "action", "table_name", "record_id", "before", "after", "note")

    def plain(r: AuditLog) -> tuple:
        return tuple(getattr(r, f) for f in fields)

    assert plain(rows[1]) == plain(rows[0])
    assert rows[2].action == "create" and rows[2].before is None
    assert json.loads(rows[2].after) == {"b": None}
