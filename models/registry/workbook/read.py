"""Reading a household register from a workbook (.xlsx, .xls) or a CSV file (GBK or UTF-8).

One reader per file format: .xlsx through read-only openpyxl (merged cells and the real size
taken from the sheet's XML), .xls through xlrd, CSV in whatever encoding and dialect it was
saved in. Every visible sheet's rows, with merged cells filled down (household cells merged
across members), go to models.registry.workbook.table, which finds the register in them.
A file that cannot be read gets one sentence for the clerk (WorkbookReadError).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.core.errors import UserFacingError
from models.registry.workbook.cells import column_letter
from models.registry.workbook.table import SheetTable, WorkbookData, sheet_from_rows

Progress = Callable[[int, int], bool]  # (done, total) -> False to cancel


class WorkbookReadError(UserFacingError):
    """The file cannot be read as a register; the message is for the user."""


class ReadCancelled(UserFacingError):
    def __init__(self) -> None:
        super().__init__("读取已取消。")


# -- .xlsx ----------------------------------------------------------------------------------

_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _col_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def _xlsx_layout(
    archive: zipfile.ZipFile, member: str
) -> tuple[int, list[tuple[int, int, int, int]]]:
    """(row count, merged ranges as (first row, last row, first col, last col), rows 1-based).

    Read-only openpyxl reports no merged cells, and no size when the writer left out the
    sheet's dimension (write-only openpyxl does); both are plain to see in the sheet's XML."""
    with archive.open(member) as fh:
        data = fh.read()
    rows = data.count(b"<row ") + data.count(b"<row>")
    merges = [
        (int(r1), int(r2), _col_index(c1), _col_index(c2))
        for c1, r1, c2, r2 in _MERGE_RE.findall(data)
    ]
    return rows, merges


def _fill_merges(rows: dict[int, list[Any]], merges: list[tuple[int, int, int, int]]) -> None:
    # A range may claim far more rows and columns than the sheet has (A1:A200000 on a
    # three-row sheet): fill only the cells that are there, not one list per claimed row.
    last_row = max(rows, default=0)
    width = max((len(v) for v in rows.values()), default=0)
    for r1, r2, c1, c2 in merges:
        top = rows.get(r1)
        if top is None:
            continue
        r2, c2 = min(r2, last_row), min(c2, max(width - 1, c1))
        for r in range(r1, r2 + 1):
            target = rows.setdefault(r, [])
            for c in range(c1, c2 + 1):
                value = top[c1] if c1 < len(top) else None
                if len(target) <= c:
                    target.extend([None] * (c + 1 - len(target)))
                if r != r1 or c != c1:
                    target[c] = value


def _read_xlsx(path: Path, progress: Progress | None) -> WorkbookData:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise WorkbookReadError(
            f"无法读取工作簿“{path.name}”：文件已损坏、设有打开密码，或不是 Excel 工作簿（{exc}）。"
        ) from exc
    data = WorkbookData(path, "xlsx", [])
    try:
        archive = zipfile.ZipFile(path)
        sheets = [
            ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"
        ]
        layouts = []
        for ws in sheets:
            member = getattr(ws, "_worksheet_path", None)
            layouts.append(
                _xlsx_layout(archive, member.lstrip("/")) if member else (ws.max_row or 0, [])
            )
        archive.close()
        total = sum(count for count, _ in layouts) or 1
        done = 0
        for ws, (_, merges) in zip(sheets, layouts, strict=True):
            # Some programs write a wrong size into the file, and read-only openpyxl would
            # then stop early or cut columns off: read every row and cell that is there.
            ws.reset_dimensions()
            rows: dict[int, list[Any]] = {}
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                rows[number] = list(values)
                done += 1
                if progress and done % 500 == 0 and progress(min(done, total), total) is False:
                    raise ReadCancelled()
            _fill_merges(rows, merges)
            _collect(data, ws.title, sorted(rows.items()))
    finally:
        book.close()
    return data


# Excel's own limit for one cell: anything longer was not typed into a register, and
# echoing it in row messages would flood the preview.
MAX_CELL_CHARS = 32_767


def _collect(data: WorkbookData, name: str, rows: list[tuple[int, list[Any]]]) -> None:
    for number, values in rows:
        for index, value in enumerate(values):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise WorkbookReadError(
                    f"“{data.path.name}”的“{name}”第 {number} 行 {column_letter(index)} 列超过 "
                    f"{MAX_CELL_CHARS} 个字符，不像花名册，没有导入任何内容。"
                )
    result = sheet_from_rows(name, rows)
    if isinstance(result, SheetTable):
        data.sheets.append(result)
    elif result:
        data.ignored_sheets.append((name, result))


# -- .xls -----------------------------------------------------------------------------------


def _read_xls(path: Path, progress: Progress | None) -> WorkbookData:
    import xlrd

    errors = (
        xlrd.XLRDError,
        OSError,
        ValueError,
        AssertionError,
        IndexError,
        KeyError,
        NotImplementedError,
    )
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except errors:
        try:  # some writers' formatting records trip xlrd up; the values may still be fine
            book = xlrd.open_workbook(str(path), on_demand=True)
        except errors as exc:
            raise WorkbookReadError(
                f"无法读取工作簿“{path.name}”：文件已损坏或不是 Excel 97-2003 工作簿（{exc}）。"
                "网页系统导出的 .xls 常常其实是网页，请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。"
            ) from exc
    data = WorkbookData(path, "xls", [])
    try:
        names = book.sheet_names()
        total = 0
        sheets = []
        for i in range(len(names)):
            sheet = book.sheet_by_index(i)
            if getattr(sheet, "visibility", 0) == 0:
                sheets.append(sheet)
                total += sheet.nrows
        done = 0
        for sheet in sheets:
            rows: dict[int, list[Any]] = {}
            for r in range(sheet.nrows):
                rows[r + 1] = [_xls_value(cell, book.datemode) for cell in sheet.row(r)]
                done += 1
                if progress and done % 500 == 0 and progress(done, max(total, 1)) is False:
                    raise ReadCancelled()
            merges = [(r1 + 1, r2, c1, c2 - 1) for r1, r2, c1, c2 in sheet.merged_cells]
            _fill_merges(rows, merges)
            _collect(data, sheet.name, sorted(rows.items()))
    finally:
        book.release_resources()
    return data


def _xls_value(cell: Any, datemode: int) -> Any:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            value = xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
        return value
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        return int(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return None
    return cell.value


# -- CSV ------------------------------------------------------------------------------------


def _utf16_without_bom(raw: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when *raw* clearly is UTF-16 saved without its BOM, else None.

    A register's commas, digits and line ends are ASCII, whose UTF-16 code units have a zero
    high byte: many zeros on one side of the code units (odd positions for LE, even for BE)
    and almost none on the other. UTF-8 text never looks like that (a stray NUL or two does
    not), and neither do binary files, whose zeros fall on both sides.
    """
    sample = raw[:8192]
    units = len(sample) // 2
    if units < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    # U+4E00 一 and its like have a zero low byte: the quiet side may hold a few zeros.
    if odd >= units / 10 and even * 20 <= odd:
        return "utf-16-le"
    if even >= units / 10 and odd * 20 <= even:
        return "utf-16-be"
    return None


