"""Checking an import against the register: archived households, one 户号 in one compound,
exactly one head per household after the import, and what each row would change.

Everything here reads; workbook_import writes. The checks run for the preview and again
inside the import's transaction, so they see the register as it is at that moment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from models.core import codes
from models.core.entities import Compound, Household, Resident, ResidentTag
from models.registry.workbook.rows import (
    HEAD,
    HOUSEHOLD_FIELDS,
    REJECTED,
    WARNING,
    Issue,
    RowResult,
    make_issue,
    where_text,
)
from models.registry.workbook.tags import StoredTag, TagPlan, plan

if TYPE_CHECKING:
    from models.registry.workbook.import_preview import Preview

CHUNK = 400  # rows per INSERT / IN (...) list, well under SQLite's variable limit


@dataclass
class _Person:
    id: int
    household_id: int | None
    values: dict[str, Any]


def tuples(query: Any) -> list[tuple[Any, ...]]:
    """Rows of a select as plain tuples (typed loosely: peewee's stubs know no tuples())."""
    return list(query.tuples())


def chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


PERSON_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "relation",
    "education",
    "marital_status",
    "political_status",
    "category",
    "status",
    "phone",
    "hukou_address",
    "work_unit",
    "arrived_on",
    "notes",
)


def _load_people(ids: list[str]) -> dict[str, _Person]:
    people: dict[str, _Person] = {}
    columns = [Resident.id, Resident.household, Resident.id_number] + [
        getattr(Resident, name) for name in PERSON_FIELDS
    ]
    for part in chunks(ids):
        for values in tuples(Resident.select(*columns).where(Resident.id_number.in_(part))):
            people[values[2]] = _Person(
                values[0], values[1], dict(zip(PERSON_FIELDS, values[3:], strict=True))
            )
    return people


@dataclass
class _House:
    id: int
    number: str
    archived: bool
    values: dict[str, Any]  # compound (name), building, unit, room, household_type, phone, notes


def _load_households(numbers: list[str], ids: list[int]) -> dict[str, _House]:
    houses: dict[str, _House] = {}
    compound_names = dict(tuples(Compound.select(Compound.id, Compound.name)))
    columns = (
        Household.id,
        Household.household_no,
        Household.archived,
        Household.compound,
        Household.building,
        Household.unit,
        Household.room,
        Household.household_type,
        Household.phone,
        Household.notes,
    )
    for key, values in (("no", numbers), ("id", ids)):
        for part in chunks(values):
            cond = Household.household_no.in_(part) if key == "no" else Household.id.in_(part)
            for hid, no, archived, compound, building, unit, room, kind, phone, notes in tuples(
                Household.select(*columns).where(cond)
            ):
                houses[no] = _House(
                    hid,
                    no,
                    bool(archived),
                    {
                        "compound": compound_names.get(compound, ""),
                        "building": building,
                        "unit": unit,
                        "room": room,
                        "household_type": kind,
                        "phone": phone,
                        "notes": notes,
                    },
                )
    return houses


def _open_tags(resident_ids: list[int]) -> dict[int, list[StoredTag]]:
    """resident id -> open tags (end_date not set), oldest first."""
    tags: dict[int, list[StoredTag]] = {}
    columns = (
        ResidentTag.id,
        ResidentTag.resident,
        ResidentTag.tag,
        ResidentTag.detail,
        ResidentTag.start_date,
    )
    for part in chunks(resident_ids):
        query = (
            ResidentTag.select(*columns)
            .where(ResidentTag.resident.in_(part) & ResidentTag.end_date.is_null())
            .order_by(ResidentTag.id)
        )
        for tid, rid, tag, detail, start in tuples(query):
            tags.setdefault(rid, []).append(StoredTag(tid, tag, detail, start))
    return tags


def _current_members(household_ids: list[int]) -> dict[int, dict[str, tuple[str, str]]]:
    """household id -> {person key: (relation, name)} of its current members."""
    members: dict[int, dict[str, tuple[str, str]]] = {}
    for part in chunks(household_ids):
        query = tuples(
            Resident.select(
                Resident.id,
                Resident.household,
                Resident.id_number,
                Resident.relation,
                Resident.name,
            ).where(Resident.household.in_(part) & (Resident.status == "current"))
        )
        for rid, hid, number, relation, name in query:
            members.setdefault(hid, {})[number or f"#{rid}"] = (relation, name)
    return members


