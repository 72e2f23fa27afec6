"""models.monthly.stats: the monthly figures, past months from the register plus events, balance."""

from __future__ import annotations

import datetime as dt

import pytest
from reports_support import record_month

from models import areas
from models.core.area import Area
from models.core.entities import Household, LifeEvent, Resident, ResidentTag
from models.monthly import parts, stats
from models.monthly.stats import Month, Section, StatsError
from models.registry import compounds

SEP, OCT, NOV = Month(2026, 9), Month(2026, 10), Month(2026, 11)


@pytest.fixture
def demo_until_august(load_demo):
    """The demo community with its own life events ending before the months these tests
    record, so that today's register is the state at the end of each recorded month."""
    return load_demo(households=80, seed=7, as_of=dt.date(2026, 8, 31))


def _closing_by_compound(month: Month) -> dict[int, int]:
    return {r.compound_id: r.closing for r in stats.monthly(month, sections=False).rows}


def test_month_parsing():
    assert Month.parse("2026-10") == OCT
    assert Month.parse("2026年10月") == OCT
    assert OCT.first == dt.date(2026, 10, 1) and OCT.last == dt.date(2026, 10, 31)
    assert Month(2026, 12).last == dt.date(2026, 12, 31)
    assert Month(2028, 2).last == dt.date(2028, 2, 29)
    assert OCT.previous_end == dt.date(2026, 9, 30)
    for bad in ("2026-13", "2026/00", "26-10", "October", ""):
        with pytest.raises(StatsError, match="YYYY-MM"):
            Month.parse(bad)


def test_past_months_from_register_plus_events(demo_until_august):
    baseline = {c.id: c.residents for c in compounds.summary()}
    recorded = {m: record_month(m, seed=i) for i, m in enumerate((SEP, OCT, NOV), start=1)}
    expected = dict(baseline)
    previous_closing = None
    for month in (SEP, OCT, NOV):
        done = recorded[month]
        for counter, sign in (
            (done.births, 1),
            (done.moved_in, 1),
            (done.deaths, -1),
            (done.moved_out, -1),
        ):
            for cid, n in counter.items():
                expected[cid] += sign * n
        for old, new in done.transfers:
            expected[old] -= 1
            expected[new] += 1
        figures = stats.monthly(month)
        by_id = {r.compound_id: r for r in figures.rows}
        # Independent: the demo's own counts plus what the test recorded, month by month.
        assert {cid: r.closing for cid, r in by_id.items()} == expected
        assert figures.total.births == done.total("births")
        assert figures.total.deaths == done.total("deaths")
        assert figures.total.moved_in == done.total("moved_in")
        assert figures.total.moved_out == done.total("moved_out")
        assert figures.total.transfers_in == figures.total.transfers_out == len(done.transfers)
        for cid, r in by_id.items():
            assert r.births == done.births.get(cid, 0)
            assert r.moved_out == done.moved_out.get(cid, 0)
        assert figures.balanced and figures.warnings == []
        if previous_closing is not None:
            assert {cid: r.opening for cid, r in by_id.items()} == previous_closing
        previous_closing = {cid: r.closing for cid, r in by_id.items()}
    # The current month agrees with the registry's own per-compound summary.
    assert previous_closing == {c.id: c.residents for c in compounds.summary()}


def test_current_month_figures_equal_plain_counts(demo_small):
    record_month(NOV, seed=5)
    figures = stats.monthly(NOV)
    current = Resident.select().where(Resident.status == "current")
    assert figures.total.population == current.count()
    assert (
        figures.total.registered_male
        == current.where((Resident.category == "1") & (Resident.sex == "1")).count()
    )
    assert (
        figures.total.registered_female
        == current.where((Resident.category == "1") & (Resident.sex == "2")).count()
    )
    assert figures.total.floating == current.where(Resident.category == "4").count()
    assert figures.total.separated == current.where(Resident.category == "3").count()
    assert figures.total.resident_population == current.where(Resident.category != "4").count()
    assert (
        figures.total.aged_60_plus
        == current.where(Resident.birth_date <= dt.date(1966, 11, 30)).count()
    )
    dibao = (
        ResidentTag.select(ResidentTag.resident)
        .join(Resident)
        .where((ResidentTag.tag == "dibao") & (Resident.status == "current"))
    )
    assert figures.total.dibao_people == dibao.count()
    assert figures.total.dibao_households == len({r.resident.household_id for r in dibao})
    assert figures.total.households == len({r.household_id for r in current})
    assert figures.total.disabled == (
        ResidentTag.select()
        .join(Resident)
        .where((ResidentTag.tag == "disabled") & (Resident.status == "current"))
        .count()
    )
    assert (
        figures.total.births
        == LifeEvent.select()
        .where((LifeEvent.kind == "birth") & (LifeEvent.event_date >= NOV.first))
        .count()
    )


def test_unrecorded_change_is_flagged_not_hidden(demo_small):
    person = Resident.select().where(Resident.status == "current").first()
    cid = person.household.compound_id
    # A death was recorded but the register still has the person as current.
    LifeEvent.create(
        resident=person,
        household=person.household,
        kind="death",
        event_date=dt.date(2026, 10, 12),
        username="clerk",
    )
    figures = stats.monthly(OCT)
    row = next(r for r in figures.rows if r.compound_id == cid)
    assert row.deaths == 1 and row.difference == 1 and not row.balanced
    assert not figures.total.balanced and not figures.balanced
    assert len(figures.warnings) == 1 and row.name in figures.warnings[0]
    # Voiding the mistaken event restores the balance.
    LifeEvent.update(voided=True).execute()
    assert stats.monthly(OCT).balanced


