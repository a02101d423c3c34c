"""Protocollering: every request is recorded, as what its caller received.

One row per request in ``adhoc_protocol``: time, afnemer, gebruikersnaam, referentie,
operation, historie, the zoekparameters and masker as asked, the result code, and the
A-nummers of every persoonslijst delivered (:func:`geleverd`: ``pl:<pl_id>`` for one without
A-nummer). The service records before it answers; when the record cannot be committed the
answer is a technical error (X001, or a 500 problem) and nothing is delivered. A row states exactly what the caller received:

- **committed**: the answer as given (result code, A-nummers delivered);
- **the wait ran out** (the database is locked or slow, :attr:`Recorder.wait`): the caller
  gets the error, and its row stays queued as *undelivered*: the error code, no A-nummers.
  It is written with the next batch, when the database allows it; an entry that a writer has
  already taken is waited for instead (that write is itself bounded by ``wait``);
- **the database refused or failed the batch**: a batch that fails on one row's values is
  written again row by row, so only that row fails; its caller gets the error, recorded in
  a bare row (time, afnemer, referentie, operation, the error code). When the database is
  unavailable every caller of the batch gets the error, and their undelivered rows are kept
  (up to :data:`MAX_DEFERRED`) and written with the next batch that succeeds.

So every request is recorded unless the process ends (or the database stays away) before
its row could be written; no row ever claims an answer that was not given. Every text is
bounded to its column before it is queued (an oversized gebruikersnaam is cut to 100
characters, a NUL character or a lone surrogate replaced), so one request's input cannot
fail another's record.

Requests that arrive together are committed together (group commit), without a thread of
its own: a request puts its entry on the waiting list and takes the process's write lock;
whoever holds the lock writes every waiting entry at once and marks them done, so a request
whose entry another one wrote finds it done when its turn comes. A request alone writes its
own entry at once. An entry may carry rows of other tables (:attr:`Entry.extra`), written in
the same transaction as its protocol row.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import String, Table, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from .storage.database import Connections, kept_cursor
from .storage.schema import adhoc_protocol

log = logging.getLogger(__name__)

WAIT = 10.0  # seconds a request waits for its record before it is answered with an error
MAX_DEFERRED = 10_000  # undelivered rows kept while the database is unavailable
CHUNK = 500  # rows per INSERT at most


class NotRecorded(Exception):
    """The record was not committed (in time): answer the error and deliver nothing."""


@dataclass(frozen=True)
class Entry:
    afnemer_code: int | None
    gebruikersnaam: str | None
    referentie: str
    operatie: str
    historie: bool
    parameters: list[tuple[int | None, str | None]] | None
    masker: list[int] | None
    resultaat: str
    a_nummers: list[str]
    extra: tuple[tuple[Table, dict], ...] = ()  # rows of other tables, committed with this one

    def row(self) -> dict:
        return bounded(adhoc_protocol, {
            "tijdstip": dt.datetime.now(), "afnemer_code": self.afnemer_code,
            "gebruikersnaam": self.gebruikersnaam, "referentie": self.referentie,
            "operatie": self.operatie, "historie": int(self.historie),
            "parameters": json.dumps(self.parameters, ensure_ascii=False),
            "masker": " ".join(map("{:06d}".format, self.masker or [])),
            "resultaat": self.resultaat, "a_nummers": " ".join(self.a_nummers)})


def bounded(table: Table, row: dict) -> dict:
    """``row`` with every text fit for its column: at most its length, and only characters
    both databases store (no NUL, no lone surrogate)."""
    lengths = _lengths(table)
    out = dict(row)
    for name, value in row.items():
        if isinstance(value, str):
            if "\x00" in value or not value.isascii():
                value = value.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
            length = lengths[name]
            out[name] = value[:length] if length else value
    return out


@lru_cache(maxsize=None)
def _lengths(table: Table) -> dict[str, int | None]:
    """The length of each column of ``table`` that is a text with one (else None)."""
    return {c.name: c.type.length if isinstance(c.type, String) else None for c in table.c}


def geleverd(pl_id: int, a_nummer: str | None) -> str:
    """A delivered persoonslijst as ``a_nummers`` names it: its A-nummer, or ``pl:<pl_id>``
    when it has none (GBA-V data may lack it; the delivery is recorded all the same)."""
    return a_nummer or f"pl:{pl_id}"


class _Waiting:
    """One entry on its way: its rows, and what its caller learns."""

    __slots__ = ("row", "extra", "undelivered", "taken", "abandoned", "done", "error")

    def __init__(self, row: dict, extra, undelivered: str):
        self.row, self.extra, self.undelivered = row, extra, undelivered
        self.taken = self.abandoned = self.done = False
        self.error: Exception | None = None

    def as_undelivered(self) -> "_Waiting":
        """What the caller got when its record failed: the error, nothing delivered."""
        row = dict(self.row, resultaat=self.undelivered, a_nummers="")
        waiting = _Waiting(row, (), self.undelivered)
        waiting.abandoned = True
        return waiting

    def bare(self) -> dict:
        """The undelivered row without anything the caller sent (when the row was refused)."""
        keep = ("tijdstip", "afnemer_code", "referentie", "operatie", "historie")
        return dict({k: self.row[k] for k in keep}, resultaat=self.undelivered)


class Recorder:
    """Writes protocol entries, committing whatever waits at the same moment in one go."""

    def __init__(self, engine: Engine, *, wait: float = WAIT, connections: Connections | None = None):
        self.engine = engine
        self.wait = wait
        self._waiting: list[_Waiting] = []
        self._waiting_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._connection = None  # the recorder's own DBAPI connection, kept open
        self._used = None  # the connection of the last write
        # SQLite: the writing thread's answering connection (``connections``), not one of the
        # recorder's own. A commit on one connection makes every other connection of the
        # process drop its page cache, so a thread whose answers were recorded elsewhere read
        # every page of its next request again (some 40 reads of the file per vraag).
        self._shared = connections if connections is not None and engine.dialect.name == "sqlite" else None

    def record(self, entry: Entry, *, undelivered: str = "X001") -> None:
        """Return once ``entry`` is committed; else raise :class:`NotRecorded`, and the entry
        is recorded (when it is) with ``undelivered`` as its result and nothing delivered."""
        waiting = _Waiting(entry.row(), entry.extra, undelivered)
        with self._waiting_lock:
            self._waiting.append(waiting)
        if not self._write_lock.acquire(timeout=self.wait):
            with self._waiting_lock:
                if not waiting.taken:  # nobody writes it yet: it will be written as undelivered
                    self._waiting[self._waiting.index(waiting)] = waiting.as_undelivered()
                    raise NotRecorded(f"the protocol was not written within {self.wait} s")
            self._write_lock.acquire()  # a writer has it: that write is bounded by self.wait
        try:
            if not waiting.done:
                with self._waiting_lock:
                    batch, self._waiting = self._waiting, []
                    for w in batch:
                        w.taken = True
                self._write(batch)
        finally:
            self._write_lock.release()
        if waiting.error is not None:
            raise NotRecorded("the protocol could not be written") from waiting.error

    def _write(self, batch: list[_Waiting]) -> None:
        """Every request of the batch learns whether its entry was committed."""
        if len(batch) > CHUNK:  # within the databases' limits on parameters per statement
            for start in range(0, len(batch), CHUNK):
                self._write(batch[start:start + CHUNK])
            return
        try:
            self._execute([w.row for w in batch], [row for w in batch for row in w.extra])
        except Exception as e:
            if _unavailable(e, self.engine):
                self._discard()
                self._defer(batch, e)
            elif len(batch) > 1:
                for waiting in batch:  # one by one: only the guilty one fails
                    self._write([waiting])
            else:
                self._refused(batch[0], e)
            return
        for waiting in batch:
            waiting.done = True

    def _refused(self, waiting: _Waiting, error: Exception) -> None:
        """The database refused this row: record the caller's error in a bare row."""
        waiting.error, waiting.done = error, True
        try:
            self._execute([waiting.bare()], [])
        except Exception as e:
            if _unavailable(e, self.engine):
                self._discard()
            log.error("a protocol row was refused and its error could not be recorded: %s",
                      type(e).__name__)

    def _defer(self, batch: list[_Waiting], error: Exception) -> None:
        """The database is unavailable: keep what the callers got for the next write."""
        for waiting in batch:
            waiting.error, waiting.done = error, True
        undelivered = [w if w.abandoned else w.as_undelivered() for w in batch]
        with self._waiting_lock:
            self._waiting[:0] = undelivered
            dropped = len(self._waiting) - MAX_DEFERRED
            if dropped > 0:
                del self._waiting[:dropped]
        if dropped > 0:
            log.error("the database is unavailable: %d protocol rows of failed requests dropped", dropped)

    def _execute(self, rows: list[dict], extra: list[tuple[Table, dict]]) -> None:
        """:meth:`_insert`, once more on a new connection when the kept one was dropped by
        the database (a restart): those rows were not written."""
        kept = self._connection is not None or self._shared is not None and self._shared.is_open()
        try:
            self._insert(rows, extra)
        except self.engine.dialect.loaded_dbapi.Error as e:
            if not (kept and self.engine.dialect.is_disconnect(e, self._used.dbapi_connection, None)):
                raise
            self._discard()
            self._insert(rows, extra)

    def _insert(self, rows: list[dict], extra: list[tuple[Table, dict]]) -> None:
        """One INSERT of the protocol rows (one statement: committed as one, in one round
        trip); with extra rows, all of them in one transaction."""
        connection = self._used = self._open()
        cursor = kept_cursor(connection, self.engine.dialect)
        if not extra:
            cursor.execute(*_insert(self.engine.dialect, adhoc_protocol, rows))
            return
        cursor.execute("BEGIN")
        try:
            cursor.execute(*_insert(self.engine.dialect, adhoc_protocol, rows))
            by_table: dict[Table, list[dict]] = {}
            for table, row in extra:
                by_table.setdefault(table, []).append(bounded(table, row))
            for table, table_rows in by_table.items():
                for start in range(0, len(table_rows), CHUNK):  # an entry may bring thousands
                    cursor.execute(*_insert(self.engine.dialect, table, table_rows[start:start + CHUNK]))
            cursor.execute("COMMIT")
        except Exception:
            try:
                cursor.execute("ROLLBACK")
            except Exception:
                pass
            raise

    def _open(self):
        """The recorder's connection: autocommit, no statement waiting longer than ``wait``."""
        if self._shared is not None:
            connection = self._shared.dbapi()
            if connection.info.get(_WAIT) != self.wait:
                connection.cursor().execute(f"PRAGMA busy_timeout = {max(1, int(self.wait * 1000))}")
                connection.info[_WAIT] = self.wait
            return connection
        if self._connection is None:
            connection = self.engine.raw_connection()
            self.engine.dialect.set_isolation_level(connection.dbapi_connection, "AUTOCOMMIT")
            cursor = connection.cursor()
            milliseconds = max(1, int(self.wait * 1000))
            if self.engine.dialect.name == "sqlite":
                cursor.execute(f"PRAGMA busy_timeout = {milliseconds}")
            else:
                cursor.execute(f"SET statement_timeout = {milliseconds}")
            cursor.close()
            self._connection = connection
        return self._connection

    def _discard(self) -> None:
        """After a failure: drop the connection (the next write opens another)."""
        if self._shared is not None:
            self._shared.discard()
            return
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()
            except Exception:
                pass


