"""The detail pane shows special groups and children's records as the selection moves: resting
on a person is a logged view (models.registry.residents.PaneViews), once per person per session."""

from __future__ import annotations

import pytest

from models.core.entities import AuditLog, Resident
from models.registry import households, residents
from tests.registry_dialog_support import families, make_tab, member


@pytest.fixture
def tab(qtbot, admin, demo_small):
    widget = make_tab(qtbot, admin)
    yield widget
    widget.counter.wait()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _views(resident_id: int | None = None) -> list[AuditLog]:
    query = AuditLog.select().where(
        (AuditLog.action == "view") & (AuditLog.table_name == "resident")
    )
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
    from models.core import permissions

    monkeypatch.setitem(permissions.ROLE_PERMS, "casework", frozenset())
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


def test_a_hidden_pane_logs_nothing(qtbot, tab):
    clock = Clock()
    tab.pane.views = residents.PaneViews(tab.user, clock=clock)
    already = {v.id for v in _views()}
    person = member(families()[0].id)
    tab.side.setCurrentIndex(1)  # 小区概况: the person's details are out of sight
    tab.select_person(person.id)
    assert not tab.pane.isVisible() and not tab.pane._view_timer.isActive()
    clock.now += 5
    tab.pane._view_timer.timeout.emit()
    assert not [v for v in _views() if v.id not in already]
    tab.side.setCurrentIndex(0)  # in sight again: the second starts now
    assert tab.pane._view_timer.isActive()
    clock.now += 1
    _fire(tab.pane._view_timer)
    assert [v.record_id for v in _views() if v.id not in already] == [str(person.id)]
    tab.close()
    assert not tab.pane._view_timer.isActive()
