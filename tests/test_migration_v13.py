"""Schema version 13 (certificate kinds become an allow-list), tested the way
tests/test_migrations.py tests the others: from a database saved at the older version.

The version-12 database is made by the real steps 2…12 from the foundation's schema
(fixtures/schema_v1.sql), then given what an office had before the allow-list: kinds the old
list let through, one certificate issued under such a kind with its audit rows, and (in one
variant) no legal-basis column at all.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from models import migrations
from models.certificates import service as certificates
from models.certificates.service import Certificate, CertificateError, CertificateKind
from models.core.db import close_database
from models.core.entities import AuditLog
from models.migrations import open_database
from tests.migration_support import database_at as _database_at
from tests.migration_support import rows as _rows

BODY = "兹证明{name}居住在{address}。此证明仅用于{purpose}。"
OLD_BASIS = "依居民申请，证明其在本社区居住的事实"
WHEN = "2026-01-05 10:00:00"
OLD_KINDS = ["婚育状况证明", "同居证明", "居民养犬证明", "健在证明", "低保证明", "夫妻关系证明"]


def _office_before_the_allow_list(path: Path, *, drop_basis: bool) -> dict[str, int]:
    """Kinds as an office at version 12 may have them, and one certificate issued."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    ids: dict[str, int] = {}
    for name, basis in [
        ("居住证明", OLD_BASIS),
        *((n, "") for n in OLD_KINDS),
        ("志愿服务证明", "《志愿服务条例》第十九条"),
    ]:
        cur = con.execute(
            "INSERT INTO certificate_kind (name, body, legal_basis, enabled, created_at,"
            " updated_at) VALUES (?, ?, ?, 1, ?, ?)",
            (name, BODY, basis, WHEN, WHEN),
        )
        ids[name] = int(cur.lastrowid or 0)
    con.execute(
        "INSERT INTO certificate (serial, year, number, kind_id, kind_name, resident_id,"
        " resident_name, purpose, body, issuing_unit, full_id, id_reason, issued_by, issued_on,"
        " issued_at, voided, void_reason)"
        " VALUES ('2026-0007', 2026, 7, ?, '同居证明', 1, '王建国',"
        " '办事', '兹证明王建国与李秀兰同居。', '南关社区', 0, '', 'clerk',"
        " '2026-01-05', ?, 0, '')",
        (ids["同居证明"], WHEN),
    )
    con.execute(
        "INSERT INTO audit_log (at, username, action, table_name, record_id, note)"
        " VALUES (?, 'clerk', 'issue', 'certificate', '1', '同居证明 2026-0007')",
        (WHEN,),
    )
    if drop_basis:
        con.execute("ALTER TABLE certificate_kind DROP COLUMN legal_basis")
    con.commit()
    con.close()
    return ids


@pytest.mark.parametrize("drop_basis", [False, True], ids=["with-basis-column", "no-basis-column"])
def test_version_12_database_gets_the_allow_list(tmp_path, drop_basis):
    path = _database_at(12, tmp_path / "office.sqlite3")
    assert _rows(path, "SELECT MAX(version) FROM schema_version") == [(12,)]
    ids = _office_before_the_allow_list(path, drop_basis=drop_basis)
    issued_before = _rows(path, "SELECT * FROM certificate")
    log_before = _rows(path, "SELECT * FROM audit_log ORDER BY id")

    db = open_database(path)
    try:
        assert migrations.current_version(db) == migrations.LATEST
        assert "legal_basis" in {c.name for c in db.get_columns("certificate_kind")}
        enabled = {k.name: k.enabled for k in CertificateKind.select()}
        assert enabled == {
            "居住证明": True,
            "志愿服务证明": not drop_basis,
            **{n: False for n in OLD_KINDS},
        }
        residence = CertificateKind.get_by_id(ids["居住证明"])
        assert "居住证暂行条例" in residence.legal_basis
        # One audit row per kind changed, each saying why; the older log is kept as it was.
        changed = AuditLog.select().where(
            (AuditLog.table_name == "certificate_kind") & AuditLog.note.startswith("升级")
        )
        assert sorted(int(a.record_id) for a in changed) == sorted(
            [ids["居住证明"], *(ids[n] for n in OLD_KINDS)]
            + ([ids["志愿服务证明"]] if drop_basis else [])
        )
        assert all(
            "民发〔2020〕20号" in a.note for a in changed if a.record_id != str(residence.id)
        )
        assert Certificate.get(Certificate.serial == "2026-0007").kind_name == "同居证明"
        # A forbidden kind cannot be enabled again, whatever basis is typed.
        admin = type("Actor", (), {"username": "admin", "role": "admin"})()
        with pytest.raises(CertificateError, match="民发〔2020〕20号"):
            certificates.update_kind(
                admin, ids["同居证明"], enabled=True, legal_basis="《某某条例》第十条"
            )
    finally:
        close_database()
    # Issued certificates and the earlier log rows are untouched.
    assert _rows(path, "SELECT * FROM certificate") == issued_before
    assert _rows(path, "SELECT * FROM audit_log ORDER BY id")[: len(log_before)] == log_before
    backups = list(tmp_path.glob("office.sqlite3.v12-*.bak"))
    assert len(backups) == 1
    assert _rows(backups[0], "SELECT COUNT(*) FROM certificate_kind WHERE enabled = 1") == [(8,)]


def test_version_12_database_ends_with_the_schema_of_a_new_one(tmp_path):
    old = _database_at(12, tmp_path / "old.sqlite3")
    _office_before_the_allow_list(old, drop_basis=True)
    open_database(old)
    close_database()
    fresh = tmp_path / "fresh.sqlite3"
    open_database(fresh)
    close_database()

    def columns(path: Path) -> list[tuple]:
        return sorted(
            (r[1], r[2], r[3]) for r in _rows(path, 'PRAGMA table_info("certificate_kind")')
        )

    assert columns(old) == columns(fresh)
