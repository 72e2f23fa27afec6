"""The 计生服务 tab. Its module is not built yet; the page says what will come."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from models.entities import User
from ui.placeholder import ComingPage


class ServicesTab(QWidget):
    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        layout = QVBoxLayout(self)
        layout.addWidget(
            ComingPage(
                self.tr("计生服务"),
                [self.tr("本模块即将提供："), self.tr("生育登记、育儿补贴、特别扶助与奖励扶助、孕产期健康提醒"), self.tr("随访记录与逾期工作清单"), self.tr("生育登记表、补贴发放名单等打印")],
            )
        )

    def refresh(self) -> None:
        """Nothing to reload until the module is built."""
