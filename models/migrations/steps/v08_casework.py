"""Schema version 8: population-services casework."""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator

from models.migrations.registry import migration


@migration(8)
def _add_casework(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Population-services casework: cases, their children, workflow, follow-ups, reminders,
    rates."""

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Resident(Base):
        class Meta:
            table_name = "resident"

    class Case(Base):
        case_no = pw.CharField(max_length=20, unique=True)
        case_type = pw.CharField(max_length=20, index=True)
        status = pw.CharField(max_length=12, default="registered", index=True)
        opened_on = pw.DateField(index=True)
        closed_on = pw.DateField(null=True)
        mother = pw.ForeignKeyField(Resident, null=True, backref="+", on_delete="RESTRICT")
        father = pw.ForeignKeyField(Resident, null=True, backref="+", on_delete="RESTRICT")
        child = pw.ForeignKeyField(Resident, null=True, backref="+", on_delete="RESTRICT")
        person = pw.ForeignKeyField(Resident, null=True, backref="+", on_delete="RESTRICT")
        subject = pw.CharField(max_length=200, default="")
        marriage_date = pw.DateField(null=True)
        expected_date = pw.DateField(null=True)
        birth_date = pw.DateField(null=True)
        discharge_date = pw.DateField(null=True)
        child_name = pw.CharField(max_length=50, default="")
        birth_order = pw.IntegerField(null=True)
        suggested_order = pw.IntegerField(null=True)
        order_reason = pw.CharField(max_length=200, default="")
        application_status = pw.CharField(max_length=12, default="")
        applied_on = pw.DateField(null=True)
        paid_fen = pw.IntegerField(default=0)
        last_paid_on = pw.DateField(null=True)
        category = pw.CharField(max_length=20, default="")
        start_date = pw.DateField(null=True)
        end_date = pw.DateField(null=True)
        notes = pw.TextField(default="")
        created_by = pw.CharField(max_length=50)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "casework_case"

    class CaseChild(Base):
        case = pw.ForeignKeyField(Case, on_delete="RESTRICT")
        resident = pw.ForeignKeyField(Resident, null=True, backref="+", on_delete="RESTRICT")
        name = pw.CharField(max_length=50)
        sex = pw.CharField(max_length=1, default="0")
        birth_date = pw.DateField(null=True)
        origin = pw.CharField(max_length=12, default="common")
        deceased = pw.BooleanField(default=False)
        note = pw.CharField(max_length=200, default="")

        class Meta:
            table_name = "casework_child"

    class CaseStatusChange(Base):
        case = pw.ForeignKeyField(Case, on_delete="RESTRICT")
        from_status = pw.CharField(max_length=12, default="")
        to_status = pw.CharField(max_length=12)
        on_date = pw.DateField(index=True)
        reason = pw.CharField(max_length=200, default="")
        username = pw.CharField(max_length=50)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "casework_status_change"

    class FollowUp(Base):
        case = pw.ForeignKeyField(Case, on_delete="RESTRICT")
        on_date = pw.DateField(index=True)
        way = pw.CharField(max_length=10)
        note = pw.TextField(default="")
        next_date = pw.DateField(null=True, index=True)
        username = pw.CharField(max_length=50)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "casework_follow_up"

    class MaternalReminder(Base):
        case = pw.ForeignKeyField(Case, on_delete="RESTRICT")
        visit = pw.CharField(max_length=12)
        window_start = pw.DateField(index=True)
        window_end = pw.DateField()
        status = pw.CharField(max_length=10, default="pending")
        status_on = pw.DateField(null=True)
        username = pw.CharField(max_length=50, default="")
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "casework_reminder"

    class CaseRate(Base):
        kind = pw.CharField(max_length=20, index=True)
        start_date = pw.DateField()
        monthly_fen = pw.IntegerField()
        note = pw.CharField(max_length=200, default="")
        voided = pw.BooleanField(default=False)
        void_reason = pw.CharField(max_length=200, default="")
        username = pw.CharField(max_length=50)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "casework_rate"

    db.create_tables([Case, CaseChild, CaseStatusChange, FollowUp, MaternalReminder, CaseRate])
