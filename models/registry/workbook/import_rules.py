"""Reading a register workbook and the file's own rules, before the register is written.

parse_file() reads every row and checks it on its own and against the other rows of the file
(households formed from the heads, ID numbers given twice); run_check() checks the rows against
the register (models/registry/workbook/check.py) and asks what the columns do not say.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.core import clock, codes
from models.core.entities import Compound
from models.registry.workbook.check import RegisterCheck, tuples
from models.registry.workbook.import_preview import (
    ImportBlocked,
    ImportCancelled,
    Preview,
    Progress,
    Question,
)
from models.registry.workbook.read import ReadCancelled, read_workbook
from models.registry.workbook.rows import (
    FIELD_LABELS,
    HEAD,
    REJECTED,
    WARNING,
    ImportOptions,
    Issue,
    RowParser,
    RowResult,
    SheetPlan,
    make_issue,
    where_text,
)
from models.registry.workbook.table import SheetTable, WorkbookData, iter_rows

CATEGORY_CHOICES = ("1", "4", "3", "2")  # 户籍, 流动, 人户分离, 常住: as the preview offers them


def parse_file(
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    today: dt.date | None = None,
    options: ImportOptions | None = None,
    recall: Callable[[SheetTable], dict[str, Any]] | None = None,
) -> Preview:
    """Read *path* and check every row on its own and against the other rows of the file.

    *recall* gives the choices remembered for a sheet's layout (models.registry.workbook.layouts);
    the clerk's *options* win over them."""
    today = today or clock.today()
    options = options or ImportOptions()
    try:
        data = read_workbook(Path(path), progress)
    except ReadCancelled as exc:
        raise ImportCancelled() from exc
    rows: list[RowResult] = []
    parsers: dict[str, RowParser] = {}
    for sheet in data.sheets:
        saved = recall(sheet) if recall and options.use_saved else {}
        sheet.remap({**saved.get("map", {}), **options.mapping})
        parsers[sheet.name] = RowParser(sheet, today, options, saved)
    for sheet, source in iter_rows(data):
        rows.append(parsers[sheet.name].parse(source))
    sheets = {s.name: s for s in data.sheets}
    plans = {name: parser.plan for name, parser in parsers.items()}
    _form_households(rows, sheets, plans)
    _duplicate_ids(rows, sheets)
    for row in rows:
        row.file_issues = list(row.issues)
    return Preview(
        Path(path),
        data.kind,
        data.encoding,
        rows,
        sheets,
        notes=_notes(data),
        today=today,
        options=options,
        plans=plans,
    )


def _form_households(
    rows: list[RowResult], sheets: dict[str, SheetTable], plans: dict[str, SheetPlan]
) -> None:
    """No 户号 column: a 户主 row starts a household, the rows under it up to the next head
    belong to it. A member whose address differs from the head's is shown, not moved."""
    head: dict[str, RowResult] = {}
    for row in rows:
        plan = plans[row.sheet]
        if not plan.generated or "relation" in plan.missing:
            continue
        if row.person.get("relation") == HEAD:
            head[row.sheet] = row
            row.group = f"{row.sheet}#{row.row}"
            continue
        lead = head.get(row.sheet)
        if lead is None:
            row.issues.append(
                make_issue(
                    sheets[row.sheet],
                    REJECTED,
                    "relation",
                    "表中没有户号，此行上面也没有户主，不知道属于哪一户；"
                    "请把本户户主放在本户第一行",
                )
            )
            continue
        row.group = lead.group
        mine = _address_key(row)
        if mine and _address_key(lead) and mine != _address_key(lead):
            row.issues.append(
                Issue(
                    WARNING,
                    "",
                    "住址",
                    f"住址“{row.address}”与本户户主{lead.name}（第{lead.row}行）"
                    f"的“{lead.address}”不同；如是另一户，请在其户主行填“户主”",
                )
            )


def _address_key(row: RowResult) -> str:
    parts = [row.household.get(n, "") for n in ("compound", "building", "unit", "room")]
    return (
        re.sub(r"\s+", "", "|".join(parts) + "|" + row.address)
        if any(parts[1:]) or row.address
        else ""
    )


