"""Schema version 9: community events."""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator

from models.migrations.registry import migration


@migration(9)
def _add_events(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Community events: plans, preparation checklist, publicity, sign-in, photos, templates."""

    class Base(pw.Model):
        id = pw.AutoField()

        class Meta:
            database = db
            legacy_table_names = False

    class Compound(Base):
        class Meta:
            table_name = "compound"

    class Resident(Base):
        class Meta:
            table_name = "resident"

    class Event(Base):
        title = pw.CharField(max_length=100)
        event_type = pw.CharField(max_length=20, default="other", index=True)
        compound = pw.ForeignKeyField(Compound, null=True, on_delete="RESTRICT")
        event_date = pw.DateField(index=True)
        start_time = pw.CharField(max_length=5, default="")
        end_time = pw.CharField(max_length=5, default="")
        place = pw.CharField(max_length=200, default="")
        audience = pw.CharField(max_length=200, default="")
        expected_count = pw.IntegerField(default=0)
        purpose = pw.TextField(default="")
        content = pw.TextField(default="")
        running_order = pw.TextField(default="")
        publicity_plan = pw.TextField(default="")
        rules = pw.TextField(default="")
        safety_plan = pw.TextField(default="")
        cleanup = pw.TextField(default="")
        status = pw.CharField(max_length=12, default="planned", index=True)
        cancel_reason = pw.CharField(max_length=200, default="")
        head_count = pw.IntegerField(null=True)
        summary = pw.TextField(default="")
        brief_year = pw.IntegerField(null=True)
        brief_no = pw.IntegerField(null=True)
        brief_date = pw.DateField(null=True)
        brief_to = pw.CharField(max_length=200, default="")
        brief_cc = pw.CharField(max_length=200, default="")
        brief_copies = pw.IntegerField(default=5)
        template_key = pw.CharField(max_length=50, default="")
        created_by = pw.CharField(max_length=50, default="")
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "event"
            indexes = ((("brief_year", "brief_no"), False),)

    class EventStaff(Base):
        event = pw.ForeignKeyField(Event, on_delete="RESTRICT")
        role = pw.CharField(max_length=50, default="")
        name = pw.CharField(max_length=50, default="")
        phone = pw.CharField(max_length=30, default="")
        sort = pw.IntegerField(default=0)
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_staff"

    class EventBudgetLine(Base):
        event = pw.ForeignKeyField(Event, on_delete="RESTRICT")
        item = pw.CharField(max_length=100)
        quantity = pw.CharField(max_length=30, default="")
        budget_fen = pw.IntegerField(default=0)
        actual_fen = pw.IntegerField(null=True)
        note = pw.CharField(max_length=200, default="")
        sort = pw.IntegerField(default=0)
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_budget_line"

    class EventTask(Base):
        event = pw.ForeignKeyField(Event, on_delete="RESTRICT")
        title = pw.CharField(max_length=200)
        owner = pw.CharField(max_length=50, default="")
        due_date = pw.DateField(null=True, index=True)
        done = pw.BooleanField(default=False)
        done_by = pw.CharField(max_length=50, default="")
        done_at = pw.DateTimeField(null=True)
        sort = pw.IntegerField(default=0)
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_task"

    class EventPublicity(Base):
        event = pw.ForeignKeyField(Event, on_delete="RESTRICT")
        channel = pw.CharField(max_length=50)
        posted_on = pw.DateField()
        content = pw.TextField(default="")
        username = pw.CharField(max_length=50, default="")
        created_at = pw.DateTimeField()
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_publicity"

    class EventAttendee(Base):
        event = pw.ForeignKeyField(Event, on_delete="RESTRICT")
        resident = pw.ForeignKeyField(Resident, null=True, on_delete="RESTRICT")
        name = pw.CharField(max_length=50)
        invited = pw.BooleanField(default=True)
        signed_in = pw.BooleanField(default=False)
        signed_at = pw.DateTimeField(null=True)
        follow_up = pw.CharField(max_length=200, default="")
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_attendee"
            indexes = ((("event", "resident"), False),)

    class EventPhoto(Base):
        event = pw.ForeignKeyField(Event, on_delete="RESTRICT")
        path = pw.CharField(max_length=200)
        original_name = pw.CharField(max_length=200, default="")
        caption = pw.CharField(max_length=200, default="")
        in_brief = pw.BooleanField(default=True)
        sort = pw.IntegerField(default=0)
        added_by = pw.CharField(max_length=50, default="")
        added_at = pw.DateTimeField()
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_photo"

    class EventTemplate(Base):
        name = pw.CharField(max_length=100)
        event_type = pw.CharField(max_length=20, default="other")
        data = pw.TextField()
        created_by = pw.CharField(max_length=50, default="")
        created_at = pw.DateTimeField()
        archived = pw.BooleanField(default=False)

        class Meta:
            table_name = "event_template"

    db.create_tables(
        [
            Event,
            EventStaff,
            EventBudgetLine,
            EventTask,
            EventPublicity,
            EventAttendee,
            EventPhoto,
            EventTemplate,
        ]
    )
