"""Importing a household register workbook: preview every row, then write the valid ones.

preview() reads the file and checks each row against the rules and the register (nothing is
written). apply() checks again inside one transaction (the register may have changed since
the preview) and writes compounds, households and residents with their audit rows; a
cancelled or failed import rolls back whole.

Matching: people by ID number, households by household number, compounds by name (created
when new). Importing the same file twice changes nothing the second time. A register with no
户号 column forms its households from the heads: a 户主 row starts one, the rows under it
belong to it, and the household gets a generated number (the number of the household its
people already live in, on a second import). What the columns do not say (the compound of a
sheet, the people's category) is asked in the preview (Preview.questions), never assumed.

Every new person gets a life event, so that the monthly figures do not count them in months
before they came: "move_in" dated the file's arrival date (来本地日期, 居住时间) when it has
one, else "enrolled" (登记入册) dated the day the clerk gives, by default the import's day.
The status of a person already in the register (moved out, deceased) is never changed by an
import: those changes are dated life events that the monthly report counts, entered in the
registry tab.

This module holds the services; the rest lives beside it: import_preview.py (the Preview and
the result), import_rules.py (reading the file and its own rules) and import_writer.py (the
bulk writes).
"""

from __future__ import annotations

import datetime as dt
import os
import re

from models.core import audit
from models.core.db import database
from models.core.permissions import HasRole, Perm
from models.core.service import service
from models.registry.workbook.import_preview import (
    ImportBlocked,
    ImportCancelled,
    ImportResult,
    Preview,
    Progress,
    rejected_entry,
)
from models.registry.workbook.import_rules import check_options, parse_file, plan_notes, run_check
from models.registry.workbook.import_writer import Writer
from models.registry.workbook.read import WorkbookReadError
from models.registry.workbook.rows import OK, REJECTED, WARNING, ImportOptions, RowResult

__all__ = [
    "ImportBlocked",
    "ImportCancelled",
    "ImportOptions",
    "ImportResult",
    "Preview",
    "RowResult",
    "WorkbookReadError",
    "apply",
    "import_file",
    "preview",
    "rejected_entry",
    "OK",
    "WARNING",
    "REJECTED",
]


@service(Perm.REGISTRY_IMPORT, write=False)
def preview(
    actor: HasRole,
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    today: dt.date | None = None,
    options: ImportOptions | None = None,
) -> Preview:
    """Read and check *path* against the register; writes nothing."""
    from models.registry.workbook import layouts as workbook_layouts

    pv = parse_file(path, progress, today, options, workbook_layouts.recall)
    check_options(pv)
    run_check(pv)
    pv.notes = plan_notes(pv) + pv.notes
    return pv


@service(Perm.REGISTRY_IMPORT, write=False)
def apply(
    actor: HasRole, pv: Preview, progress: Progress | None = None, dry_run: bool = False
) -> ImportResult:
    """Write the preview's valid rows in one transaction (or, dry_run, only check them).

    The register is checked again inside the transaction, so the counts are those of the
    register as it is now. Cancelling through *progress* rolls everything back."""
    from models.registry.workbook import layouts as workbook_layouts

    check_options(pv)
    result = ImportResult(pv, dry_run=dry_run)
    with database.atomic() as txn:
        check = run_check(pv)
        if pv.questions and not dry_run:
            raise ImportBlocked("；".join(q.text for q in pv.questions))
        result.new_compounds = len(pv.new_compounds)
        result.new_households = pv.new_households
        result.updated_households = pv.updated_households
        result.new_residents = pv.new_residents
        result.updated_residents = pv.updated_residents
        result.tags_added, result.tags_changed, result.tags_ended = pv.tag_counts()
        if dry_run:
            txn.rollback()
            return result
        writer = Writer(actor, pv, progress)
        compound_ids = writer.compounds()
        house_ids = writer.households(check, compound_ids)
        writer.residents(check, house_ids)
        writer.tags(check)
        workbook_layouts.remember(actor, pv)
        writer.flush()
        result.events = writer.events
        audit.record(
            actor.username,
            audit.Action.IMPORT,
            "resident",
            None,
            None,
            {
                "file": pv.path.name,
                "compounds": result.new_compounds,
                "events": writer.events,
                "households": result.new_households,
                "households_updated": result.updated_households,
                "residents": result.new_residents,
                "residents_updated": result.updated_residents,
                "tags_added": result.tags_added,
                "tags_changed": result.tags_changed,
                "tags_ended": result.tags_ended,
                "rejected": len(pv.rejected),
            },
            writer.note,
        )
    return result


@service(Perm.REGISTRY_IMPORT, write=False)
def import_file(
    actor: HasRole,
    path: str | os.PathLike[str],
    dry_run: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
    options: ImportOptions | None = None,
) -> ImportResult:
    """Preview and apply in one go (the command line). Raises ImportBlocked while the file
    leaves a question open (a sheet's compound, the people's category, a missing column)."""
    return apply(actor, preview(actor, path, None, today, options), progress, dry_run)


def reason_lines(pv: Preview) -> list[str]:
    return [f"{r.sheet} 第{r.row}行：{r.reason()}" for r in pv.rejected]


def safe_sheet_title(name: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet"
    return title[:31]
