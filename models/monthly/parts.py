"""The pieces other areas hand to the monthly report (a leaf module: the areas import it,
models.monthly.stats imports the areas)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def rows_of(query: Any) -> list[tuple[Any, ...]]:
    """A select's rows as plain tuples (fast, and typed for mypy)."""
    return list(query.tuples())


@dataclass
class Section:
    """A titled table another area adds to the report (casework, events, facilities…)."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class FigureColumn:
    """A figure per compound from another area (e.g. 育儿补贴申请), shown as a column."""

    key: str
    label: str
    by_compound: dict[int, int]
