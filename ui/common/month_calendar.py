"""A month calendar whose header reads 2026年12月 (Qt's own reads "十二月 2026")."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QCalendarWidget, QLabel, QToolButton, QWidget


class MonthCalendar(QCalendarWidget):
    """QCalendarWidget with the month and year shown in Chinese order in its navigation bar.

    Qt offers no setting for the order, so the month and year buttons are hidden and a label
    takes their place; the arrows (and PageUp/PageDown) still change the month.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.header = QLabel()
        self.header.setObjectName("calendar_header")
        self.header.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar = self.findChild(QWidget, "qt_calendar_navigationbar")
        month = self.findChild(QToolButton, "qt_calendar_monthbutton")
        year = self.findChild(QToolButton, "qt_calendar_yearbutton")
        layout = bar.layout() if bar is not None else None
        # Qt builds the navigation bar with a QHBoxLayout.
        if isinstance(layout, QBoxLayout) and month is not None and year is not None:
            index = layout.indexOf(month)
            month.hide()
            year.hide()
            self.header.setStyleSheet("font-weight: bold; color: white; padding: 0 8px;")
            layout.insertWidget(index, self.header)
        self.currentPageChanged.connect(lambda _y, _m: self._show_header())
        self._show_header()

    def _show_header(self) -> None:
        self.header.setText(
            self.tr("%1年%2月")
            .replace("%1", str(self.yearShown()))
            .replace("%2", str(self.monthShown()))
        )
