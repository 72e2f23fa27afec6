"""The 社区活动 tab. Its module is not built yet; the page says what will come."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from models.entities import User
from ui.placeholder import ComingPage


class EventsTab(QWidget):
    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        layout = QVBoxLayout(self)
        layout.addWidget(
            ComingPage(
                self.tr("社区活动"),
                [self.tr("本模块即将提供："), self.tr("活动方案（含露天电影等模板）与准备清单"), self.tr("宣传记录、签到与照片"), self.tr("活动简报打印")],
            )
        )

    def refresh(self) -> None:
        """Nothing to reload until the module is built."""
