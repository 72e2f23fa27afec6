"""What an import will do, before it does it: the Preview of a register workbook and the result.

``Preview`` holds every row as read and checked (models/registry/workbook/import_rules.py), the
questions the clerk must answer first, the households the import forms and the counts;
``ImportResult`` what models/registry/workbook/importer.py's apply() wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.core import clock
from models.core.errors import UserFacingError
from models.registry.workbook.rows import (
    HEAD,
    REJECTED,
    WARNING,
    ImportOptions,
    RowResult,
    SheetPlan,
)
from models.registry.workbook.table import SheetTable

Progress = Callable[[int, int], bool]


class ImportBlocked(UserFacingError, ValueError):
    """The preview still has questions the clerk must answer; nothing was written."""


@dataclass
class Question:
    kind: str  # "compound", "category" or "column"
    sheet: str
    text: str
    proposal: str = ""  # a compound name or category code the preview suggests


@dataclass
class HouseholdView:
    """One household as the import forms it, for the preview's list of households."""

    number: str
    generated: bool
    sheet: str
    first_row: int
    compound: str
    address: str
    head: str
    members: int
    accepted: int
    action: str  # "新户", "已有户", …
    problem: str


class ImportCancelled(UserFacingError):
    """The clerk cancelled; the transaction was rolled back and nothing was written."""

    def __init__(self) -> None:
        super().__init__("导入已取消，数据库未作任何改动。")


@dataclass
class Preview:
    path: Path
    kind: str
    encoding: str
    rows: list[RowResult]
    sheets: dict[str, SheetTable]
    notes: list[str] = field(default_factory=list)  # ignored sheets, skipped total rows
    today: dt.date = field(default_factory=clock.today)  # the import's day: tags end on it
    options: ImportOptions = field(default_factory=ImportOptions)
    plans: dict[str, SheetPlan] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)  # to answer before importing
    generated: set[str] = field(default_factory=set)  # household numbers made up by the import
    known_numbers: set[str] = field(default_factory=set)  # 户号 already in the register
    new_compounds: list[str] = field(default_factory=list)
    households: dict[str, dict[str, Any]] = field(default_factory=dict)  # 户号 -> address
    new_households: int = 0
    updated_households: int = 0
    new_residents: int = 0
    updated_residents: int = 0
    unchanged_residents: int = 0

    def tag_counts(self) -> tuple[int, int, int]:
        """(added, changed, ended) special-group tags over the rows that will be imported."""
        plans = [r.tag_plan for r in self.accepted if r.tag_plan]
        return (
            sum(len(p.add) for p in plans),
            sum(len(p.change) for p in plans),
            sum(len(p.end) for p in plans),
        )

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.rejected]

    @property
    def accepted(self) -> list[RowResult]:
        return [r for r in self.rows if not r.rejected]

    @property
    def enrolled_on(self) -> dt.date:
        return self.options.enrolled_on or self.today

    def household_views(self) -> list[HouseholdView]:
        """The households the import forms, in file order (rows without one left out)."""
        views: dict[str, HouseholdView] = {}
        for row in self.rows:
            if not row.household_no:
                continue
            view = views.get(row.household_no)
            if view is None:
                view = views[row.household_no] = HouseholdView(
                    row.household_no,
                    row.household_no in self.generated,
                    row.sheet,
                    row.row,
                    row.household.get("compound", ""),
                    row.address,
                    "",
                    0,
                    0,
                    "",
                    "",
                )
            view.members += 1
            view.accepted += not row.rejected
            if row.person.get("relation") == HEAD and not view.head:
                view.head = row.name
                if row.rejected:
                    view.problem = f"户主（第{row.row}行）未能导入：{row.reason()}"
        for view in views.values():
            if not view.accepted:
                view.action = "不导入"
            elif view.number in self.known_numbers:
                view.action = "已有户"
            else:
                view.action = "新户（新编户号）" if view.generated else "新户"
        return list(views.values())

    def summary(self) -> str:
        if self.questions:
            return f"共{len(self.rows)}行。导入前请先回答上方的问题：" + "；".join(
                q.text for q in self.questions
            )
        return (
            f"共{len(self.rows)}行：可导入{len(self.accepted)}行（新增{self.new_residents}人、"
            f"更新{self.updated_residents}人、无变化{self.unchanged_residents}人；"
            f"新增{self.new_households}户、更新{self.updated_households}户"
            + (f"；新建小区{'、'.join(self.new_compounds)}" if self.new_compounds else "")
            + self._tag_text()
            + f"），其中有警告{self.count(WARNING)}行；退回{self.count(REJECTED)}行。"
        )

    def _tag_text(self) -> str:
        added, changed, ended = self.tag_counts()
        if not (added or changed or ended):
            return ""
        return f"；特殊人群新增{added}项、修改{changed}项、结束{ended}项"


@dataclass
class ImportResult:
    preview: Preview
    dry_run: bool = False
    new_compounds: int = 0
    new_households: int = 0
    updated_households: int = 0
    new_residents: int = 0
    updated_residents: int = 0
    tags_added: int = 0
    tags_changed: int = 0
    tags_ended: int = 0
    events: int = 0  # entry events written (move_in / enrolled), one per new person

    @property
    def rejected(self) -> list[RowResult]:
        return self.preview.rejected

    def as_json(self) -> dict[str, Any]:
        """The command line's answer: created households and residents, updated records
        (residents and households whose stored values changed), and the rejected rows."""
        return {
            "households": self.new_households,
            "residents": self.new_residents,
            "updated": self.updated_residents + self.updated_households,
            "rejected": [rejected_entry(r) for r in self.rejected],
        }


def rejected_entry(row: RowResult) -> dict[str, Any]:
    issues = [i for i in row.issues if i.level == REJECTED]
    columns = list(dict.fromkeys(i.column for i in issues if i.column))
    return {
        "sheet": row.sheet,
        "row": row.row,
        "column": ",".join(columns),
        "reason": "；".join(i.text() if len(issues) > 1 else i.message for i in issues),
    }


def reason_lines(pv: Preview) -> list[str]:
    return [f"{r.sheet} 第{r.row}行：{r.reason()}" for r in pv.rejected]
