"""The mailboxes' messages and the routing decisions, in the database.

A message is a row of ``berichten_bericht`` in the mailbox of its ``ontvanger``; its
``volgnummer`` is its berichtVolgnummer and ``transport_id`` (a UUID) its berichtTransportId.
Its status goes ``nieuw`` → ``gezien-in-lijst`` (shown by a list) → ``opgehaald`` (fetched).
It is kept for :data:`RETENTION` (RvIG's examples: received 1 April, kept until 8 April);
deleting it, or its time running out, empties its content and keeps the rest, as RvIG does
"for auditing". Times are UTC.

Every function takes a connection: the caller decides what is one transaction.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import Connection

from ..storage.schema import berichten_bericht, berichten_routering

RETENTION = dt.timedelta(days=7)
NIEUW, GEZIEN, OPGEHAALD = "nieuw", "gezien-in-lijst", "opgehaald"
STATUSES = (NIEUW, GEZIEN, OPGEHAALD)
B = berichten_bericht.c


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def timestamp(moment: dt.datetime) -> str:
    """A stored (UTC) time as the API writes it: ``2026-04-01T12:47:47.513171Z``."""
    return f"{moment:%Y-%m-%dT%H:%M:%S.%f}Z"


def new_transport_id() -> str:
    return str(uuid.uuid4())


def deliver(conn: Connection, *, transport_id: str, ontvanger: int, afzender: int, bericht_id: str,
            verwijzing: str | None, bericht_type: str, inhoud, ontvangen: dt.datetime) -> int:
    """Put a message in the mailbox of ``ontvanger``; its volgnummer."""
    return conn.execute(insert(berichten_bericht).values(
        transport_id=transport_id, ontvanger=ontvanger, afzender=afzender, bericht_id=bericht_id,
        verwijzing_bericht_id=verwijzing, bericht_type=bericht_type,
        inhoud=json.dumps(inhoud, ensure_ascii=False), ontvangen=ontvangen,
        bewaard_tot=ontvangen + RETENTION, status=NIEUW).returning(B.volgnummer)).scalar_one()


def set_bericht_id(conn: Connection, volgnummer: int, bericht_id: str) -> None:
    conn.execute(update(berichten_bericht).where(B.volgnummer == volgnummer).values(bericht_id=bericht_id))


def kenmerken(row) -> dict:
    """The ListMessageKenmerken of a stored message (GetMessageKenmerken are the same)."""
    result = {"berichtId": row.bericht_id, "berichtType": row.bericht_type,
              "berichtTransportId": row.transport_id, "berichtVolgnummer": row.volgnummer,
              "afzender": row.afzender, "ontvanger": row.ontvanger,
              "dtOntvangen": timestamp(row.ontvangen), "opgehaald": row.status == OPGEHAALD,
              "dtBewaardTot": timestamp(row.bewaard_tot)}
    if row.verwijzing_bericht_id is not None:
        result["verwijzingBerichtId"] = row.verwijzing_bericht_id
    return result


def _available(mailbox: int, moment: dt.datetime):
    return and_(B.ontvanger == mailbox, B.verwijderd.is_(None), B.bewaard_tot > moment)


def lijst(conn: Connection, mailbox: int, *, statuses, bericht_type: str | None, vanaf: dt.datetime | None,
          tot: dt.datetime | None, offset: int, limit: int, moment: dt.datetime) -> tuple[list, int]:
    """(the messages of one page, how many match in all); those shown that were ``nieuw``
    become ``gezien-in-lijst``. Oldest first; received at the same moment, by afzender and
    berichtId (RvIG's order), then volgnummer."""
    where = [_available(mailbox, moment), B.status.in_(list(statuses))]
    if bericht_type:
        where.append(func.lower(B.bericht_type) == bericht_type.lower())
    if vanaf is not None:
        where.append(B.ontvangen >= vanaf)
    if tot is not None:
        where.append(B.ontvangen < tot)
    total = conn.execute(select(func.count()).select_from(berichten_bericht).where(*where)).scalar_one()
    rows = conn.execute(select(berichten_bericht).where(*where)
                        .order_by(B.ontvangen, B.afzender, B.bericht_id, B.volgnummer)
                        .offset(offset).limit(limit)).all()
    shown = [r.volgnummer for r in rows if r.status == NIEUW]
    if shown:
        conn.execute(update(berichten_bericht).where(B.volgnummer.in_(shown), B.status == NIEUW)
                     .values(status=GEZIEN))
    return rows, total


def of_mailbox(conn: Connection, mailbox: int, transport_ids: list[str]) -> dict[str, object]:
    """The stored messages of ``mailbox`` among these transport ids (other mailboxes' are not
    found), by transport id."""
    rows = conn.execute(select(berichten_bericht).where(
        B.ontvanger == mailbox, B.transport_id.in_(transport_ids))).all()
    return {r.transport_id: r for r in rows}


def gone(row, moment: dt.datetime) -> str | None:
    """Why a stored message can no longer be had: ``verwijderd``, ``verlopen``, or None."""
    if row.verwijderd is not None:
        return "verwijderd"
    if row.bewaard_tot <= moment:
        return "verlopen"
    return None


def mark_fetched(conn: Connection, volgnummers: list[int]) -> None:
    if volgnummers:
        conn.execute(update(berichten_bericht).where(B.volgnummer.in_(volgnummers)).values(status=OPGEHAALD))


def remove(conn: Connection, volgnummers: list[int], moment: dt.datetime) -> None:
    """Delete messages: their content goes, their kenmerken stay."""
    if volgnummers:
        conn.execute(update(berichten_bericht).where(B.volgnummer.in_(volgnummers))
                     .values(inhoud=None, verwijderd=moment))


def purge_expired(conn: Connection, moment: dt.datetime) -> int:
    """Empty the content of messages whose time ran out; how many."""
    return conn.execute(update(berichten_bericht).where(
        B.bewaard_tot <= moment, B.inhoud.is_not(None)).values(inhoud=None)).rowcount


TELLINGEN = {"nieuw": (NIEUW,), "gezien-in-lijst-en-niet-opgehaald": (GEZIEN,),
             "niet-opgehaald": (NIEUW, GEZIEN)}


def telling(conn: Connection, mailbox: int, soort: str, moment: dt.datetime) -> int:
    return conn.execute(select(func.count()).select_from(berichten_bericht).where(
        _available(mailbox, moment), B.status.in_(TELLINGEN[soort]))).scalar_one()


def mailbox_rows(conn: Connection, mailbox: int, *, alles: bool = False, limit: int = 100) -> list:
    """The messages of a mailbox for the CLI, newest first (deleted and expired ones too when
    ``alles``); nothing changes."""
    query = select(berichten_bericht).where(B.ontvanger == mailbox)
    if not alles:
        query = query.where(_available(mailbox, now()))
    return conn.execute(query.order_by(B.volgnummer.desc()).limit(limit)).all()


# -- routing decisions ---------------------------------------------------------------------

def record_decision(conn: Connection, **values) -> None:
    conn.execute(insert(berichten_routering).values(tijdstip=now(), **values))


def decisions(conn: Connection, *, waarde: str | None = None, limit: int = 100) -> list:
    """The routing decisions, newest first; only those for one BSN or A-nummer if given."""
    r = berichten_routering.c
    query = select(berichten_routering).order_by(r.routering_id.desc()).limit(limit)
    if waarde:
        query = query.where(r.waarde == waarde)
    return conn.execute(query).all()


def inhoud(row):
    return json.loads(row.inhoud) if row.inhoud is not None else None

