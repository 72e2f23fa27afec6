"""Small helpers the events tab and its dialogs share: dates, messages, PDF output."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QWidget

from models.core import audit
from models.core.entities import User
from models.core.permissions import PermissionDenied
from models.events import service as events_service
from reports.layout.fonts import FontNotFound
from ui.common import pdf_output
from ui.common.dialogs import confirm, inform, warn

# Errors whose message is a sentence for the clerk; anything else is a bug and propagates.
USER_ERRORS = (events_service.EventError, PermissionDenied, FontNotFound, OSError, ValueError)


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def show_error(parent: QWidget, title: str, exc: Exception) -> None:
    warn(parent, title, str(exc) or exc.__class__.__name__)


def _safe_name(text: str) -> str:
    return pdf_output.safe_name(text, "活动")


def save_plan_pdf(parent: QWidget, user: User, event_id: int) -> Path | None:
    """Ask where, write the activity plan, say where it went (打开 / 打开文件夹)."""
    from reports.events_plan import build_plan

    info = events_service.get_event(event_id)
    name = pdf_output.file_name(info.plan.title, info.plan.event_date, extra="活动方案")
    path = pdf_output.ask_path(parent, "events-plan", parent.tr("保存活动方案"), name)
    if path is None:
        return None
    try:
        build_plan(event_id, path)
        events_service.audit_note(user, event_id, audit.Action.PRINT, f"打印活动方案：{path.name}")
    except USER_ERRORS as exc:
        show_error(parent, parent.tr("打印活动方案"), exc)
        return None
    pdf_output.show_saved(parent, "events-plan", path, parent.tr("活动方案"))
    return path


def save_brief_pdf(parent: QWidget, user: User, event_id: int) -> Path | None:
    """Give the brief its issue number (first time only), write it, say where it went."""
    from reports.events_brief import build_brief

    info = events_service.get_event(event_id)
    if info.status == "cancelled":
        inform(parent, parent.tr("活动简报"), parent.tr("该活动已取消，不编发简报。"))
        return None
    if info.brief_no is None and not confirm(
        parent,
        parent.tr("活动简报"),
        parent.tr("将为本活动编发新一期简报（期号按年度顺延，编定后不再改变）。继续吗？"),
    ):
        return None
    try:
        year, number, _day = events_service.assign_brief_issue(user, event_id)
    except USER_ERRORS as exc:
        show_error(parent, parent.tr("活动简报"), exc)
        return None
    name = f"{year}年第{number}期简报-{_safe_name(info.plan.title)}.pdf"
    path = pdf_output.ask_path(parent, "events-brief", parent.tr("保存活动简报"), name)
    if path is None:
        return None
    try:
        build_brief(event_id, path)
        events_service.audit_note(
            user, event_id, audit.Action.PRINT, f"打印简报第{number}期：{path.name}"
        )
    except USER_ERRORS as exc:
        show_error(parent, parent.tr("活动简报"), exc)
        return None
    pdf_output.show_saved(parent, "events-brief", path, parent.tr("活动简报"))
    return path
