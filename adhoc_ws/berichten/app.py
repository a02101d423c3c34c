"""The BRP Berichten API over HTTP: a WSGI handler for ``/api/v1/``, as RvIG's OpenAPI
document describes it (the base path of the API's local development server).

==========================================  ==================================================
``POST /api/v1/berichten``                  send up to 25 messages (:mod:`.versturen`)
``GET /api/v1/berichten``                   list the caller's mailbox: ``status``,
                                            ``berichtType``, ``vanafMoment``/``totMoment``,
                                            ``pagina``/``berichtenPerPagina`` (≤ 2000)
``GET /api/v1/berichten/{ids}``             fetch up to 100 messages (they become opgehaald)
``DELETE /api/v1/berichten/{ids}``          delete up to 100 messages
``GET /api/v1/berichten/telling?soort=…``   count: nieuw, gezien-in-lijst-en-niet-opgehaald,
                                            niet-opgehaald
``GET|HEAD /api/v1/berichten/ping``         204
``GET /api/v1/openapi.json``                the OpenAPI document (:mod:`.contract`)
==========================================  ==================================================

Every request but the document's needs a mailbox: HTTP Basic with the mailbox number as user
name (:mod:`adhoc_ws.mailboxen`), or a bearer token issued to it (:mod:`adhoc_ws.oauth`); a mailbox sees only its own messages: another mailbox's
message is "unknown" (BBA-GET-F003, BBA-DELETE-F003), never a hint that it exists. Answers are
``application/json`` with an ``interactieId``; refusals ``application/problem+json`` with
RvIG's BBA codes (:mod:`.problems`). A malformed request to fetch or delete (an id that is
not a UUID, more than 100 ids) is the one 400 the document has for it (BBA-GET-F004,
BBA-DELETE-F004). ``POST /berichten/conversie`` (LO3 ⇄ JSON) is not served, and not in the
served document.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
import threading
import time
import uuid
from urllib.parse import parse_qs

from ..mailboxen import LoginFailed, Mailbox, Mailboxen
from ..oauth import TOKEN_PATH
from ..accounts import Bearer
from ..web import (MAX_JSON_DEPTH, BodyTooLarge, Problem, caller, json_bytes, own_base_url,
                   read_body, respond, too_deep)
from . import contract, store
from .problems import CONTENT_TYPE, foutmelding, problem, technical, unauthenticated
from .versturen import MAX_BERICHTEN, ROUTERING_MAILBOX, Postkamer, interactie_id

log = logging.getLogger(__name__)

BASE = "/api/v1"
BERICHTEN = BASE + "/berichten"
OPENAPI = BASE + "/openapi.json"
JSON = "application/json"
MAX_BODY = 2 * 1024 * 1024  # 25 messages of at most 64 KiB, and room to spare
MAX_IDS = 100
MAX_LIST = 2000
PURGE_EVERY = 60.0
_MOMENT = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?")


def _not_found() -> Problem:
    return Problem(404, "notFound", "Opgevraagde resource bestaat niet.", "about:blank", content_type=CONTENT_TYPE)


def _method_not_allowed(allow: str) -> Problem:
    return Problem(405, "methodNotAllowed", "Gebruikte methode is niet toegestaan.", "about:blank",
                   headers=[("Allow", allow)], content_type=CONTENT_TYPE)


class BerichtenApp:
    """The Berichten API over the messages in ``engine``; ``mailboxen`` logs callers in."""

    def __init__(self, engine, mailboxen: Mailboxen | None = None, *,
                 routering_mailbox: int = ROUTERING_MAILBOX, verify_token=None):
        self.engine, self.verify_token = engine, verify_token
        self.mailboxen = mailboxen if mailboxen is not None else Mailboxen(engine)
        self.postkamer = Postkamer(engine, self.mailboxen, routering_mailbox)
        self._purged = 0.0
        self._purge_lock = threading.Lock()

    def __call__(self, environ, start_response):
        return respond(environ, start_response, self._route, technical, log)

    def _route(self, environ):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == OPENAPI:
            if method not in ("GET", "HEAD"):
                raise _method_not_allowed("GET, HEAD")
            base = own_base_url(environ)
            return _json(contract.openapi_document(base + BASE + "/", base + TOKEN_PATH), generic=False)
        if path == BERICHTEN:
            allowed = {"POST": self._post, "GET": self._list}
        elif path == BERICHTEN + "/ping":
            allowed = {"GET": self._ping, "HEAD": self._ping}
        elif path == BERICHTEN + "/telling":
            allowed = {"GET": self._telling}
        elif path.startswith(BERICHTEN + "/") and path != BERICHTEN + "/conversie":
            allowed = {"GET": self._get, "DELETE": self._delete}
        else:
            raise _not_found()
        if method not in allowed:
            raise _method_not_allowed(", ".join(allowed))
        mailbox = self._caller(environ)
        return allowed[method](environ, mailbox)

    def _caller(self, environ) -> Mailbox:
        credentials = caller(environ, self.verify_token)
        if credentials is None:
            raise unauthenticated()
        try:
            if isinstance(credentials, Bearer):
                return self.mailboxen.verified(credentials.gebruikersnaam)
            return self.mailboxen.login(credentials.gebruikersnaam, credentials.wachtwoord)
        except LoginFailed as e:
            raise unauthenticated(blocked=e.blocked) from None

    # -- POST /berichten -----------------------------------------------------------------

    def _post(self, environ, mailbox: Mailbox):
        try:
            body = read_body(environ, MAX_BODY)
        except BodyTooLarge:
            raise Problem(413, "payloadTooLarge", "Request body is te groot.", "about:blank",
                          detail=f"Een verzoek mag hoogstens {MAX_BODY} bytes zijn.", content_type=CONTENT_TYPE) from None
        try:
            if too_deep(body):  # checked first: json.loads would meet the recursion limit
                raise _TooDeep()
            request = json.loads(body, parse_int=_integer)
        except _TooManyDigits:
            raise problem(400, "BBA-PUT-F002", invalid=[{"key": "berichten", "value": (
                f"Een getal in het verzoek heeft meer dan {_MAX_DIGITS} cijfers")}]) from None
        except (_TooDeep, RecursionError):
            raise problem(400, "BBA-PUT-F002", invalid=[{"key": "berichten", "value": (
                f"Het verzoek is te diep genest (meer dan {MAX_JSON_DEPTH} niveaus)")}]) from None
        except (ValueError, UnicodeDecodeError):
            raise problem(400, "BBA-PUT-F002", invalid=[{"key": "berichten", "value": (
                "Het verzoek is geen JSON (UTF-8)")}]) from None
        berichten = request.get("berichten") if isinstance(request, dict) else None
        if not isinstance(berichten, list):
            raise problem(400, "BBA-PUT-F002", invalid=[{"key": "berichten", "value": (
                "Het verzoek moet een JSON-object zijn met een lijst berichten")}])
        if len(berichten) > MAX_BERICHTEN:
            raise problem(400, "BBA-PUT-F001", detail=f"Het aantal berichten in het verzoek overschrijdt het "
                                                      f"ingestelde limiet van {MAX_BERICHTEN}")
        self._purge()
        return _json(self.postkamer.versturen(mailbox, berichten))

    def _purge(self) -> None:
        """Now and then: empty the content of messages whose time ran out."""
        if time.monotonic() - self._purged < PURGE_EVERY or not self._purge_lock.acquire(blocking=False):
            return
        try:
            with self.engine.begin() as conn:
                store.purge_expired(conn, store.now())
            self._purged = time.monotonic()
        finally:
            self._purge_lock.release()

    # -- GET /berichten ------------------------------------------------------------------

    def _list(self, environ, mailbox: Mailbox):
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        invalid = []
        statuses = [s for v in query.get("status", []) for s in v.split(",") if s] or [store.NIEUW, store.GEZIEN]
        invalid += [{"key": "status", "value": f"Onbekende status {s!r}"}
                    for s in statuses if s not in store.STATUSES]
        bericht_type = _first(query, "berichtType") or None
        if bericht_type is not None and len(bericht_type) > 4:
            invalid.append({"key": "berichtType", "value": "Een berichttype heeft hoogstens 4 tekens"})
        vanaf = _moment(query, "vanafMoment", invalid)
        tot = _moment(query, "totMoment", invalid)
        pagina = _number(query, "pagina", 1, invalid)
        per_pagina = min(_number(query, "berichtenPerPagina", MAX_LIST, invalid), MAX_LIST)
        if invalid:
            raise problem(400, "BBA-LIST-F001", invalid=invalid)
        moment = store.now()
        offset = (pagina - 1) * per_pagina
        with self.engine.begin() as conn:
            rows, total = store.lijst(conn, mailbox.nummer, statuses=statuses, bericht_type=bericht_type,
                                      vanaf=vanaf, tot=tot, offset=offset, limit=per_pagina, moment=moment) \
                if offset < 2 ** 62 else ([], 0)
        pages = max(1, math.ceil(total / per_pagina))
        return _json({"paginering": {
            "pagineringVerzoek": {"pagina": pagina}, "totaalAantalBerichten": total,
            "aantalBerichtenOpDezePagina": len(rows), "aantalPaginas": pages, "huidigePagina": pagina,
            "eerstePagina": pagina == 1, "laatstePagina": pagina >= pages},
            "berichten": [store.kenmerken(r) for r in rows]})

    # -- GET and DELETE /berichten/{ids} ------------------------------------------------------

    def _ids(self, environ, code: str) -> list[str]:
        given = environ["PATH_INFO"][len(BERICHTEN) + 1:].split(",")
        if len(given) > MAX_IDS:
            raise problem(400, code, detail=f"Hoogstens {MAX_IDS} berichten per verzoek")
        ids = []
        for text in given:
            try:
                ids.append(str(uuid.UUID(text)))
            except ValueError:
                raise problem(400, code, detail="Een berichtTransportId is een UUID; "
                                                f"meerdere gescheiden door komma's (hoogstens {MAX_IDS})") from None
        return list(dict.fromkeys(ids))

    def _get(self, environ, mailbox: Mailbox):
        ids = self._ids(environ, "BBA-GET-F004")
        with self.engine.begin() as conn:
            found, niet = _available(conn, mailbox, ids, "BBA-GET")
            store.mark_fetched(conn, [r.volgnummer for r in found])
        return _json({"opgehaaldeBerichten": [{"berichtKenmerken": store.kenmerken(r),
                                                "berichtInhoud": store.inhoud(r)} for r in found],
                      "nietOpgehaaldeBerichten": niet})

    def _delete(self, environ, mailbox: Mailbox):
        ids = self._ids(environ, "BBA-DELETE-F004")
        with self.engine.begin() as conn:
            found, niet = _available(conn, mailbox, ids, "BBA-DELETE")
            store.remove(conn, [r.volgnummer for r in found], store.now())
        return _json({"succesvolVerwijderdeBerichten": [r.transport_id for r in found],
                      "nietSuccesvolVerwijderdeBerichten": niet})

    # -- telling, ping ---------------------------------------------------------------------

    def _telling(self, environ, mailbox: Mailbox):
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        soort = _first(query, "soort")
        if soort not in store.TELLINGEN:
            raise problem(400, "BBA-SUMMARIZE-F001", invalid=[{"key": "soort", "value": (
                f"Verplicht, een van: {', '.join(store.TELLINGEN)}")}])
        with self.engine.connect() as conn:
            count = store.telling(conn, mailbox.nummer, soort, store.now())
        return _json({"aantalBerichten": count})

    def _ping(self, environ, mailbox: Mailbox):
        return 204, [], b""


GONE = {None: "F003", "verwijderd": "F002", "verlopen": "F001"}  # why not, as BBA-GET/DELETE-…


def _available(conn, mailbox: Mailbox, ids: list[str], prefix: str) -> tuple[list, list[dict]]:
    """The messages of ``mailbox`` among ``ids`` that can still be had, and for the others
    ``{"berichtTransportId", "foutmeldingen"}``: unknown (or another mailbox's), deleted, expired."""
    found, niet, moment = store.of_mailbox(conn, mailbox.nummer, ids), [], store.now()
    available = []
    for transport_id in ids:
        row = found.get(transport_id)
        why = None if row is None else store.gone(row, moment)
        if row is not None and why is None:
            available.append(row)
        else:
            niet.append({"berichtTransportId": transport_id,
                         "foutmeldingen": [foutmelding(f"{prefix}-{GONE[why]}")]})
    return available, niet


_MAX_DIGITS = 100  # no field of any message is a number near this long


class _TooDeep(ValueError):
    pass


class _TooManyDigits(ValueError):
    pass


def _integer(text: str) -> int:
    """A JSON integer; one too long for any message is refused before Python converts it."""
    if len(text.lstrip("-")) > _MAX_DIGITS:
        raise _TooManyDigits()
    return int(text)


def _json(value: dict, *, generic: bool = True):
    """200 application/json; ``generic`` answers get their interactieId first."""
    if generic:
        value = {"interactieId": interactie_id(), **value}
    return 200, [("Content-Type", JSON)], json_bytes(value)


def _first(query: dict, name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


MAX_NUMBER = 10 ** 18 - 1  # a pagina beyond it is refused (its digits counted, never converted)


def _number(query: dict, name: str, default: int, invalid: list) -> int:
    text = _first(query, name)
    if text is None or text == "":
        return default
    digits = text.lstrip("0")  # counted before converting: Python converts at most 4,300 characters
    if not (text.isascii() and text.isdigit() and 1 <= len(digits) <= 18):
        invalid.append({"key": name, "value": f"Een geheel getal van 1 tot en met {MAX_NUMBER}"})
        return default
    return int(digits)


def _moment(query: dict, name: str, invalid: list) -> dt.datetime | None:
    """An RFC 3339 date-time as a UTC time (without zone: UTC), or None."""
    text = _first(query, name)
    if not text:
        return None
    match = _MOMENT.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        day, clock, fraction, zone = match.groups()
        zone = "+00:00" if zone in (None, "Z", "z") else zone
        fraction = (fraction or ".")[1:].ljust(6, "0")[:6]  # Python 3.10 reads 6 digits, no more
        moment = dt.datetime.fromisoformat(f"{day}T{clock}.{fraction}{zone}")
    except ValueError:
        invalid.append({"key": name, "value": "Een datum en tijd volgens RFC 3339, bv. 2024-04-25T14:54:08+02:00"})
        return None
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
