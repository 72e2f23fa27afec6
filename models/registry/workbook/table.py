"""The register table of one sheet: finding its header row, keeping its data rows.

The header is the first row among the first HEADER_SCAN_ROWS that maps 姓名 and at least two
other fields; the text above it is the form's title. Below it, blank rows, repeated headers,
total rows and the signature lines under a table are dropped (and said why). The cells are
kept as they were typed: turning them into register values is models.registry.workbook.rows' job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.registry.workbook.cells import clean_text
from models.registry.workbook.headers import FIELD_HEADERS, MULTI_FIELDS, header_key, map_columns

TOTAL_WORDS = ("合计", "总计", "小计", "共计", "总数")
# Signature lines under a table (制表人：张三  审核人：李四  填报日期：…), in any column.
FOOTER_WORDS = (
    "制表人",
    "制表日期",
    "制表单位",
    "审核人",
    "审核",
    "填报日期",
    "填报人",
    "填报单位",
    "填表人",
    "填表日期",
    "负责人",
    "单位负责人",
    "统计人",
    "经办人",
    "核对人",
    "报送日期",
    "采集人",
    "采集日期",
    "登记人",
    "签字",
    "盖章",
)
_ID_LIKE = re.compile(r"\d{15}|\d{17}[\dXx]")
HEADER_SCAN_ROWS = 20


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


@dataclass
class WorkbookData:
    path: Path
    kind: str  # "xlsx", "xls" or "csv"
    sheets: list[SheetTable]
    ignored_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why)
    encoding: str = ""


def _is_header(columns: dict[str, int]) -> bool:
    return "name" in columns and len(columns) >= 3


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def sheet_from_rows(name: str, rows: Iterable[tuple[int, list[Any]]]) -> SheetTable | str:
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
            columns, multi = map_columns(list(values))
            if _is_header(columns):
                headers = ["" if v is None else str(v).strip() for v in values]
                table = SheetTable(
                    name, number, headers, columns, title=" ".join(above), multi=multi
                )
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
        _ID_LIKE.search(t) for t in texts
    ):
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


def iter_rows(data: WorkbookData) -> Iterator[tuple[SheetTable, SourceRow]]:
    for sheet in data.sheets:
        for row in sheet.rows:
            yield sheet, row
