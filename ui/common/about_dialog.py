"""帮助 → 关于: the version, the database file and the log file (with its folder one click away)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from models.core import logfile
from models.core.db import current_target, target_text
from models.core.version import __version__
from ui.common.error_report import open_folder


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("关于社区工作台"))
        self.setMinimumWidth(520)
        self.log_file = logfile.current_path() or logfile.log_path()
        self.text = QLabel(
            self.tr(
                "<h3>社区工作台 %1</h3>"
                "<p>居委会户籍人口、计生服务、社区活动与设施台账的离线工作程序。</p>"
                "<p>数据库文件：<br>%2</p>"
                "<p>日志文件（程序出错时的详细情况，供技术人员查看）：<br>%3</p>"
            )
            .replace("%1", html.escape(__version__))
            .replace("%2", html.escape(target_text(current_target())))
            .replace("%3", html.escape(str(self.log_file)))
        )
        self.text.setObjectName("about_text")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_log_button = QPushButton(self.tr("打开日志文件夹(&L)"))
        self.buttons.addButton(self.open_log_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_log_button.clicked.connect(self.open_log_folder)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)

    def open_log_folder(self) -> None:
        folder = self.log_file.parent
        folder.mkdir(parents=True, exist_ok=True)  # before the first message it may not exist
        open_folder(folder)
