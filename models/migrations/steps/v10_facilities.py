"""Schema version 10: the facility inventory (standard, centres, spaces, inspections)."""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator

from models.migrations.registry import migration


@migration(10)
def _add_facilities(db: pw.Database, migrator: SchemaMigrator) -> None:
    """设施台账: the standard as a template, the centre's spaces, equipment, inspections."""

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class FacilityStandard(Base):
        name = pw.CharField(max_length=200)
        region = pw.CharField(max_length=50, default="")
        source = pw.CharField(max_length=300, default="")
        per_100_households = pw.FloatField(default=30.0)
        min_total_area = pw.FloatField(default=300.0)
        resident_share = pw.FloatField(default=0.6)
        notes = pw.TextField(default="")
        active = pw.BooleanField(default=False, index=True)
        archived = pw.BooleanField(default=False)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "facility_standard"

    class FacilityStandardItem(Base):
        standard = pw.ForeignKeyField(FacilityStandard, on_delete="RESTRICT")
        code = pw.CharField(max_length=40)
        kind = pw.CharField(max_length=10)
        name = pw.CharField(max_length=100)
        min_area = pw.FloatField(null=True)
        equipment = pw.TextField(default="[]")
        resident_use = pw.BooleanField(default=False)
        sort_order = pw.IntegerField(default=0)
        notes = pw.TextField(default="")
        archived = pw.BooleanField(default=False)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "facility_standard_item"
            indexes = ((("standard", "code"), False),)

    class FacilityCentre(Base):
        name = pw.CharField(max_length=100, unique=True)
        address = pw.CharField(max_length=200, default="")
        compounds = pw.TextField(default="[]")
        notes = pw.TextField(default="")
        archived = pw.BooleanField(default=False)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "facility_centre"

    class FacilitySpace(Base):
        centre = pw.ForeignKeyField(FacilityCentre, on_delete="RESTRICT")
        item_code = pw.CharField(max_length=40, default="", index=True)
        name = pw.CharField(max_length=100)
        status = pw.CharField(max_length=10, default="meets")
        area = pw.FloatField(null=True)
        location = pw.CharField(max_length=200, default="")
        shared_with = pw.CharField(max_length=200, default="")
        resident_use = pw.BooleanField(default=False)
        outdoor = pw.BooleanField(default=False)
        notes = pw.TextField(default="")
        archived = pw.BooleanField(default=False)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "facility_space"

    class FacilityEquipment(Base):
        space = pw.ForeignKeyField(FacilitySpace, on_delete="RESTRICT")
        name = pw.CharField(max_length=100)
        quantity = pw.IntegerField(default=1)
        condition = pw.CharField(max_length=10, default="good")
        asset_tag = pw.CharField(max_length=50, default="")
        purchase_date = pw.DateField(null=True)
        value = pw.DecimalField(max_digits=12, decimal_places=2, null=True)
        notes = pw.TextField(default="")
        archived = pw.BooleanField(default=False)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "facility_equipment"

    class FacilityInspection(Base):
        centre = pw.ForeignKeyField(FacilityCentre, on_delete="RESTRICT")
        inspected_on = pw.DateField(index=True)
        inspector = pw.CharField(max_length=100)
        notes = pw.TextField(default="")
        voided = pw.BooleanField(default=False)
        username = pw.CharField(max_length=50)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "facility_inspection"

    class FacilityFinding(Base):
        inspection = pw.ForeignKeyField(FacilityInspection, on_delete="RESTRICT")
        space = pw.ForeignKeyField(FacilitySpace, null=True, on_delete="RESTRICT")
        description = pw.TextField()
        is_hazard = pw.BooleanField(default=False, index=True)
        category = pw.CharField(max_length=20, default="")
        deadline = pw.DateField(null=True)
        responsible = pw.CharField(max_length=50, default="")
        fixed_on = pw.DateField(null=True, index=True)
        fix_notes = pw.TextField(default="")
        fixed_by = pw.CharField(max_length=50, default="")
        voided = pw.BooleanField(default=False)
        void_reason = pw.CharField(max_length=200, default="")
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "facility_finding"

    class FacilityPhoto(Base):
        space = pw.ForeignKeyField(FacilitySpace, null=True, on_delete="RESTRICT")
        finding = pw.ForeignKeyField(FacilityFinding, null=True, on_delete="RESTRICT")
        purpose = pw.CharField(max_length=10, default="space")
        path = pw.CharField(max_length=300)
        caption = pw.CharField(max_length=200, default="")
        taken_on = pw.DateField(null=True)
        archived = pw.BooleanField(default=False)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "facility_photo"

    db.create_tables(
        [
            FacilityStandard,
            FacilityStandardItem,
            FacilityCentre,
            FacilitySpace,
            FacilityEquipment,
            FacilityInspection,
            FacilityFinding,
            FacilityPhoto,
        ]
    )
