"""Casework services on a small known register: 孩次 from the register, subsidy amounts, rates,
privacy and view logging, workflow, follow-ups, reminders, worklist and monthly figures."""

import datetime as dt

import pytest

from models.casework import cases
from models.casework import people as casework_people
from models.casework import rates as casework_rates
from models.casework import views as casework_views
from models.casework import worklist as casework_worklist
from models.casework.cases import CaseworkError, ChildInput
from models.casework.entities import Case, CaseStatusChange, MaternalReminder
from models.casework.rates import RateError
from models.casework.rules import registration_deadline
from models.core.entities import AuditLog
from models.core.permissions import PermissionDenied
from tests.casework_fixtures import family  # noqa: F401  (fixture)
from tests.conftest import AS_OF

D = dt.date
TODAY = AS_OF


def _inputs(suggestions):
    return [
        ChildInput(s.name, s.birth_date, s.sex, s.origin, s.deceased, s.resident_id, s.note)
        for s in suggestions
    ]


def _register_birth(officer, fam, **kw):
    kids = casework_people.suggest_children(
        officer,
        fam.mother.id,
        fam.father.id,
        exclude_child_id=fam.baby.id,
        born_before=fam.baby.birth_date,
    )
    args = dict(
        mother_id=fam.mother.id,
        father_id=fam.father.id,
        children=_inputs(kids),
        birth_order=2,
        child_id=fam.baby.id,
        marriage_date=D(2016, 10, 1),
        opened_on=D(2026, 7, 1),
    )
    args.update(kw)
    return cases.create_birth_registration(officer, **args)


# -- 孩次 from the register -------------------------------------------------------------------


def test_register_suggests_spouse_and_children_with_counting_rules(officer, family):  # noqa: F811
    spouse = casework_people.suggest_spouse(officer, family.mother.id)
    assert spouse is not None and spouse.id == family.father.id
    kids = casework_people.suggest_children(
        officer,
        family.mother.id,
        family.father.id,
        exclude_child_id=family.baby.id,
        born_before=family.baby.birth_date,
    )
    by_name = {k.name: k for k in kids}
    assert set(by_name) == {"张雨桐", "张子豪", "张雨欣"}  # the baby herself is left out
    assert by_name["张子豪"].origin == "adopted"  # 养子或继子 (27)
    assert by_name["张雨欣"].deceased is True
    assert by_name["张雨桐"].origin == "common" and not by_name["张雨桐"].deceased
    case = _register_birth(officer, family)
    assert (case.birth_order, case.suggested_order, case.order_reason) == (2, 2, "")
    detail = casework_views.get_case(officer, case.id)
    assert detail.birth_date == D(2026, 6, 20) and detail.deadline == D(2026, 12, 20)
    assert not detail.deadline_provisional
    assert [c.counts for c in detail.children] == [False, True, False]  # by birth date


def test_earlier_marriage_child_does_not_count_and_another_order_needs_a_reason(officer, family):  # noqa: F811
    extra = [ChildInput("刘洋", D(2012, 4, 4), "1", origin="earlier")]
    with pytest.raises(CaseworkError, match="应为第1孩"):
        cases.create_birth_registration(
            officer,
            mother_id=family.mother.id,
            father_id=family.father.id,
            children=extra,
            birth_order=2,
            expected_date=TODAY + dt.timedelta(days=90),
        )
    case = cases.create_birth_registration(
        officer,
        mother_id=family.mother.id,
        father_id=family.father.id,
        children=extra,
        birth_order=2,
        order_reason="另有一名共同生育子女户籍在外地",
        expected_date=TODAY + dt.timedelta(days=90),
    )
    assert (case.birth_order, case.suggested_order) == (2, 1)
    assert case.order_reason.startswith("另有")
    detail = casework_views.get_case(officer, case.id)
    assert detail.deadline_provisional  # counted from the expected date until the birth
    assert detail.deadline == registration_deadline(TODAY + dt.timedelta(days=90))
    with pytest.raises(CaseworkError, match="已有生育登记"):
        cases.create_birth_registration(
            officer,
            mother_id=family.mother.id,
            father_id=family.father.id,
            children=extra,
            birth_order=2,
            order_reason="重复",
            expected_date=TODAY + dt.timedelta(days=90),
        )


# -- childcare subsidy and rates --------------------------------------------------------------


