"""Schema version 13: certificate kinds become an allow-list (民发〔2020〕20号).

Every kind names its legal basis: the column is added where a database lacks it. Kinds
already in a database whose names mean one of the 20 abolished certificates are disabled
(the certificates issued under them and their log stay as they were), the shipped
residence certificate gets its legal basis, and any other enabled kind without a basis is
disabled until an administrator fills it in. Each change to a kind has an audit row.
"""

from __future__ import annotations

import json

import peewee as pw
from playhouse.migrate import SchemaMigrator

from models.core import clock
from models.migrations.registry import migration

OLD_RESIDENCE_BASIS = "依居民申请，证明其在本社区居住的事实"
RESIDENCE_BASIS = "《居住证暂行条例》（国务院令第663号）：申领居住证须提交居住证明"


@migration(13)
def _certificate_allow_list(db: pw.Database, migrator: SchemaMigrator) -> None:
    # The check is the program's own list: the point of this step is to apply that list to
    # kinds entered before it existed.
    from models.certificates.service import forbidden_reason

    if "legal_basis" not in {c.name for c in db.get_columns("certificate_kind")}:
        # Plain SQL (SQLite and PostgreSQL alike): peewee's migrator would rebuild the table
        # to make the column NOT NULL, which the certificates' foreign key forbids.
        db.execute_sql(
            'ALTER TABLE "certificate_kind" ADD COLUMN "legal_basis" '
            "VARCHAR(200) NOT NULL DEFAULT ''"
        )

    class Base(pw.Model):
        id = pw.AutoField()

        class Meta:
            database = db
            legacy_table_names = False

    class CertificateKind(Base):
        name = pw.CharField()
        legal_basis = pw.CharField()
        enabled = pw.BooleanField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "certificate_kind"

    class AuditLog(Base):
        at = pw.DateTimeField()
        username = pw.CharField()
        action = pw.CharField()
        table_name = pw.CharField()
        record_id = pw.CharField(null=True)
        before = pw.TextField(null=True)
        after = pw.TextField(null=True)
        note = pw.TextField()

        class Meta:
            table_name = "audit_log"

    def log(kind_id: int, before: dict, after: dict, note: str) -> None:
        AuditLog.create(
            at=clock.now(),
            username="system",
            action="update",
            table_name="certificate_kind",
            record_id=str(kind_id),
            before=json.dumps(before, ensure_ascii=False, sort_keys=True),
            after=json.dumps(after, ensure_ascii=False, sort_keys=True),
            note=note,
        )

    for kind in CertificateKind.select():
        reason = forbidden_reason(kind.name)
        if reason and kind.enabled:
            kind.enabled = False
            kind.updated_at = clock.now()
            kind.save()
            log(kind.id, {"enabled": True}, {"enabled": False}, f"升级停用：{reason}")
        elif kind.name == "居住证明" and kind.legal_basis.strip() in ("", OLD_RESIDENCE_BASIS):
            before = kind.legal_basis
            kind.legal_basis = RESIDENCE_BASIS
            kind.updated_at = clock.now()
            kind.save()
            log(
                kind.id,
                {"legal_basis": before},
                {"legal_basis": RESIDENCE_BASIS},
                "升级：补填居住证明的法律依据",
            )
        elif kind.enabled and not kind.legal_basis.strip():  # enabled only with its basis
            kind.enabled = False
            kind.updated_at = clock.now()
            kind.save()
            log(
                kind.id,
                {"enabled": True},
                {"enabled": False},
                f"升级停用：“{kind.name}”未填写法律依据（民发〔2020〕20号：居委会只出具法律法规"
                "有依据的证明事项），请补填后再启用",
            )
