"""The registry tab's dialogs driven through the real widgets on the demo community: moving a
person to another household, merging households, moving back, category change, the new-resident
chooser, the household picker and the tab buttons that open them. Modal exec() is answered by
tests.modal_driver; confirmations by a stand-in for QMessageBox.question. Each test asserts on
what the database then holds: households, relations, exactly one head, the LifeEvent rows
(kind, from, to) and the audit rows."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QRadioButton,
)

from models import households, idcard, life_events, residents
from models.entities import AuditLog, Household, LifeEvent, Resident
from models.residents import HEAD
from tests.modal_driver import Answers, ModalDriver, cancel, ok
from tests.registry_helpers import heads

DAY = dt.date(2026, 11, 20)


@pytest.fixture
def modal():
    return ModalDriver()


@pytest.fixture
def answers(monkeypatch):
    stand_in = Answers()
    monkeypatch.setattr(QMessageBox, "question", stand_in)
    return stand_in


@pytest.fixture
def tab(qtbot, admin, demo_small):
    from ui.tab_registry import RegistryTab

    widget = RegistryTab(admin)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    yield widget
    widget.counter.wait()


def families(min_members: int = 3) -> list[Household]:
    """Open households with at least *min_members* current members, in id order."""
    return [h for h in Household.select().where(Household.archived == False)  # noqa: E712
            .order_by(Household.id) if len(households.current_members(h.id)) >= min_members]


def member(household_id: int, relation_not: str = HEAD) -> Resident:
    return next(m for m in households.current_members(household_id) if m.relation != relation_not)


def events_of(resident_id: int, kind: str) -> list[LifeEvent]:
    return list(LifeEvent.select().where((LifeEvent.resident == resident_id)
                                         & (LifeEvent.kind == kind)).order_by(LifeEvent.id))


def audit_rows(table: str, record_id: int, action: str = "update") -> list[AuditLog]:
    return list(AuditLog.select().where((AuditLog.table_name == table)
                                        & (AuditLog.record_id == str(record_id))
                                        & (AuditLog.action == action)).order_by(AuditLog.id))


def pick(number: str):
    """What the clerk does in the household picker: type a number, search, OK."""
    def act(picker) -> None:
        picker.query.setText(number)
        picker.run_search()
        assert picker.model.rowCount() >= 1
        ok(picker).click()
    return act


def button(dialog, name: str) -> QPushButton:
    found = dialog.findChild(QPushButton, name)
    assert found is not None, name
    return found


def archived_household(admin) -> Household:
    """A household closed because its only member moved out (the demo's small sample has none)."""
    single = next(h for h in Household.select().where(Household.archived == False)  # noqa: E712
                  .order_by(Household.id) if len(households.current_members(h.id)) == 1)
    person = households.current_members(single.id)[0]
    life_events.record_move_out(admin, person.id, dt.date(2026, 10, 1), "西安市", "务工")
    house = Household.get_by_id(single.id)
    assert house.archived
    return house


# -- moving a person to another household ---------------------------------------------------
def test_tab_household_button_moves_a_member_through_the_picker(qtbot, tab, modal, answers):
    from ui.registry_household import HouseholdDialog
    from ui.registry_household_actions import HouseholdPicker, MoveDialog

    source, target = families()[:2]
    person = member(source.id)
    source_head, target_head = heads(source.id), heads(target.id)
    tab.select_person(person.id)

    def move(dialog) -> None:
        assert dialog.resident_id == person.id and dialog.succession is None
        modal.expect(HouseholdPicker, pick(target.household_no))
        button(dialog, "pick_target").click()
        assert target.household_no in dialog.target_label.text()
        dialog.relation.set_code("97")
        dialog.date.setText(DAY.isoformat())
        dialog.reason.insert("投亲")
        ok(dialog).click()

    def household(dialog) -> None:
        assert dialog.household_id == source.id
        dialog.select_member(person.id)
        modal.expect(MoveDialog, move)
        button(dialog, "move_member").click()
        assert person.name not in [dialog.members.item(r, 0).text()
                                   for r in range(dialog.members.rowCount())]
        button(dialog, "close").click()

    modal.expect(HouseholdDialog, household)
    tab.buttons["household"].click()
    modal.check("HouseholdDialog", "MoveDialog", "HouseholdPicker")

    moved = Resident.get_by_id(person.id)
    assert (moved.household_id, moved.relation, moved.status) == (target.id, "97", "current")
    assert heads(source.id) == source_head and heads(target.id) == target_head
    [event] = events_of(person.id, "household_change")
    assert (event.from_value, event.to_value, event.event_date, event.reason, event.household_id) \
        == (source.household_no, target.household_no, DAY, "迁至他户：投亲", target.id)
    assert event.username == "admin"
    [audit] = audit_rows("resident", person.id)
    assert audit.note == "迁至他户：投亲" and json.loads(audit.after)["household"] == target.id
    assert audit_rows("life_event", event.id, "create")
    assert answers.asked == [f"确认把{person.name}迁入户{target.household_no}？"]
    # The tab follows the person to the new household.
    assert tab.pane.fields["household"].text().startswith(target.household_no)


def test_moving_the_head_hands_over_and_an_archived_target_reopens(qtbot, admin, demo_small,
                                                                    modal, answers):
    from ui.registry_household_actions import HouseholdPicker, MoveDialog

    empty = archived_household(admin)
    source = next(h for h in families() if any(m.relation in ("10", "11", "12")
                                               for m in households.current_members(h.id)))
    head = residents.current_head(source.id)
    spouse = next(m for m in households.current_members(source.id)
                  if m.relation in ("10", "11", "12"))
    dialog = MoveDialog(admin, head.id)
    qtbot.addWidget(dialog)
    assert dialog.succession is not None
    dialog.succession.head.setCurrentIndex(dialog.succession.head.findData(spouse.id))
    suggested = dialog.succession.relations()
    assert head.id not in suggested and spouse.id not in suggested
    ok(dialog).click()
    assert dialog.error.text() == "请选择要迁入的户。"
    modal.expect(HouseholdPicker, pick(empty.household_no))
    button(dialog, "pick_target").click()
    modal.check("HouseholdPicker")
    assert dialog.target is not None and dialog.target.id == empty.id
    # The closed household has no head: the person will head it, whatever relation is shown.
    assert not dialog.relation.isEnabled() and "户主" in dialog.relation_note.text()
    dialog.reason.insert("另住")
    ok(dialog).click()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()

    assert heads(source.id) == [spouse.name] and heads(empty.id) == [head.name]
    assert not Household.get_by_id(empty.id).archived
    assert Resident.get_by_id(head.id).household_id == empty.id
    for m in households.current_members(source.id):
        if m.id != spouse.id:
            assert m.relation == suggested[m.id], m.name
    handover = [e for e in events_of(spouse.id, "household_change") if e.reason.startswith("变更户主")]
    assert len(handover) == 1 and f"原户主{head.name}" in handover[0].reason
    [move] = events_of(head.id, "household_change")
    assert (move.from_value, move.to_value) == (source.household_no, empty.household_no)
    reopened = audit_rows("household", empty.id)
    assert reopened and json.loads(reopened[-1].after) == {"archived": False}


# -- merging two households ------------------------------------------------------------------
def test_merge_through_the_household_dialog(qtbot, admin, demo_small, modal, answers):
    from ui.registry_household import HouseholdDialog
    from ui.registry_household_actions import HouseholdPicker, MergeDialog

    source = next(h for h in families() if {"12"} <= {m.relation for m in
                                                      households.current_members(h.id)}
                  and any(m.relation[:1] in ("2", "3") for m in households.current_members(h.id)))
    target = next(h for h in families() if h.id != source.id)
    people = households.current_members(source.id)
    source_head = residents.current_head(source.id)
    target_head = residents.current_head(target.id)
    before = len(households.current_members(target.id))
    expected: dict[int, str] = {}
    for m in people:
        if m.relation == "12":
            expected[m.id] = "38"  # the eldest son's wife: 儿媳
        elif m.relation[:1] in ("2", "3") and m.relation not in ("28", "38"):
            expected[m.id] = "41" if m.sex == "1" else "42"  # his children: 孙子, 孙女
        else:
            expected[m.id] = "97"
    expected[source_head.id] = "22"

    def merge(dialog) -> None:
        assert dialog.table.rowCount() == len(people)
        assert {dialog.table.combo_for(m.id).code() for m in people} == {"97"}
        modal.expect(HouseholdPicker, pick(target.household_no))
        button(dialog, "pick_target").click()
        dialog.table.combo_for(source_head.id).set_code("22")  # 长子 of the other head
        assert {m.id: dialog.table.combo_for(m.id).code() for m in people} == expected
        dialog.date.setText(DAY.isoformat())
        dialog.reason.insert("回父母家同住")
        ok(dialog).click()

    house = HouseholdDialog(admin, source.id)
    qtbot.addWidget(house)
    modal.expect(MergeDialog, merge)
    button(house, "merge").click()
    modal.check("MergeDialog", "HouseholdPicker")

    assert house.changed and "（已注销）" in house.windowTitle() and house.members.rowCount() == 0
    assert Household.get_by_id(source.id).archived
    assert heads(target.id) == [target_head.name]
    assert len(households.current_members(target.id)) == before + len(people)
    for m in people:
        [event] = events_of(m.id, "household_change")
        assert (event.from_value, event.to_value, event.reason, event.event_date) == (
            source.household_no, target.household_no, "合户：回父母家同住", DAY)
        moved = Resident.get_by_id(m.id)
        assert (moved.household_id, moved.relation) == (target.id, expected[m.id]), m.name
    [archive] = audit_rows("household", source.id, "archive")
    assert archive.note == f"合户：回父母家同住（并入{target.household_no}）"
    assert answers.asked == [f"确认将户{source.household_no}的{len(people)}人并入户"
                             f"{target.household_no}？户{source.household_no}将注销（记录保留）。"]


@pytest.mark.parametrize("head_rel, rel, sex, expected", [
    ("22", "12", "2", "38"), ("22", "22", "1", "41"), ("22", "32", "2", "42"),  # a son's family
    ("32", "11", "1", "28"), ("32", "20", "1", "43"), ("32", "30", "2", "44"),  # a daughter's
    ("38", "11", "1", "20"), ("28", "12", "2", "30"),  # a child-in-law's spouse is the child
    ("12", "22", "1", "22"), ("12", "51", "1", "97"),  # the spouse's children stay children
    ("51", "12", "2", "52"), ("51", "23", "1", "70"),  # a father: mother and siblings
    ("73", "12", "2", "74"), ("73", "22", "1", "93"), ("75", "32", "2", "96"),  # siblings
    ("41", "12", "2", "45"), ("99", "12", "2", "99"), ("97", "22", "1", "97"),
])
def test_merge_suggests_relations_through_the_head(head_rel, rel, sex, expected):
    assert households.relation_through(head_rel, rel, sex) == expected


def test_merge_refuses_a_second_head_and_a_declined_confirmation_changes_nothing(
        qtbot, admin, demo_small, modal, answers):
    from ui.registry_household_actions import HouseholdPicker, MergeDialog

    target, source = families()[:2]
    source_head = residents.current_head(source.id)
    dialog = MergeDialog(admin, source.id)
    qtbot.addWidget(dialog)
    modal.expect(HouseholdPicker, pick(target.household_no))
    button(dialog, "pick_target").click()
    modal.check("HouseholdPicker")
    dialog.table.combo_for(source_head.id).set_code(HEAD)
    ok(dialog).click()
    assert f"请为{source_head.name}选择与户主" in dialog.error.text()
    dialog.table.combo_for(source_head.id).set_code("70")
    answers.answer = QMessageBox.StandardButton.No
    ok(dialog).click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not Household.get_by_id(source.id).archived
    assert heads(source.id) == [source_head.name]
    assert not LifeEvent.select().where(LifeEvent.reason.startswith("合户")).exists()


def test_merge_into_a_closed_household_keeps_the_source_head(qtbot, admin, demo_small, modal,
                                                             answers):
    from ui.registry_household_actions import HouseholdPicker, MergeDialog

    empty = archived_household(admin)
    source = families()[0]
    source_head = residents.current_head(source.id)
    relations = {m.id: m.relation for m in households.current_members(source.id)}
    dialog = MergeDialog(admin, source.id)
    qtbot.addWidget(dialog)
    modal.expect(HouseholdPicker, pick(empty.household_no))
    button(dialog, "pick_target").click()
    modal.check("HouseholdPicker")
    assert "（已注销）" in dialog.target_label.text()
    assert dialog.head_note.isVisibleTo(dialog) and not dialog.table.isEnabled()
    assert {m.id: dialog.table.combo_for(m.id).code()
            for m in households.current_members(source.id)} == relations
    ok(dialog).click()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    assert heads(empty.id) == [source_head.name]
    assert not Household.get_by_id(empty.id).archived and Household.get_by_id(source.id).archived
    assert {m.id: m.relation for m in households.current_members(empty.id)} == relations


# -- moving back -------------------------------------------------------------------------------
def _moved_out() -> list[Resident]:
    return list(Resident.select().where(Resident.status == "moved_out").order_by(Resident.id))


def test_tab_move_back_returns_a_person_to_their_household(qtbot, tab, modal, answers):
    from ui.registry_events import ReturnDialog

    person = next(p for p in _moved_out() if p.relation != HEAD)
    home = Household.get_by_id(person.household_id)
    out = events_of(person.id, "move_out")[0]
    home_heads = heads(home.id)
    tab.f_status.setCurrentIndex(1)  # 已迁出
    tab.run_search()
    tab.select_person(person.id)
    assert tab.buttons["move_back"].isEnabled() and not tab.buttons["move_out"].isEnabled()

    def back(dialog) -> None:
        assert dialog.household.text().startswith(home.household_no)
        assert dialog.relation.code() == person.relation
        dialog.date.setText((out.event_date - dt.timedelta(days=1)).isoformat())
        ok(dialog).click()
        assert "不能早于迁出日期" in dialog.error.text()
        dialog.date.setText(DAY.isoformat())
        dialog.from_place.insert("陕西省西安市雁塔区")
        dialog.reason.insert("返乡")
        ok(dialog).click()

    modal.expect(ReturnDialog, back)
    tab.buttons["move_back"].click()
    modal.check("ReturnDialog")

    back_home = Resident.get_by_id(person.id)
    assert (back_home.status, back_home.household_id, back_home.relation, back_home.arrived_on) \
        == ("current", home.id, person.relation, DAY)
    assert heads(home.id) == home_heads
    [event] = events_of(person.id, "move_in")
    assert (event.from_value, event.to_value, event.event_date, event.reason) == (
        "陕西省西安市雁塔区", home.household_no, DAY, "返乡")
    [audit] = [a for a in audit_rows("resident", person.id) if a.note == "迁入登记"]
    assert json.loads(audit.after)["status"] == "current"
    assert tab.pane.fields["status"].text() == "在册"
    assert tab.buttons["move_out"].isEnabled() and not tab.buttons["move_back"].isEnabled()
    # Leaving again is dated on or after the return, or the months in between count twice.
    with pytest.raises(residents.RegistryError, match="早于此人最近一次迁入"):
        life_events.record_move_out(tab.user, person.id, DAY - dt.timedelta(days=1))


def test_move_back_into_another_household_through_the_picker(qtbot, admin, demo_small, modal,
                                                             answers):
    from ui.registry_events import ReturnDialog
    from ui.registry_household_actions import HouseholdPicker

    person = _moved_out()[-1]
    other = next(h for h in families() if h.id != person.household_id)
    dialog = ReturnDialog(admin, person.id)
    qtbot.addWidget(dialog)
    modal.expect(HouseholdPicker, pick(other.household_no))
    button(dialog, "pick_household").click()
    modal.check("HouseholdPicker")
    assert dialog.household.text().startswith(other.household_no)
    dialog.relation.set_code(HEAD)
    ok(dialog).click()
    assert "已有户主" in dialog.error.text()
    dialog.relation.set_code("99")
    ok(dialog).click()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    back = Resident.get_by_id(person.id)
    assert (back.household_id, back.relation, back.status) == (other.id, "99", "current")
    assert len(heads(other.id)) == 1
    [event] = events_of(person.id, "move_in")
    assert (event.from_value, event.to_value, event.household_id) == ("", other.household_no, other.id)


def test_a_head_who_comes_back_to_a_closed_household_heads_it_again(qtbot, admin, demo_small):
    from ui.registry_events import ReturnDialog

    empty = archived_household(admin)
    person = Resident.get(Resident.household == empty.id)
    dialog = ReturnDialog(admin, person.id)
    qtbot.addWidget(dialog)
    assert "户主" in dialog.relation_note.text() and not dialog.relation.isEnabled()
    ok(dialog).click()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    assert heads(empty.id) == [person.name] and not Household.get_by_id(empty.id).archived
    assert [e.kind for e in life_events.history(person.id)][-1] == "move_in"


# -- category change -------------------------------------------------------------------------
def test_tab_category_button_records_a_change(qtbot, tab, modal):
    from ui.registry_events import CategoryDialog

    person = Resident.select().where((Resident.status == "current") & (Resident.category == "1")) \
        .order_by(Resident.id).first()
    tab.select_person(person.id)

    def change(dialog) -> None:
        assert dialog.category.code() == "1"
        ok(dialog).click()
        assert dialog.error.text().startswith(f"{person.name}已是")
        dialog.category.set_code("3")
        dialog.date.setText(DAY.isoformat())
        dialog.reason.insert("户口在外地，在本地居住满半年")
        ok(dialog).click()

    modal.expect(CategoryDialog, change)
    tab.buttons["category"].click()
    modal.check("CategoryDialog")
    assert Resident.get_by_id(person.id).category == "3"
    [event] = events_of(person.id, "category_change")
    assert (event.from_value, event.to_value, event.event_date) == ("1", "3", DAY)
    [audit] = [a for a in audit_rows("resident", person.id) if a.note == "类别变更"]
    assert json.loads(audit.before) == {"category": "1"} and json.loads(audit.after)["category"] == "3"
    assert tab.pane.fields["category"].text() == "人户分离"


def test_category_dialog_cancel_changes_nothing(qtbot, tab, modal):
    from ui.registry_events import CategoryDialog

    person = Resident.select().where(Resident.status == "current").order_by(Resident.id).first()
    tab.select_person(person.id)

    def change_then_cancel(dialog) -> None:
        dialog.category.set_code("4" if person.category != "4" else "1")
        cancel(dialog).click()

    modal.expect(CategoryDialog, change_then_cancel)
    tab.buttons["category"].click()
    modal.check("CategoryDialog")
    assert Resident.get_by_id(person.id).category == person.category
    assert not events_of(person.id, "category_change")


# -- the new-resident chooser ----------------------------------------------------------------
def test_new_resident_chooser_births_into_the_selected_household(qtbot, tab, modal):
    from ui.registry_resident_form import ResidentForm
    from ui.tab_registry import NewResidentChooser

    house = families()[0]
    mother = next(m for m in households.current_members(house.id) if m.relation in ("02", "12"))
    tab.select_person(mother.id)

    def choose(chooser) -> None:
        assert chooser.to_selected.isChecked() and house.household_no in chooser.to_selected.text()
        chooser.findChild(QRadioButton, "mode_birth").click()
        modal.expect(ResidentForm, birth)
        ok(chooser).click()

    def birth(form) -> None:
        assert form.mode == "birth" and form.household_id == house.id
        form.name.insert("张小雨")
        form.sex.set_code("2")
        form.birth.setText("2026-11-01")
        form.relation.set_code("30" if mother.relation == HEAD else "41")
        form.reason.insert("县医院")
        form.save()

    modal.expect(NewResidentChooser, choose)
    tab.buttons["new_resident"].click()
    modal.check("NewResidentChooser", "ResidentForm")
    baby = Resident.get(Resident.name == "张小雨")
    assert (baby.household_id, baby.status, baby.birth_date) == (house.id, "current",
                                                                 dt.date(2026, 11, 1))
    [event] = events_of(baby.id, "birth")
    assert (event.to_value, event.event_date) == (house.household_no, dt.date(2026, 11, 1))
    assert audit_rows("resident", baby.id, "create")
    assert len(heads(house.id)) == 1
    assert tab.selected_id() == baby.id


def test_new_resident_chooser_new_household_keeps_the_chosen_mode(qtbot, tab, modal):
    """补录 into a new household is a 补录 (no move-in counted by the monthly report)."""
    from ui.registry_household import HouseholdDialog
    from ui.registry_resident_form import ResidentForm
    from ui.tab_registry import NewResidentChooser

    count = Household.select().count()
    tab.select_person(member(families()[0].id).id)

    def choose(chooser) -> None:
        chooser.to_new.click()
        assert not chooser.findChild(QRadioButton, "mode_birth").isEnabled()
        chooser.findChild(QRadioButton, "mode_register").click()
        modal.expect(HouseholdDialog, new_household)
        ok(chooser).click()

    def new_household(dialog) -> None:
        assert dialog.household_id is None
        dialog.building.insert("12号楼")
        dialog.room.insert("1201")
        modal.expect(ResidentForm, register)
        button(dialog, "save_household").click()
        assert dialog.members.rowCount() == 1
        button(dialog, "close").click()

    def register(form) -> None:
        assert form.mode == "register"
        form.name.insert("周建军")
        form.id_number.setText(idcard.make("610627", dt.date(1985, 3, 2), 135))
        form.save()

    modal.expect(NewResidentChooser, choose)
    tab.buttons["new_resident"].click()
    modal.check("NewResidentChooser", "HouseholdDialog", "ResidentForm")
    assert Household.select().count() == count + 1
    house = Household.select().order_by(Household.id.desc()).first()
    assert (house.building, house.room) == ("12号楼", "1201")
    assert heads(house.id) == ["周建军"]
    person = Resident.get(Resident.name == "周建军")
    assert not LifeEvent.select().where(LifeEvent.resident == person.id).exists()
    assert audit_rows("household", house.id, "create") and audit_rows("resident", person.id, "create")


def test_new_resident_chooser_offers_only_a_new_household_for_a_former_resident(qtbot, tab,
                                                                              modal):
    from ui.registry_household import HouseholdDialog
    from ui.tab_registry import NewResidentChooser

    person = _moved_out()[0]
    tab.f_status.setCurrentIndex(1)
    tab.run_search()
    tab.select_person(person.id)
    count = Resident.select().count()

    def choose(chooser) -> None:
        assert not chooser.to_selected.isEnabled() and chooser.to_new.isChecked()
        modal.expect(HouseholdDialog, lambda d: button(d, "close").click())
        ok(chooser).click()

    modal.expect(NewResidentChooser, choose)
    tab.buttons["new_resident"].click()
    modal.expect(NewResidentChooser, lambda c: cancel(c).click())
    tab.buttons["new_resident"].click()
    modal.check("NewResidentChooser", "HouseholdDialog")
    assert Resident.select().count() == count


# -- the household picker --------------------------------------------------------------------
def test_household_picker_finds_by_number_address_and_member(qtbot, admin, demo_small):
    from ui.registry_household_actions import HouseholdPicker

    house = families()[0]
    head = residents.current_head(house.id)
    info = households.detail(house.id)
    picker = HouseholdPicker(exclude_id=None)
    qtbot.addWidget(picker)
    for text in (house.household_no, info.address, head.pinyin_initials, head.name):
        picker.query.setText(text)
        picker.run_search()
        ids = [picker.model.row_at(r).id for r in range(picker.model.rowCount())]
        assert house.id in ids, text
    picker.query.setText(house.household_no)
    picker.run_search()
    assert picker.model.rowCount() == 1
    row = picker.model.row_at(0)
    assert (row.head_name, row.members) == (head.name, len(households.current_members(house.id)))
    picker.table.doubleClicked.emit(picker.model.index(0, 0))
    assert picker.result() == QDialog.DialogCode.Accepted and picker.chosen.id == house.id


def test_household_picker_excludes_cancels_and_ok_needs_a_row(qtbot, admin, demo_small):
    from ui.registry_household_actions import HouseholdPicker

    house = families()[0]
    picker = HouseholdPicker(exclude_id=house.id)
    qtbot.addWidget(picker)
    picker.show()
    picker.query.setText(house.household_no)
    picker.run_search()
    assert picker.model.rowCount() == 0
    ok(picker).click()
    assert picker.isVisible() and picker.chosen is None  # nothing to choose: stays open
    cancel(picker).click()
    assert picker.result() == QDialog.DialogCode.Rejected and picker.chosen is None


def test_household_picker_enter_searches_and_takes_only_a_single_match(qtbot, admin, demo_small):
    from ui.registry_household_actions import HouseholdPicker

    house = families()[0]
    head = residents.current_head(house.id)
    picker = HouseholdPicker()
    qtbot.addWidget(picker)
    picker.show()
    picker.query.setText(head.name[0])  # a surname: many households
    qtbot.keyClick(picker.query, Qt.Key.Key_Return)
    assert picker.model.rowCount() > 1
    assert picker.isVisible() and picker.chosen is None
    assert picker.focusWidget() is picker.table
    picker.query.setText(house.household_no)
    qtbot.keyClick(picker.query, Qt.Key.Key_Return)
    assert picker.result() == QDialog.DialogCode.Accepted and picker.chosen.id == house.id


def test_household_picker_marks_a_closed_household(qtbot, admin, demo_small):
    from ui.registry_household_actions import HouseholdPicker

    empty = archived_household(admin)
    picker = HouseholdPicker()
    qtbot.addWidget(picker)
    picker.query.setText(empty.household_no)
    picker.run_search()
    assert picker.model.rowCount() == 1
    shown = [picker.model.index(0, c).data() for c in range(picker.model.columnCount())]
    assert "已注销" in "".join(str(v) for v in shown)


# -- the tab's buttons open their dialogs for the selected person ----------------------------
def _counts() -> tuple[int, ...]:
    return (Resident.select().count(), Household.select().count(), LifeEvent.select().count(),
            AuditLog.select().where(AuditLog.action != "view").count())


def _cancel(dialog) -> None:
    box = cancel(dialog) if dialog.findChild(QDialogButtonBox) is not None else None
    if box is not None:
        box.click()
    else:
        dialog.reject()


@pytest.mark.parametrize("key, cls, check", [
    ("open", "ResidentForm", lambda d, p: d.mode == "edit" and d.resident_id == p.id),
    ("household", "HouseholdDialog", lambda d, p: d.household_id == p.household_id),
    ("new_household", "HouseholdDialog",
     lambda d, p: d.household_id is None and d.compound.currentData() == p.household.compound_id),
    ("birth", "ResidentForm", lambda d, p: d.mode == "birth" and d.household_id == p.household_id),
    ("death", "LeaveDialog", lambda d, p: d.kind == "death" and d.resident_id == p.id),
    ("move_out", "LeaveDialog", lambda d, p: d.kind == "move_out" and d.resident_id == p.id),
    ("category", "CategoryDialog", lambda d, p: d.resident_id == p.id),
    ("new_resident", "NewResidentChooser", lambda d, p: d.to_selected.isChecked()),
])
def test_each_tab_button_opens_its_dialog_and_cancel_changes_nothing(qtbot, tab, modal, key,
                                                                      cls, check):
    import ui.registry_events
    import ui.registry_household
    import ui.registry_resident_form
    import ui.tab_registry

    dialog_class = next(getattr(m, cls) for m in (ui.registry_events, ui.registry_household,
                                                 ui.registry_resident_form, ui.tab_registry)
                        if hasattr(m, cls))
    person = member(families()[0].id)
    tab.select_person(person.id)
    before = _counts()
    seen = {}

    def look(dialog) -> None:
        seen["ok"] = check(dialog, person)
        _cancel(dialog)

    modal.expect(dialog_class, look)
    tab.buttons[key].click()
    modal.check(cls)
    assert seen["ok"]
    assert _counts() == before
    assert tab.selected_id() == person.id


def test_move_back_button_is_for_former_residents_only(qtbot, tab, modal):
    from ui.registry_events import ReturnDialog

    person = member(families()[0].id)
    tab.select_person(person.id)
    assert not tab.buttons["move_back"].isEnabled()
    tab.move_back()  # the shortcut path checks too: nothing opens for someone in the register
    gone = _moved_out()[0]
    tab.f_status.setCurrentIndex(1)
    tab.run_search()
    tab.select_person(gone.id)
    for key in ("death", "move_out", "category"):
        assert not tab.buttons[key].isEnabled(), key
    before = _counts()
    modal.expect(ReturnDialog, lambda d: cancel(d).click())
    tab.buttons["move_back"].click()
    modal.check("ReturnDialog")
    assert _counts() == before and Resident.get_by_id(gone.id).status == "moved_out"


def _activate(qtbot, widget) -> None:
    """Shortcuts go to the active window; a closed modal dialog leaves none active offscreen."""
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=3000)


