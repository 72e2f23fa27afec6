"""一表通 tables: saved resident lists (名单), department templates and every fill made.

A template keeps the department's own file as received (source), the column mapping the
clerk settled on, the list it is filled from, its sort and its date rule. Each fill keeps
the file that was produced and whom it was for, so the history shows what was sent to whom.
Nothing here is deleted: lists and templates are archived.
"""

from __future__ import annotations

import peewee as pw

from models.core.entities import BaseModel, now


class SavedList(BaseModel):
    name = pw.CharField(unique=True, max_length=60)
    criteria = pw.TextField()  # models.fill.lists.ListCriteria as JSON
    notes = pw.TextField(default="")
    starter = pw.BooleanField(default=False)  # shipped with the program (still editable)
    archived = pw.BooleanField(default=False)
    created_by = pw.CharField(max_length=50)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)


class FillTemplate(BaseModel):
    name = pw.CharField(unique=True, max_length=60)
    department = pw.CharField(max_length=60, default="")
    filename = pw.CharField(max_length=200)
    source = pw.BlobField()  # the department's file exactly as received
    source_sha256 = pw.CharField(max_length=64)
    sheet = pw.CharField(max_length=100)
    layout = pw.TextField()  # models.fill.layout.TemplateLayout as JSON
    mapping = pw.TextField()  # {sheet column: field key}, see models.fill.fields
    saved_list = pw.ForeignKeyField(SavedList, null=True, on_delete="RESTRICT")
    sort = pw.CharField(max_length=20, default="household")
    date_rule = pw.CharField(max_length=20, default="as_of")
    starter = pw.BooleanField(default=False)
    archived = pw.BooleanField(default=False)
    created_by = pw.CharField(max_length=50)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)


class FillRun(BaseModel):
    template = pw.ForeignKeyField(FillTemplate, backref="runs", on_delete="RESTRICT")
    as_of = pw.DateField()
    rows = pw.IntegerField()
    full_ids = pw.BooleanField(default=False)
    recipient = pw.CharField(max_length=100, default="")  # 报送对象
    filename = pw.CharField(max_length=200)
    output = pw.BlobField()  # the file as it was produced
    output_sha256 = pw.CharField(max_length=64)
    username = pw.CharField(max_length=50)
    made_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("template", "made_at"), False),)


FILL_MODELS: list[type[BaseModel]] = [SavedList, FillTemplate, FillRun]
