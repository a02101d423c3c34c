"""Opening the database: SQLite (the embedded default) or PostgreSQL, from one URL."""
from __future__ import annotations

import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.schema import CreateIndex

from . import sqlfunctions
from .schema import metadata

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///adhoc-ws.sqlite"
ENV_VAR = "ADHOC_WS_DB"


def database_url(url: str | None = None) -> str:
    """The URL to use: the one given, else ``$ADHOC_WS_DB``, else a SQLite file here."""
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def open_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        # a writer waits up to 30 s for another (bulk loads in several processes)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA case_sensitive_like=ON")  # LIKE as in PostgreSQL
            cur.close()
            sqlfunctions.register_sqlite(dbapi_conn)

        return engine
    # no pool_pre_ping: it costs a round trip per request; a connection the server dropped
    # fails one request and is then replaced by the pool
    return create_engine(url, pool_recycle=3600)


def init(engine: Engine) -> None:
    """Create every table, index and SQL function that is missing; existing data is kept."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            sqlfunctions.install_postgresql(conn)
    metadata.create_all(engine)
    create_indexes(engine)  # create_all adds indexes only to tables it creates


# geslachtsnaam only: voornamen never identify alone, so another index always drives
TRIGRAM_INDEXES = {"adhoc_persoon_naam_trgm": ("lo3_pl_persoon", "geslachts_naam_fold")}


def _trigram_indexes(engine: Engine) -> list[str]:
    """CREATE INDEX statements for names searched with no fixed start or end (``*oma*``),
    PostgreSQL only. pg_trgm is a trusted extension (PostgreSQL 13+); where it cannot be
    created, there are none, and such searches still work, on a scan.

    The extension goes into ``public``, not the first schema of the search path: an extension
    in one application schema is dropped with it, and takes the trigram indexes of every
    other schema along."""
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
            schema = conn.execute(text("SELECT extnamespace::regnamespace::text FROM pg_extension "
                                       "WHERE extname = 'pg_trgm'")).scalar()
    except DBAPIError as e:
        log.warning("no trigram indexes (pg_trgm unavailable): %s", e.orig)
        return []
    return [f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} {schema}.gin_trgm_ops)"
            for name, (table, column) in TRIGRAM_INDEXES.items()]


def create_indexes(engine: Engine, *, parallel: int = 1) -> None:
    """Create every missing index; on PostgreSQL ``parallel`` connections build them side by side."""
    statements = [CreateIndex(index, if_not_exists=True) for table in metadata.sorted_tables
                  for index in table.indexes]
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            # sort with helper threads and 256 MB of cache: a large CREATE INDEX is a big sort
            conn.exec_driver_sql(f"PRAGMA threads={parallel}")
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
            for statement in statements:
                conn.execute(statement)
        return
    statements += [text(s) for s in _trigram_indexes(engine)]

    def build(part):
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
            for statement in part:
                conn.execute(statement)
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(build, [statements[i::parallel] for i in range(parallel)]))


def drop_secondary_indexes(engine: Engine) -> None:
    """Drop every index but the primary keys (``init`` makes them again), before a bulk load."""
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            for index in table.indexes:
                index.drop(conn, checkfirst=True)
        if engine.dialect.name == "postgresql":
            for name in TRIGRAM_INDEXES:
                conn.execute(text(f"DROP INDEX IF EXISTS {name}"))


def analyze(engine: Engine) -> None:
    """Refresh the planner statistics of the persoonslijst tables (after a large load)."""
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            conn.execute(text(f"ANALYZE {table.name}"))


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("lo3_pl")


class SearchTimeout(Exception):
    """The database stopped a statement that ran past its deadline."""


@contextmanager
def deadline(conn: Connection, seconds: float | None, settings: dict[str, str] | None = None):
    """Stop any statement run on ``conn`` inside this block after ``seconds``.

    PostgreSQL enforces it with ``statement_timeout`` for the current transaction (set in one
    round trip together with ``settings``, other PostgreSQL settings for the transaction);
    SQLite with a progress handler that interrupts the statement. Either way the connection
    is usable after.
    """
    if conn.dialect.name == "postgresql":
        settings = dict(settings or {})
        if seconds:
            settings["statement_timeout"] = str(max(1, int(seconds * 1000)))
        if settings:
            conn.exec_driver_sql("; ".join(f"SET LOCAL {k} = {v}" for k, v in settings.items()))
        try:
            yield
        except OperationalError as e:
            if getattr(e.orig, "sqlstate", None) == "57014":  # query_canceled
                raise SearchTimeout() from None
            raise
        return
    if not seconds:
        yield
        return
    dbapi_conn = conn.connection.driver_connection
    end = time.monotonic() + seconds
    dbapi_conn.set_progress_handler(lambda: int(time.monotonic() > end), 1000)
    try:
        yield
    except OperationalError as e:
        if "interrupted" in str(e.orig):
            raise SearchTimeout() from None
        raise
    finally:
        dbapi_conn.set_progress_handler(None, 0)
