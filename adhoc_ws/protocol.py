"""Protocollering: every vraag and adresvraag is recorded, whatever its outcome.

One row per request in ``adhoc_protocol``: time, afnemer, gebruikersnaam, referentie,
operation, historie, the zoekparameters and masker as asked, the result code, and the
A-nummers of every persoonslijst delivered (:func:`geleverd`: ``pl:<pl_id>`` for one without). The service records before it answers; when the
record cannot be written the answer is X001 and nothing is delivered.

Requests that arrive together are committed together (group commit), without a thread of
its own: a request puts its entry on the waiting list and takes the process's write lock;
whoever holds the lock writes every waiting entry in one transaction and marks them done, so
a request whose entry another one wrote finds it done when its turn comes. A request alone
writes its own entry at once. Under load that is one commit for many requests, which matters
most on SQLite, where commits take turns.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine

from .storage.schema import adhoc_protocol

WAIT = 10.0  # seconds a request waits for its record before it is answered X001
_COLUMNS = [c.name for c in adhoc_protocol.c if c.name != "protocol_id"]


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

    def row(self) -> dict:
        return {"tijdstip": dt.datetime.now(), "afnemer_code": self.afnemer_code,
                "gebruikersnaam": self.gebruikersnaam, "referentie": self.referentie,
                "operatie": self.operatie, "historie": int(self.historie),
                "parameters": json.dumps(self.parameters, ensure_ascii=False),
                "masker": " ".join(f"{m:06d}" for m in self.masker or []),
                "resultaat": self.resultaat, "a_nummers": " ".join(self.a_nummers)}


def geleverd(pl_id: int, a_nummer: str | None) -> str:
    """A delivered persoonslijst as ``a_nummers`` names it: its A-nummer, or ``pl:<pl_id>``
    when it has none (GBA-V data may lack it; the delivery is recorded all the same)."""
    return a_nummer or f"pl:{pl_id}"


class _Waiting:
    __slots__ = ("row", "done", "error")

    def __init__(self, row: dict):
        self.row, self.done, self.error = row, False, None


class Recorder:
    """Writes protocol entries, committing whatever waits at the same moment in one go."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._waiting: list[_Waiting] = []
        self._waiting_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._connection = None  # the recorder's own DBAPI connection, kept open

    def record(self, entry: Entry) -> None:
        """Return once ``entry`` is committed; raise if it could not be."""
        waiting = _Waiting(entry.row())
        with self._waiting_lock:
            self._waiting.append(waiting)
        if not self._write_lock.acquire(timeout=WAIT):
            raise TimeoutError(f"the protocol was not written within {WAIT} s")
        try:
            if not waiting.done:
                with self._waiting_lock:
                    batch, self._waiting = self._waiting, []
                self._write(batch)
        finally:
            self._write_lock.release()
        if waiting.error is not None:
            raise waiting.error

    def _write(self, batch: list[_Waiting]) -> None:
        """Every request of the batch learns whether its entry was committed."""
        try:
            if self._connection is None:
                self._connection = self.engine.raw_connection()
                self.engine.dialect.set_isolation_level(self._connection.dbapi_connection, "AUTOCOMMIT")
            cursor = self._connection.cursor()
            try:  # one statement for the whole batch: committed as one, in one round trip
                cursor.execute(*_insert(self.engine.dialect, [w.row for w in batch]))
            finally:
                cursor.close()
        except Exception as e:
            self._discard()
            for waiting in batch:
                waiting.error, waiting.done = e, True
        else:
            for waiting in batch:
                waiting.done = True

    def _discard(self) -> None:
        """After a failure: drop the connection (the next write opens another)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()
            except Exception:
                pass


def _insert(dialect, rows: list[dict]) -> tuple[str, list]:
    """One INSERT of these rows in the driver's own terms (SQLite keeps times as text)."""
    mark = "?" if dialect.name == "sqlite" else "%s"
    row = f"({', '.join([mark] * len(_COLUMNS))})"
    sql = f"INSERT INTO {adhoc_protocol.name} ({', '.join(_COLUMNS)}) VALUES {', '.join([row] * len(rows))}"
    tijdstip = adhoc_protocol.c.tijdstip.type.bind_processor(dialect) or (lambda value: value)
    return sql, [tijdstip(r[c]) if c == "tijdstip" else r[c] for r in rows for c in _COLUMNS]


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
