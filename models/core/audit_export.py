"""The audit log to a workbook: every row a filter matches, newest first, itself audited.

The rows are read in batches (``EXPORT_BATCH``) through one shared Lookup, written to a
write-only sheet beside the target and moved into place together with the export's audit row.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee as pw

from models.core import audit, clock
from models.core.audit_lookup import Lookup
from models.core.audit_view import Entry, LogFilter, log_query, readable
from models.core.db import database
from models.core.entities import AuditLog
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm
from models.core.service import service
from models.registry.workbook.export import FORMULA_STARTS, text_cell


class ExportCancelled(UserFacingError):
    def __init__(self) -> None:
        super().__init__("导出已取消。")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


SHEET_TITLE = "操作日志"
EXPORT_COLUMNS: list[tuple[str, int]] = [
    ("时间", 20),
    ("用户", 18),
    ("操作", 12),
    ("记录类型", 12),
    ("记录", 40),
    ("内容（修改前 → 修改后）", 60),
    ("说明", 30),
]
CONTENT_CELL = 5  # the changes, one line per field
EXPORT_BATCH = 1000
_CELL_LIMIT = 32000  # Excel holds at most 32,767 characters in a cell


def _cell_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text)  # control characters make openpyxl refuse
    return text if len(text) <= _CELL_LIMIT else text[: _CELL_LIMIT - 1] + "…"


def export_row(entry: Entry) -> list[str]:
    """The workbook's cells for one entry, in EXPORT_COLUMNS order."""
    return [
        entry.time,
        entry.user,
        entry.action_name,
        entry.table_label,
        entry.record,
        "\n".join(c.line for c in entry.changes),
        entry.note,
    ]


@service(Perm.AUDIT_VIEW, write=False)
def export_workbook(
    actor: HasRole,
    flt: LogFilter,
    path: str | os.PathLike[str],
    progress: Callable[[int, int], bool] | None = None,
) -> ExportResult:
    """Every row the filter matches, newest first, to an .xlsx; the export is itself audited.

    The file appears under *path* only together with its audit row; a cancelled or failed
    export leaves neither (nor a half-written file).
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    try:
        with database.atomic():  # one read transaction: the count and the rows agree
            top = AuditLog.select(pw.fn.MAX(AuditLog.id)).scalar() or 0
            total = log_query(flt).where(AuditLog.id <= top).count()
            done = _write(tmp, flt, top, total, progress)
        with database.atomic():
            audit.record(
                actor.username,
                audit.Action.EXPORT,
                "audit_log",
                None,
                None,
                {"file": path.name, "rows": done, "filters": flt.describe()},
                f"导出操作日志（{done}条）",
            )
            os.replace(tmp, path)  # if this fails the audit row is rolled back with it
    finally:
        if tmp.exists():
            tmp.unlink()
    return ExportResult(path, done)


def _write(
    target: Path, flt: LogFilter, top: int, total: int, progress: Callable[[int, int], bool] | None
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    if progress and progress(0, max(total, 1)) is False:
        raise ExportCancelled()
    book = Workbook(write_only=True)
    ws = book.create_sheet(SHEET_TITLE)
    # Write-only sheets leave out their size unless told it
    # (see models/registry/workbook/export.py).
    last = f"{get_column_letter(len(EXPORT_COLUMNS))}{total + 2}"
    ws.calculate_dimension = lambda: f"A1:{last}"
    for index, (_, width) in enumerate(EXPORT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    title = WriteOnlyCell(
        ws,
        _cell_text(
            f"操作日志（导出于{clock.now():%Y-%m-%d %H:%M}，共{total}条；筛选：{flt.describe()}）"
        ),
    )
    title.font = Font(bold=True, size=14)
    ws.append([title])
    header = []
    for text, _ in EXPORT_COLUMNS:
        cell = WriteOnlyCell(ws, text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    done = 0
    lookup = Lookup()  # shared across batches: people and households already found stay found
    cursor = top + 1
    try:
        while True:
            batch = list(
                log_query(flt)
                .where(AuditLog.id < cursor)
                .order_by(AuditLog.id.desc())
                .limit(EXPORT_BATCH)
            )
            if not batch:
                break
            cursor = batch[-1].id
            for entry in readable(batch, lookup):
                # Every value is a string, so a reader keeps it as text (no number or date
                # guessing); only the multi-line 内容 cell needs a style, which is what costs.
                cells: list[Any] = [_cell_text(value) for value in export_row(entry)]
                content = WriteOnlyCell(ws, cells[CONTENT_CELL])
                content.alignment = wrap
                cells[CONTENT_CELL] = content
                for i, value in enumerate(cells):
                    # a name typed as "=HYPERLINK(…)" stays text, never a live formula
                    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                        cells[i] = text_cell(ws, value)
                ws.append(cells)
            done += len(batch)
            if progress and progress(done, max(total, 1)) is False:
                raise ExportCancelled()
        book.save(target)
    except BaseException:
        _discard(ws)
        raise
    return done


def _discard(ws: Any) -> None:
    """A write-only sheet streams into a temporary file: close and remove it, or it lingers
    (and its row generator complains when collected)."""
    with contextlib.suppress(Exception):
        if not ws.closed:
            ws.close()
    writer = getattr(ws, "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.cleanup()
