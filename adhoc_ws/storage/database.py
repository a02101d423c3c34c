"""Opening the database: SQLite (the embedded default) or PostgreSQL, from one URL."""
from __future__ import annotations

import logging
import math
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from sqlalchemy import (PrimaryKeyConstraint, Table, UniqueConstraint, create_engine, event,
                        inspect, text)
from sqlalchemy.engine import Connection, Engine, make_url
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


def with_driver(url: str) -> str:
    """``postgresql://…`` with the driver adhoc-ws installs (psycopg 3) named, as
    SQLAlchemy 2.0 would otherwise look for psycopg2; any other URL as it is."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def open_engine(url: str | None = None, *, pool_size: int | None = None) -> Engine:
    """An engine on ``url``; ``pool_size`` connections kept (default 5, and 10 more at need)."""
    url = with_driver(database_url(url))
    pool = {} if pool_size is None else {"pool_size": pool_size}
    if url.startswith("sqlite"):
        # a writer waits up to 30 s for another (bulk loads in several processes)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True, **pool)

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
    # A connection taken from the pool is pinged first, so that one the server dropped (a
    # restart) is replaced before a request uses it; the answering paths keep their own
    # connections (Connections, the protocol's) and retry once instead (retry_lost).
    # hide_parameters: an error's text never holds the values (a zoekwaarde, a BSN).
    return create_engine(url, pool_recycle=3600, pool_pre_ping=True, hide_parameters=True, **pool)


def init(engine: Engine, *, indexes: bool = True) -> None:
    """Create every table, index (unless not ``indexes``) and SQL function that is missing;
    existing data is kept."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            sqlfunctions.install_postgresql(conn)
    metadata.create_all(engine)
    if indexes:
        create_indexes(engine)  # create_all adds indexes only to tables it creates


# geslachtsnaam only: voornamen never identify alone, so another index always drives
TRIGRAM_INDEXES = {"adhoc_persoon_naam_trgm": ("lo3_pl_persoon", "geslachts_naam_fold")}


