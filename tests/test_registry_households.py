"""Households: add, edit, move a person, change the head, split, merge; exactly one head;
each change leaves audit rows and household_change events. Dialogs driven through widgets."""

from __future__ import annotations

import datetime as dt

import pytest

from models.core.entities import AuditLog, Household, LifeEvent, Resident
from models.registry import households, residents
from models.registry.households import AddressInput
from models.registry.residents import RegistryError
from tests.registry_helpers import DAY, heads, make_family, person


@pytest.fixture
def family(admin):
    return make_family(admin)


@pytest.fixture
def yes(dialogs):
    dialogs.always("confirm", True)


def test_new_household_gets_a_number_and_its_first_member_heads_it(admin, family):
    compound, house, people = family
    assert house.household_no == f"{compound.id:02d}00001"
    second = households.create_household(admin, AddressInput(compound.id, "", "", "5号"))
    assert second.household_no == f"{compound.id:02d}00002"
    with pytest.raises(RegistryError, match="已被使用"):
        households.create_household(admin, AddressInput(compound.id, "1号楼"), house.household_no)
    with pytest.raises(RegistryError, match="楼栋或门牌"):
        households.create_household(admin, AddressInput(compound.id))
    first = residents.create_resident(
        admin, second.id, person("赵一", "1", dt.date(1970, 1, 1), "99", 9)
    )
    assert Resident.get_by_id(first.id).relation == "02"
    with pytest.raises(RegistryError, match="已有户主"):
        residents.create_resident(
            admin, house.id, person("赵二", "1", dt.date(1971, 1, 1), "02", 10)
        )
    assert heads(house.id) == ["王建国"]


def test_change_head_suggests_relations_and_keeps_one_head(admin, family):
    _, house, p = family
    suggested = households.suggest_relations(house.id, p["王磊"])
    assert suggested[p["王建国"]] == "51" and suggested[p["李秀兰"]] == "52"  # parents
    assert suggested[p["张敏"]] == "12" and suggested[p["王子涵"]] == "20"  # wife, son
    assert suggested[p["王芳"]] == "70"  # sister
    with pytest.raises(RegistryError, match="原户主王建国"):
        households.change_head(admin, house.id, p["王磊"], {p["王建国"]: "02"}, DAY)
    households.change_head(admin, house.id, p["王磊"], suggested, DAY, "原户主年迈")
    assert heads(house.id) == ["王磊"]
    assert Resident.get_by_id(p["王建国"]).relation == "51"
    event = LifeEvent.get(LifeEvent.kind == "household_change")
    assert event.reason.startswith("变更户主：原户主年迈") and event.resident_id == p["王磊"]
    assert (
        AuditLog.select()
        .where((AuditLog.table_name == "resident") & (AuditLog.action == "update"))
        .count()
        >= 5
    )


def test_move_a_person_and_the_head_hands_over(admin, family):
    compound, house, p = family
    other = households.create_household(admin, AddressInput(compound.id, "5号楼", "1单元", "101"))
    residents.create_resident(admin, other.id, person("刘强", "1", dt.date(1980, 4, 4), "02", 20))
    households.move_resident(admin, p["王芳"], other.id, "12", DAY, "结婚")
    assert heads(other.id) == ["刘强"] and Resident.get_by_id(p["王芳"]).household_id == other.id
    event = LifeEvent.get(LifeEvent.resident == p["王芳"])
    assert (event.kind, event.from_value, event.to_value) == (
        "household_change",
        house.household_no,
        other.household_no,
    )
    with pytest.raises(RegistryError, match="请在本户留下的人员中指定新户主"):
        households.move_resident(admin, p["王建国"], other.id, "51", DAY)
    households.move_resident(
        admin,
        p["王建国"],
        other.id,
        "97",
        DAY,
        new_head_id=p["李秀兰"],
        relations=households.suggest_relations(house.id, p["李秀兰"]),
    )
    assert heads(house.id) == ["李秀兰"] and heads(other.id) == ["刘强"]
    assert Resident.get_by_id(p["王磊"]).relation == "22"  # the spouse keeps the family's relations


