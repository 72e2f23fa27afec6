"""The one seam for standard modal boxes and for running any dialog modally.

Every window asks its questions through these functions (never QMessageBox.question,
QFileDialog.get*, QInputDialog.get* or dialog.exec() directly), so that:

- each call site reads as what it asks (confirm(...) -> bool, save_file(...) -> Path | None);
- tests answer them through one fixture (tests/dialog_script.py): while a script is installed
  (``install_script``), every function hands its question to the script instead of opening a
  box, and run_modal() hands it the dialog, so no test can block on a modal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

Yes = QMessageBox.StandardButton.Yes
No = QMessageBox.StandardButton.No

Kind = Literal[
    "confirm",
    "save_discard",
    "inform",
    "warn",
    "error",
    "open_file",
    "open_files",
    "save_file",
    "choose_dir",
    "ask_text",
    "ask_item",
    "ask_number",
]


class Script(Protocol):
    """What answers the boxes instead of the user (tests only)."""

    def ask(
        self, kind: Kind, parent: QWidget | None, title: str, text: str, details: dict[str, object]
    ) -> object: ...

    def run(self, dialog: QDialog) -> int: ...


_script: Script | None = None


def install_script(script: Script | None) -> Script | None:
    """Answer every modal through *script* (None: real boxes again); returns the previous one."""
    global _script
    previous, _script = _script, script
    return previous


def _ask(kind: Kind, parent: QWidget | None, title: str, text: str, /, **details: object) -> object:
    assert _script is not None
    return _script.ask(kind, parent, title, text, details)


# --- message boxes --------------------------------------------------------------------------


def confirm(parent: QWidget | None, title: str, text: str, *, default_no: bool = True) -> bool:
    """A 是/否 question; True for 是. *default_no*: 否 is the default button (Enter says no)."""
    if _script is not None:
        return bool(_ask("confirm", parent, title, text, default_no=default_no))
    if default_no:
        answer = QMessageBox.question(parent, title, text, Yes | No, No)
    else:
        answer = QMessageBox.question(parent, title, text)
    return answer == Yes


def save_discard(
    parent: QWidget | None, title: str, text: str
) -> Literal["save", "discard"] | None:
    """保存 / 放弃 / 取消 (保存 the default): "save", "discard", or None for 取消."""
    if _script is not None:
        answer = _ask("save_discard", parent, title, text)
        assert answer in ("save", "discard", None), answer
        return answer  # type: ignore[return-value]
    buttons = QMessageBox.StandardButton
    reply = QMessageBox.question(
        parent, title, text, buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save
    )
    if reply == buttons.Save:
        return "save"
    return "discard" if reply == buttons.Discard else None


def inform(parent: QWidget | None, title: str, text: str) -> None:
    if _script is not None:
        _ask("inform", parent, title, text)
        return
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    if _script is not None:
        _ask("warn", parent, title, text)
        return
    QMessageBox.warning(parent, title, text)


def error(parent: QWidget | None, title: str, text: str) -> None:
    if _script is not None:
        _ask("error", parent, title, text)
        return
    QMessageBox.critical(parent, title, text)


# --- files ----------------------------------------------------------------------------------


def _path(value: object) -> Path | None:
    return Path(str(value)) if value else None


def open_file(
    parent: QWidget | None, title: str, directory: str = "", file_filter: str = ""
) -> Path | None:
    """One existing file, or None if the user cancelled."""
    if _script is not None:
        return _path(_ask("open_file", parent, title, "", directory=directory, filter=file_filter))
    chosen, _ = QFileDialog.getOpenFileName(parent, title, directory, file_filter)
    return Path(chosen) if chosen else None


def open_files(
    parent: QWidget | None, title: str, directory: str = "", file_filter: str = ""
) -> list[Path]:
    """Several existing files ([] if the user cancelled)."""
    if _script is not None:
        answer = _ask("open_files", parent, title, "", directory=directory, filter=file_filter)
        return [Path(str(p)) for p in answer or []]  # type: ignore[attr-defined]
    chosen, _ = QFileDialog.getOpenFileNames(parent, title, directory, file_filter)
    return [Path(p) for p in chosen]


def save_file(
    parent: QWidget | None, title: str, path: str = "", file_filter: str = ""
) -> Path | None:
    """Where to write a file (starting at *path*), or None if the user cancelled."""
    if _script is not None:
        return _path(_ask("save_file", parent, title, "", path=path, filter=file_filter))
    chosen, _ = QFileDialog.getSaveFileName(parent, title, path, file_filter)
    return Path(chosen) if chosen else None


def choose_dir(parent: QWidget | None, title: str, directory: str = "") -> Path | None:
    if _script is not None:
        return _path(_ask("choose_dir", parent, title, "", directory=directory))
    chosen = QFileDialog.getExistingDirectory(parent, title, directory)
    return Path(chosen) if chosen else None


# --- input ----------------------------------------------------------------------------------


def ask_text(
    parent: QWidget | None, title: str, label: str, text: str = "", *, password: bool = False
) -> str | None:
    """A line of text (possibly empty), or None if the user cancelled."""
    if _script is not None:
        answer = _ask("ask_text", parent, title, label, text=text, password=password)
        return None if answer is None else str(answer)
    echo = QLineEdit.EchoMode.Password if password else QLineEdit.EchoMode.Normal
    value, ok = QInputDialog.getText(parent, title, label, echo, text)
    return value if ok else None


def ask_item(
    parent: QWidget | None, title: str, label: str, items: list[str], current: int = 0
) -> str | None:
    """One of *items* (not editable), or None if the user cancelled."""
    if _script is not None:
        answer = _ask("ask_item", parent, title, label, items=list(items), current=current)
        assert answer is None or answer in items, (answer, items)
        return None if answer is None else str(answer)
    value, ok = QInputDialog.getItem(parent, title, label, items, current, False)
    return value if ok else None


def ask_number(
    parent: QWidget | None,
    title: str,
    label: str,
    value: float,
    minimum: float,
    maximum: float,
    decimals: int,
) -> float | None:
    """A decimal number in [minimum, maximum], or None if the user cancelled."""
    if _script is not None:
        answer = _ask(
            "ask_number",
            parent,
            title,
            label,
            value=value,
            minimum=minimum,
            maximum=maximum,
            decimals=decimals,
        )
        return None if answer is None else float(answer)  # type: ignore[arg-type]
    number, ok = QInputDialog.getDouble(parent, title, label, value, minimum, maximum, decimals)
    return number if ok else None


# --- any dialog -----------------------------------------------------------------------------


def run_modal(dialog: QDialog) -> int:
    """exec() *dialog*, then free it: a dialog parented to the main window or a tab would
    otherwise stay in memory, with all it loaded, until that window closes."""
    try:
        if _script is not None:
            return _script.run(dialog)
        return dialog.exec()
    finally:
        dialog.deleteLater()
