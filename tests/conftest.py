"""Test fixtures: a database on each backend, the demo data, and a running service.

Every test that takes ``engine`` or ``demo_engine`` runs twice: on SQLite and on PostgreSQL.
PostgreSQL is the server at ``$ADHOC_WS_TEST_PG`` (default the local one, database ``test``,
created when missing; see ``pgserver.py`` for what happens when it cannot be reached);
each database here lives in a schema of its own, dropped afterwards.
"""
from __future__ import annotations

import functools
import socket
import threading
import time
import uuid
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import argon2
import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from adhoc_ws.service import AdhocService
from adhoc_ws.app import build as build_app
from adhoc_ws.storage import database, loader

import pgserver

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PG_URL = pgserver.URL
BACKENDS = ["sqlite", "postgresql"]


def _on_postgresql(item) -> bool:
    return getattr(item, "callspec", None) is not None and item.callspec.params.get("backend") == "postgresql"


def pytest_report_header(config):
    if pgserver.NONE:
        return "PostgreSQL: none (ADHOC_WS_TEST_PG=none): only the SQLite half runs"
    return f"PostgreSQL: {pgserver.shown()}"


def pytest_collection_modifyitems(config, items):
    if pgserver.NONE:
        deselected = [item for item in items if _on_postgresql(item)]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if not _on_postgresql(item)]


def pytest_collection_finish(session):
    """Before the first test: PostgreSQL answers, or the run stops with one message."""
    if any(_on_postgresql(item) for item in session.items):
        pgserver.ensure()


def url_of(engine) -> str:
    """The URL that opens the same database (for the CLI)."""
    return engine.url.render_as_string(hide_password=False)


# argon2 at a few milliseconds, for tests that log in many times (what they test is which
# checks run and against which hash, not argon2 itself)
CHEAP_ARGON2 = functools.partial(argon2.PasswordHasher, time_cost=1, memory_cost=8192, parallelism=1)


class Clock:
    """A clock for Accounts that stands still (a login stays remembered) until a test moves
    ``now``."""

    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now


class Backend:
    """Makes fresh, empty databases on one backend and removes them afterwards."""

    open: list[Backend] = []

    def __init__(self, name: str, tmp_path_factory):
        self.name = name
        self.tmp = tmp_path_factory
        self.cleanups = []
        self.engines = []
        Backend.open.append(self)

    def new_engine(self):
        """A new database; it is removed when the backend closes."""
        engine, cleanup = self._create()
        self.cleanups.append(cleanup)
        self.engines.append(engine)
        return engine

    def _create(self):
        if self.name == "sqlite":
            path = self.tmp.mktemp("db") / "adhoc.sqlite"
            engine = database.open_engine(f"sqlite:///{path}")
            database.init(engine)
            return engine, engine.dispose
        pgserver.ensure()
        schema = f"adhoc_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(database.with_driver(PG_URL), poolclass=NullPool)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        separator = "&" if "?" in PG_URL else "?"
        engine = database.open_engine(f"{PG_URL}{separator}options=-csearch_path%3D{schema}")
        database.init(engine)

        def drop():
            engine.dispose()
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        return engine, drop

    def close(self):
        for cleanup in reversed(self.cleanups):
            cleanup()
        Backend.open.remove(self)


@pytest.fixture(scope="module", autouse=True)
def _close_idle_connections():
    """After each test module: close the idle pooled connections of the databases that live
    longer (they reconnect when used again), so that a run holds few PostgreSQL connections
    (the server's limit is shared with whatever else runs on the machine)."""
    yield
    for backend in Backend.open:
        for engine in backend.engines:
            engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory):
    b = Backend(request.param, tmp_path_factory)
    yield b
    b.close()


@pytest.fixture
def engine(backend):
    """A fresh, empty database (tables created) on each backend, removed after the test."""
    engine, cleanup = backend._create()
    yield engine
    cleanup()


@pytest.fixture(scope="session")
def demo_engine(backend):
    """A database with the demo fixtures loaded, shared by the tests of one backend."""
    engine = backend.new_engine()
    loader.load(engine, sorted(FIXTURES.glob("*.json")))
    return engine


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _PooledServer(WSGIServer):
    """Answers on a fixed set of threads, as serving's threaded workers do: each thread keeps
    its database connection (``storage.database.Connections``), so a server holds at most
    ``THREADS`` of them, however many requests a test makes."""

    THREADS = 8

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._threads = ThreadPoolExecutor(self.THREADS, thread_name_prefix="test-server")

    def process_request(self, request, client_address):
        self._threads.submit(self._answer, request, client_address)

    def _answer(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def shutdown(self):
        super().shutdown()
        self._threads.shutdown(wait=False)


def serve_in_thread(app):
    """Serve a WSGI app on a free local port; returns (base url, server)."""
    server = make_server("127.0.0.1", 0, app, server_class=_PooledServer,
                         handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


ENDPOINT = "/gba-v/online/lo3services/adhoc"
STARTUP = 120.0  # seconds a service started by a test may take (the machine may be slow and busy)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(url: str, process, **request_args) -> None:
    """Wait until ``url`` answers over HTTP (any status) or the child ``process`` has died.

    A refused connection or a read timeout only means "not ready yet"; only after
    :data:`STARTUP` seconds does the wait fail.
    """
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.communicate()[0]
            raise AssertionError(f"the service ended ({process.returncode}) before answering:\n"
                                 f"{output.decode(errors='replace') if output else ''}")
        try:
            requests.get(url, timeout=5, **request_args)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {STARTUP:.0f} s")


@pytest.fixture(scope="session")
def service_url(demo_engine):
    """The endpoint URL of the Ad hoc webservice over the demo data, on each backend."""
    base, server = serve_in_thread(build_app(AdhocService(demo_engine)))
    yield base + ENDPOINT
    server.shutdown()
