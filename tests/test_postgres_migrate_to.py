"""`main.py migrate-to postgresql://…` (issue 17, "Moving up"): a committee's SQLite register,
photos and audit log included, copied into an empty PostgreSQL database and verified; a
target that is not empty is refused, a cancel leaves the target as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import peewee as pw
import pytest

import main
from models import demo, migrations
from models.core import migrate_to as mt
from models.core.attachments import Attachment
from models.core.audit import Action
from models.core.db import close_database, connect_database, database
from models.core.entities import AuditLog, Compound, Resident, SchemaVersion
from models.core.files import attachments_dir_for
from models.facilities import centre
from models.migrations import all_models, open_database
from models.monthly.stats import Month, monthly
from models.registry import search
from tests import postgres_support

pytest.importorskip("psycopg2")
pg_server = postgres_support.pg_server
pg_url = postgres_support.pg_url

HOUSEHOLDS = 40


def _sqlite_register(path: Path) -> Path:
    """A register made by the demo generator (photos of events and centres included)."""
    open_database(path)
    try:
        demo.generate(households=HOUSEHOLDS, seed=7)
    finally:
        close_database()
    return path


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _figures_and_search() -> tuple[object, list[tuple[int, str]], int]:
    figures = monthly(Month(2026, 10))
    name = Resident.select(Resident.name).order_by(Resident.id).scalar()
    found = [(r.id, r.name) for r in search.search(name[:2], limit=500)]
    search.clear_cache()
    return figures, found, len(found)


def test_a_register_moves_to_the_server_whole(tmp_path, pg_url):
    source = _sqlite_register(tmp_path / "committee.sqlite3")
    folder = attachments_dir_for(source)
    photos = {p.relative_to(folder).as_posix(): _file_digest(p) for p in folder.rglob("*.*")}
    assert photos  # the demo's events and centres have photos

    open_database(source)
    before_figures, before_found, hits = _figures_and_search()
    src_photo = centre.list_photos()[0]
    src_counts = {m._meta.table_name: m.select().count() for m in all_models()}
    close_database()
    assert hits > 0

    calls: list[tuple[int, int]] = []
    result = mt.migrate_to(
        source, pg_url, username="admin", progress=lambda d, t: calls.append((d, t)) is None
    )
    assert calls and calls[-1][0] == calls[-1][1]  # the last call says all is done
    assert result.files == len(photos) and result.backup is None  # already at the latest
    assert result.rows == sum(
        n for name, n in src_counts.items() if name not in ("resident_search", "attachment")
    )
    print(f"\nmigrated {result.rows} rows and {result.files} files in {result.seconds:.2f} s")

    # What the program sees on the server is what it saw in the file.
    close_database()
    src = connect_database(source)
    close_database()
    dst = open_database(pg_url)
    try:
        models = [m for m in all_models() if m is not Attachment]
        for model in models:
            if model._meta.table_name == "resident_search":
                continue
            here = mt._checksum(mt._rows(model, src))
            rows = list(mt._rows(model, dst))
            if model is AuditLog:  # the log goes on with the migration's own row
                rows = rows[:-1]
            there = mt._checksum(rows)
            assert (there.rows, there.hexdigest()) == (here.rows, here.hexdigest()), model
        counts = {m._meta.table_name: m.select().count() for m in all_models()}
        assert counts.pop("audit_log") == src_counts.pop("audit_log") + 1
        assert counts.pop("attachment") == len(photos)
        src_counts.pop("attachment")
        assert counts == src_counts
        stored = {a.path: a.sha256 for a in Attachment.select()}
        assert stored == photos
        assert _figures_and_search() == (before_figures, before_found, hits)

        last = AuditLog.select().order_by(AuditLog.id.desc()).get()
        assert (last.action, last.username) == (Action.MIGRATE.value, "admin")
        # A photo opened on the server (a PC with an empty cache) is the file's photo.
        photo = next(p for p in centre.list_photos() if p.id == src_photo.id)
        assert _file_digest(photo.file) == photos[src_photo.path]
        # The sequences go on after the copied ids.
        top = Compound.select(pw.fn.MAX(Compound.id)).scalar()
        assert Compound.create(name="新小区", lead_unit="", address="").id == top + 1
    finally:
        close_database()
        src.close()


def test_a_target_that_is_not_empty_is_refused_and_nothing_is_written(tmp_path, pg_url):
    source = _sqlite_register(tmp_path / "committee.sqlite3")
    open_database(pg_url)
    Compound.create(name="已有小区", lead_unit="", address="")
    close_database()
    digest = _file_digest(source)

    with pytest.raises(mt.MigrateError, match="不是空的.*没有写入任何内容"):
        mt.migrate_to(source, pg_url, username="admin")
    close_database()
    assert _file_digest(source) == digest and not list(tmp_path.glob("*.bak"))
    open_database(pg_url)
    try:
        assert [c.name for c in Compound.select()] == ["已有小区"]
        assert not AuditLog.select().where(AuditLog.action == Action.MIGRATE.value).exists()
    finally:
        close_database()


def test_a_cancel_leaves_the_target_empty(tmp_path, pg_url):
    source = _sqlite_register(tmp_path / "committee.sqlite3")
    seen: list[int] = []

    def progress(done: int, total: int) -> bool:
        seen.append(done)
        return done < total // 2

    with pytest.raises(mt.MigrationCancelled):
        mt.migrate_to(source, pg_url, username="admin", progress=progress)
    close_database()
    assert len(seen) > 1
    dst = connect_database(pg_url)
    try:
        assert dst.get_tables() == []
    finally:
        close_database()
    # The same target then takes the whole register.
    result = mt.migrate_to(source, pg_url, username="admin")
    close_database()
    assert result.rows > 0


def test_a_server_database_the_program_made_but_never_filled_is_taken(tmp_path, pg_url):
    open_database(pg_url)  # the schema, stamped, no rows
    close_database()
    source = _sqlite_register(tmp_path / "committee.sqlite3")
    result = mt.migrate_to(source, pg_url, username="admin")
    try:
        assert Resident.select().count() == next(
            t.rows for t in result.tables if t.table == "resident"
        )
        versions = [v.version for v in SchemaVersion.select().order_by(SchemaVersion.id)]
        assert versions == [migrations.LATEST]  # the source's history, not two stamps
    finally:
        close_database()


def test_the_command_line_migrates_and_says_what_to_do_with_the_file(tmp_path, pg_url, capsys):
    source = _sqlite_register(tmp_path / "committee.sqlite3")
    assert main.main(["--db", str(source), "migrate-to", pg_url]) == 0
    out = capsys.readouterr().out
    assert "迁移到数据库服务器" in out and "只读" in out and "备份" in out
    from models.core import local_config

    assert local_config.load().last_database == pg_url  # the window offers the server now
    assert main.main(["--db", str(source), "migrate-to", pg_url]) == 1
    assert "不是空的" in capsys.readouterr().err
    assert database.obj is None or database.obj.is_closed()
