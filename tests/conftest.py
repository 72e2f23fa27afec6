"""Shared fixtures: a fresh database per test, users of every role, a small demo community."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import shutil
import sys
from pathlib import Path

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
def db(db_path: Path):
    database = open_database(db_path)
    yield database
    close_database()


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


# Columns salted at random (password hashes): left out of a database's fingerprint so that
# two tests whose users were made the same way share one demo template; put back after a copy.
_SALTED_COLUMNS = {"password_hash"}


def _database_state(database, db_path: Path) -> tuple[str, list[tuple[str, int, str, str]]]:
    """A digest of all a database holds (schema, rows, attachments) and its salted values."""
    digest = hashlib.sha256()
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
    files = attachments_dir_for(db_path)
    if files.is_dir():
        for path in sorted(files.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(files).as_posix().encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest(), salted


class DemoTemplates:
    """Demo communities built once per session and copied into each test's own database.

    A template is keyed by the demo's arguments and by everything the test's database held
    before (users made by admin/clerk/... fixtures in the test's fixture order), so a copy
    holds exactly what generating the demo in place would have written: same rows, same ids.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[tuple, tuple[Path, demo.DemoSummary]] = {}
        self.builds = 0
        self.copies = 0

    def load(
        self, db_path: Path, *, households: int, seed: int, as_of: dt.date
    ) -> demo.DemoSummary:
        database = db_module.database.obj
        assert database is not None and Path(database.database) == db_path
        state, salted = _database_state(database, db_path)
        key = (households, seed, as_of, state)
        if key not in self.built:
            summary = demo.generate(households=households, seed=seed, as_of=as_of)
            template = self.folder / f"demo-{len(self.built)}.sqlite3"
            # The backup API writes one self-contained file (no -wal beside it).
            sqlite_backup(database, template)
            if attachments_dir_for(db_path).is_dir():  # photos the demo stored beside the db
                shutil.copytree(attachments_dir_for(db_path), attachments_dir_for(template))
            self.built[key] = (template, summary)
            self.builds += 1
            return dataclasses.replace(summary)
        template, summary = self.built[key]
        close_database()  # the last connection checkpoints the WAL; the old file goes
        for suffix in ("", "-wal", "-shm"):
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(template, db_path)
        files = attachments_dir_for(db_path)
        if files.exists():
            shutil.rmtree(files)
        if attachments_dir_for(template).is_dir():
            shutil.copytree(attachments_dir_for(template), files)
        # The same peewee database object reconnects: the db fixture's value stays valid.
        database.connect()
        with database.atomic():  # this test's own password hashes, not the template's
            for table, rowid, column, value in salted:
                database.execute_sql(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', (value, rowid)
                )
        self.copies += 1
        return dataclasses.replace(summary)


_session_templates: list[DemoTemplates] = []


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory) -> DemoTemplates:
    templates = DemoTemplates(tmp_path_factory.mktemp("demo-templates"))
    _session_templates.append(templates)
    return templates


def pytest_terminal_summary(terminalreporter) -> None:
    for templates in _session_templates:  # how much building the copies saved
        terminalreporter.write_line(
            f"demo templates: {templates.builds} built, {templates.copies} copied"
        )


@pytest.fixture
def load_demo(db, db_path: Path, demo_templates: DemoTemplates):
    """load_demo(households, seed, as_of): demo.generate() into this test's database, built
    once per session and copied (tests/test_demo_copy.py checks the copy is the same)."""

    def load(households: int, seed: int, as_of: dt.date = AS_OF) -> demo.DemoSummary:
        return demo_templates.load(db_path, households=households, seed=seed, as_of=as_of)

    return load


@pytest.fixture
def demo_small(load_demo):
    """A small community (80 households) from the same generator as the demo."""
    return load_demo(households=80, seed=7, as_of=AS_OF)