def test_tab_shortcuts_open_the_dialogs(qtbot, tab, modal):
    from ui.registry_household import HouseholdDialog
    from ui.registry_resident_form import ResidentForm
    from ui.tab_registry import NewResidentChooser

    person = member(families()[0].id)
    tab.select_person(person.id)
    tab.table.setFocus()
    for keys, cls in ((("H", Qt.KeyboardModifier.ControlModifier), HouseholdDialog),
                      (("N", Qt.KeyboardModifier.ControlModifier), NewResidentChooser),
                      (("N", Qt.KeyboardModifier.ControlModifier
                        | Qt.KeyboardModifier.ShiftModifier), HouseholdDialog)):
        modal.expect(cls, _cancel)
        _activate(qtbot, tab)
        qtbot.keyClick(tab.table, keys[0], keys[1])
    modal.expect(ResidentForm, _cancel)
    _activate(qtbot, tab)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    modal.check("HouseholdDialog", "NewResidentChooser", "ResidentForm")
    assert modal.seen == ["HouseholdDialog", "NewResidentChooser", "HouseholdDialog", "ResidentForm"]


def test_tab_death_of_a_head_hands_over_and_the_history_corrects(qtbot, tab, modal, answers):
    from ui.registry_events import CorrectionDialog, LeaveDialog

    house = next(h for h in families() if any(m.relation in ("10", "11", "12")
                                              for m in households.current_members(h.id)))
    head = residents.current_head(house.id)
    spouse = next(m for m in households.current_members(house.id)
                  if m.relation in ("10", "11", "12"))
    tab.select_person(head.id)

    def death(dialog) -> None:
        assert dialog.succession is not None and dialog.succession.new_head_id() == spouse.id
        dialog.date.setText(DAY.isoformat())
        dialog.reason.insert("病故")
        ok(dialog).click()

    modal.expect(LeaveDialog, death)
    tab.buttons["death"].click()
    modal.check("LeaveDialog")
    assert Resident.get_by_id(head.id).status == "deceased" and heads(house.id) == [spouse.name]
    [event] = events_of(head.id, "death")
    assert (event.from_value, event.event_date, event.reason) == (house.household_no, DAY, "病故")
    # The tab still shows him (any status) with the death in his history; a double-click on
    # it opens the correction, which is cancelled here.
    assert tab.selected_id() == head.id and tab.pane.fields["status"].text() == "已死亡"
    assert tab.pane.fields["household"].text() == f"{house.household_no}（死亡前为户主）"
    row = next(r for r in range(tab.pane.history.rowCount())
               if tab.pane.history.item(r, 1).text() == "死亡")
    tab.pane.history.selectRow(row)

    def correct(dialog) -> None:
        assert dialog.event_id == event.id and dialog.cancel_button.isEnabled()
        # The former head comes back as the spouse of the one who now heads the household.
        assert dialog.cancel_relation.isVisibleTo(dialog)
        dialog.cancel_relation.set_code(spouse_rel)
        dialog.reason.setText("误报：人仍健在")
        dialog.cancel_button.click()

    spouse_rel = "11" if head.sex == "1" else "12"
    modal.expect(CorrectionDialog, correct)
    tab.pane.history.doubleClicked.emit(tab.pane.history.model().index(row, 0))
    modal.check("CorrectionDialog")
    back = Resident.get_by_id(head.id)
    assert back.status == "current" and heads(house.id) == [spouse.name]
    assert back.relation == spouse_rel
    assert [(e.kind, e.voided) for e in life_events.history(head.id)][-2:] == [
        ("death", True), ("void", False)]
    assert answers.asked[-1] == "确认撤销这条死亡登记？原登记保留并标为已撤销。"
    assert tab.pane.fields["status"].text() == "在册"


