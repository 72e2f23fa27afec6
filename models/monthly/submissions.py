"""Monthly reports as they were sent upward (报送), and what the next report owes them.

Domain §7: once sent, a month's report is a record. submit() stores every figure of the
report (models.monthly.stats.MonthlyFigures as JSON), the PDF itself, a serial number, who and when;
a month is sent once per scope (全社区 or one compound), and sending it again is a 补报/更正
with its own serial and a reason, the first one kept.

report_figures() is what every printout of a month shows:

- a month not sent is the register's figures now (models.monthly.stats.monthly); while the month is
  not over they are marked 截至 today, and a month not yet begun is refused;
- when the previous month was sent, the month opens with the closing figures that were sent.
  Whatever changed that figure since (an event dated in a sent month but entered after it was
  sent, an event voided, a register edit) is 上月数据更正: CompoundFigures.corrections per
  compound, itemised as CorrectionLine rows, so that opening + corrections + in − out =
  closing holds for every month.

"Entered after it was sent" is decided by the event's id against the newest event id when
the report was made (ReportSubmission.last_event_id): ids grow in the order events are
entered, and unlike created_at two rows never tie within the same second.

A compound's report opens with that compound's own sent report, or else with its row in the
sent 全社区 report; the 全社区 report opens with the sent 全社区 report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

import peewee as pw

from models.core import audit, clock
from models.core.db import database
from models.core.entities import Compound, Household, LifeEvent, ReportSubmission, Resident, User
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm, PermissionDenied, require
from models.core.service import service
from models.monthly.stats import (
    COUNTED_KINDS,
    CompoundFigures,
    CorrectionLine,
    Month,
    MonthlyFigures,
    Section,
    StatsError,
    SubmissionStamp,
    _as_date,
    monthly,
    rows_of,
)

SUBMIT_ROLES = ("supervisor", "admin")  # 主任 sends the report upward (and IT, who may all)
KIND_NAMES = {"submit": "报送", "correction": "补报/更正"}
_LABELS = {
    "birth": "补报出生",
    "death": "补报死亡",
    "move_in": "补报迁入",
    "move_out": "补报迁出",
    "household_change": "补报社区内迁移",
}
_LABELS["enrolled"] = "补报登记入册"
_EFFECT = {"birth": 1, "move_in": 1, "enrolled": 1, "death": -1, "move_out": -1}


class SubmissionError(UserFacingError, ValueError):
    """A submission that cannot be made; the message is for the user."""


# -- what a month prints ----------------------------------------------------------------------
def month_state(month: Month, today: dt.date | None = None) -> str:
    """ "past", "current" (not over yet) or "future"."""
    today = today or clock.today()
    if month.first > today:
        return "future"
    return "current" if month.last >= today else "past"


def check_printable(month: Month, today: dt.date | None = None) -> None:
    if month_state(month, today) == "future":
        raise StatsError(f"{month.label}尚未开始，不能生成该月报表。请选择本月或以前的月份。")


def report_figures(
    month: Month,
    compound_id: int | None = None,
    *,
    sections: bool = True,
    today: dt.date | None = None,
) -> MonthlyFigures:
    """The month's figures as a report prints them (not a sent report: see sent_figures)."""
    today = today or clock.today()
    check_printable(month, today)
    figures = monthly(month, compound_id, sections=sections)
    if month_state(month, today) == "current":
        figures.as_of = today
    previous = basis(Month.of(month.previous_end), compound_id)
    if previous is not None:
        _apply_corrections(figures, previous)
    return figures


def basis(month: Month, compound_id: int | None) -> ReportSubmission | None:
    """The sent report of month that the next month opens from, for this scope."""
    own = latest(month, compound_id)
    if own is not None or compound_id is None:
        return own
    return latest(month, None)


def latest(month: Month, compound_id: int | None) -> ReportSubmission | None:
    """The report in force for month and exactly this scope: the newest one sent."""
    scope = (
        ReportSubmission.compound.is_null()
        if compound_id is None
        else ReportSubmission.compound == compound_id
    )
    return (
        ReportSubmission.select()
        .where((ReportSubmission.month == str(month)) & scope)
        .order_by(ReportSubmission.id.desc())
        .first()
    )


