"""Right-click menus and the Delete key in the registry: the real menu is opened with a right
click on the row, an action is clicked, the real dialog is answered by the dialogs fixture,
and the database is read afterwards. Nothing may ever be deleted."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QRadioButton

from models.core.entities import AuditLog, LifeEvent, Resident
from models.monthly import stats
from models.registry import life_events
from models.registry.residents import HEAD
from tests.dialog_script import ok
from tests.registry_dialog_support import (
    DAY,
    audit_rows,
    counts,
    events_of,
    families,
    make_tab,
    member,
    patch_questions,
)
from ui.registry.context_menu import action_of


@pytest.fixture
def answers(dialogs):
    return patch_questions(dialogs)


@pytest.fixture
def infos(dialogs):
    dialogs.allow("inform")
    return dialogs.said("inform")


@pytest.fixture
def tab(qtbot, admin, demo_small):
    widget = make_tab(qtbot, admin)
    yield widget
    widget.counter.wait()


def right_click(qtbot, view, row: int) -> QMenu:
    """A real right click on *row*; returns the menu that popped up."""
    view.scrollTo(view.model().index(row, 0))
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=rect.center())
    # What the windowing system sends after that click (QTest does not synthesize it).
    pos = rect.center()
    QApplication.sendEvent(
        view.viewport(),
        QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos)),
    )
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=3000)
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    return menu


def click(qtbot, menu: QMenu, key: str) -> None:
    action = action_of(menu, key)
    assert action is not None and action.isEnabled(), key
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def close_menu(menu: QMenu) -> None:
    menu.close()


def enabled(menu: QMenu) -> dict[str, bool]:
    return {
        a.objectName().removeprefix("menu_"): a.isEnabled()
        for a in menu.actions()
        if a.objectName()
    }


def table_row(tab, resident_id: int) -> int:
    tab.select_person(resident_id)
    row = tab.model.row_of(resident_id)
    assert row >= 0
    return row


def history_row(tab, event_id: int) -> int:
    history = tab.pane.history
    for r in range(history.rowCount()):
        if history.item(r, 0).data(Qt.ItemDataRole.UserRole) == event_id:
            return r
    raise AssertionError(f"event {event_id} not in the history")


# -- residents ---------------------------------------------------------------------------------


def test_right_click_move_out_drives_the_leave_dialog(qtbot, tab, dialogs, answers):
    from ui.registry.life_events import LeaveDialog

    person = member(families()[0].id)
    before = counts()
    menu = right_click(qtbot, tab.table, table_row(tab, person.id))
    assert tab.selected_id() == person.id  # the menu acts on the row clicked
    state = enabled(menu)
    assert state["move_out"] and state["death"] and state["correct"] and state["history"]
    assert not state["move_back"]  # only for someone who moved out

    def leave(dialog) -> None:
        assert dialog.kind == "move_out" and dialog.resident_id == person.id
        dialog.date.setText(DAY.isoformat())
        dialog.destination.insert("西安市雁塔区")
        dialog.reason.insert("务工")
        ok(dialog).click()

    dialogs.on(LeaveDialog, leave)
    click(qtbot, menu, "move_out")
    dialogs.check("LeaveDialog")
    stored = Resident.get_by_id(person.id)
    assert stored.status == "moved_out"
    [event] = events_of(person.id, "move_out")
    assert (event.event_date, event.to_value, event.reason) == (DAY, "西安市雁塔区", "务工")
    assert any(
        json.loads(a.after).get("status") == "moved_out" for a in audit_rows("resident", person.id)
    )
    assert counts()[0] == before[0]  # the person is still in the database

    # Now moved out: the menu greys 迁出 and 死亡注销 and offers 迁回.
    menu = right_click(qtbot, tab.table, table_row(tab, person.id))
    state = enabled(menu)
    assert not state["move_out"] and not state["death"] and state["move_back"]
    assert "已迁出" in action_of(menu, "move_out").toolTip()
    close_menu(menu)


def test_delete_on_a_resident_offers_an_ending_and_never_deletes(
    qtbot, tab, dialogs, answers, infos
):
    from ui.registry.context_menu import EndingChooser
    from ui.registry.life_events import LeaveDialog

    person = member(families()[1].id)
    total = Resident.select().count()
    tab.table.selectRow(table_row(tab, person.id))
    tab.table.setFocus()

    # Cancelled at the chooser: nothing happens at all.
    before = counts()
    dialogs.on(EndingChooser, lambda d: d.reject())
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    dialogs.check("EndingChooser")
    assert counts() == before

    def choose_death(chooser) -> None:
        chooser.findChild(QRadioButton, "ending_death").setChecked(True)
        ok(chooser).click()

    def die(dialog) -> None:
        assert dialog.kind == "death"
        dialog.date.setText(DAY.isoformat())
        ok(dialog).click()

    dialogs.on(EndingChooser, choose_death)
    dialogs.on(LeaveDialog, die)
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    dialogs.check("EndingChooser", "LeaveDialog")
    assert any("死亡" in q for q in answers.asked)  # LeaveDialog confirmed first
    assert Resident.get_by_id(person.id).status == "deceased"
    assert Resident.select().count() == total
    assert len(events_of(person.id, "death")) == 1

    # Delete on someone already deceased: says so, changes nothing, deletes nothing.
    before = counts()
    tab.table.selectRow(table_row(tab, person.id))
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert infos and "已死亡" in infos[-1] and "不能删除" in infos[-1]
    assert counts() == before and Resident.get_or_none(Resident.id == person.id) is not None


def test_delete_in_the_search_box_still_deletes_text(qtbot, tab):
    tab.search.setText("abc")
    tab.search.setCursorPosition(0)
    qtbot.keyClick(tab.search, Qt.Key.Key_Delete)
    assert tab.search.text() == "bc"


def test_correct_from_the_menu_shows_old_and_new_in_the_history(qtbot, tab, dialogs, answers):
    from ui.registry.resident_form import ResidentForm

    person = member(families()[2].id)
    old_phone = person.phone

    def correct(form) -> None:
        assert form.mode == "correct" and form.event_box.isVisible()
        form.phone.setText("13900001111")
        form.save()  # no reason yet: refused
        assert "更正原因" in form.error.text()
        form.reason.insert("电话录入错误，据本人告知更正")
        form.save()

    dialogs.on(ResidentForm, correct)
    menu = right_click(qtbot, tab.table, table_row(tab, person.id))
    click(qtbot, menu, "correct")
    dialogs.check("ResidentForm")
    assert Resident.get_by_id(person.id).phone == "13900001111"
    [fix] = events_of(person.id, "record_fix")
    assert fix.reason == "电话录入错误，据本人告知更正" and fix.username == tab.user.username
    assert fix.from_value == f"联系电话：{old_phone or '（空）'}"
    assert fix.to_value == "联系电话：13900001111"
    [audit] = [a for a in audit_rows("resident", person.id) if a.note.startswith("更正")]
    assert json.loads(audit.after)["phone"] == "13900001111"
    # Figures do not count a correction of the record.
    assert "record_fix" not in stats.COUNTED_KINDS
    # The pane's history has the line: who, when, why, old → new.
    history = tab.pane.history
    line = history_row(tab, fix.id)
    assert history.item(line, 1).text() == "更正信息"
    assert "13900001111" in history.item(line, 3).text()
    assert (old_phone or "（空）") in history.item(line, 3).text()
    assert history.item(line, 4).text() == fix.reason
    assert history.item(line, 5).text() == tab.user.username
    assert history.item(line, 0).text() == "2026-11-27"
    assert "录入时间：2026-11-27" in history.item(line, 0).toolTip()


def test_view_history_from_the_menu_focuses_the_persons_history(qtbot, tab):
    person = member(families()[0].id)
    tab.side.setCurrentIndex(1)
    menu = right_click(qtbot, tab.table, table_row(tab, person.id))
    click(qtbot, menu, "history")
    assert tab.side.currentIndex() == 0 and tab.pane.resident_id == person.id
    assert tab.pane.history.hasFocus() or QApplication.focusWidget() is tab.pane.history


# -- life events -------------------------------------------------------------------------------


def _moved_out_person(admin):
    person = member(families()[3].id)
    event = life_events.record_move_out(admin, person.id, dt.date(2026, 11, 10), "咸阳市", "误录")
    return person, event


def test_revoke_from_the_history_menu(qtbot, tab, admin, dialogs, answers):
    from ui.registry.life_events import RevokeDialog

    person, event = _moved_out_person(admin)
    month = stats.Month(2026, 11)
    moved_before = stats.monthly(month, sections=False).total.moved_out
    tab.refresh()
    table_row(tab, person.id)
    menu = right_click(qtbot, tab.pane.history, history_row(tab, event.id))
    state = enabled(menu)
    assert state["revoke_event"] and state["correct_event"]

    def revoke(dialog) -> None:
        ok(dialog).click()  # no reason: refused
        assert "撤销原因" in dialog.error.text()
        dialog.reason.insert("误录，此人未迁出")
        ok(dialog).click()

    dialogs.on(RevokeDialog, revoke)
    click(qtbot, menu, "revoke_event")
    dialogs.check("RevokeDialog")
    assert any("撤销" in q for q in answers.asked)
    stored = LifeEvent.get_by_id(event.id)
    assert stored.voided  # kept, marked revoked
    [void] = events_of(person.id, "void")
    assert (void.corrects_id, void.reason) == (event.id, "误录，此人未迁出")
    assert Resident.get_by_id(person.id).status == "current"
    assert [json.loads(a.after) for a in audit_rows("life_event", event.id)] == [{"voided": True}]
    assert (
        AuditLog.select()
        .where(
            (AuditLog.table_name == "life_event")
            & (AuditLog.record_id == str(void.id))
            & (AuditLog.action == "create")
        )
        .count()
        == 1
    )
    # The figures ignore the revoked move out.
    assert stats.monthly(month, sections=False).total.moved_out == moved_before - 1
    # The history: the old line struck through and marked, the revoke as a line of its own.
    history = tab.pane.history
    old = history_row(tab, event.id)
    assert history.item(old, 1).text() == "迁出（已撤销）"
    assert history.item(old, 3).font().strikeOut()
    line = history_row(tab, void.id)
    assert history.item(line, 1).text() == "撤销"
    assert history.item(line, 3).text() == "撤销2026-11-10的迁出登记"
    assert history.item(line, 4).text() == "误录，此人未迁出"
    # A revoked event offers neither action again.
    menu = right_click(qtbot, history, old)
    assert enabled(menu) == {"correct_event": False, "revoke_event": False}
    assert "已被更正或撤销" in action_of(menu, "revoke_event").toolTip()
    close_menu(menu)


def test_delete_on_an_event_revokes_and_a_birth_cannot_be(
    qtbot, tab, admin, dialogs, answers, infos
):
    from ui.registry.life_events import RevokeDialog

    person, event = _moved_out_person(admin)
    tab.refresh()
    table_row(tab, person.id)
    history = tab.pane.history
    history.selectRow(history_row(tab, event.id))
    history.setFocus()

    def revoke(dialog) -> None:
        dialog.reason.insert("重复登记")
        ok(dialog).click()

    dialogs.on(RevokeDialog, revoke)
    qtbot.keyClick(history, Qt.Key.Key_Delete)
    dialogs.check("RevokeDialog")
    assert LifeEvent.get_by_id(event.id).voided
    assert Resident.get_by_id(person.id).status == "current"

    # A newborn's birth: 撤销 greyed in the menu, Delete explains, nothing changes.
    child = Resident.get(Resident.id == LifeEvent.get(LifeEvent.kind == "birth").resident_id)
    [birth] = events_of(child.id, "birth")
    table_row(tab, child.id)
    menu = right_click(qtbot, history, history_row(tab, birth.id))
    assert enabled(menu) == {"correct_event": True, "revoke_event": False}
    assert "不能撤销" in action_of(menu, "revoke_event").toolTip()
    close_menu(menu)
    before = counts()
    history.selectRow(history_row(tab, birth.id))
    qtbot.keyClick(history, Qt.Key.Key_Delete)
    assert infos and "不能撤销" in infos[-1]
    assert counts() == before and not LifeEvent.get_by_id(birth.id).voided


def test_without_the_edit_right_only_viewing_is_offered(qtbot):
    """No role lacks the right today; the menu still greys writes for one that would."""
    from PySide6.QtWidgets import QWidget

    from ui.registry.context_menu import build_menu, household_items, resident_items

    parent = QWidget()
    qtbot.addWidget(parent)
    slots = {
        k: (lambda: None)
        for k in (
            "edit",
            "correct",
            "move_out",
            "death",
            "history",
            "household",
            "change_head",
            "merge",
        )
    }
    menu = build_menu(
        parent,
        resident_items(parent, "current", False, slots)
        + household_items(parent, False, True, False, slots),
    )
    state = enabled(menu)
    assert state["edit"] and state["history"] and state["household"]
    assert not any(state[k] for k in ("move_out", "death", "correct", "change_head", "merge"))
    assert "权限" in action_of(menu, "move_out").toolTip()


# -- the household dialog ----------------------------------------------------------------------


def test_household_member_menu_and_history_delete(qtbot, admin, demo_small, dialogs, answers):
    from ui.registry.household import HouseholdDialog
    from ui.registry.household_actions import ChangeHeadDialog
    from ui.registry.life_events import LeaveDialog, RevokeDialog

    house = families()[4]
    person = member(house.id)
    dialog = HouseholdDialog(admin, house.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    row = next(
        r
        for r in range(dialog.members.rowCount())
        if dialog.members.item(r, 0).data(Qt.ItemDataRole.UserRole) == person.id
    )
    menu = right_click(qtbot, dialog.members, row)
    state = enabled(menu)
    assert state["change_head"] and state["merge"] and state["move_out"]

    dialogs.on(ChangeHeadDialog, lambda d: d.reject())  # it comes up for this household
    click(qtbot, menu, "change_head")
    dialogs.check("ChangeHeadDialog")

    def die(leave) -> None:
        leave.date.setText(DAY.isoformat())
        ok(leave).click()

    menu = right_click(qtbot, dialog.members, row)
    dialogs.on(LeaveDialog, die)
    click(qtbot, menu, "death")
    dialogs.check("LeaveDialog")
    assert Resident.get_by_id(person.id).status == "deceased" and dialog.changed
    [death] = events_of(person.id, "death")

    history = dialog.history
    line = next(
        r
        for r in range(history.rowCount())
        if history.item(r, 0).data(Qt.ItemDataRole.UserRole) == death.id
    )
    history.selectRow(line)
    history.setFocus()

    def revoke(revoking) -> None:
        revoking.reason.insert("误录")
        ok(revoking).click()

    dialogs.on(RevokeDialog, revoke)
    qtbot.keyClick(history, Qt.Key.Key_Delete)
    dialogs.check("RevokeDialog")
    assert LifeEvent.get_by_id(death.id).voided
    stored = Resident.get_by_id(person.id)
    assert stored.status == "current" and stored.relation != HEAD
    dialog.reject()


# -- the services behind the menu --------------------------------------------------------------


def test_only_the_latest_exit_can_be_revoked(admin, demo_small):
    person = member(families()[5].id)
    home = Resident.get_by_id(person.id).household_id
    first = life_events.record_move_out(admin, person.id, dt.date(2026, 9, 1), "咸阳市")
    life_events.record_return(admin, person.id, home, "99", dt.date(2026, 10, 1))
    second = life_events.record_move_out(admin, person.id, dt.date(2026, 11, 1), "宝鸡市")
    assert not life_events.revocable(life_events.event_row(first.id))
    assert life_events.revocable(life_events.event_row(second.id))
    with pytest.raises(life_events.RegistryError, match="只能撤销最近的一条"):
        life_events.cancel_event(admin, first.id, "误录")
    assert Resident.get_by_id(person.id).status == "moved_out"
    assert not LifeEvent.get_by_id(first.id).voided


def test_a_correction_needs_a_reason_and_a_change(admin, demo_small):
    from models.registry import residents

    person = member(families()[0].id)
    data = residents.detail(admin, person.id).data
    with pytest.raises(residents.RegistryError, match="更正原因"):
        residents.correct_resident(admin, person.id, data, "  ")
    with pytest.raises(residents.RegistryError, match="没有修改"):
        residents.correct_resident(admin, person.id, data, "核对")
    assert events_of(person.id, "record_fix") == []
    data.name = "王小明"
    residents.correct_resident(admin, person.id, data, "姓名录入错误")
    [fix] = events_of(person.id, "record_fix")
    assert (fix.from_value, fix.to_value) == (f"姓名：{person.name}", "姓名：王小明")
    assert Resident.get_by_id(person.id).name == "王小明"
    # A correction line cannot itself be corrected or revoked as an event.
    row = life_events.event_row(fix.id)
    assert not life_events.correctable(row) and not life_events.revocable(row)
    with pytest.raises(life_events.RegistryError, match="再次更正居民信息"):
        life_events.correct_event(admin, fix.id, dt.date(2026, 11, 27), "x")
