"""The 设施台账 tab. Its module is not built yet; the page says what will come."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from models.entities import User
from ui.placeholder import ComingPage


class FacilitiesTab(QWidget):
    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        layout = QVBoxLayout(self)
        layout.addWidget(
            ComingPage(
                self.tr("设施台账"),
                [self.tr("本模块即将提供："), self.tr("按“四室三站一场”标准登记用房与面积"), self.tr("设备清单、安全检查与隐患整改跟踪"), self.tr("达标情况报告打印")],
            )
        )

    def refresh(self) -> None:
        """Nothing to reload until the module is built."""
