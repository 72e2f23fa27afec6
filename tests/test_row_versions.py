"""Two clerks, one record: the second save is told who changed what, and nothing is silently
overwritten (a row version checked on update: models.core.crud, schema v17). Through the
services, through the real household dialog and resident form, and on PostgreSQL with two
connections racing for the same row."""

from __future__ import annotations

import threading
import time

import pytest

from models.core import users
from models.core.db import database
from models.core.entities import AuditLog, Compound, Household, LifeEvent, Resident
from models.core.errors import EditConflict, UserFacingError
from models.core.permissions import Role
from models.registry import compounds, households, residents
from models.registry.households import AddressInput
from tests import postgres_support
from tests.conftest import PASSWORD
from tests.registry_helpers import make_family

pg_server = postgres_support.pg_server
pg_url = postgres_support.pg_url
pg_db = postgres_support.pg_db


@pytest.fixture
def family(admin):
    return make_family(admin)


@pytest.fixture
def second_clerk(admin):
    return users.create_user(admin, "wangqiang", "王强", Role.CLERK.value, PASSWORD)


def _address(info: households.HouseholdDetail, **changes: str) -> AddressInput:
    values = {
        "compound_id": info.compound_id,
        "building": info.building,
        "unit": info.unit,
        "room": info.room,
        "household_type": info.household_type,
        "phone": info.phone,
        "notes": info.notes,
    }
    values.update(changes)
    return AddressInput(**values)  # type: ignore[arg-type]


def _opened(actor, resident_id: int) -> residents.ResidentDetail:
    """A person as a clerk's form loads them (a number the role may not see is kept)."""
    info = residents.detail(actor, resident_id)
    info.data.keep_id_number = info.data.id_number is None and info.has_id_number
    return info


def _updates(table: str, record_id: int) -> list[str]:
    """Who wrote each "update" audit row of one record, oldest first."""
    rows = AuditLog.select().where(
        (AuditLog.table_name == table)
        & (AuditLog.record_id == str(record_id))
        & (AuditLog.action == "update")
    )
    return [row.username for row in rows.order_by(AuditLog.id)]


def test_the_second_save_of_a_household_is_refused_with_who_and_what(family, clerk, second_clerk):
    _, house, _people = family
    seen_by_a = households.detail(house.id)  # 王强 opens the household
    seen_by_b = households.detail(house.id)  # 李晓梅 opens it too
    assert seen_by_a.row_version == seen_by_b.row_version == 1
    households.update_household(
        clerk,
        house.id,
        _address(seen_by_b, phone="13912345678", room="302"),
        seen_by_b.household_no,
        expected_version=seen_by_b.row_version,
    )
    with pytest.raises(EditConflict) as refused:
        households.update_household(
            second_clerk,
            house.id,
            _address(seen_by_a, notes="王强的备注"),
            seen_by_a.household_no,
            expected_version=seen_by_a.row_version,
        )
    message = str(refused.value)
    assert isinstance(refused.value, UserFacingError)
    assert message.startswith("该住户已由 李晓梅 于 09:00 修改（门牌、联系电话）"), message
    assert "没有保存" in message
    assert refused.value.changed_by == ("李晓梅",)
    stored = Household.get_by_id(house.id)
    assert (stored.room, stored.phone, stored.notes) == ("302", "13912345678", "")
    assert stored.row_version == 2
    assert _updates("household", house.id) == ["clerk"]  # nothing of 王强's, not even a row

    again = households.detail(house.id)  # 重新载入
    assert (again.room, again.row_version) == ("302", 2)
    households.update_household(
        second_clerk,
        house.id,
        _address(again, notes="王强的备注"),
        again.household_no,
        expected_version=again.row_version,
    )
    stored = Household.get_by_id(house.id)
    assert (stored.room, stored.notes, stored.row_version) == ("302", "王强的备注", 3)
    assert households.detail(house.id).row_version == 3
    assert _updates("household", house.id) == ["clerk", "wangqiang"]


def test_the_second_save_of_a_resident_is_refused_and_a_correction_too(family, clerk, second_clerk):
    _, _house, people = family
    rid = people["王磊"]
    seen_by_a = _opened(second_clerk, rid)
    seen_by_b = _opened(clerk, rid)
    data_b = seen_by_b.data
    data_b.phone = "13700001111"
    residents.update_resident(clerk, rid, data_b, expected_version=seen_by_b.row_version)

    data_a = seen_by_a.data
    data_a.work_unit = "县供电公司"
    with pytest.raises(EditConflict, match=r"该居民已由 李晓梅 于 09:00 修改（联系电话）"):
        residents.update_resident(second_clerk, rid, data_a, expected_version=1)
    with pytest.raises(EditConflict, match="李晓梅"):
        residents.correct_resident(second_clerk, rid, data_a, "核对户口簿", expected_version=1)
    stored = Resident.get_by_id(rid)
    assert (stored.phone, stored.work_unit, stored.row_version) == ("13700001111", "", 2)
    assert _updates("resident", rid) == ["clerk"]
    assert not LifeEvent.select().where(LifeEvent.kind == "record_fix").exists()

    again = _opened(second_clerk, rid)
    again.data.work_unit = "县供电公司"
    residents.update_resident(second_clerk, rid, again.data, expected_version=again.row_version)
    stored = Resident.get_by_id(rid)
    assert (stored.phone, stored.work_unit, stored.row_version) == ("13700001111", "县供电公司", 3)
    assert _updates("resident", rid) == ["clerk", "wangqiang"]


