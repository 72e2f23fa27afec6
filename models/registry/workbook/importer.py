"""Importing a household register workbook: preview every row, then write the valid ones.

preview() reads the file and checks each row against the rules and the register (nothing is
written). apply() checks again inside one transaction (the register may have changed since
the preview) and writes compounds, households and residents with their audit rows; a
cancelled or failed import rolls back whole.

Matching: people by ID number, households by household number, compounds by name (created
when new). Importing the same file twice changes nothing the second time. A register with no
户号 column forms its households from the heads: a 户主 row starts one, the rows under it
belong to it, and the household gets a generated number (the number of the household its
people already live in, on a second import). What the columns do not say (the compound of a
sheet, the people's category) is asked in the preview (Preview.questions), never assumed.

Every new person gets a life event, so that the monthly figures do not count them in months
before they came: "move_in" dated the file's arrival date (来本地日期, 居住时间) when it has
one, else "enrolled" (登记入册) dated the day the clerk gives, by default the import's day. The status of a
person already in the register (moved out, deceased) is never changed by an import: those
changes are dated life events that the monthly report counts, entered in the registry tab.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.core import audit, clock, codes
from models.core.db import database
from models.core.entities import (
    Compound,
    Household,
    LifeEvent,
    Resident,
    ResidentTag,
    now,
)
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm
from models.core.pinyin import keys as pinyin_keys
from models.core.service import service
from models.registry.workbook.check import (
    CHUNK,
    RegisterCheck,
    chunks,
    household_changes,
    person_changes,
    tuples,
)
from models.registry.workbook.read import ReadCancelled, WorkbookReadError, read_workbook
from models.registry.workbook.rows import (
    FIELD_LABELS,
    HEAD,
    OK,
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

Progress = Callable[[int, int], bool]

__all__ = [
    "ImportBlocked",
    "ImportCancelled",
    "ImportOptions",
    "ImportResult",
    "Preview",
    "WorkbookReadError",
    "apply",
    "import_file",
    "preview",
    "OK",
    "WARNING",
    "REJECTED",
]
ENROLLED = "enrolled"  # life event kind: 登记入册 (in the register from this day, arrival unknown)
CATEGORY_CHOICES = ("1", "4", "3", "2")  # 户籍, 流动, 人户分离, 常住: as the preview offers them


class ImportBlocked(UserFacingError, ValueError):
    """The preview still has questions the clerk must answer; nothing was written."""


@dataclass
class Question:
    kind: str  # "compound", "category" or "column"
    sheet: str
    text: str
    proposal: str = ""  # a compound name or category code the preview suggests


@dataclass
class HouseholdView:
    """One household as the import forms it, for the preview's list of households."""

    number: str
    generated: bool
    sheet: str
    first_row: int
    compound: str
    address: str
    head: str
    members: int
    accepted: int
    action: str  # "新户", "已有户", …
    problem: str


class ImportCancelled(UserFacingError):
    """The clerk cancelled; the transaction was rolled back and nothing was written."""

    def __init__(self) -> None:
        super().__init__("导入已取消，数据库未作任何改动。")


