"""Writing a department's template (一表通) filled: a copy of the file with the rows under its
header, the department's formatting kept.

The data area's pre-formatted blank rows are written over; when the rows need more room the
footer moves down (values, styles, merges, row heights, print area and page breaks with it),
keeping one empty row above it when the template had one. Each column's cells take the style
of the template's first data row; text columns get the text number format; a string is never
a formula (one starting with =, +, - or @ gets a quote prefix); data validations, conditional
formatting and the auto filter that cover the first data row reach down to the last. The
date blanks of the title and the footer are filled. The file is written to a temporary file
next to *out* and renamed: on a failure or a cancel no file is left behind.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Collection, Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.core.errors import UserFacingError
from models.fill.date_blanks import fill_placeholder
from models.fill.template_file import Source, TemplateError, cell_label, load_template

if TYPE_CHECKING:
    from models.fill.layout import TemplateLayout

Progress = Callable[[int, int], bool]

# Same list as models.registry.workbook.export.FORMULA_STARTS (not imported: that module pulls
# in the database, and this engine must stay free of it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT = "@"
DATE = "yyyy-mm-dd"
PROGRESS_EVERY = 200
MAX_CELL_CHARS = 32_767


class FillCancelled(UserFacingError):
    def __init__(self) -> None:
        super().__init__("填写已取消，没有生成文件。")


def _formatted(ws: Any, r: int, cols: Collection[int]) -> bool:
    """A pre-formatted blank row: a border or a fill on one of the table's cells."""
    for c in cols:
        cell = ws._cells.get((r, c))
        if cell is None or not cell.has_style:
            continue
        b = cell.border
        if any(getattr(b, side).style for side in ("left", "right", "top", "bottom")):
            return True
        if cell.fill is not None and cell.fill.fill_type:
            return True
    return False


def _shift_down(ws: Any, start: int, shift: int) -> None:
    """Move every row from *start* down by *shift*: values, styles, merges, heights."""
    from openpyxl.worksheet.cell_range import CellRange

    keys = sorted((k for k in ws._cells if k[0] >= start), reverse=True)
    for key in keys:
        cell = ws._cells.pop(key)
        cell.row = key[0] + shift
        ws._cells[cell.row, key[1]] = cell
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row >= start:
            rng.shift(row_shift=shift)
    dims = ws.row_dimensions
    for r in sorted((r for r in dims if r >= start), reverse=True):
        dim = dims.pop(r)
        dim.index = r + shift
        dims[r + shift] = dim
    if ws.print_area:
        areas = []
        for area in str(ws.print_area).split(","):
            ref = area.split("!")[-1].replace("$", "")
            rng = CellRange(ref)
            if rng.max_row >= start:
                rng.expand(down=shift)
            areas.append(rng.coord)
        ws.print_area = areas
    breaks = getattr(ws, "row_breaks", None)
    if breaks is not None:
        for brk in breaks.brk:
            if brk.id >= start:
                brk.id += shift


def _unmerge_rows(ws: Any, first: int, last: int) -> None:
    """Merges inside the data area would make its cells unwritable (rare, but seen)."""
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row >= first and rng.min_row <= last:
            ws.unmerge_cells(rng.coord)


def _extend_ranges(ranges: Any, first: int, last: int) -> str | None:
    """The ranges with those that cover the first data row reaching down to *last*."""
    from openpyxl.worksheet.cell_range import CellRange

    changed = False
    out = []
    for rng in ranges:
        rng = CellRange(rng.coord)
        if rng.min_row <= first <= rng.max_row and rng.max_row < last:
            rng.expand(down=last - rng.max_row)
            changed = True
        out.append(rng.coord)
    return " ".join(out) if changed else None


def _extend_rules(ws: Any, first: int, last: int) -> None:
    from openpyxl.formatting.formatting import ConditionalFormattingList

    for dv in ws.data_validations.dataValidation:
        ranges = _extend_ranges(dv.sqref.ranges, first, last)
        if ranges:
            dv.sqref = ranges
    old = ws.conditional_formatting
    entries = [(cf.sqref, list(cf.rules)) for cf in old]
    if any(_extend_ranges(sqref.ranges, first, last) for sqref, _ in entries):
        new = ConditionalFormattingList()
        for sqref, rules in entries:
            ref = _extend_ranges(sqref.ranges, first, last) or str(sqref)
            for rule in rules:
                new.add(ref, rule)
        ws.conditional_formatting = new
    if ws.auto_filter.ref:
        filter_ref = _extend_ranges([_Coord(ws.auto_filter.ref)], first - 1, last)
        if filter_ref:
            ws.auto_filter.ref = filter_ref


@dataclass
class _Coord:
    coord: str


class _ColumnStyles:
    """The few style arrays one column needs, built once: plain, text, text with a leading
    apostrophe (quotePrefix), date."""

    def __init__(self, model: Any | None, scratch: Any) -> None:
        from openpyxl.styles.cell_style import StyleArray
        from openpyxl.styles.numbers import is_date_format

        scratch._style = copy(model._style) if model is not None else StyleArray()
        self.plain = copy(scratch._style)
        fmt = scratch.number_format
        scratch.number_format = TEXT
        self.text = copy(scratch._style)
        scratch.quotePrefix = True
        self.quoted = copy(scratch._style)
        scratch._style = copy(self.plain)
        if not is_date_format(fmt):
            scratch.number_format = DATE
        self.date = copy(scratch._style)
        scratch._style = copy(self.plain)
        scratch.quotePrefix = True
        self.plain_quoted = copy(scratch._style)


