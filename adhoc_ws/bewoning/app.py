"""The Haal Centraal BRP bewoning API (v2) over HTTP: a WSGI handler for ``/haalcentraal/``.

- ``POST /haalcentraal/api/bewoning/bewoningen``: a BewoningMetPeildatum or BewoningMetPeriode
  in, ``{"bewoningen": [...]}`` out (``application/json; charset=utf-8``); other methods 405.
- ``GET /haalcentraal/api/bewoning/openapi.json``: the OpenAPI document, its ``servers`` URL
  the request's own base URL. Any other path under ``/haalcentraal/`` is a 404 problem.

A POST is handled in the order of the Haal Centraal A&P service: who asks (401, or 403 for an
account without current autorisatie), Accept (406), Content-Type (415), size (413), the body
(400, :mod:`.request`), the autorisatie of an afnemer without gemeentecode (403), the finder,
the gemeente rule (403, :mod:`.autorisatie`); every POST is recorded in the protocol before it
is answered (each persoonslijst delivered also in GBA-V's ``haalcentraal_vraag``, in the same
transaction), and when the record cannot be written the answer is a 500 problem and nothing is
delivered.

Who asks: with accounts, HTTP Basic (or ``X-Brp-Credentials``) as for the SOAP service, or a
bearer token issued to the account (:mod:`adhoc_ws.oauth`), with
the gemeente of the afnemer's autorisatie, if any. In open mode (``serve --open``, accounts
None) nobody is limited, unless the request carries the Haal Centraal test-harness header
``Authorization: Basic base64("<afnemerID>|<gemeenteCode>:…")``: then it asks as that afnemer,
with that gemeente; a gemeenteCode that is absent, empty or ``undefined`` is an afnemer
without gemeente, whose autorisatie is read from ``lo3_autorisatie`` (an unreadable afnemerID
or gemeenteCode is a 401).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import select

from .. import protocol
from ..accounts import Credentials, current_afnemer
from ..afnemer import Afnemer
from ..answer import new_referentie
from ..foutcodes import Fout
from ..logsafe import log_failure
from ..web import BodyTooLarge, Problem, caller, json_bytes, own_base_url, read_body, respond
from ..storage.schema import haalcentraal_vraag, lo3_pl_persoon
from . import BewoningVraag, Uitkomst
from .autorisatie import check_afnemer, check_object, no_ad_hoc
from .request import (check_accept, check_content_type, method_not_allowed, not_found, parse,
                      server_error, too_large, unauthenticated)

log = logging.getLogger(__name__)

BASE = "/haalcentraal/api/bewoning"
BEWONINGEN = BASE + "/bewoningen"
OPENAPI = BASE + "/openapi.json"
MAX_BODY = 64 * 1024
JSON = "application/json; charset=utf-8"
OBJECT_RUBRIEK, DATUM_RUBRIEK = 81180, 81030  # identificatiecode verblijfplaats, datum aanvang adreshouding
HARNESS_NO_GEMEENTE = ("", "undefined")  # a test-header gemeenteCode that means: no gemeente
# haalcentraal_vraag: the element numbers of the parameters (08.11.80; for every date 08.10.30,
# 08.13.20, 58.10.30, 58.13.20), each once, sorted, as the A&P service writes them; and what is
# asked: the whole bewoning, AXBW01
ZOEK_RUBRIEKEN = "081030, 081180, 081320, 581030, 581320"
GEVRAAGDE_RUBRIEKEN = "AXBW01"


@dataclass(frozen=True)
class Beller:
    """Who asks: for the protocol, and for :mod:`.autorisatie` when ``scoped``: the gemeente,
    or else the current autorisatie (``afnemer``; looked up when None in open mode)."""

    afnemer_code: int | None = None
    gebruikersnaam: str | None = None
    gemeente: int | None = None
    afnemer: Afnemer | None = None
    scoped: bool = True


OPEN = Beller(afnemer_code=0, scoped=False)


class BewoningApp:
    """``accounts`` None is open mode; ``finder`` defaults to :func:`.store.zoek_bewoningen`.

    ``today``, when given, is called per request and passed to the finder as ``today=``.
    """

    def __init__(self, engine, accounts=None, *, finder=None, recorder: protocol.Recorder | None = None,
                 today=None, max_request_bytes: int = MAX_BODY, verify_token=None):
        self.engine, self.accounts, self.verify_token = engine, accounts, verify_token
        self._finder = finder
        self.recorder = recorder if recorder is not None else protocol.Recorder(engine)
        self.today = today
        self.max_request_bytes = max_request_bytes

    @property
    def finder(self):
        if self._finder is None:
            from .store import zoek_bewoningen
            self._finder = zoek_bewoningen
        return self._finder

    def __call__(self, environ, start_response):
        return respond(environ, start_response, self._route, server_error, log)

    def _route(self, environ):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == BEWONINGEN:
            if method != "POST":
                raise method_not_allowed("POST")
            return self._bewoningen(environ)
        if path == OPENAPI:
            if method not in ("GET", "HEAD"):
                raise method_not_allowed("GET, HEAD")
            document = dict(openapi_document(), servers=[{"url": own_base_url(environ) + BASE}])
            return 200, [("Content-Type", JSON)], json_bytes(document)
        raise not_found()

    def _bewoningen(self, environ):
        credentials = caller(environ, self.verify_token)
        beller = vraag = None
        delivered: list[int] = []
        try:
            beller = self._beller(credentials)
            check_accept(environ.get("HTTP_ACCEPT"))
            check_content_type(environ.get("CONTENT_TYPE"))
            vraag = parse(self._read_body(environ))
            if beller.scoped and beller.gemeente is None:
                check_afnemer(beller.afnemer or self._autorisatie(beller.afnemer_code))
            uitkomst = self._find(vraag)
            if beller.scoped and beller.gemeente is not None:
                check_object(beller.gemeente, uitkomst)
            if uitkomst.bewoningen:
                delivered = uitkomst.pl_ids
            outcome = 200, [("Content-Type", JSON)], json_bytes({"bewoningen": uitkomst.bewoningen})
        except Problem as p:
            outcome = p.answer(environ)
        except Exception:
            log_failure(log, "bewoningen failed")
            outcome = server_error().answer(environ)
        try:
            self._record(beller or _unknown(credentials), vraag, outcome[0], delivered)
        except Exception:
            log_failure(log, "protocollering failed, nothing delivered")
            return server_error().answer(environ)
        return outcome

    def _beller(self, credentials: Credentials | None) -> Beller:
        if self.accounts is None:
            return _harness(credentials)
        try:
            afnemer, gebruikersnaam = self.accounts.login(credentials)
        except Fout as fout:
            if fout.naam == "X013":
                raise no_ad_hoc() from None
            raise unauthenticated() from None
        return Beller(int(afnemer.afnemersindicatie), gebruikersnaam, afnemer.gemeente_code, afnemer)

    def _autorisatie(self, afnemer_code: int) -> Afnemer | None:
        """Open mode: the current autorisatie of the test header's afnemer."""
        return current_afnemer(self.engine, afnemer_code, (self.today or dt.date.today)())

    def _read_body(self, environ) -> bytes:
        try:
            return read_body(environ, self.max_request_bytes)
        except BodyTooLarge:
            raise too_large(self.max_request_bytes) from None

    def _find(self, vraag: BewoningVraag) -> Uitkomst:
        if self.today is None:
            return self.finder(self.engine, vraag)
        return self.finder(self.engine, vraag, today=self.today())

    def _record(self, beller: Beller, vraag: BewoningVraag | None, status: int, pl_ids: list[int]) -> None:
        self.recorder.record(protocol.Entry(
            afnemer_code=beller.afnemer_code, gebruikersnaam=beller.gebruikersnaam,
            referentie=new_referentie(), operatie="bewoningen", historie=False,
            parameters=_parameters(vraag), masker=None, resultaat=str(status),
            a_nummers=self._a_nummers(pl_ids), extra=_haalcentraal_vraag(beller, pl_ids)),
            undelivered="500")

    def _a_nummers(self, pl_ids: list[int]) -> list[str]:
        """The A-nummers of the delivered persoonslijsten, in their order, in one query."""
        if not pl_ids:
            return []
        p = lo3_pl_persoon.c
        with self.engine.connect() as conn:
            found = dict(conn.execute(select(p.pl_id, p.a_nr).where(
                p.pl_id.in_(pl_ids), p.persoon_type == "P", p.stapel_nr == 0, p.volg_nr == 0)).all())
        return [protocol.geleverd(i, _a_nummer(found.get(i))) for i in pl_ids]


