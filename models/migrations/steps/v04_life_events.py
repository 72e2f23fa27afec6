"""Schema version 4: dated life events (birth, death, moving in and out …)."""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator

from models.migrations.registry import migration


@migration(4)
def _add_life_events(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Dated life events (birth, death, moving in and out …) that the monthly report counts."""

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False  # index names as the live models make them

    class Resident(Base):
        class Meta:
            table_name = "resident"

    class Household(Base):
        class Meta:
            table_name = "household"

    class LifeEvent(Base):
        resident = pw.ForeignKeyField(Resident, null=True, on_delete="RESTRICT")
        household = pw.ForeignKeyField(Household, null=True, on_delete="RESTRICT")
        kind = pw.CharField(max_length=20, index=True)
        event_date = pw.DateField(index=True)
        reason = pw.CharField(max_length=200, default="")
        from_value = pw.CharField(max_length=200, default="")
        to_value = pw.CharField(max_length=200, default="")
        corrects = pw.ForeignKeyField("self", null=True, on_delete="RESTRICT")
        voided = pw.BooleanField(default=False)
        username = pw.CharField(max_length=50)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "life_event"

    db.create_tables([LifeEvent])