# -- the detail pane: resting on a person is a logged view -----------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _views(resident_id: int | None = None) -> list[AuditLog]:
    query = AuditLog.select().where((AuditLog.action == "view")
                                    & (AuditLog.table_name == "resident"))
    if resident_id is not None:
        query = query.where(AuditLog.record_id == str(resident_id))
    return list(query.order_by(AuditLog.id))


def test_pane_views_log_a_rested_person_once_per_session(clerk, demo_small):
    a, b, c = Resident.select().order_by(Resident.id).limit(3)
    clock = Clock()
    views = residents.PaneViews(clerk, clock=clock)
    assert views.settle() is None  # nothing shown
    for person in (a, b, c):  # scrolled past, a tenth of a second each
        views.shown(person.id)
        clock.now += 0.1
        assert views.settle() is None
    assert not _views()
    assert views.remaining() == pytest.approx(0.9)
    clock.now += 0.9
    assert views.settle() == c.id
    [row] = _views()
    assert (row.username, row.record_id, row.note) == ("clerk", str(c.id), residents.PANE_VIEW_NOTE)
    assert views.settle() is None and views.remaining() == 0  # once per person per session
    views.shown(a.id)
    clock.now += 5
    views.shown(c.id)
    clock.now += 5
    assert views.settle() is None and len(_views()) == 1
    views.shown(a.id)
    clock.now += 1
    assert views.settle() == a.id
    views.shown(None)
    clock.now += 5
    assert views.settle() is None
    # A new session (signing in again builds a new window) logs again.
    again = residents.PaneViews(clerk, clock=clock)
    again.shown(c.id)
    clock.now += 1
    assert again.settle() == c.id and len(_views(c.id)) == 2


