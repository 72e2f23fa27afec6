"""Filling a department's own Excel template (一表通) with rows from the register.

Each department (民政, 残联, 卫健, 人社, 公安) sends its own workbook: a merged title, a
填报单位 line, a header of one or two rows, a few bordered blank rows, and a footer
(制表人 / 审核人 / 填报日期). `analyse` finds where the header and the footer are and what the
columns are called; `fill_workbook` writes a copy of the file with the rows under the header,
keeping the department's formatting, and fills the date blanks of the title and the footer.

This module knows nothing of the database: rows arrive as plain values in column order.

How a template is read: the header is the row among the first 30 with the most short text
cells that are list words (序号, 姓名, 身份证…); a header of two or three rows is recognised
by its merged cells (cells merged down over the next row, or a wide cell with sub labels
under it). The footer is the first row under the header starting with 制表人, 审核人,
填报日期, 说明, 注：, 合计 and the like. The rows between are the data area: its bordered
(or filled) rows are the pre-formatted blank rows, and one empty row just above the footer
is the gap kept between the data and the footer when the footer has to move down.
Not recognised: a group row above the header with no cell reaching down (the sub labels
are then taken alone), and a row of column numbers (1 2 3 …) under the header (it would be
written over).

What is kept from an .xlsx template: everything openpyxl round-trips (values, merged cells,
column widths, row heights, fonts, borders, fills, alignment, number formats, print setup,
data validations, conditional formatting, comments, other sheets). What openpyxl drops:
shapes and text boxes, form controls, macros (output is always .xlsx), and pictures unless
Pillow is installed.

An .xls template (Excel 97-2003) is read with xlrd and rebuilt as an .xlsx: cell values,
merged cells, column widths, row heights, fonts (name, size, bold, italic, underline,
colour), borders (line styles), alignment (horizontal, vertical, wrap), number formats and
solid fills are carried over as far as xlrd reports them. Lost from an .xls: data
validations (xlrd does not read them), conditional formatting, print setup (paper, margins,
print titles, page header/footer), frozen panes, pictures, comments and formulas (their last
computed value is kept).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Callable, Collection, Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from models.core.errors import UserFacingError
from models.registry.workbook.read import FOOTER_WORDS, _clean_header, clean_text, header_field

Source = bytes | str | Path
Progress = Callable[[int, int], bool]

# Same list as models.registry.workbook.export.FORMULA_STARTS (not imported: that module pulls in the
# database, and this engine must stay free of it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT = "@"
DATE = "yyyy-mm-dd"
HEADER_SCAN_ROWS = 30
PROGRESS_EVERY = 200
MAX_CELL_CHARS = 32_767

# Words seen in the headers of department lists; a header row holds several of them.
HEADER_WORDS = ("序号", "姓名", "性别", "身份证", "证件", "出生", "年龄", "地址", "住址", "电话",
                "手机", "户主", "关系", "民族", "类别", "备注", "小区", "楼", "单元", "门牌", "残疾",
                "等级", "补贴", "金额", "户籍", "社区", "村", "组", "职业", "单位", "文化", "婚姻",
                "政治", "人数", "标准", "类型", "状况", "日期", "时间", "编号", "证号", "签字",
                "银行", "账号", "卡号", "原因", "对象", "家庭", "人口", "户号", "省", "市", "县",
                "区", "街道", "乡镇", "门", "室", "号")
# Lines under the table; "注" only with its colon or number (注：… / 注1.…), not 注销.
_FOOTER_START = tuple(dict.fromkeys(
    ("制表人", "填表人", "审核人", "负责人", "联系电话", "填报日期", "日期", "说明", "合计", "总计",
     "备注：", "备注:") + FOOTER_WORDS))
_NOTE_RE = re.compile(r"^注\s*[:：\d一二三1-9.、]")

# A date to fill: 年 and 月 (and maybe 日) with blanks (spaces, full-width spaces, ____) where
# the digits go; a part already typed (2026年  月) is kept.
_BLANK = r"[ \t\u3000_＿]*"
_DATE_BLANK_RE = re.compile(
    rf"(?P<y>\d{{4}}|{_BLANK})(?P<yw>\s*年)(?P<m>\d{{1,2}}|{_BLANK})(?P<mw>\s*月)"
    rf"(?:(?P<d>\d{{1,2}}|{_BLANK})(?P<dw>\s*日))?")


class TemplateError(UserFacingError):
    """Message is one Chinese sentence for the clerk."""


class FillCancelled(UserFacingError):
    def __init__(self) -> None:
        super().__init__("填写已取消，没有生成文件。")


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template's table. Labels have no whitespace; the rows of a
    multi-row header are joined with "·" ("户籍地址·小区"), a cell merged down counts once
    ("姓名"). A column with no label between labelled ones is kept with label "" (nothing is
    meant to go there); a label used twice gets its letter: "备注", "备注(K)"."""

    index: int  # 1-based sheet column
    letter: str  # "A"
    label: str


