"""Certificate kinds are an allow-list: the 20 kinds 民发〔2020〕20号 abolished, and names that
mean them in substance, are refused; every enabled kind names its legal basis; a migration
disables forbidden kinds already in a database and keeps what was issued under them."""

from __future__ import annotations

import sqlite3

import pytest

from models import migrations
from models.certificates import service as certificates
from models.certificates.service import (
    FORBIDDEN_KINDS,
    Certificate,
    CertificateError,
    CertificateKind,
)
from models.core.db import close_database
from models.core.entities import AuditLog, Resident
from models.core.permissions import PermissionDenied
from models.migrations import open_database

BODY = "兹证明{name}居住在{address}。此证明仅用于{purpose}。"
BASIS = "《某某条例》第十条"

# The 20 kinds by the names offices use, then names that mean one of them in substance.
ABOLISHED_NAMES = [
    "亲属关系证明",
    "居民身份信息证明",
    "户口登记项目内容变更申请证明",
    "居民养犬证明",
    "无犯罪记录证明",
    "社区戒毒社区康复人员情况证明",
    "人员失踪证明",
    "婚姻状况证明",
    "出生证明",
    "健在证明",
    "死亡证明",
    "疾病状况证明",
    "残疾状况证明",
    "婚育状况证明",
    "居民就业状况证明",
    "居民个人档案证明",
    "居民财产证明",
    "遗产继承权证明",
    "市场主体住所证明",
    "证件遗失证明",
]
SUBSTANCE_NAMES = [
    "夫妻关系证明",
    "父母子女关系证明",
    "抚养关系证明",
    "赡养证明",
    "监护关系证明",
    "同居证明",
    "独居证明",
    "未再婚证明",
    "品行证明",
    "政审证明",
    "良好行为证明",
    "养老金领取资格证明",
    "生存证明",
    "低保证明",
    "无房证明",
    "收入证明",
    "失业证明",
    "走失证明",
    "营业场所证明",
    "身份证丢失证明",
    "居 民 养 犬 证 明",
    "婚育情况证明",
]


def test_there_are_twenty_abolished_kinds_and_each_is_named():
    assert len(FORBIDDEN_KINDS) == 20
    assert {k.name for k in FORBIDDEN_KINDS} == {
        n if n != "健在证明" else "健在证明" for n in ABOLISHED_NAMES
    }


@pytest.mark.parametrize("name", ABOLISHED_NAMES + SUBSTANCE_NAMES)
def test_an_administrator_cannot_add_an_abolished_kind(admin, name):
    with pytest.raises(CertificateError, match="民发〔2020〕20号"):
        certificates.add_kind(admin, name, BODY, BASIS)
    assert (
        CertificateKind.select().where(CertificateKind.name == name.replace(" ", "")).count() == 0
    )


@pytest.mark.parametrize("name", ["居住证明", "在本社区居住情况证明"])
def test_residence_is_still_allowed(name):
    assert certificates.forbidden_reason(name) is None


def test_a_kind_needs_its_legal_basis_and_the_role(admin, clerk):
    with pytest.raises(CertificateError, match="法律依据"):
        certificates.add_kind(admin, "参军入伍居住情况说明", BODY, "  ")
    with pytest.raises(PermissionDenied):
        certificates.add_kind(clerk, "参军入伍居住情况说明", BODY, BASIS)
    kind = certificates.add_kind(admin, "参军入伍居住情况说明", BODY, BASIS)
    assert kind.legal_basis == BASIS and kind.enabled
    # Emptying the basis of an enabled kind is refused; renaming it into a forbidden kind too.
    with pytest.raises(CertificateError, match="法律依据"):
        certificates.update_kind(admin, kind.id, legal_basis="")
    with pytest.raises(CertificateError, match="同居"):
        certificates.update_kind(admin, kind.id, name="同居证明")
    assert CertificateKind.get_by_id(kind.id).name == "参军入伍居住情况说明"


def test_the_shipped_residence_certificate_names_its_basis_and_issues(demo_small, clerk):
    residence = next(k for k in certificates.list_kinds() if k.name == "居住证明")
    assert "居住证暂行条例" in residence.legal_basis
    person = Resident.select().where(Resident.status == "current").first()
    cert = certificates.issue(clerk, person.id, residence.id, "办理居住证")
    assert cert.serial.endswith("-0001")


