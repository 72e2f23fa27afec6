"""The register as an .xlsx workbook that the importer reads back unchanged.

Layout (documented in README): ONE sheet named 花名册, a title row, then a header row and
one row per person, households together with the head first. The 小区 column carries the
compound, so a single sheet holds the whole register (sorting and filtering in Excel keep
working). ID numbers, household numbers, phone numbers and door numbers are text cells
(format "@"), so Excel never turns them into numbers and loses digits; dates are date cells.
Codes are written as their names (汉族, 户主), which the importer maps back to the codes.
Only households that are not archived are exported, with all their members, including
those who moved out or died (人员状态 says so; importing never changes a person's status).
户电话 and 户备注 are the household's own phone and notes (repeated on each member's row);
特殊人群 lists the person's open special-group tags in the form models.registry.workbook.tags reads.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee as pw

from models.core import audit, clock, codes, idcard
from models.core.db import database
from models.core.entities import Compound, Household, Resident, ResidentTag
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm, can
from models.core.service import service
from models.registry.workbook.tags import format_tags

Progress = Callable[[int, int], bool]
SHEET_TITLE = "花名册"
TEXT = "@"
DATE = "yyyy-mm-dd"
# What spreadsheet programs take as the start of a formula (tab and CR too, as OWASP warns:
# some programs strip them and then see the formula behind them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# (header, field, code table or "", cell format or "", column width)
COLUMNS: list[tuple[str, str, str, str, int]] = [
    ("小区", "compound", "", "", 14),
    ("户号", "household_no", "", TEXT, 11),
    ("楼栋", "building", "", TEXT, 8),
    ("单元", "unit", "", TEXT, 7),
    ("门牌", "room", "", TEXT, 8),
    ("户别", "household_type", "household_type", "", 8),
    ("户电话", "household_phone", "", TEXT, 13),
    ("户备注", "household_notes", "", "", 14),
    ("姓名", "name", "", "", 10),
    ("与户主关系", "relation", "relation", "", 10),
    ("公民身份号码", "id_number", "", TEXT, 21),
    ("性别", "sex", "sex", "", 5),
    ("出生日期", "birth_date", "", DATE, 11),
    ("民族", "ethnicity", "ethnicity", "", 8),
    ("文化程度", "education", "education", "", 10),
    ("婚姻状况", "marital_status", "marital_status", "", 8),
    ("政治面貌", "political_status", "political_status", "", 10),
    ("人员类别", "category", "category", "", 9),
    ("人员状态", "status", "resident_status", "", 8),
    ("特殊人群", "special_groups", "", "", 30),
    ("联系电话", "phone", "", TEXT, 13),
    ("户籍地址", "hukou_address", "", "", 28),
    ("工作单位", "work_unit", "", "", 16),
    ("来本地日期", "arrived_on", "", DATE, 11),
    ("备注", "notes", "", "", 16),
]


class ExportCancelled(UserFacingError):
    def __init__(self) -> None:
        super().__init__("导出已取消。")


@dataclass
class ExportSummary:
    path: Path
    compounds: int
    households: int
    residents: int
    full_ids: bool = True  # False: the file holds masked ID numbers (the role may not see them)


# The selected values, in COLUMNS order; special_groups is filled in from the tags.
_SELECTED: list[tuple[str, Any]] = [
    ("compound", Compound.name),
    ("household_no", Household.household_no),
    ("building", Household.building),
    ("unit", Household.unit),
    ("room", Household.room),
    ("household_type", Household.household_type),
    ("household_phone", Household.phone),
    ("household_notes", Household.notes),
    ("name", Resident.name),
    ("relation", Resident.relation),
    ("id_number", Resident.id_number),
    ("sex", Resident.sex),
    ("birth_date", Resident.birth_date),
    ("ethnicity", Resident.ethnicity),
    ("education", Resident.education),
    ("marital_status", Resident.marital_status),
    ("political_status", Resident.political_status),
    ("category", Resident.category),
    ("status", Resident.status),
    ("phone", Resident.phone),
    ("hukou_address", Resident.hukou_address),
    ("work_unit", Resident.work_unit),
    ("arrived_on", Resident.arrived_on),
    ("notes", Resident.notes),
    ("resident_id", Resident.id),
]


def _tag_texts() -> dict[int, str]:
    """resident id -> the 特殊人群 cell: open tags, oldest first."""
    tags: dict[int, list[tuple[str, str, dt.date | None]]] = {}
    query = (
        ResidentTag.select(
            ResidentTag.resident, ResidentTag.tag, ResidentTag.detail, ResidentTag.start_date
        )
        .where(ResidentTag.end_date.is_null())
        .order_by(ResidentTag.id)
        .tuples()
    )
    for rid, tag, detail, start in query.iterator():
        tags.setdefault(rid, []).append((tag, detail, start))
    return {rid: format_tags(items) for rid, items in tags.items()}


def _rows() -> Any:
    head_first = pw.Case(None, [(Resident.relation == "02", 0)], 1)
    return (
        Resident.select(*(column for _, column in _SELECTED))
        .join(Household)
        .join(Compound)
        .where(Household.archived == False)  # noqa: E712
        .order_by(Compound.id, Household.household_no, head_first, Resident.relation, Resident.id)
        .tuples()
    )


@service(Perm.REGISTRY_VIEW, write=False)
def export_register(
    actor: HasRole, path: str | os.PathLike[str], progress: Progress | None = None
) -> ExportSummary:
    """Write the register to *path* (.xlsx). The export is audited. Full ID numbers are
    written only for a role that may reveal them (the file then re-imports unchanged); for
    any other role they are masked, like every list the program shows that role."""
    full_ids = can(actor, Perm.REVEAL_ID)
    path = Path(path)
    with database.atomic():  # one read transaction: the count and the rows agree
        total = Resident.select().join(Household).where(Household.archived == False).count()  # noqa: E712
        summary = _write(path, total, progress, full_ids)
    with database.atomic():
        audit.record(
            actor.username,
            audit.Action.EXPORT,
            "resident",
            None,
            None,
            {
                "file": path.name,
                "compounds": summary.compounds,
                "households": summary.households,
                "residents": summary.residents,
                "full_ids": full_ids,
            },
            "导出花名册（" + ("含完整身份证号码" if full_ids else "身份证号码已遮盖") + "）",
        )
    if progress:
        progress(total, max(total, 1))
    return summary


def _compound_names() -> list[str]:
    query: Any = (
        Compound.select(Compound.name)
        .join(Household)
        .where(Household.archived == False)  # noqa: E712
        .group_by(Compound.id)
        .order_by(Compound.id)
        .tuples()
    )
    return [row[0] for row in query]


def page_header_text(names: list[str]) -> str:
    """The 小区 part of the printed page header: a few names, then how many in all."""
    if not names:
        return "小区：无"
    shown = "、".join(names[:3])
    return f"小区：{shown}" + (f"等{len(names)}个" if len(names) > 3 else "")


def _print_setup(ws: Any) -> None:
    """Printed from Excel or WPS as a register is: landscape, all columns on the page width,
    the header row on every page, the compounds and the date at the top of each page."""
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # must precede the rows in the file
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.print_title_rows = "2:2"
    ws.print_options.horizontalCentered = True
    # "&" starts a field code in a page header: a compound named A&B must print as typed.
    ws.oddHeader.left.text = page_header_text(_compound_names()).replace("&", "&&")
    ws.oddHeader.right.text = f"导出日期：{clock.today():%Y-%m-%d}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def text_cell(ws: Any, value: str, fmt: str = "") -> Any:
    """*value* as a text cell, never a formula. openpyxl would store "=HYPERLINK(...)" as a
    live formula (and Excel evaluates it on opening); a value starting with + - @ would turn
    into one as soon as a clerk edits the cell. quotePrefix is Excel's leading apostrophe: the
    cell shows and stays text, and the value read back is exactly what was typed."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"  # after the value: assigning a value guesses the type again
    cell.quotePrefix = True
    cell.number_format = fmt or TEXT
    return cell