def test_a_change_of_special_groups_alone_moves_the_person_on_too(family, clerk, second_clerk):
    from models.core.audit_view import readable

    _, _house, people = family
    rid = people["王芳"]
    seen_by_a = _opened(second_clerk, rid)
    seen_by_b = _opened(clerk, rid)
    seen_by_b.data.tags = [residents.TagInput("dibao")]
    residents.update_resident(clerk, rid, seen_by_b.data, expected_version=seen_by_b.row_version)
    assert Resident.get_by_id(rid).row_version == 2
    seen_by_a.data.phone = "13700001111"
    with pytest.raises(EditConflict, match=r"该居民已由 李晓梅 于 09:00 修改（特殊人群）"):
        residents.update_resident(second_clerk, rid, seen_by_a.data, expected_version=1)
    assert [t.tag for t in residents.open_tags(rid)] == ["dibao"]  # B's group stays
    row = AuditLog.select().where(AuditLog.table_name == "resident").order_by(AuditLog.id.desc())
    assert "特殊人群" in readable([row.get()])[0].content + row.get().note


def test_every_field_of_a_versioned_table_has_the_words_of_the_window():
    """A new column of these tables cannot reach a conflict message as its code name."""
    from models.core.entities import CORE_MODELS, EDIT_LABELS

    versioned = [m for m in CORE_MODELS if "row_version" in m._meta.fields]
    assert {m._meta.table_name for m in versioned} == {"compound", "household", "resident"}
    for model in versioned:
        assert set(model._meta.fields) <= set(EDIT_LABELS[model._meta.table_name]), model


def test_a_stale_instance_is_checked_for_free_and_an_empty_save_bumps_nothing(
    admin, clerk, second_clerk
):
    compound = compounds.create_compound(admin, "北街小区", "县医院")
    held_by_a = Compound.get_by_id(compound.id)  # a window that keeps the row it loaded
    compounds.update_compound(clerk, Compound.get_by_id(compound.id), lead_unit="县一中")
    with pytest.raises(EditConflict, match=r"该小区已由 李晓梅 于 09:00 修改（"):
        compounds.update_compound(second_clerk, held_by_a, address="北街1号")
    assert Compound.get_by_id(compound.id).address == ""
    fresh = Compound.get_by_id(compound.id)
    compounds.update_compound(second_clerk, fresh, lead_unit="县一中")  # nothing changes
    assert Compound.get_by_id(compound.id).row_version == 2 == fresh.row_version
    compounds.update_compound(second_clerk, fresh, address="北街1号")
    compounds.update_compound(second_clerk, fresh, notes="同一窗口再改一次")  # its own version
    assert Compound.get_by_id(compound.id).row_version == 4


def test_the_household_dialog_keeps_the_typing_and_offers_to_reload(
    qtbot, family, clerk, second_clerk
):
    from ui.registry.household import HouseholdDialog

    _, house, _people = family
    dialog = HouseholdDialog(second_clerk, house.id)  # 王强's window
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.reload_button.isHidden()
    seen_by_b = households.detail(house.id)
    households.update_household(
        clerk,
        house.id,
        _address(seen_by_b, phone="13912345678"),
        expected_version=seen_by_b.row_version,
    )
    dialog.room.setText("305")
    dialog.save()
    assert "李晓梅" in dialog.error.text() and "联系电话" in dialog.error.text()
    assert dialog.room.text() == "305" and dialog.phone.text() == ""  # the typing is kept
    assert dialog.reload_button.isVisible()
    stored = Household.get_by_id(house.id)
    assert (stored.room, stored.phone, stored.row_version) == ("301", "13912345678", 2)
    assert dialog.has_unsaved_input()  # closing would still ask before dropping it

    qtbot.mouseClick(dialog.reload_button, qtbot_button())
    assert dialog.phone.text() == "13912345678" and dialog.room.text() == "301"
    assert dialog.error.text() == "" and dialog.reload_button.isHidden()
    dialog.room.setText("305")
    dialog.save()
    assert dialog.error.text() == ""
    stored = Household.get_by_id(house.id)
    assert (stored.room, stored.phone, stored.row_version) == ("305", "13912345678", 3)
    assert _updates("household", house.id) == ["clerk", "wangqiang"]


