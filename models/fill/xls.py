"""An .xls template (Excel 97-2003) read with xlrd and rebuilt as an openpyxl workbook, so
that models.fill.write fills it like an .xlsx (the output is always .xlsx)."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

from models.core.errors import UserFacingError

DATE = "yyyy-mm-dd"  # as models.fill.write writes dates


class XlsError(UserFacingError):
    """The .xls holds nothing to fill; one sentence for the clerk."""


_XLS_BORDERS = {
    1: "thin",
    2: "medium",
    3: "dashed",
    4: "dotted",
    5: "thick",
    6: "double",
    7: "hair",
    8: "mediumDashed",
    9: "dashDot",
    10: "mediumDashDot",
    11: "dashDotDot",
    12: "mediumDashDotDot",
    13: "slantDashDot",
}
_XLS_HALIGN = {
    1: "left",
    2: "center",
    3: "right",
    4: "fill",
    5: "justify",
    6: "centerContinuous",
    7: "distributed",
}
_XLS_VALIGN = {0: "top", 1: "center", 2: "bottom", 3: "justify", 4: "distributed"}


def _xls_colour(book: Any, index: int) -> str | None:
    rgb = book.colour_map.get(index) if index is not None else None
    if not rgb:
        return None
    return "FF" + "".join(f"{int(part):02X}" for part in rgb[:3])


def _xls_styles(book: Any) -> dict[int, dict[str, Any]]:
    """xf index -> openpyxl style objects, built once per xf (not once per cell)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    styles: dict[int, dict[str, Any]] = {}
    for index, xf in enumerate(getattr(book, "xf_list", None) or []):
        style: dict[str, Any] = {}
        try:
            f = book.font_list[xf.font_index]
            colour = _xls_colour(book, f.colour_index)
            style["font"] = Font(
                name=f.name or None,
                size=f.height / 20 if f.height else None,
                bold=bool(f.bold),
                italic=bool(f.italic),
                underline="single" if f.underline_type else None,
                color=colour if colour and colour != "FF000000" else None,
            )
            b = xf.border

            def side(style_code: int, colour_index: int) -> Any:
                line = _XLS_BORDERS.get(style_code)
                return Side(style=line, color=_xls_colour(book, colour_index)) if line else Side()

            style["border"] = Border(
                left=side(b.left_line_style, b.left_colour_index),
                right=side(b.right_line_style, b.right_colour_index),
                top=side(b.top_line_style, b.top_colour_index),
                bottom=side(b.bottom_line_style, b.bottom_colour_index),
            )
            a = xf.alignment
            style["alignment"] = Alignment(
                horizontal=_XLS_HALIGN.get(a.hor_align),
                vertical=_XLS_VALIGN.get(a.vert_align),
                wrap_text=bool(a.text_wrapped) or None,
            )
            fmt = book.format_map.get(xf.format_key)
            if fmt is not None and fmt.format_str and fmt.format_str != "General":
                style["number_format"] = fmt.format_str
            bg = xf.background
            if bg.fill_pattern == 1:
                colour = _xls_colour(book, bg.pattern_colour_index)
                if colour:
                    style["fill"] = PatternFill("solid", fgColor=colour)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            pass  # a writer's odd formatting record: the cell keeps the default look
        styles[index] = style
    return styles


def xls_to_openpyxl(data: bytes) -> Any:
    """An .xls (Excel 97-2003) template rebuilt as an openpyxl workbook, formatting included
    as far as xlrd reports it (see models.fill.template_file for what is lost)."""
    import xlrd
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception:  # some writers' formatting records trip xlrd up; values may still be fine
        book = xlrd.open_workbook(file_contents=data)
    styles = _xls_styles(book)
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in book.sheets():
        ws = wb.create_sheet(sheet.name[:31])
        if getattr(sheet, "visibility", 0):
            ws.sheet_state = "hidden"
        for r in range(sheet.nrows):
            for c, xcell in enumerate(sheet.row(r)):
                value: Any = xcell.value
                style = styles.get(xcell.xf_index) if xcell.xf_index is not None else None
                if xcell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    if not style:
                        continue
                    value = None
                elif xcell.ctype == xlrd.XL_CELL_DATE:
                    with contextlib.suppress(ValueError, OverflowError, xlrd.xldate.XLDateError):
                        value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                elif xcell.ctype == xlrd.XL_CELL_ERROR:
                    value = None
                elif xcell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                elif xcell.ctype == xlrd.XL_CELL_NUMBER and float(value).is_integer():
                    value = int(value)
                cell = ws.cell(r + 1, c + 1)
                if isinstance(value, str):
                    cell.value = re.sub(r"[\000-\010\013\014\016-\037]", "", value)
                    cell.data_type = "s"  # a text starting with = stays text
                else:
                    cell.value = value
                for key, item in (style or {}).items():
                    setattr(cell, key, item)
                if isinstance(value, dt.datetime) and "number_format" not in (style or {}):
                    cell.number_format = DATE
        for r1, r2, c1, c2 in sheet.merged_cells:
            if r2 - r1 > 1 or c2 - c1 > 1:
                ws.merge_cells(start_row=r1 + 1, end_row=r2, start_column=c1 + 1, end_column=c2)
        default_width = getattr(sheet, "defcolwidth", None)
        if default_width:
            ws.sheet_format.defaultColWidth = default_width
        for c, info in getattr(sheet, "colinfo_map", {}).items():
            if c >= sheet.ncols + 10:
                continue  # writers give all 256 columns a width; only the table's matter
            dim = ws.column_dimensions[get_column_letter(c + 1)]
            dim.width = info.width / 256
            if info.hidden:
                dim.hidden = True
        for r, info in getattr(sheet, "rowinfo_map", {}).items():
            if info.height:
                ws.row_dimensions[r + 1].height = info.height / 20
            if info.hidden:
                ws.row_dimensions[r + 1].hidden = True
    if not wb.worksheets:
        raise XlsError("模板中没有工作表。")
    return wb
