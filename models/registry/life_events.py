"""Life events: birth, death, moving in and out, change of category; corrections; history.

Each event is a dated LifeEvent row written in the same transaction as the change it causes
(a birth adds the child to the household, a death or move out ends the person's current
status, a head who leaves hands over to a new head). The monthly report counts the rows
that are not voided: closing = opening + births - deaths + moved in - moved out.
A mistake is never deleted: a correction is a new event that points at the old one
(`corrects`) and voids it; a cancellation (撤销) is a "void" event that does the same. A
correction of the person's record itself (a mistyped name, say) is a "record_fix" event
holding the old and the new values, so that the history shows it; no figure counts it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from models.core import clock, codes, crud
from models.core.db import as_dict, database
from models.core.entities import Household, LifeEvent, Resident
from models.core.permissions import HasRole, Perm, require
from models.core.service import service
from models.monthly.parts import rows_of
from models.registry.households import handle_departure
from models.registry.residents import (
    HEAD,
    RegistryError,
    ResidentData,
    add_event,
    check_event_date,
    current_head,
    household_of,
    insert,
    replace_event,
)

KINDS = {
    "birth": "出生",
    "death": "死亡",
    "move_in": "迁入",
    "move_out": "迁出",
    "category_change": "类别变更",
    "household_change": "户内变动",
    "void": "撤销",
    "record_fix": "更正信息",  # a corrected field of the person's record: not counted
    # In the register from this day, arrival unknown (a workbook import without 来本地日期):
    # an entry, so that months before it do not count the person.
    "enrolled": "登记入册",
}
ENTRIES = ("birth", "move_in")
EXITS = ("death", "move_out")


@dataclass(frozen=True)
class EventRow:
    id: int
    kind: str
    event_date: dt.date
    resident_id: int | None
    resident_name: str
    household_id: int | None
    household_no: str
    reason: str
    from_value: str
    to_value: str
    voided: bool
    corrects_id: int | None
    username: str
    created_at: dt.datetime

    @property
    def kind_name(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def description(self) -> str:
        """One line for the history list: what changed, from where to where."""
        if self.kind == "birth":
            return f"出生，登记在户{self.to_value}" if self.to_value else "出生"
        if self.kind == "death":
            return "死亡"
        if self.kind == "move_in":
            return (
                f"自{self.from_value}迁入户{self.to_value}"
                if self.from_value
                else f"迁入户{self.to_value}"
            )
        if self.kind == "move_out":
            return (
                f"自户{self.from_value}迁出至{self.to_value}"
                if self.to_value
                else f"自户{self.from_value}迁出"
            )
        if self.kind == "category_change":
            return (
                f"{codes.name('category', self.from_value)} → "
                f"{codes.name('category', self.to_value)}"
            )
        if self.kind == "household_change":
            if self.from_value and self.to_value and self.from_value != self.to_value:
                return f"户{self.from_value} → 户{self.to_value}"
            return f"户{self.from_value or self.to_value}"
        if self.kind == "void":
            if self.from_value:
                return f"撤销{self.to_value}的{self.from_value}登记"
            return "撤销此前的登记"
        if self.kind == "record_fix":
            return _fix_line(self.from_value, self.to_value)
        return ""


def _fix_line(old: str, new: str) -> str:
    """ "姓名：王小名；电话：1" and "姓名：王小明；电话：2" read as "姓名：王小名 → 王小明；…"."""
    before, after = old.split("；"), new.split("；")
    pairs = [(b.partition("："), a.partition("：")) for b, a in zip(before, after, strict=False)]
    if len(before) != len(after) or any(b[0] != a[0] or not b[1] for b, a in pairs):
        return f"{old} → {new}"  # cut short or unusual: shown whole
    return "；".join(f"{b[0]}：{b[2]} → {a[2]}" for b, a in pairs)


def _person(resident_id: int, status: str | None = "current") -> Resident:
    person = Resident.get_by_id(resident_id)
    if status and person.status != status:
        raise RegistryError(
            f"{person.name}不是在册人员（当前状态：{_status_name(person.status)}）。"
        )
    return person


def _status_name(status: str) -> str:
    return codes.name("resident_status", status, status)


def _household_no(household_id: int | None) -> str:
    if not household_id:
        return ""
    return Household.get_by_id(household_id).household_no


def _not_before_birth(person: Resident | ResidentData, day: dt.date) -> None:
    if person.birth_date and day < person.birth_date:
        raise RegistryError(f"日期{day.isoformat()}早于出生日期{person.birth_date.isoformat()}。")


# -- entering the register --------------------------------------------------------------
@service(Perm.REGISTRY_EDIT)
def record_birth(
    actor: HasRole, household_id: int, data: ResidentData, reason: str = ""
) -> Resident:
    """A child born into *household_id*: a new resident and a birth event on the birth date."""
    if data.birth_date is None:
        raise RegistryError("请填写出生日期。")
    born = check_event_date(data.birth_date)
    household = Household.get_by_id(household_id)
    if current_head(household_id) is None:
        raise RegistryError(f"户{household.household_no}没有在册户主，请先登记户主。")
    if data.relation == HEAD:
        raise RegistryError("新生儿不能登记为户主，请选择与户主的关系。")
    person = insert(actor, household, data, note="出生登记")
    add_event(
        actor,
        "birth",
        born,
        resident_id=person.id,
        household_id=household.id,
        reason=reason,
        to_value=household.household_no,
    )
    return person


@service(Perm.REGISTRY_EDIT)
def record_move_in(
    actor: HasRole,
    household_id: int,
    data: ResidentData,
    event_date: dt.date,
    from_place: str = "",
    reason: str = "",
) -> Resident:
    """Someone new comes to live in *household_id* (户口迁入 or a newcomer)."""
    check_event_date(event_date)
    _not_before_birth(data, event_date)
    household = Household.get_by_id(household_id)
    has_head = current_head(household_id) is not None
    if has_head and data.relation == HEAD:
        raise RegistryError(f"户{household.household_no}已有户主，请选择与户主的关系。")
    if not has_head:
        data.relation = HEAD
    data.arrived_on = data.arrived_on or event_date
    person = insert(actor, household, data, note="迁入登记")
    add_event(
        actor,
        "move_in",
        event_date,
        resident_id=person.id,
        household_id=household.id,
        reason=reason,
        from_value=from_place.strip(),
        to_value=household.household_no,
    )
    return person


@service(Perm.REGISTRY_EDIT)
def record_return(
    actor: HasRole,
    resident_id: int,
    household_id: int,
    relation: str,
    event_date: dt.date,
    from_place: str = "",
    reason: str = "",
) -> None:
    """Someone who had moved out comes back (the same person, matched by ID number)."""
    check_event_date(event_date)
    person = _person(resident_id, status="moved_out")
    _not_before_birth(person, event_date)
    left = last_exit(resident_id)
    if left is not None and event_date < left:
        # An earlier date would count the person twice in the months in between.
        raise RegistryError(f"迁回日期{event_date.isoformat()}不能早于迁出日期{left.isoformat()}。")
    household = Household.get_by_id(household_id)
    if current_head(household_id) is None:
        relation = HEAD
    elif relation == HEAD:
        raise RegistryError(f"户{household.household_no}已有户主，请选择与户主的关系。")
    if relation not in codes.codes("relation"):
        raise RegistryError("请选择与户主关系。")
    if household.archived:
        crud.update(actor, household, note="户内有在册人员，恢复户", archived=False)
    crud.update(
        actor,
        person,
        note="迁入登记",
        status="current",
        household=household.id,
        relation=relation,
        arrived_on=event_date,
    )
    add_event(
        actor,
        "move_in",
        event_date,
        resident_id=person.id,
        household_id=household.id,
        reason=reason,
        from_value=from_place.strip(),
        to_value=household.household_no,
    )


def _latest(resident_id: int, kinds: tuple[str, ...]) -> dt.date | None:
    event = (
        LifeEvent.select(LifeEvent.event_date)
        .where(
            (LifeEvent.resident == resident_id)
            & LifeEvent.kind.in_(kinds)
            & (LifeEvent.voided == False)
        )  # noqa: E712
        .order_by(LifeEvent.event_date.desc(), LifeEvent.id.desc())
        .first()
    )
    return event.event_date if event is not None else None


def last_exit(resident_id: int) -> dt.date | None:
    """The date of the person's latest death or move out that stands (not voided)."""
    return _latest(resident_id, EXITS)


