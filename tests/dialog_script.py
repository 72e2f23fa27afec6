"""Answering modal dialogs in tests: one script per test, installed in ui.common.dialogs.

Every standard box (confirm, warn, save_file, ask_text, ...) and every dialog run through
run_modal() reaches the script instead of blocking the test:

    dialogs.answer("confirm", True, False)        # the next two questions: 是, then 否
    dialogs.answer("save_file", tmp_path / "x.pdf")
    dialogs.answer("ask_text", None)              # None: the user pressed 取消
    dialogs.always("confirm", lambda asked: "另存为" not in asked.text)
    dialogs.allow("inform", "warn")               # message boxes may come up (and are recorded)
    dialogs.on(ReturnDialog, act)                 # run_modal(a ReturnDialog): show it, act(it)

A value that is callable is called with the Asked record and its result is the answer.
Everything shown is recorded in ``dialogs.shown`` as (kind, title, text); a dialog run through
run_modal is recorded as (its class name, its window title, its text if a QMessageBox).

A modal the test did not script fails the test (UnscriptedModal, and again at teardown in
case a Qt slot swallowed it), and so do answers and handlers the test scripted but that were
never used: a converted test still fails when the question it expects is not asked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QPushButton, QWidget

from ui.common import dialogs as seam

MESSAGES = ("inform", "warn", "error")


class UnscriptedModal(AssertionError):
    pass


@dataclass
class Asked:
    kind: str
    title: str
    text: str
    details: dict[str, object] = field(default_factory=dict)
    parent: QWidget | None = None


@dataclass
class _Handler:
    cls: type[QDialog]
    act: Callable[[QDialog], object]
    always: bool


class DialogScript:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.asked: list[Asked] = []
        self.problems: list[str] = []
        self._queued: dict[str, list[object]] = {}
        self._always: dict[str, object] = {}
        self._handlers: list[_Handler] = []

    # -- what the test scripts -----------------------------------------------------------------

    def answer(self, kind: str, *values: object) -> DialogScript:
        """The next len(values) boxes of *kind* get these answers, in order."""
        self._queued.setdefault(kind, []).extend(values)
        return self

    def always(self, kind: str, value: object) -> DialogScript:
        """Every box of *kind* (once the queued answers are used up) gets *value*."""
        self._always[kind] = value
        return self

    def allow(self, *kinds: str) -> DialogScript:
        """Message boxes of these kinds may come up any number of times (they are recorded)."""
        for kind in kinds or MESSAGES:
            assert kind in MESSAGES, f"allow() is for message boxes, not {kind!r}"
            self._always[kind] = None
        return self

    def on(self, cls: type[QDialog], act: Callable, *, always: bool = False) -> DialogScript:
        """When run_modal() gets an instance of *cls*: show it, act(dialog), return its result.
        Once (in the order scripted) unless *always*."""
        self._handlers.append(_Handler(cls, act, always))
        return self

    def real(self) -> None:
        """Real modal boxes again (only for a test that drives the real thing itself)."""
        seam.install_script(None)

    # -- what the test reads -------------------------------------------------------------------

    def texts(self, kind: str) -> list[str]:
        return [text for k, _title, text in self.shown if k == kind]

    def said(self, kind: str) -> Said:
        """A live list of the texts of *kind* shown so far (it grows as boxes come up)."""
        return Said(self, kind)

    def titles(self, kind: str) -> list[str]:
        return [title for k, title, _text in self.shown if k == kind]

    def kinds(self) -> list[str]:
        return [k for k, _title, _text in self.shown]

    def check(self, *expected: str) -> None:
        """No problem so far, and each of *expected* (kinds or dialog class names) was shown."""
        assert not self.problems, self.problems
        for kind in expected:
            assert kind in self.kinds(), (kind, self.shown)

    # -- ui.common.dialogs.Script ----------------------------------------------------------------

    def _fail(self, message: str) -> UnscriptedModal:
        self.problems.append(message)
        return UnscriptedModal(message)

    def ask(
        self, kind: str, parent: QWidget | None, title: str, text: str, details: dict[str, object]
    ) -> object:
        asked = Asked(kind, title, text, details, parent)
        self.asked.append(asked)
        self.shown.append((kind, title, text))
        queue = self._queued.get(kind)
        if queue:
            value = queue.pop(0)
        elif kind in self._always:
            value = self._always[kind]
        else:
            raise self._fail(
                f"unscripted modal {kind}({title!r}, {text!r}): script it with "
                f"dialogs.answer({kind!r}, ...) or dialogs.allow(...)"
            )
        return value(asked) if callable(value) else value

    def run(self, dialog: QDialog) -> int:
        name = type(dialog).__name__
        text = dialog.text() if isinstance(dialog, QMessageBox) else ""
        self.shown.append((name, dialog.windowTitle(), text))
        handler = next((h for h in self._handlers if isinstance(dialog, h.cls)), None)
        if handler is None:
            raise self._fail(
                f"unscripted modal dialog {name} ({dialog.windowTitle()!r} "
                f"{text!r}): script it with dialogs.on({name}, act)"
            )
        if not handler.always:
            self._handlers.remove(handler)
        dialog.show()
        try:
            handler.act(dialog)
        except BaseException as exc:
            self.problems.append(f"{name}: {type(exc).__name__}: {exc}")
            raise
        finally:
            if dialog.isVisible():
                error = dialog.findChild(QLabel, "error")
                label = error.text() if error is not None else ""
                self.problems.append(f"{name} was left open (error label: {label!r})")
                dialog.reject()
        return dialog.result()

    def leftovers(self) -> list[str]:
        left = [
            f"scripted answers never asked for: {kind} {values!r}"
            for kind, values in self._queued.items()
            if values
        ]
        left += [
            f"scripted dialog never came up: {h.cls.__name__}"
            for h in self._handlers
            if not h.always
        ]
        return left


class Said(Sequence):
    def __init__(self, script: DialogScript, kind: str) -> None:
        self.script, self.kind = script, kind

    def __getitem__(self, index):  # type: ignore[override]
        return self.script.texts(self.kind)[index]

    def __len__(self) -> int:
        return len(self.script.texts(self.kind))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self.script.texts(self.kind) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self.script.texts(self.kind))


def ok(dialog: QDialog) -> QPushButton:
    """The OK button of the dialog's own button box (登记, 确定…)."""
    return _box(dialog).button(QDialogButtonBox.StandardButton.Ok)


def cancel(dialog: QDialog) -> QPushButton:
    return _box(dialog).button(QDialogButtonBox.StandardButton.Cancel)


def _box(dialog: QDialog) -> QDialogButtonBox:
    box = getattr(dialog, "buttons", None)
    if not isinstance(box, QDialogButtonBox):
        box = dialog.findChild(QDialogButtonBox)
    assert box is not None, f"{type(dialog).__name__} has no button box"
    return box
