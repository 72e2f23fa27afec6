"""Register printouts: 人口信息登记表 (one household per page) and 居民花名册."""

from __future__ import annotations

import re

import pdf_tools
import pytest

from models.core import codes, idcard
from models.core.entities import AuditLog, Household, Resident, ResidentTag
from models.core.permissions import PermissionDenied
from models.registry import printouts
from reports.household_form import build_household_forms
from reports.resident_list import build_resident_list

FULL_ID = re.compile(r"\d{17}[\dX]")


def test_household_sheets_hold_every_current_member(demo_small, clerk):
    sheets = printouts.household_sheets(clerk)
    assert len(sheets) == Household.select().count() == 80
    assert (
        sum(len(s.members) for s in sheets)
        == Resident.select().where(Resident.status == "current").count()
    )
    sheet = next(s for s in sheets if len(s.members) >= 3)
    assert sheet.members[0].relation == "户主" and sheet.head == sheet.members[0].name
    person = Resident.get(Resident.name == sheet.members[1].name, Resident.household == sheet.id)
    member = sheet.members[1]
    assert member.id_number == idcard.mask(person.id_number)
    assert member.ethnicity == codes.name("ethnicity", person.ethnicity)
    assert member.category == codes.name("category", person.category)
    assert member.hukou_address == person.hukou_address
    tagged = ResidentTag.select().where(ResidentTag.tag == "disabled").first()
    owner = next(s for s in sheets if s.id == tagged.resident.household_id)
    row = next(m for m in owner.members if m.name == tagged.resident.name)
    assert codes.tag_text("disabled", tagged.detail) in row.groups
    assert "残疾（" not in row.groups and "类" not in row.groups  # 肢体残疾三级, not 4类3级
    log = AuditLog.get(AuditLog.action == "print")
    assert log.username == "clerk" and "人口信息登记表" in log.note


def test_household_forms_one_page_each_with_masked_ids(demo_small, clerk, tmp_path):
    sheets = printouts.household_sheets(clerk)[:12]
    path = build_household_forms(tmp_path / "forms.pdf", sheets)
    assert pdf_tools.pages(path) == 12
    for page, sheet in enumerate(sheets, start=1):
        text = pdf_tools.text(path, layout=False, first=page, last=page)
        assert "人口信息登记表" in text and sheet.household_no in text
        assert all(m.name in text and m.id_number in text for m in sheet.members)
        assert not FULL_ID.search(text)
    assert all(f.embedded for f in pdf_tools.fonts(path))


def test_a_household_of_eight_with_long_entries_still_fits_one_page(demo_small, clerk, tmp_path):
    household = Household.select().first()
    head = Resident.get(Resident.household == household)
    n = 0
    while (
        Resident.select()
        .where((Resident.household == household) & (Resident.status == "current"))
        .count()
        < 8
    ):
        n += 1
        person = Resident.create(
            household=household,
            name=f"测试成员{n}",
            sex="2",
            relation="99",
            category="4",
            education="40",
            birth_date=head.birth_date,
            id_number=idcard.make("610627", head.birth_date, 500 + 2 * n),
            hukou_address="陕西省延安市甘泉县城关镇南关村安置区九号楼三单元一零二室",
            work_unit="甘泉县城关镇南关村农民专业合作社",
            arrived_on=head.birth_date,
        )
        ResidentTag.create(resident=person, tag="disabled", detail="4类2级")
        ResidentTag.create(resident=person, tag="alone_elderly")
    sheets = printouts.household_sheets(clerk, household_ids=[household.id])
    assert len(sheets[0].members) == 8
    path = build_household_forms(tmp_path / "eight.pdf", sheets * 3)
    assert pdf_tools.pages(path) == 3
    assert "登记日期" in pdf_tools.text(path, first=3, last=3)


def test_full_ids_need_the_role_and_a_reason(demo_small, clerk, officer):
    with pytest.raises(PermissionDenied):
        printouts.resident_list(clerk, None, full_ids=True, reason="核对")
    with pytest.raises(printouts.PrintoutError, match="理由"):
        printouts.household_sheets(officer, full_ids=True)
    rows = printouts.resident_list(officer, None, full_ids=True, reason="与派出所核对")
    assert all(FULL_ID.fullmatch(r.id_number) for r in rows)
    log = AuditLog.get(AuditLog.action == "print")
    assert "完整" in log.note and "与派出所核对" in log.note


def test_resident_list_for_a_compound(demo_small, clerk, tmp_path):
    compound = Household.select().first().compound
    rows = printouts.resident_list(clerk, compound.id)
    people = (
        Resident.select()
        .join(Household)
        .where((Resident.status == "current") & (Household.compound == compound.id))
    )
    assert len(rows) == people.count()
    assert [r.household_no for r in rows] == sorted(r.household_no for r in rows)
    path = build_resident_list(tmp_path / "list.pdf", rows, compound.name)
    text = pdf_tools.text(path, layout=False)
    assert f"{compound.name}" in text and f"共{len(rows)}人" in text
    assert all(r.name in text and r.id_number in text for r in rows)
    assert not FULL_ID.search(text)