def last_entry(resident_id: int) -> dt.date | None:
    """The date of the person's latest birth or move in that stands (not voided)."""
    return _latest(resident_id, ENTRIES)


# -- leaving the register ---------------------------------------------------------------
def _leave(
    actor: HasRole,
    kind: str,
    status: str,
    resident_id: int,
    event_date: dt.date,
    reason: str,
    to_value: str,
    new_head_id: int | None,
    relations: dict[int, str] | None,
) -> LifeEvent:
    require(actor, Perm.REGISTRY_EDIT)
    check_event_date(event_date)
    with database.atomic():
        person = _person(resident_id)
        _not_before_birth(person, event_date)
        came = last_entry(resident_id)
        if came is not None and event_date < came:
            raise RegistryError(
                f"日期{event_date.isoformat()}早于此人最近一次迁入（出生）日期{came.isoformat()}。"
            )
        household_id = household_of(person)
        number = _household_no(household_id)
        stored = crud.update(actor, person, note=KINDS[kind], status=status)
        event = add_event(
            actor,
            kind,
            event_date,
            resident_id=person.id,
            household_id=household_id,
            reason=reason,
            from_value=number,
            to_value=to_value,
        )
        if household_id:  # after the exit, so that the history reads in order
            handle_departure(actor, stored, new_head_id, relations, event_date, reason)
        return event


