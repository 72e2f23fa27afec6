"""The events calendar's header reads 2026年12月 and follows the arrows."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QToolButton

from ui.common.month_calendar import MonthCalendar


def test_header_in_chinese_order_follows_the_month(qtbot):
    calendar = MonthCalendar()
    qtbot.addWidget(calendar)
    calendar.setSelectedDate(QDate(2026, 12, 2))
    calendar.show()
    assert calendar.header.text() == "2026年12月" and calendar.header.isVisible()
    assert not calendar.findChild(QToolButton, "qt_calendar_monthbutton").isVisible()
    qtbot.mouseClick(
        calendar.findChild(QToolButton, "qt_calendar_nextmonth"), Qt.MouseButton.LeftButton
    )
    assert calendar.header.text() == "2027年1月"
    assert calendar.firstDayOfWeek() == Qt.DayOfWeek.Monday
