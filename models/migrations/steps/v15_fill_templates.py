"""Schema version 15: 一表通, saved lists, department templates and the fills made from them.

New tables only; nothing that exists changes. Definitions frozen here (the live models in
models.fill.entities describe only the newest schema).
"""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator

from models.migrations.registry import migration


@migration(15)
def _fill_templates(db: pw.Database, migrator: SchemaMigrator) -> None:
    class Base(pw.Model):
        id = pw.AutoField()

        class Meta:
            database = db
            legacy_table_names = False  # index names as the live models make them

    class SavedList(Base):
        name = pw.CharField(unique=True, max_length=60)
        criteria = pw.TextField()
        notes = pw.TextField(default="")
        starter = pw.BooleanField(default=False)
        archived = pw.BooleanField(default=False)
        created_by = pw.CharField(max_length=50)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

    class FillTemplate(Base):
        name = pw.CharField(unique=True, max_length=60)
        department = pw.CharField(max_length=60, default="")
        filename = pw.CharField(max_length=200)
        source = pw.BlobField()
        source_sha256 = pw.CharField(max_length=64)
        sheet = pw.CharField(max_length=100)
        layout = pw.TextField()
        mapping = pw.TextField()
        saved_list = pw.ForeignKeyField(SavedList, null=True, on_delete="RESTRICT")
        sort = pw.CharField(max_length=20, default="household")
        date_rule = pw.CharField(max_length=20, default="as_of")
        starter = pw.BooleanField(default=False)
        archived = pw.BooleanField(default=False)
        created_by = pw.CharField(max_length=50)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

    class FillRun(Base):
        template = pw.ForeignKeyField(FillTemplate, on_delete="RESTRICT")
        as_of = pw.DateField()
        rows = pw.IntegerField()
        full_ids = pw.BooleanField(default=False)
        recipient = pw.CharField(max_length=100, default="")
        filename = pw.CharField(max_length=200)
        output = pw.BlobField()
        output_sha256 = pw.CharField(max_length=64)
        username = pw.CharField(max_length=50)
        made_at = pw.DateTimeField()

        class Meta:
            table_name = "fill_run"
            indexes = ((("template", "made_at"), False),)

    db.create_tables([SavedList, FillTemplate, FillRun])