@service(Perm.REGISTRY_EDIT)
def record_death(
    actor: HasRole,
    resident_id: int,
    event_date: dt.date,
    reason: str = "",
    new_head_id: int | None = None,
    relations: dict[int, str] | None = None,
) -> LifeEvent:
    return _leave(
        actor, "death", "deceased", resident_id, event_date, reason, "", new_head_id, relations
    )


@service(Perm.REGISTRY_EDIT)
def record_move_out(
    actor: HasRole,
    resident_id: int,
    event_date: dt.date,
    destination: str = "",
    reason: str = "",
    new_head_id: int | None = None,
    relations: dict[int, str] | None = None,
) -> LifeEvent:
    return _leave(
        actor,
        "move_out",
        "moved_out",
        resident_id,
        event_date,
        reason,
        destination.strip(),
        new_head_id,
        relations,
    )


@service(Perm.REGISTRY_EDIT)
def record_category_change(
    actor: HasRole,
    resident_id: int,
    category: str,
    event_date: dt.date,
    reason: str = "",
) -> LifeEvent:
    check_event_date(event_date)
    if category not in codes.codes("category"):
        raise RegistryError("请选择新的人员类别。")
    person = _person(resident_id)
    if person.category == category:
        raise RegistryError(f"{person.name}已是{codes.name('category', category)}。")
    old = person.category
    crud.update(actor, person, note="类别变更", category=category)
    return add_event(
        actor,
        "category_change",
        event_date,
        resident_id=person.id,
        household_id=household_of(person),
        reason=reason,
        from_value=old,
        to_value=category,
    )


# -- corrections ------------------------------------------------------------------------
def _open_event(event_id: int) -> LifeEvent:
    event = LifeEvent.get_by_id(event_id)
    if event.voided:
        raise RegistryError("该登记已被更正或撤销。")
    if event.kind == "void":
        raise RegistryError("撤销记录本身不能再更正。")
    if event.kind == "record_fix":
        raise RegistryError("这是居民信息的更正记录；如仍有错误，请再次更正居民信息。")
    return event


REVOCABLE = (*EXITS, "category_change")


def correctable(row: EventRow) -> bool:
    """Whether 更正 applies to the event (a standing event of a kind that has a date)."""
    return not row.voided and row.kind not in ("void", "record_fix")


