"""Protocollering: every vraag and adresvraag is recorded, whatever its outcome.

One row per request in ``adhoc_protocol``: time, afnemer, gebruikersnaam, referentie,
operation, historie, the zoekparameters and masker as asked, the result code, and the
A-nummers of every persoonslijst delivered. The service records before it answers; when the
record cannot be written the answer is X001 and nothing is delivered.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from .storage.schema import adhoc_protocol


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


def record(engine: Engine, entry: Entry) -> None:
    with engine.begin() as conn:
        conn.execute(insert(adhoc_protocol).values(
            tijdstip=dt.datetime.now(), afnemer_code=entry.afnemer_code,
            gebruikersnaam=entry.gebruikersnaam, referentie=entry.referentie,
            operatie=entry.operatie, historie=int(entry.historie),
            parameters=json.dumps(entry.parameters, ensure_ascii=False),
            masker=" ".join(f"{m:06d}" for m in entry.masker or []),
            resultaat=entry.resultaat, a_nummers=" ".join(entry.a_nummers)))


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
