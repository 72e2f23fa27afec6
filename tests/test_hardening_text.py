"""Issue 19, "nothing leaked": invisible characters stopped at the door (models.core.text_rules via
models.core.crud), phone numbers written the Chinese way."""

from __future__ import annotations

import datetime as dt

import pytest
from registry_helpers import person

from models.core.entities import Household, Resident
from models.core.text_rules import TextRuleError, clean, normalize_phone
from models.registry import compounds, households, residents
from models.registry.households import AddressInput
from models.registry.residents import RegistryError
from models.registry.workbook import export as workbook_export

DIRTY = "\x0b\x00\u202e"  # a vertical tab from Word, a NUL, a right-to-left override


def _household(admin, notes: str = "", phone: str = "") -> Household:
    compound = compounds.create_compound(admin, "南关小区", "县供电公司")
    return households.create_household(
        admin, AddressInput(compound.id, "3号楼", "2单元", "301", notes=notes, phone=phone)
    )


def test_clean_rules():
    assert clean("王\x00建\u202e国") == "王建国"
    assert clean("一行\x0b两行", multiline=True) == "一行\n两行"
    assert clean("一行\x0b两行") == "一行 两行"
    assert clean("甲\t乙\r\n丙", multiline=True) == "甲 乙\n丙"
    assert clean("\ufeff\u2066张\u2069三\x7f") == "张三"


def test_dirty_names_and_notes_are_stored_clean_and_export(tmp_path, admin):
    house = _household(admin, notes=f"独居老人{DIRTY}每周探访\u202e一次")
    data = person("王\x00建\u202e国", "1", dt.date(1958, 3, 2), "02", 1)
    data.notes = f"腿脚不便{DIRTY}需上门"
    data.work_unit = "县\u202e供电\x00公司"
    created = residents.create_resident(admin, house.id, data)

    stored = Resident.get_by_id(created.id)
    assert stored.name == "王建国"
    assert stored.notes == "腿脚不便\n需上门"  # a line break kept in a multi-line field
    assert stored.work_unit == "县供电公司"
    assert Household.get_by_id(house.id).notes == "独居老人\n每周探访一次"

    # Editing goes through the same door.
    detail = residents.detail(admin, created.id)
    changed = detail.data
    changed.notes = "改\x00过\u202e了"
    residents.update_resident(admin, created.id, changed)
    assert Resident.get_by_id(created.id).notes == "改过了"

    out = tmp_path / "register.xlsx"
    summary = workbook_export.export_register(admin, out)
    assert summary.residents == 1
    from openpyxl import load_workbook

    values = [
        str(v)
        for row in load_workbook(out).active.iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    assert "王建国" in values
    for value in values:
        assert not any(ch in value for ch in "\x00\x0b\u202e"), value


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("029-88123456转12", "029-88123456转12"),
        ("(029)88123456", "029-88123456"),
        ("（029）88123456", "029-88123456"),
        ("+8613800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("13800138000/029-88123456", "13800138000/029-88123456"),
        ("13800138000、13912345678", "13800138000、13912345678"),
        ("", ""),
    ],
)
def test_phone_numbers_accepted(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "1380013800", "029-123", "13800138000/12345"])
def test_phone_numbers_refused_with_the_message(raw):
    with pytest.raises(TextRuleError) as refused:
        normalize_phone(raw)
    assert "不是有效的号码" in str(refused.value) and "手机号为11位" in str(refused.value)


def test_three_numbers_refused():
    with pytest.raises(TextRuleError, match="最多填写两个号码"):
        normalize_phone("13800138000/13912345678/029-88123456")


def test_services_store_normalised_phones_and_refuse_a_bad_one(admin):
    house = _household(admin, phone="(029)88123456")
    assert Household.get_by_id(house.id).phone == "029-88123456"
    data = person("王建国", "1", dt.date(1958, 3, 2), "02", 1)
    data.phone = "+86 138 0013 8000"
    created = residents.create_resident(admin, house.id, data)
    assert Resident.get_by_id(created.id).phone == "13800138000"

    bad = person("李秀兰", "2", dt.date(1960, 5, 9), "12", 2)
    bad.phone = "12345"
    before = Resident.select().count()
    with pytest.raises(RegistryError, match="联系电话“12345”不是有效的号码"):
        residents.create_resident(admin, house.id, bad)
    assert Resident.select().count() == before


def test_name_length_and_emptiness_are_checked_on_the_cleaned_name(admin):
    """Invisible characters are stripped before the checks, as they are before storing: they
    neither make a 50-character name too long nor let a name of nothing but them through."""
    house = _household(admin)
    fifty = "王" * 50
    padded = person(
        "\u202e".join(fifty[:25]) + DIRTY * 10 + fifty[25:], "1", dt.date(1958, 3, 2), "02", 1
    )
    assert len(padded.name) > 50
    created = residents.create_resident(admin, house.id, padded)
    assert Resident.get_by_id(created.id).name == fifty

    too_long = person("王" * 51, "2", dt.date(1960, 5, 9), "12", 2)
    with pytest.raises(RegistryError, match="姓名过长"):
        residents.create_resident(admin, house.id, too_long)
    invisible = person(DIRTY + "\ufeff\u2066", "2", dt.date(1960, 5, 9), "12", 3)
    with pytest.raises(RegistryError, match="姓名不能为空"):
        residents.create_resident(admin, house.id, invisible)
    assert Resident.select().count() == 1
