"""Writing an import: compounds, households, residents, their entry events and special-group
tags, each with its audit row, in bulk (models/registry/workbook/importer.py's apply() runs it
inside one transaction).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from models.core import audit
from models.core.db import database
from models.core.entities import (
    Compound,
    Household,
    LifeEvent,
    Resident,
    ResidentTag,
    now,
)
from models.core.permissions import HasRole
from models.core.pinyin import keys as pinyin_keys
from models.registry.workbook.check import (
    CHUNK,
    RegisterCheck,
    chunks,
    household_changes,
    person_changes,
    tuples,
)
from models.registry.workbook.import_preview import ImportCancelled, Preview, Progress

ENROLLED = "enrolled"  # life event kind: 登记入册 (in the register from this day, arrival unknown)


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


class Writer:
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
                # The row version moves on, so that a clerk's window opened before the import
                # is told what changed instead of saving over it (models.core.crud).
                Household.update(
                    **changes, updated_at=self.stamp, row_version=Household.row_version + 1
                ).where(Household.id == house.id).execute()
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
                    Resident.update(
                        **changes, updated_at=self.stamp, row_version=Resident.row_version + 1
                    ).where(Resident.id == known.id).execute()
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
