"""The day and after: the sign-in list (invited residents, who came, who to follow up) and
photos."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from models.core import crud, files
from models.core.entities import Compound, Household, Resident, now
from models.core.permissions import HasRole, Perm, require
from models.core.service import service
from models.events.entities import CANCELLED, EventAttendee, EventPhoto
from models.events.service import EventError, load_event

PHOTO_AREA = "events"
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif")


@dataclass(frozen=True)
class AttendeeRow:
    id: int
    resident_id: int | None
    name: str
    address: str
    phone: str
    invited: bool
    signed_in: bool
    signed_at: dt.datetime | None
    follow_up: str

    @property
    def absent(self) -> bool:
        return self.invited and not self.signed_in


@dataclass(frozen=True)
class AttendanceCounts:
    invited: int
    signed_in: int
    absent: int
    followed_up: int  # absentees with a follow-up note


@dataclass(frozen=True)
class PhotoRow:
    id: int
    path: str  # relative to the attachments folder
    original_name: str
    caption: str
    in_brief: bool

    @property
    def file(self) -> Path:
        return files.resolve(self.path)


def _writable(event_id: int, actor: HasRole) -> None:
    require(actor, Perm.EVENTS_EDIT)
    if load_event(event_id).status == CANCELLED:
        raise EventError("该活动已取消，不能再修改。")


# -- sign-in list ---------------------------------------------------------------------
def attendees(event_id: int, absent_only: bool = False) -> list[AttendeeRow]:
    query = (
        EventAttendee.select(EventAttendee, Resident, Household, Compound)
        .join(Resident, on=(EventAttendee.resident == Resident.id), join_type=pw.JOIN.LEFT_OUTER)
        .join(Household, join_type=pw.JOIN.LEFT_OUTER)
        .join(Compound, join_type=pw.JOIN.LEFT_OUTER)
        .where((EventAttendee.event == event_id) & (EventAttendee.archived == False))  # noqa: E712
        .order_by(EventAttendee.id)
    )
    if absent_only:
        query = query.where(
            (EventAttendee.invited == True)  # noqa: E712
            & (EventAttendee.signed_in == False)
        )  # noqa: E712
    rows = []
    for a in query:
        address, phone = "", ""
        person = a.resident if a.__data__.get("resident") else None
        if person is not None:
            phone = person.phone
            h = person.household if person.__data__.get("household") else None
            if h is not None:
                address = f"{h.compound.name}{h.building}{h.unit}{h.room}"
                phone = phone or h.phone
        rows.append(
            AttendeeRow(
                a.id,
                a.__data__.get("resident"),
                a.name,
                address,
                phone,
                a.invited,
                a.signed_in,
                a.signed_at,
                a.follow_up,
            )
        )
    return rows


def counts(event_id: int) -> AttendanceCounts:
    rows = attendees(event_id)
    absent = [r for r in rows if r.absent]
    return AttendanceCounts(
        invited=sum(1 for r in rows if r.invited),
        signed_in=sum(1 for r in rows if r.signed_in),
        absent=len(absent),
        followed_up=sum(1 for r in absent if r.follow_up),
    )


@service(Perm.EVENTS_EDIT)
def add_residents(
    actor: HasRole, event_id: int, resident_ids: list[int], signed_in: bool = False
) -> int:
    """Put residents from the register on the list (invited); returns how many were new."""
    _writable(event_id, actor)
    require(actor, Perm.REGISTRY_VIEW)
    added = 0
    present = {
        a.__data__.get("resident")
        for a in EventAttendee.select().where(
            (EventAttendee.event == event_id) & (EventAttendee.archived == False)
        )
    }  # noqa: E712
    for rid in dict.fromkeys(resident_ids):
        if rid in present:
            continue
        person = Resident.get_or_none(Resident.id == rid)
        if person is None:
            raise EventError("所选居民已不在登记簿中。")
        crud.create(
            actor,
            EventAttendee,
            event=event_id,
            resident=rid,
            name=person.name,
            invited=True,
            signed_in=signed_in,
            signed_at=now() if signed_in else None,
        )
        added += 1
    return added


@service(Perm.EVENTS_EDIT)
def add_walk_in(actor: HasRole, event_id: int, name: str) -> int:
    """Someone who came without an invitation and is not in the register (a visitor)."""
    _writable(event_id, actor)
    name = name.strip()
    if not name:
        raise EventError("请填写姓名。")
    row = crud.create(
        actor,
        EventAttendee,
        event=event_id,
        name=name[:50],
        invited=False,
        signed_in=True,
        signed_at=now(),
    )
    return row.id


@service(Perm.EVENTS_EDIT)
def set_signed_in(actor: HasRole, attendee_id: int, signed_in: bool) -> None:
    row = EventAttendee.get_by_id(attendee_id)
    _writable(row.__data__["event"], actor)
    if row.signed_in == signed_in:
        return
    crud.update(actor, row, signed_in=signed_in, signed_at=now() if signed_in else None)


@service(Perm.EVENTS_EDIT)
def set_follow_up(actor: HasRole, attendee_id: int, note: str) -> None:
    row = EventAttendee.get_by_id(attendee_id)
    crud.update(actor, row, follow_up=note.strip()[:200])


@service(Perm.EVENTS_EDIT)
def remove_attendee(actor: HasRole, attendee_id: int) -> None:
    row = EventAttendee.get_by_id(attendee_id)
    _writable(row.__data__["event"], actor)
    crud.archive(actor, row, note="移出签到名单")


# -- photos ---------------------------------------------------------------------------
class PhotoError(EventError):
    pass


def check_image(path: str | Path) -> tuple[int, int]:
    """(width, height) of a photo, or PhotoError with a sentence a clerk understands."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise PhotoError(f"找不到文件“{path.name}”。")
    if path.suffix.lower() not in PHOTO_SUFFIXES:
        raise PhotoError(f"“{path.name}”不是照片文件（支持 JPG、PNG、BMP、GIF）。")
    try:
        with Image.open(path) as img:
            img.verify()  # reads the whole file: catches truncated or corrupt photos
        with Image.open(path) as img:
            return img.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(f"无法读取图片“{path.name}”：文件已损坏或格式不受支持。") from exc


