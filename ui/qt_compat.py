"""A guard against a reference-count bug in PySide6 6.12.0.

SignalInstance.emit() returns True without giving the caller a reference. On Python 3.10 and
3.11 (where True is an ordinary object that can be freed) every emit from Python code takes
one reference away from True, and after a few hundred emits the interpreter aborts with
"Fatal Python error: bool_dealloc: deallocating True or False". A report of a thousand pages
emits its progress thousands of times. emit() below gives the reference back, but only when
a probe at import time shows the leak, so a fixed PySide6 and Python 3.12+ (immortal True)
are left alone.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()


def _emit_leaks() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    return sys.getrefcount(True) - before <= -8


EMIT_LEAKS = _emit_leaks()


def emit(signal: Any, *args: Any) -> None:
    """signal.emit(*args), returning to the interpreter the reference PySide6 took."""
    result = signal.emit(*args)
    if EMIT_LEAKS and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
