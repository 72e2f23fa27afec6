"""Reading a household register from a workbook (.xlsx, .xls) or a CSV file (GBK or UTF-8).

Real registers are messy. This module finds the header row under any title rows, maps the
many spellings of each header to one field name, fills merged cells down (household cells
merged across members), and drops blank rows, repeated headers and total rows. It returns
the cells as they were typed: turning them into register values is workbook_import's job.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.core.errors import UserFacingError

Progress = Callable[[int, int], bool]  # (done, total) -> False to cancel

# Field name -> the header texts (after _clean_header) that mean it, most common first.
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "compound": ("小区", "小区名称", "所在小区", "居住小区", "小区名"),
    "household_no": ("户号", "户编号", "户籍编号", "唯一编号", "家庭户号", "户口编号", "户代码"),
    "building": ("楼栋", "楼号", "栋号", "楼栋号", "栋", "楼", "组", "村民小组"),
    "unit": ("单元", "单元号"),
    "room": ("门牌", "门牌号", "房号", "房间号", "室", "门牌号码", "户室号"),
    "household_type": ("户别", "户口性质", "户类型", "户口类型", "户籍性质", "户类别"),
    "name": ("姓名", "居民姓名", "成员姓名", "名字"),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "身份证", "公民身份证号码",
                  "身份证件号码", "证件号码", "公民身份证号"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日", "出生时间"),
    "ethnicity": ("民族",),
    "relation": ("与户主关系", "关系", "与户主的关系", "家庭关系", "与户主关系名称"),
    "education": ("文化程度", "学历", "文化", "受教育程度"),
    "marital_status": ("婚姻状况", "婚姻", "婚姻状态"),
    "political_status": ("政治面貌", "政治身份"),
    "category": ("人员类别", "人口类别", "类别", "人口类型", "人员类型"),
    "status": ("人员状态", "状态", "在册状态"),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码"),
    "hukou_address": ("户籍地址", "户籍地", "户口所在地", "户籍所在地", "户籍地详址", "户籍详址",
                      "户口登记地", "户籍所在地详址", "户籍地址详址"),
    "work_unit": ("工作单位", "工作单位或职业", "职业", "工作单位及职务", "服务处所"),
    "arrived_on": ("来本地日期", "来本地时间", "来本地居住日期", "居住起始日期", "居住时间",
                   "来本地居住时间", "入住时间", "入住日期", "来现住地时间", "到达本地时间"),
    # A whole address, or its parts (门牌名 + 门牌号), combined in column order.
    "address": ("现住址", "现住地址", "居住地址", "现居住地址", "现住地详址", "居住地详址", "住址",
                "家庭住址", "详细地址", "门牌名", "门详址", "门楼详址", "现住地"),
    "notes": ("备注",),
    "household_phone": ("户电话", "户联系电话", "家庭电话", "住宅电话", "家庭联系电话"),
    "household_notes": ("户备注", "家庭备注", "户情况"),
    "special_groups": ("特殊人群", "特殊群体", "特殊人群类别", "人群类别", "特殊对象", "重点人群",
                       "重点人员", "特殊人员", "优抚救助对象"),
}
# Columns that are no register field but say something worth keeping: their cells go into
# the person's notes as "表头：内容".
EXTRA_HEADERS = ("居住事由", "拟居住期限", "居住处所", "暂住事由", "房主姓名", "房东姓名", "房主电话",
                 "房主联系电话", "房东电话", "曾用名", "宗教信仰", "兵役状况", "居住证号码",
                 "离开户口登记地时间", "离开户口登记地原因", "职业类别", "登记日期")
# Fields that may take several columns (combined in column order).
MULTI_FIELDS = ("address", "extra")
# Looser rules for headers no alias matched: (text the header contains, field), in order.
_CONTAINS: tuple[tuple[str, str], ...] = (
    ("身份号", "id_number"), ("身份证", "id_number"), ("证件号", "id_number"),
    ("户主关系", "relation"), ("户号", "household_no"), ("小区", "compound"),
    ("出生", "birth_date"), ("电话", "phone"), ("手机", "phone"), ("民族", "ethnicity"),
    ("文化", "education"), ("婚姻", "marital_status"), ("政治", "political_status"),
    ("户籍地", "hukou_address"), ("户口所在地", "hukou_address"), ("单元", "unit"), ("门牌", "room"), ("楼栋", "building"),
    ("特殊人群", "special_groups"), ("特殊群体", "special_groups"),
)
# Columns the program itself writes that are not register fields (left alone on import).
IGNORED_HEADERS = ("序号", "问题", "编号", "原行号")
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "总数")
# Signature lines under a table (制表人：张三  审核人：李四  填报日期：…), in any column.
FOOTER_WORDS = ("制表人", "制表日期", "制表单位", "审核人", "审核", "填报日期", "填报人", "填报单位",
                "填表人", "填表日期", "负责人", "单位负责人", "统计人", "经办人", "核对人", "报送日期",
                "采集人", "采集日期", "登记人", "签字", "盖章")
_ID_LIKE = re.compile(r"\d{15}|\d{17}[\dXx]")
HEADER_SCAN_ROWS = 20

_HEADER_LOOKUP = {alias: name for name, aliases in FIELD_HEADERS.items() for alias in aliases}
_HEADER_LOOKUP.update({text: "extra" for text in EXTRA_HEADERS})


class WorkbookReadError(UserFacingError):
    """The file cannot be read as a register; the message is for the user."""


class ReadCancelled(UserFacingError):
    def __init__(self) -> None:
        super().__init__("读取已取消。")


@dataclass
class SourceRow:
    number: int  # the row number as the spreadsheet shows it (1-based)
    values: list[Any]  # cell values, merged ranges filled with their top-left value


@dataclass
class SheetTable:
    name: str
    header_row: int
    headers: list[str]  # header texts as typed, by column
    columns: dict[str, int]  # field name -> 0-based column index
    rows: list[SourceRow] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why) not data
    title: str = ""  # the text of the rows above the header (a form's title)
    multi: dict[str, list[int]] = field(default_factory=dict)  # address / extra -> columns
    mapped: dict[int, str] = field(default_factory=dict)  # column -> field the clerk chose

    def value(self, row: SourceRow, name: str) -> Any:
        index = self.columns.get(name)
        if index is None or index >= len(row.values):
            return None
        return row.values[index]

    def field_of(self, index: int) -> str:
        """The field column *index* goes to ("" when it is not imported)."""
        for name, column in self.columns.items():
            if column == index:
                return name
        for name, columns in self.multi.items():
            if index in columns:
                return name
        return ""

    def remap(self, overrides: dict[str, str]) -> None:
        """Apply the clerk's choices: header text (as header_key() gives it) -> field, or ""
        for a column not to import. A field given to one column is taken from any other."""
        if not overrides:
            return
        self.mapped = {}
        for index, header in enumerate(self.headers):
            key = header_key(header)
            if key not in overrides:
                continue
            wanted = overrides[key]
            self.mapped[index] = wanted
            for name, column in list(self.columns.items()):
                if column == index or (name == wanted and wanted not in MULTI_FIELDS):
                    del self.columns[name]
            for columns in self.multi.values():
                if index in columns:
                    columns.remove(index)
            if wanted in MULTI_FIELDS:
                self.multi.setdefault(wanted, []).append(index)
                self.multi[wanted].sort()
            elif wanted:
                self.columns[wanted] = index
        self.multi = {k: v for k, v in self.multi.items() if v}


def header_label(header: Any) -> str:
    """A header as messages name it: no spaces, no item code (D9.离开户口登记地时间 -> 离开…)."""
    text = re.sub(r"\s+", "", str(header or ""))
    return re.sub(r"^[A-Za-z]{0,2}\d{1,2}[.、:)．]+(?=\D)", "", text)


def header_key(header: Any) -> str:
    """A header as the remembered mappings know it: spaces and brackets don't matter."""
    return clean_text(header)