@dataclass(frozen=True)
class TemplateLayout:
    sheet: str
    header_top: int
    header_bottom: int
    first_data_row: int
    footer_row: int | None
    columns: tuple[TemplateColumn, ...]
    placeholders: tuple[str, ...]  # coordinates of title/footer cells with date blanks


# -- loading ----------------------------------------------------------------------------------

def _name_of(source: Source) -> str:
    return "模板" if isinstance(source, bytes) else f"“{Path(source).name}”"


def _read_bytes(source: Source) -> tuple[bytes, str]:
    """(content, lower-case suffix or "" for bytes)."""
    if isinstance(source, bytes):
        return source, ""
    path = Path(source)
    if not path.exists():
        raise TemplateError(f"模板文件“{path}”不存在。")
    if path.is_dir():
        raise TemplateError(f"“{path}”是一个文件夹，不是模板文件。")
    try:
        return path.read_bytes(), path.suffix.lower()
    except OSError as exc:
        raise TemplateError(f"无法读取模板文件“{path.name}”：{exc}") from exc


def _kind(data: bytes, suffix: str, name: str) -> str:
    if data.startswith(b"PK"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        # An .xlsx with an open password is an OLE file too (EncryptedPackage inside).
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise TemplateError(f"{name}设有打开密码，请在 Excel 或 WPS 中取消密码后另存再使用。")
        return "xls"
    if suffix in (".csv", ".txt"):
        raise TemplateError(f"{name}是 CSV 文本文件，模板须是 Excel 工作簿（.xlsx 或 .xls）。")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise TemplateError(f"{name}已损坏或不是有效的 Excel 工作簿。")
    raise TemplateError(f"{name}不是 Excel 工作簿，模板须是 .xlsx 或 .xls 文件。")


def _load(source: Source) -> Any:
    """The template as an openpyxl workbook (an .xls is rebuilt in memory)."""
    name = _name_of(source)
    data, suffix = _read_bytes(source)
    kind = _kind(data, suffix, name)
    try:
        if kind == "xlsx":
            import openpyxl

            return openpyxl.load_workbook(io.BytesIO(data), rich_text=False)
        from models.fill.xls import XlsError, xls_to_openpyxl

        try:
            return xls_to_openpyxl(data)
        except XlsError as exc:
            raise TemplateError(str(exc)) from exc
    except TemplateError:
        raise
    except Exception as exc:
        # Damaged files make zipfile, zlib, the XML parser, openpyxl or xlrd raise almost
        # anything; the clerk gets one sentence either way.
        raise TemplateError(
            f"{name}已损坏、设有密码或不是有效的 Excel 工作簿（{type(exc).__name__}: "
            f"{str(exc)[:120]}）。") from exc


def sheet_names(source: Source) -> list[str]:
    """The visible sheets of the template, in order (hidden sheets are no form to fill)."""
    book = _load(source)
    return [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]


# -- analysis ---------------------------------------------------------------------------------

def _text(value: Any) -> str:
    """A header cell as a label: no whitespace or newlines of any kind."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", str(value))


def _row_score(values: list[Any]) -> int:
    """How much a row looks like a header: short text cells, most of them list words."""
    texts = [_text(v) for v in values if isinstance(v, str) and _text(v)]
    # "填报单位：" and "联系电话：" are the labels of a form line, not column names.
    short = [t for t in texts if len(t) <= 14 and "：" not in t and ":" not in t]
    if len(short) < 2:
        return 0
    known = sum(1 for t in short
                if header_field(t) or any(word in _clean_header(t) for word in HEADER_WORDS))
    if known < 2:
        return 0
    # A title or a 填报单位 line is one or two long cells; numbers mean a data row.
    numbers = sum(1 for v in values if isinstance(v, (int, float)) and not isinstance(v, bool))
    return known * 3 + len(short) - 2 * numbers - (len(texts) - len(short))


class _Grid:
    """The sheet's values with merged ranges known: value(r, c) gives the merge's value."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.merge_at: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for rng in ws.merged_cells.ranges:
            box = (rng.min_row, rng.max_row, rng.min_col, rng.max_col)
            # Only the cells near the top matter for the header; a huge range stays cheap.
            for r in range(rng.min_row, min(rng.max_row, HEADER_SCAN_ROWS + 2) + 1):
                for c in range(rng.min_col, min(rng.max_col, 300) + 1):
                    self.merge_at[r, c] = box

    def own(self, r: int, c: int) -> Any:
        cell = self.ws._cells.get((r, c))
        return None if cell is None else cell.value

    def value(self, r: int, c: int) -> Any:
        box = self.merge_at.get((r, c))
        if box:
            return self.own(box[0], box[2])
        return self.own(r, c)

    def row(self, r: int, width: int) -> list[Any]:
        """The row's own values (a merge's value once, at its left cell)."""
        out: list[Any] = []
        for c in range(1, width + 1):
            box = self.merge_at.get((r, c))
            if box and box[2] != c:
                out.append(None)
            elif box:
                out.append(self.own(box[0], box[2]) if box[0] == r else None)
            else:
                out.append(self.own(r, c))
        return out


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _is_footer_text(text: str) -> bool:
    return text.startswith(_FOOTER_START) or bool(_NOTE_RE.match(text))


def _to_fill(text: str, match: re.Match[str]) -> bool:
    """Whether a 年/月/日 match is a blank to fill (not a full date, not a word)."""
    y, m, d = match.group("y"), match.group("m"), match.group("d")
    if all(p.isdigit() for p in (y, m) + ((d,) if d is not None else ())):
        return False
    before = text[:match.start()].rstrip(" \t\u3000")
    # 出生年月日 in a note is a word; a blank follows a colon, a bracket or nothing.
    return bool(y) or not before or before[-1] in "：:（(【["


def _has_date_blank(text: str) -> bool:
    return any(_to_fill(text, match) for match in _DATE_BLANK_RE.finditer(text))


def _analyse_sheet(ws: Any) -> TemplateLayout | None:
    width = min(ws.max_column or 1, 300)
    last = ws.max_row or 1
    grid = _Grid(ws)
    best, best_row = 0, 0
    for r in range(1, min(last, HEADER_SCAN_ROWS) + 1):
        score = _row_score(grid.row(r, width))
        if score > best:
            best, best_row = score, r
    if not best_row:
        return None
    top = best_row
    # The row above may be the top of a two-row header whose cells reach down to this row.
    if top > 1 and any(box[0] == top - 1 and box[1] >= top
                       for (r, _c), box in grid.merge_at.items() if r == top):
        top -= 1
    bottom = top
    if top + 1 <= last:
        # A header of two (or three) rows: the top row's cells reach down over the next row,
        # or a wide top cell (户籍地址) has sub labels (省/市/县) under it.
        reach = top
        for c in range(1, width + 1):
            box = grid.merge_at.get((top, c))
            if box is None or box[0] != top:
                continue
            if box[1] > top:
                reach = max(reach, box[1])
            elif box[3] > box[2] and any(_text(grid.own(top + 1, k))
                                         for k in range(box[2], box[3] + 1)):
                reach = max(reach, top + 1)
        bottom = min(reach, top + 2, last)
    columns: list[TemplateColumn] = []
    for c in range(1, width + 1):
        parts: list[str] = []
        for r in range(top, bottom + 1):
            box = grid.merge_at.get((r, c))
            if bottom == top and box is not None and box[2] != c:
                continue  # a wide cell of a one-row header labels its first column only
            text = _text(grid.value(r, c))
            if text and (not parts or parts[-1] != text):  # a merge repeats its value down
                parts.append(text)
        columns.append(TemplateColumn(c, _letter(c), "·".join(parts)))
    while columns and not columns[-1].label:
        columns.pop()
    # Two columns of the same name (备注 twice) get their letter so a mapping can tell them apart.
    seen: set[str] = set()
    deduped = []
    for col in columns:
        label = col.label
        if label and label in seen:
            label = f"{label}({col.letter})"
        seen.add(label)
        deduped.append(TemplateColumn(col.index, col.letter, label))
    first = bottom + 1
    # Only the cells that exist are looked at: a column formatted down to row 1048576 makes
    # max_row huge while the template holds a few dozen cells.
    texts_by_row: dict[int, list[tuple[int, str]]] = {}
    for (r, c), cell in ws._cells.items():
        if isinstance(cell.value, str) and (r < top or r >= first) and c <= width:
            texts_by_row.setdefault(r, []).append((c, cell.value))
    footer: int | None = None
    for r in sorted(k for k in texts_by_row if k >= first):
        if any(_is_footer_text(clean_text(v)) for _c, v in texts_by_row[r] if clean_text(v)):
            footer = r
            break
    placeholders = []
    for r in sorted(texts_by_row):
        if r >= top and (footer is None or r < footer):
            continue
        for c, value in sorted(texts_by_row[r]):
            if "年" in value and _has_date_blank(value):
                placeholders.append(f"{_letter(c)}{r}")
    return TemplateLayout(ws.title, top, bottom, first, footer, tuple(deduped),
                          tuple(placeholders))


def analyse(source: Source, sheet: str | None = None) -> TemplateLayout:
    """Where the header, the data rows and the footer of the template are.

    Without *sheet*, the first visible sheet that has a header is taken."""
    book = _load(source)
    if sheet is not None:
        if sheet not in book.sheetnames:
            raise TemplateError(f"模板中没有名为“{sheet}”的工作表。")
        candidates = [book[sheet]]
    else:
        candidates = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    for ws in candidates:
        layout = _analyse_sheet(ws)
        if layout is not None:
            return layout
    where = f"工作表“{sheet}”" if sheet else _name_of(source)
    raise TemplateError(f"没有找到表头：{where}的前{HEADER_SCAN_ROWS}行中没有“序号”“姓名”"
                        "“身份证号码”等列名组成的一行。")


# -- filling ----------------------------------------------------------------------------------

def fill_placeholder(text: str, as_of: dt.date, period: dt.date | None = None) -> str:
    """"2026年  月" -> "2026年12月", "填报日期：    年  月  日" -> "填报日期：2026年12月3日".

    A blank with a day is the day the sheet is filled (*as_of*); a 年 月 blank names the
    month the sheet is about (*period*, e.g. the year's end for 截至年底 lists; default as_of).
    """

    def repl(match: re.Match[str]) -> str:
        if not _to_fill(text, match):
            return match.group(0)
        y, m, d = match.group("y"), match.group("m"), match.group("d")
        day = as_of if d is not None else (period or as_of)
        out = f"{y if y.isdigit() else day.year}年{m if m.isdigit() else day.month}月"
        if d is not None:
            out += f"{d if d.isdigit() else day.day}日"
        return out

    return _DATE_BLANK_RE.sub(repl, text)


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


def fill_workbook(source: Source, layout: TemplateLayout, rows: Sequence[Sequence[Any]],
                  out: str | Path, *, as_of: dt.date, period: dt.date | None = None,
                  text_columns: Collection[int] = (),
                  progress: Progress | None = None) -> int:
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
    book = _load(source)
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
        gap = 1 if space > prepared and not _formatted(ws, above, cols) and not any(
            _text(cell.value) for (r, _c), cell in ws._cells.items() if r == above) else 0
        shift = max(0, first + total + gap - footer)
        model_row: int | None = first if space > 0 else None
    else:
        model_row = first
    model_cells = {}
    style_cols = set(cols)
    if model_row is not None:
        style_cols |= {c for (r, c) in ws._cells if r == model_row}
        model_cells = {c: ws._cells.get((model_row, c)) for c in style_cols}
    height = ws.row_dimensions[model_row].height if model_row is not None \
        and model_row in ws.row_dimensions else None
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
                cell._style = copy(st.plain_quoted if text.startswith(FORMULA_STARTS)
                                   else st.plain)
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


__all__ = ["FillCancelled", "TemplateColumn", "TemplateError", "TemplateLayout", "analyse",
           "fill_placeholder", "fill_workbook", "sheet_names"]
