"""Schema version 16: one name for 计生服务 — the 计生专干 role is stored as "casework" (it was
"population", while the area was called casework in code and 计生服务 on screen).

Only the user table changes; the audit log keeps the old value in the rows of its time
(models.core.permissions.ROLE_NAMES_EVER names both).
"""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator

from models.migrations.registry import migration


@migration(16)
def _casework_role(db: pw.Database, migrator: SchemaMigrator) -> None:
    db.execute_sql("UPDATE \"user\" SET role = 'casework' WHERE role = 'population'")