class RegisterCheck:
    """The register-dependent rules: archived households, one head per household."""

    def __init__(self, pv: Preview) -> None:
        self.pv = pv
        for row in pv.rows:
            row.issues = list(row.file_issues)
            row.action = ""
        ids = sorted({r.id_number for r in pv.rows if r.id_number})
        self.people = _load_people(ids)
        old_ids = sorted({p.household_id for p in self.people.values() if p.household_id})
        self.houses = _load_households([], old_ids)
        self.generated: set[str] = set()
        self._number_groups()
        numbers = sorted({r.household_no for r in pv.rows if r.household_no})
        self.houses.update(_load_households(numbers, []))
        self.house_by_id = {h.id: h for h in self.houses.values()}
        self.members = _current_members(sorted(self.house_by_id))
        self.tags = _open_tags(sorted(p.id for p in self.people.values()))
        self.position = {id(row): n for n, row in enumerate(pv.rows)}
        self.headless: set[str] = set()

    def reject(self, row: RowResult, name: str, message: str) -> None:
        row.issues.append(make_issue(self.pv.sheets[row.sheet], REJECTED, name, message))

    def _number_groups(self) -> None:
        """Households formed from heads (no 户号 column): the number of the household their
        head (or else a member) already lives in, so that a second import changes nothing;
        otherwise a new number, yymm-0001 on, that neither the register nor the file uses."""
        groups: dict[str, list[RowResult]] = {}
        for row in self.pv.rows:
            if row.group:
                groups.setdefault(row.group, []).append(row)
        if not groups:
            return
        by_id = {h.id: h for h in self.houses.values()}
        prefix = f"{self.pv.today:%y%m}-"
        used = {r.household_no for r in self.pv.rows if r.household_no and not r.group}
        used.update(
            no
            for (no,) in tuples(
                Household.select(Household.household_no).where(
                    Household.household_no.startswith(prefix)
                )
            )
        )
        seq = 0
        for rows in groups.values():
            number = ""
            for row in rows:  # the head first: it is the group's first row
                known = self.people.get(row.id_number) if row.id_number else None
                house = by_id.get(known.household_id or 0) if known else None
                if house is not None and not house.archived:
                    number = house.number
                    break
            if not number:
                seq += 1
                while f"{prefix}{seq:04d}" in used:
                    seq += 1
                number = f"{prefix}{seq:04d}"
                used.add(number)
                self.generated.add(number)
            for row in rows:
                row.household_no = number

    def run(self) -> None:
        if any(plan.missing for plan in self.pv.plans.values()):
            self._actions()  # the import waits for the missing column: no household rules yet
            return
        for row in self.pv.accepted:
            house = self.houses.get(row.household_no)
            if house is not None and house.archived:
                self.reject(
                    row,
                    "household_no",
                    f"户号{row.household_no}已注销（归档），请先在户籍人口页处理",
                )
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
            where = "登记簿中" if first[1] is None else where_text(row, first[1])
            self.reject(
                row,
                "compound" if "compound" in self.pv.sheets[row.sheet].columns else "household_no",
                f"户号{row.household_no}在{where}属于小区“{first[0]}”，这里是“{compound}”："
                "户号须在全社区唯一（可加小区前缀）；整户换小区请在户籍人口页办理",
            )

    def _final_members(
        self,
    ) -> tuple[dict[str, dict[str, tuple[str, RowResult | None]]], dict[str, set[str]]]:
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
            current = (
                known.values["status"] if known else row.person.get("status", "current")
            ) == "current"
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
                    rel == HEAD for rel, _ in self.members.get(house.id, {}).values()
                ):
                    self.headless.add(number)  # already so in the register: not this file's doing
                    continue
                failed = [
                    r
                    for r in all_by_house[number]
                    if r.rejected and r.person.get("relation") == HEAD
                ]
                # Said with the head's own reason: the family waits for one fixed cell.
                message = (
                    f"本户户主{failed[0].name}（{where_text(rows[0], failed[0])}）未能导入："
                    f"{_first_reason(failed[0])}；本户成员随户主暂不导入，改正户主那一行后整户"
                    "重新导入"
                    if failed
                    else f"户号{number}没有户主（与户主关系为“户主”的成员）"
                )
                for row in rows:
                    self.reject(row, "relation", message)
                changed = True
            elif len(heads) > 1:
                registered = [members_key for members_key, row in heads if row is None]
                file_heads = sorted(
                    (row for _, row in heads if row is not None), key=lambda r: self.position[id(r)]
                )
                if registered:
                    name = self.members_name(number, registered[0])
                    for row in file_heads:
                        self.reject(
                            row,
                            "relation",
                            f"户号{number}在登记簿中已有户主{name}；更换户主请在户籍人口页办理",
                        )
                else:
                    for row in file_heads[1:]:
                        self.reject(
                            row,
                            "relation",
                            f"同一户只能有一个户主，{where_text(row, file_heads[0])}已是户主",
                        )
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
                        self.reject(
                            row,
                            "household_no",
                            f"此人是户号{number}的户主，迁到别户前请先在户籍人口页为原户更换户主",
                        )
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
        known_compounds = {name for (name,) in tuples(Compound.select(Compound.name))}
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
                    row.issues.append(
                        Issue(
                            WARNING,
                            "",
                            "",
                            f"{_household_label(name)}“{_show(name, mine)}”与本户"
                            f"{where_text(row, lead)}的“{_show(name, values[name])}”不一致，"
                            f"以{where_text(row, lead)}为准",
                        )
                    )
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
                row.issues.append(
                    Issue(
                        WARNING,
                        "",
                        "户主",
                        f"户号{row.household_no}在登记簿中没有"
                        "在册的户主，本次导入也未指定；请在户籍人口页指定户主",
                    )
                )
            known = self.people.get(row.id_number)
            row.tag_plan = self._tag_plan(row, known)
            if known is None:
                row.action = "new"
                pv.new_residents += 1
                continue
            status = row.person.get("status")
            if status and status != known.values["status"]:
                row.issues.append(
                    Issue(
                        WARNING,
                        "",
                        "人员状态",
                        f"登记簿中为“{codes.name('resident_status', known.values['status'])}”，"
                        "导入不改变人员状态；迁出、死亡等请在户籍人口页登记",
                    )
                )
            stored_name = known.values["name"]
            if row.name and stored_name != row.name:
                row.issues.append(
                    Issue(
                        WARNING,
                        "",
                        "姓名",
                        f"登记簿中此身份证号码的姓名为“{stored_name}”，将改为"
                        f"“{row.name}”；若是号码填错，请改正后再导入",
                    )
                )
            house = self.houses.get(row.household_no)
            moved = house is None or house.id != known.household_id
            old_house = self.house_by_id.get(known.household_id or 0)
            if moved and old_house is not None:
                row.issues.append(
                    Issue(
                        WARNING,
                        "",
                        "户号",
                        f"此人在登记簿中属户号{old_house.number}，将移到户号{row.household_no}",
                    )
                )
            if moved or person_changes(known.values, row.person) or row.tag_plan:
                row.action = "update"
                pv.updated_residents += 1
            else:
                row.action = "same"
                pv.unchanged_residents += 1

    def _tag_plan(self, row: RowResult, known: _Person | None) -> TagPlan | None:
        """The file's 特殊人群 against the person's open tags; only when the file has the
        column, so that a register without it never ends anyone's tags."""
        if row.tags is None:
            return None
        result = plan(self.tags.get(known.id, []) if known else [], row.tags)
        if result.end:
            names = "、".join(codes.name("special_group", t.tag, t.tag) for t in result.end)
            row.issues.append(
                make_issue(
                    self.pv.sheets[row.sheet],
                    WARNING,
                    "special_groups",
                    f"登记簿中的“{names}”表中未填，导入后将结束（结束日期为{self.pv.today:%Y-%m-%d}，"
                    "记录保留）",
                )
            )
        return result


def _first_reason(row: RowResult) -> str:
    issue = next(i for i in row.issues if i.level == REJECTED)
    return issue.message


def _household_label(name: str) -> str:
    return {
        "compound": "小区",
        "building": "楼栋",
        "unit": "单元",
        "room": "门牌",
        "household_type": "户别",
        "phone": "户电话",
        "notes": "户备注",
    }[name]


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
