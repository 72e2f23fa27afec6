"""The one shape of a form dialog: fields, a red line where a refusal is explained, OK/取消.

A subclass adds its rows to ``self.form`` and implements ``save()``: check the input, call the
service, keep what it returns. ``save()`` refuses by raising a UserFacingError (``Invalid`` for
the dialog's own checks, naming the field to put the caret in; a service's own error as it
comes). The refusal is shown under the form and the dialog stays open with everything the
clerk typed; a ``save()`` that returns accepts the dialog (one that returns False keeps it open
without a word). Anything else that escapes is a programming error: it propagates to the
program's error report (ui.common.error_report), never shown as if it were advice.

Form dialogs that guard against losing typed text list ``DiscardGuard`` first:
``class NewUserDialog(DiscardGuard, FormDialog)``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserFacingError, message_for

ERROR_COLOUR = "#b00020"


class Invalid(UserFacingError):
    """The dialog's own check refused the input; *field* (if any) gets the caret."""

    def __init__(self, message: str, field: QWidget | None = None, select: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.select = select


def error_label() -> QLabel:
    """The red line under a dialog's form where a refusal is explained (objectName "error":
    tests/dialog_script.py reports its text when a dialog is left open)."""
    label = QLabel()
    label.setObjectName("error")
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setWordWrap(True)
    return label


class FormDialog(QDialog):
    """``self.form`` (a QFormLayout), ``self.error`` and ``self.buttons`` (OK/取消), laid out
    in that order; OK runs ``save()`` through ``_submit()``.

    *ok* is the accepting standard button (Ok, or Save); *arrange* False leaves the layout to
    the subclass (it places ``self.form``, ``self.error`` and ``self.buttons`` itself).
    ``errors`` lists the exception types shown in the error line besides UserFacingError
    (their ``str()`` is shown as it is).
    """

    errors: tuple[type[Exception], ...] = ()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        ok: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Ok,
        arrange: bool = True,
    ) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.error = error_label()
        self.buttons = QDialogButtonBox(ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.button(ok)
        self.cancel_button: QPushButton = self.buttons.button(
            QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.cancel)
        self._first_shown = False
        self.main_layout: QVBoxLayout | None = None
        if arrange:
            self.main_layout = QVBoxLayout(self)
            self.main_layout.addLayout(self.form)
            self.main_layout.addWidget(self.error)
            self.main_layout.addWidget(self.buttons)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt's name
        if visible and not self._first_shown:
            self._first_shown = True
            self._focus_first_field()
        super().setVisible(visible)

    def _focus_first_field(self) -> None:
        """The buttons were made before the subclass's fields, so the first Tab stop after the
        window itself, where Qt would put the caret, is OK (round the chain the Tab order is
        fields, OK, 取消 all the same). Start in the first field instead, unless the subclass
        has put the caret somewhere already."""
        if self.focusWidget() is not None:
            return
        widget = self.nextInFocusChain()
        for _ in range(10_000):
            if widget is None or widget is self:
                return
            if (
                widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and widget.isEnabled()
                and widget.isVisibleTo(self)
                and not self.buttons.isAncestorOf(widget)
            ):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()

    # -- what a subclass provides -----------------------------------------------------------
    def save(self) -> bool | None:
        """Check the input and store it; raise a UserFacingError (or Invalid) to refuse.
        Returning False keeps the dialog open without a word (the clerk answered 否 to a
        question the form asked)."""
        raise NotImplementedError

    def cancel(self) -> None:
        """取消: close without saving (Esc and the window's close button end in reject())."""
        self.reject()

    # -- the error line ---------------------------------------------------------------------
    def show_error(self, message: str, field: QWidget | None = None, select: bool = False) -> None:
        self.error.setText(message)
        self.error.show()
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)
            select_all = getattr(field, "selectAll", None)
            if select and callable(select_all):
                select_all()

    def clear_error(self) -> None:
        self.error.clear()

    def _submit(self) -> None:
        """OK: save, or say why not and stay open with what the clerk typed."""
        self.clear_error()
        try:
            if self.save() is False:
                return
        except Invalid as exc:
            self.show_error(message_for(exc), exc.field, exc.select)
            return
        except UserFacingError as exc:
            self.show_error(message_for(exc))
            return
        except self.errors as exc:
            self.show_error(str(exc) or message_for(exc))
            return
        self.accept()
