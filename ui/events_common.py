"""Small helpers the events tab and its dialogs share: dates, messages, PDF output."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from models import events_service
from models.entities import User
from models.permissions import PermissionDenied
from reports.fonts import FontNotFound

# Errors whose message is a sentence for the clerk; anything else is a bug and propagates.
USER_ERRORS = (events_service.EventError, PermissionDenied, FontNotFound, OSError, ValueError)


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def show_error(parent: QWidget, title: str, exc: Exception) -> None:
    QMessageBox.warning(parent, title, str(exc) or exc.__class__.__name__)


def confirm(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def _safe_name(text: str) -> str:
    return "".join(c for c in text if c not in '\\/:*?"<>|“”').strip()[:40] or "活动"


def _ask_path(parent: QWidget, title: str, name: str) -> Path | None:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path(folder or Path.home()) / name),
                                          parent.tr("PDF 文件 (*.pdf)"))
    if not path:
        return None
    return Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")


def save_plan_pdf(parent: QWidget, user: User, event_id: int) -> Path | None:
    """Ask where, write the activity plan, open it in the PDF viewer."""
    from reports.events_plan import build_plan

    info = events_service.get_event(event_id)
    path = _ask_path(parent, parent.tr("保存活动方案"), f"{_safe_name(info.plan.title)}-活动方案.pdf")
    if path is None:
        return None
    try:
        build_plan(event_id, path)
        events_service.audit_note(user, event_id, "print", f"打印活动方案：{path.name}")
    except USER_ERRORS as exc:
        show_error(parent, parent.tr("打印活动方案"), exc)
        return None
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path


def save_brief_pdf(parent: QWidget, user: User, event_id: int) -> Path | None:
    """Give the brief its issue number (first time only), write it, open it."""
    from reports.events_brief import build_brief

    info = events_service.get_event(event_id)
    if info.status == "cancelled":
        QMessageBox.information(parent, parent.tr("活动简报"), parent.tr("该活动已取消，不编发简报。"))
        return None
    if info.brief_no is None and not confirm(
            parent, parent.tr("活动简报"),
            parent.tr("将为本活动编发新一期简报（期号按年度顺延，编定后不再改变）。继续吗？")):
        return None
    try:
        year, number, _day = events_service.assign_brief_issue(user, event_id)
    except USER_ERRORS as exc:
        show_error(parent, parent.tr("活动简报"), exc)
        return None
    name = f"{year}年第{number}期简报-{_safe_name(info.plan.title)}.pdf"
    path = _ask_path(parent, parent.tr("保存活动简报"), name)
    if path is None:
        return None
    try:
        build_brief(event_id, path)
        events_service.audit_note(user, event_id, "print", f"打印简报第{number}期：{path.name}")
    except USER_ERRORS as exc:
        show_error(parent, parent.tr("活动简报"), exc)
        return None
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path
