"""The registry of schema migrations: version number → function (no imports of steps here)."""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw
from playhouse.migrate import SchemaMigrator

Migration = Callable[[pw.Database, SchemaMigrator], None]
MIGRATIONS: dict[int, Migration] = {}


def migration(version: int) -> Callable[[Migration], Migration]:
    def register(func: Migration) -> Migration:
        if version in MIGRATIONS:
            raise RuntimeError(f"two migrations for schema version {version}")
        MIGRATIONS[version] = func
        return func

    return register
