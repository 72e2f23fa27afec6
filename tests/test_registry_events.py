"""Life events: birth, death, moving out and back, change of category, corrections; the
person's history; the demo's events agree with its register; dialogs driven through widgets."""

from __future__ import annotations

import datetime as dt

import pytest

from models.core.entities import Household, LifeEvent, Resident
from models.registry import households, life_events, residents
from models.registry.residents import RegistryError, ResidentData
from tests.conftest import AS_OF
from tests.registry_helpers import DAY, heads, make_family


@pytest.fixture
def family(admin):
    return make_family(admin)


@pytest.fixture
def yes(dialogs):
    dialogs.always("confirm", True)


def kinds(resident_id):
    return [(e.kind, e.voided) for e in life_events.history(resident_id)]


def test_birth_adds_a_child_with_a_dated_event(admin, family):
    _, house, p = family
    child = life_events.record_birth(
        admin,
        house.id,
        ResidentData(name="王小宝", sex="1", birth_date=dt.date(2026, 10, 3), relation="41"),
        "在县医院出生",
    )
    assert (
        child.status == "current"
        and child.household_id == house.id
        and child.pinyin == "wangxiaobao"
    )
    [event] = life_events.history(child.id)
    assert (event.kind, event.event_date, event.to_value, event.reason) == (
        "birth",
        dt.date(2026, 10, 3),
        house.household_no,
        "在县医院出生",
    )
    with pytest.raises(RegistryError, match="不能登记为户主"):
        life_events.record_birth(
            admin, house.id, ResidentData(name="某", sex="2", relation="02", birth_date=DAY)
        )
    # A corrected birth date corrects the birth event: a new one replaces (voids) the old.
    data = residents.detail(admin, child.id).data
    data.birth_date = dt.date(2026, 10, 4)
    residents.update_resident(admin, child.id, data)
    history = life_events.history(child.id)
    assert [(e.event_date, e.voided) for e in history] == [
        (dt.date(2026, 10, 3), True),
        (dt.date(2026, 10, 4), False),
    ]
    assert history[1].corrects_id == history[0].id


def test_death_of_the_head_hands_over_and_can_be_cancelled(admin, family):
    _, house, p = family
    with pytest.raises(RegistryError, match="指定新户主"):
        life_events.record_death(admin, p["王建国"], DAY)
    with pytest.raises(RegistryError, match="早于出生日期"):
        life_events.record_death(admin, p["王子涵"], dt.date(2000, 1, 1))
    rels = households.suggest_relations(house.id, p["李秀兰"])
    life_events.record_death(admin, p["王建国"], DAY, "病故", p["李秀兰"], rels)
    assert Resident.get_by_id(p["王建国"]).status == "deceased"
    assert heads(house.id) == ["李秀兰"]
    assert kinds(p["王建国"]) == [("death", False)]
    assert ("household_change", False) in kinds(p["李秀兰"])
    with pytest.raises(RegistryError, match="不是在册人员"):
        life_events.record_move_out(admin, p["王建国"], DAY)
    # Recorded in error: cancelling brings him back, not as a second head.
    death = LifeEvent.get(LifeEvent.kind == "death")
    assert life_events.cancel_needs_relation(death.id)
    with pytest.raises(RegistryError, match="请选择王建国与户主的关系"):
        life_events.cancel_event(admin, death.id, "误报")
    life_events.cancel_event(admin, death.id, "误报", relation="11")
    person = Resident.get_by_id(p["王建国"])
    assert (person.status, person.relation) == ("current", "11") and heads(house.id) == ["李秀兰"]
    assert kinds(p["王建国"]) == [("death", True), ("void", False)]
    assert life_events.counts(DAY, DAY).get("death", 0) == 0


def test_move_out_of_everyone_closes_the_household_and_a_return_reopens_it(admin, family):
    compound, house, p = family
    alone = households.create_household(
        admin, households.AddressInput(compound.id, "8号楼", "", "1")
    )
    single = residents.create_resident(
        admin, alone.id, ResidentData(name="孤老", sex="1", birth_date=dt.date(1940, 1, 1))
    )
    life_events.record_move_out(admin, single.id, DAY, "西安市雁塔区", "投靠子女")
    assert Household.get_by_id(alone.id).archived
    out = life_events.history(single.id)
    assert [(e.kind, e.to_value) for e in out] == [
        ("move_out", "西安市雁塔区"),
        ("household_change", ""),
    ]
    assert out[0].description == f"自户{alone.household_no}迁出至西安市雁塔区"
    life_events.record_return(admin, single.id, alone.id, "99", dt.date(2026, 11, 20), "西安市")
    back = Resident.get_by_id(single.id)
    assert (back.status, back.relation, back.arrived_on) == ("current", "02", dt.date(2026, 11, 20))
    assert not Household.get_by_id(alone.id).archived
    assert [e.kind for e in life_events.history(single.id)][-1] == "move_in"


