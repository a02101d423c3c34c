"""The Ad hoc service itself, free of SOAP: a Vraag in, an Antwoord out.

In order: log in (X010-X013, skipped for the open afnemer of ``serve --open``; a remembered
login's look at the account's lock is on PostgreSQL read along with the search, in the same
statement, or asked on its own after a vraag that ended before its search: either way before
anything is answered, and a locked account gets X010 whatever the rest of the vraag came to),
X014 when the afnemer may not ask ad hoc, X015 for an adresvraag without that right, the checks
of the Vraag (:mod:`adhoc_ws.vraag`), the search, the voorwaarderegel of the autorisatie, W213
for Mijn Overheid, the masker. Every vraag and adresvraag is recorded (:mod:`adhoc_ws.protocol`)
before it is answered; if that fails, the answer is X001 and nothing is delivered.

Every outcome is an Antwoord: a foutcode where the guide has one, X001 for anything
unexpected (logged here, never shown to the caller).

The voorwaarderegel leaves out the PLs it does not allow. When none is left the guide offers
two codes for one situation; adhoc-ws answers R034 ("geen van de gevonden persoonslijsten
voldoet aan de voorwaardenregel") for a vraag, where persons were identified, and Z037
("geen persoonslijsten die aan de verstrekkingscondities voldoen") for an adresvraag, where
persoonslijsten were found through an address.
"""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import text
from sqlalchemy.engine import Engine

from . import protocol
from .accounts import Accounts, Credentials, LockCheck
from .afnemer import OPEN, Afnemer
from .afscherming import afschermen, ex_partner_bsns
from .answer import Antwoord, Resultaat, apply_masker, failure, new_referentie, success
from .foutcodes import Fout
from .logsafe import log_failure
from .query import adres
from .query.search import Search
from .storage.database import Connections, SearchTimeout, retry_lost
from .storage.reader import overleden, read_persoonslijsten
from .vraag import Vraag, Zoekvraag, validate

log = logging.getLogger(__name__)

MAX_PERSOONSLIJSTEN = 10
MAX_BEWONERS = 30
SEARCH_TIMEOUT = 10.0