def sent_figures(submission: ReportSubmission) -> MonthlyFigures:
    return figures_from_json(submission.figures)


def _apply_corrections(figures: MonthlyFigures, previous: ReportSubmission) -> None:
    sent = sent_figures(previous)
    sent_closing = {r.compound_id: r.closing for r in sent.rows}
    figures.opening_from = previous.serial
    for row in figures.rows:
        opening = sent_closing.get(row.compound_id, 0)
        row.corrections = row.opening - opening
        row.opening = opening
    total = CompoundFigures(None, figures.total.name)
    for row in figures.rows:
        total.add(row)
    figures.total = total
    figures.corrections = _correction_lines(figures, previous)


def _correction_lines(figures: MonthlyFigures, previous: ReportSubmission) -> list[CorrectionLine]:
    """The late events behind each row's correction; what they do not explain is 其他更正."""
    shown = {r.compound_id: r for r in figures.rows}
    end = Month.parse(previous.month).last
    query = (
        LifeEvent.select(
            LifeEvent.kind,
            LifeEvent.event_date,
            LifeEvent.household,
            LifeEvent.from_value,
            Resident.household,
        )
        .join(Resident, on=(LifeEvent.resident == Resident.id))
        .where(
            (LifeEvent.id > previous.last_event_id)
            & (LifeEvent.event_date <= end)
            & (LifeEvent.voided == False)  # noqa: E712
            & LifeEvent.kind.in_(COUNTED_KINDS)
        )
        .order_by(LifeEvent.event_date, LifeEvent.id)
    )
    compound_of = dict(rows_of(Household.select(Household.id, Household.compound)))
    by_no = dict(rows_of(Household.select(Household.household_no, Household.compound)))
    grouped: dict[tuple[int, str], list[tuple[int, dt.date]]] = defaultdict(list)
    for kind, day, event_household, from_value, resident_household in rows_of(query):
        cid = compound_of.get(event_household or resident_household)
        day = _as_date(day)
        if kind == "household_change":
            old = by_no.get((from_value or "").strip())
            if old is None or cid is None or old == cid:
                continue
            grouped[(old, kind)].append((-1, day))
            grouped[(cid, kind)].append((1, day))
        elif kind in _EFFECT and cid is not None:
            grouped[(cid, kind)].append((_EFFECT[kind], day))
    lines: list[CorrectionLine] = []
    explained: dict[int | None, int] = defaultdict(int)
    for (cid, kind), items in grouped.items():
        if cid not in shown:
            continue
        effect = sum(e for e, _ in items)
        explained[cid] += effect
        lines.append(
            CorrectionLine(
                shown[cid].name,
                _LABELS[kind],
                len(items),
                effect,
                _dates(sorted(d for _, d in items)),
            )
        )
    for cid, row in shown.items():
        rest = row.corrections - explained[cid]
        if rest:
            lines.append(CorrectionLine(row.name, "其他更正", 0, rest, "报送后修改或作废的登记"))
    order = {r.compound_id: i for i, r in enumerate(figures.rows)}
    name_order = {r.name: order[r.compound_id] for r in figures.rows}
    lines.sort(key=lambda line: (name_order.get(line.compound, 0), line.label == "其他更正"))
    return lines


def _dates(days: list[dt.date]) -> str:
    text = "、".join(f"{d.month}月{d.day}日" for d in days[:3])
    return text + (f"等{len(days)}次" if len(days) > 3 else "")


# -- sending ----------------------------------------------------------------------------------
def may_submit(actor: HasRole | None) -> bool:
    return actor is not None and actor.role in SUBMIT_ROLES


def _require_submit(actor: HasRole) -> None:
    require(actor, Perm.REPORTS_PRINT)
    if not may_submit(actor):
        raise PermissionDenied("只有主任可以报送月度报表。")


Render = Callable[[MonthlyFigures], bytes]