def test_category_tags_and_age_are_taken_at_the_months_end(demo_small):
    floating = Resident.select().where(Resident.category == "4").first()
    floating.category = "2"
    floating.save()
    LifeEvent.create(
        resident=floating,
        kind="category_change",
        event_date=dt.date(2026, 10, 5),
        from_value="4",
        to_value="2",
        username="clerk",
    )
    dibao = ResidentTag.select().where(ResidentTag.tag == "dibao").first()
    dibao.end_date = dt.date(2026, 10, 20)
    dibao.save()
    young = Resident.select().where(Resident.birth_date > dt.date(1966, 12, 31)).first()
    young.birth_date = dt.date(1966, 11, 15)  # turns 60 in November 2026
    young.save()
    sep, octo, nov = (stats.monthly(m, sections=False).total for m in (SEP, OCT, NOV))
    assert sep.floating == octo.floating + 1
    assert sep.dibao_people == octo.dibao_people + 1
    assert nov.aged_60_plus == octo.aged_60_plus + 1


def test_one_compound_scope(demo_small):
    record_month(OCT, seed=9)
    whole = stats.monthly(OCT)
    target = whole.rows[3]
    one = stats.monthly(OCT, target.compound_id)
    assert one.scope_name == target.name and len(one.rows) == 1
    assert one.total.closing == target.closing and one.total.opening == target.opening
    with pytest.raises(StatsError):
        stats.monthly(OCT, 99999)
    with pytest.raises(StatsError, match="没有名为"):
        stats.compound_by_name("不存在小区")
    assert stats.compound_by_name(target.name).id == target.compound_id


def provided_section(first, last, compound_id):
    return Section(
        "计生服务个案",
        ["项目", "件数"],
        [["本月新开", 4], ["逾期未办", 1]],
        note=f"{first:%m-%d}至{last:%m-%d}",
    )


def provided_figure(first, last, compound_id):
    ids = [h.compound_id for h in Household.select().limit(3)]
    return parts.FigureColumn("subsidy", "育儿补贴申请", {ids[0]: 2, ids[1]: 1})


def broken_section(first, last, compound_id):
    raise RuntimeError("表不存在")


def test_providers_plug_in_and_absent_ones_print_nothing(demo_small, monkeypatch):
    monkeypatch.setattr(areas, "AREAS", ())
    plain = stats.monthly(OCT)
    assert plain.sections == [] and plain.extra_columns == []
    monkeypatch.setattr(
        areas,
        "AREAS",
        (
            Area(
                "test",
                "测试",
                sections=(provided_section, broken_section),
                figures=(provided_figure,),
            ),
        ),
    )
    figures = stats.monthly(OCT)
    assert [s.title for s in figures.sections] == ["计生服务个案"]
    assert figures.extra_columns == [("subsidy", "育儿补贴申请")]
    assert figures.total.extra["subsidy"] == 3
    assert any("“测试”部分未能生成" in w and "表不存在" in w for w in figures.warnings)


def test_the_areas_figures_agree_with_their_own_tables(demo_small):
    import datetime as dt

    from models.casework.entities import (
        REWARD_ASSIST,
        SPECIAL_ASSIST,
        SUBSIDY,
        VALID_STATUSES,
        Case,
    )
    from models.casework.worklist import casework_monthly_section
    from models.events.entities import HELD, Event

    figures = stats.monthly(OCT)
    assert [s.title for s in figures.sections] == ["计生服务", "社区活动", "设施状况"]
    first, last = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    paid = Case.select().where(
        Case.case_type.in_((SPECIAL_ASSIST, REWARD_ASSIST))
        & Case.status.in_(VALID_STATUSES)
        & (Case.start_date <= last)
        & (Case.end_date.is_null() | (Case.end_date >= first))
    )
    # 特别扶助 and 奖励扶助 are two figures, each the one the 计生服务 section prints (the
    # table once printed their sum as 计生特扶 beside the section's two lines).
    section = casework_monthly_section(first, last)
    assert figures.total.special_assistance == section.special_recipients > 0
    assert figures.total.reward_assistance == section.reward_recipients
    assert figures.total.special_assistance == paid.where(Case.case_type == SPECIAL_ASSIST).count()
    assert figures.total.reward_assistance == paid.where(Case.case_type == REWARD_ASSIST).count()
    casework_lines = dict(next(s for s in figures.sections if s.title == "计生服务").rows)
    assert casework_lines["特别扶助对象（人）"] == str(figures.total.special_assistance)
    assert casework_lines["奖励扶助对象（人）"] == str(figures.total.reward_assistance)
    applications = (
        Case.select()
        .where(
            (Case.case_type == SUBSIDY)
            & (Case.applied_on >= first)
            & (Case.applied_on <= last)
            & Case.status.in_(VALID_STATUSES)
        )
        .count()
    )
    assert figures.total.extra["subsidy_applications"] == applications
    events = next(s for s in figures.sections if s.title == "社区活动")
    held = (
        Event.select()
        .where((Event.status == HELD) & (Event.event_date >= first) & (Event.event_date <= last))
        .count()
    )
    assert len(events.rows) == held