def photos(event_id: int) -> list[PhotoRow]:
    query = (
        EventPhoto.select()
        .where((EventPhoto.event == event_id) & (EventPhoto.archived == False))  # noqa: E712
        .order_by(EventPhoto.sort, EventPhoto.id)
    )
    return [PhotoRow(p.id, p.path, p.original_name, p.caption, p.in_brief) for p in query]


@service(Perm.EVENTS_EDIT)
def add_photo(actor: HasRole, event_id: int, source: str | Path, caption: str = "") -> int:
    """Check the photo, copy it into the attachments folder and attach it to the event."""
    _writable(event_id, actor)
    source = Path(source)
    check_image(source)
    relative = files.store(source, PHOTO_AREA)
    existing = EventPhoto.get_or_none(
        (EventPhoto.event == event_id)
        & (EventPhoto.path == relative)
        & (EventPhoto.archived == False)
    )  # noqa: E712
    if existing is not None:
        raise PhotoError(f"这张照片（“{source.name}”）已经添加过了。")
    last = (
        EventPhoto.select(EventPhoto.sort)
        .where(EventPhoto.event == event_id)
        .order_by(EventPhoto.sort.desc())
        .scalar()
    ) or 0
    row = crud.create(
        actor,
        EventPhoto,
        event=event_id,
        path=relative,
        original_name=source.name[:200],
        caption=caption.strip()[:200],
        sort=last + 1,
        added_by=actor.username,
    )
    return row.id


@service(Perm.EVENTS_EDIT)
def set_photo(actor: HasRole, photo_id: int, caption: str, in_brief: bool) -> None:
    row = EventPhoto.get_by_id(photo_id)
    crud.update(actor, row, caption=caption.strip()[:200], in_brief=in_brief)


@service(Perm.EVENTS_EDIT)
def remove_photo(actor: HasRole, photo_id: int) -> None:
    """Take a photo off the event; the file stays in the attachments folder."""
    row = EventPhoto.get_by_id(photo_id)
    crud.archive(actor, row, note="移除活动照片")
