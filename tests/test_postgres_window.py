"""The window on an office server: opened from a postgresql:// URL (no lock file: a second
clerk's program opens the same database at the same time), the server named in the status bar
without its password, and a search that finds a person."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import ui.app
from models.core import users
from models.core.db import close_database
from models.core.entities import AuditLog, Compound, User
from models.migrations import open_database
from models.registry import search
from tests import postgres_support
from tests.conftest import PASSWORD
from tests.registry_helpers import make_family
from ui.app import AppController

pytest.importorskip("psycopg2")
pg_server = postgres_support.pg_server
pg_url = postgres_support.pg_url
ROOT = Path(__file__).resolve().parent.parent

SECOND_CLERK = """
import sys
sys.path.insert(0, sys.argv[2])
from models.core import users
from models.core.db import close_database
from models.migrations import open_database
from models.registry import compounds, search
open_database(sys.argv[1])
clerk = users.authenticate("clerk2", sys.argv[3])
[row] = search.search("王建国", actor=clerk)
compounds.create_compound(clerk, "北关小区", "县水利局")
print("found", row.name, flush=True)
close_database()
"""


@pytest.fixture
def server_with_clerks(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("NDESK_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("NDESK_CONFIG_DIR", str(tmp_path / "user-config"))
    open_database(pg_url)
    admin = users.create_first_admin("admin", "管理员", PASSWORD)
    for name in ("clerk1", "clerk2"):
        users.create_user(admin, name, f"办事员{name[-1]}", "clerk", PASSWORD)
    make_family(admin)
    close_database()
    return pg_url


def test_two_clerks_open_the_server_at_once(qapp, server_with_clerks, dialogs, monkeypatch):
    url = server_with_clerks
    monkeypatch.setattr(ui.app, "sign_in", lambda parent=None: User.get(User.username == "clerk1"))
    controller = AppController(qapp)
    try:
        assert controller.start(url)
        window = controller.window
        assert window is not None and window.isVisible()
        status = window.db_label.text()
        assert "127.0.0.1" in status and "postgresql://" in status
        # A second clerk's program on another PC, at the same time: not refused by any lock.
        other = subprocess.run(
            [sys.executable, "-c", SECOND_CLERK, url, str(ROOT), PASSWORD],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert other.returncode == 0, other.stderr
        assert "found 王建国" in other.stdout
        clerk = User.get(User.username == "clerk1")
        assert [r.name for r in search.search("王建国", actor=clerk)] == ["王建国"]
        # What the second clerk wrote is there for the first one, with who wrote it.
        made = Compound.get(Compound.name == "北关小区")
        assert (
            AuditLog.get(
                AuditLog.table_name == "compound", AuditLog.record_id == str(made.id)
            ).username
            == "clerk2"
        )
    finally:
        controller._end_session()
        close_database()
