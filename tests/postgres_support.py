"""PostgreSQL for the tests: one server per session, a fresh database per test.

The server is the one NDESK_TEST_PG names (a ``postgresql://`` URL of a database the tests may
use as they like: each test gets a database of its own created next to it, or, where the role
may not create databases, that database's public schema emptied). Without it, a throwaway
cluster is started with scripts/pg_cluster.sh (which installs PostgreSQL from Debian's
packages when it is missing and it runs as root) and stopped when the session ends; when
that cannot be done the PostgreSQL tests are skipped and say why. NDESK_TEST_PG=skip skips
them outright.

Fixtures (import them into a test module, or list this module in pytest_plugins):
- pg_server: the session's server (its base URL);
- pg_url: the URL of an empty database of this test's own;
- pg_db: that database opened with models.migrations.open_database (schema at LATEST),
  bound to the program's database proxy, closed after the test.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "pg_cluster.sh"
ENV = "NDESK_TEST_PG"
START_TIMEOUT_SECONDS = 900  # installing the packages on a bare machine takes a while


@dataclass
class PgServer:
    url: str  # the base database (the fresh ones are made beside it)
    cluster_dir: Path | None = None  # set when this session started the cluster
    users: int = 0


_lock = threading.Lock()
_server: PgServer | None = None
_skip_reason: str | None = None
_counter = itertools.count(1)


def with_database(url: str, name: str) -> str:
    """*url* naming database *name* instead."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def connect_admin(url: str):
    """A plain psycopg2 connection (autocommit) to *url*, for what the program never does
    (creating and dropping databases)."""
    import psycopg2

    from models.core.db import parse_postgres_url

    params = parse_postgres_url(url)
    params["dbname"] = params.pop("database")
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    return conn


def _start_cluster() -> PgServer:
    """A throwaway cluster from scripts/pg_cluster.sh, or pytest.skip saying why not."""
    if os.name != "posix" or not SCRIPT.exists():
        pytest.skip(
            f"no PostgreSQL server: set {ENV} to a postgresql:// URL "
            "(scripts/pg_cluster.sh runs on Linux only)"
        )
    folder = Path(tempfile.mkdtemp(prefix="ndesk-pg-"))
    try:
        done = subprocess.run(
            ["bash", str(SCRIPT), "start", str(folder)],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        _stop_cluster(folder)
        pytest.skip(
            f"no PostgreSQL server: scripts/pg_cluster.sh did not start one ({exc}); "
            f"set {ENV} to a postgresql:// URL"
        )
    url = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if done.returncode != 0 or not url.startswith("postgresql://"):
        _stop_cluster(folder)
        why = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no URL printed"
        pytest.skip(
            f"no PostgreSQL server: scripts/pg_cluster.sh could not start one ({why}); "
            f"set {ENV} to a postgresql:// URL"
        )
    return PgServer(url, folder)


def _stop_cluster(folder: Path) -> None:
    subprocess.run(
        ["bash", str(SCRIPT), "stop", str(folder)], capture_output=True, timeout=120, check=False
    )


def _acquire() -> PgServer:
    global _server, _skip_reason
    with _lock:
        if _skip_reason is not None:
            pytest.skip(_skip_reason)
        if _server is None:
            url = os.environ.get(ENV, "").strip()
            if url.lower() in {"skip", "off", "no", "0"}:
                _skip_reason = f"PostgreSQL tests switched off ({ENV}={url})"
                pytest.skip(_skip_reason)
            try:
                if url:
                    server = PgServer(url)
                    try:
                        connect_admin(url).close()
                    except Exception as exc:  # the URL was asked for: say why it does not work
                        pytest.fail(f"{ENV}={url}: cannot connect ({exc})", pytrace=False)
                else:
                    server = _start_cluster()
            except pytest.skip.Exception as exc:
                _skip_reason = str(exc.msg)
                raise
            _server = server
        _server.users += 1
        return _server


def _release(server: PgServer) -> None:
    global _server
    with _lock:
        server.users -= 1
        if server.users > 0:
            return
        _server = None
    if server.cluster_dir is not None:
        _stop_cluster(server.cluster_dir)


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (started once even when several modules import this
    fixture; stopped after the last of them)."""
    server = _acquire()
    yield server
    _release(server)


@pytest.fixture
def pg_url(pg_server: PgServer):
    """The URL of an empty database of this test's own, dropped after it."""
    name = f"ndesk_test_{os.getpid()}_{next(_counter)}"
    admin = connect_admin(pg_server.url)
    own_database = True
    try:
        with admin.cursor() as cur:
            try:
                cur.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
            except Exception as exc:
                if getattr(exc, "pgcode", None) != "42501":  # insufficient_privilege
                    raise
                own_database = False
                cur.execute("DROP SCHEMA IF EXISTS public CASCADE")
                cur.execute("CREATE SCHEMA public")
    finally:
        admin.close()
    url = with_database(pg_server.url, name) if own_database else pg_server.url
    yield url
    if own_database:
        admin = connect_admin(pg_server.url)
        try:
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            admin.close()


@pytest.fixture
def pg_db(pg_url: str):
    """This test's own PostgreSQL database at the latest schema, bound to the program."""
    from models.core.db import close_database
    from models.migrations import open_database

    database = open_database(pg_url)
    yield database
    close_database()
    if not database.is_closed():
        database.close()
