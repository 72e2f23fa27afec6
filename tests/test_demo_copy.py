"""The session's demo templates (tests/conftest.py): a copy holds what generating writes."""

from __future__ import annotations

from pathlib import Path

from models.core import users
from models.core.attachments import Attachment
from models.core.db import close_database, database
from models.core.entities import Compound
from models.core.files import attachments_dir_for
from models.core.permissions import Role
from models.migrations import open_database
from tests.conftest import AS_OF, PASSWORD, DemoTemplates, _database_state


def _contents(db_path: Path) -> dict[str, object]:
    """Every table's rows (password hashes apart: salted at random) and the attachments."""
    db = database.obj
    out: dict[str, object] = {}
    for (table,) in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'"):
        columns = [r[1] for r in db.execute_sql(f'PRAGMA table_info("{table}")')]
        picked = ", ".join(f'"{c}"' for c in columns if c != "password_hash")
        out[table] = sorted(repr(r) for r in db.execute_sql(f'SELECT {picked} FROM "{table}"'))
    out["sqlite_master"] = sorted(db.execute_sql("SELECT type, name, sql FROM sqlite_master"))
    files = attachments_dir_for(db_path)
    out["files"] = sorted(
        (p.relative_to(files).as_posix(), p.read_bytes()) for p in files.rglob("*") if p.is_file()
    )
    return out


def _fresh_with_users(db_path: Path) -> list[str]:
    """A new database with the users the admin and clerk fixtures make; their hashes."""
    open_database(db_path)
    admin = users.create_first_admin("admin", "系统管理员", PASSWORD)
    users.create_user(admin, "clerk", "李晓梅", Role.CLERK.value, PASSWORD)
    return [u.password_hash for u in users.User.select().order_by(users.User.id)]


def test_a_copied_demo_is_the_demo_generated_in_place(tmp_path):
    templates = DemoTemplates(tmp_path / "templates")
    (tmp_path / "templates").mkdir()

    first = tmp_path / "a" / "desk.sqlite3"
    _fresh_with_users(first)
    built = templates.load(first, households=12, seed=5, as_of=AS_OF)
    generated = _contents(first)
    close_database()
    assert templates.builds == 1 and templates.copies == 0
    assert generated["files"], "the demo stores photos beside the database"

    second = tmp_path / "b" / "desk.sqlite3"
    hashes = _fresh_with_users(second)
    copied = templates.load(second, households=12, seed=5, as_of=AS_OF)
    assert templates.builds == 1 and templates.copies == 1
    assert copied == built and copied is not built
    assert _contents(second) == generated
    # This test's own users keep their own password hashes and can sign in.
    assert [u.password_hash for u in users.User.select().order_by(users.User.id)] == hashes
    assert users.authenticate("clerk", PASSWORD).username == "clerk"
    # A test writing into its copy leaves the template (and so the next test) alone.
    Compound.create(name="新小区", lead_unit="", address="")
    close_database()

    third = tmp_path / "c" / "desk.sqlite3"
    _fresh_with_users(third)
    templates.load(third, households=12, seed=5, as_of=AS_OF)
    assert _contents(third) == generated
    close_database()


def test_a_database_holding_something_else_gets_its_own_template(tmp_path):
    templates = DemoTemplates(tmp_path / "templates")
    (tmp_path / "templates").mkdir()
    open_database(tmp_path / "a" / "desk.sqlite3")
    templates.load(tmp_path / "a" / "desk.sqlite3", households=12, seed=5, as_of=AS_OF)
    close_database()

    _fresh_with_users(tmp_path / "b" / "desk.sqlite3")  # users made before the demo
    templates.load(tmp_path / "b" / "desk.sqlite3", households=12, seed=5, as_of=AS_OF)
    assert templates.builds == 2 and templates.copies == 0
    # The users' audit rows come first, as when the demo is generated after them.
    first_audit = database.obj.execute_sql(
        "SELECT table_name FROM audit_log ORDER BY id LIMIT 1"
    ).fetchone()
    assert first_audit == ("user",)
    close_database()


def test_a_copied_demo_on_postgresql_is_the_demo_generated_in_place(tmp_path, pg_server):
    """NDESK_TEST_ENGINE=postgresql: a template is a database, a test's copy is made with
    CREATE DATABASE ... TEMPLATE and holds the same rows (and attachments) as generating."""
    templates = DemoTemplates(tmp_path / "templates", pg_server)
    (tmp_path / "templates").mkdir()
    names = [pg_server.new_name() for _ in range(2)]
    for name in names:
        pg_server.copy(pg_server.latest_template(), name)
    first, second = (pg_server.url_of(name) for name in names)
    try:
        _fresh_with_users(first)
        built = templates.load(first, households=12, seed=5, as_of=AS_OF)
        generated = _database_state(database.obj, None)[0]
        assert Attachment.select().count() > 0, "the demo stores photos in the database"
        close_database()

        hashes = _fresh_with_users(second)
        copied = templates.load(second, households=12, seed=5, as_of=AS_OF)
        assert (templates.builds, templates.copies) == (1, 1)
        assert copied == built and copied is not built
        assert _database_state(database.obj, None)[0] == generated
        assert [u.password_hash for u in users.User.select().order_by(users.User.id)] == hashes
        assert users.authenticate("clerk", PASSWORD).username == "clerk"
        # New rows continue the ids (the sequences were copied too).
        assert Compound.create(name="新小区", lead_unit="", address="").id > built.compounds
    finally:
        close_database()
        for name in names:
            pg_server.drop_later(name)
