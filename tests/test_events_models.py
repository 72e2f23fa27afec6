"""Events services: templates, checklist, cancelling, outcome, brief numbers, monthly figures."""

import datetime as dt

import pytest

from models.core.entities import AuditLog, Compound
from models.core.permissions import PermissionDenied
from models.events import attendance, prep, templates
from models.events import service as svc
from models.events.entities import CANCELLED, HELD, Event, EventTask, parse_yuan, yuan
from models.events.stats import events_monthly_section
from tests.conftest import AS_OF

TODAY = AS_OF


def test_film_night_template_carries_the_seed_preparation_list(clerk):
    titles = [t["title"] for t in templates.template_data("film_night")["tasks"]]
    text = "".join(titles)
    for phrase in (
        "审片",
        "投影",
        "视频文件损坏",
        "微信群",
        "宣传栏",
        "塑料凳",
        "手机静音",
        "有序退场",
        "设备搬回",
        "简报",
    ):
        assert phrase in text, phrase
    keys = {t.key for t in templates.list_templates()}
    assert {"film_night", "double_ninth", "policy_health", "clean_day", "fire_drill"} <= keys


def test_create_from_template_resolves_due_dates_against_the_event_date(clerk):
    day = TODAY + dt.timedelta(days=20)
    event_id = templates.create_from_template(clerk, "film_night", day)
    info = svc.get_event(event_id)
    assert info.plan.title == "社区露天电影放映活动" and info.status == "planned"
    assert info.plan.safety_plan and "备用" in info.plan.safety_plan
    tasks = prep.tasks(event_id)
    assert len(tasks) == 12
    assert tasks[0].due_date == day - dt.timedelta(days=10)
    assert tasks[-1].due_date == day + dt.timedelta(days=1)
    assert [s.role for s in prep.staff(event_id)][:3] == ["总负责", "主持人", "放映技术员"]
    assert prep.budget_totals(event_id).budget_fen == 56000
    assert AuditLog.select().where(AuditLog.table_name == "event_task").count() == 12


def test_overdue_items_and_ticking_with_who_and_when(clerk):
    event_id = templates.create_from_template(clerk, "film_night", TODAY + dt.timedelta(days=2))
    overdue = [t for t in prep.tasks(event_id) if t.overdue]
    assert len(overdue) == 6  # due 10, 7, 7, 5, 3 and 3 days before: all before today
    prep.set_task_done(clerk, overdue[0].id, True)
    row = next(t for t in prep.tasks(event_id) if t.id == overdue[0].id)
    assert row.done and not row.overdue and row.done_by == "李晓梅" and row.done_at
    stored = EventTask.get_by_id(row.id)
    assert stored.done_by == "clerk"
    prep.set_task_done(clerk, row.id, False)
    assert EventTask.get_by_id(row.id).done_at is None
    assert svc.list_events()[0].tasks_overdue == 6


def test_cancel_needs_a_reason_keeps_the_row_and_blocks_edits(clerk):
    event_id = templates.create_from_template(clerk, "clean_day", TODAY + dt.timedelta(days=5))
    with pytest.raises(svc.EventError, match="原因"):
        svc.cancel_event(clerk, event_id, "  ")
    svc.cancel_event(clerk, event_id, "暴雨预警")
    event = Event.get_by_id(event_id)
    assert event.status == CANCELLED and event.cancel_reason == "暴雨预警"
    with pytest.raises(svc.EventError, match="已取消"):
        prep.add_task(clerk, event_id, "再加一项")
    assert [r.status for r in svc.list_events(svc.EventFilter(when="all"))] == [CANCELLED]
    svc.reopen_event(clerk, event_id)
    assert Event.get_by_id(event_id).status == "planned"


def test_outcome_not_before_the_day_and_spending(clerk):
    future = templates.create_from_template(clerk, "film_night", TODAY + dt.timedelta(days=3))
    with pytest.raises(svc.EventError, match="还没到"):
        svc.record_outcome(clerk, future, 80, "")
    past = templates.create_from_template(clerk, "film_night", TODAY - dt.timedelta(days=1))
    svc.record_outcome(clerk, past, 80, "放映顺利。")
    assert Event.get_by_id(past).status == HELD and Event.get_by_id(past).head_count == 80
    lines = prep.budget(past)
    lines[2].actual_fen = parse_yuan("380.5")
    prep.save_budget(clerk, past, lines[:-1])  # the last line removed: archived, not deleted
    totals = prep.budget_totals(past)
    assert totals.actual_fen == 38050 and totals.budget_fen == 55000
    assert yuan(totals.balance_fen) == "169.50"


def test_brief_issue_numbers_count_per_year_and_stick(clerk):
    ids = [
        templates.create_from_template(clerk, "clean_day", dt.date(2026, m, 5)) for m in (3, 6, 9)
    ]
    assert svc.assign_brief_issue(clerk, ids[0], dt.date(2026, 3, 6))[:2] == (2026, 1)
    assert svc.assign_brief_issue(clerk, ids[1], dt.date(2026, 6, 6))[:2] == (2026, 2)
    assert svc.assign_brief_issue(clerk, ids[1], dt.date(2026, 7, 1))[:2] == (2026, 2)  # reprint
    assert svc.assign_brief_issue(clerk, ids[2], dt.date(2027, 1, 2))[:2] == (2027, 1)


