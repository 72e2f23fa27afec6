"""The program's one clock: the only place that reads today's date and the time of day.

Services, reports and the window ask this module, never ``date.today()`` or
``datetime.now()``, so that a test can freeze the day (tests/conftest.py) and the suite gives
the same answer on any date. ``freeze`` is for tests and tools (e.g. the benchmark); the
environment variable ``NDESK_TODAY`` (``YYYY-MM-DD``) sets the day at start-up, which IT can
use to check what the program would print on another date.
"""

from __future__ import annotations

import datetime as dt
import os

_frozen: dt.datetime | None = None


def _from_environment() -> dt.datetime | None:
    value = os.environ.get("NDESK_TODAY", "").strip()
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise SystemExit(f"NDESK_TODAY 不是日期（应为 YYYY-MM-DD）：{value}") from exc


def now() -> dt.datetime:
    """The current local date and time, to the second."""
    moment = _frozen or _from_environment()
    if moment is not None:
        return moment.replace(microsecond=0)
    return dt.datetime.now().replace(microsecond=0)


def today() -> dt.date:
    return now().date()


def freeze(moment: dt.date | dt.datetime | None) -> None:
    """Pin the clock at *moment* (a date means 09:00 that day); ``None`` lets it run again."""
    global _frozen
    if moment is None or isinstance(moment, dt.datetime):
        _frozen = moment
    else:
        _frozen = dt.datetime.combine(moment, dt.time(9, 0))


def is_frozen() -> bool:
    return _frozen is not None
