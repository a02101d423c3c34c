"""Protocollering: every vraag and adresvraag is recorded, whatever its outcome.

One row per request in ``adhoc_protocol``: time, afnemer, gebruikersnaam, referentie,
operation, historie, the zoekparameters and masker as asked, the result code, and the
A-nummers of every persoonslijst delivered. The service records before it answers; when the
record cannot be written the answer is X001 and nothing is delivered.

Requests that arrive together are committed together (group commit): a writer thread per
process takes every waiting entry, writes them in one transaction, and only then lets each
request go on. Under load that is one commit for many requests instead of one each, which
matters most on SQLite, where commits take turns.
"""
from __future__ import annotations

import datetime as dt
import json
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from .storage.schema import adhoc_protocol

WAIT = 10.0  # seconds a request waits for its record before it is answered X001
_INSERT = insert(adhoc_protocol)


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


class Recorder:
    """Writes protocol entries, committing whatever waits at the same moment in one go."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.waiting: queue.Queue[tuple[dict, Future]] = queue.Queue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def record(self, entry: Entry) -> None:
        """Return once ``entry`` is committed; raise if it could not be."""
        done: Future = Future()
        self.waiting.put((entry.row(), done))
        self._ensure_writer()
        done.result(timeout=WAIT)

    def _ensure_writer(self) -> None:
        with self.lock:  # one writer per process; a fork starts without one
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._write, daemon=True,
                                               name="adhoc-ws protocol")
                self.thread.start()

    def _write(self) -> None:
        while True:
            batch = [self.waiting.get()]
            while not self.waiting.empty() and len(batch) < 500:
                batch.append(self.waiting.get_nowait())
            try:
                with self.engine.begin() as conn:
                    conn.execute(_INSERT, [row for row, _ in batch])
            except Exception as e:  # every request of the batch learns it was not recorded
                for _, done in batch:
                    done.set_exception(e)
            else:
                for _, done in batch:
                    done.set_result(None)


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