@pytest.mark.sqlite_only("migrates a SQLite file saved at version 12")
def test_migration_disables_forbidden_kinds_and_keeps_what_was_issued(tmp_path, demo_small, admin):
    """A database at version 12 with kinds the old list let through (and one issued)."""
    from models.core.db import database_path

    path = database_path()
    residence = next(k for k in certificates.list_kinds() if k.name == "居住证明")
    con = sqlite3.connect(path)
    now = "2026-01-05 10:00:00"
    for name in ("婚育状况证明", "同居证明", "居民养犬证明"):
        con.execute(
            "INSERT INTO certificate_kind (name, body, legal_basis, enabled, created_at,"
            " updated_at) VALUES (?, ?, '', 1, ?, ?)",
            (name, BODY, now, now),
        )
    kind_id = con.execute("SELECT id FROM certificate_kind WHERE name='同居证明'").fetchone()[0]
    person = Resident.select().where(Resident.status == "current").first()
    con.execute(
        "INSERT INTO certificate (serial, year, number, kind_id, kind_name, resident_id,"
        " resident_name, purpose, body, issuing_unit, full_id, id_reason, issued_by, issued_on,"
        " issued_at, voided, void_reason) VALUES ('2026-0099', 2026, 99, ?, '同居证明', ?, ?,"
        " '办事', '正文', '南关社区', 0, '', 'clerk', '2026-01-05', ?, 0, '')",
        (kind_id, person.id, person.name, now),
    )
    con.execute(
        "UPDATE certificate_kind SET legal_basis='依居民申请，证明其在本社区居住的事实' WHERE id=?",
        (residence.id,),
    )
    # as before step 13 (and the later steps, whose tables a version-12 file does not have)
    con.execute(
        "UPDATE schema_version SET version = 12"
        " WHERE version = (SELECT MAX(version) FROM schema_version)"
    )
    con.execute("DROP TABLE report_submission")
    for table in ("compound", "household", "resident"):  # what step 17 adds
        con.execute(f'ALTER TABLE "{table}" DROP COLUMN row_version')
    con.execute("DROP TABLE attachment")  # step 18's
    con.commit()
    con.close()
    close_database()

    db = open_database(path)
    assert migrations.current_version(db) == migrations.LATEST
    enabled = {k.name: k.enabled for k in CertificateKind.select()}
    assert enabled == {
        "居住证明": True,
        "婚育状况证明": False,
        "同居证明": False,
        "居民养犬证明": False,
    }
    kept = Certificate.get(Certificate.serial == "2026-0099")
    assert kept.kind_name == "同居证明" and not kept.voided  # issued and logged: kept as it was
    assert "居住证暂行条例" in CertificateKind.get_by_id(residence.id).legal_basis
    rows = AuditLog.select().where(
        (AuditLog.table_name == "certificate_kind") & (AuditLog.note.startswith("升级"))
    )
    assert rows.count() == 4
    # Nor can they be enabled again.
    with pytest.raises(CertificateError, match="民发〔2020〕20号"):
        certificates.update_kind(admin, kind_id, enabled=True, legal_basis=BASIS)


@pytest.mark.parametrize("kind", FORBIDDEN_KINDS, ids=lambda k: k.name)
def test_the_reason_names_the_abolished_kind_meant(kind):
    assert f"（{kind.name}）" in certificates.forbidden_reason(kind.name)


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("婚育情况证明", "婚育状况证明"),
        ("结婚证明", "婚姻状况证明"),
        ("同居证明", "婚姻状况证明"),
        ("夫妻关系证明", "亲属关系证明"),
        ("健在证明", "健在证明"),
        ("养老金领取资格证明", "健在证明"),
        ("低保证明", "居民财产证明"),
        ("生活困难证明", "居民财产证明"),
        ("身份核实证明", "居民身份信息证明"),
        ("养狗证明", "居民养犬证明"),
        ("ＴＡ的政审证明", "无犯罪记录证明"),
        ("吸毒人员情况", "社区戒毒社区康复人员情况证明"),
    ],
)
def test_names_in_substance_are_refused_as_the_kind_they_mean(name, meant):
    reason = certificates.forbidden_reason(name)
    assert reason and f"（{meant}）" in reason and "民发〔2020〕20号" in reason
