"""Form dialogs ask before throwing away what the clerk typed (Esc, 取消, the close button).

A form dialog lists ``DiscardGuard`` before ``QDialog`` among its bases. When it first
shows, the guard notes the value of every editable field; ``reject()`` (which Esc, a Cancel
button and the window's close button all end in) compares them again and, if anything
changed, asks whether to discard it. Saving goes through ``accept()`` and is never asked.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QTextEdit,
    QWidget,
)

from ui.common.dialogs import run_modal


def ask_discard(parent: QWidget) -> bool:
    """True when the clerk chooses to discard the changes (tests replace this function)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        parent.tr("放弃修改"),
        parent.tr("表单中有尚未保存的内容。放弃这些内容并关闭吗？"),
        parent=parent,
    )
    discard = box.addButton(parent.tr("放弃并关闭(&D)"), QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(parent.tr("继续填写(&K)"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setObjectName("discard_question")
    run_modal(box)
    return box.clickedButton() is discard


def field_values(form: QWidget) -> list[object]:
    """What the clerk can change in *form*, in a stable order."""
    values: list[object] = []
    for widget in form.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            owner = widget.parentWidget()
            if isinstance(owner, (QComboBox, QAbstractSpinBox)):
                continue  # counted with its combo or spin box
            if not widget.isReadOnly():
                values.append(widget.text())
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            if not widget.isReadOnly():
                values.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            values.append((widget.currentIndex(), widget.currentText()))
        elif isinstance(widget, QAbstractSpinBox):
            values.append(widget.text())
        elif isinstance(widget, (QCheckBox, QRadioButton)) and isinstance(widget, QAbstractButton):
            values.append(widget.isChecked())
    return values


class DiscardGuard:
    """Mixin for QDialog subclasses that are forms; list it first among the bases."""

    _discard_snapshot: list[object] | None = None

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[misc]
        if self._discard_snapshot is None:
            self._discard_snapshot = field_values(self)  # type: ignore[arg-type]

    def has_unsaved_input(self) -> bool:
        if self._discard_snapshot is None:
            return False
        return field_values(self) != self._discard_snapshot  # type: ignore[arg-type]

    def reject(self) -> None:
        if self.has_unsaved_input() and not ask_discard(self):  # type: ignore[arg-type]
            return
        super().reject()  # type: ignore[misc]


_real_ask = ask_discard  # kept for the test that drives the real question box