def test_child_born_december_2023_gets_exactly_24_months_7200_yuan(officer, family):  # noqa: F811
    case = cases.create_subsidy(
        officer,
        child_id=family.toddler_2023.id,
        applied_on=D(2025, 9, 10),
        opened_on=D(2025, 9, 10),
    )
    detail = casework_views.get_case(officer, case.id, as_of=D(2025, 12, 31))
    due = detail.subsidy
    assert due is not None
    assert (due.month_count, due.months[0], due.months[-1]) == (24, D(2025, 1, 1), D(2026, 12, 1))
    assert due.total_fen == 720000  # 24 × 300 yuan, the official example
    assert detail.subsidy_due_to_date_fen == 360000  # 2025's twelve months
    assert detail.third_birthday == D(2026, 12, 15)
    with pytest.raises(CaseworkError, match="已有育儿补贴"):
        cases.create_subsidy(officer, child_id=family.toddler_2023.id)
    with pytest.raises(CaseworkError, match="不在育儿补贴范围"):
        cases.create_subsidy(officer, child_id=family.daughter.id)  # born 2020


def test_a_later_rate_leaves_earlier_amounts_unchanged(admin, officer, family):  # noqa: F811
    old_child = cases.create_subsidy(officer, child_id=family.toddler_2023.id).id
    new_child = cases.create_subsidy(officer, child_id=family.baby.id).id  # born 2026-06-20

    def due(case_id):
        return casework_views.get_case(officer, case_id, log_view=False).subsidy

    before_old, before_new = due(old_child), due(new_child)
    assert before_new.total_fen == 36 * 30000
    with pytest.raises(PermissionDenied):
        casework_rates.add_rate(officer, "subsidy", D(2027, 1, 1), 40000)
    with pytest.raises(RateError, match="1日"):
        casework_rates.add_rate(admin, "subsidy", D(2027, 1, 15), 40000)
    casework_rates.add_rate(admin, "subsidy", D(2027, 1, 1), 40000, "示例：新标准")
    after_old, after_new = due(old_child), due(new_child)
    assert after_old.total_fen == before_old.total_fen == 720000  # all its months are before 2027
    # The 2026 baby: months to 2026-12 keep 300 yuan, months from 2027-01 are paid at 400.
    assert after_new.through(D(2026, 12, 1)) == before_new.through(D(2026, 12, 1)) == 7 * 30000
    assert after_new.total_fen == 7 * 30000 + 29 * 40000
    # The month's list: December 2026 is both children's month (the 2023 child's last, the
    # month of its third birthday); from January 2027 only the baby's, at the new rate.
    assert casework_worklist.month_payments(officer, D(2026, 11, 1)).subsidy_total_fen == 2 * 30000
    assert casework_worklist.month_payments(officer, D(2026, 12, 1)).subsidy_total_fen == 2 * 30000
    assert casework_worklist.month_payments(officer, D(2027, 1, 1)).subsidy_total_fen == 40000
    # A mistyped row is voided, with a reason, and the old rate applies again.
    row = next(r for r in casework_rates.list_rates() if not r.built_in)
    with pytest.raises(RateError):
        casework_rates.void_rate(admin, row.id, " ")
    casework_rates.void_rate(admin, row.id, "录入错误")
    assert due(new_child).total_fen == 36 * 30000
    assert AuditLog.select().where(AuditLog.table_name == "casework_rate").count() == 2


def test_special_assistance_rates_and_payment_list(officer, family):  # noqa: F811
    for pid in (family.father.id, family.mother.id):
        cases.create_assistance(
            officer,
            case_type="special_assist",
            person_id=pid,
            category="child_died",
            start_date=D(2024, 1, 1),
            opened_on=D(2023, 12, 5),
        )
    with pytest.raises(CaseworkError, match="已有特别扶助"):
        cases.create_assistance(
            officer,
            case_type="special_assist",
            person_id=family.father.id,
            category="surgery_1",
            start_date=D(2025, 1, 1),
        )
    listing = casework_worklist.month_payments(officer, D(2026, 3, 1))
    assert [r.monthly_fen for r in listing.assistance] == [59000, 59000]
    assert listing.assistance_total_fen == 118000
    assert all("*" in r.masked_id and len(r.masked_id) == 18 for r in listing.assistance)
    detail = casework_views.get_case(officer, Case.get(Case.person == family.father.id).id)
    assert detail.monthly_fen == 59000 and detail.category_name == "独生子女死亡"


# -- privacy ---------------------------------------------------------------------------------