@dataclass
class Preview:
    path: Path
    kind: str
    encoding: str
    rows: list[RowResult]
    sheets: dict[str, SheetTable]
    notes: list[str] = field(default_factory=list)  # ignored sheets, skipped total rows
    today: dt.date = field(default_factory=clock.today)  # the import's day: tags end on it
    options: ImportOptions = field(default_factory=ImportOptions)
    plans: dict[str, SheetPlan] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)  # to answer before importing
    generated: set[str] = field(default_factory=set)  # household numbers made up by the import
    known_numbers: set[str] = field(default_factory=set)  # 户号 already in the register
    new_compounds: list[str] = field(default_factory=list)
    households: dict[str, dict[str, Any]] = field(default_factory=dict)  # 户号 -> address
    new_households: int = 0
    updated_households: int = 0
    new_residents: int = 0
    updated_residents: int = 0
    unchanged_residents: int = 0

    def tag_counts(self) -> tuple[int, int, int]:
        """(added, changed, ended) special-group tags over the rows that will be imported."""
        plans = [r.tag_plan for r in self.accepted if r.tag_plan]
        return (
            sum(len(p.add) for p in plans),
            sum(len(p.change) for p in plans),
            sum(len(p.end) for p in plans),
        )

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.rejected]

    @property
    def accepted(self) -> list[RowResult]:
        return [r for r in self.rows if not r.rejected]

    @property
    def enrolled_on(self) -> dt.date:
        return self.options.enrolled_on or self.today

    def household_views(self) -> list[HouseholdView]:
        """The households the import forms, in file order (rows without one left out)."""
        views: dict[str, HouseholdView] = {}
        for row in self.rows:
            if not row.household_no:
                continue
            view = views.get(row.household_no)
            if view is None:
                view = views[row.household_no] = HouseholdView(
                    row.household_no,
                    row.household_no in self.generated,
                    row.sheet,
                    row.row,
                    row.household.get("compound", ""),
                    row.address,
                    "",
                    0,
                    0,
                    "",
                    "",
                )
            view.members += 1
            view.accepted += not row.rejected
            if row.person.get("relation") == HEAD and not view.head:
                view.head = row.name
                if row.rejected:
                    view.problem = f"户主（第{row.row}行）未能导入：{row.reason()}"
        for view in views.values():
            if not view.accepted:
                view.action = "不导入"
            elif view.number in self.known_numbers:
                view.action = "已有户"
            else:
                view.action = "新户（新编户号）" if view.generated else "新户"
        return list(views.values())

    def summary(self) -> str:
        if self.questions:
            return f"共{len(self.rows)}行。导入前请先回答上方的问题：" + "；".join(
                q.text for q in self.questions
            )
        return (
            f"共{len(self.rows)}行：可导入{len(self.accepted)}行（新增{self.new_residents}人、"
            f"更新{self.updated_residents}人、无变化{self.unchanged_residents}人；"
            f"新增{self.new_households}户、更新{self.updated_households}户"
            + (f"；新建小区{'、'.join(self.new_compounds)}" if self.new_compounds else "")
            + self._tag_text()
            + f"），其中有警告{self.count(WARNING)}行；退回{self.count(REJECTED)}行。"
        )

    def _tag_text(self) -> str:
        added, changed, ended = self.tag_counts()
        if not (added or changed or ended):
            return ""
        return f"；特殊人群新增{added}项、修改{changed}项、结束{ended}项"


@dataclass
class ImportResult:
    preview: Preview
    dry_run: bool = False
    new_compounds: int = 0
    new_households: int = 0
    updated_households: int = 0
    new_residents: int = 0
    updated_residents: int = 0
    tags_added: int = 0
    tags_changed: int = 0
    tags_ended: int = 0
    events: int = 0  # entry events written (move_in / enrolled), one per new person

    @property
    def rejected(self) -> list[RowResult]:
        return self.preview.rejected

    def as_json(self) -> dict[str, Any]:
        """The command line's answer: created households and residents, updated records
        (residents and households whose stored values changed), and the rejected rows."""
        return {
            "households": self.new_households,
            "residents": self.new_residents,
            "updated": self.updated_residents + self.updated_households,
            "rejected": [rejected_entry(r) for r in self.rejected],
        }


def rejected_entry(row: RowResult) -> dict[str, Any]:
    issues = [i for i in row.issues if i.level == REJECTED]
    columns = list(dict.fromkeys(i.column for i in issues if i.column))
    return {
        "sheet": row.sheet,
        "row": row.row,
        "column": ",".join(columns),
        "reason": "；".join(i.text() if len(issues) > 1 else i.message for i in issues),
    }


# -- reading and the file's own rules ------------------------------------------------------


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


def _plan_notes(pv: Preview) -> list[str]:
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


@service(Perm.REGISTRY_IMPORT, write=False)
def preview(
    actor: HasRole,
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    today: dt.date | None = None,
    options: ImportOptions | None = None,
) -> Preview:
    """Read and check *path* against the register; writes nothing."""
    from models.registry.workbook import layouts as workbook_layouts

    pv = parse_file(path, progress, today, options, workbook_layouts.recall)
    _check_options(pv)
    _run_check(pv)
    pv.notes = _plan_notes(pv) + pv.notes
    return pv


def _run_check(pv: Preview) -> RegisterCheck:
    check = RegisterCheck(pv)
    check.run()
    pv.generated = set(check.generated)
    pv.known_numbers = set(check.houses)
    pv.questions = _questions(pv)
    return check


