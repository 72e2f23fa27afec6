"""Schema version 17: a row version on the tables clerks edit at the same time (compound,
household, resident), so that a second clerk's save cannot silently overwrite the first's.

One column per table, added in place (``ALTER TABLE … ADD COLUMN … NOT NULL DEFAULT 1`` on
both engines: no table is rebuilt, so the search triggers and foreign keys stay as they are);
every existing row starts at version 1. The field is frozen here (the live models use
models.core.entities.row_version_field, which describes only the newest schema).
"""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.migrations.registry import migration

TABLES = ("compound", "household", "resident")


@migration(17)
def _row_versions(db: pw.Database, migrator: SchemaMigrator) -> None:
    migrate(
        *(
            migrator.add_column(
                table,
                "row_version",
                pw.IntegerField(default=1, constraints=[pw.SQL("DEFAULT 1")]),
                allow_not_null=True,  # NOT NULL DEFAULT 1 at once: old rows get 1
            )
            for table in TABLES
        )
    )