def test_category_change_and_correction(admin, family):
    _, _house, p = family
    event = life_events.record_category_change(admin, p["王芳"], "3", DAY, "在外工作")
    assert Resident.get_by_id(p["王芳"]).category == "3"
    fixed = life_events.correct_event(admin, event.id, dt.date(2026, 11, 1), "在西安工作")
    assert LifeEvent.get_by_id(event.id).voided and fixed.corrects_id == event.id
    with pytest.raises(RegistryError, match="已被更正或撤销"):
        life_events.correct_event(admin, event.id, DAY, "再改")
    with pytest.raises(RegistryError, match="撤销该变更"):
        life_events.correct_event(admin, fixed.id, DAY, "改类别", to_value="4")
    life_events.cancel_event(admin, fixed.id, "登记错误")
    assert Resident.get_by_id(p["王芳"]).category == "1"
    assert life_events.counts(dt.date(2026, 1, 1), AS_OF).get("category_change", 0) == 0
    with pytest.raises(RegistryError, match="不能撤销"):
        birth = life_events.record_birth(
            admin, _house.id, ResidentData(name="王二宝", sex="2", birth_date=DAY, relation="42")
        )
        life_events.cancel_event(admin, LifeEvent.get(LifeEvent.resident == birth.id).id, "错")


def test_clerks_without_edit_rights_cannot_record(officer, family, monkeypatch):
    from models.core import permissions

    _, house, p = family
    monkeypatch.setitem(
        permissions.ROLE_PERMS, "casework", frozenset({permissions.Perm.REGISTRY_VIEW})
    )
    with pytest.raises(permissions.PermissionDenied):
        life_events.record_death(officer, p["王芳"], DAY)
    assert Resident.get_by_id(p["王芳"]).status == "current"


def test_demo_events_agree_with_the_register(demo_small):
    start = AS_OF - dt.timedelta(days=364)
    counted = life_events.counts(start, AS_OF)
    assert all(counted.get(k, 0) > 0 for k in ("birth", "death", "move_in", "move_out"))
    assert not LifeEvent.select().where(LifeEvent.event_date > AS_OF).exists()
    for status, kind in (("deceased", "death"), ("moved_out", "move_out")):
        people = list(Resident.select().where(Resident.status == status))
        assert people
        for person in people:
            assert [e.kind for e in life_events.history(person.id)].count(kind) == 1
    for event in LifeEvent.select().where(LifeEvent.kind == "birth"):
        assert event.resident.birth_date == event.event_date
    for event in LifeEvent.select().where(LifeEvent.kind == "move_in"):
        assert event.resident.arrived_on == event.event_date
    assert all(
        households.head_count(h.id) == 1
        for h in Household.select().where(Household.archived == False)
    )  # noqa: E712

    def present_on(day):
        """Counted from the register's own dates and the exits, not from the entry events."""
        exits = {
            e.resident_id: e.event_date
            for e in LifeEvent.select().where(
                LifeEvent.kind.in_(["death", "move_out"]) & (LifeEvent.voided == False)
            )
        }  # noqa: E712
        return sum(
            1
            for r in Resident.select()
            if r.birth_date <= day
            and (
                r.arrived_on is None
                or r.arrived_on <= day
                or r.arrived_on < r.birth_date + dt.timedelta(days=1)
            )
            and not (r.id in exits and exits[r.id] <= day)
        )

    for day in (start - dt.timedelta(days=1), AS_OF - dt.timedelta(days=120), AS_OF):
        assert life_events.population_on(day) == present_on(day), day
    # The monthly balance: closing = opening + births - deaths + moved in - moved out.
    month_end = start - dt.timedelta(days=1)
    while month_end < AS_OF:
        nxt = min(
            AS_OF,
            (month_end.replace(day=1) + dt.timedelta(days=62)).replace(day=1)
            - dt.timedelta(days=1),
        )
        c = life_events.counts(month_end + dt.timedelta(days=1), nxt)
        assert life_events.population_on(nxt) == (
            life_events.population_on(month_end)
            + c.get("birth", 0)
            - c.get("death", 0)
            + c.get("move_in", 0)
            - c.get("move_out", 0)
        )
        month_end = nxt


