"""Shared fixtures: a fresh database per test, users of every role, a small demo community.

The engine: NDESK_TEST_ENGINE=sqlite (the default) gives each test a SQLite file of its own;
NDESK_TEST_ENGINE=postgresql gives it a PostgreSQL database of its own instead (a copy of one
at the latest schema, on the server tests/postgres_support.py provides) and runs the suite's
data-layer part only: tests using the `db` fixture (or the PostgreSQL fixtures) and no Qt
widgets (`qtbot`/`qapp`). Tests marked `sqlite_only(reason)` are skipped there, saying why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from models import demo  # noqa: E402
from models.core import db as db_module  # noqa: E402
from models.core import users  # noqa: E402
from models.core.db import close_database, sqlite_backup  # noqa: E402
from models.core.files import attachments_dir_for  # noqa: E402
from models.core.permissions import Role  # noqa: E402
from models.migrations import open_database  # noqa: E402
from tests import postgres_support  # noqa: E402

ENGINE = os.environ.get("NDESK_TEST_ENGINE", "").strip().lower() or "sqlite"
ON_POSTGRES = ENGINE in {"postgresql", "postgres", "pg"}
# Under PostgreSQL: tests using one of these are UI tests (SQLite only), tests using none of
# ENGINE_FIXTURES do not touch the engine under test (their SQLite run covers them).
UI_FIXTURES = frozenset({"qtbot", "qapp"})
ENGINE_FIXTURES = frozenset({"db", "pg_server"})

# The PostgreSQL fixtures, for every module (assigned, not imported by name: see
# tests/test_postgres_engine.py).
pg_server = postgres_support.pg_server
pg_url = postgres_support.pg_url
pg_db = postgres_support.pg_db
pg_latest_url = postgres_support.pg_latest_url

AS_OF = dt.date(2026, 11, 27)  # the day every test runs on (models.core.clock is frozen there)
PASSWORD = "test1234"


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch):
    """Every test runs on AS_OF at 09:00, whatever the real date: no test may depend on it.

    `.ci/run` also runs the suite under faketime at a later date to catch code that reads the
    real clock behind models.core.clock's back.
    """
    from models.core import clock

    clock.freeze(dt.datetime.combine(AS_OF, dt.time(9, 0)))
    monkeypatch.setenv("NDESK_TODAY", f"{AS_OF.isoformat()}T09:00:00")  # programs tests start
    yield
    clock.freeze(None)


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path: Path, monkeypatch):
    """Keep tests away from the real user's data folder and Qt settings (last user, geometry)."""
    monkeypatch.setenv("NDESK_DATA_DIR", str(tmp_path / "user-data"))
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qt-settings")
    )


@pytest.fixture(autouse=True)
def demo_offer_declined(monkeypatch):
    """An empty database makes the window offer the demo in a modal box, which would hang an
    offscreen test; tests answer "以后再说" unless they drive the real box (test_ui_shell)."""
    from ui.main_window import MainWindow

    real = MainWindow._ask_demo
    monkeypatch.setattr(MainWindow, "_ask_demo", lambda self: False)
    return real


@pytest.fixture(autouse=True)
def discard_answers(monkeypatch):
    """Form dialogs ask before discarding typed input (ui.common.discard_guard); tests that close a
    filled form get "discard" unless they set the list of answers themselves. Each question
    is recorded. tests/test_discard_guard.py drives the real question box."""
    import ui.common.discard_guard

    asked: list[bool] = []
    answers: list[bool] = []

    def stand_in(parent) -> bool:
        answer = answers.pop(0) if answers else True
        asked.append(answer)
        return answer

    monkeypatch.setattr(ui.common.discard_guard, "ask_discard", stand_in)
    return type("DiscardAnswers", (), {"asked": asked, "answers": answers})


