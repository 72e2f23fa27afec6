"""The faster paths of issue 9 give the same answers as the general ones: the one-character
search, a household's history by index, the shared casework worklist, the drawn form grid."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pdf_tools
import pytest

from models.casework import worklist as casework_worklist
from models.casework.cases import add_follow_up, create_general
from models.casework.entities import FollowUp
from models.core.db import database_path
from models.core.entities import Household, Resident
from models.registry import households, life_events, printouts, search
from models.registry.households import AddressInput
from models.registry.search import ResidentFilter
from reports.household_form import build_household_forms
from tests.conftest import AS_OF, other_connection
from tests.registry_helpers import DAY, make_family

EVERYONE = ResidentFilter(status=None)


def _ids(text: str) -> list[int]:
    return [r.id for r in search.search(text, EVERYONE, limit=100000)]


def test_one_character_finds_names_and_addresses_as_a_plain_scan_does(demo_small, monkeypatch):
    person = (
        Resident.select()
        .where((Resident.status == "current") & Resident.household.is_null(False))
        .first()
    )
    char = person.name[0]
    found = _ids(char)
    assert person.id in found and all(char in Resident.get_by_id(i).name for i in found)
    house = next(
        h
        for h in Household.select().order_by(Household.id)
        if not {r.id for r in h.members} & set(found)
    )
    members = [r.id for r in Resident.select().where(Resident.household == house.id)]
    assert members
    # Now an address holds the character: its household's people are found by it too.
    Household.update(building=f"{char}家坪1号楼").where(Household.id == house.id).execute()
    after = _ids(char)
    assert set(members) <= set(after) and set(found) <= set(after)
    monkeypatch.setattr(search, "PROBE_LIMIT", -1)  # the row-by-row scan, no candidates
    search.clear_cache()
    assert _ids(char) == after
    assert _ids(f"{char}家") == [i for i in after if i in members]


@pytest.mark.sqlite_only("reads SQLite's EXPLAIN QUERY PLAN")
def test_a_household_history_holds_the_moves_that_name_its_number(admin):
    compound, house, people = make_family(admin)
    other = households.create_household(admin, AddressInput(compound.id, "5号楼", "1单元", "101"))
    households.move_resident(admin, people["王芳"], other.id, "12", DAY, "结婚")
    moves = [e for e in life_events.household_history(house.id) if e.kind == "household_change"]
    assert [(m.resident_name, m.from_value, m.to_value, m.household_no) for m in moves] == [
        ("王芳", house.household_no, other.household_no, other.household_no)
    ]
    assert [
        e.id for e in life_events.household_history(other.id) if e.kind == "household_change"
    ] == [moves[0].id]
    assert moves[0] in life_events.history(people["王芳"])
    assert life_events.event_row(moves[0].id) == moves[0]
    # The history is read through the new indexes, not by reading every event.
    con = sqlite3.connect(database_path())
    plan = " ".join(
        str(r)
        for r in con.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM life_event WHERE household_id = 1"
            " OR from_value = 'x' OR to_value = 'x'"
        )
    )
    con.close()
    assert "life_event_from_value" in plan and "life_event_to_value" in plan


def test_the_worklist_follows_changes_made_through_another_connection(admin, officer):
    _compound, _house, people = make_family(admin)
    today = AS_OF
    case = create_general(
        officer, person_id=people["王建国"], subject="咨询", opened_on=today - dt.timedelta(days=20)
    )
    assert casework_worklist.overdue_counts().total == 0
    add_follow_up(
        officer, case.id, today - dt.timedelta(days=10), "phone", "", today - dt.timedelta(days=1)
    )
    assert casework_worklist.overdue_counts().total == 1  # a write on this connection
    with other_connection() as execute:
        execute(
            "UPDATE casework_follow_up SET next_date = ? WHERE case_id = ?",
            ((today + dt.timedelta(days=3)).isoformat(), case.id),
        )
    assert FollowUp.get(FollowUp.case == case.id).next_date == today + dt.timedelta(days=3)
    counts = casework_worklist.overdue_counts()
    assert counts.total == 0
    [item] = casework_worklist.worklist(officer)
    assert (item.case_no, item.group, item.kind) == (case.case_no, "week", "follow_up")


@pytest.mark.parametrize("size", [11, 20])
def test_a_large_household_continues_under_a_repeated_header(demo_small, clerk, tmp_path, size):
    sheet = max(printouts.household_sheets(clerk), key=lambda s: len(s.members))
    members = (sheet.members * size)[:size]
    big = printouts.HouseholdSheet(
        sheet.id,
        sheet.household_no,
        sheet.household_type,
        sheet.compound,
        sheet.address,
        sheet.phone,
        sheet.head,
        members,
    )
    path = build_household_forms(tmp_path / "big.pdf", [big, sheet])
    pages = pdf_tools.pages(path)
    assert pages >= 3
    for page in range(1, pages):  # the big household's pages: each under the member header
        text = pdf_tools.text(path, first=page, last=page)
        assert "公民身份号码" in text and "户籍地址" in text
    continued = pdf_tools.text(path, layout=False, first=1, last=pages - 1)
    assert f"共{size}人" in continued and continued.count("户主签字") == 1
    assert all(str(n) in continued for n in range(1, size + 1))
    last = pdf_tools.text(path, first=pages, last=pages)
    assert sheet.household_no in last and f"共{len(sheet.members)}人" in last


def test_dialogs_opened_from_the_registry_tab_are_freed(qtbot, admin, demo_small, dialogs):
    """A dialog made with the tab as its parent lived (about 3 MB each) until the window closed."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from ui.registry.household import HouseholdDialog
    from ui.registry.resident_form import ResidentForm, open_resident
    from ui.registry.tab import RegistryTab

    tab = RegistryTab(admin)
    qtbot.addWidget(tab)
    tab.show()
    row = tab.selected_row()
    assert row is not None and row.household_id
    for _ in range(3):
        dialogs.on(HouseholdDialog, lambda d: d.reject())
        tab.open_household()
        dialogs.on(ResidentForm, lambda d: d.reject())
        open_resident(admin, row.id, tab)
    assert dialogs.kinds() == ["HouseholdDialog", "ResidentForm"] * 3
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert tab.findChildren(HouseholdDialog) == [] and tab.findChildren(ResidentForm) == []
