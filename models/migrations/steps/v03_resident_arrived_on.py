"""Schema version 3: the date a non-registered resident came to live here."""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.migrations.registry import migration


@migration(3)
def _add_resident_arrived_on(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Date a non-registered resident came to live here (decides 常住 after six months)."""
    migrate(migrator.add_column("resident", "arrived_on", pw.DateField(null=True)))