# -- dialogs and the done-when walk-through -------------------------------------------------
def test_death_dialog_asks_for_a_new_head(qtbot, admin, family, yes):
    from ui.registry.life_events import LeaveDialog

    _, house, p = family
    dialog = LeaveDialog(admin, p["王建国"], "death")
    qtbot.addWidget(dialog)
    assert dialog.succession is not None
    dialog.succession.head.setCurrentIndex(dialog.succession.head.findData(p["王磊"]))
    assert dialog.succession.table.combo_for(p["李秀兰"]).code() == "52"
    dialog.date.setText("2026-11-03")
    dialog.reason.insert("病故")
    dialog._ok()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    assert Resident.get_by_id(p["王建国"]).status == "deceased" and heads(house.id) == ["王磊"]
    assert Resident.get_by_id(p["李秀兰"]).relation == "52"


def test_new_user_finds_people_records_a_birth_and_a_move_out(qtbot, admin, demo_small, yes):
    from ui.registry.life_events import LeaveDialog
    from ui.registry.resident_form import ResidentForm
    from ui.registry.tab import RegistryTab

    tab = RegistryTab(admin)
    qtbot.addWidget(tab)
    tab.show()
    mother = (
        Resident.select()
        .where(
            (Resident.relation == "12") & (Resident.status == "current") & (Resident.phone != "")
        )
        .order_by(Resident.id)
        .first()
    )
    for text in (mother.pinyin_initials, mother.id_number[-4:], mother.phone):
        tab.search.clear()
        qtbot.keyClicks(tab.search, text)
        qtbot.waitUntil(lambda: mother.id in [r.id for r in tab.model.rows], timeout=3000)
    tab.select_person(mother.id)
    assert tab.selected_id() == mother.id and tab.pane.title.text() == mother.name
    # A birth in her household, through the form the tab opens.
    form = ResidentForm(admin, "birth", household_id=tab.selected_row().household_id)
    qtbot.addWidget(form)
    form.name.insert("张小雨")
    form.sex.set_code("2")
    qtbot.keyClicks(form.birth, "20261101")
    form.relation.set_code("32")
    form.save()
    assert form.result() == form.DialogCode.Accepted, form.error.text()
    baby = Resident.get_by_id(form.saved_id)
    tab.refresh()
    tab.select_person(baby.id)
    assert tab.pane.history.item(0, 1).text() == "出生"
    assert tab.pane.history.item(0, 0).text() == "2026-11-01"
    # She moves out.
    dialog = LeaveDialog(admin, mother.id, "move_out")
    qtbot.addWidget(dialog)
    dialog.destination.insert("陕西省西安市雁塔区")
    dialog._ok()
    assert Resident.get_by_id(mother.id).status == "moved_out"
    tab.refresh()
    tab.select_person(mother.id)
    texts = [tab.pane.history.item(r, 3).text() for r in range(tab.pane.history.rowCount())]
    assert any("迁出至陕西省西安市雁塔区" in t for t in texts)
    assert tab.pane.fields["status"].text() == "已迁出"
    tab.counter.wait()


def test_correction_dialog_corrects_then_cancels(qtbot, admin, family, yes):
    from ui.registry.life_events import CorrectionDialog

    _, house, p = family
    event = life_events.record_move_out(admin, p["王芳"], DAY, "西安市", "工作")
    dialog = CorrectionDialog(admin, event.id)
    qtbot.addWidget(dialog)
    assert dialog.to_value.text() == "西安市"
    dialog.date.setText("2026-11-01")
    dialog.to_value.setText("西安市碑林区")
    dialog._ok()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    [fixed] = [e for e in life_events.history(p["王芳"]) if e.corrects_id]
    assert (fixed.event_date, fixed.to_value, fixed.corrects_id) == (
        dt.date(2026, 11, 1),
        "西安市碑林区",
        event.id,
    )
    undo = CorrectionDialog(admin, fixed.id)
    qtbot.addWidget(undo)
    undo.reason.clear()
    undo.cancel_button.click()
    assert "撤销的原因" in undo.error.text()
    undo.reason.setText("并未迁出")
    undo.cancel_button.click()
    assert Resident.get_by_id(p["王芳"]).status == "current"
    assert [e.kind for e in life_events.history(p["王芳"]) if not e.voided] == ["void"]