def revocable(row: EventRow) -> bool:
    """Whether 撤销 applies: a standing death, move out or category change whose effect is
    still the person's state (cancel_event checks the same and says why not)."""
    if row.voided or row.kind not in REVOCABLE or not row.resident_id:
        return False
    person = Resident.get_by_id(row.resident_id)
    if row.kind == "category_change":
        return bool(person.category == row.to_value)
    return (
        person.status == ("deceased" if row.kind == "death" else "moved_out")
        and _latest_exit_id(row.resident_id) == row.id
    )


def _latest_exit_id(resident_id: int) -> int | None:
    """The standing exit that made the person's present status (an older one, before a
    return, is history: undoing it would bring back someone who left again)."""
    event = (
        LifeEvent.select(LifeEvent.id)
        .where(
            (LifeEvent.resident == resident_id)
            & LifeEvent.kind.in_(EXITS)
            & (LifeEvent.voided == False)
        )  # noqa: E712
        .order_by(LifeEvent.event_date.desc(), LifeEvent.id.desc())
        .first()
    )
    return event.id if event is not None else None


@service(Perm.REGISTRY_EDIT)
def correct_event(
    actor: HasRole,
    event_id: int,
    event_date: dt.date,
    reason: str,
    from_value: str | None = None,
    to_value: str | None = None,
) -> LifeEvent:
    """A corrected copy of the event replaces it (the old one is voided, both are kept)."""
    check_event_date(event_date)
    old = _open_event(event_id)
    if old.kind == "birth" and event_date != old.event_date:
        raise RegistryError("出生日期请在居民信息中修改，出生登记会随之更正。")
    if old.kind == "category_change" and to_value not in (None, old.to_value):
        raise RegistryError("如类别登记错误，请撤销该变更后重新登记。")
    resident_id = old.__data__.get("resident")
    if resident_id:
        _not_before_birth(Resident.get_by_id(resident_id), event_date)
    new = replace_event(
        actor,
        old,
        event_date,
        reason,
        old.from_value if from_value is None else from_value.strip(),
        old.to_value if to_value is None else to_value.strip(),
    )
    if old.kind == "move_in" and resident_id:
        person = Resident.get_by_id(resident_id)
        if person.arrived_on == old.event_date:
            crud.update(actor, person, note="更正迁入日期", arrived_on=event_date)
    return new


def cancel_needs_relation(event_id: int) -> bool:
    """Undoing a death or move out of a former head whose household has a new head."""
    event = LifeEvent.get_by_id(event_id)
    resident_id = event.__data__.get("resident")
    if event.kind not in EXITS or not resident_id:
        return False
    person = Resident.get_by_id(resident_id)
    household_id = household_of(person)
    return bool(person.relation == HEAD and household_id and current_head(household_id))


@service(Perm.REGISTRY_EDIT)
def cancel_event(
    actor: HasRole, event_id: int, reason: str, relation: str | None = None
) -> LifeEvent:
    """Undo a death, move out or category change recorded in error (a "void" event)."""
    if not reason.strip():
        raise RegistryError("请填写撤销原因。")
    old = _open_event(event_id)
    resident_id = old.__data__.get("resident")
    if old.kind not in REVOCABLE or not resident_id:
        raise RegistryError(
            "出生、迁入和户内变动登记不能撤销；如有错误，请更正日期或原因，或另行办理迁出、迁移。"
        )
    person = Resident.get_by_id(resident_id)
    if old.kind in EXITS:
        expected = "deceased" if old.kind == "death" else "moved_out"
        if person.status != expected:
            raise RegistryError(
                f"{person.name}现在的状态是{_status_name(person.status)}，不能撤销这条登记。"
            )
        if _latest_exit_id(resident_id) != old.id:
            raise RegistryError("此后另有迁出或死亡登记，只能撤销最近的一条。")
        changes: dict[str, object] = {"status": "current"}
        household_id = household_of(person)
        if household_id:
            household = Household.get_by_id(household_id)
            head = current_head(household_id)
            if head is None:
                changes["relation"] = HEAD
            elif person.relation == HEAD:
                if not relation or relation == HEAD or relation not in codes.codes("relation"):
                    raise RegistryError(
                        f"户{household.household_no}已有户主{head.name}，"
                        f"请选择{person.name}与户主的关系。"
                    )
                changes["relation"] = relation
            if household.archived:
                crud.update(actor, household, note="撤销迁出/死亡登记，恢复户", archived=False)
        crud.update(actor, person, note="撤销登记", **changes)
    else:
        if person.category != old.to_value:
            raise RegistryError("此后类别又有变更，请先撤销后来的变更。")
        crud.update(actor, person, note="撤销类别变更", category=old.from_value)
    crud.update(actor, old, note="撤销", voided=True)
    return add_event(
        actor,
        "void",
        clock.today(),
        resident_id=resident_id,
        household_id=old.__data__.get("household"),
        reason=reason,
        from_value=KINDS[old.kind],
        to_value=old.event_date.isoformat(),
        corrects=old.id,
    )


