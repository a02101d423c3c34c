"""The Haal Centraal BRP bewoning API (v2) over HTTP: a WSGI handler for ``/haalcentraal/``.

- ``POST /haalcentraal/api/bewoning/bewoningen``: a BewoningMetPeildatum or BewoningMetPeriode
  in, ``{"bewoningen": [...]}`` out (``application/json; charset=utf-8``); other methods 405.
- ``GET /haalcentraal/api/bewoning/openapi.json``: the OpenAPI document, its ``servers`` URL
  the request's own base URL. Any other path under ``/haalcentraal/`` is a 404 problem.

A POST is handled in the order of the Haal Centraal A&P service: who asks (401/403), Accept
(406), Content-Type (415), size (413), the body (400, :mod:`.request`), the finder, then the
gemeente rule (403), and every POST is recorded in the protocol before it is answered; when
the record cannot be written the answer is a 500 problem and nothing is delivered.

Who asks: with accounts, HTTP Basic (or ``X-Brp-Credentials``) as for the SOAP service; the
afnemer must have a gemeente_code, and is then limited to objects of that gemeente. In open
mode (``serve --open``, accounts None) nobody is limited, unless the request carries the Haal
Centraal test-harness header ``Authorization: Basic base64("<afnemerID>|<gemeenteCode>:…")``:
then it is limited to that gemeente (an unreadable afnemerID or gemeenteCode is a 401).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from pathlib import Path

from sqlalchemy import select

from .. import protocol
from ..accounts import Credentials
from ..answer import new_referentie
from ..foutcodes import Fout
from ..web import BodyTooLarge, Problem, http_credentials, json_bytes, own_base_url, read_body
from ..storage.schema import lo3_pl_persoon
from . import BewoningVraag, Uitkomst
from .request import (check_accept, check_content_type, forbidden, method_not_allowed,
                      not_found, parse, server_error, too_large, unauthenticated)

log = logging.getLogger(__name__)

BASE = "/haalcentraal/api/bewoning"
BEWONINGEN = BASE + "/bewoningen"
OPENAPI = BASE + "/openapi.json"
MAX_BODY = 64 * 1024
JSON = "application/json; charset=utf-8"
OBJECT_RUBRIEK, DATUM_RUBRIEK = 81180, 81030  # identificatiecode verblijfplaats, datum aanvang adreshouding
NO_GEMEENTE = "Alleen een afnemer met een gemeentecode in zijn autorisatie mag bewoning raadplegen."
NO_AUTORISATIE = "Er is geen actuele autorisatie voor deze afnemer."


@dataclass(frozen=True)
class Beller:
    """Who asks: for the protocol, and the gemeente they are limited to when ``scoped``."""

    afnemer_code: int | None = None
    gebruikersnaam: str | None = None
    gemeente: int | None = None
    scoped: bool = True


OPEN = Beller(afnemer_code=0, scoped=False)


class BewoningApp:
    """``accounts`` None is open mode; ``finder`` defaults to :func:`.store.zoek_bewoningen`.

    ``today``, when given, is called per request and passed to the finder as ``today=``.
    """

    def __init__(self, engine, accounts=None, *, finder=None, recorder: protocol.Recorder | None = None,
                 today=None, max_request_bytes: int = MAX_BODY):
        self.engine, self.accounts = engine, accounts
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
        try:
            status, headers, body = self._route(environ)
        except Problem as p:
            status, headers, body = p.answer(environ)
        except Exception:
            log.exception("bewoning request failed")
            status, headers, body = server_error().answer(environ)
        start_response(f"{status} {HTTPStatus(status).phrase}",
                       headers + [("Content-Length", str(len(body)))])
        return [body]

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
        credentials = http_credentials(environ)
        beller = vraag = None
        delivered: list[int] = []
        try:
            beller = self._beller(credentials)
            if beller.scoped and beller.gemeente is None:
                raise forbidden(NO_GEMEENTE)
            check_accept(environ.get("HTTP_ACCEPT"))
            check_content_type(environ.get("CONTENT_TYPE"))
            vraag = parse(self._read_body(environ))
            uitkomst = self._find(vraag)
            bewoningen = _authorize(beller, uitkomst)
            if bewoningen:
                delivered = uitkomst.pl_ids
            outcome = 200, [("Content-Type", JSON)], json_bytes({"bewoningen": bewoningen})
        except Problem as p:
            outcome = p.answer(environ)
        except Exception:
            log.exception("bewoningen failed")
            outcome = server_error().answer(environ)
        try:
            self._record(beller or _unknown(credentials), vraag, outcome[0], delivered)
        except Exception:
            log.exception("protocollering failed: nothing delivered")
            return server_error().answer(environ)
        return outcome

    def _beller(self, credentials: Credentials | None) -> Beller:
        if self.accounts is None:
            return _harness(credentials)
        try:
            afnemer, gebruikersnaam = self.accounts.login(credentials)
        except Fout as fout:
            if fout.naam == "X013":
                raise forbidden(NO_AUTORISATIE) from None
            raise unauthenticated() from None
        return Beller(int(afnemer.afnemersindicatie), gebruikersnaam, afnemer.gemeente_code)

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
            a_nummers=self._a_nummers(pl_ids)))

    def _a_nummers(self, pl_ids: list[int]) -> list[str]:
        """The A-nummers of the delivered persoonslijsten, in their order, in one query."""
        if not pl_ids:
            return []
        p = lo3_pl_persoon.c
        with self.engine.connect() as conn:
            found = dict(conn.execute(select(p.pl_id, p.a_nr).where(
                p.pl_id.in_(pl_ids), p.persoon_type == "P", p.stapel_nr == 0, p.volg_nr == 0)).all())
        return [f"{found[i]:010d}" for i in pl_ids if found.get(i) is not None]


def _harness(credentials: Credentials | None) -> Beller:
    """Open mode: unlimited, or limited to the gemeente of a test-harness Basic header."""
    if credentials is None or "|" not in credentials.gebruikersnaam:
        return OPEN
    afnemer, _, gemeente = credentials.gebruikersnaam.partition("|")
    if not (_digits(afnemer) and len(afnemer) <= 6 and _digits(gemeente) and len(gemeente) == 4):
        raise unauthenticated()
    return Beller(int(afnemer), None, int(gemeente))


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _unknown(credentials: Credentials | None) -> Beller:
    """Who asked, as far as known when logging in failed."""
    return Beller(gebruikersnaam=credentials.gebruikersnaam[:100] or None if credentials else None)


def _authorize(beller: Beller, uitkomst: Uitkomst) -> list[dict]:
    """The bewoningen a limited caller may see (bewoning-notes §1.5), or 403."""
    if not beller.scoped:
        return uitkomst.bewoningen
    if not uitkomst.bekend:
        return []
    if uitkomst.gemeenten != {beller.gemeente}:
        raise forbidden()
    return uitkomst.bewoningen


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