class AdhocService:
    """``accounts`` None serves everyone as the open afnemer; ``search_timeout`` is for T031."""

    def __init__(self, engine: Engine, *, accounts: Accounts | None = None,
                 search_timeout: float | None = SEARCH_TIMEOUT, today=dt.date.today,
                 connections: Connections | None = None):
        self.engine = engine
        self.accounts = accounts
        self.search_timeout = search_timeout
        self.today = today
        self.connections = connections or Connections(engine, search_timeout)
        self.recorder = protocol.Recorder(engine, connections=self.connections)

    def vraag(self, vraag: Vraag, *, adresvraag: bool = False,
              credentials: Credentials | None = None, afnemer: Afnemer | None = None) -> Antwoord:
        """Answer ``vraag``, for whoever ``credentials`` identify (or ``afnemer``, for the CLI)."""
        gebruikersnaam, delivered, lock = None, [], None
        try:
            if afnemer is None:
                afnemer, gebruikersnaam, lock = self._login(credentials)
            answer, delivered = retry_lost(self._vraag, vraag, afnemer, adresvraag, lock)
        except Exception as e:
            answer = _failed(e)
        if lock is not None and not lock.settled:  # nothing is answered on a locked account
            try:
                lock.settle()
            except Exception as e:  # X010, or the database failed
                afnemer, gebruikersnaam, delivered = None, None, []
                answer = _failed(e)
        operatie = "adresvraag" if adresvraag or vraag.indicatieAdresvraag == 1 else "vraag"
        try:
            self.recorder.record(protocol.Entry(
                afnemer_code=int(afnemer.afnemersindicatie) if afnemer else None,
                gebruikersnaam=gebruikersnaam or (credentials.gebruikersnaam if credentials else None),
                referentie=answer.resultaat.referentie, operatie=operatie,
                historie=vraag.indicatieZoekenInHistorie == 1,
                parameters=[(p.rubrieknummer, p.zoekwaarde) for p in vraag.parameters or []],
                masker=vraag.masker, resultaat=_code(answer.resultaat), a_nummers=delivered))
        except Exception as e:  # protocol.NotRecorded, or anything unforeseen
            log_failure(log, "protocollering failed, nothing delivered", e)
            return failure(Fout("X001"), answer.resultaat.referentie)  # as it is recorded
        return answer

    def healthy(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            log_failure(log, "health check: database unavailable")
            return False

    def _login(self, credentials):
        """(afnemer, gebruikersnaam, the LockCheck that :meth:`vraag` settles before it answers)."""
        if self.accounts is None:
            return OPEN, None, None
        afnemer, gebruikersnaam, lock = self.accounts.login_deferred(credentials)
        if self.engine.dialect.name != "postgresql":
            # PostgreSQL reads the lock along with the search, saving its own statement's
            # round trip (a BSN vraag 1.89x -> 1.55x its physical floor); SQLite has no round
            # trip, and there a statement of its own costs less than a larger search
            lock.settle()
        return afnemer, gebruikersnaam, lock

    def _vraag(self, vraag: Vraag, afnemer: Afnemer, adresvraag: bool, lock: LockCheck | None):
        if not afnemer.adhoc:
            raise Fout("X014")
        if (adresvraag or vraag.indicatieAdresvraag == 1) and not afnemer.adresvraag:
            raise Fout("X015")
        zoekvraag = validate(vraag, adresvraag=adresvraag, afnemer=afnemer)
        persons = None if zoekvraag.adresidentificatie else Search.of(
            list(zoekvraag.parameters), historie=zoekvraag.historie, limit=MAX_PERSOONSLIJSTEN + 1)
        try:
            with self.connections(persons.settings if persons else None) as conn:
                pl_ids, pls = self._found(conn, zoekvraag, persons, afnemer, lock)
        except SearchTimeout:
            raise Fout("T031") from None
        answer = success([apply_masker(pls[i], zoekvraag.masker) for i in pl_ids])
        return answer, [protocol.geleverd(i, pls[i]["01"][0][0].get("0110")) for i in pl_ids]

    def _afschermen(self, conn, pls: dict) -> dict:
        exes = {bsn for pl in pls.values() for bsn in ex_partner_bsns(pl)}
        dead = overleden(conn, exes)
        today = self.today()
        return {i: afschermen(pl, today, dead.__contains__) for i, pl in pls.items()}

    def _found(self, conn, zoekvraag: Zoekvraag, persons: Search | None, afnemer: Afnemer, lock):
        """(pl_ids, their persoonslijsten) that the afnemer is answered, or Fout."""
        if zoekvraag.adresvraag:
            pl_ids = self._bewoners(conn, zoekvraag, persons, lock)
        else:
            pl_ids = self._persons(conn, persons, lock)
        if not pl_ids:
            raise Fout("G033")
        pls = read_persoonslijsten(conn, pl_ids)
        if afnemer.voorwaarderegel is not None:
            today = self.today()
            pl_ids = [i for i in pl_ids if afnemer.voorwaarderegel.allows(pls[i], today)]
            if not pl_ids:
                raise Fout("Z037" if zoekvraag.adresvraag else "R034")
        if afnemer.mijn_overheid:
            pls = self._afschermen(conn, {i: pls[i] for i in pl_ids})
        return pl_ids, pls

    @staticmethod
    def _persons(conn, search: Search, lock) -> list[int]:
        pl_ids = search.run(conn, lock)  # the lock read along, if it is still to be looked at
        if not pl_ids:
            raise Fout("G033")
        if len(pl_ids) > MAX_PERSOONSLIJSTEN:
            raise Fout("P032")
        return pl_ids

    def _bewoners(self, conn, zoekvraag: Zoekvraag, persons: Search | None, lock) -> list[int]:
        parameters = list(zoekvraag.parameters)
        if zoekvraag.adresidentificatie:
            found, matched = adres.addresses_of(conn, parameters, MAX_BEWONERS)
            if matched > MAX_BEWONERS:
                raise Fout("P036")
            addresses = [found] if found else []
        else:
            addresses = adres.addresses_of_persons(conn, self._persons(conn, persons, lock))
            parameters = []
        pl_ids = adres.residents(conn, addresses, parameters, MAX_BEWONERS)
        if len(pl_ids) > MAX_BEWONERS:
            raise Fout("P036")
        return pl_ids

    def change_password(self, credentials: Credentials | None, nieuw: str | None) -> Resultaat:
        """changePassword: A000 when changed, else the foutcode (X010-X011, X101, X110-X114)."""
        try:
            if self.accounts is None:
                raise Fout("X011")  # the open afnemer has no account
            self.accounts.change_password(credentials, nieuw)
            return Resultaat(0, "A", "Wachtwoord gewijzigd.", new_referentie())
        except Fout as fout:
            return failure(fout).resultaat
        except Exception:
            log_failure(log, "changePassword failed")
            return failure(Fout("X001")).resultaat


def _failed(error: Exception) -> Antwoord:
    """The answer to a vraag that raised ``error``: its foutcode, or X001 for anything
    unexpected (logged, never shown)."""
    if isinstance(error, Fout):
        return failure(error)
    log_failure(log, "vraag failed", error)
    return failure(Fout("X001"))


def _code(resultaat: Resultaat) -> str:
    return f"{resultaat.letter}{resultaat.code:03d}"
