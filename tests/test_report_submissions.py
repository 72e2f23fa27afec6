"""Monthly reports once sent (报送) are records: frozen figures and PDF, 补报 in the next month.

Issue 13's "done when", as a new user would do it: submit November, enter a death dated in
November, reprint November (identical figures) and print December (opens with November's
sent closing figure, one 补报 line). And the balance across late events, month by month.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pdf_tools
import pytest
from reports_support import record_month

from models.core import clock
from models.core.entities import AuditLog, LifeEvent, ReportSubmission, Resident
from models.core.permissions import PermissionDenied
from models.monthly import stats
from models.monthly import submissions as report_submissions
from models.monthly.stats import Month, StatsError
from models.monthly.submissions import SubmissionError
from models.registry import life_events
from models.registry.residents import HEAD, ResidentData
from reports.monthly import (
    build_monthly_report,
    print_monthly_report,
    reprint_submission,
    submit_monthly_report,
)

SEP, OCT, NOV, DEC = Month(2026, 9), Month(2026, 10), Month(2026, 11), Month(2026, 12)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 12) -> None:
    clock.freeze(dt.datetime(2026, month, day, hour, minute))


def flat(path) -> str:
    return pdf_tools.text(path, layout=False).replace("\n", "")


def _oldest_current() -> Resident:
    """The oldest resident who is not a household head (a head leaving needs a successor)."""
    return (
        Resident.select()
        .where(
            (Resident.status == "current")
            & (Resident.relation != HEAD)
            & Resident.household.is_null(False)
        )
        .order_by(Resident.birth_date, Resident.id)
        .first()
    )


def test_submit_november_late_death_reprint_and_december(demo_small, supervisor, tmp_path):
    at(2, 9, 0)
    sent = submit_monthly_report(supervisor, NOV, None, path=tmp_path / "sent.pdf")
    row = sent.submission
    assert row is not None and row.serial == "2026-11-001" and row.kind == "submit"
    assert row.username == "zhuren" and row.submitted_at == dt.datetime(2026, 12, 2, 9, 0)
    assert (tmp_path / "sent.pdf").read_bytes() == bytes(row.pdf)
    november = sent.figures
    assert november.balanced and november.as_of is None
    sent_closing = {r.compound_id: r.closing for r in november.rows}
    assert "2026-11-001" in flat(tmp_path / "sent.pdf") and "张建国" in flat(tmp_path / "sent.pdf")

    # 12-02 09:30: a death dated 11-15 is entered.
    at(2, 9, 30)
    person = _oldest_current()
    where = person.household.compound_id
    life_events.record_death(supervisor, person.id, dt.date(2026, 11, 15), reason="家属告知")
    # The register's own November has changed…
    assert stats.monthly(NOV, sections=False).total.closing == november.total.closing - 1

    # …the sent November has not: reprinted, it is the same file and the same figures.
    again = print_monthly_report(tmp_path / "again.pdf", NOV, None, "zhuren")
    assert again.submission is not None and again.submission.id == row.id
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "sent.pdf").read_bytes()
    assert again.figures == november
    assert build_monthly_report(tmp_path / "cli.pdf", NOV).read_bytes() == bytes(row.pdf)

    # December opens with what was sent, and shows the death as the one 补报 line.
    december = print_monthly_report(tmp_path / "dec.pdf", DEC, None, "zhuren").figures
    assert december.opening_from == "2026-11-001"
    assert {r.compound_id: r.opening for r in december.rows} == sent_closing
    assert december.total.opening == november.total.closing
    assert december.total.corrections == -1
    assert [(c.label, c.people, c.effect, c.note) for c in december.corrections] == [
        ("补报死亡", 1, -1, "11月15日")
    ]
    assert december.corrections[0].compound == next(
        r.name for r in december.rows if r.compound_id == where
    )
    assert december.balanced and december.warnings == []
    assert december.total.closing == stats.monthly(DEC, sections=False).total.closing
    text = flat(tmp_path / "dec.pdf")
    assert text.count("补报死亡") == 1 and "上月数据更正" in text and "2026-11-001" in text
    # December is not over on 12-02: the page says so, with the day.
    assert "未结束" in text and "截至2026年12月2日" in text


def test_the_balance_holds_every_month_across_late_events(demo_small, supervisor):
    at(5, month=9)
    record_month(SEP, seed=1)
    at(2, month=10)
    first = submit_monthly_report(supervisor, SEP, None).submission
    record_month(OCT, seed=2)
    # Late, after September was sent: a birth and a move out dated in September.
    household = Resident.select().where(Resident.status == "current").first().household
    life_events.record_birth(
        supervisor,
        household.id,
        ResidentData(name="补登婴儿", sex="2", birth_date=dt.date(2026, 9, 20), relation="20"),
    )
    leaving = _oldest_current()
    life_events.record_move_out(
        supervisor, leaving.id, dt.date(2026, 9, 25), "陕西省外", reason="迁往外省"
    )
    at(3, month=11)
    second = submit_monthly_report(supervisor, OCT, None).submission
    record_month(NOV, seed=3)
    at(2)
    third = submit_monthly_report(supervisor, NOV, None).submission
    # A late one dated in October, two months back, entered after November was sent.
    life_events.record_death(supervisor, _oldest_current().id, dt.date(2026, 10, 9))
    sent = [report_submissions.sent_figures(s) for s in (first, second, third)]
    for previous, this in zip(sent, sent[1:], strict=False):
        assert this.total.opening == previous.total.closing
        assert {r.compound_id: r.opening for r in this.rows} == {
            r.compound_id: r.closing for r in previous.rows
        }
    for figures in [*sent, report_submissions.report_figures(DEC)]:
        assert figures.balanced, figures.month
        for row in [*figures.rows, figures.total]:
            assert row.closing == (
                row.opening
                + row.corrections
                + row.births
                - row.deaths
                + row.moved_in
                - row.moved_out
                + row.transfers_in
                - row.transfers_out
            )
    october = sent[1]
    assert october.total.corrections == 0  # a birth and a move out cancel in the total…
    assert sorted(c.label for c in october.corrections) == ["补报出生", "补报迁出"]
    assert sum(c.effect for c in october.corrections) == 0
    december = report_submissions.report_figures(DEC)
    assert [(c.label, c.effect) for c in december.corrections] == [("补报死亡", -1)]
    assert december.total.opening == sent[2].total.closing


def test_a_month_is_sent_once_and_then_corrected_with_a_reason(demo_small, supervisor):
    at(2)
    first = submit_monthly_report(supervisor, NOV, None).submission
    with pytest.raises(SubmissionError, match="已于2026年12月2日09:00报送（编号2026-11-001）"):
        submit_monthly_report(supervisor, NOV, None)
    at(2, 10)
    life_events.record_death(supervisor, _oldest_current().id, dt.date(2026, 11, 20))
    compound = submit_monthly_report(
        supervisor, NOV, Resident.select().first().household.compound_id
    ).submission
    at(2, 11)
    fixed = submit_monthly_report(supervisor, NOV, None, "补登11月20日死亡一人").submission
    assert [s.serial for s in ReportSubmission.select().order_by(ReportSubmission.id)] == [
        "2026-11-001",
        "2026-11-002",
        "2026-11-003",
    ]
    assert compound.kind == "submit" and compound.compound_id is not None
    assert fixed.kind == "correction" and fixed.corrects_id == first.id
    assert fixed.reason == "补登11月20日死亡一人"
    assert fixed.closing == first.closing - 1
    # The first is kept as it was; the correction is the one in force.
    kept = ReportSubmission.get_by_id(first.id)
    assert bytes(kept.pdf) == bytes(first.pdf) and kept.figures == first.figures
    assert report_submissions.latest(NOV, None).id == fixed.id
    assert "补报/更正" in flat_bytes(fixed.pdf) and "2026-11-001" in flat_bytes(fixed.pdf)
    december = report_submissions.report_figures(DEC)
    assert december.opening_from == "2026-11-003" and december.corrections == []
    rows = report_submissions.history(supervisor)
    assert [(r.serial, r.kind, r.in_force) for r in rows] == [
        ("2026-11-003", "补报/更正", True),
        ("2026-11-002", "报送", True),
        ("2026-11-001", "报送", False),
    ]
    assert rows[0].corrects == "2026-11-001" and rows[0].display_name == "张建国"


def flat_bytes(pdf: bytes) -> str:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.pdf"
        path.write_bytes(pdf)
        return flat(path)


def test_a_compound_opens_with_its_row_of_the_sent_total(demo_small, supervisor):
    at(2)
    sent = submit_monthly_report(supervisor, NOV, None).figures
    person = _oldest_current()
    cid = person.household.compound_id
    life_events.record_death(supervisor, person.id, dt.date(2026, 11, 3))
    one = report_submissions.report_figures(DEC, cid)
    row = next(r for r in sent.rows if r.compound_id == cid)
    assert one.total.opening == row.closing and one.total.corrections == -1
    assert one.opening_from == "2026-11-001" and one.balanced
    other = next(r for r in sent.rows if r.compound_id != cid)
    elsewhere = report_submissions.report_figures(DEC, other.compound_id)
    assert elsewhere.corrections == [] and elsewhere.total.opening == other.closing


def test_unfinished_future_and_unauthorised(demo_small, supervisor, clerk, tmp_path):
    # 11-27: November is not over.
    with pytest.raises(SubmissionError, match="尚未结束"):
        submit_monthly_report(supervisor, NOV, None)
    november = print_monthly_report(tmp_path / "nov.pdf", NOV, None, "zhuren").figures
    assert november.as_of == dt.date(2026, 11, 27)
    text = flat(tmp_path / "nov.pdf")
    assert "未结束" in text and "截至2026年11月27日" in text
    october = print_monthly_report(tmp_path / "oct.pdf", OCT, None, "zhuren").figures
    assert october.as_of is None and "未结束" not in flat(tmp_path / "oct.pdf")
    with pytest.raises(StatsError, match="2026年12月尚未开始"):
        print_monthly_report(tmp_path / "dec.pdf", DEC, None, "zhuren")
    assert not (tmp_path / "dec.pdf").exists()
    with pytest.raises(PermissionDenied, match="主任"):
        submit_monthly_report(clerk, OCT, None)
    assert ReportSubmission.select().count() == 0


def test_every_print_submission_and_reprint_is_logged(demo_small, supervisor, tmp_path):
    at(2)
    print_monthly_report(tmp_path / "a.pdf", NOV, None, "zhuren")
    sent = submit_monthly_report(supervisor, NOV, None).submission
    reprint_submission(supervisor, sent.id, tmp_path / "b.pdf")
    print_monthly_report(tmp_path / "c.pdf", NOV, None, "zhuren")  # a sent month: a reprint
    print_monthly_report(tmp_path / "d.pdf", DEC, None, "zhuren")
    log = [
        (a.username, a.action, a.note)
        for a in AuditLog.select()
        .where(AuditLog.table_name.in_(("monthly_report", "report_submission")))
        .order_by(AuditLog.id)
    ]
    assert [(u, a) for u, a, _ in log] == [
        ("zhuren", "print"),
        ("zhuren", "submit"),
        ("zhuren", "reprint"),
        ("zhuren", "reprint"),
        ("zhuren", "print"),
    ]
    assert "2026-11-001" in log[1][2] and "2026-11-001" in log[2][2]
    assert "截至2026年12月2日" in log[4][2]
    after = json.loads(AuditLog.get(AuditLog.action == "submit").after)
    assert after["closing"] == sent.closing and after["pdf_sha256"] == sent.pdf_sha256


def test_the_snapshot_keeps_every_figure_and_section(demo_small, supervisor):
    at(2)
    row = submit_monthly_report(supervisor, NOV, None).submission
    frozen = report_submissions.sent_figures(row)
    live = stats.monthly(NOV)
    assert frozen.rows == live.rows and frozen.total == live.total
    assert [dataclasses.astuple(s) for s in frozen.sections] == [
        dataclasses.astuple(s) for s in live.sections
    ]
    assert frozen.extra_columns == live.extra_columns
    assert frozen.submission is not None and frozen.submission.serial == row.serial
    # The stored row does not change when the register does.
    LifeEvent.update(voided=True).where(LifeEvent.event_date >= NOV.first).execute()
    assert report_submissions.sent_figures(ReportSubmission.get_by_id(row.id)) == frozen
    # A damaged file is refused rather than reprinted as if it were the one sent.
    ReportSubmission.update(pdf=b"%PDF-1.4 not it").where(ReportSubmission.id == row.id).execute()
    with pytest.raises(SubmissionError, match="校验值不符"):
        report_submissions.reprint(supervisor, row.id)
