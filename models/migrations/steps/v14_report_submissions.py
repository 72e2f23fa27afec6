"""Schema version 14: monthly reports as they were sent (报送), frozen with their PDF.

A new table only; nothing that exists changes. The definition is frozen here (the live
model, models.core.entities.ReportSubmission, describes only the newest schema).
"""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator

from models.migrations.registry import migration


@migration(14)
def _report_submissions(db: pw.Database, migrator: SchemaMigrator) -> None:
    class Base(pw.Model):
        id = pw.AutoField()

        class Meta:
            database = db
            legacy_table_names = False  # index names as the live models make them

    class Compound(Base):
        class Meta:
            table_name = "compound"

    class ReportSubmission(Base):
        serial = pw.CharField(unique=True, max_length=20)
        year = pw.IntegerField()
        number = pw.IntegerField()
        month = pw.CharField(max_length=7, index=True)
        compound = pw.ForeignKeyField(Compound, null=True, on_delete="RESTRICT")
        scope_name = pw.CharField(max_length=100)
        kind = pw.CharField(max_length=12, default="submit")
        corrects = pw.ForeignKeyField("self", null=True, on_delete="RESTRICT")
        reason = pw.TextField(default="")
        figures = pw.TextField()
        closing = pw.IntegerField(default=0)
        last_event_id = pw.IntegerField(default=0)
        pdf = pw.BlobField()
        pdf_sha256 = pw.CharField(max_length=64)
        username = pw.CharField(max_length=50)
        submitted_at = pw.DateTimeField()

        class Meta:
            table_name = "report_submission"
            indexes = ((("year", "number"), True), (("month", "compound"), False))

    db.create_tables([ReportSubmission])