# -- reading ----------------------------------------------------------------------------
def _rows(where: pw.Expression) -> list[EventRow]:
    """The events matching *where*, oldest first, with names and household numbers.

    One query with the joins (the history of a household or a person is read on every
    selection in the registry tab).
    """
    query = (
        LifeEvent.select(
            LifeEvent.id,
            LifeEvent.kind,
            LifeEvent.event_date,
            LifeEvent.resident,
            Resident.name,
            LifeEvent.household,
            Household.household_no,
            LifeEvent.reason,
            LifeEvent.from_value,
            LifeEvent.to_value,
            LifeEvent.voided,
            LifeEvent.corrects,
            LifeEvent.username,
            LifeEvent.created_at,
        )
        .join(Resident, pw.JOIN.LEFT_OUTER, on=(LifeEvent.resident == Resident.id))
        .switch(LifeEvent)
        .join(Household, pw.JOIN.LEFT_OUTER, on=(LifeEvent.household == Household.id))
        .where(where)
        .order_by(LifeEvent.event_date, LifeEvent.id)
    )
    return [
        EventRow(
            id=eid,
            kind=kind,
            event_date=day,
            resident_id=rid,
            resident_name=name or "",
            household_id=hid,
            household_no=number or "",
            reason=reason,
            from_value=from_value,
            to_value=to_value,
            voided=voided,
            corrects_id=corrects,
            username=username,
            created_at=created,
        )
        for (
            eid,
            kind,
            day,
            rid,
            name,
            hid,
            number,
            reason,
            from_value,
            to_value,
            voided,
            corrects,
            username,
            created,
        ) in rows_of(query)
    ]


def event_row(event_id: int) -> EventRow:
    return _rows(LifeEvent.id == event_id)[0]


def history(resident_id: int) -> list[EventRow]:
    """The person's events, oldest first, voided ones included (and marked)."""
    return _rows(LifeEvent.resident == resident_id)


def household_history(household_id: int) -> list[EventRow]:
    number = _household_no(household_id)
    return _rows(
        (LifeEvent.household == household_id)
        | (LifeEvent.from_value == number)
        | (LifeEvent.to_value == number)
    )


def counts(start: dt.date, end: dt.date) -> dict[str, int]:
    """Non-voided events per kind dated start..end (both included)."""
    query = (
        LifeEvent.select(LifeEvent.kind, pw.fn.COUNT(LifeEvent.id))
        .where(LifeEvent.event_date.between(start, end) & (LifeEvent.voided == False))  # noqa: E712
        .group_by(LifeEvent.kind)
    )
    return {str(kind): int(n) for kind, n in as_dict(query).items()}


def population_on(day: dt.date) -> int:
    """Residents in the register at the end of *day*, rebuilt from today's register and the
    entries and exits dated after *day*."""
    current = Resident.select().where(Resident.status == "current").count()
    later = counts(day + dt.timedelta(days=1), dt.date.max)
    entered = sum(later.get(k, 0) for k in ENTRIES)
    left = sum(later.get(k, 0) for k in EXITS)
    return current - entered + left