def test_the_resident_form_keeps_the_typing_and_offers_to_reload(
    qtbot, family, clerk, second_clerk
):
    from PySide6.QtWidgets import QDialog

    from ui.registry.resident_form import ResidentForm

    _, _house, people = family
    rid = people["王芳"]
    form = ResidentForm(second_clerk, "edit", rid)
    qtbot.addWidget(form)
    form.show()
    seen_by_b = _opened(clerk, rid)
    seen_by_b.data.phone = "13700001111"
    residents.update_resident(clerk, rid, seen_by_b.data, expected_version=seen_by_b.row_version)
    form.work.setText("县医院")
    form.save()
    assert form.result() != QDialog.DialogCode.Accepted
    assert "李晓梅" in form.error.text() and "联系电话" in form.error.text()
    assert form.work.text() == "县医院" and form.reload_button.isVisible()
    assert Resident.get_by_id(rid).work_unit == ""

    qtbot.mouseClick(form.reload_button, qtbot_button())
    assert form.phone.text() == "13700001111" and form.work.text() == ""
    assert form.reload_button.isHidden() and form.loaded_version == 2
    form.work.setText("县医院")
    form.save()
    assert form.result() == QDialog.DialogCode.Accepted, form.error.text()
    stored = Resident.get_by_id(rid)
    assert (stored.phone, stored.work_unit, stored.row_version) == ("13700001111", "县医院", 3)


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


# -- PostgreSQL: two connections race for one row ---------------------------------------------


def _wait_for_lock_wait(timeout: float = 20.0) -> None:
    """Until another connection of this database waits for a row lock (the stale UPDATE)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = database.execute_sql(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()[0]
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the second clerk's UPDATE never waited for the first's row lock")


def test_on_postgresql_the_conditional_update_refuses_the_stale_writer(pg_db):
    admin = users.create_first_admin("admin", "系统管理员", PASSWORD)
    clerk = users.create_user(admin, "clerk", "李晓梅", Role.CLERK.value, PASSWORD)
    other = users.create_user(admin, "wangqiang", "王强", Role.CLERK.value, PASSWORD)
    _, house, _people = make_family(admin)
    seen = households.detail(house.id)  # both windows show version 1

    b_updated, b_commit = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def clerk_b() -> None:  # saves first and holds the row (not committed yet)
        try:
            with database.atomic():
                households.update_household(
                    clerk, house.id, _address(seen, room="302"), expected_version=1
                )
                b_updated.set()
                assert b_commit.wait(30)
        except BaseException as exc:  # reported by the main thread
            outcome["b"] = exc
            b_updated.set()
        finally:
            database.close()

    def clerk_a() -> None:  # passes the early check (B not committed), then waits on the row
        try:
            households.update_household(
                other, house.id, _address(seen, notes="王强的备注"), expected_version=1
            )
            outcome["a"] = "saved"
        except BaseException as exc:
            outcome["a"] = exc
        finally:
            database.close()

    b = threading.Thread(target=clerk_b)
    b.start()
    assert b_updated.wait(30) and "b" not in outcome
    a = threading.Thread(target=clerk_a)
    a.start()
    try:
        _wait_for_lock_wait()
    finally:
        b_commit.set()
        b.join(30)
        a.join(30)
    assert "b" not in outcome, outcome
    refused = outcome["a"]
    assert isinstance(refused, EditConflict), refused
    assert "李晓梅" in str(refused) and "门牌" in str(refused)
    stored = Household.get_by_id(house.id)
    assert (stored.room, stored.notes, stored.row_version) == ("302", "", 2)
    assert _updates("household", house.id) == ["clerk"]


def test_an_import_moves_the_version_on_so_an_older_window_is_told(family, admin, clerk, tmp_path):
    """A workbook imported while a clerk has the household open: the clerk's save is refused
    with the import's change named, instead of quietly putting the old phone number back."""
    import openpyxl

    from models.registry.workbook import export as workbook_export
    from models.registry.workbook import importer

    _, house, _people = family
    opened = households.detail(house.id)
    book = tmp_path / "register.xlsx"
    workbook_export.export_register(admin, book)  # full ID numbers: it imports back
    wb = openpyxl.load_workbook(book)
    ws = wb.active
    top = next(r for r in range(1, 10) if "户号" in [c.value for c in ws[r]])  # under a title
    header = [cell.value for cell in ws[top]]
    column = header.index("户电话") + 1
    for row in range(top + 1, ws.max_row + 1):
        ws.cell(row=row, column=column).value = "13800001111"
    wb.save(book)
    result = importer.import_file(clerk, book)
    assert result.updated_households == 1
    assert Household.get_by_id(house.id).row_version == opened.row_version + 1

    with pytest.raises(EditConflict) as refused:
        households.update_household(
            clerk,
            house.id,
            _address(opened, notes="打开得早的窗口"),
            opened.household_no,
            expected_version=opened.row_version,
        )
    assert "联系电话" in str(refused.value)
    assert Household.get_by_id(house.id).phone == "13800001111"
