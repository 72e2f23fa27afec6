"""The program's database layer on PostgreSQL (issue 17): connecting, the schema at LATEST,
the append-only audit log, the registry through its services and the search index's triggers.

They run on the server tests/postgres_support.py provides (NDESK_TEST_PG or a throwaway
cluster); without one they are skipped and say why. The URL parsing and the error for a
server that does not answer need no server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import peewee
import pytest

from models.core import users
from models.core.db import (
    DatabaseError,
    close_database,
    close_thread_connection,
    connect_database,
    database_path,
    is_postgres,
    parse_postgres_url,
    postgres_error_text,
    protect_audit_log,
    redact_url,
)
from models.core.entities import AuditLog, Resident, SchemaVersion
from models.migrations import LATEST, current_version, ensure_schema, open_database
from models.registry import compounds, households, residents
from models.registry.households import AddressInput
from models.registry.search_index import PG_KEY_SQL
from tests import postgres_support
from tests.conftest import PASSWORD
from tests.postgres_support import connect_admin, with_database
from tests.registry_helpers import make_family, person

psycopg2 = pytest.importorskip("psycopg2")
# The fixtures (assigned, not imported by name, so that a test's argument does not redefine
# an import; one cluster serves every module that uses them).
pg_server = postgres_support.pg_server
pg_url = postgres_support.pg_url
pg_db = postgres_support.pg_db


# -- no server needed ---------------------------------------------------------------------------
def test_a_url_gives_the_connection_parameters_and_the_password_is_optional():
    assert parse_postgres_url("postgresql://clerk@office.local:6543/desk") == {
        "database": "desk",
        "host": "office.local",
        "port": 6543,
        "user": "clerk",
        "connect_timeout": "10",
        "application_name": "NeighbourhoodDesk",
    }
    with_password = parse_postgres_url("postgres://clerk:s%40cret@10.0.0.5/desk?sslmode=require")
    assert with_password["password"] == "s@cret" and with_password["sslmode"] == "require"
    assert "port" not in with_password  # libpq's default (5432 or PGPORT)
    socket = parse_postgres_url("postgresql://clerk@%2Fvar%2Frun%2Fpostgresql/desk")
    assert socket["host"] == "/var/run/postgresql"
    assert redact_url("postgresql://clerk:secret@host/desk") == "postgresql://clerk:***@host/desk"
    with pytest.raises(DatabaseError, match="缺少数据库名"):
        parse_postgres_url("postgresql://clerk@host/")
    with pytest.raises(DatabaseError, match="端口号不正确"):
        parse_postgres_url("postgresql://clerk@host:port/desk")


@pytest.mark.parametrize(
    ("libpq_says", "user_reads"),
    [
        ('FATAL:  password authentication failed for user "clerk"', "拒绝了用户“clerk”的登录"),
        ("fe_sendauth: no password supplied", "密码可以写在 PGPASSFILE 或 ~/.pgpass"),
        ('FATAL:  role "clerk" does not exist', "上没有用户“clerk”"),
        ('FATAL:  database "desk" does not exist', "上没有名为“desk”的数据库"),
        (
            'FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "clerk", database "desk"',
            "pg_hba.conf 中没有相应的规则",
        ),
        ('could not translate host name "office" to address', "服务器没有响应或拒绝连接"),
    ],
)
def test_each_refused_connection_gets_its_own_sentence(libpq_says, user_reads):
    params = {"host": "office.local", "port": 5432, "user": "clerk"}
    text = postgres_error_text(peewee.OperationalError(libpq_says), params, "desk")
    assert user_reads in text and text.startswith(("数据库服务器 office.local:5432", "无法连接"))


def test_a_server_that_does_not_answer_is_a_clear_error_not_a_traceback():
    # Port 1 on this machine: nothing listens there, the connection is refused at once.
    with pytest.raises(DatabaseError) as refused:
        connect_database("postgresql://nobody:secret@127.0.0.1:1/desk")
    text = str(refused.value)
    assert "无法连接数据库服务器 127.0.0.1:1" in text and "服务器没有响应或拒绝连接" in text
    assert "secret" not in text


# -- on a real server ---------------------------------------------------------------------------
def _columns(db: peewee.Database) -> dict[str, set[str]]:
    return {table: {c.name for c in db.get_columns(table)} for table in db.get_tables()}


def _indexes(db: peewee.Database) -> set[str]:
    return {i.name for table in db.get_tables() for i in db.get_indexes(table)}


def test_a_new_database_gets_the_whole_schema_at_latest_as_on_sqlite(pg_db, tmp_path):
    assert is_postgres() and is_postgres(pg_db) and database_path() is None
    assert current_version(pg_db) == LATEST
    assert [v.version for v in SchemaVersion.select()] == [LATEST]
    on_postgres = _columns(pg_db)
    pg_indexes = _indexes(pg_db)
    pg_db.close()

    sqlite = open_database(tmp_path / "desk.sqlite3")
    try:
        assert not is_postgres()
        # FTS5 keeps its index in shadow tables (resident_search_data, …); PostgreSQL has a
        # plain table whose rowid column is the resident's id (SQLite's rowid is hidden).
        on_sqlite = {
            t: c for t, c in _columns(sqlite).items() if not t.startswith("resident_search_")
        }
        on_sqlite["resident_search"] = on_sqlite["resident_search"] | {"rowid"}
        sqlite_indexes = {i for i in _indexes(sqlite) if not i.startswith("sqlite_autoindex_")}
    finally:
        close_database()
    assert on_postgres == on_sqlite
    # The same named indexes (PostgreSQL adds its primary keys' and the trigram index).
    assert {i for i in pg_indexes if not i.endswith("_pkey")} == sqlite_indexes | {
        "resident_search_key_trgm"
    }


def test_opening_again_changes_nothing(pg_db, pg_url):
    pg_db.close()
    again = open_database(pg_url)
    assert [v.version for v in SchemaVersion.select()] == [LATEST]
    triggers = again.execute_sql(
        "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
    ).fetchone()[0]
    assert triggers == 8  # 3 on audit_log, 5 keeping the search index


def test_two_clerks_opening_a_new_database_at_once_create_it_once(pg_url):
    db = connect_database(pg_url)  # no schema yet; each thread has its own connection
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            start.wait()
            ensure_schema(db)
            protect_audit_log(db)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_thread_connection()

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert [v.version for v in SchemaVersion.select()] == [LATEST]
    close_database()


def test_the_audit_log_is_append_only(pg_db, pg_url):
    users.create_first_admin("admin", "系统管理员", PASSWORD)
    row = AuditLog.select().order_by(AuditLog.id).first()
    assert row is not None and row.table_name == "user"
    for sql in (
        "UPDATE audit_log SET username = 'someone'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        with pytest.raises(peewee.IntegrityError, match="append-only"):
            pg_db.execute_sql(sql)
    # A failed statement outside a transaction leaves the connection usable.
    assert AuditLog.get_by_id(row.id).username == row.username
    # The triggers come back on every open, even when someone dropped one.
    pg_db.execute_sql("DROP TRIGGER audit_log_no_delete ON audit_log")
    pg_db.close()
    again = open_database(pg_url)
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        again.execute_sql("DELETE FROM audit_log")


def _search_keys(db: peewee.Database) -> dict[int, str]:
    return dict(db.execute_sql("SELECT rowid, search_key FROM resident_search").fetchall())


def _expected_keys(db: peewee.Database) -> dict[int, str]:
    return dict(
        db.execute_sql(
            f"SELECT r.id, {PG_KEY_SQL} FROM resident r LEFT JOIN household h"
            " ON h.id = r.household_id LEFT JOIN compound c ON c.id = h.compound_id"
        ).fetchall()
    )


def test_the_register_through_its_services_with_audit_rows_and_search_keys(pg_db):
    admin = users.create_first_admin("admin", "系统管理员", PASSWORD)
    clerk = users.create_user(admin, "clerk", "李晓梅", "clerk", PASSWORD)
    compound, house, people = make_family(clerk)
    assert Resident.select().count() == 6
    audited = {
        (a.table_name, a.action) for a in AuditLog.select().where(AuditLog.username == "clerk")
    }
    assert {("compound", "create"), ("household", "create"), ("resident", "create")} <= audited
    assert (
        AuditLog.select()
        .where(AuditLog.table_name == "resident", AuditLog.username == "clerk")
        .count()
        >= 6
    )
    keys = _search_keys(pg_db)
    assert keys == _expected_keys(pg_db) and set(keys) == set(people.values())
    assert keys[people["王建国"]].startswith("王建国|wangjianguo|wjg|")
    assert keys[people["王建国"]].endswith("|南关小区3号楼2单元301")


def test_the_triggers_keep_the_search_row_when_a_resident_is_renamed(pg_db):
    admin = users.create_first_admin("admin", "系统管理员", PASSWORD)
    compound, house, people = make_family(admin)
    son = people["王磊"]
    data = dataclasses.replace(person("王石", "1", dt.date(1984, 1, 5), "22", 3))
    residents.update_resident(admin, son, data, note="改名")
    assert _search_keys(pg_db)[son].startswith("王石|wangshi|ws|")
    assert (
        AuditLog.select()
        .where(
            AuditLog.table_name == "resident",
            AuditLog.record_id == str(son),
            AuditLog.action == "update",
        )
        .exists()
    )
    # The household's and the compound's changes reach every member's row.
    households.update_household(admin, house.id, AddressInput(compound.id, "5号楼", "1单元", "102"))
    compounds.update_compound(admin, compound, name="北苑小区")
    keys = _search_keys(pg_db)
    assert keys == _expected_keys(pg_db)
    assert all(key.endswith("|北苑小区5号楼1单元102") for key in keys.values())
    # A raw delete (no service deletes a resident) takes its row away too.
    extra = residents.create_resident(
        admin, house.id, person("王新", "2", dt.date(2020, 1, 1), "43", 9)
    ).id
    assert extra in _search_keys(pg_db)
    pg_db.execute_sql("DELETE FROM resident WHERE id = %s", (extra,))
    assert extra not in _search_keys(pg_db)


def test_the_trigram_index_answers_a_substring_search(pg_db):
    admin = users.create_first_admin("admin", "系统管理员", PASSWORD)
    _compound, _house, people = make_family(admin)
    with pg_db.atomic():
        pg_db.execute_sql("SET LOCAL enable_seqscan = off")
        sql = "SELECT rowid FROM resident_search WHERE search_key ILIKE %s"
        plan = "\n".join(r[0] for r in pg_db.execute_sql(f"EXPLAIN {sql}", ("%WangJian%",)))
        found = [r[0] for r in pg_db.execute_sql(sql, ("%WangJian%",))]
    assert "resident_search_key_trgm" in plan
    assert found == [people["王建国"]]


def test_a_missing_database_and_an_unknown_user_are_clear_errors(pg_server):
    with pytest.raises(DatabaseError, match="上没有名为“no_such_desk”的数据库"):
        connect_database(with_database(pg_server.url, "no_such_desk"))
    url = pg_server.url.replace("postgresql://ndesk@", "postgresql://nosuchclerk@", 1)
    if url != pg_server.url:  # the session's own cluster (a given server may trust anyone)
        with pytest.raises(DatabaseError, match="上没有用户“nosuchclerk”"):
            connect_database(url)


def test_a_database_not_in_utf8_is_refused(pg_server):
    name = "ndesk_test_sql_ascii"
    admin = connect_admin(pg_server.url)
    try:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name}")
            cur.execute(
                f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'SQL_ASCII'"
                " LC_COLLATE 'C' LC_CTYPE 'C'"
            )
        with pytest.raises(DatabaseError, match="字符编码是 SQL_ASCII，本程序需要 UTF8"):
            open_database(with_database(pg_server.url, name))
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


# -- settings, the check command and backups on a server (issue 17) ----------------------------
def test_a_setting_set_twice_keeps_the_last_value(pg_db):
    from models.core import settings
    from models.core.entities import Setting

    admin = users.create_first_admin("admin", "系统管理员", PASSWORD)
    settings.set_value(admin, "mask_ids", "0")
    settings.set_value(admin, "mask_ids", "1")
    settings.set_value(admin, "mask_ids", "0")
    assert settings.get("mask_ids") == "0"
    assert Setting.select().where(Setting.key == "mask_ids").count() == 1
    changes = AuditLog.select().where(
        (AuditLog.table_name == "setting") & (AuditLog.record_id == "mask_ids")
    )
    assert changes.count() == 3


def test_the_check_reads_the_server_and_says_what_only_a_file_has(pg_db, pg_url):
    from urllib.parse import urlsplit, urlunsplit

    from models.core import dbcheck

    admin = users.create_first_admin("admin", "系统管理员", PASSWORD)
    make_family(admin)
    report = dbcheck.check_file(pg_url, full=True)
    assert report.ok, report.summary()
    assert (report.schema_version, report.latest) == (LATEST, LATEST)
    assert report.counts == {"compounds": 1, "households": 1, "residents": 6, "users": 1}
    assert "只适用于 SQLite 数据库文件" in report.notes[0]
    # A trigger dropped behind the program's back is reported (and put back on the next open).
    pg_db.execute_sql("DROP TRIGGER audit_log_no_truncate ON audit_log")
    report = dbcheck.check_file(pg_url, full=True)
    assert not report.ok and not report.damaged
    assert "audit_log_no_truncate" in report.summary()
    # A server that does not answer is a problem, not a damaged file.
    parts = urlsplit(pg_url)
    gone = dbcheck.check_file(urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:1")))
    assert not gone.ok and not gone.damaged and "无法连接数据库服务器" in gone.summary()


def test_a_backup_of_the_server_is_a_pg_dump_and_restore_says_what_to_run(pg_db, tmp_path):
    import zipfile

    from models.core import backup

    admin = users.create_first_admin("admin", "系统管理员", PASSWORD)
    make_family(admin)
    if backup.find_pg_dump(int(pg_db.server_version) // 10000) is None:
        pytest.skip("no pg_dump of the server's version on this machine")
    info, removed = backup.backup_to_folder(tmp_path / "backups")
    assert info.kind == "pg_dump" and removed == []
    assert info.counts["residents"] == 6 and info.schema_version == LATEST
    with zipfile.ZipFile(info.path) as zf:
        assert sorted(zf.namelist()) == [backup.PG_DUMP_MEMBER, backup.MANIFEST]
        assert zf.read(backup.PG_DUMP_MEMBER)[:5] == b"PGDMP"  # pg_dump's custom format
    checked = backup.verify(info.path)
    assert checked.kind == "pg_dump" and "pg_dump 备份" in checked.describe()
    with pytest.raises(backup.BackupError, match="pg_restore --clean --if-exists"):
        backup.restore(info.path, tmp_path / "restored.sqlite3")
    assert not (tmp_path / "restored.sqlite3").exists()
    with pytest.raises(backup.BackupError, match="不由本程序恢复"):
        backup.restore(info.path, "postgresql://clerk@office/desk")


def test_without_pg_dump_the_backup_says_precisely_what_to_install_and_run(
    pg_db, tmp_path, monkeypatch
):
    from models.core import backup

    monkeypatch.setattr(backup, "find_pg_dump", lambda major: None)
    major = int(pg_db.server_version) // 10000
    with pytest.raises(backup.BackupError) as raised:
        backup.create_backup(tmp_path / "x.zip")
    text = str(raised.value)
    assert f"postgresql-client-{major}" in text
    params = pg_db.connect_params
    assert f"pg_dump -Fc -h {params['host']} -p {params.get('port', 5432)}" in text
    assert f" -U {params.get('user')} {pg_db.database} > " in text
    assert not list(tmp_path.iterdir())