def layout_signature(headers: list[str]) -> str:
    """One layout's fingerprint: its header texts in order (blank columns left out)."""
    import hashlib

    keys = [header_key(h) for h in headers if header_key(h)]
    return hashlib.sha1("|".join(keys).encode("utf-8")).hexdigest()[:16]


@dataclass
class WorkbookData:
    path: Path
    kind: str  # "xlsx", "xls" or "csv"
    sheets: list[SheetTable]
    ignored_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why)
    encoding: str = ""


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as the spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def clean_text(value: Any) -> str:
    """Full-width to half-width, no spaces of any kind (for matching, not for storing)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", text)


def _clean_header(value: Any) -> str:
    text = clean_text(value)
    text = re.sub(r"[(\[【（][^)\]】）]*[)\]】）]", "", text)  # 身份证号码（18位） -> 身份证号码
    text = re.sub(r"^[A-Za-z]{0,2}\d{1,2}[.、:)]+(?=\D)", "", text)  # the census's D1.姓名, H1.户别
    return text.strip("*＊:：.、")


def header_field(value: Any, loose: bool = True) -> str | None:
    text = _clean_header(value)
    if not text or text in IGNORED_HEADERS or text.startswith("户主") and text != "户主关系":
        return None  # 户主姓名 / 户主身份证号 repeat the head's data on each member's row
    if text in _HEADER_LOOKUP:
        return _HEADER_LOOKUP[text]
    if loose:
        for part, name in _CONTAINS:
            if part in text and not (name == "compound" and "普查" in text):  # 普查小区 is no compound
                return name
    return None


def map_headers(cells: Iterable[Any]) -> dict[str, int]:
    """Field -> column: exact header names first, then looser matches for what is left."""
    return _map_all(list(cells))[0]


def _map_all(cells: list[Any]) -> tuple[dict[str, int], dict[str, list[int]]]:
    columns: dict[str, int] = {}
    multi: dict[str, list[int]] = {}
    taken: set[int] = set()
    for loose in (False, True):
        for index, cell in enumerate(cells):
            if index in taken:
                continue
            name = header_field(cell, loose)
            if name in MULTI_FIELDS:
                multi.setdefault(name, []).append(index)
                taken.add(index)
            elif name and name not in columns:
                columns[name] = index
                taken.add(index)
    for columns_of in multi.values():
        columns_of.sort()
    return columns, multi


def _is_header(columns: dict[str, int]) -> bool:
    return "name" in columns and len(columns) >= 3


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet_from_rows(name: str, rows: Iterable[tuple[int, list[Any]]]) -> SheetTable | str:
    """Find the header among the first rows, then keep the data rows below it.

    Returns the table, or the reason the sheet holds no register (a string)."""
    table: SheetTable | None = None
    scanned = 0
    seen_content = False
    above: list[str] = []
    for number, values in rows:
        if table is None:
            if any(not _is_blank(v) for v in values):
                seen_content = True
            scanned += 1
            columns, multi = _map_all(list(values))
            if _is_header(columns):
                headers = ["" if v is None else str(v).strip() for v in values]
                table = SheetTable(name, number, headers, columns, title=" ".join(above),
                                   multi=multi)
            elif scanned >= HEADER_SCAN_ROWS:
                break
            else:
                above.extend(str(v).strip() for v in values if not _is_blank(v))
            continue
        _add_row(table, SourceRow(number, values))
    if table is None:
        return "未找到表头（需有“姓名”“身份证号码”等列）" if seen_content else ""
    return table


def _add_row(table: SheetTable, row: SourceRow) -> None:
    filled = [v for v in row.values if not _is_blank(v)]
    if not filled:
        return  # blank rows are common between households; nothing to say about them
    texts = [clean_text(v) for v in filled]
    if any(t.startswith(TOTAL_WORDS) for t in texts):
        table.skipped.append((row.number, "合计行"))
        return
    if any(t.startswith(FOOTER_WORDS) for t in texts) and not any(
            _ID_LIKE.search(t) for t in texts):
        table.skipped.append((row.number, "表尾签名行"))
        return
    name_cell = clean_text(table.value(row, "name"))
    if name_cell in FIELD_HEADERS["name"]:
        table.skipped.append((row.number, "重复的表头行"))
        return
    id_cell = table.value(row, "id_number")
    if not name_cell and _is_blank(id_cell) and len(filled) <= 2:
        # 制表人、填报日期 and similar notes under the table.
        table.skipped.append((row.number, "非数据行（无姓名和身份证号码）"))
        return
    table.rows.append(row)


# -- .xlsx ----------------------------------------------------------------------------------

_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _col_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def _xlsx_layout(archive: zipfile.ZipFile, member: str) -> tuple[int, list[tuple[int, int, int, int]]]:
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
        sheets = [ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        layouts = []
        for ws in sheets:
            member = getattr(ws, "_worksheet_path", None)
            layouts.append(_xlsx_layout(archive, member.lstrip("/")) if member
                           else (ws.max_row or 0, []))
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
                    f"{MAX_CELL_CHARS} 个字符，不像花名册，没有导入任何内容。")
    result = _sheet_from_rows(name, rows)
    if isinstance(result, SheetTable):
        data.sheets.append(result)
    elif result:
        data.ignored_sheets.append((name, result))


# -- .xls -----------------------------------------------------------------------------------

def _read_xls(path: Path, progress: Progress | None) -> WorkbookData:
    import xlrd

    errors = (xlrd.XLRDError, OSError, ValueError, AssertionError, IndexError, KeyError,
              NotImplementedError)
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
    """"utf-16-le" or "utf-16-be" when *raw* clearly is UTF-16 saved without its BOM, else None.

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
            raise WorkbookReadError("文件以 UTF-16 编码开头，但内容残缺或已损坏，无法读取。") from exc
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
        rows = [(n, [cell if cell != "" else None for cell in values])
                for n, values in enumerate(reader, start=1)]
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise WorkbookReadError(
                f"“{path.name}”第 {reader.line_num} 行有一格超过 {csv.field_size_limit()} 个字符，"
                "不像花名册，没有导入任何内容。") from exc
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


