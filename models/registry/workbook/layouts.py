"""Choices remembered per register layout, so that next month's file imports in one click.

A layout is known by its header row (models.registry.workbook.headers.layout_signature).
What the clerk chose
for it in the preview (columns mapped or skipped, the compound of a sheet without a 小区
column, the people's category) is kept in the settings table under "import_layout:<sig>",
written in the import's transaction with an audit row. Only a finished import remembers:
a preview that was abandoned leaves nothing behind.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from models.core import audit
from models.core.entities import Setting
from models.core.permissions import HasRole
from models.core.service import service
from models.registry.workbook.headers import header_key, layout_signature
from models.registry.workbook.table import SheetTable

if TYPE_CHECKING:
    from models.registry.workbook.importer import Preview

PREFIX = "import_layout:"


def recall(sheet: SheetTable) -> dict[str, Any]:
    """The choices remembered for *sheet*'s layout ({} when none)."""
    row = Setting.get_or_none(Setting.key == PREFIX + layout_signature(sheet.headers))
    if row is None:
        return {}
    try:
        value = json.loads(row.value)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def choices_for(pv: Preview, sheet: SheetTable) -> dict[str, Any]:
    """What the clerk chose for *sheet* in this import (only what differs from the defaults)."""
    plan = pv.plans[sheet.name]
    keys = {header_key(h) for h in sheet.headers}
    choice: dict[str, Any] = {
        "map": {k: v for k, v in sorted(pv.options.mapping.items()) if k in keys},
    }
    saved = recall(sheet)
    for k, v in saved.get("map", {}).items():
        if k in keys:
            choice["map"].setdefault(k, v)
    if plan.compound_from in ("chosen", "saved"):
        choice["compound"] = plan.compound
    if plan.category_from in ("chosen", "saved") and plan.category:
        choice["category"] = plan.category
    if not choice["map"]:
        del choice["map"]
    return choice


@service(None)
def remember(actor: HasRole, pv: Preview) -> None:
    """Keep the choices of every sheet that had any (call inside the import's transaction)."""
    for sheet in pv.sheets.values():
        choice = choices_for(pv, sheet)
        if not choice:
            continue
        choice["headers"] = [h for h in sheet.headers if h]
        key = PREFIX + layout_signature(sheet.headers)
        value = json.dumps(choice, ensure_ascii=False, sort_keys=True)
        old = Setting.get_or_none(Setting.key == key)
        if old is not None and old.value == value:
            continue
        Setting.insert(key=key, value=value).on_conflict(  # an upsert on both engines
            conflict_target=[Setting.key], update={Setting.value: value}
        ).execute()
        audit.record(
            actor.username,
            audit.Action.UPDATE,
            "setting",
            key,
            None if old is None else {key: old.value},
            {key: value},
            f"记住花名册格式（工作表“{sheet.name}”）",
        )