def test_save_as_template_round_trip(clerk):
    day = TODAY + dt.timedelta(days=30)
    event_id = templates.create_from_template(clerk, "double_ninth", day)
    prep.add_task(clerk, event_id, "联系书法协会写寿字", "王秀英", day - dt.timedelta(days=4))
    key = templates.save_as_template(clerk, event_id, "我们的重阳节")
    with pytest.raises(svc.EventError, match="已有名为"):
        templates.save_as_template(clerk, event_id, "我们的重阳节")
    later = TODAY + dt.timedelta(days=60)
    copy = templates.create_from_template(clerk, key, later)
    tasks = prep.tasks(copy)
    assert tasks[-1].title == "联系书法协会写寿字" and tasks[-1].due_date == later - dt.timedelta(
        days=4
    )
    assert all(not s.name for s in prep.staff(copy))


def test_sign_in_list_and_absentees(clerk, demo_small):
    event_id = templates.create_from_template(clerk, "double_ninth", TODAY)
    from models.registry.search import search

    people = search("", limit=5)
    assert attendance.add_residents(clerk, event_id, [p.id for p in people]) == 5
    assert attendance.add_residents(clerk, event_id, [people[0].id]) == 0  # no duplicates
    rows = attendance.attendees(event_id)
    for row in rows[:3]:
        attendance.set_signed_in(clerk, row.id, True)
    attendance.add_walk_in(clerk, event_id, "来访者张三")
    absent = attendance.attendees(event_id, absent_only=True)
    assert [a.name for a in absent] == [p.name for p in people[3:]]
    attendance.set_follow_up(clerk, absent[0].id, "电话联系：住院")
    counts = attendance.counts(event_id)
    assert (counts.invited, counts.signed_in, counts.absent, counts.followed_up) == (5, 4, 2, 1)


def test_monthly_section_counts_held_events_by_type(clerk, admin):
    compound = Compound.create(name="南关小区")
    a = templates.create_from_template(clerk, "film_night", dt.date(2026, 7, 18), compound.id)
    b = templates.create_from_template(clerk, "double_ninth", dt.date(2026, 7, 20))
    c = templates.create_from_template(clerk, "clean_day", dt.date(2026, 7, 25), compound.id)
    templates.create_from_template(clerk, "clean_day", dt.date(2026, 8, 1), compound.id)
    svc.record_outcome(clerk, a, 80, "")
    svc.record_outcome(clerk, b, 55, "")
    svc.cancel_event(clerk, c, "下雨")
    lines = prep.budget(a)
    lines[2].actual_fen = 35000
    prep.save_budget(clerk, a, lines)
    month = events_monthly_section(dt.date(2026, 7, 1), dt.date(2026, 7, 31))
    assert (month["held"], month["attendance"], month["cancelled"], month["planned"]) == (
        2,
        135,
        1,
        0,
    )
    assert [(t["name"], t["held"], t["attendance"]) for t in month["by_type"]] == [
        ("文体活动", 1, 80),
        ("敬老助老", 1, 55),
    ]
    assert month["spent_fen"] == 35000 and month["budget_fen"] == 56000 + 358000
    only = events_monthly_section(dt.date(2026, 7, 1), dt.date(2026, 7, 31), compound.id)
    assert (only["held"], only["attendance"], only["cancelled"]) == (1, 80, 1)
    assert only["events"][0]["compound"] == "南关小区"


def test_only_event_editors_write(officer, db):
    class Viewer:
        username = "guest"
        role = "nobody"

    with pytest.raises(PermissionDenied):
        templates.create_from_template(Viewer(), "film_night", TODAY)


def test_demo_year_of_events(demo_small):

    rows = svc.list_events(svc.EventFilter(when="all"), today=AS_OF)
    past = [r for r in rows if r.event_date < AS_OF]
    upcoming = [r for r in rows if r.event_date >= AS_OF]
    assert len(past) >= 10 and len(upcoming) >= 3
    assert min(r.event_date for r in rows) >= AS_OF - dt.timedelta(days=366)
    held = [r for r in past if r.status == HELD]
    assert all(r.head_count for r in held) and any(r.photos for r in held)
    assert sum(1 for r in rows if "电影" in r.title) == 1
    assert any(0 < r.tasks_done < r.tasks_total for r in upcoming)
    assert sum(1 for r in rows if r.status == CANCELLED) == 1
    summaries = Event.select().where((Event.status == HELD) & (Event.summary != "")).count()
    assert summaries >= len(held) - 1
    for photo in attendance.photos(held[0].id) + [p for r in held for p in attendance.photos(r.id)]:
        assert photo.file.is_file()