def _trigram_indexes(engine: Engine) -> list[tuple[str, str]]:
    """(table, CREATE INDEX statement) for names searched with no fixed start or end (``*oma*``),
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
    return [(table, f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                    f"USING gin ({column} {schema}.gin_trgm_ops)")
            for name, (table, column) in TRIGRAM_INDEXES.items()]


# SQLite sorts the keys of a CREATE INDEX in pieces the size of the page cache, written to
# temporary files and merged: small pieces (a few MB) sort in the processor's caches, a single
# piece of hundreds of MB is sorted in main memory at several times the cost, and pieces in
# memory (temp_store=MEMORY, as generate's sessions leave it) cost more than files the operating
# system keeps in its cache. 1M PLs, every index and ANALYZE after generate: 15.5 s, against
# 23 s with a cache of 256 MB and 26 s with 4 MB and temp_store=MEMORY.
SQLITE_INDEX_CACHE_KB = 4096
# PostgreSQL: the memory each session sorts an index in (the largest, 1M PLs, fit in it) and
# no parallel workers of its own: the sessions already keep every core busy.
PG_INDEX_SETTINGS = {"maintenance_work_mem": "'1GB'", "max_parallel_maintenance_workers": "0"}


def create_indexes(engine: Engine, *, parallel: int = 1, analyze: bool = False) -> None:
    """Create every missing index; with ``analyze`` refresh the statistics afterwards.

    On PostgreSQL ``parallel`` sessions share the work: each takes the largest build left
    (GIN and text indexes of the largest table first), and an ANALYZE once no build on its
    table is left, so that the sessions finish together."""
    statements = [(table.name, CreateIndex(index, if_not_exists=True))
                  for table in metadata.sorted_tables for index in table.indexes]
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            temp_store = conn.exec_driver_sql("PRAGMA temp_store").scalar()
            conn.exec_driver_sql(f"PRAGMA threads={parallel}")
            conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_INDEX_CACHE_KB}")
            conn.exec_driver_sql("PRAGMA temp_store=FILE")  # the pieces sorted go to files
            for _table, statement in statements:
                conn.execute(statement)
            conn.exec_driver_sql(f"PRAGMA temp_store={temp_store}")
        if analyze:
            _analyze(engine)
        return
    statements += [(table, text(s)) for table, s in _trigram_indexes(engine)]
    with engine.connect() as conn:
        keys = _missing_keys(conn)
        sizes = dict(conn.execute(text(
            "SELECT relname, pg_relation_size(oid) FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace")).all())

    # a dropped key is built as a unique index, side by side with the others, and then made
    # the table's key (at once: the index is there) once no other build on its table is left
    statements += [(table, text(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {table} ({columns})"))
                   for table, name, _kind, columns in keys]

    def cost(job):
        table, statement = job
        sql = str(statement)
        return sizes.get(table, 0) * (3 if "gin" in sql else 2 if "_fold" in sql else 1)
    jobs = sorted(statements, key=cost, reverse=True)
    jobs += [(table, text(f"ALTER TABLE {table} ADD CONSTRAINT {name} {kind} USING INDEX {name}"))
             for table, name, kind, _columns in keys]
    if analyze:
        jobs += [(table.name, text(f"ANALYZE {table.name}")) for table in
                 sorted(metadata.sorted_tables, key=lambda t: -sizes.get(t.name, 0))]
    _run_jobs(engine, jobs, parallel, PG_INDEX_SETTINGS)


def _run_jobs(engine: Engine, jobs: list, parallel: int, settings: dict[str, str]) -> None:
    """PostgreSQL: ``parallel`` sessions take (table, statement) jobs in order, each in a
    transaction of its own. An ANALYZE or ALTER TABLE waits until no index of its table is
    left to build and nothing else runs on its table, and an index build while one of them
    runs on its table (they would wait for each other's lock, a session idle)."""
    pending = [(table, statement, str(statement).startswith(("ANALYZE", "ALTER")))
               for table, statement in jobs]
    running: list = []
    ready = threading.Condition()
    failed = []

    def allowed(job) -> bool:
        table, _, exclusive = job
        if exclusive:
            return not any(t == table for t, _, _ in running) and not any(
                t == table and not a for t, _, a in pending)
        return not any(t == table and a for t, _, a in running)

    def take():
        with ready:
            while pending and not failed:
                job = next((job for job in pending if allowed(job)), None)
                if job is not None:
                    pending.remove(job)
                    running.append(job)
                    return job
                ready.wait()
            return None

    def session():
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if settings:
                conn.exec_driver_sql("; ".join(f"SET {k} = {v}" for k, v in settings.items()))
            while (job := take()) is not None:
                try:
                    conn.execute(job[1])
                except BaseException:
                    failed.append(job)
                    raise
                finally:
                    with ready:
                        running.remove(job)
                        ready.notify_all()
    with ThreadPoolExecutor(parallel) as pool:
        for future in [pool.submit(session) for _ in range(parallel)]:
            future.result()


def drop_secondary_indexes(engine: Engine, *, keys: Iterable[Table] = ()) -> None:
    """Drop every index but the primary keys (``init`` makes them again), before a bulk load.

    On PostgreSQL the primary key and unique constraints of the tables ``keys`` go too:
    rows written with them pay for every key put into its B-tree (1M PLs: 35-38 s of rows
    against 49-55 s with them, 7-8 s more to build them afterwards). :func:`create_indexes`,
    and so ``init``, makes every missing key again (SQLite cannot drop a table's keys)."""
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            for index in table.indexes:
                index.drop(conn, checkfirst=True)
        if engine.dialect.name == "postgresql":
            for name in TRIGRAM_INDEXES:
                conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
            present = _present_keys(conn)
            for table in keys:
                ours = {(kind, columns) for _name, kind, columns in _keys(table)}
                for name, kind, columns in present.get(table.name, []):
                    if (kind, columns) in ours:  # whatever its name; others are left
                        conn.execute(text(f'ALTER TABLE {table.name} DROP CONSTRAINT "{name}"'))


def _keys(table: Table) -> list[tuple[str, str, str]]:
    """(name, kind, columns) of the primary key and unique constraints of ``table``, named as
    PostgreSQL names them in ``create_all``."""
    keys = []
    for constraint in table.constraints:
        columns = [c.name for c in constraint.columns]
        if isinstance(constraint, PrimaryKeyConstraint) and columns:
            keys.append((f"{table.name}_pkey", "PRIMARY KEY", ", ".join(columns)))
        elif isinstance(constraint, UniqueConstraint):
            keys.append((f"{table.name}_{'_'.join(columns)}_key", "UNIQUE", ", ".join(columns)))
    return keys


def _present_keys(conn: Connection) -> dict[str, list[tuple[str, str, str]]]:
    """PostgreSQL: table → (name, kind, columns) of its primary key and unique constraints."""
    rows = conn.execute(text(
        "SELECT t.relname, c.conname, "
        "CASE c.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END, "
        "(SELECT string_agg(a.attname, ', ' ORDER BY k.n) "
        " FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) "
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) "
        "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "WHERE c.connamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u')"))
    present: dict[str, list] = {}
    for table, *key in rows:
        present.setdefault(table, []).append(tuple(key))
    return present


def _missing_keys(conn: Connection) -> list[tuple[str, str, str, str]]:
    """PostgreSQL: (table, name, kind, columns) of every key a bulk load dropped: a table
    without a primary key, or without a key on the columns of one of its unique constraints."""
    present = _present_keys(conn)
    missing = []
    for table in metadata.sorted_tables:
        there = present.get(table.name, [])
        for name, kind, columns in _keys(table):
            if kind == "PRIMARY KEY":  # a table has one, whatever its columns
                found = any(k == kind for _, k, _ in there)
            else:
                found = any(c == columns for _, _, c in there)
            if not found:
                missing.append((table.name, name, kind, columns))
    return missing


def analyze(engine: Engine, *, parallel: int = 1) -> None:
    """Refresh the planner statistics of the persoonslijst tables (after a large load); on
    PostgreSQL in ``parallel`` sessions."""
    if engine.dialect.name == "postgresql" and parallel > 1:
        _run_jobs(engine, [(table.name, text(f"ANALYZE {table.name}"))
                           for table in metadata.sorted_tables], parallel, {})
    else:
        _analyze(engine)


def _analyze(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            conn.execute(text(f"ANALYZE {table.name}"))


def missing_tables(engine: Engine) -> list[str]:
    """The adhoc-ws tables this database lacks (``init`` makes them)."""
    present = set(inspect(engine).get_table_names())
    return [table.name for table in metadata.sorted_tables if table.name not in present]


class SearchTimeout(Exception):
    """The database stopped a statement that ran past its deadline."""


# What every answering session on PostgreSQL runs with; a search may differ for its own
# statements (query.search.Search.settings). Bitmap scans collect every match of an index
# before LIMIT can stop them, so indexes are walked instead.
SESSION_SETTINGS = {"enable_bitmapscan": "off"}
PREPARE_THRESHOLD = 5


class Connections:
    """A connection per thread for answering questions, kept open from one request to the next.

    Taking a connection from the pool and handing it back (a rollback: on PostgreSQL a round
    trip) costs more than a BSN search. These stay with their thread, in autocommit (a
    question only reads), with a deadline: a statement that runs longer than ``timeout``
    seconds is stopped and raises :class:`SearchTimeout`, after which the connection is
    usable as before. PostgreSQL enforces it with the session's ``statement_timeout``, SQLite
    with a progress handler that checks the deadline of the ``with`` block. After any other database error
    (a connection the server dropped, say) the connection is closed and the thread's next
    request opens another.
    """

    def __init__(self, engine: Engine, timeout: float | None):
        self.engine, self.timeout = engine, timeout
        self._local = threading.local()

    @contextmanager
    def __call__(self, settings: dict[str, str] | None = None) -> Iterator[Connection]:
        """This thread's connection; ``settings`` hold for the block (PostgreSQL)."""
        local = self._local
        conn = getattr(local, "conn", None)
        if conn is None or conn.invalidated or conn.closed:
            conn = local.conn = self._open()
        changed = None  # PostgreSQL settings of the block that differ from the session's
        if settings and conn.dialect.name == "postgresql":
            changed = {k: v for k, v in settings.items() if SESSION_SETTINGS.get(k) != v}
        try:
            if changed:
                conn.exec_driver_sql("; ".join(f"SET {k} = {v}" for k, v in changed.items()))
            if local.deadline:
                local.deadline[0] = time.monotonic() + self.timeout
            yield conn
        except OperationalError as e:
            if _cancelled(e):
                raise SearchTimeout() from None
            self._drop(conn)
            raise
        except (DBAPIError, conn.dialect.loaded_dbapi.Error):
            self._drop(conn)
            raise
        finally:
            if local.deadline:
                local.deadline[0] = math.inf
            if changed and not conn.invalidated:
                conn.exec_driver_sql("; ".join(
                    f"SET {k} = {SESSION_SETTINGS[k]}" if k in SESSION_SETTINGS else f"RESET {k}"
                    for k in changed))

    def run(self, statement: Callable, *args):
        """``statement(conn, *args)`` on this thread's connection."""
        with self() as conn:
            return statement(conn, *args)

    def dbapi(self):
        """This thread's connection as the pool hands it out (``cursor()``, ``info``), for
        writing outside a ``with`` block (the protocol on SQLite)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.invalidated or conn.closed:
            conn = self._local.conn = self._open()
        return conn.connection

    def is_open(self) -> bool:
        """Whether this thread holds a connection (one kept from an earlier request)."""
        conn = getattr(self._local, "conn", None)
        return conn is not None and not conn.invalidated and not conn.closed

    def discard(self) -> None:
        """After a failure outside a ``with`` block: the thread's next use opens a new connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._drop(conn)

    def _drop(self, conn: Connection) -> None:
        """After a database error: the thread's next request opens a new connection."""
        self._local.conn = None
        conn.invalidate()

    def _open(self) -> Connection:
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self._local.deadline = None
        if conn.dialect.name == "postgresql":
            # psycopg prepares a statement from its 6th run (a bulk writer may have turned
            # that off on this pooled connection)
            conn.connection.driver_connection.prepare_threshold = PREPARE_THRESHOLD
            settings = dict(SESSION_SETTINGS)
            if self.timeout:
                settings["statement_timeout"] = str(max(1, int(self.timeout * 1000)))
            conn.exec_driver_sql("; ".join(f"SET {k} = {v}" for k, v in settings.items()))
        elif self.timeout:
            # SQLite: a look at the clock every PROGRESS_STEPS steps of a statement stops it
            # once the deadline of its block has passed (outside a block it lies at infinity)
            deadline = self._local.deadline = [math.inf]
            conn.connection.driver_connection.set_progress_handler(
                lambda: time.monotonic() > deadline[0], PROGRESS_STEPS)
        return conn


# SQLite virtual machine steps between two looks at the clock: well under a millisecond of
# work, and a handful of looks for a whole vraag
PROGRESS_STEPS = 10_000


def retry_lost(work: Callable, *args):
    """``work(*args)``, and once more when it failed because the database had dropped the
    connection (a restart, a connection killed): the connection is replaced by then (the
    pool is told, a kept connection dropped), and a read or a single-statement write that
    never reached the database may simply run again."""
    try:
        return work(*args)
    except DBAPIError as e:
        if not e.connection_invalidated:
            raise
    return work(*args)


def _cancelled(error: OperationalError) -> bool:
    """Whether the database stopped the statement for its deadline."""
    return getattr(error.orig, "sqlstate", None) == "57014" or "interrupted" in str(error.orig)


@dataclass(frozen=True)
class Prepared:
    """A SQLAlchemy statement compiled once for a dialect and run through :func:`fetch`.

    Building and compiling a statement costs many times what running a short indexed one
    does, so the hot statements are made once per shape. The values a run supplies are the
    bound parameters whose names match ``variable``; the others are part of the statement
    (literals SQLAlchemy binds, a LIMIT) and kept here.
    """

    sql: str
    order: tuple[str, ...] | None  # positional drivers (SQLite): the parameter names in order
    fixed: dict

    @classmethod
    def of(cls, statement, dialect, variable: re.Pattern) -> "Prepared":
        compiled = statement.compile(dialect=dialect)
        if "POSTCOMPILE" in compiled.string:  # an IN of a Python list: its length varies
            raise ValueError("a prepared statement needs a bindparam per value of an IN")
        fixed = {name: bind.value for bind, name in compiled.bind_names.items()
                 if not variable.fullmatch(bind.key)}
        return cls(compiled.string, tuple(compiled.positiontup) if compiled.positional else None,
                   fixed)

    def run(self, conn: Connection, values: dict) -> list[tuple]:
        named = dict(self.fixed)
        named.update(values)
        return fetch(conn, self.sql, named if self.order is None else
                     tuple(named[name] for name in self.order))


def fetch(conn: Connection, sql: str, parameters, *, native: bool = False) -> list[tuple]:
    """The rows of a statement in the driver's own SQL, straight from a DBAPI cursor.

    SQLAlchemy's execution machinery costs several times what a short indexed statement
    takes; the hot statements are compiled once (query.search, storage.reader) and run here,
    on a cursor kept with the connection (:func:`kept_cursor`).
    ``native``: on PostgreSQL ``sql`` has the server's own placeholders ($1 …, ``parameters``
    a sequence) and goes to the server as it is (psycopg does not rewrite it); SQLite's
    driver never rewrites, so there it changes nothing.
    Errors are SQLAlchemy's, as ``conn.execute`` raises them; a lost connection is invalidated.
    """
    dbapi_conn = conn.connection.dbapi_connection
    cursor = None
    try:
        cursor = kept_cursor(conn.connection, conn.dialect, native)
        cursor.execute(sql, parameters)
        return cursor.fetchall()
    except conn.dialect.loaded_dbapi.Error as e:
        lost = conn.dialect.is_disconnect(e, dbapi_conn, cursor)
        if lost:
            conn.invalidate(e)
        raise DBAPIError.instance(sql, parameters, e, conn.dialect.loaded_dbapi.Error,
                                  hide_parameters=True, connection_invalidated=lost,
                                  dialect=conn.dialect) from e


def kept_cursor(connection, dialect, native: bool = False):
    """The cursor of a pooled DBAPI ``connection`` (``Connection.connection``) that statements
    run on, one per connection and kind, kept in the pool's ``info`` of that connection,
    which is emptied when the connection is invalidated. A psycopg cursor made per statement
    cost some 13 µs of CPU, three or four times per vraag. A cursor runs its next statement
    on a fresh result, also after an error. ``native``: a psycopg ``RawCursor`` on
    PostgreSQL (the database's own $1 placeholders)."""
    raw = native and dialect.name == "postgresql"
    key = "adhoc_ws.raw_cursor" if raw else "adhoc_ws.cursor"
    cursor = connection.info.get(key)
    if cursor is None:
        if raw:
            cursor = dialect.loaded_dbapi.RawCursor(connection.driver_connection)
        else:
            cursor = connection.dbapi_connection.cursor()
        connection.info[key] = cursor
    return cursor
