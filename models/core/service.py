"""The one door of the service layer: who may call a service, and its transaction.

    @service(Perm.REGISTRY_EDIT)
    def update_compound(actor: HasRole, compound_id: int, **changes: Any) -> Compound: ...

checks the actor's permission before the body runs (nothing is read or written for a role
without it) and runs the body inside one transaction (database.atomic()), so a service that
raises half-way leaves nothing behind; services it calls nest as savepoints. ``write=False``
is for read-only services: the permission check, no transaction. ``perm=None`` is for a
service whose permission depends on its arguments (it calls permissions.require itself).

The wrapped function carries ``__service__`` (a ServiceInfo) so tests can check that every
public service in models/ goes through this door (tests/test_service_door.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from models.core.db import database
from models.core.permissions import HasRole, Perm, require

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class ServiceInfo:
    perm: Perm | None
    write: bool


def _actor(args: tuple[object, ...], kwargs: dict[str, object]) -> HasRole | None:
    actor = args[0] if args else kwargs.get("actor")
    return actor  # type: ignore[return-value]  # the first parameter is the actor by contract


def service(perm: Perm | None, *, write: bool = True) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service whose first positional parameter is the actor (see the module)."""
    info = ServiceInfo(perm, write)

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def door(*args: P.args, **kwargs: P.kwargs) -> R:
            if perm is not None:
                require(_actor(args, kwargs), perm)
            if not write:
                return func(*args, **kwargs)
            with database.atomic():
                return func(*args, **kwargs)

        door.__service__ = info  # type: ignore[attr-defined]
        return door

    return decorate


@dataclass
class SystemActor:
    """Who writes what the program does on its own (a first administrator, a built-in kind)
    when it goes through models.core.crud. It has no role: no service lets it in."""

    username: str = "system"
    role: str = ""


SYSTEM = SystemActor()


def service_info(func: object) -> ServiceInfo | None:
    """The door a function goes through, or None when it is not a service."""
    info = getattr(func, "__service__", None)
    return info if isinstance(info, ServiceInfo) else None
