"""Schema version 18: the attachment table, where a register on an office server (PostgreSQL)
keeps its photos' bytes so that every clerk's PC sees the same files (models.core.files).

A new table only, created on both engines (it stays empty on SQLite, whose photos are files
beside the database). The definition is frozen here (the live model,
models.core.attachments.Attachment, describes only the newest schema).
"""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator

from models.migrations.registry import migration


@migration(18)
def _attachments(db: pw.Database, migrator: SchemaMigrator) -> None:
    class Attachment(pw.Model):
        id = pw.AutoField()
        path = pw.CharField(unique=True, max_length=300)
        sha256 = pw.CharField(max_length=64)
        size = pw.BigIntegerField()
        bytes = pw.BlobField()
        created_at = pw.DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False  # index names as the live models make them
            table_name = "attachment"

    db.create_tables([Attachment])