def decode_text(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM) when it decodes, UTF-16 (with a BOM, or
    without one when the bytes clearly are UTF-16), else GBK (as GB18030)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:  # an odd byte count or a lone surrogate
            raise WorkbookReadError(
                "文件以 UTF-16 编码开头，但内容残缺或已损坏，无法读取。"
            ) from exc
    # Before UTF-8: UTF-16 of ASCII is valid UTF-8 too (full of NULs).
    utf16 = _utf16_without_bom(raw)
    if utf16:
        try:
            return raw.decode(utf16), utf16
        except UnicodeDecodeError as exc:
            raise WorkbookReadError("文件像是 UTF-16 编码，但内容残缺或已损坏，无法读取。") from exc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        raise WorkbookReadError("无法识别文件的文字编码（应为 UTF-8 或 GBK）。") from exc


def _read_csv(path: Path, progress: Progress | None) -> WorkbookData:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WorkbookReadError(f"无法读取文件“{path.name}”：{exc}") from exc
    text, encoding = decode_text(raw)
    if "\x00" in text:  # a binary file, or UTF-16 without its BOM; never a typed register
        raise WorkbookReadError(f"“{path.name}”不是文本格式的 CSV 文件。")
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    # newline="": lines may end in \r alone (old Mac exports); csv splits them itself.
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = [
            (n, [cell if cell != "" else None for cell in values])
            for n, values in enumerate(reader, start=1)
        ]
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise WorkbookReadError(
                f"“{path.name}”第 {reader.line_num} 行有一格超过 {csv.field_size_limit()} 个字符，"
                "不像花名册，没有导入任何内容。"
            ) from exc
        raise WorkbookReadError(
            f"“{path.name}”第 {reader.line_num} 行无法按 CSV 格式读取（{exc}），没有导入任何内容。"
        ) from exc
    if progress and progress(len(rows), max(len(rows), 1)) is False:
        raise ReadCancelled()
    data = WorkbookData(path, "csv", [], encoding=encoding)
    _collect(data, path.stem, rows)
    return data


def read_workbook(path: str | Path, progress: Progress | None = None) -> WorkbookData:
    """Read every visible sheet of *path* that holds a register table.

    Raises WorkbookReadError when the file cannot be read or holds no register at all."""
    path = Path(path)
    if not path.exists():
        raise WorkbookReadError(f"文件“{path}”不存在。")
    if path.is_dir():
        raise WorkbookReadError(f"“{path}”是一个文件夹。")
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WorkbookReadError(f"无法读取文件“{path.name}”：{exc}") from exc
    if suffix in (".xlsx", ".xlsm") or (suffix != ".csv" and head.startswith(b"PK")):
        reader = _read_xlsx
    elif suffix == ".xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        reader = _read_xls
    elif suffix in (".csv", ".txt"):
        reader = _read_csv
    else:
        raise WorkbookReadError(f"不支持的文件类型“{suffix}”：请使用 .xlsx、.xls 或 .csv 文件。")
    try:
        data = reader(path, progress)
    except (WorkbookReadError, ReadCancelled):
        raise
    except Exception as exc:
        # A damaged file makes zipfile, zlib, the XML parser, openpyxl or xlrd raise almost
        # anything (BadZipFile, zlib.error, ParseError, ValueError, CompDocError...), often
        # only while rows are read: whatever it is, the clerk gets one sentence.
        raise WorkbookReadError(
            f"文件“{path.name}”已损坏或不是有效的 Excel 工作簿"
            f"（{type(exc).__name__}: {str(exc)[:200]}），没有导入任何内容。"
        ) from exc
    if not data.sheets:
        why = "；".join(f"{name}：{reason}" for name, reason in data.ignored_sheets)
        raise WorkbookReadError(
            f"“{path.name}”中没有找到花名册（需有“姓名”“身份证号码”“与户主关系”等列的表头）"
            + (f"。{why}" if why else "。")
        )
    return data