def _number_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


def _clean_str(value: str) -> str:
    value = _ILLEGAL.sub("", value)
    return value[:MAX_CELL_CHARS]


def fill_workbook(
    source: Source,
    layout: TemplateLayout,
    rows: Sequence[Sequence[Any]],
    out: str | Path,
    *,
    as_of: dt.date,
    period: dt.date | None = None,
    text_columns: Collection[int] = (),
    progress: Progress | None = None,
) -> int:
    """Write a copy of *source* to *out* (.xlsx) with *rows* under the header; returns the
    number of rows written. The source is never changed; on failure or cancel no file is
    left at *out* (the copy is written to a temporary file next to it and renamed)."""
    from openpyxl.cell.cell import Cell

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise TemplateError(f"填好的表只能保存为 .xlsx 文件，“{out.name}”不是。")
    if not isinstance(source, bytes):
        try:
            if out.resolve() == Path(source).resolve():
                raise TemplateError("不能覆盖部门发来的原模板，请换一个文件名保存。")
        except OSError:
            pass
    book = load_template(source)
    if layout.sheet not in book.sheetnames:
        raise TemplateError(f"模板中没有名为“{layout.sheet}”的工作表，请重新分析模板。")
    ws = book[layout.sheet]
    total = len(rows)
    cols = [col.index for col in layout.columns]
    text_set = set(text_columns)
    first = layout.first_data_row
    footer = layout.footer_row

    # The pre-formatted blank rows, and the gap between them and the footer.
    shift = 0
    if footer is not None:
        space = footer - first
        prepared = 0
        while prepared < space and _formatted(ws, first + prepared, cols):
            prepared += 1
        # One blank row between the table and the footer is kept when the template had it.
        above = footer - 1
        gap = (
            1
            if space > prepared
            and not _formatted(ws, above, cols)
            and not any(cell_label(cell.value) for (r, _c), cell in ws._cells.items() if r == above)
            else 0
        )
        shift = max(0, first + total + gap - footer)
        model_row: int | None = first if space > 0 else None
    else:
        model_row = first
    model_cells = {}
    style_cols = set(cols)
    if model_row is not None:
        style_cols |= {c for (r, c) in ws._cells if r == model_row}
        model_cells = {c: ws._cells.get((model_row, c)) for c in style_cols}
    height = (
        ws.row_dimensions[model_row].height
        if model_row is not None and model_row in ws.row_dimensions
        else None
    )
    if shift:
        _shift_down(ws, footer, shift)  # type: ignore[arg-type]
    last = first + total - 1
    if total:
        _unmerge_rows(ws, first, last)
    scratch = Cell(ws, row=1, column=1)
    styles = {c: _ColumnStyles(model_cells.get(c), scratch) for c in style_cols}
    extra_cols = sorted(style_cols - set(cols))
    cells = ws._cells
    for i, values in enumerate(rows):
        r = first + i
        if height is not None:
            ws.row_dimensions[r].height = height
        for c in extra_cols:
            if model_cells.get(c) is not None:
                cell = cells.get((r, c))
                if cell is None:
                    cell = cells[r, c] = Cell(ws, row=r, column=c)
                cell._style = copy(styles[c].plain)
        for j, c in enumerate(cols):
            value = values[j] if j < len(values) else None
            st = styles[c]
            cell = cells.get((r, c))
            if cell is None or not isinstance(cell, Cell):
                cell = cells[r, c] = Cell(ws, row=r, column=c)
            if value is None or (isinstance(value, str) and value == ""):
                cell._style = copy(st.text if c in text_set else st.plain)
                cell.value = None
            elif c in text_set:
                text = _clean_str(_number_text(value))
                cell._style = copy(st.quoted if text.startswith(FORMULA_STARTS) else st.text)
                cell._value = text
                cell.data_type = "s"
            elif isinstance(value, str):
                text = _clean_str(value)
                cell._style = copy(st.plain_quoted if text.startswith(FORMULA_STARTS) else st.plain)
                cell._value = text
                cell.data_type = "s"  # never a formula, never an error code
            elif isinstance(value, (dt.date, dt.datetime)):
                cell._style = copy(st.date)
                cell.value = value
            elif isinstance(value, (bool, int, float, Decimal)):
                cell._style = copy(st.plain)
                cell.value = value
            else:
                cell._style = copy(st.plain)
                cell._value = _clean_str(str(value))
                cell.data_type = "s"
        if progress and (i + 1) % PROGRESS_EVERY == 0 and progress(i + 1, total) is False:
            raise FillCancelled()
    if total:
        _extend_rules(ws, first, last)
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    for coord in layout.placeholders:
        letters, row = coordinate_from_string(coord)
        if footer is not None and row >= footer:
            row += shift
        cell = cells.get((row, column_index_from_string(letters)))
        if cell is not None and isinstance(cell.value, str):
            cell.value = fill_placeholder(cell.value, as_of, period)
    if progress and progress(total, max(total, 1)) is False:
        raise FillCancelled()
    _save(book, out)
    return total


def _save(book: Any, out: Path) -> None:
    folder = out.parent if str(out.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=folder)
    except OSError as exc:
        raise TemplateError(f"无法在“{folder}”中保存文件：{exc}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    book.template = False  # an .xltx template would otherwise be saved as one, not a workbook
    try:
        book.save(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        raise TemplateError(f"无法保存“{out.name}”（文件是否已在 Excel 中打开？）：{exc}") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
