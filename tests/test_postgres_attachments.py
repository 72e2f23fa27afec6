"""Photos on an office server (issue 17): stored in the database by the services that store
facility and event photos, opened on another clerk's PC (an empty cache folder) through the
path the window and the printouts use (PhotoRow.file); on SQLite nothing changes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from models import demo
from models.core import files
from models.core.attachments import Attachment
from models.core.db import close_database, database
from models.core.entities import AuditLog
from models.events import attendance
from models.events.demo import PHOTO_DIR
from models.events.entities import Event, EventPhoto
from models.facilities import centre
from models.facilities.entities import FacilitySpace
from models.migrations import open_database
from tests import postgres_support

pytest.importorskip("psycopg2")
pg_server = postgres_support.pg_server
pg_url = postgres_support.pg_url

ACTOR = SimpleNamespace(username="admin", role="admin")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pc(monkeypatch, tmp_path: Path, name: str) -> Path:
    """Be clerk *name*'s PC: a user-data folder (and so an attachment cache) of its own."""
    folder = tmp_path / name
    monkeypatch.setenv("NDESK_DATA_DIR", str(folder))
    return folder


def test_a_photo_stored_on_one_pc_opens_on_another(tmp_path, pg_url, monkeypatch):
    first = _pc(monkeypatch, tmp_path, "pc-1")
    open_database(pg_url)
    try:
        demo.generate(households=20, seed=3)  # its events and centres store photos too
        space = FacilitySpace.select().order_by(FacilitySpace.id).get()
        photo = tmp_path / "活动室.JPG"
        photo.write_bytes((PHOTO_DIR / "square.jpg").read_bytes() + b"\0pc-1")
        [row] = centre.add_photos(ACTOR, [photo], space_id=space.id, caption="活动室")
        event = Event.select().join(EventPhoto).order_by(Event.id).first()
        [event_photo] = attendance.photos(event.id)[:1]
        stored = Attachment.get(Attachment.path == row.path)
        assert (stored.sha256, stored.size) == (_digest(photo), photo.stat().st_size)
        assert row.file.is_relative_to(first) and _digest(row.file) == _digest(photo)
        photo_count = Attachment.select().count()
    finally:
        close_database()
    assert not list(tmp_path.glob("*-files"))  # nothing beside a database file

    second = _pc(monkeypatch, tmp_path, "pc-2")
    assert not second.exists()
    open_database(pg_url)
    try:
        [seen] = [p for p in centre.list_photos(space_id=space.id) if p.id == row.id]
        path = seen.file  # written into pc-2's cache the first time it is asked for
        assert path.is_relative_to(second) and _digest(path) == _digest(photo)
        [again] = [p for p in attendance.photos(event.id) if p.id == event_photo.id]
        assert again.file.read_bytes() == event_photo.file.read_bytes()
        assert again.file.is_relative_to(second)

        # A cached copy that no longer matches the stored checksum is written again.
        path.write_bytes(b"not the photo")
        assert _digest(seen.file) == _digest(photo)
        # An attachment the server does not hold is a missing file, as on SQLite.
        assert not files.resolve("facilities/0000000000000000.jpg").exists()
        # Stored inside the caller's transaction: a change undone takes its photo along.
        other = tmp_path / "undone.png"
        other.write_bytes((PHOTO_DIR / "square.jpg").read_bytes() + b"\0undone")
        with pytest.raises(RuntimeError), database.atomic():
            centre.store_photo(ACTOR, other, space_id=space.id)
            raise RuntimeError("undo")
        assert Attachment.select().count() == photo_count
        assert AuditLog.select().count() > 0
    finally:
        close_database()


def test_on_sqlite_photos_stay_files_beside_the_database(tmp_path):
    path = tmp_path / "office.sqlite3"
    open_database(path)
    try:
        photo = tmp_path / "p.png"
        photo.write_bytes((PHOTO_DIR / "square.jpg").read_bytes())
        relative = files.store(photo, "facilities")
        assert files.resolve(relative) == files.attachments_dir_for(path) / relative
        assert _digest(files.resolve(relative)) == _digest(photo)
        assert Attachment.select().count() == 0  # the table exists, empty
    finally:
        close_database()