# -- cell values ----------------------------------------------------------------------------

LOST_DIGITS = (
    "身份证号码被存成了数字，Excel 只保留15位有效数字，后几位已丢失，无法恢复；"
    "请将该列设为“文本”格式后按原件重新录入"
)


def cell_text(value: Any) -> str:
    """A cell as the text a clerk means: 101.0 -> "101", dates as 1985-03-02, trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    # Free text (addresses, work units) is kept as typed, full-width brackets and all; the
    # values that are matched (codes, ID numbers, dates) are normalised where they are read.
    return str(value).replace("\u3000", " ").strip()


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")


def id_from_cell(value: Any) -> tuple[str, str]:
    """(text to check, reason it cannot be used) for an ID-number cell.

    A number cell holding 16 or more digits went through Excel's 15 significant digits and
    cannot be trusted; a 15-digit number is a first-generation ID and is fine."""
    if value is None:
        return "", ""
    if isinstance(value, bool):
        return str(value), "身份证号码格式不对"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            return str(value), LOST_DIGITS
        digits = str(int(value))
        if len(digits) >= 16:
            # shown as Excel's formula bar shows it: 15 digits, then zeros
            return digits[:15] + "0" * (len(digits) - 15), LOST_DIGITS
        return digits, ""
    text = cell_text(value)
    compact = re.sub(r"\s", "", text).upper()
    if _SCIENTIFIC.match(compact):
        return text, LOST_DIGITS
    return text, ""


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?(?:\s.*)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERN = re.compile(r"^(\d{4})(?:[.\-/年](\d{1,2})月?|(\d{2}))$")  # 1976.04, 197604


@dataclass(frozen=True)
class DateParts:
    year: int
    month: int | None = None
    day: int | None = None

    def date(self) -> dt.date | None:
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)

    def matches(self, other: dt.date) -> bool:
        return (self.year == other.year and self.month in (None, other.month)
                and self.day in (None, other.day))


def date_from_cell(value: Any) -> DateParts | None | str:
    """A date cell or text (1985.03.02, 1985年3月2日, 19850302, 1985-3-2, 1985.03).

    Returns the parts, None for an empty cell, or the text when it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return DateParts(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return DateParts(value.year, value.month, value.day)
    if isinstance(value, float) and not value.is_integer() and 1800 < value < 2200:
        value = f"{value:.2f}"  # 1976.10 typed into a number cell arrives as 1976.1
    text = clean_text(cell_text(value))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups()[:3])
            try:
                dt.date(year, month, day)
            except ValueError:
                return text
            return DateParts(year, month, day)
    match = _MONTH_PATTERN.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2) or match.group(3))
        if 1 <= month <= 12:
            return DateParts(year, month)
    return text


def iter_rows(data: WorkbookData) -> Iterator[tuple[SheetTable, SourceRow]]:
    for sheet in data.sheets:
        for row in sheet.rows:
            yield sheet, row