@pytest.fixture(autouse=True)
def dialogs():
    """Every modal box and run_modal() dialog is answered by this test's script
    (tests/dialog_script.py); one the test did not script fails it instead of hanging."""
    from tests.dialog_script import DialogScript
    from ui.common import dialogs as seam

    script = DialogScript()
    previous = seam.install_script(script)
    yield script
    seam.install_script(previous)
    problems = script.problems + script.leftovers()
    if problems:
        pytest.fail("modal dialogs: " + "; ".join(problems), pytrace=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.sqlite3"


@pytest.fixture
def db_target(request, db_path: Path) -> Path | str:
    """What the test's database is opened from (what `--db` takes): the SQLite file, or the
    postgresql:// URL of the test's own database under NDESK_TEST_ENGINE=postgresql."""
    if ON_POSTGRES:
        return request.getfixturevalue("pg_latest_url")
    return db_path


@pytest.fixture
def db(db_target: Path | str):
    database = open_database(db_target)
    yield database
    close_database()
    if not database.is_closed():
        database.close()


@pytest.fixture
def admin(db):
    return users.create_first_admin("admin", "系统管理员", PASSWORD)


def _user(admin, username: str, name: str, role: Role):
    return users.create_user(admin, username, name, role.value, PASSWORD)


@pytest.fixture
def clerk(admin):
    return _user(admin, "clerk", "李晓梅", Role.CLERK)


@pytest.fixture
def officer(admin):
    return _user(admin, "jisheng", "王秀英", Role.CASEWORK)


@pytest.fixture
def supervisor(admin):
    return _user(admin, "zhuren", "张建国", Role.SUPERVISOR)


@contextmanager
def other_connection() -> Iterator[Callable[..., Any]]:
    """A second connection to the test's database (another program, another clerk's PC):
    yields execute(sql, params) taking "?" placeholders; committed and closed on leaving."""
    database = db_module.database.obj
    if db_module.is_postgres(database):
        import psycopg2

        conn = psycopg2.connect(dbname=database.database, **database.connect_params)
        try:
            with conn, conn.cursor() as cur:
                yield lambda sql, params=(): cur.execute(sql.replace("?", "%s"), params)
        finally:
            conn.close()
        return
    con = sqlite3.connect(database.database)
    try:
        with con:
            yield con.execute
    finally:
        con.close()


# Columns salted at random (password hashes): left out of a database's fingerprint so that
# two tests whose users were made the same way share one demo template; put back after a copy.
_SALTED_COLUMNS = {"password_hash"}


def _database_state(database, files: Path | None) -> tuple[str, list[tuple[str, int, str, str]]]:
    """A digest of all a database holds (schema, rows, attachments in the folder *files*) and
    its salted values."""
    digest = hashlib.sha256()
    if db_module.is_postgres(database):
        salted = _postgres_state(database, digest)
    else:
        salted = _sqlite_state(database, digest)
    if files is not None and files.is_dir():
        for path in sorted(files.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(files).as_posix().encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest(), salted


def _postgres_state(database, digest) -> list[tuple[str, int, str, str]]:
    tables = [
        r[0]
        for r in database.execute_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    ]
    salted: list[tuple[str, int, str, str]] = []
    for table in tables:
        columns = [
            r[0]
            for r in database.execute_sql(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s"
                " ORDER BY ordinal_position",
                (table,),
            )
        ]
        kept = [c for c in columns if c not in _SALTED_COLUMNS]
        picked = ", ".join(f'"{c}"' for c in kept)
        rows = sorted(
            repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in r))  # bytea
            for r in database.execute_sql(f'SELECT {picked} FROM "{table}"')
        )
        digest.update(repr((table, kept, rows)).encode())
        for column in sorted(set(columns) & _SALTED_COLUMNS):
            salted += [
                (table, key, column, value)
                for key, value in database.execute_sql(
                    f'SELECT id, "{column}" FROM "{table}" ORDER BY id'
                )
            ]
    return salted


