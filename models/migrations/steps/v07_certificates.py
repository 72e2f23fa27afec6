"""Schema version 7: certificate kinds and the log of certificates issued."""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator

from models.migrations.registry import migration


@migration(7)
def _add_certificates(db: pw.Database, migrator: SchemaMigrator) -> None:
    """Certificate kinds (admin-editable) and the numbered log of certificates issued."""

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False  # index names as the live models make them

    class Resident(Base):
        class Meta:
            table_name = "resident"

    class CertificateKind(Base):
        name = pw.CharField(unique=True, max_length=50)
        body = pw.TextField()
        legal_basis = pw.CharField(max_length=200, default="")
        enabled = pw.BooleanField(default=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "certificate_kind"

    class Certificate(Base):
        serial = pw.CharField(unique=True, max_length=20)
        year = pw.IntegerField()
        number = pw.IntegerField()
        kind = pw.ForeignKeyField(CertificateKind, on_delete="RESTRICT")
        kind_name = pw.CharField(max_length=50)
        resident = pw.ForeignKeyField(Resident, on_delete="RESTRICT")
        resident_name = pw.CharField(max_length=50)
        purpose = pw.CharField(max_length=200)
        body = pw.TextField()
        issuing_unit = pw.CharField(max_length=100)
        full_id = pw.BooleanField(default=False)
        id_reason = pw.CharField(max_length=200, default="")
        issued_by = pw.CharField(max_length=50, index=True)
        issued_on = pw.DateField(index=True)
        issued_at = pw.DateTimeField()
        voided = pw.BooleanField(default=False)
        void_reason = pw.CharField(max_length=200, default="")

        class Meta:
            table_name = "certificate"
            indexes = ((("year", "number"), True),)

    db.create_tables([CertificateKind, Certificate])