def test_split_with_the_head_leaving_and_merge_back(admin, family):
    compound, house, p = family
    with pytest.raises(RegistryError, match="至少留下一人"):
        households.split_household(
            admin,
            house.id,
            list(p.values()),
            p["王建国"],
            {},
            AddressInput(compound.id, "9号楼", "", "101"),
            DAY,
        )
    with pytest.raises(RegistryError, match="原户的新户主"):
        households.split_household(
            admin,
            house.id,
            [p["王建国"], p["李秀兰"]],
            p["王建国"],
            {},
            AddressInput(compound.id, "9号楼", "", "101"),
            DAY,
        )
    new = households.split_household(
        admin,
        house.id,
        [p["王建国"], p["李秀兰"]],
        p["王建国"],
        {p["李秀兰"]: "12"},
        AddressInput(compound.id, "9号楼", "1单元", "101"),
        DAY,
        "老人另住",
        stay_head_id=p["王磊"],
        stay_relations={p["张敏"]: "12", p["王子涵"]: "20", p["王芳"]: "77"},
    )
    assert heads(new.id) == ["王建国"] and heads(house.id) == ["王磊"]
    assert {m.name for m in households.current_members(new.id)} == {"王建国", "李秀兰"}
    assert Resident.get_by_id(p["王芳"]).relation == "77"
    moved = LifeEvent.select().where(LifeEvent.reason.startswith("分户"))
    assert {e.resident_id for e in moved if e.to_value == new.household_no} == {
        p["王建国"],
        p["李秀兰"],
    }
    # Merge the old couple back into their son's household.
    households.merge_households(
        admin, new.id, house.id, {p["王建国"]: "51", p["李秀兰"]: "52"}, DAY, "回家同住"
    )
    assert heads(house.id) == ["王磊"] and len(households.current_members(house.id)) == 6
    assert Household.get_by_id(new.id).archived
    assert (
        AuditLog.select()
        .where((AuditLog.action == "archive") & (AuditLog.record_id == str(new.id)))
        .exists()
    )
    with pytest.raises(RegistryError, match="选择与户主"):
        other = households.create_household(admin, AddressInput(compound.id, "1号楼", "", "1"))
        residents.create_resident(
            admin, other.id, person("孙丽", "2", dt.date(1975, 1, 1), "02", 30)
        )
        households.merge_households(admin, other.id, house.id, {}, DAY)
    assert heads(house.id) == ["王磊"]


def test_find_households_by_number_address_and_member(admin, family):
    _, house, p = family
    for text in [house.household_no, "3号楼2单元", "wjg", "王子涵"]:
        rows = households.find_households(text)
        assert rows and rows[0].id == house.id and rows[0].head_name == "王建国", text
        assert rows[0].members == 6


# -- dialogs ------------------------------------------------------------------------------
def test_change_head_dialog(qtbot, admin, family, yes):
    from ui.registry.household_actions import ChangeHeadDialog

    _, house, p = family
    dialog = ChangeHeadDialog(admin, house.id)
    qtbot.addWidget(dialog)
    dialog.head.setCurrentIndex(dialog.head.findData(p["李秀兰"]))
    assert dialog.table.combo_for(p["王建国"]).code() == "11"  # her husband
    dialog.reason.insert("户主外出")
    dialog._ok()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    assert heads(house.id) == ["李秀兰"] and Resident.get_by_id(p["王建国"]).relation == "11"


def test_split_dialog(qtbot, admin, family, yes):
    from ui.registry.household_actions import SplitDialog

    _, house, p = family
    dialog = SplitDialog(admin, house.id)
    qtbot.addWidget(dialog)
    dialog.set_checked([p["王磊"], p["张敏"], p["王子涵"]])
    dialog.head.setCurrentIndex(dialog.head.findData(p["王磊"]))
    assert not dialog.stay_box.isVisibleTo(dialog)  # the old head stays
    assert dialog.table.combo_for(p["张敏"]).code() == "12"
    dialog.room.insert("502")
    dialog._ok()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    new = dialog.new_household
    assert heads(new.id) == ["王磊"] and heads(house.id) == ["王建国"]
    assert Household.get_by_id(new.id).room == "502"


def test_household_dialog_edits_the_address(qtbot, admin, family):
    from ui.registry.household import HouseholdDialog

    _, house, _p = family
    dialog = HouseholdDialog(admin, house.id)
    qtbot.addWidget(dialog)
    assert dialog.members.rowCount() == 6 and "户主：王建国" in dialog.members_box.title()
    dialog.room.setText("302")
    dialog.save()
    assert Household.get_by_id(house.id).room == "302"
    assert residents.detail(admin, residents.current_head(house.id).id).address.endswith("302")
