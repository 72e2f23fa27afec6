"""The layout of a department's own Excel template (一表通): its header, data rows and footer.

Each department (民政, 残联, 卫健, 人社, 公安) sends its own workbook: a merged title, a
填报单位 line, a header of one or two rows, a few bordered blank rows, and a footer
(制表人 / 审核人 / 填报日期). `analyse` finds where the header and the footer are and what the
columns are called, and which title and footer cells hold date blanks. Opening the file is
models.fill.template_file's part; writing the filled copy is models.fill.write's.

The engine (these modules) knows nothing of the database: rows arrive as plain values
in column order.

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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from models.fill.date_blanks import has_date_blank
from models.fill.template_file import (
    Source,
    TemplateError,
    cell_label,
    load_template,
    template_name,
)
from models.registry.workbook.cells import clean_text
from models.registry.workbook.headers import clean_header, header_field
from models.registry.workbook.table import FOOTER_WORDS

HEADER_SCAN_ROWS = 30

# Words seen in the headers of department lists; a header row holds several of them.
HEADER_WORDS = (
    "序号",
    "姓名",
    "性别",
    "身份证",
    "证件",
    "出生",
    "年龄",
    "地址",
    "住址",
    "电话",
    "手机",
    "户主",
    "关系",
    "民族",
    "类别",
    "备注",
    "小区",
    "楼",
    "单元",
    "门牌",
    "残疾",
    "等级",
    "补贴",
    "金额",
    "户籍",
    "社区",
    "村",
    "组",
    "职业",
    "单位",
    "文化",
    "婚姻",
    "政治",
    "人数",
    "标准",
    "类型",
    "状况",
    "日期",
    "时间",
    "编号",
    "证号",
    "签字",
    "银行",
    "账号",
    "卡号",
    "原因",
    "对象",
    "家庭",
    "人口",
    "户号",
    "省",
    "市",
    "县",
    "区",
    "街道",
    "乡镇",
    "门",
    "室",
    "号",
)
# Lines under the table; "注" only with its colon or number (注：… / 注1.…), not 注销.
_FOOTER_START = tuple(
    dict.fromkeys(
        (
            "制表人",
            "填表人",
            "审核人",
            "负责人",
            "联系电话",
            "填报日期",
            "日期",
            "说明",
            "合计",
            "总计",
            "备注：",
            "备注:",
        )
        + FOOTER_WORDS
    )
)
_NOTE_RE = re.compile(r"^注\s*[:：\d一二三1-9.、]")


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


def sheet_names(source: Source) -> list[str]:
    """The visible sheets of the template, in order (hidden sheets are no form to fill)."""
    book = load_template(source)
    return [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]


# -- analysis ---------------------------------------------------------------------------------


def _row_score(values: list[Any]) -> int:
    """How much a row looks like a header: short text cells, most of them list words."""
    texts = [cell_label(v) for v in values if isinstance(v, str) and cell_label(v)]
    # "填报单位：" and "联系电话：" are the labels of a form line, not column names.
    short = [t for t in texts if len(t) <= 14 and "：" not in t and ":" not in t]
    if len(short) < 2:
        return 0
    known = sum(
        1 for t in short if header_field(t) or any(word in clean_header(t) for word in HEADER_WORDS)
    )
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
    if top > 1 and any(
        box[0] == top - 1 and box[1] >= top for (r, _c), box in grid.merge_at.items() if r == top
    ):
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
            elif box[3] > box[2] and any(
                cell_label(grid.own(top + 1, k)) for k in range(box[2], box[3] + 1)
            ):
                reach = max(reach, top + 1)
        bottom = min(reach, top + 2, last)
    columns: list[TemplateColumn] = []
    for c in range(1, width + 1):
        parts: list[str] = []
        for r in range(top, bottom + 1):
            box = grid.merge_at.get((r, c))
            if bottom == top and box is not None and box[2] != c:
                continue  # a wide cell of a one-row header labels its first column only
            text = cell_label(grid.value(r, c))
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
            if "年" in value and has_date_blank(value):
                placeholders.append(f"{_letter(c)}{r}")
    return TemplateLayout(ws.title, top, bottom, first, footer, tuple(deduped), tuple(placeholders))


def analyse(source: Source, sheet: str | None = None) -> TemplateLayout:
    """Where the header, the data rows and the footer of the template are.

    Without *sheet*, the first visible sheet that has a header is taken."""
    book = load_template(source)
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
    where = f"工作表“{sheet}”" if sheet else template_name(source)
    raise TemplateError(
        f"没有找到表头：{where}的前{HEADER_SCAN_ROWS}行中没有“序号”“姓名”"
        "“身份证号码”等列名组成的一行。"
    )