def test_pane_views_need_the_right_to_view(officer, demo_small, monkeypatch):
    from models import permissions

    monkeypatch.setitem(permissions.ROLE_PERMS, "population", frozenset())
    clock = Clock()
    views = residents.PaneViews(officer, clock=clock)
    views.shown(Resident.select().first().id)
    clock.now += 1
    with pytest.raises(permissions.PermissionDenied):
        views.settle()
    assert not _views()


def _fire(timer) -> None:
    """The timer's time has come (the fake clock says how much time passed)."""
    assert timer.isActive()
    timer.stop()
    timer.timeout.emit()


def test_selecting_in_the_tab_logs_only_where_the_selection_rests(qtbot, tab):
    clock = Clock()
    tab.pane.views = residents.PaneViews(tab.user, clock=clock)  # a session with a fake clock
    already = {v.id for v in _views()}  # the first row, if a slow start let its second pass

    def logged() -> list[str]:
        return [v.record_id for v in _views() if v.id not in already]

    house = families()[0]
    people = households.current_members(house.id)
    for person in people:  # arrow keys down the household
        tab.select_person(person.id)
        clock.now += 0.2
    assert tab.pane.fields["groups"].text() and not logged()
    _fire(tab.pane._view_timer)  # early: 0.2 s of 1 s; the timer is armed again
    assert not logged()
    clock.now += 1
    _fire(tab.pane._view_timer)
    assert logged() == [str(people[-1].id)]
    assert not tab.pane._view_timer.isActive()
    tab.select_person(people[0].id)
    tab.select_person(people[-1].id)  # back within the second: logged already, no timer
    assert not tab.pane._view_timer.isActive()
    clock.now += 1
    tab.pane._view_timer.timeout.emit()
    assert logged() == [str(people[-1].id)]
    tab.select_person(people[0].id)
    tab.pane.clear()
    assert not tab.pane._view_timer.isActive()


def test_the_pane_logs_through_its_real_timer(qtbot, tab):
    person = member(families()[0].id)
    tab.select_person(person.id)
    assert not _views(person.id)
    qtbot.waitUntil(lambda: len(_views(person.id)) == 1, timeout=5000)
    assert _views(person.id)[0].note == residents.PANE_VIEW_NOTE