@service(Perm.REPORTS_PRINT)
def submit(
    actor: HasRole, month: Month, compound_id: int | None, render: Render, reason: str = ""
) -> ReportSubmission:
    """Send the month's report for this scope: freeze its figures and its PDF.

    render(figures) makes the PDF (figures.submission already says serial, who and when). A
    month already sent for this scope needs a reason: the new row is a 补报/更正.
    """
    _require_submit(actor)
    today = clock.today()
    state = month_state(month, today)
    if state != "past":
        raise SubmissionError(f"{month.label}尚未结束，月末以后才能报送。")
    if compound_id is not None and Compound.get_or_none(Compound.id == compound_id) is None:
        raise StatsError("所选小区不存在。")
    reason = reason.strip()
    first = latest(month, compound_id)
    if first is not None and not reason:
        raise SubmissionError(
            f"{month.label}{first.scope_name}的报表已于{_when(first.submitted_at)}报送"
            f"（编号{first.serial}）。如需补报或更正，请写明理由。"
        )
    last_event = LifeEvent.select(pw.fn.MAX(LifeEvent.id)).scalar() or 0
    figures = report_figures(month, compound_id, today=today)
    number = (
        ReportSubmission.select(pw.fn.MAX(ReportSubmission.number))
        .where(ReportSubmission.year == month.year)
        .scalar()
        or 0
    ) + 1
    serial = f"{month.year:04d}-{month.month:02d}-{number:03d}"
    at = clock.now()
    figures.submission = SubmissionStamp(
        serial=serial,
        username=actor.username,
        display_name=_display_name(actor.username),
        submitted_at=at.isoformat(sep=" "),
        kind="correction" if first is not None else "submit",
        corrects=first.serial if first is not None else "",
        reason=reason,
    )
    pdf = render(figures)
    row = ReportSubmission.create(
        serial=serial,
        year=month.year,
        number=number,
        month=str(month),
        compound=compound_id,
        scope_name=figures.scope_name,
        kind=figures.submission.kind,
        corrects=first,
        reason=reason,
        figures=figures_to_json(figures),
        closing=figures.total.closing,
        last_event_id=last_event,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        username=actor.username,
        submitted_at=at,
    )
    action = "更正报送" if first is not None else "报送"
    audit.record(
        actor.username,
        audit.Action.SUBMIT,
        "report_submission",
        row.id,
        after={
            "serial": serial,
            "month": str(month),
            "scope": figures.scope_name,
            "closing": row.closing,
            "pdf_sha256": row.pdf_sha256,
            "corrects": first.serial if first is not None else None,
        },
        note=f"{action}{month.label}{figures.scope_name}月度报表，编号{serial}"
        + (f"；理由：{reason}" if reason else ""),
    )
    return row


def _display_name(username: str) -> str:
    user = User.get_or_none(User.username == username)
    return user.display_name if user is not None else username


def _when(moment: Any) -> str:
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return f"{moment.year}年{moment.month}月{moment.day}日{moment:%H:%M}"


# -- the record of what was sent ----------------------------------------------------------------
@dataclass(frozen=True)
class SubmissionRow:
    id: int
    serial: str
    month: str  # "2026-11"
    month_label: str  # 2026年11月
    scope_name: str
    kind: str  # 报送 / 补报/更正
    username: str
    display_name: str
    submitted_at: dt.datetime
    reason: str
    corrects: str  # serial of the report a correction replaces
    closing: int
    in_force: bool  # the newest for its month and scope


