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
  bound to the program's database proxy, closed after the test;
- pg_latest_url: the URL of a database of this test's own already at the latest schema, a
  copy (CREATE DATABASE ... TEMPLATE) of one built once per session: what the suite's `db`
  fixture opens under NDESK_TEST_ENGINE=postgresql (tests/conftest.py).

Databases are dropped by a background thread (a drop waits for the server's checkpoint), and
the session's templates when the session ends.
"""

from __future__ import annotations

import itertools
import os
import queue
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "pg_cluster.sh"
ENV = "NDESK_TEST_PG"
START_TIMEOUT_SECONDS = 900  # installing the packages on a bare machine takes a while


class _Dropper:
    """Drops databases on a thread of its own, so that a test does not wait for it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.names: queue.Queue[str | None] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.errors: list[str] = []

    def put(self, name: str) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="pg-dropper", daemon=True)
            self.thread.start()
        self.names.put(name)

    def _run(self) -> None:
        conn = connect_admin(self.url)
        try:
            while (name := self.names.get()) is not None:
                try:
                    with conn.cursor() as cur:
                        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                except Exception as exc:  # said when the session ends
                    self.errors.append(f"{name}: {exc}")
        finally:
            conn.close()

    def close(self) -> None:
        if self.thread is not None:
            self.names.put(None)
            self.thread.join()
            self.thread = None
        for error in self.errors:
            print(f"postgres_support: could not drop {error}", file=sys.stderr)
        self.errors.clear()


@dataclass
class PgServer:
    url: str  # the base database (the fresh ones are made beside it)
    cluster_dir: Path | None = None  # set when this session started the cluster
    users: int = 0
    templates: list[str] = field(default_factory=list)  # dropped when the session ends
    _latest: str | None = None
    _strategy: str | None = None
    _dropper: _Dropper | None = None

    def url_of(self, name: str) -> str:
        return with_database(self.url, name)

    def new_name(self, kind: str = "test") -> str:
        return f"ndesk_{kind}_{os.getpid()}_{next(_counter)}"

    def copy(self, template: str, name: str) -> None:
        """Create database *name* as a copy of *template*: no session may be connected to
        *template* (the program's own connections to it are ended first)."""
        admin = connect_admin(self.url)
        try:
            with admin.cursor() as cur:
                if self._strategy is None:
                    # FILE_COPY copies the folder and checkpoints: fast where fsync is off (a
                    # throwaway cluster), slow otherwise; WAL_LOG copies through the WAL.
                    cur.execute("SHOW fsync")
                    self._strategy = "FILE_COPY" if cur.fetchone()[0] == "off" else "WAL_LOG"
                end_sessions(cur, template)  # autovacuum's are ended by the server
                try:
                    cur.execute(
                        f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY {self._strategy}'
                    )
                except Exception as exc:
                    if getattr(exc, "pgcode", None) == "42501":  # insufficient_privilege
                        pytest.fail(
                            f"{ENV}={self.url}: NDESK_TEST_ENGINE=postgresql needs a role that "
                            f"may create databases ({exc})",
                            pytrace=False,
                        )
                    raise
        finally:
            admin.close()

    def template_of(self, source: str) -> str:
        """A template database copied from database *source* (dropped at the session's end)."""
        name = self.new_name("tpl")
        self.copy(source, name)
        self.templates.append(name)
        return name

    def replace(self, name: str, template: str) -> None:
        """Database *name* made again as a copy of *template* (the old one is renamed away
        and dropped in the background; its sessions are ended)."""
        old = self.new_name("old")
        admin = connect_admin(self.url)
        try:
            with admin.cursor() as cur:
                end_sessions(cur, name)
                cur.execute(f'ALTER DATABASE "{name}" RENAME TO "{old}"')
        finally:
            admin.close()
        self.drop_later(old)
        self.copy(template, name)

    def latest_template(self) -> str:
        """The session's empty database at the latest schema (built on first use)."""
        with _lock:
            if self._latest is None:
                from models.core.db import close_database
                from models.migrations import open_database

                name = self.new_name("tpl")
                admin = connect_admin(self.url)
                try:
                    with admin.cursor() as cur:
                        cur.execute(
                            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"
                        )
                finally:
                    admin.close()
                self.templates.append(name)
                database = open_database(self.url_of(name))
                close_database()
                if not database.is_closed():
                    database.close()
                self._latest = name
            return self._latest

    def drop_later(self, name: str) -> None:
        if self._dropper is None:
            self._dropper = _Dropper(self.url)
        self._dropper.put(name)

    def close(self) -> None:
        """Drop what is still to be dropped, then the session's templates."""
        for name in self.templates:
            self.drop_later(name)
        self.templates.clear()
        self._latest = None
        if self._dropper is not None:
            self._dropper.close()
        # Whatever this process made and a test's teardown did not reach (an interrupted run).
        admin = connect_admin(self.url)
        try:
            with admin.cursor() as cur:
                cur.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s",
                    (f"ndesk\\_%\\_{os.getpid()}\\_%",),
                )
                for (name,) in cur.fetchall():
                    cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            admin.close()


def end_sessions(cur, name: str) -> None:
    """End every other session connected to database *name* (a copy needs it alone)."""
    cur.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        " AND usename = current_user",
        (name,),
    )


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
    server.close()
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
        pg_server.drop_later(name)


@pytest.fixture
def pg_latest_url(pg_server: PgServer):
    """The URL of a database of this test's own at the latest schema (a copy of the
    session's template), dropped after the test."""
    name = pg_server.new_name()
    pg_server.copy(pg_server.latest_template(), name)
    yield pg_server.url_of(name)
    pg_server.drop_later(name)


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
