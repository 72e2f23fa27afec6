"""Importing a household register workbook: preview every row, then write the valid ones.

preview() reads the file and checks each row against the rules and the register (nothing is
written). apply() checks again inside one transaction (the register may have changed since
the preview) and writes compounds, households and residents with their audit rows; a
cancelled or failed import rolls back whole.

Matching: people by ID number, households by household number, compounds by name (created
when new). Importing the same file twice changes nothing the second time. The status of a
person already in the register (moved out, deceased) is never changed by an import: those
changes are dated life events that the monthly report counts, entered in the registry tab.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models import audit, codes
from models.db import database
from models.entities import AuditLog, Compound, Household, Resident, now
from models.permissions import HasRole, Perm, require
from models.pinyin import keys as pinyin_keys
from models.workbook_read import (
    ReadCancelled,
    SheetTable,
    WorkbookData,
    WorkbookReadError,
    iter_rows,
    read_workbook,
)
from models.workbook_rows import (
    HEAD,
    HOUSEHOLD_FIELDS,
    OK,
    REJECTED,
    WARNING,
    Issue,
    RowParser,
    RowResult,
    make_issue,
)

Progress = Callable[[int, int], bool]
CHUNK = 400  # rows per INSERT / IN (...) list, well under SQLite's variable limit

__all__ = [
    "ImportCancelled", "ImportResult", "Preview", "WorkbookReadError", "apply", "import_file",
    "preview", "OK", "WARNING", "REJECTED",
]


class ImportCancelled(Exception):
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
    new_compounds: list[str] = field(default_factory=list)
    households: dict[str, dict[str, Any]] = field(default_factory=dict)  # 户号 -> address
    new_households: int = 0
    updated_households: int = 0
    new_residents: int = 0
    updated_residents: int = 0
    unchanged_residents: int = 0

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.rejected]

    @property
    def accepted(self) -> list[RowResult]:
        return [r for r in self.rows if not r.rejected]

    def summary(self) -> str:
        return (
            f"共{len(self.rows)}行：可导入{len(self.accepted)}行（新增{self.new_residents}人、"
            f"更新{self.updated_residents}人、无变化{self.unchanged_residents}人；"
            f"新增{self.new_households}户、更新{self.updated_households}户"
            + (f"；新建小区{'、'.join(self.new_compounds)}" if self.new_compounds else "")
            + f"），其中有警告{self.count(WARNING)}行；退回{self.count(REJECTED)}行。"
        )


@dataclass
class ImportResult:
    preview: Preview
    dry_run: bool = False
    new_compounds: int = 0
    new_households: int = 0
    updated_households: int = 0
    new_residents: int = 0
    updated_residents: int = 0

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

def parse_file(path: str | os.PathLike[str], progress: Progress | None = None,
               today: dt.date | None = None) -> Preview:
    """Read *path* and check every row on its own and against the other rows of the file."""
    today = today or dt.date.today()
    try:
        data = read_workbook(Path(path), progress)
    except ReadCancelled as exc:
        raise ImportCancelled() from exc
    rows: list[RowResult] = []
    parsers: dict[str, RowParser] = {}
    for sheet, source in iter_rows(data):
        parser = parsers.get(sheet.name) or parsers.setdefault(sheet.name, RowParser(sheet, today))
        rows.append(parser.parse(source))
    sheets = {s.name: s for s in data.sheets}
    _duplicate_ids(rows, sheets)
    for row in rows:
        row.file_issues = list(row.issues)
    return Preview(
        Path(path), data.kind, data.encoding, rows, sheets,
        notes=_notes(data),
    )


def _notes(data: WorkbookData) -> list[str]:
    notes = [f"工作表“{name}”未导入：{why}" for name, why in data.ignored_sheets]
    for sheet in data.sheets:
        for number, why in sheet.skipped:
            notes.append(f"工作表“{sheet.name}”第{number}行跳过：{why}")
    return notes


def _where(row: RowResult, other: RowResult) -> str:
    return f"第{other.row}行" if other.sheet == row.sheet else f"工作表“{other.sheet}”第{other.row}行"


def _duplicate_ids(rows: list[RowResult], sheets: dict[str, SheetTable]) -> None:
    first: dict[str, RowResult] = {}
    for row in rows:
        if not row.id_number:
            continue
        seen = first.get(row.id_number)
        if seen is None:
            first[row.id_number] = row
            continue
        row.issues.append(make_issue(sheets[row.sheet], REJECTED, "id_number",
                                     f"与{_where(row, seen)}的身份证号码重复（保留先出现的一行）"))


# -- checking against the register ---------------------------------------------------------

@dataclass
class _Person:
    id: int
    household_id: int | None
    values: dict[str, Any]


def _tuples(query: Any) -> list[tuple[Any, ...]]:
    """Rows of a select as plain tuples (typed loosely: peewee's stubs know no tuples())."""
    return list(query.tuples())


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


PERSON_FIELDS = ("name", "sex", "birth_date", "ethnicity", "relation", "education",
                 "marital_status", "political_status", "category", "status", "phone",
                 "hukou_address", "work_unit", "arrived_on", "notes")


def _load_people(ids: list[str]) -> dict[str, _Person]:
    people: dict[str, _Person] = {}
    columns = [Resident.id, Resident.household, Resident.id_number] + [
        getattr(Resident, name) for name in PERSON_FIELDS]
    for part in _chunks(ids):
        for values in _tuples(Resident.select(*columns).where(Resident.id_number.in_(part))):
            people[values[2]] = _Person(values[0], values[1], dict(zip(PERSON_FIELDS, values[3:],
                                                                        strict=True)))
    return people


@dataclass
class _House:
    id: int
    number: str
    archived: bool
    values: dict[str, Any]  # compound (name), building, unit, room, household_type


def _load_households(numbers: list[str], ids: list[int]) -> dict[str, _House]:
    houses: dict[str, _House] = {}
    compound_names = dict(_tuples(Compound.select(Compound.id, Compound.name)))
    columns = (Household.id, Household.household_no, Household.archived, Household.compound,
               Household.building, Household.unit, Household.room, Household.household_type)
    for key, values in (("no", numbers), ("id", ids)):
        for part in _chunks(values):
            cond = Household.household_no.in_(part) if key == "no" else Household.id.in_(part)
            for hid, no, archived, compound, building, unit, room, kind in \
                    _tuples(Household.select(*columns).where(cond)):
                houses[no] = _House(hid, no, bool(archived), {
                    "compound": compound_names.get(compound, ""), "building": building,
                    "unit": unit, "room": room, "household_type": kind})
    return houses


def _current_members(household_ids: list[int]) -> dict[int, dict[str, tuple[str, str]]]:
    """household id -> {person key: (relation, name)} of its current members."""
    members: dict[int, dict[str, tuple[str, str]]] = {}
    for part in _chunks(household_ids):
        query = _tuples(Resident.select(Resident.id, Resident.household, Resident.id_number,
                                        Resident.relation, Resident.name)
                        .where(Resident.household.in_(part) & (Resident.status == "current")))
        for rid, hid, number, relation, name in query:
            members.setdefault(hid, {})[number or f"#{rid}"] = (relation, name)
    return members


class _Check:
    """The register-dependent rules: archived households, one head per household."""

    def __init__(self, pv: Preview) -> None:
        self.pv = pv
        for row in pv.rows:
            row.issues = list(row.file_issues)
            row.action = ""
        ids = sorted({r.id_number for r in pv.rows if r.id_number})
        self.people = _load_people(ids)
        numbers = sorted({r.household_no for r in pv.rows if r.household_no})
        old_ids = sorted({p.household_id for p in self.people.values() if p.household_id})
        self.houses = _load_households(numbers, old_ids)
        self.house_by_id = {h.id: h for h in self.houses.values()}
        self.members = _current_members(sorted(self.house_by_id))
        self.position = {id(row): n for n, row in enumerate(pv.rows)}
        self.headless: set[str] = set()

    def reject(self, row: RowResult, name: str, message: str) -> None:
        row.issues.append(make_issue(self.pv.sheets[row.sheet], REJECTED, name, message))

    def run(self) -> None:
        for row in self.pv.accepted:
            house = self.houses.get(row.household_no)
            if house is not None and house.archived:
                self.reject(row, "household_no", f"户号{row.household_no}已注销（归档），请先在户籍人口页处理")
        self._compounds()
        for _ in range(10):  # each pass may reject rows that leave another household headless
            if not self._heads():
                break
        self._actions()

    def _compounds(self) -> None:
        """One 户号 is one household in one compound. Registers numbered per compound (1, 2,
        3 … in every sheet) would otherwise merge strangers into one household."""
        owner: dict[str, tuple[str, RowResult | None]] = {}
        for number, house in self.houses.items():
            owner[number] = (house.values["compound"], None)
        for row in self.pv.accepted:
            compound = row.household.get("compound", "")
            first = owner.setdefault(row.household_no, (compound, row))
            if first[0] == compound:
                continue
            where = "登记簿中" if first[1] is None else _where(row, first[1])
            self.reject(row, "compound" if "compound" in self.pv.sheets[row.sheet].columns
                        else "household_no",
                        f"户号{row.household_no}在{where}属于小区“{first[0]}”，这里是“{compound}”："
                        "户号须在全社区唯一（可加小区前缀）；整户换小区请在户籍人口页办理")

    def _final_members(self) -> tuple[dict[str, dict[str, tuple[str, RowResult | None]]],
                                      dict[str, set[str]]]:
        """household number -> {person key: (relation, file row)}, for current people after
        the import; and, per household number, the people the import takes away from it."""
        final: dict[str, dict[str, tuple[str, RowResult | None]]] = {}
        for hid, people in self.members.items():
            house = self.house_by_id[hid]
            final[house.number] = {k: (rel, None) for k, (rel, _) in people.items()}
        leaving: dict[str, set[str]] = {}
        for row in self.pv.accepted:
            known = self.people.get(row.id_number)
            if known is not None and known.household_id in self.house_by_id:
                old = self.house_by_id[known.household_id].number
                if old != row.household_no:
                    final.get(old, {}).pop(row.id_number, None)
                    leaving.setdefault(old, set()).add(row.id_number)
            current = (known.values["status"] if known else row.person.get("status", "current")) \
                == "current"
            members = final.setdefault(row.household_no, {})
            if current:
                members[row.id_number] = (row.person["relation"], row)
            else:
                members.pop(row.id_number, None)
        return final, leaving

    def _heads(self) -> bool:
        """Reject rows that would leave a household with no head or two; True if any were."""
        final, leaving = self._final_members()
        by_house: dict[str, list[RowResult]] = {}
        for row in self.pv.accepted:
            by_house.setdefault(row.household_no, []).append(row)
        all_by_house: dict[str, list[RowResult]] = {}
        for row in self.pv.rows:
            all_by_house.setdefault(row.household_no, []).append(row)
        changed = False
        for number, rows in by_house.items():
            members = final.get(number, {})
            heads = [(key, row) for key, (rel, row) in members.items() if rel == HEAD]
            if not heads:
                if not any(members.get(r.id_number, ("", None))[1] is r for r in rows):
                    continue  # only people who left or died: nothing to lead
                house = self.houses.get(number)
                if house is not None and not any(
                        rel == HEAD for rel, _ in self.members.get(house.id, {}).values()):
                    self.headless.add(number)  # already so in the register: not this file's doing
                    continue
                failed = [r for r in all_by_house[number]
                          if r.rejected and r.person.get("relation") == HEAD]
                message = (f"本户户主（{_where(rows[0], failed[0])}）未能导入，本户其他成员一并退回；"
                           "改正后整户重新导入" if failed else
                           f"户号{number}没有户主（与户主关系为“户主”的成员）")
                for row in rows:
                    self.reject(row, "relation", message)
                changed = True
            elif len(heads) > 1:
                registered = [members_key for members_key, row in heads if row is None]
                file_heads = sorted((row for _, row in heads if row is not None),
                                    key=lambda r: self.position[id(r)])
                if registered:
                    name = self.members_name(number, registered[0])
                    for row in file_heads:
                        self.reject(row, "relation", f"户号{number}在登记簿中已有户主{name}；"
                                "更换户主请在户籍人口页办理")
                else:
                    for row in file_heads[1:]:
                        self.reject(row, "relation",
                                f"同一户只能有一个户主，{_where(row, file_heads[0])}已是户主")
                changed = True
        for number, keys in leaving.items():
            if number in by_house:
                continue
            house = self.houses.get(number)
            before = self.members.get(house.id, {}) if house else {}
            was_head = [k for k in keys if before.get(k, ("", ""))[0] == HEAD]
            left = final.get(number, {})
            if was_head and left and not any(rel == HEAD for rel, _ in left.values()):
                for row in self.pv.accepted:
                    if row.id_number in was_head:
                        self.reject(row, "household_no", f"此人是户号{number}的户主，迁到别户前请先在"
                                "户籍人口页为原户更换户主")
                        changed = True
        return changed

    def members_name(self, number: str, key: str) -> str:
        house = self.houses.get(number)
        if house is None:
            return ""
        return self.members.get(house.id, {}).get(key, ("", ""))[1]

    def _actions(self) -> None:
        pv = self.pv
        pv.new_households = pv.updated_households = 0
        pv.new_residents = pv.updated_residents = pv.unchanged_residents = 0
        known_compounds = {name for (name,) in _tuples(Compound.select(Compound.name))}
        new_compounds: list[str] = []
        # A household's address: each field from the first row that fills it in.
        merged: dict[str, dict[str, Any]] = {}
        setter: dict[tuple[str, str], RowResult] = {}
        for row in pv.accepted:
            values = merged.setdefault(row.household_no, {})
            for name in HOUSEHOLD_FIELDS:
                mine = row.household.get(name)
                if not mine:
                    continue
                if name not in values:
                    values[name] = mine
                    setter[(row.household_no, name)] = row
                elif values[name] != mine:
                    lead = setter[(row.household_no, name)]
                    row.issues.append(Issue(
                        WARNING, "", "", f"{_household_label(name)}“{_show(name, mine)}”与本户"
                        f"{_where(row, lead)}的“{_show(name, values[name])}”不一致，"
                        f"以{_where(row, lead)}为准"))
            compound = values.get("compound", "")
            if compound and compound not in known_compounds and compound not in new_compounds:
                new_compounds.append(compound)
        pv.new_compounds = new_compounds
        pv.households = merged
        for number, values in merged.items():
            house = self.houses.get(number)
            if house is None:
                pv.new_households += 1
            elif household_changes(house.values, values):
                pv.updated_households += 1
        for row in pv.accepted:
            if row.household_no in self.headless:
                row.issues.append(Issue(WARNING, "", "户主", f"户号{row.household_no}在登记簿中没有"
                                        "在册的户主，本次导入也未指定；请在户籍人口页指定户主"))
            known = self.people.get(row.id_number)
            if known is None:
                row.action = "new"
                pv.new_residents += 1
                continue
            status = row.person.get("status")
            if status and status != known.values["status"]:
                row.issues.append(Issue(
                    WARNING, "", "人员状态",
                    f"登记簿中为“{codes.name('resident_status', known.values['status'])}”，"
                    "导入不改变人员状态；迁出、死亡等请在户籍人口页登记"))
            stored_name = known.values["name"]
            if row.name and stored_name != row.name:
                row.issues.append(Issue(
                    WARNING, "", "姓名", f"登记簿中此身份证号码的姓名为“{stored_name}”，将改为"
                    f"“{row.name}”；若是号码填错，请改正后再导入"))
            house = self.houses.get(row.household_no)
            moved = house is None or house.id != known.household_id
            old_house = self.house_by_id.get(known.household_id or 0)
            if moved and old_house is not None:
                row.issues.append(Issue(
                    WARNING, "", "户号", f"此人在登记簿中属户号{old_house.number}，将移到户号"
                    f"{row.household_no}"))
            if moved or person_changes(known.values, row.person):
                row.action = "update"
                pv.updated_residents += 1
            else:
                row.action = "same"
                pv.unchanged_residents += 1


def _household_label(name: str) -> str:
    return {"compound": "小区", "building": "楼栋", "unit": "单元", "room": "门牌",
            "household_type": "户别"}[name]


def _show(name: str, value: str) -> str:
    return codes.name("household_type", value) if name == "household_type" else value


def household_changes(stored: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in incoming.items() if v and stored.get(k) != v}


def person_changes(stored: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """Fields whose file value differs from the register; blank cells never erase."""
    changes = {}
    for key, value in incoming.items():
        if key in ("id_number", "status") or value in (None, ""):
            continue
        if stored.get(key) != value:
            changes[key] = value
    return changes


def preview(actor: HasRole, path: str | os.PathLike[str], progress: Progress | None = None,
            today: dt.date | None = None) -> Preview:
    """Read and check *path* against the register; writes nothing."""
    require(actor, Perm.REGISTRY_IMPORT)
    pv = parse_file(path, progress, today)
    _Check(pv).run()
    return pv


# -- writing --------------------------------------------------------------------------------

_RESIDENT_DEFAULTS: dict[str, Any] = {
    "sex": "0", "birth_date": None, "ethnicity": "01", "relation": "99", "education": "",
    "marital_status": "", "political_status": "", "category": "1", "status": "current",
    "phone": "", "hukou_address": "", "work_unit": "", "arrived_on": None, "notes": "",
}


class _Writer:
    def __init__(self, actor: HasRole, pv: Preview, progress: Progress | None) -> None:
        self.actor = actor
        self.pv = pv
        self.progress = progress
        self.total = max(len(pv.accepted), 1)
        self.done = 0
        self.audit_rows: list[dict[str, Any]] = []
        self.stamp = now()
        self.note = f"导入花名册“{pv.path.name}”"

    def tick(self, step: int = 1) -> None:
        before = self.done
        self.done += step
        due = self.done // 200 != before // 200 or self.done >= self.total
        if self.progress and due and self.progress(min(self.done, self.total), self.total) is False:
            raise ImportCancelled()

    def audit(self, action: str, table: str, record_id: Any, before: dict[str, Any] | None,
              after: dict[str, Any]) -> None:
        self.audit_rows.append({
            "at": self.stamp, "username": self.actor.username, "action": action,
            "table_name": table, "record_id": str(record_id),
            "before": None if before is None else _json(before), "after": _json(after),
            "note": self.note,
        })
        if len(self.audit_rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.audit_rows:
            bulk_insert(AuditLog, self.audit_rows)
            self.audit_rows = []

    def compounds(self) -> dict[str, int]:
        for name in self.pv.new_compounds:
            compound = Compound.create(name=name)
            self.audit("create", "compound", compound.id, None, audit.snapshot(compound))
        return dict(_tuples(Compound.select(Compound.name, Compound.id)))

    def households(self, check: _Check, compound_ids: dict[str, int]) -> dict[str, int]:
        created: list[dict[str, Any]] = []
        for number, merged in self.pv.households.items():
            values = dict(merged)
            values["compound"] = compound_ids[values["compound"]]
            house = check.houses.get(number)
            if house is None:
                created.append({"household_no": number, "building": "", "unit": "", "room": "",
                                "household_type": "2", "phone": "", "notes": "",
                                "archived": False, "created_at": self.stamp,
                                "updated_at": self.stamp, **values})
                continue
            stored = dict(house.values, compound=compound_ids.get(house.values["compound"]))
            changes = household_changes(stored, values)
            if changes:
                Household.update(**changes, updated_at=self.stamp).where(
                    Household.id == house.id).execute()
                self.audit("update", "household", house.id,
                           {k: stored.get(k) for k in changes}, changes)
        for part in _chunks(created):
            bulk_insert(Household, part)
        ids: dict[str, int] = {}
        for part in _chunks(list(self.pv.households)):
            ids.update(_tuples(Household.select(Household.household_no, Household.id)
                               .where(Household.household_no.in_(part))))
        for values in created:
            snap = {k: _plain(v) for k, v in values.items()}
            snap["id"] = ids[values["household_no"]]
            self.audit("create", "household", snap["id"], None, snap)
        return ids

    def residents(self, check: _Check, house_ids: dict[str, int]) -> tuple[int, int]:
        created: list[dict[str, Any]] = []
        updated = 0
        for row in self.pv.accepted:
            household = house_ids[row.household_no]
            if row.action == "new":
                values = {**_RESIDENT_DEFAULTS, **row.person, "household": household,
                          "created_at": self.stamp, "updated_at": self.stamp}
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
                Resident.update(**changes, updated_at=self.stamp).where(
                    Resident.id == known.id).execute()
                self.audit("update", "resident", known.id, before,
                           {k: _plain(v) for k, v in changes.items()})
                updated += 1
            self.tick()
        self._insert_people(created)
        return sum(1 for r in self.pv.accepted if r.action == "new"), updated

    def _insert_people(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        bulk_insert(Resident, rows)
        ids: dict[str, int] = dict(_tuples(
            Resident.select(Resident.id_number, Resident.id)
            .where(Resident.id_number.in_([r["id_number"] for r in rows]))))
        for values in rows:
            snap = {k: _plain(v) for k, v in values.items()}
            snap["id"] = ids[values["id_number"]]
            self.audit("create", "resident", snap["id"], None, snap)


def bulk_insert(model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows through the driver's executemany: peewee's insert_many builds one
    huge statement in Python, and at the seed's size that alone took seconds."""
    if not rows:
        return
    names = list(rows[0])
    fields = [model._meta.fields[name] for name in names]
    db = database.obj if hasattr(database, "obj") else database
    sql = (f'INSERT INTO "{model._meta.table_name}" '
           f"({', '.join(f'{chr(34)}{f.column_name}{chr(34)}' for f in fields)}) "
           f"VALUES ({', '.join([db.param] * len(fields))})")
    params = [[_sql_value(f.db_value(row[name])) for f, name in zip(fields, names, strict=True)]
              for row in rows]
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


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def apply(actor: HasRole, pv: Preview, progress: Progress | None = None,
          dry_run: bool = False) -> ImportResult:
    """Write the preview's valid rows in one transaction (or, dry_run, only check them).

    The register is checked again inside the transaction, so the counts are those of the
    register as it is now. Cancelling through *progress* rolls everything back."""
    require(actor, Perm.REGISTRY_IMPORT)
    result = ImportResult(pv, dry_run=dry_run)
    with database.atomic() as txn:
        check = _Check(pv)
        check.run()
        result.new_compounds = len(pv.new_compounds)
        result.new_households = pv.new_households
        result.updated_households = pv.updated_households
        result.new_residents = pv.new_residents
        result.updated_residents = pv.updated_residents
        if dry_run:
            txn.rollback()
            return result
        writer = _Writer(actor, pv, progress)
        compound_ids = writer.compounds()
        house_ids = writer.households(check, compound_ids)
        writer.residents(check, house_ids)
        writer.flush()
        audit.record(
            actor.username, "import", "resident", None, None,
            {"file": pv.path.name, "compounds": result.new_compounds,
             "households": result.new_households, "households_updated": result.updated_households,
             "residents": result.new_residents, "residents_updated": result.updated_residents,
             "rejected": len(pv.rejected)},
            writer.note,
        )
    return result


def import_file(actor: HasRole, path: str | os.PathLike[str], dry_run: bool = False,
                progress: Progress | None = None, today: dt.date | None = None) -> ImportResult:
    """Preview and apply in one go (the command line)."""
    return apply(actor, preview(actor, path, None, today), progress, dry_run)


def reason_lines(pv: Preview) -> list[str]:
    return [f"{r.sheet} 第{r.row}行：{r.reason()}" for r in pv.rejected]


def safe_sheet_title(name: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet"
    return title[:31]