_WAIT = "adhoc_ws.protocol.wait"  # a connection's info key: the busy timeout the recorder set on it


def _unavailable(error: Exception, engine: Engine) -> bool:
    """Whether the database failed (locked, timed out, gone) rather than refused a row."""
    dbapi = engine.dialect.loaded_dbapi
    if isinstance(error, DBAPIError):  # SQLAlchemy's wrapper, e.g. of a failed connect
        error = error.orig
    return isinstance(error, (dbapi.OperationalError, dbapi.InterfaceError, dbapi.InternalError))


def _insert(dialect, table: Table, rows: list[dict]) -> tuple[str, list]:
    """One INSERT of these rows (each with the keys of the first) in the driver's own terms."""
    sql, columns = _statement(dialect, table, tuple(rows[0]), len(rows))
    return sql, [row.get(name) if process is None else process(row.get(name))
                 for row in rows for name, process in columns]


@lru_cache(maxsize=256)
def _statement(dialect, table: Table, keys: tuple[str, ...], count: int) -> tuple[str, list]:
    """The INSERT of ``count`` rows of ``keys``, and (name, bind processor or None) of each of
    its columns, in the table's order. Each value goes in as SQLAlchemy writes it on this
    backend (on SQLite a time is a text with microseconds, which is what the filters of
    :func:`entries` compare with), never through the sqlite3 module's default datetime adapter
    (deprecated since Python 3.12)."""
    columns = [(c.name, c.type.dialect_impl(dialect).bind_processor(dialect))
               for c in table.c if c.name in keys]
    mark = "?" if dialect.name == "sqlite" else "%s"
    one = f"({', '.join([mark] * len(columns))})"
    names = ", ".join(name for name, _ in columns)
    return f"INSERT INTO {table.name} ({names}) VALUES {', '.join([one] * count)}", columns


def entries(engine: Engine, *, afnemer: int | None = None, since: dt.datetime | None = None,
            until: dt.datetime | None = None, a_nummer: str | None = None,
            resultaat: str | None = None, limit: int = 100):
    """The most recent protocol rows that match, newest first."""
    p = adhoc_protocol.c
    query = select(adhoc_protocol).order_by(p.protocol_id.desc()).limit(limit)
    if afnemer is not None:
        query = query.where(p.afnemer_code == afnemer)
    if since is not None:
        query = query.where(p.tijdstip >= since)
    if until is not None:
        query = query.where(p.tijdstip < until)
    if a_nummer:
        query = query.where((" " + p.a_nummers + " ").contains(f" {a_nummer} "))
    if resultaat:
        query = query.where(p.resultaat == resultaat)
    with engine.connect() as conn:
        return conn.execute(query).all()
