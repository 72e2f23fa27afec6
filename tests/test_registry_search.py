"""Registry search: every kind of text, filters, sorting, paging, the index kept in step by
triggers, and the search box of the tab driven through the real widgets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from models.core import crud
from models.core.db import close_database
from models.core.entities import Compound, Household, Resident, ResidentTag
from models.migrations import open_database
from models.registry import search
from models.registry.search import ResidentFilter
from tests.conftest import AS_OF

FIXTURES = Path(__file__).parent / "fixtures"


def _ids(text="", flt=None, **kw):
    return [
        r.id for r in search.search(text, flt or ResidentFilter(status=None), limit=100000, **kw)
    ]


def _person(**where) -> Resident:
    query = Resident.select().where(Resident.status == "current")
    for key, value in where.items():
        query = query.where(getattr(Resident, key) == value)
    return query.order_by(Resident.id).first()


@pytest.fixture
def someone(demo_small):
    """A current head with a phone: the person the clerk is looking for."""
    return (
        Resident.select()
        .where(
            (Resident.relation == "02") & (Resident.phone != "") & (Resident.status == "current")
        )
        .order_by(Resident.id)
        .offset(5)
        .first()
    )


def test_finds_by_initials_pinyin_name_id_phone_household_and_address(someone):
    house = Household.get_by_id(someone.household_id)
    texts = {
        "initials": someone.pinyin_initials,
        "full pinyin": someone.pinyin,
        "upper-case pinyin": someone.pinyin.upper(),
        "name": someone.name,
        "ID last four": someone.id_number[-4:],
        "ID birth date": someone.id_number[6:14],
        "ID with lower x": someone.id_number.lower(),
        "full-width digits": someone.id_number[-6:].translate(
            str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
        ),
        "phone last four": someone.phone[-4:],
        "whole phone": someone.phone,
        "household number": house.household_no,
        "address": f"{house.building}{house.unit}{house.room}",
        "compound and room": f"{house.compound.name} {house.room}",
    }
    for label, text in texts.items():
        found = _ids(text)
        assert someone.id in found, label
        # Everyone found really contains the text in one of the searched fields.
        assert len(found) < Resident.select().count(), label


def test_two_parts_must_both_match(someone):
    house = Household.get_by_id(someone.household_id)
    both = _ids(f"{someone.name[0]} {house.household_no}")
    assert someone.id in both
    assert set(both) <= set(_ids(house.household_no))
    assert _ids(f"{someone.name} zzzzqqq") == []


def test_short_and_long_parts_agree_with_a_plain_scan(someone, monkeypatch):
    """The index-driven and the row-by-row query give the same rows in the same order."""
    texts = [
        "王",
        "wj",
        "38",
        someone.pinyin_initials,
        someone.id_number[-4:],
        "号楼",
        someone.name[-2:],
        "1单元",
    ]
    driven = {t: _ids(t) for t in texts}
    monkeypatch.setattr(search, "PROBE_LIMIT", -1)  # never use a candidate list
    search.clear_cache()
    for text in texts:
        assert _ids(text) == driven[text], text


def test_filters(demo_small):
    compound = Compound.select().order_by(Compound.id).first()
    rows = search.search("", ResidentFilter(compound_id=compound.id), limit=10000)
    assert rows and all(r.compound == compound.name and r.status == "current" for r in rows)
    women = search.search("", ResidentFilter(sex="2"), limit=10000)
    assert women and all(r.sex == "2" for r in women)
    floating = search.search("", ResidentFilter(category="4"), limit=10000)
    assert floating and all(r.category == "4" for r in floating)
    old = search.search("", ResidentFilter(min_age=60, as_of=AS_OF), limit=10000)
    assert old and all(r.birth_date <= AS_OF.replace(year=AS_OF.year - 60) for r in old)
    babies = search.search("", ResidentFilter(max_age=2, as_of=AS_OF), limit=10000)
    assert babies and all(r.birth_date > AS_OF.replace(year=AS_OF.year - 3) for r in babies)
    tagged = {
        t.resident_id
        for t in ResidentTag.select().where(
            (ResidentTag.tag == "disabled") & ResidentTag.end_date.is_null()
        )
    }
    disabled = _ids("", ResidentFilter(tag="disabled", status=None))
    assert disabled and set(disabled) == tagged
    for status in ("moved_out", "deceased"):
        rows = search.search("", ResidentFilter(status=status), limit=10000)
        stored = Resident.select().where(Resident.status == status).count()
        assert stored > 0 and len(rows) == stored and {r.status for r in rows} == {status}
    total = Resident.select().count()
    assert search.count("", ResidentFilter(status=None)) == total
    assert (
        search.count("", ResidentFilter())
        == Resident.select().where(Resident.status == "current").count()
    )


def test_counts_match_the_rows_and_cap(someone):
    for text in ["", "w", someone.id_number[-3:], "号楼"]:
        rows = search.search(text, ResidentFilter(), limit=100000)
        assert search.count(text, ResidentFilter()) == len(rows)
        assert search.count(text, ResidentFilter(), cap=10) == min(len(rows), 11)


@pytest.mark.parametrize("sort", list(search.SORTS))
def test_sorting_and_paging(demo_small, sort):
    everyone = search.search("", ResidentFilter(status=None), limit=100000, sort=sort)
    pages = []
    for offset in range(0, len(everyone), 37):
        pages += search.search("", ResidentFilter(status=None), limit=37, offset=offset, sort=sort)
    assert [r.id for r in pages] == [r.id for r in everyone]
    backwards = search.search(
        "", ResidentFilter(status=None), limit=100000, sort=sort, descending=True
    )
    assert [r.id for r in backwards] == [r.id for r in reversed(everyone)]
    if sort == "name":
        names = [r.name for r in everyone]
        assert names == sorted(names)
    if sort == "household":
        numbers = [r.household_no for r in everyone]
        assert numbers == sorted(numbers)
        first = [r for r in everyone if r.household_no == numbers[0]]
        assert first[0].relation == "02"  # the head first, then by relation


def test_ids_are_masked_in_rows(someone):
    row = search.search(someone.id_number[-4:], limit=5)[0]
    assert row.masked_id == someone.id_number[:4] + "*" * 10 + someone.id_number[-4:]


def test_index_follows_every_change(someone, admin):
    crud.update(admin, someone, name="欧阳明月", pinyin="ouyangmingyue", pinyin_initials="oymy")
    assert someone.id in _ids("oymy") and someone.id in _ids("欧阳明")
    house = Household.get_by_id(someone.household_id)
    crud.update(admin, house, building="99号楼")
    members = {r.id for r in Resident.select().where(Resident.household == house.id)}
    assert members <= set(_ids("99号楼"))
    compound = house.compound
    crud.update(admin, compound, name="新月花园")
    assert someone.id in _ids("新月花园99号楼")
    # Bulk writes that bypass the services (the workbook importer does) are indexed too.
    Resident.update(phone="139-0000-1111").where(Resident.id == someone.id).execute()
    assert _ids("13900001111") == [someone.id]


def test_migrated_database_has_the_same_index_and_triggers(tmp_path):
    old = tmp_path / "old.sqlite3"
    con = sqlite3.connect(old)
    con.executescript((FIXTURES / "schema_v1.sql").read_text(encoding="utf-8"))
    con.close()
    open_database(old)
    assert [r.name for r in search.search("wjg", ResidentFilter(status=None))] == ["王建国"]
    close_database()
    fresh = tmp_path / "fresh.sqlite3"
    open_database(fresh)
    close_database()

    def triggers(path):
        con = sqlite3.connect(path)
        rows = sorted(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        con.close()
        return rows

    assert triggers(old) == triggers(fresh) and len(triggers(fresh)) == 7  # 5 search, 2 audit_log


# -- the tab ------------------------------------------------------------------------------
@pytest.fixture
def tab(qtbot, admin, demo_small):
    from ui.registry.tab import RegistryTab

    widget = RegistryTab(admin)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.counter.wait()


def test_typing_updates_results(qtbot, tab, someone):
    qtbot.waitUntil(tab.search.hasFocus, timeout=2000)  # focused when the tab opens
    qtbot.keyClicks(tab.search, someone.pinyin_initials)
    qtbot.waitUntil(lambda: tab.model.rowCount() < 50, timeout=3000)
    assert someone.id in [r.id for r in tab.model.rows]
    assert tab.count_label.text() == f"找到 {tab.model.rowCount()} 人"
    tab.search.clear()
    qtbot.keyClicks(tab.search, someone.id_number[-4:])
    qtbot.waitUntil(lambda: someone.id in [r.id for r in tab.model.rows], timeout=3000)
    assert tab.pane.title.text() == tab.model.rows[0].name  # the first match is shown
    tab.search.clear()
    qtbot.keyClicks(tab.search, someone.phone)
    qtbot.waitUntil(lambda: [r.id for r in tab.model.rows] == [someone.id], timeout=3000)
    assert tab.pane.fields["id"].text() == someone.id_number[:4] + "*" * 10 + someone.id_number[-4:]


def test_ctrl_f_and_filters(qtbot, tab):
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert tab.search.hasFocus()
    tab.f_status.setCurrentIndex(tab.f_status.findData("deceased"))
    qtbot.waitUntil(
        lambda: tab.model.rowCount() > 0 and all(r.status == "deceased" for r in tab.model.rows),
        timeout=3000,
    )
    assert tab.model.rowCount() == Resident.select().where(Resident.status == "deceased").count()


def test_big_lists_page_in_and_sort_in_the_database(qtbot, tab):
    tab.run_search()
    total = Resident.select().where(Resident.status == "current").count()
    assert tab.model.rowCount() == 200 < total  # one page, not everyone
    qtbot.waitUntil(lambda: tab.count_label.text() == f"找到 {total:,} 人", timeout=5000)
    tab.table.scrollToBottom()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 200, timeout=3000)
    name_column = next(i for i, c in enumerate(tab.model.columns) if c.sort == "name")
    tab.table.sortByColumn(name_column, Qt.SortOrder.AscendingOrder)
    assert tab.model.rows[0].name == search.search("", sort="name", limit=1)[0].name
    assert tab.model.rowCount() == 200


def test_enter_opens_the_person(qtbot, tab, someone, monkeypatch):
    import ui.registry.resident_form as form_module

    opened = []
    monkeypatch.setattr(
        form_module, "open_resident", lambda user, rid, parent=None: opened.append(rid) or None
    )
    qtbot.keyClicks(tab.search, someone.phone)
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)  # one match: Enter opens it
    assert opened == [someone.id]
    tab.search.clear()
    tab.search.insert(someone.name[0])  # as an input method commits it
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)  # many: Enter goes to the list
    assert tab.table.hasFocus() and tab.model.rowCount() > 1
    qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    second = tab.selected_id()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert opened == [someone.id, second] and second == tab.model.rows[1].id
