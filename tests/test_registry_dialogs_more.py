"""Moving a person to another household and merging two households, driven through the real
widgets on the demo community (the household dialog, the move and merge dialogs and the household
picker). Dialogs and confirmations are answered by the dialogs fixture (tests/dialog_script.py).
Each test asserts on what the database then holds: households, relations, exactly one head, the
LifeEvent rows (kind, from, to) and the audit rows."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QDialog

from models.core.entities import Household, LifeEvent, Resident
from models.registry import households, residents
from models.registry.residents import HEAD
from tests.dialog_script import ok
from tests.registry_dialog_support import (
    DAY,
    archived_household,
    audit_rows,
    button,
    events_of,
    families,
    make_tab,
    member,
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


# -- moving a person to another household ---------------------------------------------------
def test_tab_household_button_moves_a_member_through_the_picker(qtbot, tab, dialogs, answers):
    from ui.registry.household import HouseholdDialog
    from ui.registry.household_actions import HouseholdPicker, MoveDialog

    source, target = families()[:2]
    person = member(source.id)
    source_head, target_head = heads(source.id), heads(target.id)
    tab.select_person(person.id)

    def move(dialog) -> None:
        assert dialog.resident_id == person.id and dialog.succession is None
        dialogs.on(HouseholdPicker, pick(target.household_no))
        button(dialog, "pick_target").click()
        assert target.household_no in dialog.target_label.text()
        dialog.relation.set_code("97")
        dialog.date.setText(DAY.isoformat())
        dialog.reason.insert("投亲")
        ok(dialog).click()

    def household(dialog) -> None:
        assert dialog.household_id == source.id
        dialog.select_member(person.id)
        dialogs.on(MoveDialog, move)
        button(dialog, "move_member").click()
        assert person.name not in [
            dialog.members.item(r, 0).text() for r in range(dialog.members.rowCount())
        ]
        button(dialog, "close").click()

    dialogs.on(HouseholdDialog, household)
    tab.buttons["household"].click()
    dialogs.check("HouseholdDialog", "MoveDialog", "HouseholdPicker")

    moved = Resident.get_by_id(person.id)
    assert (moved.household_id, moved.relation, moved.status) == (target.id, "97", "current")
    assert heads(source.id) == source_head and heads(target.id) == target_head
    [event] = events_of(person.id, "household_change")
    assert (
        event.from_value,
        event.to_value,
        event.event_date,
        event.reason,
        event.household_id,
    ) == (source.household_no, target.household_no, DAY, "迁至他户：投亲", target.id)
    assert event.username == "admin"
    [audit] = audit_rows("resident", person.id)
    assert audit.note == "迁至他户：投亲" and json.loads(audit.after)["household"] == target.id
    assert audit_rows("life_event", event.id, "create")
    assert answers.asked == [f"确认把{person.name}迁入户{target.household_no}？"]
    # The tab follows the person to the new household.
    assert tab.pane.fields["household"].text().startswith(target.household_no)


def test_moving_the_head_hands_over_and_an_archived_target_reopens(
    qtbot, admin, demo_small, dialogs, answers
):
    from ui.registry.household_actions import HouseholdPicker, MoveDialog

    empty = archived_household(admin)
    source = next(
        h
        for h in families()
        if any(m.relation in ("10", "11", "12") for m in households.current_members(h.id))
    )
    head = residents.current_head(source.id)
    spouse = next(
        m for m in households.current_members(source.id) if m.relation in ("10", "11", "12")
    )
    dialog = MoveDialog(admin, head.id)
    qtbot.addWidget(dialog)
    assert dialog.succession is not None
    dialog.succession.head.setCurrentIndex(dialog.succession.head.findData(spouse.id))
    suggested = dialog.succession.relations()
    assert head.id not in suggested and spouse.id not in suggested
    ok(dialog).click()
    assert dialog.error.text() == "请选择要迁入的户。"
    dialogs.on(HouseholdPicker, pick(empty.household_no))
    button(dialog, "pick_target").click()
    dialogs.check("HouseholdPicker")
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
    handover = [
        e for e in events_of(spouse.id, "household_change") if e.reason.startswith("变更户主")
    ]
    assert len(handover) == 1 and f"原户主{head.name}" in handover[0].reason
    [move] = events_of(head.id, "household_change")
    assert (move.from_value, move.to_value) == (source.household_no, empty.household_no)
    reopened = audit_rows("household", empty.id)
    assert reopened and json.loads(reopened[-1].after) == {"archived": False}


def test_moving_the_only_member_closes_the_household(qtbot, admin, demo_small, answers):
    from ui.registry.household_actions import MoveDialog

    single = next(
        h
        for h in Household.select()
        .where(Household.archived == False)  # noqa: E712
        .order_by(Household.id)
        if len(households.current_members(h.id)) == 1
    )
    person = households.current_members(single.id)[0]
    target = families()[0]
    dialog = MoveDialog(admin, person.id)
    qtbot.addWidget(dialog)
    assert dialog.succession is None  # nobody stays to head the household
    dialog.set_target(households.find_households(target.household_no)[0])
    assert dialog.relation.isEnabled() and not dialog.relation_note.isVisibleTo(dialog)
    dialog.relation.set_code("51")
    ok(dialog).click()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    assert Household.get_by_id(single.id).archived and heads(single.id) == []
    assert len(heads(target.id)) == 1 and Resident.get_by_id(person.id).relation == "51"
    kinds = [(e.reason, e.from_value, e.to_value) for e in events_of(person.id, "household_change")]
    assert kinds == [
        ("销户：户内已无在册人员", single.household_no, ""),
        ("迁至他户", single.household_no, target.household_no),
    ]
    assert audit_rows("household", single.id, "archive")


# -- merging two households ------------------------------------------------------------------
def test_merge_through_the_household_dialog(qtbot, admin, demo_small, dialogs, answers):
    from ui.registry.household import HouseholdDialog
    from ui.registry.household_actions import HouseholdPicker, MergeDialog

    source = next(
        h
        for h in families()
        if {"12"} <= {m.relation for m in households.current_members(h.id)}
        and any(m.relation[:1] in ("2", "3") for m in households.current_members(h.id))
    )
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
        dialogs.on(HouseholdPicker, pick(target.household_no))
        button(dialog, "pick_target").click()
        dialog.table.combo_for(source_head.id).set_code("22")  # 长子 of the other head
        assert {m.id: dialog.table.combo_for(m.id).code() for m in people} == expected
        dialog.date.setText(DAY.isoformat())
        dialog.reason.insert("回父母家同住")
        ok(dialog).click()

    house = HouseholdDialog(admin, source.id)
    qtbot.addWidget(house)
    dialogs.on(MergeDialog, merge)
    button(house, "merge").click()
    dialogs.check("MergeDialog", "HouseholdPicker")

    assert house.changed and "（已注销）" in house.windowTitle() and house.members.rowCount() == 0
    assert Household.get_by_id(source.id).archived
    assert heads(target.id) == [target_head.name]
    assert len(households.current_members(target.id)) == before + len(people)
    for m in people:
        [event] = events_of(m.id, "household_change")
        assert (event.from_value, event.to_value, event.reason, event.event_date) == (
            source.household_no,
            target.household_no,
            "合户：回父母家同住",
            DAY,
        )
        moved = Resident.get_by_id(m.id)
        assert (moved.household_id, moved.relation) == (target.id, expected[m.id]), m.name
    [archive] = audit_rows("household", source.id, "archive")
    assert archive.note == f"合户：回父母家同住（并入{target.household_no}）"
    assert answers.asked == [
        f"确认将户{source.household_no}的{len(people)}人并入户"
        f"{target.household_no}？户{source.household_no}将注销（记录保留）。"
    ]


@pytest.mark.parametrize(
    "head_rel, rel, sex, expected",
    [
        ("22", "12", "2", "38"),
        ("22", "22", "1", "41"),
        ("22", "32", "2", "42"),  # a son's family
        ("32", "11", "1", "28"),
        ("32", "20", "1", "43"),
        ("32", "30", "2", "44"),  # a daughter's
        ("38", "11", "1", "20"),
        ("28", "12", "2", "30"),  # a child-in-law's spouse is the child
        ("12", "22", "1", "22"),
        ("12", "51", "1", "97"),  # the spouse's children stay children
        ("51", "12", "2", "52"),
        ("51", "23", "1", "70"),  # a father: mother and siblings
        ("73", "12", "2", "74"),
        ("73", "22", "1", "93"),
        ("75", "32", "2", "96"),  # siblings
        ("41", "12", "2", "45"),
        ("99", "12", "2", "99"),
        ("97", "22", "1", "97"),
    ],
)
def test_merge_suggests_relations_through_the_head(head_rel, rel, sex, expected):
    assert households.relation_through(head_rel, rel, sex) == expected


def test_merge_refuses_a_second_head_and_a_declined_confirmation_changes_nothing(
    qtbot, admin, demo_small, dialogs, answers
):
    from ui.registry.household_actions import HouseholdPicker, MergeDialog

    target, source = families()[:2]
    source_head = residents.current_head(source.id)
    dialog = MergeDialog(admin, source.id)
    qtbot.addWidget(dialog)
    dialogs.on(HouseholdPicker, pick(target.household_no))
    button(dialog, "pick_target").click()
    dialogs.check("HouseholdPicker")
    dialog.table.combo_for(source_head.id).set_code(HEAD)
    ok(dialog).click()
    assert f"请为{source_head.name}选择与户主" in dialog.error.text()
    dialog.table.combo_for(source_head.id).set_code("70")
    answers.answer = False
    ok(dialog).click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not Household.get_by_id(source.id).archived
    assert heads(source.id) == [source_head.name]
    assert not LifeEvent.select().where(LifeEvent.reason.startswith("合户")).exists()


def test_merge_into_a_closed_household_keeps_the_source_head(
    qtbot, admin, demo_small, dialogs, answers
):
    from ui.registry.household_actions import HouseholdPicker, MergeDialog

    empty = archived_household(admin)
    source = families()[0]
    source_head = residents.current_head(source.id)
    relations = {m.id: m.relation for m in households.current_members(source.id)}
    dialog = MergeDialog(admin, source.id)
    qtbot.addWidget(dialog)
    dialogs.on(HouseholdPicker, pick(empty.household_no))
    button(dialog, "pick_target").click()
    dialogs.check("HouseholdPicker")
    assert "（已注销）" in dialog.target_label.text()
    assert dialog.head_note.isVisibleTo(dialog) and not dialog.table.isEnabled()
    assert {
        m.id: dialog.table.combo_for(m.id).code() for m in households.current_members(source.id)
    } == relations
    ok(dialog).click()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()
    assert heads(empty.id) == [source_head.name]
    assert not Household.get_by_id(empty.id).archived and Household.get_by_id(source.id).archived
    assert {m.id: m.relation for m in households.current_members(empty.id)} == relations
