"""The Ad hoc service itself, free of SOAP: a Vraag in, an Antwoord out.

Every outcome is an Antwoord: a foutcode where the guide has one, X001 for anything
unexpected (logged here, never shown to the caller).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

from sqlalchemy.engine import Engine

from .answer import Antwoord, apply_masker, failure, success
from .foutcodes import Fout
from .query import adres
from .query.search import find
from .storage.database import SearchTimeout, deadline
from .storage.reader import read_persoonslijsten
from .vraag import OPEN, Autorisatie, Vraag, Zoekvraag, validate

log = logging.getLogger(__name__)

MAX_PERSOONSLIJSTEN = 10
MAX_BEWONERS = 30
SEARCH_TIMEOUT = 10.0


class AdhocService:
    """``search_timeout``: seconds a search may run before it is stopped with T031."""

    def __init__(self, engine: Engine, *, search_timeout: float | None = SEARCH_TIMEOUT):
        self.engine = engine
        self.search_timeout = search_timeout

    def vraag(self, vraag: Vraag, *, adresvraag: bool = False,
              autorisatie: Autorisatie = OPEN) -> Antwoord:
        try:
            zoekvraag = validate(vraag, adresvraag=adresvraag, autorisatie=autorisatie)
            if zoekvraag.adresvraag:
                return self._adresvraag(zoekvraag)
            return self._persoonsvraag(zoekvraag)
        except Fout as fout:
            return failure(fout)
        except Exception:
            log.exception("vraag failed")
            return failure(Fout("X001"))

    def _persoonsvraag(self, zoekvraag: Zoekvraag) -> Antwoord:
        with self.engine.connect() as conn:
            with self._deadline(conn):
                pl_ids = self._persons(conn, zoekvraag)
            return self._answer(conn, zoekvraag, pl_ids)

    def _adresvraag(self, zoekvraag: Zoekvraag) -> Antwoord:
        parameters = list(zoekvraag.parameters)
        with self.engine.connect() as conn:
            with self._deadline(conn):
                if zoekvraag.adresidentificatie:
                    found, matched = adres.addresses_of(conn, parameters, MAX_BEWONERS)
                    if matched > MAX_BEWONERS:
                        raise Fout("P036")
                    addresses = [found] if found else []
                else:
                    addresses = adres.addresses_of_persons(conn, self._persons(conn, zoekvraag))
                    parameters = []
                pl_ids = adres.residents(conn, addresses, parameters, MAX_BEWONERS)
            if len(pl_ids) > MAX_BEWONERS:
                raise Fout("P036")
            return self._answer(conn, zoekvraag, pl_ids)

    @contextmanager
    def _deadline(self, conn):
        try:
            with conn.begin(), deadline(conn, self.search_timeout):
                yield
        except SearchTimeout:
            raise Fout("T031") from None

    @staticmethod
    def _persons(conn, zoekvraag: Zoekvraag) -> list[int]:
        pl_ids = find(conn, list(zoekvraag.parameters), historie=zoekvraag.historie,
                      limit=MAX_PERSOONSLIJSTEN + 1)
        if not pl_ids:
            raise Fout("G033")
        if len(pl_ids) > MAX_PERSOONSLIJSTEN:
            raise Fout("P032")
        return pl_ids

    @staticmethod
    def _answer(conn, zoekvraag: Zoekvraag, pl_ids: list[int]) -> Antwoord:
        if not pl_ids:
            raise Fout("G033")
        pls = read_persoonslijsten(conn, pl_ids)
        return success([apply_masker(pls[pl_id], zoekvraag.masker) for pl_id in pl_ids])

    def change_password(self, nieuw_wachtwoord: str | None) -> Antwoord:
        """Until afnemer accounts exist, no account can change its password."""
        return failure(Fout("X011"))