def _check_options(pv: Preview) -> None:
    day = pv.options.enrolled_on
    if day is not None and (day > pv.today or day.year < 1900):
        raise ImportBlocked("入册日期不能晚于今天。" if day > pv.today else "入册日期不合理。")
    category = pv.options.category
    if category and category not in CATEGORY_CHOICES:
        raise ImportBlocked(
            f"人员类别“{category}”无效（可选：户籍人口 1、流动人口 4、人户分离 3、常住人口 2）。"
        )


# -- writing --------------------------------------------------------------------------------

_RESIDENT_DEFAULTS: dict[str, Any] = {
    "sex": "0",
    "birth_date": None,
    "ethnicity": "01",
    "relation": "99",
    "education": "",
    "marital_status": "",
    "political_status": "",
    "category": "1",
    "status": "current",
    "phone": "",
    "hukou_address": "",
    "work_unit": "",
    "arrived_on": None,
    "notes": "",
}


class _Writer:
    def __init__(self, actor: HasRole, pv: Preview, progress: Progress | None) -> None:
        self.actor = actor
        self.pv = pv
        self.progress = progress
        self.total = max(len(pv.accepted), 1)
        self.done = 0
        self.audit_rows: list[audit.Entry] = []
        self.stamp = now()
        self.note = f"导入花名册“{pv.path.name}”"
        self.new_ids: dict[str, int] = {}  # ID number -> resident id of the people added
        self.house_numbers: dict[int, str] = {}  # household id -> number
        self.events = 0

    def tick(self, step: int = 1) -> None:
        before = self.done
        self.done += step
        due = self.done // 200 != before // 200 or self.done >= self.total
        if self.progress and due and self.progress(min(self.done, self.total), self.total) is False:
            raise ImportCancelled()

    def audit(
        self,
        action: audit.Action,
        table: str,
        record_id: Any,
        before: dict[str, Any] | None,
        after: dict[str, Any],
    ) -> None:
        self.audit_rows.append(audit.Entry(action, table, record_id, before, after, self.note))
        if len(self.audit_rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.audit_rows:
            audit.record_many(self.actor.username, self.audit_rows, at=self.stamp)
            self.audit_rows = []

    def compounds(self) -> dict[str, int]:
        for name in self.pv.new_compounds:
            compound = Compound.create(name=name)
            self.audit(audit.Action.CREATE, "compound", compound.id, None, audit.snapshot(compound))
        return dict(tuples(Compound.select(Compound.name, Compound.id)))

    def households(self, check: RegisterCheck, compound_ids: dict[str, int]) -> dict[str, int]:
        created: list[dict[str, Any]] = []
        for number, merged in self.pv.households.items():
            values = dict(merged)
            values["compound"] = compound_ids[values["compound"]]
            house = check.houses.get(number)
            if house is None:
                created.append(
                    {
                        "household_no": number,
                        "building": "",
                        "unit": "",
                        "room": "",
                        "household_type": "2",
                        "phone": "",
                        "notes": "",
                        "archived": False,
                        "created_at": self.stamp,
                        "updated_at": self.stamp,
                        **values,
                    }
                )
                continue
            stored = dict(house.values, compound=compound_ids.get(house.values["compound"]))
            changes = household_changes(stored, values)
            if changes:
                Household.update(**changes, updated_at=self.stamp).where(
                    Household.id == house.id
                ).execute()
                self.audit(
                    audit.Action.UPDATE,
                    "household",
                    house.id,
                    {k: stored.get(k) for k in changes},
                    changes,
                )
        for part in chunks(created):
            bulk_insert(Household, part)
        ids: dict[str, int] = {}
        for part in chunks(list(self.pv.households)):
            ids.update(
                tuples(
                    Household.select(Household.household_no, Household.id).where(
                        Household.household_no.in_(part)
                    )
                )
            )
        self.house_numbers = {hid: number for number, hid in ids.items()}
        for values in created:
            snap = {k: _plain(v) for k, v in values.items()}
            snap["id"] = ids[values["household_no"]]
            self.audit(audit.Action.CREATE, "household", snap["id"], None, snap)
        return ids

    def residents(self, check: RegisterCheck, house_ids: dict[str, int]) -> tuple[int, int]:
        created: list[dict[str, Any]] = []
        updated = 0
        for row in self.pv.accepted:
            household = house_ids[row.household_no]
            if row.action == "new":
                values = {
                    **_RESIDENT_DEFAULTS,
                    **row.defaults,
                    **row.person,
                    "household": household,
                    "created_at": self.stamp,
                    "updated_at": self.stamp,
                }
                values["pinyin"], values["pinyin_initials"] = pinyin_keys(values["name"])
                created.append(values)
                if len(created) >= CHUNK:
                    self._insert_people(created)
                    created = []
            elif row.action == "update":
                known = check.people[row.id_number]
                changes = person_changes(known.values, row.person)
                before = {k: _plain(known.values.get(k)) for k in changes}
                if known.household_id != household:
                    changes["household"] = household
                    before["household"] = known.household_id
                if "name" in changes:
                    changes["pinyin"], changes["pinyin_initials"] = pinyin_keys(changes["name"])
                if changes:  # not when only the special groups change
                    Resident.update(**changes, updated_at=self.stamp).where(
                        Resident.id == known.id
                    ).execute()
                    self.audit(
                        audit.Action.UPDATE,
                        "resident",
                        known.id,
                        before,
                        {k: _plain(v) for k, v in changes.items()},
                    )
                updated += 1
            self.tick()
        self._insert_people(created)
        return sum(1 for r in self.pv.accepted if r.action == "new"), updated

    def _insert_people(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        bulk_insert(Resident, rows)
        ids: dict[str, int] = dict(
            tuples(
                Resident.select(Resident.id_number, Resident.id).where(
                    Resident.id_number.in_([r["id_number"] for r in rows])
                )
            )
        )
        self.new_ids.update(ids)
        for values in rows:
            snap = {k: _plain(v) for k, v in values.items()}
            snap["id"] = ids[values["id_number"]]
            self.audit(audit.Action.CREATE, "resident", snap["id"], None, snap)
        self._entry_events(rows, ids)

    def _entry_events(self, rows: list[dict[str, Any]], ids: dict[str, int]) -> None:
        """A dated entry for every person added, so that no past month counts them: moved in
        on the file's arrival date, or enrolled (登记入册) on the day the clerk gave."""
        events: list[dict[str, Any]] = []
        for values in rows:
            arrived = values.get("arrived_on")
            day = arrived or self.pv.enrolled_on
            birth = values.get("birth_date")
            if birth is not None and day < birth:
                day = birth  # enrolled before birth: a baby in the file is here from birth
            events.append(
                {
                    "resident": ids[values["id_number"]],
                    "household": values["household"],
                    "kind": "move_in" if arrived else ENROLLED,
                    "event_date": day,
                    "reason": self.note[:200],
                    "from_value": "",
                    "to_value": self.house_numbers.get(values["household"], ""),
                    "corrects": None,
                    "voided": False,
                    "username": self.actor.username,
                    "created_at": self.stamp,
                }
            )
        bulk_insert(LifeEvent, events)
        self.events += len(events)
        event_ids = dict(
            tuples(
                LifeEvent.select(LifeEvent.resident, LifeEvent.id)
                .where(
                    LifeEvent.resident.in_([e["resident"] for e in events])
                    & LifeEvent.kind.in_(("move_in", ENROLLED))
                    & (LifeEvent.created_at == self.stamp)
                )
                .order_by(LifeEvent.id)
            )
        )
        for values in events:
            snap = {k: _plain(v) for k, v in values.items()}
            snap["id"] = event_ids.get(values["resident"])
            self.audit(audit.Action.CREATE, "life_event", snap["id"], None, snap)

    def tags(self, check: RegisterCheck) -> None:
        """Bring open special-group tags in line with the file: add, correct, end (dated)."""
        added: list[dict[str, Any]] = []
        for row in self.pv.accepted:
            tag_plan = row.tag_plan
            if not tag_plan:
                continue
            known = check.people.get(row.id_number)
            resident = known.id if known is not None else self.new_ids[row.id_number]
            for value in tag_plan.add:
                added.append(
                    {
                        "resident": resident,
                        "tag": value.tag,
                        "detail": value.detail,
                        "start_date": value.start_date,
                        "end_date": None,
                        "created_at": self.stamp,
                    }
                )
            for tag_id, before, after in tag_plan.change:
                ResidentTag.update(**after).where(ResidentTag.id == tag_id).execute()
                self.audit(
                    audit.Action.UPDATE,
                    "resident_tag",
                    tag_id,
                    {k: _plain(v) for k, v in before.items()},
                    {k: _plain(v) for k, v in after.items()},
                )
            for stored in tag_plan.end:
                ResidentTag.update(end_date=self.pv.today).where(
                    ResidentTag.id == stored.id
                ).execute()
                self.audit(
                    audit.Action.UPDATE,
                    "resident_tag",
                    stored.id,
                    {"end_date": None},
                    {"end_date": self.pv.today.isoformat()},
                )
        for part in chunks(added):
            bulk_insert(ResidentTag, part)
            ids: dict[tuple[int, str], int] = {}
            residents = sorted({values["resident"] for values in part})
            for tag_id, resident, tag in tuples(
                ResidentTag.select(ResidentTag.id, ResidentTag.resident, ResidentTag.tag)
                .where(ResidentTag.resident.in_(residents) & ResidentTag.end_date.is_null())
                .order_by(ResidentTag.id)
            ):
                ids[(resident, tag)] = tag_id  # the newest open row of that tag: this one
            for values in part:
                snap = {k: _plain(v) for k, v in values.items()}
                snap["id"] = ids[(values["resident"], values["tag"])]
                self.audit(audit.Action.CREATE, "resident_tag", snap["id"], None, snap)


def bulk_insert(model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows through the driver's executemany: peewee's insert_many builds one
    huge statement in Python, and at the seed's size that alone took seconds."""
    if not rows:
        return
    names = list(rows[0])
    fields = [model._meta.fields[name] for name in names]
    db = database.obj if hasattr(database, "obj") else database
    sql = (
        f'INSERT INTO "{model._meta.table_name}" '
        f"({', '.join(f'{chr(34)}{f.column_name}{chr(34)}' for f in fields)}) "
        f"VALUES ({', '.join([db.param] * len(fields))})"
    )
    params = [
        [_sql_value(f.db_value(row[name])) for f, name in zip(fields, names, strict=True)]
        for row in rows
    ]
    db.cursor().executemany(sql, params)


def _sql_value(value: Any) -> Any:
    # Dates as the text peewee stores (sqlite3's own date adapters are deprecated).
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@service(Perm.REGISTRY_IMPORT, write=False)
def apply(
    actor: HasRole, pv: Preview, progress: Progress | None = None, dry_run: bool = False
) -> ImportResult:
    """Write the preview's valid rows in one transaction (or, dry_run, only check them).

    The register is checked again inside the transaction, so the counts are those of the
    register as it is now. Cancelling through *progress* rolls everything back."""
    from models.registry.workbook import layouts as workbook_layouts

    _check_options(pv)
    result = ImportResult(pv, dry_run=dry_run)
    with database.atomic() as txn:
        check = _run_check(pv)
        if pv.questions and not dry_run:
            raise ImportBlocked("；".join(q.text for q in pv.questions))
        result.new_compounds = len(pv.new_compounds)
        result.new_households = pv.new_households
        result.updated_households = pv.updated_households
        result.new_residents = pv.new_residents
        result.updated_residents = pv.updated_residents
        result.tags_added, result.tags_changed, result.tags_ended = pv.tag_counts()
        if dry_run:
            txn.rollback()
            return result
        writer = _Writer(actor, pv, progress)
        compound_ids = writer.compounds()
        house_ids = writer.households(check, compound_ids)
        writer.residents(check, house_ids)
        writer.tags(check)
        workbook_layouts.remember(actor, pv)
        writer.flush()
        result.events = writer.events
        audit.record(
            actor.username,
            audit.Action.IMPORT,
            "resident",
            None,
            None,
            {
                "file": pv.path.name,
                "compounds": result.new_compounds,
                "events": writer.events,
                "households": result.new_households,
                "households_updated": result.updated_households,
                "residents": result.new_residents,
                "residents_updated": result.updated_residents,
                "tags_added": result.tags_added,
                "tags_changed": result.tags_changed,
                "tags_ended": result.tags_ended,
                "rejected": len(pv.rejected),
            },
            writer.note,
        )
    return result


@service(Perm.REGISTRY_IMPORT, write=False)
def import_file(
    actor: HasRole,
    path: str | os.PathLike[str],
    dry_run: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
    options: ImportOptions | None = None,
) -> ImportResult:
    """Preview and apply in one go (the command line). Raises ImportBlocked while the file
    leaves a question open (a sheet's compound, the people's category, a missing column)."""
    return apply(actor, preview(actor, path, None, today, options), progress, dry_run)


def reason_lines(pv: Preview) -> list[str]:
    return [f"{r.sheet} 第{r.row}行：{r.reason()}" for r in pv.rejected]


def safe_sheet_title(name: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet"
    return title[:31]