def _questions(pv: Preview) -> list[Question]:
    """What the clerk must answer before the import may run (said once per sheet)."""
    questions: list[Question] = []
    known = {name for (name,) in tuples(Compound.select(Compound.name))}
    has_new = {r.sheet for r in pv.rows if r.action == "new"}
    for name, plan in pv.plans.items():
        if not any(r.sheet == name for r in pv.rows):
            continue
        for missing in plan.missing:
            questions.append(
                Question(
                    "column",
                    name,
                    f"工作表“{name}”没有“{FIELD_LABELS[missing]}”列：请在“列对应”中指出是哪一列",
                )
            )
        if plan.compound_from == "":
            questions.append(
                Question(
                    "compound", name, f"工作表“{name}”没有“小区”列：请选择或输入这些住户所在的小区"
                )
            )
        elif plan.compound_from == "sheet" and plan.compound not in known:
            questions.append(
                Question(
                    "compound",
                    name,
                    f"工作表“{name}”没有“小区”列：要按工作表名"
                    f"新建小区“{plan.compound}”吗？请确认或改选",
                    plan.compound,
                )
            )
        if plan.category_from == "" and name in has_new:
            questions.append(
                Question(
                    "category",
                    name,
                    f"工作表“{name}”没有“人员类别”列：这些人是"
                    "户籍人口、流动人口还是人户分离？请选择",
                )
            )
    return questions


def plan_notes(pv: Preview) -> list[str]:
    notes = []
    for name, plan in pv.plans.items():
        if plan.compound_from == "sheet" and not any(
            q.kind == "compound" and q.sheet == name for q in pv.questions
        ):
            notes.append(f"工作表“{name}”没有小区列，按工作表名归入小区“{plan.compound}”")
        if plan.compound_from == "saved":
            notes.append(f"工作表“{name}”按上次同格式文件的选择归入小区“{plan.compound}”")
        if plan.category_from in ("proposed", "saved"):
            why = (
                f"按表头“{plan.category_hint}”推定"
                if plan.category_from == "proposed"
                else "按上次同格式文件的选择"
            )
            notes.append(
                f"工作表“{name}”没有人员类别列，新增人员{why}为"
                f"{codes.name('category', plan.category)}；如不对请在上方改选"
            )
        if plan.generated and "relation" not in plan.missing:
            numbers = sorted(
                {
                    r.household_no
                    for r in pv.rows
                    if r.sheet == name and r.household_no in pv.generated
                }
            )
            if numbers:
                notes.append(
                    f"工作表“{name}”没有户号列，按户主成户：新编户号{numbers[0]}"
                    + (f"至{numbers[-1]}" if len(numbers) > 1 else "")
                    + f"共{len(numbers)}户"
                )
        if plan.census:
            notes.append(
                f"工作表“{name}”按人口普查表读取（与户主关系0-9、受教育程度1-9为普查代码）"
            )
    return notes


def _notes(data: WorkbookData) -> list[str]:
    notes = [f"工作表“{name}”未导入：{why}" for name, why in data.ignored_sheets]
    for sheet in data.sheets:
        for number, why in sheet.skipped:
            notes.append(f"工作表“{sheet.name}”第{number}行跳过：{why}")
    return notes


def _duplicate_ids(rows: list[RowResult], sheets: dict[str, SheetTable]) -> None:
    first: dict[str, RowResult] = {}
    for row in rows:
        if not row.id_number:
            continue
        seen = first.get(row.id_number)
        if seen is None:
            first[row.id_number] = row
            continue
        row.issues.append(
            make_issue(
                sheets[row.sheet],
                REJECTED,
                "id_number",
                f"与{where_text(row, seen)}的身份证号码重复（保留先出现的一行）",
            )
        )


def run_check(pv: Preview) -> RegisterCheck:
    check = RegisterCheck(pv)
    check.run()
    pv.generated = set(check.generated)
    pv.known_numbers = set(check.houses)
    pv.questions = _questions(pv)
    return check


def check_options(pv: Preview) -> None:
    day = pv.options.enrolled_on
    if day is not None and (day > pv.today or day.year < 1900):
        raise ImportBlocked("入册日期不能晚于今天。" if day > pv.today else "入册日期不合理。")
    category = pv.options.category
    if category and category not in CATEGORY_CHOICES:
        raise ImportBlocked(
            f"人员类别“{category}”无效（可选：户籍人口 1、流动人口 4、人户分离 3、常住人口 2）。"
        )
