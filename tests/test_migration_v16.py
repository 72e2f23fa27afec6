"""Schema version 16 (the 计生专干 role stored as "casework"), tested from a database saved at
version 15 by the real steps from the foundation's schema (fixtures/schema_v1.sql)."""

from __future__ import annotations

import sqlite3

from models import migrations
from models.core.audit_view import readable
from models.core.db import close_database, database
from models.core.entities import AuditLog, User
from models.core.permissions import ROLE_NAMES, Perm, Role, can
from models.migrations import open_database
from tests.migration_support import database_at as _database_at
from tests.migration_support import rows as _rows

WHEN = "2026-01-05 10:00:00"


def test_version_15_population_clerk_becomes_a_casework_clerk(tmp_path):
    path = _database_at(15, tmp_path / "office.sqlite3")
    con = sqlite3.connect(path)
    hash_ = con.execute("SELECT password_hash FROM user WHERE username = 'admin'").fetchone()[0]
    for name, role in (("jisheng", "population"), ("clerk", "clerk")):
        con.execute(
            "INSERT INTO user (username, display_name, role, password_hash,"
            " failed_attempts, active, created_at) VALUES (?, '王秀英', ?, ?, 0, 1, ?)",
            (name, role, hash_, WHEN),
        )
    con.execute(
        "INSERT INTO audit_log (at, username, action, table_name, record_id, before,"
        " after, note) VALUES (?, 'admin', 'create', 'user', '2', NULL, ?, '')",
        (WHEN, '{"role": "population", "username": "jisheng"}'),
    )
    con.commit()
    con.close()
    log_before = _rows(path, "SELECT * FROM audit_log")

    open_database(path)
    try:
        assert migrations.current_version(database) == migrations.LATEST >= 16
        roles = {u.username: u.role for u in User.select()}
        assert roles == {"admin": "admin", "jisheng": Role.CASEWORK.value, "clerk": "clerk"}
        jisheng = User.get(User.username == "jisheng")
        assert can(jisheng, Perm.CASEWORK_EDIT) and not can(
            User.get(User.username == "clerk"), Perm.CASEWORK_EDIT
        )
        # The log keeps what was true then, and still reads it as the same role.
        old_row = AuditLog.select().where(AuditLog.after.contains("population")).get()
        assert "计生专干" in readable([old_row])[0].content
        assert ROLE_NAMES[Role.CASEWORK.value] == "计生专干"
    finally:
        close_database()
    assert _rows(path, "SELECT * FROM audit_log")[: len(log_before)] == log_before
