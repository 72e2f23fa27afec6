"""Shared fixtures: a fresh database per test, users of every role, a small demo community."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from models import demo, users  # noqa: E402
from models.db import close_database, open_database  # noqa: E402
from models.permissions import Role  # noqa: E402

AS_OF = dt.date(2026, 11, 27)  # the day every test runs on (models.clock is frozen there)
PASSWORD = "test1234"


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch):
    """Every test runs on AS_OF at 09:00, whatever the real date: no test may depend on it.

    `.ci/run` also runs the suite under faketime at a later date to catch code that reads the
    real clock behind models.clock's back.
    """
    from models import clock

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
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "qt-settings"))


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
    """Form dialogs ask before discarding typed input (ui.discard_guard); tests that close a
    filled form get "discard" unless they set the list of answers themselves. Each question
    is recorded. tests/test_discard_guard.py drives the real question box."""
    import ui.discard_guard

    asked: list[bool] = []
    answers: list[bool] = []

    def stand_in(parent) -> bool:
        answer = answers.pop(0) if answers else True
        asked.append(answer)
        return answer

    monkeypatch.setattr(ui.discard_guard, "ask_discard", stand_in)
    return type("DiscardAnswers", (), {"asked": asked, "answers": answers})


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
    return _user(admin, "jisheng", "王秀英", Role.POPULATION)


@pytest.fixture
def supervisor(admin):
    return _user(admin, "zhuren", "张建国", Role.SUPERVISOR)


@pytest.fixture
def demo_small(db):
    """A small community (80 households) from the same generator as the demo."""
    return demo.generate(households=80, seed=7, as_of=AS_OF)
