"""Driving modal dialogs offscreen: exec() blocks the test, so a timer finds the dialog once it
is up and runs the test's actions on it (which may open further modal dialogs the same way).

A dialog the actions leave open is rejected (and reported), and a dialog that never comes up
is reported, so a broken flow fails the test instead of hanging it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
)


class ModalDriver:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.seen: list[str] = []

    def expect(self, cls: type[QDialog], act: Callable[[QDialog], object], tries: int = 250) -> None:
        """Run act(dialog) when a modal *cls* is the active modal widget (poll every 20 ms)."""
        name = cls.__name__

        def poll(left: int) -> None:
            widget = QApplication.activeModalWidget()
            if isinstance(widget, cls) and widget.isVisible():
                self.seen.append(name)
                try:
                    act(widget)
                except BaseException as exc:  # noqa: BLE001 - reported by check()
                    self.problems.append(f"{name}: {type(exc).__name__}: {exc}")
                if widget.isVisible():
                    error = widget.findChild(QLabel, "error")
                    text = error.text() if error is not None else ""
                    self.problems.append(f"{name} was left open (error label: {text!r})")
                    widget.reject()
            elif left:
                QTimer.singleShot(20, lambda: poll(left - 1))
            else:
                top = type(widget).__name__ if widget is not None else "none"
                self.problems.append(f"{name} never came up (active modal: {top})")
                if isinstance(widget, QDialog):
                    widget.reject()

        QTimer.singleShot(0, lambda: poll(tries))

    def check(self, *expected: str) -> None:
        assert not self.problems, self.problems
        for name in expected:
            assert name in self.seen, (name, self.seen)


def ok(dialog: QDialog) -> QPushButton:
    """The OK button of the dialog's own button box (登记, 确定…)."""
    box = getattr(dialog, "buttons", None)
    if not isinstance(box, QDialogButtonBox):
        box = dialog.findChild(QDialogButtonBox)
    return box.button(QDialogButtonBox.StandardButton.Ok)


def cancel(dialog: QDialog) -> QPushButton:
    box = getattr(dialog, "buttons", None)
    if not isinstance(box, QDialogButtonBox):
        box = dialog.findChild(QDialogButtonBox)
    return box.button(QDialogButtonBox.StandardButton.Cancel)


class Answers:
    """Stands in for QMessageBox.question: remembers each question and answers self.answer."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.answer = QMessageBox.StandardButton.Yes

    def __call__(self, _parent, _title, text, *args, **kwargs):
        self.asked.append(text)
        return self.answer
