"""The PostgreSQL database the tests use: created when missing, or one clear message.

``$ADHOC_WS_TEST_PG`` (default ``postgresql://postgres@127.0.0.1:5432/test``) names it. When
the server answers but that database does not exist yet, it is created. When the server
cannot be reached, the run stops at once with one message saying so (exit status 2), never
with an error per test and never green: the PostgreSQL half of the suite is not optional.
``ADHOC_WS_TEST_PG=none`` runs the SQLite half alone, on purpose: the PostgreSQL tests are
then deselected and the run's header says so (CI refuses it: ``.ci/run``).
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from adhoc_ws.storage import database

URL = os.environ.get("ADHOC_WS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
NONE = URL.strip().lower() == "none"
_ready = False


def shown() -> str:
    return make_url(URL).render_as_string(hide_password=True)


def ensure() -> None:
    """Make sure the database answers (creating it when the server lacks it), or stop the run."""
    global _ready
    if _ready:
        return
    if NONE:
        pytest.skip("ADHOC_WS_TEST_PG=none: no PostgreSQL")
    try:
        _connect(URL)
    except DBAPIError as first:
        try:
            _create_database()
            _connect(URL)
        except DBAPIError:
            pytest.exit(f"PostgreSQL for the tests is unreachable at {shown()}: {_reason(first)} "
                        "Start it (README, Set-up), point $ADHOC_WS_TEST_PG at another server, or "
                        "set ADHOC_WS_TEST_PG=none to run the SQLite half alone.",
                        returncode=pytest.ExitCode.INTERRUPTED)
    _ready = True


def _connect(url: str) -> None:
    engine = create_engine(database.with_driver(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    finally:
        engine.dispose()


def _create_database() -> None:
    """CREATE DATABASE through the server's ``postgres`` database, unless it exists by now."""
    name = make_url(URL).database
    server = make_url(database.with_driver(URL)).set(database="postgres")
    engine = create_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                  {"name": name}).scalar()
            if not exists:
                quoted = conn.dialect.identifier_preparer.quote_identifier(name)
                try:
                    conn.execute(text(f"CREATE DATABASE {quoted}"))
                except DBAPIError:  # another test run made it meanwhile
                    if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                        {"name": name}).scalar():
                        raise
    finally:
        engine.dispose()


def _reason(error: DBAPIError) -> str:
    lines = str(error.orig).strip().splitlines() or ["no reason given"]
    return lines[0].rstrip(".") + "."
