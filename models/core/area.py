"""What an area of the program (registry, casework, events …) brings to the whole.

Each area declares one Area in its package's area.py; models.areas lists them once, in the
order their tables are created and their demo data is made. The database layer, the demo and
the monthly report read that list instead of knowing the areas by name.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import peewee as pw


class DemoStep(Protocol):
    """Adds an area's demo data inside the demo's transaction, after the register exists."""

    def __call__(self, *, rng: random.Random, as_of: dt.date, username: str) -> Any: ...


# Called with first=, last= (the month's first and last day) and compound_id= (None for the
# whole community): a section returns a models.monthly.parts.Section (or a list, or None), a
# figure a models.monthly.parts.FigureColumn (or None).
MonthlyProvider = Callable[..., Any]


@dataclass(frozen=True)
class Area:
    key: str
    title: str  # the area's one Chinese name, as the tab and the report call it
    tables: tuple[type[pw.Model], ...] = ()
    demo: DemoStep | None = None
    # The name the demo step was seeded by before the areas became packages, so that a seed
    # still makes the same community (models.demo).
    demo_seed: str = ""
    sections: tuple[MonthlyProvider, ...] = ()
    figures: tuple[MonthlyProvider, ...] = ()