def _sqlite_state(database, digest) -> list[tuple[str, int, str, str]]:
    digest.update(repr(database.execute_sql("PRAGMA user_version").fetchall()).encode())
    master = database.execute_sql(
        "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    ).fetchall()
    digest.update(repr(master).encode())
    salted: list[tuple[str, int, str, str]] = []
    for kind, table, _sql in master:
        if kind != "table":
            continue
        columns = [r[1] for r in database.execute_sql(f'PRAGMA table_info("{table}")')]
        kept = [c for c in columns if c not in _SALTED_COLUMNS]
        picked = ", ".join(f'"{c}"' for c in kept)
        # FTS shadow tables have no rowid: compare the rows as a sorted list instead.
        rows = sorted(repr(r) for r in database.execute_sql(f'SELECT {picked} FROM "{table}"'))
        digest.update(repr((table, kept, rows)).encode())
        for column in set(columns) & _SALTED_COLUMNS:
            salted += [
                (table, rowid, column, value)
                for rowid, value in database.execute_sql(
                    f'SELECT rowid, "{column}" FROM "{table}" ORDER BY rowid'
                )
            ]
    return salted


class DemoTemplates:
    """Demo communities built once per session and copied into each test's own database.

    A template is keyed by the demo's arguments and by everything the test's database held
    before (users made by admin/clerk/... fixtures in the test's fixture order), so a copy
    holds exactly what generating the demo in place would have written: same rows, same ids.
    On SQLite a template is a file (the backup API's copy); on PostgreSQL (*server*) it is a
    database, and a test's database is recreated from it (CREATE DATABASE ... TEMPLATE).
    """

    def __init__(self, folder: Path, server: postgres_support.PgServer | None = None) -> None:
        self.folder = folder
        self.server = server
        self.built: dict[tuple, tuple[Path | str, Path, demo.DemoSummary]] = {}
        self.builds = 0
        self.copies = 0

    def load(
        self, target: Path | str, *, households: int, seed: int, as_of: dt.date
    ) -> demo.DemoSummary:
        database = db_module.database.obj
        postgres = db_module.is_postgres(database)
        files: Path | None
        if postgres:
            assert self.server is not None and isinstance(target, str)
            assert database.database == urlsplit(target).path.lstrip("/")
            files = None  # a server keeps the photos' bytes in the database
        else:
            assert database is not None and Path(database.database) == Path(target)
            files = attachments_dir_for(Path(target))
        state, salted = _database_state(database, files)
        key = (households, seed, as_of, state)
        if key not in self.built:
            summary = demo.generate(households=households, seed=seed, as_of=as_of)
            number = len(self.built)
            template: Path | str
            if postgres:
                assert self.server is not None
                close_database()  # a copy's source may have no session
                template = self.server.template_of(database.database)
                database.connect()
            else:
                template = self.folder / f"demo-{number}.sqlite3"
                # The backup API writes one self-contained file (no -wal beside it).
                sqlite_backup(database, template)
            template_files = self.folder / f"demo-{number}-files"
            if files is not None and files.is_dir():  # photos the demo stored beside the db
                shutil.copytree(files, template_files)
            self.built[key] = (template, template_files, summary)
            self.builds += 1
            return dataclasses.replace(summary)
        template, template_files, summary = self.built[key]
        close_database()  # the last connection checkpoints the WAL; the old file goes
        if postgres:
            assert self.server is not None and isinstance(template, str)
            self.server.replace(database.database, template)
        else:
            db_path = Path(target)
            for suffix in ("", "-wal", "-shm"):
                db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
            shutil.copyfile(template, db_path)
        if files is not None:
            if files.exists():
                shutil.rmtree(files)
            if template_files.is_dir():
                shutil.copytree(template_files, files)
        # The same peewee database object reconnects: the db fixture's value stays valid.
        database.connect()
        key_column = "id" if postgres else "rowid"
        param = database.param
        with database.atomic():  # this test's own password hashes, not the template's
            for table, row, column, value in salted:
                database.execute_sql(
                    f'UPDATE "{table}" SET "{column}" = {param} WHERE {key_column} = {param}',
                    (value, row),
                )
        self.copies += 1
        return dataclasses.replace(summary)


_session_templates: list[DemoTemplates] = []


@pytest.fixture(scope="session")
def demo_templates(request, tmp_path_factory) -> DemoTemplates:
    server = request.getfixturevalue("pg_server") if ON_POSTGRES else None
    templates = DemoTemplates(tmp_path_factory.mktemp("demo-templates"), server)
    _session_templates.append(templates)
    return templates


_engine_selection: dict[str, int] = {}


def _sqlite_only_reason(item) -> str | None:
    """The reason of the test's sqlite_only mark (None when it has none); a mark without a
    reason is an error on either engine."""
    mark = item.get_closest_marker("sqlite_only")
    if mark is None:
        return None
    reason = mark.kwargs.get("reason") or (mark.args[0] if mark.args else "")
    if not isinstance(reason, str) or not reason.strip():
        raise pytest.UsageError(f"{item.nodeid}: sqlite_only needs a reason (say why)")
    return reason.strip()


def pytest_configure(config) -> None:
    if ENGINE not in {"sqlite", "postgresql", "postgres", "pg"}:
        raise pytest.UsageError(
            f"NDESK_TEST_ENGINE={ENGINE}: the test engine is sqlite (default) or postgresql"
        )


def pytest_collection_modifyitems(config, items) -> None:
    """Under NDESK_TEST_ENGINE=postgresql keep the data-layer part: deselect UI tests (they use
    qtbot/qapp) and tests that do not use the engine under test; skip sqlite_only ones."""
    reasons = {id(item): _sqlite_only_reason(item) for item in items}
    if not ON_POSTGRES:
        return
    kept, ui, elsewhere = [], [], []
    skipped = 0
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & UI_FIXTURES:
            ui.append(item)
        elif not names & ENGINE_FIXTURES:
            elsewhere.append(item)
        else:
            kept.append(item)
            reason = reasons[id(item)]
            if reason is not None:
                item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
                skipped += 1
    if ui or elsewhere:
        config.hook.pytest_deselected(items=ui + elsewhere)
        items[:] = kept
    _engine_selection.update(
        kept=len(kept), sqlite_only=skipped, ui=len(ui), no_database=len(elsewhere)
    )


def pytest_report_header(config) -> str:
    return f"database engine: {'postgresql' if ON_POSTGRES else 'sqlite'} (NDESK_TEST_ENGINE)"


def pytest_terminal_summary(terminalreporter) -> None:
    if _engine_selection:
        picked = _engine_selection
        terminalreporter.write_line(
            f"PostgreSQL engine: {picked['kept']} data-layer tests selected "
            f"({picked['sqlite_only']} of them skipped as sqlite_only); deselected "
            f"{picked['ui']} UI tests (qtbot/qapp) and {picked['no_database']} tests "
            "that do not use the db fixture (the SQLite pass runs them)"
        )
    for templates in _session_templates:  # how much building the copies saved
        terminalreporter.write_line(
            f"demo templates: {templates.builds} built, {templates.copies} copied"
        )


@pytest.fixture
def load_demo(db, db_target: Path | str, demo_templates: DemoTemplates):
    """load_demo(households, seed, as_of): demo.generate() into this test's database, built
    once per session and copied (tests/test_demo_copy.py checks the copy is the same)."""

    def load(households: int, seed: int, as_of: dt.date = AS_OF) -> demo.DemoSummary:
        return demo_templates.load(db_target, households=households, seed=seed, as_of=as_of)

    return load


@pytest.fixture
def demo_small(load_demo):
    """A small community (80 households) from the same generator as the demo."""
    return load_demo(households=80, seed=7, as_of=AS_OF)
