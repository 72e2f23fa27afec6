"""The registry tab's buttons and the dialogs they open, driven through the real widgets on the
demo community: moving back, category change, the new-resident chooser, the household picker,
death and its cancellation from the history, shortcuts. Modal dialogs are answered by
the dialogs fixture; each test asserts on what the database then holds."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QRadioButton

from models.core import idcard
from models.core.entities import Household, LifeEvent, Resident
from models.registry import households, life_events, residents
from models.registry.residents import HEAD
from tests.dialog_script import cancel, ok
from tests.registry_dialog_support import (
    DAY,
    activate,
    archived_household,
    audit_rows,
    button,
    cancel_dialog,
    counts,
    events_of,
    families,
    make_tab,
    member,
    moved_out,
    patch_questions,
    pick,
)
from tests.registry_helpers import heads


@pytest.fixture
def answers(dialogs):
    return patch_questions(dialogs)


@pytest.fixture
def tab(qtbot, admin, demo_small):
    widget = make_tab(qtbot, admin)
    yield widget
    widget.counter.wait()


# -- moving back -------------------------------------------------------------------------------


def test_tab_move_back_returns_a_person_to_their_household(qtbot, tab, dialogs, answers):
    from ui.registry.life_events import ReturnDialog

    person = next(p for p in moved_out() if p.relation != HEAD)
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

    dialogs.on(ReturnDialog, back)
    tab.buttons["move_back"].click()
    dialogs.check("ReturnDialog")

    back_home = Resident.get_by_id(person.id)
    assert (back_home.status, back_home.household_id, back_home.relation, back_home.arrived_on) == (
        "current",
        home.id,
        person.relation,
        DAY,
    )
    assert heads(home.id) == home_heads
    [event] = events_of(person.id, "move_in")
    assert (event.from_value, event.to_value, event.event_date, event.reason) == (
        "陕西省西安市雁塔区",
        home.household_no,
        DAY,
        "返乡",
    )
    [audit] = [a for a in audit_rows("resident", person.id) if a.note == "迁入登记"]
    assert json.loads(audit.after)["status"] == "current"
    assert tab.pane.fields["status"].text() == "在册"
    assert tab.buttons["move_out"].isEnabled() and not tab.buttons["move_back"].isEnabled()
    # Leaving again is dated on or after the return, or the months in between count twice.
    with pytest.raises(residents.RegistryError, match="早于此人最近一次迁入"):
        life_events.record_move_out(tab.user, person.id, DAY - dt.timedelta(days=1))


def test_move_back_into_another_household_through_the_picker(
    qtbot, admin, demo_small, dialogs, answers
):
    from ui.common.household_picker import HouseholdPicker
    from ui.registry.life_events import ReturnDialog

    person = moved_out()[-1]
    other = next(h for h in families() if h.id != person.household_id)
    dialog = ReturnDialog(admin, person.id)
    qtbot.addWidget(dialog)
    dialogs.on(HouseholdPicker, pick(other.household_no))
    button(dialog, "pick_household").click()
    dialogs.check("HouseholdPicker")
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
    assert (event.from_value, event.to_value, event.household_id) == (
        "",
        other.household_no,
        other.id,
    )


def test_a_head_who_comes_back_to_a_closed_household_heads_it_again(qtbot, admin, demo_small):
    from ui.registry.life_events import ReturnDialog

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
def test_tab_category_button_records_a_change(qtbot, tab, dialogs):
    from ui.registry.life_events import CategoryDialog

    person = (
        Resident.select()
        .where((Resident.status == "current") & (Resident.category == "1"))
        .order_by(Resident.id)
        .first()
    )
    tab.select_person(person.id)

    def change(dialog) -> None:
        assert dialog.category.code() == "1"
        ok(dialog).click()
        assert dialog.error.text().startswith(f"{person.name}已是")
        dialog.category.set_code("3")
        dialog.date.setText(DAY.isoformat())
        dialog.reason.insert("户口在外地，在本地居住满半年")
        ok(dialog).click()

    dialogs.on(CategoryDialog, change)
    tab.buttons["category"].click()
    dialogs.check("CategoryDialog")
    assert Resident.get_by_id(person.id).category == "3"
    [event] = events_of(person.id, "category_change")
    assert (event.from_value, event.to_value, event.event_date) == ("1", "3", DAY)
    [audit] = [a for a in audit_rows("resident", person.id) if a.note == "类别变更"]
    assert (
        json.loads(audit.before) == {"category": "1"} and json.loads(audit.after)["category"] == "3"
    )
    assert tab.pane.fields["category"].text() == "人户分离"


def test_category_dialog_cancel_changes_nothing(qtbot, tab, dialogs):
    from ui.registry.life_events import CategoryDialog

    person = Resident.select().where(Resident.status == "current").order_by(Resident.id).first()
    tab.select_person(person.id)

    def change_then_cancel(dialog) -> None:
        dialog.category.set_code("4" if person.category != "4" else "1")
        cancel(dialog).click()

    dialogs.on(CategoryDialog, change_then_cancel)
    tab.buttons["category"].click()
    dialogs.check("CategoryDialog")
    assert Resident.get_by_id(person.id).category == person.category
    assert not events_of(person.id, "category_change")


# -- the new-resident chooser ----------------------------------------------------------------
def test_new_resident_chooser_births_into_the_selected_household(qtbot, tab, dialogs):
    from ui.registry.new_resident import NewResidentChooser
    from ui.registry.resident_form import ResidentForm

    house = families()[0]
    mother = next(m for m in households.current_members(house.id) if m.relation in ("02", "12"))
    tab.select_person(mother.id)

    def choose(chooser) -> None:
        assert chooser.to_selected.isChecked() and house.household_no in chooser.to_selected.text()
        chooser.findChild(QRadioButton, "mode_birth").click()
        dialogs.on(ResidentForm, birth)
        ok(chooser).click()

    def birth(form) -> None:
        assert form.mode == "birth" and form.household_id == house.id
        form.name.insert("张小雨")
        form.sex.set_code("2")
        form.birth.setText("2026-11-01")
        form.relation.set_code("30" if mother.relation == HEAD else "41")
        form.reason.insert("县医院")
        form.save()

    dialogs.on(NewResidentChooser, choose)
    tab.buttons["new_resident"].click()
    dialogs.check("NewResidentChooser", "ResidentForm")
    baby = Resident.get(Resident.name == "张小雨")
    assert (baby.household_id, baby.status, baby.birth_date) == (
        house.id,
        "current",
        dt.date(2026, 11, 1),
    )
    [event] = events_of(baby.id, "birth")
    assert (event.to_value, event.event_date) == (house.household_no, dt.date(2026, 11, 1))
    assert audit_rows("resident", baby.id, "create")
    assert len(heads(house.id)) == 1
    assert tab.selected_id() == baby.id


def test_new_resident_chooser_new_household_keeps_the_chosen_mode(qtbot, tab, dialogs):
    """补录 into a new household is a 补录 (no move-in counted by the monthly report)."""
    from ui.registry.household import HouseholdDialog
    from ui.registry.new_resident import NewResidentChooser
    from ui.registry.resident_form import ResidentForm

    count = Household.select().count()
    tab.select_person(member(families()[0].id).id)

    def choose(chooser) -> None:
        chooser.to_new.click()
        assert not chooser.findChild(QRadioButton, "mode_birth").isEnabled()
        chooser.findChild(QRadioButton, "mode_register").click()
        dialogs.on(HouseholdDialog, new_household)
        ok(chooser).click()

    def new_household(dialog) -> None:
        assert dialog.household_id is None
        dialog.building.insert("12号楼")
        dialog.room.insert("1201")
        dialogs.on(ResidentForm, register)
        button(dialog, "save_household").click()
        assert dialog.members.rowCount() == 1
        button(dialog, "close").click()

    def register(form) -> None:
        assert form.mode == "register"
        form.name.insert("周建军")
        form.id_number.setText(idcard.make("610627", dt.date(1985, 3, 2), 135))
        form.save()

    dialogs.on(NewResidentChooser, choose)
    tab.buttons["new_resident"].click()
    dialogs.check("NewResidentChooser", "HouseholdDialog", "ResidentForm")
    assert Household.select().count() == count + 1
    house = Household.select().order_by(Household.id.desc()).first()
    assert (house.building, house.room) == ("12号楼", "1201")
    assert heads(house.id) == ["周建军"]
    person = Resident.get(Resident.name == "周建军")
    assert not LifeEvent.select().where(LifeEvent.resident == person.id).exists()
    assert audit_rows("household", house.id, "create") and audit_rows(
        "resident", person.id, "create"
    )


def test_new_resident_chooser_offers_only_a_new_household_for_a_former_resident(
    qtbot, tab, dialogs
):
    from ui.registry.household import HouseholdDialog
    from ui.registry.new_resident import NewResidentChooser

    person = moved_out()[0]
    tab.f_status.setCurrentIndex(1)
    tab.run_search()
    tab.select_person(person.id)
    count = Resident.select().count()

    def choose(chooser) -> None:
        assert not chooser.to_selected.isEnabled() and chooser.to_new.isChecked()
        dialogs.on(HouseholdDialog, lambda d: button(d, "close").click())
        ok(chooser).click()

    dialogs.on(NewResidentChooser, choose)
    tab.buttons["new_resident"].click()
    dialogs.on(NewResidentChooser, lambda c: cancel(c).click())
    tab.buttons["new_resident"].click()
    dialogs.check("NewResidentChooser", "HouseholdDialog")
    assert Resident.select().count() == count


# -- the household picker --------------------------------------------------------------------
def test_household_picker_finds_by_number_address_and_member(qtbot, admin, demo_small):
    from ui.common.household_picker import HouseholdPicker

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
    from ui.common.household_picker import HouseholdPicker

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
    from ui.common.household_picker import HouseholdPicker

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
    from ui.common.household_picker import HouseholdPicker

    empty = archived_household(admin)
    picker = HouseholdPicker()
    qtbot.addWidget(picker)
    picker.query.setText(empty.household_no)
    picker.run_search()
    assert picker.model.rowCount() == 1
    shown = [picker.model.index(0, c).data() for c in range(picker.model.columnCount())]
    assert "已注销" in "".join(str(v) for v in shown)


# -- the tab's buttons open their dialogs for the selected person ----------------------------


@pytest.mark.parametrize(
    "key, cls, check",
    [
        ("open", "ResidentForm", lambda d, p: d.mode == "edit" and d.resident_id == p.id),
        ("household", "HouseholdDialog", lambda d, p: d.household_id == p.household_id),
        (
            "new_household",
            "HouseholdDialog",
            lambda d, p: (
                d.household_id is None and d.compound.currentData() == p.household.compound_id
            ),
        ),
        (
            "birth",
            "ResidentForm",
            lambda d, p: d.mode == "birth" and d.household_id == p.household_id,
        ),
        ("death", "LeaveDialog", lambda d, p: d.kind == "death" and d.resident_id == p.id),
        ("move_out", "LeaveDialog", lambda d, p: d.kind == "move_out" and d.resident_id == p.id),
        ("category", "CategoryDialog", lambda d, p: d.resident_id == p.id),
        ("new_resident", "NewResidentChooser", lambda d, p: d.to_selected.isChecked()),
    ],
)
def test_each_tab_button_opens_its_dialog_and_cancel_changes_nothing(
    qtbot, tab, dialogs, key, cls, check
):
    import ui.registry.household
    import ui.registry.life_events
    import ui.registry.new_resident
    import ui.registry.resident_form

    dialog_class = next(
        getattr(m, cls)
        for m in (
            ui.registry.life_events,
            ui.registry.household,
            ui.registry.resident_form,
            ui.registry.new_resident,
        )
        if hasattr(m, cls)
    )
    person = member(families()[0].id)
    tab.select_person(person.id)
    before = counts()
    seen = {}

    def look(dialog) -> None:
        seen["ok"] = check(dialog, person)
        cancel_dialog(dialog)

    dialogs.on(dialog_class, look)
    tab.buttons[key].click()
    dialogs.check(cls)
    assert seen["ok"]
    assert counts() == before
    assert tab.selected_id() == person.id


def test_move_back_button_is_for_former_residents_only(qtbot, tab, dialogs):
    from ui.registry.life_events import ReturnDialog

    person = member(families()[0].id)
    tab.select_person(person.id)
    assert not tab.buttons["move_back"].isEnabled()
    tab.move_back()  # the shortcut path checks too: nothing opens for someone in the register
    gone = moved_out()[0]
    tab.f_status.setCurrentIndex(1)
    tab.run_search()
    tab.select_person(gone.id)
    for key in ("death", "move_out", "category"):
        assert not tab.buttons[key].isEnabled(), key
    before = counts()
    dialogs.on(ReturnDialog, lambda d: cancel(d).click())
    tab.buttons["move_back"].click()
    dialogs.check("ReturnDialog")
    assert counts() == before and Resident.get_by_id(gone.id).status == "moved_out"


def test_tab_shortcuts_open_the_dialogs(qtbot, tab, dialogs):
    from ui.registry.household import HouseholdDialog
    from ui.registry.new_resident import NewResidentChooser
    from ui.registry.resident_form import ResidentForm

    person = member(families()[0].id)
    tab.select_person(person.id)
    tab.table.setFocus()
    for keys, cls in (
        (("H", Qt.KeyboardModifier.ControlModifier), HouseholdDialog),
        (("N", Qt.KeyboardModifier.ControlModifier), NewResidentChooser),
        (
            ("N", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
            HouseholdDialog,
        ),
    ):
        dialogs.on(cls, cancel_dialog)
        activate(qtbot, tab)
        qtbot.keyClick(tab.table, keys[0], keys[1])
    dialogs.on(ResidentForm, cancel_dialog)
    activate(qtbot, tab)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    dialogs.check("HouseholdDialog", "NewResidentChooser", "ResidentForm")
    assert dialogs.kinds() == [
        "HouseholdDialog",
        "NewResidentChooser",
        "HouseholdDialog",
        "ResidentForm",
    ]


def test_tab_death_of_a_head_hands_over_and_the_history_corrects(qtbot, tab, dialogs, answers):
    from ui.registry.life_events import CorrectionDialog, LeaveDialog

    house = next(
        h
        for h in families()
        if any(m.relation in ("10", "11", "12") for m in households.current_members(h.id))
    )
    head = residents.current_head(house.id)
    spouse = next(
        m for m in households.current_members(house.id) if m.relation in ("10", "11", "12")
    )
    tab.select_person(head.id)

    def death(dialog) -> None:
        assert dialog.succession is not None and dialog.succession.new_head_id() == spouse.id
        dialog.date.setText(DAY.isoformat())
        dialog.reason.insert("病故")
        ok(dialog).click()

    dialogs.on(LeaveDialog, death)
    tab.buttons["death"].click()
    dialogs.check("LeaveDialog")
    assert Resident.get_by_id(head.id).status == "deceased" and heads(house.id) == [spouse.name]
    [event] = events_of(head.id, "death")
    assert (event.from_value, event.event_date, event.reason) == (house.household_no, DAY, "病故")
    # The tab still shows him (any status) with the death in his history; a double-click on
    # it opens the correction, which is cancelled here.
    assert tab.selected_id() == head.id and tab.pane.fields["status"].text() == "已死亡"
    assert tab.pane.fields["household"].text() == f"{house.household_no}（死亡前为户主）"
    row = next(
        r
        for r in range(tab.pane.history.rowCount())
        if tab.pane.history.item(r, 1).text() == "死亡"
    )
    tab.pane.history.selectRow(row)

    def correct(dialog) -> None:
        assert dialog.event_id == event.id and dialog.cancel_button.isEnabled()
        # The former head comes back as the spouse of the one who now heads the household.
        assert dialog.cancel_relation.isVisibleTo(dialog)
        dialog.cancel_relation.set_code(spouse_rel)
        dialog.reason.setText("误报：人仍健在")
        dialog.cancel_button.click()

    spouse_rel = "11" if head.sex == "1" else "12"
    dialogs.on(CorrectionDialog, correct)
    tab.pane.history.doubleClicked.emit(tab.pane.history.model().index(row, 0))
    dialogs.check("CorrectionDialog")
    back = Resident.get_by_id(head.id)
    assert back.status == "current" and heads(house.id) == [spouse.name]
    assert back.relation == spouse_rel
    assert [(e.kind, e.voided) for e in life_events.history(head.id)][-2:] == [
        ("death", True),
        ("void", False),
    ]
    assert answers.asked[-1] == "确认撤销这条死亡登记？原登记保留并标为已撤销。"
    assert tab.pane.fields["status"].text() == "在册"