def _haalcentraal_vraag(beller: Beller, pl_ids: list[int]) -> tuple:
    """GBA-V's protocol of the answer (as the A&P service writes it): one ``haalcentraal_vraag``
    row per persoonslijst delivered, committed with the ``adhoc_protocol`` row."""
    now = dt.datetime.now()
    return tuple((haalcentraal_vraag, {
        "request_id": str(uuid.uuid4()), "request_datum": now, "afnemer_code": beller.afnemer_code or 0,
        "pl_id": pl_id, "request_zoek_rubrieken": ZOEK_RUBRIEKEN,
        "request_gevraagde_rubrieken": GEVRAAGDE_RUBRIEKEN, "verwerkt": False}) for pl_id in pl_ids)


def _harness(credentials: Credentials | None) -> Beller:
    """Open mode: unlimited, or the afnemer (and gemeente) of a test-harness Basic header.

    ``afnemerID|gemeenteCode``; a gemeenteCode that is absent (only ``afnemerID``), empty or
    ``undefined`` is an afnemer without gemeente. Other Basic credentials are ignored.
    """
    if credentials is None:
        return OPEN
    afnemer, bar, gemeente = credentials.gebruikersnaam.partition("|")
    if not bar:
        return Beller(int(afnemer)) if _afnemer_id(afnemer) else OPEN
    if not _afnemer_id(afnemer):
        raise unauthenticated()
    if gemeente in HARNESS_NO_GEMEENTE:
        return Beller(int(afnemer))
    if not (_digits(gemeente) and len(gemeente) == 4):
        raise unauthenticated()
    return Beller(int(afnemer), None, int(gemeente))


def _a_nummer(value) -> str | None:
    """An A-nummer as stored (a whole number of up to 10 digits), written with its zeros."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**10:
        return f"{value:010d}"
    return None


def _afnemer_id(text: str) -> bool:
    return _digits(text) and len(text) <= 6


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _unknown(credentials: Credentials | None) -> Beller:
    """Who asked, as far as known when logging in failed."""
    return Beller(gebruikersnaam=credentials.gebruikersnaam[:100] or None if credentials else None)


def _parameters(vraag: BewoningVraag | None) -> list[tuple[int, str]] | None:
    """The object (08.11.80) and the dates (08.10.30: peildatum, or datumVan and datumTot)."""
    if vraag is None:
        return None
    dates = [vraag.van] if vraag.peildatum else [vraag.van, vraag.tot]
    return [(OBJECT_RUBRIEK, vraag.adresseerbaar_object)] + \
        [(DATUM_RUBRIEK, d.strftime("%Y%m%d")) for d in dates]


@cache
def openapi_document() -> dict:
    """The OpenAPI document of this API (``openapi.json`` beside this module)."""
    return json.loads((Path(__file__).parent / "openapi.json").read_text(encoding="utf-8"))