def _write(
    path: Path, total: int, progress: Progress | None, full_ids: bool = True
) -> ExportSummary:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    ws = book.create_sheet(SHEET_TITLE)
    # Write-only sheets leave out their size unless told it; without it every reader that
    # opens the file read-only (openpyxl among them) has to scan the whole sheet first.
    last = f"{get_column_letter(len(COLUMNS))}{total + 2}"
    ws.calculate_dimension = lambda: f"A1:{last}"
    for index, (_, _, _, _, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    _print_setup(ws)
    title = WriteOnlyCell(ws, f"户籍人口花名册（导出于{clock.today():%Y-%m-%d}，共{total}人）")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    bold = Font(bold=True)
    header = []
    for text, *_ in COLUMNS:
        cell = WriteOnlyCell(ws, text)
        cell.font = bold
        header.append(cell)
    ws.append(header)

    names = {table: codes.codes(table) for _, _, table, _, _ in COLUMNS if table}
    tag_texts = _tag_texts()
    selected = [name for name, _ in _SELECTED]
    compounds: set[str] = set()
    households: set[str] = set()
    done = 0
    for values in _rows().iterator():
        compounds.add(values[0])
        households.add(values[1])
        record = dict(zip(selected, values, strict=True))
        record["special_groups"] = tag_texts.get(record["resident_id"], "")
        if not full_ids:
            record["id_number"] = idcard.mask(record["id_number"])
        out: list[Any] = []
        for _, name, table, fmt, _ in COLUMNS:
            value = record[name]
            if table and value:
                value = names[table].get(value, value)
            if value in (None, ""):
                out.append(None)
            elif isinstance(value, str) and value.startswith(FORMULA_STARTS):
                out.append(text_cell(ws, value, fmt))
            elif fmt:
                cell = WriteOnlyCell(ws, value)
                cell.number_format = fmt
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
        done += 1
        if progress and done % 500 == 0 and progress(done, max(total, 1)) is False:
            raise ExportCancelled()
    tmp = path.with_name(path.name + ".part")
    book.save(tmp)
    os.replace(tmp, path)  # never leave half a workbook under the clerk's file name
    return ExportSummary(path, len(compounds), len(households), done, full_ids)