def test_clerk_is_refused_every_case_service_and_views_are_logged(
    clerk, officer, supervisor, family
):  # noqa: F811
    case = _register_birth(officer, family)
    for call in (
        lambda: casework_views.get_case(clerk, case.id),
        lambda: casework_views.list_cases(clerk),
        lambda: casework_worklist.worklist(clerk),
        lambda: casework_worklist.month_payments(clerk, TODAY),
        lambda: casework_people.suggest_children(clerk, family.mother.id, family.father.id),
        lambda: cases.create_general(clerk, person_id=family.father.id, subject="咨询"),
        lambda: cases.change_status(clerk, case.id, "closed"),
        lambda: casework_views.reveal_id(clerk, case.id, "mother"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    views = AuditLog.select().where(
        (AuditLog.action == "view") & (AuditLog.table_name == "casework_case")
    )
    assert views.count() == 0
    casework_views.get_case(officer, case.id)
    casework_views.get_case(supervisor, case.id)
    casework_views.get_case(officer, case.id, log_view=False)  # a reload inside an open dialog
    assert [(v.username, v.record_id) for v in views.order_by(AuditLog.id)] == [
        ("jisheng", str(case.id)),
        ("zhuren", str(case.id)),
    ]
    # Lists mask ID numbers; revealing one is logged.
    row = casework_views.list_cases(officer)[0]
    assert row.masked_id == family.mother.id_number[:4] + "*" * 10 + family.mother.id_number[-4:]
    assert casework_views.reveal_id(officer, case.id, "mother") == family.mother.id_number
    assert AuditLog.select().where(AuditLog.action == "reveal_id").count() == 1
    # Counts name no one and are open to every role.
    assert casework_worklist.overdue_counts().total >= 0


# -- workflow and follow-ups ------------------------------------------------------------------


def test_workflow_transitions_are_dated_audited_and_need_reasons(officer, family):  # noqa: F811
    case = cases.create_general(
        officer, person_id=family.father.id, subject="育儿补贴政策咨询", opened_on=D(2026, 10, 1)
    )
    cases.change_status(officer, case.id, "in_progress", D(2026, 10, 2))
    with pytest.raises(CaseworkError, match="须填写原因"):
        cases.change_status(officer, case.id, "transferred", D(2026, 10, 3))
    with pytest.raises(CaseworkError, match="不能早于登记日期"):
        cases.change_status(officer, case.id, "closed", D(2026, 9, 30))
    cases.change_status(officer, case.id, "transferred", D(2026, 10, 3), "转街道办事处办理")
    with pytest.raises(CaseworkError, match="不能改为"):
        cases.change_status(officer, case.id, "closed", D(2026, 10, 4))
    stored = Case.get_by_id(case.id)
    assert (stored.status, stored.closed_on) == ("transferred", D(2026, 10, 3))
    history = [
        (s.from_status, s.to_status, s.on_date, s.reason)
        for s in CaseStatusChange.select()
        .where(CaseStatusChange.case == case.id)
        .order_by(CaseStatusChange.id)
    ]
    assert history == [
        ("", "registered", D(2026, 10, 1), ""),
        ("registered", "in_progress", D(2026, 10, 2), ""),
        ("in_progress", "transferred", D(2026, 10, 3), "转街道办事处办理"),
    ]
    audit_notes = [
        a.note
        for a in AuditLog.select()
        .where((AuditLog.table_name == "casework_case") & (AuditLog.action == "update"))
        .order_by(AuditLog.id)
    ]
    assert audit_notes == ["办理中", "转街道办事处办理"]


def test_overdue_follow_up_shows_on_worklist_and_in_counts(officer, family):  # noqa: F811
    case = cases.create_general(
        officer,
        person_id=family.father.id,
        subject="托育机构信息咨询",
        opened_on=TODAY - dt.timedelta(days=20),
    )
    assert casework_worklist.overdue_counts().total == 0
    with pytest.raises(CaseworkError, match="须晚于"):
        cases.add_follow_up(
            officer,
            case.id,
            TODAY - dt.timedelta(days=10),
            "phone",
            "",
            TODAY - dt.timedelta(days=10),
        )
    cases.add_follow_up(
        officer,
        case.id,
        TODAY - dt.timedelta(days=10),
        "phone",
        "电话回复咨询",
        TODAY - dt.timedelta(days=2),
    )
    counts = casework_worklist.overdue_counts()
    assert (counts.total, counts.by_kind, counts.by_type) == (1, {"follow_up": 1}, {"general": 1})
    [item] = casework_worklist.worklist(officer)
    assert (item.case_id, item.kind, item.group, item.overdue) == (
        case.id,
        "follow_up",
        "overdue",
        True,
    )
    assert item.person_name == "张建伟" and "*" in item.masked_id
    # A later follow-up with a future date clears it; closing the case would too.
    cases.add_follow_up(officer, case.id, TODAY, "home", "入户回访", TODAY + dt.timedelta(days=3))
    assert casework_worklist.overdue_counts().total == 0
    assert casework_worklist.worklist(officer)[0].group == "week"


def test_maternal_reminders_status_only_and_redated_after_birth(officer, family):  # noqa: F811
    expected = TODAY + dt.timedelta(days=100)  # about week 26 today
    case = cases.create_maternal(officer, mother_id=family.mother.id, expected_date=expected)
    reminders = {
        r.visit: r for r in MaternalReminder.select().where(MaternalReminder.case == case.id)
    }
    assert len(reminders) == 7
    assert {v for v, r in reminders.items() if r.status == "skipped"} == {
        "early",
        "w16_20",
        "w21_24",
    }
    assert not any(hasattr(r, "result") for r in reminders.values())  # status only, no results
    cases.set_reminder_status(officer, reminders["w28_36"].id, "reminded")
    with pytest.raises(CaseworkError):
        cases.set_reminder_status(officer, reminders["w28_36"].id, "positive")
    with pytest.raises(CaseworkError, match="已有未办结"):
        cases.create_maternal(officer, mother_id=family.mother.id, expected_date=expected)
    # An early birth: the antenatal windows after it lapse, the postnatal ones follow it.
    born = TODAY
    cases.update_case(officer, case.id, birth_date=born)
    after = {r.visit: r for r in MaternalReminder.select().where(MaternalReminder.case == case.id)}
    assert after["w37_40"].status == "skipped"
    assert after["w28_36"].status == "reminded"  # what was recorded stays
    assert after["day42"].window_start == born + dt.timedelta(days=42)
    assert after["home"].window_start == born + dt.timedelta(days=3)


def test_monthly_section_figures(officer, family):  # noqa: F811
    case = cases.create_subsidy(
        officer, child_id=family.toddler_2023.id, applied_on=D(2026, 3, 5), opened_on=D(2026, 3, 5)
    )
    cases.change_status(officer, case.id, "closed", D(2026, 3, 20))
    cases.create_assistance(
        officer,
        case_type="reward_assist",
        person_id=family.father.id,
        category="reward",
        start_date=D(2026, 1, 1),
        opened_on=D(2025, 12, 10),
    )
    gen = cases.create_general(
        officer, person_id=family.mother.id, subject="咨询", opened_on=D(2026, 3, 2)
    )
    cases.add_follow_up(officer, gen.id, D(2026, 3, 3), "phone", "", D(2026, 3, 10))
    section = casework_worklist.casework_monthly_section(D(2026, 3, 1), D(2026, 3, 31), None)
    assert section.opened == {"subsidy": 1, "general": 1}
    assert section.closed == {"subsidy": 1}
    assert section.overdue == {"general": 1}  # the follow-up due 10 March, not done by the 31st
    assert section.subsidy_applications == 1
    assert (section.subsidy_children, section.subsidy_fen) == (1, 30000)
    assert (section.special_recipients, section.reward_recipients, section.assistance_fen) == (
        0,
        1,
        8000,
    )
    labels = [label for label, _value in section.rows()]
    assert "本月新登记个案" in labels and "扶助金应发（元）" in labels
    other = casework_worklist.casework_monthly_section(D(2026, 3, 1), D(2026, 3, 31), 99999)
    assert other.opened == {} and other.subsidy_children == 0


def test_demo_community_holds_realistic_casework(admin):
    from collections import Counter

    from models import demo
    from models.casework.entities import CaseChild, FollowUp

    demo.generate(households=400, seed=11, as_of=AS_OF)

    kinds = Counter(c.case_type for c in Case.select())
    assert set(kinds) >= {"birth_reg", "subsidy", "maternal", "general"}
    assert kinds["subsidy"] > kinds["birth_reg"] > 0
    # Every birth registration's 孩次 follows its recorded children unless a reason is given.
    for case in Case.select().where(Case.case_type == "birth_reg"):
        counted = sum(
            1
            for c in CaseChild.select().where(CaseChild.case == case.id)
            if c.origin == "common" and not c.deceased
        )
        assert case.birth_order == counted + 1 or case.order_reason or not case.children.exists()
    # Some follow-ups are overdue on the demo's date, and the worklist shows them.
    assert FollowUp.select().where(FollowUp.next_date < AS_OF).exists()
    items = casework_worklist.worklist(admin, AS_OF)
    assert any(i.overdue for i in items) and any(i.group == "coming" for i in items)
