"""Running a modal dialog without keeping it alive afterwards."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog


def run_modal(dialog: QDialog) -> int:
    """exec() *dialog*, then free it: a dialog parented to the main window or a tab would
    otherwise stay in memory, with all it loaded, until that window closes."""
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()
