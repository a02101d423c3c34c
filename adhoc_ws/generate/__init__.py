"""A synthetic, realistic population of persoonslijsten, made inside the database.

``adhoc-ws generate`` writes its rows with SQL (``INSERT … SELECT``, :mod:`.statements`) from
small tables of names, places, household patterns and number parts (:mod:`.population`), so that
no row passes through Python. Households (singles, couples, families, shared houses) live on shared
addresses in Dutch gemeenten with their postcode ranges; names follow the frequency of Dutch
surnames, with names from elsewhere and their diacritics. About 64% ingezetenen, 18%
niet-ingezetenen (opschorting E, R, M with RNI-deelnemer and verificatie, some with a
tijdelijk verblijfadres, category 16) and 18% overledenen (opschorting O, category 06); a
third has a previous address (historic 08), 4% a previous name (historic 01), 30% of the wives
use their husband's name, a few have data in onderzoek. Partners, parents and children refer
to each other (category 05, 02/03, 09). Every A-nummer passes the LO3 A-nummer check and every
BSN the 11-proef, and none is used twice, also over several runs into one database.

Randomness is a hash of (seed, person or household number, what is drawn), computed in the
same integer arithmetic on SQLite and PostgreSQL: the same seed, count and starting database
give the same persoonslijsten on either backend, however the work is divided. The rows and
their search columns (slim names with ``diak_*`` twins, ``*_fold``, ``*_fold_rev``,
``address_key``) are those ``load`` writes for the same persoonslijsten (a test reads generated
PLs back, loads them and compares every row).

The work goes in chunks of 65,536 persons, each a transaction and a step of progress; on
PostgreSQL several sessions make chunks side by side.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterator

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from ..storage import database
from ..storage.schema import PL_TABELLEN, lo3_adres, lo3_pl
from . import population as pop
from .statements import Dialect, Run, create_reference_tables, drop_temporary_tables

CHUNK = pop.BLOCK * 1024  # persons per chunk: one transaction, one progress step

CAPACITY = min(531_441 * pop.ANR_TAILS, (1_000_000 - pop.BSN_STEM) * pop.BSN_TAILS)


class TooMany(ValueError):
    """More persons than there are distinct A-nummers to give them."""


def generate(engine: Engine, count: int, *, seed: int = 1, processes: int | None = None,
             progress: Callable[[int], None] | None = None, rebuild: bool | None = None) -> int:
    """Add ``count`` synthetic persoonslijsten to the database; returns how many.

    With ``rebuild`` the secondary indexes (on PostgreSQL the keys of the persoonslijst tables
    too) are dropped while writing and built once at the end, which is much faster than
    keeping them up to date row by row; by default only into an empty database. A run that
    stops leaves them out: the next ``generate`` or ``init`` makes them. On PostgreSQL
    ``processes`` sessions (default: one per core) make chunks side by side.
    """
    database.init(engine, indexes=False)  # the indexes are made below, or after the rows
    with engine.connect() as conn:
        base = conn.execute(select(func.max(lo3_pl.c.pl_id))).scalar() or 0
        adres_base = conn.execute(select(func.max(lo3_adres.c.adres_id))).scalar() or 0
    if base + count + pop.BLOCK > CAPACITY:
        raise TooMany(f"the generator numbers at most {CAPACITY:,} persons in one database; "
                      f"{base:,} persoonslijsten are there already")
    dialect = Dialect(engine.dialect.name)
    run = Run(dialect, seed, count, base, adres_base, dt.datetime.now(), CHUNK)
    fresh = base == 0
    rebuild = fresh if rebuild is None else rebuild
    sessions = processes or os.cpu_count() or 1
    if rebuild:
        database.drop_secondary_indexes(engine, keys=[*PL_TABELLEN, lo3_adres])
    else:
        database.create_indexes(engine)
    report = _reporter(run, progress)
    if dialect.pg:
        _run_parallel(engine, run, sessions, report)
    else:
        with engine.connect() as conn:
            _session(conn, run, iter(run.chunks()), report)
    if rebuild:
        database.create_indexes(engine, parallel=sessions, analyze=True)
    else:
        database.analyze(engine, parallel=sessions)
    return count


def _reporter(run: Run, progress) -> Callable[[int, int], None]:
    lock = threading.Lock()

    def report(first_block: int, end_block: int) -> None:
        if progress:
            made = min(run.count, end_block * pop.BLOCK) - first_block * pop.BLOCK
            with lock:
                progress(made)
    return report


def _session(conn: Connection, run: Run, chunks: Iterator[tuple[int, int]], report) -> None:
    """Make chunks on one connection, each in a transaction of its own."""
    dbapi = conn.connection.driver_connection
    cursor = dbapi.cursor()
    if run.d.pg:
        cursor.execute("SET temp_buffers = '512MB'; SET synchronous_commit = off; SET jit = off")
    else:
        cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.execute("PRAGMA cache_size = -1048576")  # 1 GiB: the B-trees being filled stay in it
        cursor.execute("PRAGMA synchronous = OFF")  # a failed run is made again, not repaired
    create_reference_tables(conn, run.d)
    dbapi.commit()
    for first, end in chunks:
        for statement in run.statements(first, end):
            cursor.execute(statement)
            if statement.startswith("WITH"):  # gen_person is made: the planner needs its size
                cursor.execute(f"ANALYZE {'' if run.d.pg else 'temp.'}gen_person")
        dbapi.commit()
        report(first, end)
    drop_temporary_tables(cursor, run.d)
    dbapi.commit()


def _run_parallel(engine: Engine, run: Run, sessions: int, report) -> None:
    """``sessions`` connections of their own (closed afterwards) take chunks in turn."""
    chunks = iter(run.chunks())
    lock = threading.Lock()
    engine = create_engine(engine.url, poolclass=NullPool)

    def next_chunks():
        while True:
            with lock:
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield chunk

    def work():
        with engine.connect() as conn:
            _session(conn, run, next_chunks(), report)
    with ThreadPoolExecutor(sessions) as pool:
        for future in [pool.submit(work) for _ in range(sessions)]:
            future.result()


def sample(count: int, seed: int = 1) -> list:
    """``count`` generated persoonslijsten in memory (made in a temporary SQLite database)."""
    from ..storage.reader import read_persoonslijsten
    engine = database.open_engine("sqlite://")
    try:
        generate(engine, count, seed=seed)
        with engine.connect() as conn:
            pls = {}
            for first in range(1, count + 1, 500):
                pls.update(read_persoonslijsten(conn, list(range(first, min(first + 500, count + 1)))))
        return [pls[i] for i in range(1, count + 1)]
    finally:
        engine.dispose()

