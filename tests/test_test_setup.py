"""The test set-up itself: PostgreSQL's database is made when missing; no server, one message."""
import os
import subprocess
import sys
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from adhoc_ws.storage import database

from conftest import PG_URL, ROOT

ONE_TEST = "tests/test_protocol.py::test_an_entry_is_committed_when_record_returns"


def pytest_run(pg_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", ONE_TEST],
                          cwd=ROOT, env={**os.environ, "ADHOC_WS_TEST_PG": pg_url},
                          capture_output=True, text=True, timeout=300)


def test_an_unreachable_postgresql_stops_the_run_with_one_message():
    run = pytest_run("postgresql://postgres@127.0.0.1:1/test")
    assert run.returncode == 2
    assert run.stdout.count("PostgreSQL for the tests is unreachable at postgresql://postgres@127.0.0.1:1/test") == 1
    assert "passed" not in run.stdout and "ERROR" not in run.stdout


def test_a_missing_database_is_created():
    name = f"adhoc_test_setup_{uuid.uuid4().hex[:8]}"
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    server = create_engine(make_url(database.with_driver(PG_URL)).set(database="postgres"),
                           poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        run = pytest_run(url)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "2 passed" in run.stdout
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        server.dispose()
