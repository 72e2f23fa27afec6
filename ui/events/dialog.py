"""The event window: plan, staff and budget, preparation, sign-in, photos, outcome.

Lists that are records of their own (checklist ticks, publicity, sign-ins, photos) are saved
as they change; the plan, the grids and the outcome are saved together with 保存 (Ctrl+S).
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
)

from models.core.entities import User
from models.events import prep as events_prep
from models.events import service as events_service
from models.events.entities import CANCELLED
from ui.common.dialogs import save_discard
from ui.events.budget_page import BudgetPage
from ui.events.common import USER_ERRORS, save_brief_pdf, save_plan_pdf, show_error
from ui.events.outcome_page import OutcomePage
from ui.events.photos_page import PhotosPage
from ui.events.plan_page import PlanPage
from ui.events.prep_page import PrepPage
from ui.events.signin_page import SignInPage


class EventDialog(QDialog):
    def __init__(self, user: User, event_id: int, parent=None, page: int = 0) -> None:
        super().__init__(parent)
        self.user = user
        self.event_id = event_id
        self.dirty = False
        self.resize(980, 680)
        self.banner = QLabel()
        self.banner.setObjectName("event_banner")
        self.banner.setWordWrap(True)
        self.plan_page = PlanPage()
        self.budget_page = BudgetPage()
        self.prep_page = PrepPage(user, event_id)
        self.signin_page = SignInPage(user, event_id)
        self.photos_page = PhotosPage(user, event_id)
        self.outcome_page = OutcomePage(event_id)
        self.pages = QTabWidget()
        self.pages.setObjectName("event_pages")
        for widget, label in [
            (self.plan_page, self.tr("活动方案")),
            (self.budget_page, self.tr("人员与物资")),
            (self.prep_page, self.tr("准备清单与宣传")),
            (self.signin_page, self.tr("签到名单")),
            (self.photos_page, self.tr("照片")),
            (self.outcome_page, self.tr("举办与总结")),
        ]:
            self.pages.addTab(widget, label)
        self.save_button = QPushButton(self.tr("保存(&S)"))
        self.save_button.setObjectName("save_event")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.clicked.connect(self.save)
        plan_pdf = QPushButton(self.tr("活动方案 PDF"))
        plan_pdf.clicked.connect(lambda: self._print(save_plan_pdf))
        brief_pdf = QPushButton(self.tr("简报 PDF"))
        brief_pdf.setObjectName("brief_pdf")
        brief_pdf.clicked.connect(lambda: self._print(save_brief_pdf))
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        bar = QHBoxLayout()
        bar.addWidget(plan_pdf)
        bar.addWidget(brief_pdf)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages)
        layout.addLayout(bar)
        for editable in (self.plan_page, self.budget_page, self.outcome_page):
            editable.changed.connect(self._mark_dirty)
        self.load()
        self.pages.setCurrentIndex(page)

    def load(self) -> None:
        info = events_service.get_event(self.event_id)
        self.info = info
        self.plan_page.set_plan(info.plan)
        self.budget_page.set_lines(
            events_prep.staff(self.event_id), events_prep.budget(self.event_id)
        )
        self.outcome_page.set_info(info)
        self.prep_page.refresh()
        self.signin_page.refresh()
        self.photos_page.refresh()
        cancelled = info.status == CANCELLED
        for page in (self.plan_page, self.budget_page, self.outcome_page):
            page.setEnabled(not cancelled)
        for read_only_page in (self.prep_page, self.signin_page, self.photos_page):
            read_only_page.set_read_only(cancelled)
        self.save_button.setEnabled(not cancelled)
        self.banner.setText(self._banner_text(info))
        self.banner.setStyleSheet(
            "color: #b00020; font-weight: bold;" if cancelled else "font-weight: bold;"
        )
        self.setWindowTitle(f"{info.plan.title} — {info.status_name}")
        self.dirty = False

    def _banner_text(self, info: events_service.EventInfo) -> str:
        where = info.compound_name or self.tr("全社区")
        text = (
            f"{info.plan.event_date:%Y-%m-%d} {info.time_text}  {where}  {info.type_name}  "
            f"【{info.status_name}】"
        )
        if info.status == CANCELLED:
            text += self.tr("  取消原因：%1").replace("%1", info.cancel_reason)
        return text

    def _mark_dirty(self) -> None:
        self.dirty = True

    def save(self) -> bool:
        """Save the plan, the grids and the outcome in one transaction; False on bad input."""
        try:
            staff = self.budget_page.staff_lines()
            budget = self.budget_page.budget_lines()
            page = self.outcome_page
            outcome = events_prep.OutcomeInput(
                held=page.held.isChecked(),
                head_count=page.head_count_value(),
                summary=page.summary.toPlainText(),
                brief_to=page.brief_to.text(),
                brief_cc=page.brief_cc.text(),
                copies=page.copies.value(),
            )
            events_prep.save_event(
                self.user, self.event_id, self.plan_page.plan(), staff, budget, outcome
            )
        except USER_ERRORS as exc:
            show_error(self, self.tr("保存活动"), exc)
            return False
        self.load()
        return True

    def _print(self, func) -> None:
        if self.dirty and not self.save():
            return
        func(self, self.user, self.event_id)
        self.load()

    def _confirm_close(self) -> bool:
        if not self.dirty:
            return True
        answer = save_discard(self, self.tr("保存活动"), self.tr("活动内容已修改，要保存吗？"))
        if answer == "save":
            return self.save()
        return answer == "discard"

    def reject(self) -> None:  # 关闭, Esc and the title bar's close button all come here
        if self._confirm_close():
            super().reject()
