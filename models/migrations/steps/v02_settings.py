"""Schema version 2: settings that travel with the database."""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator

from models.migrations.registry import migration


@migration(2)
def _add_settings(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Settings that travel with the database (issuing unit's name, ID masking default)."""

    class Setting(pw.Model):
        key = pw.CharField(primary_key=True, max_length=100)
        value = pw.TextField()

        class Meta:
            database = db
            table_name = "setting"

    db.create_tables([Setting])
