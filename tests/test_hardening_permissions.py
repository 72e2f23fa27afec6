"""Issue 19, "full IDs only for those who may see them": the read services check the role.

audit.recent/history need the audit permission, follow-up rows the casework one; a person's
record and search rows carry the full ID number only for a role that may reveal it, and the
form of such a role still saves the person without clearing the number it never saw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from registry_helpers import make_family

from models.casework import cases
from models.casework import views as casework_views
from models.core import audit
from models.core.entities import Resident
from models.core.permissions import PermissionDenied
from models.registry import residents, search
from models.registry.search import ResidentFilter
from tests.casework_fixtures import family as case_family  # noqa: F401  (fixture)

EVERYONE = ResidentFilter(status=None)


@dataclass
class _Nobody:
    """A role the program does not know (a user row edited by hand): may do nothing."""

    username: str = "guest"
    role: str = "guest"


@pytest.fixture
def household(admin):
    return make_family(admin)


# -- the audit log --------------------------------------------------------------------------


def test_audit_recent_and_history_need_the_audit_permission(
    household, admin, clerk, officer, supervisor
):
    _, house, people = household
    for reader in (clerk, officer, _Nobody(), None):
        with pytest.raises(PermissionDenied, match="无权查看操作日志"):
            audit.recent(reader)
        with pytest.raises(PermissionDenied, match="无权查看操作日志"):
            audit.history(reader, "resident", people["王建国"])
    for reader in (supervisor, admin):
        newest = audit.recent(reader, limit=3)
        assert len(newest) == 3 and newest[0].id > newest[-1].id
        assert [r.action for r in audit.history(reader, "resident", people["王建国"])] == ["create"]
        assert {r.username for r in audit.recent(reader, username="admin")} == {"admin"}


# -- a person's record ----------------------------------------------------------------------


def test_detail_gives_the_full_number_only_to_a_role_that_may_reveal_it(
    household, admin, clerk, officer, supervisor
):
    _, _, people = household
    rid = people["王建国"]
    stored = Resident.get_by_id(rid).id_number
    for reader in (officer, supervisor, admin):
        info = residents.detail(reader, rid)
        assert info.data.id_number == stored and info.has_id_number
    info = residents.detail(clerk, rid)
    assert info.data.id_number is None
    assert info.has_id_number and info.masked_id == stored[:4] + "*" * 10 + stored[-4:]
    assert info.data.name == "王建国" and info.household_no  # the rest is the same
    with pytest.raises(PermissionDenied):
        residents.detail(_Nobody(), rid)
    with pytest.raises(PermissionDenied):
        residents.detail(None, rid)


def test_a_clerk_saving_a_record_keeps_the_number_never_shown(household, clerk):
    _, _, people = household
    rid = people["李秀兰"]
    stored = Resident.get_by_id(rid).id_number
    data = residents.detail(clerk, rid).data
    data.phone, data.keep_id_number = "13800138000", True
    residents.update_resident(clerk, rid, data)
    saved = Resident.get_by_id(rid)
    assert (saved.phone, saved.id_number) == ("13800138000", stored)
    # Without the flag a missing number is a cleared one, as before.
    data = residents.detail(clerk, rid).data
    residents.update_resident(clerk, rid, data)
    assert Resident.get_by_id(rid).id_number is None


def test_a_clerk_editing_in_the_form_keeps_the_stored_number(qtbot, household, clerk):
    from ui.registry.resident_form import ResidentForm

    _, _, people = household
    rid = people["王磊"]
    stored = Resident.get_by_id(rid).id_number
    form = ResidentForm(clerk, "edit", resident_id=rid)
    qtbot.addWidget(form)
    assert form.id_number.text() == stored[:4] + "*" * 10 + stored[-4:]
    assert form.id_number.isReadOnly() and not form.reveal.isVisible()
    form.work.setText("县供电公司")
    form.save()
    assert form.result() == form.DialogCode.Accepted, form.error.text()
    saved = Resident.get_by_id(rid)
    assert (saved.work_unit, saved.id_number) == ("县供电公司", stored)


# -- search rows ----------------------------------------------------------------------------


def test_search_rows_carry_full_numbers_only_for_a_role_that_may_reveal_them(
    household, admin, clerk, officer, supervisor
):
    stored = {r.id: r.id_number for r in Resident.select()}
    for reader in (clerk, None):
        rows = search.search("", EVERYONE, limit=100, actor=reader)
        assert len(rows) == len(stored)
        assert all(r.id_number is None for r in rows)
        assert all(r.masked_id and r.masked_id != stored[r.id] for r in rows)
        # the last four digits still find the person; the row still does not carry the number
        someone = rows[0]
        [found] = search.search(stored[someone.id][-6:], EVERYONE, actor=reader)
        assert found.id == someone.id and found.id_number is None
    for reader in (officer, supervisor, admin):
        rows = search.search("", EVERYONE, limit=100, actor=reader)
        assert {r.id: r.id_number for r in rows} == stored
    with pytest.raises(PermissionDenied):
        search.search("", EVERYONE, actor=_Nobody())
    with pytest.raises(PermissionDenied):
        search.count("", EVERYONE, actor=_Nobody())
    assert search.count("", EVERYONE, actor=clerk) == len(stored)


def test_the_registry_list_of_a_clerk_holds_no_full_number(qtbot, household, clerk, supervisor):
    from ui.registry.tab import RegistryTab

    stored = {r.id: r.id_number for r in Resident.select()}
    tab = RegistryTab(clerk)
    qtbot.addWidget(tab)
    tab.run_search()
    assert tab.model.rows and all(r.id_number is None for r in tab.model.rows)
    tab.counter.wait()
    other = RegistryTab(supervisor)
    qtbot.addWidget(other)
    other.run_search()
    assert {r.id: r.id_number for r in other.model.rows} == stored
    other.counter.wait()


# -- casework follow-ups --------------------------------------------------------------------


def test_follow_up_rows_need_the_casework_permission(
    case_family,
    officer,
    clerk,  # noqa: F811
    supervisor,
):
    case = cases.create_subsidy(officer, child_id=case_family.toddler_2023.id)
    cases.add_follow_up(
        officer,
        case.id,
        case.opened_on,
        "home",
        note="入户核实，家中困难",
        next_date=case.opened_on + dt.timedelta(days=30),
    )
    for reader in (clerk, _Nobody(), None):
        with pytest.raises(PermissionDenied, match="无权查看计生服务个案"):
            casework_views.follow_up_rows(reader, case.id)
    for reader in (officer, supervisor):
        [row] = casework_views.follow_up_rows(reader, case.id)
        assert row.note == "入户核实，家中困难"
    assert [f.note for f in casework_views.get_case(officer, case.id).follow_ups] == [
        "入户核实，家中困难"
    ]
