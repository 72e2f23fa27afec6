"""The rejected rows of an import, saved as a workbook the clerk can fix and import again.

Same layout as the file they came from: one sheet per source sheet under the same name (a
sheet named for its compound keeps its compound), the same header, the rows as they were
read (merged household cells already filled in, so each row stands alone), plus a 问题
column at the end saying what is wrong and where the row was. The importer ignores the
问题 column. The ID-number column is formatted as text so that a number typed into it
keeps every digit.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from models.registry.workbook.cells import column_letter
from models.registry.workbook.export import FORMULA_STARTS
from models.registry.workbook.import_preview import Preview
from models.registry.workbook.importer import safe_sheet_title

PROBLEM_HEADER = "问题"


def save_rejected(pv: Preview, path: str | os.PathLike[str]) -> int:
    """Write the rejected rows of *pv* to *path* (.xlsx); returns how many were written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    rejected = pv.rejected
    book = Workbook()
    book.remove(book.active)
    red = PatternFill("solid", fgColor="FFE0E0")
    bold = Font(bold=True)
    by_sheet: dict[str, list] = {}
    for row in rejected:
        by_sheet.setdefault(row.sheet, []).append(row)
    for name, rows in by_sheet.items():
        source = pv.sheets[name]
        ws = book.create_sheet(safe_sheet_title(name))
        width = max([len(source.headers)] + [len(r.values) for r in rows])
        headers = list(source.headers) + [""] * (width - len(source.headers))
        ws.append(headers + [PROBLEM_HEADER])
        for cell in ws[1]:
            cell.font = bold
        problem_col = width + 1
        id_col = source.columns.get("id_number")
        for row in rows:
            values = list(row.values) + [None] * (width - len(row.values))
            problems = "；".join(i.text() for i in row.issues)
            ws.append(values + [f"{problems}（原表第{row.row}行）"])
            out = ws.max_row
            for col, value in enumerate(values, start=1):
                if isinstance(value, (dt.date, dt.datetime)):
                    ws.cell(out, col).number_format = "yyyy-mm-dd"
                elif isinstance(value, str) and value.startswith(FORMULA_STARTS):
                    text = ws.cell(out, col)  # as typed, never a live formula
                    text.value = value
                    text.data_type = "s"
                    text.quotePrefix = True
            if id_col is not None:
                ws.cell(out, id_col + 1).number_format = "@"
            cell = ws.cell(out, problem_col)
            cell.fill = red
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if id_col is not None:
            letter = column_letter(id_col)
            ws.column_dimensions[letter].width = 22
            ws.cell(1, id_col + 1).number_format = "@"
        ws.column_dimensions[column_letter(problem_col - 1)].width = 60
        ws.freeze_panes = "A2"
    if not by_sheet:
        book.create_sheet("退回")
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    book.save(tmp)
    os.replace(tmp, path)
    return len(rejected)