@service(Perm.REPORTS_PRINT, write=False)
def history(actor: HasRole, month: Month | None = None) -> list[SubmissionRow]:
    """Every report sent, newest first."""
    query = ReportSubmission.select(
        ReportSubmission.id,
        ReportSubmission.serial,
        ReportSubmission.month,
        ReportSubmission.compound,
        ReportSubmission.scope_name,
        ReportSubmission.kind,
        ReportSubmission.username,
        ReportSubmission.submitted_at,
        ReportSubmission.reason,
        ReportSubmission.corrects,
        ReportSubmission.closing,
    ).order_by(ReportSubmission.id.desc())
    if month is not None:
        query = query.where(ReportSubmission.month == str(month))
    rows = list(query)
    names = {u.username: u.display_name for u in User.select(User.username, User.display_name)}
    serials = {
        r.id: r.serial
        for r in ReportSubmission.select(ReportSubmission.id, ReportSubmission.serial)
    }
    seen: set[tuple[str, int | None]] = set()
    result = []
    for r in rows:
        scope = (r.month, r.__data__.get("compound"))
        result.append(
            SubmissionRow(
                r.id,
                r.serial,
                r.month,
                Month.parse(r.month).label,
                r.scope_name,
                KIND_NAMES.get(r.kind, r.kind),
                r.username,
                names.get(r.username, r.username),
                r.submitted_at,
                r.reason,
                serials.get(r.__data__.get("corrects") or 0, ""),
                r.closing,
                scope not in seen,
            )
        )
        seen.add(scope)
    return result


@service(Perm.REPORTS_PRINT)
def reprint(actor: HasRole, submission_id: int) -> tuple[ReportSubmission, bytes]:
    """The PDF exactly as it was sent (checked against its hash); the reprint is logged."""
    row = ReportSubmission.get_or_none(ReportSubmission.id == submission_id)
    if row is None:
        raise SubmissionError("该报送记录不存在。")
    pdf = bytes(row.pdf)
    if hashlib.sha256(pdf).hexdigest() != row.pdf_sha256:
        raise SubmissionError(f"报送记录{row.serial}的PDF与报送时的校验值不符，文件可能已损坏。")
    audit.record(
        actor.username,
        audit.Action.REPRINT,
        "report_submission",
        row.id,
        note=f"重印已报送的{Month.parse(row.month).label}{row.scope_name}月度报表，"
        f"编号{row.serial}",
    )
    return row, pdf


def log_print(username: str, figures: MonthlyFigures, note: str = "") -> None:
    """A month's report printed (not sent): who, which month and scope, with its closing."""
    state = (
        f"未结束，截至{figures.as_of.year}年{figures.as_of.month}月{figures.as_of.day}日"
        if figures.as_of
        else ""
    )
    with database.atomic():
        audit.record(
            username,
            audit.Action.PRINT,
            "monthly_report",
            str(figures.month),
            after={
                "month": str(figures.month),
                "scope": figures.scope_name,
                "closing": figures.total.closing,
                "opening_from": figures.opening_from or None,
            },
            note=f"打印{figures.month.label}{figures.scope_name}月度报表"
            + (f"（{state}）" if state else "")
            + (f"；{note}" if note else ""),
        )


# -- the snapshot as JSON -------------------------------------------------------------------------
def figures_to_json(figures: MonthlyFigures) -> str:
    data = asdict(figures)
    data["month"] = str(figures.month)
    data["as_of"] = figures.as_of.isoformat() if figures.as_of else None
    data["format"] = 1
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def figures_from_json(text: str) -> MonthlyFigures:
    data = json.loads(text)

    def row(values: dict[str, Any]) -> CompoundFigures:
        known = {f.name for f in fields(CompoundFigures)}
        return CompoundFigures(**{k: v for k, v in values.items() if k in known})

    stamp = data.get("submission")
    return MonthlyFigures(
        month=Month.parse(data["month"]),
        compound_id=data["compound_id"],
        scope_name=data["scope_name"],
        rows=[row(r) for r in data["rows"]],
        total=row(data["total"]),
        extra_columns=[(k, label) for k, label in data.get("extra_columns", [])],
        sections=[Section(**s) for s in data.get("sections", [])],
        warnings=list(data.get("warnings", [])),
        corrections=[CorrectionLine(**c) for c in data.get("corrections", [])],
        opening_from=data.get("opening_from", ""),
        as_of=dt.date.fromisoformat(data["as_of"]) if data.get("as_of") else None,
        submission=SubmissionStamp(**stamp) if stamp else None,
    )
