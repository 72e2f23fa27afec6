import json

import pytest

from models.core import crud
from models.core.entities import AuditLog, Compound, Resident
from models.core.permissions import PermissionDenied
from models.registry import compounds


def test_edit_leaves_audit_row_with_before_and_after(clerk):
    compound = compounds.create_compound(clerk, "南关小区", "县供电公司")
    compounds.update_compound(clerk, compound, lead_unit="县教育局")
    rows = list(AuditLog.select().where(AuditLog.table_name == "compound").order_by(AuditLog.id))
    assert [r.action for r in rows] == ["create", "update"]
    assert json.loads(rows[0].after)["name"] == "南关小区"
    assert json.loads(rows[1].before) == {"lead_unit": "县供电公司"}
    assert json.loads(rows[1].after) == {"lead_unit": "县教育局"}
    assert rows[1].username == "clerk" and rows[1].record_id == str(compound.id)
    assert Compound.get_by_id(compound.id).lead_unit == "县教育局"


def test_update_without_change_writes_nothing(clerk):
    compound = compounds.create_compound(clerk, "北关新村")
    before = AuditLog.select().count()
    compounds.update_compound(clerk, compound, name="北关新村")
    assert AuditLog.select().count() == before


def test_failed_write_leaves_neither_row_nor_audit(clerk):
    compounds.create_compound(clerk, "南关小区")
    count = AuditLog.select().count()
    with pytest.raises(compounds.CompoundError):
        compounds.create_compound(clerk, "南关小区")
    assert Compound.select().count() == 1 and AuditLog.select().count() == count


def test_resident_edit_is_audited_and_archive_keeps_the_row(clerk, demo_small):
    person = Resident.select().first()
    crud.update(clerk, person, phone="13800000000")
    row = AuditLog.select().where(AuditLog.table_name == "resident").get()
    assert json.loads(row.after) == {"phone": "13800000000"}
    compound = Compound.select().first()
    crud.archive(clerk, compound, note="合并到其他小区")
    assert Compound.get_by_id(compound.id).archived
    assert AuditLog.select().where(AuditLog.action == "archive").count() == 1


def test_role_without_edit_right_cannot_write(db, admin):
    class Guest:
        username = "guest"
        role = "nobody"

    with pytest.raises(PermissionDenied):
        compounds.create_compound(Guest(), "X小区")
    assert Compound.select().count() == 0
