"""The request of the bewoning API: content negotiation, the JSON body, problem+json errors.

:func:`parse` turns a body into a :class:`BewoningVraag` or raises a :class:`Problem` 400
``paramsValidation`` as the Haal Centraal A&P service does (bewoning-notes §1.4):

- ``type`` first: absent (or null) is ``required``, anything but ``BewoningMetPeildatum`` or
  ``BewoningMetPeriode`` exactly (an empty string, other casing, a number) is ``value``; with a
  bad ``type`` nothing else is checked.
- Then, all collected: properties the type does not define (``unknownParam``), then
  ``adresseerbaarObjectIdentificatie`` (``required``, ``pattern``), then the dates
  (``required``, ``date``; for a periode ``datumTot`` must lie after ``datumVan``).
- Absent, null and ``""`` are all ``required``. A value of another JSON type (a number, a
  list) fails the check of its own field: ``pattern`` for the identificatie, ``date`` for a
  date. So does a peildatum of 9999-12-31, whose one-day period cannot be represented.
- A body that is not UTF-8 JSON, or JSON that is not an object, is 400 ``paramsValidation``
  "De bevraging bevat een fout." / "Request body is geen geldige JSON." without invalidParams.
"""
from __future__ import annotations

import datetime as dt
import json
import re

from ..web import Problem, too_deep
from . import BewoningVraag

RFC7231 = "https://datatracker.ietf.org/doc/html/rfc7231"
RFC7235 = "https://datatracker.ietf.org/doc/html/rfc7235"
BAD_REQUEST = f"{RFC7231}#section-6.5.1"
SUPPORTED = "Ondersteunde content type: application/json; charset=utf-8."
PEILDATUM, PERIODE = "BewoningMetPeildatum", "BewoningMetPeriode"
FIELDS = {PEILDATUM: ("type", "adresseerbaarObjectIdentificatie", "peildatum"),
          PERIODE: ("type", "adresseerbaarObjectIdentificatie", "datumVan", "datumTot")}
OBJECT_PATTERN = "^(?!0{16})[0-9]{16}$"
_OBJECT = re.compile(r"(?!0{16})[0-9]{16}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_JSON_TYPES = ("application", "json")


def invalid_params(params: list[dict]) -> Problem:
    names = ", ".join(sorted({p["name"] for p in params}))
    return Problem(400, "paramsValidation", "Een of meerdere parameters zijn niet correct.", BAD_REQUEST,
                   detail=f"De foutieve parameter(s) zijn: {names}.", invalid_params=params)


def invalid_json() -> Problem:
    return Problem(400, "paramsValidation", "De bevraging bevat een fout.", BAD_REQUEST,
                   detail="Request body is geen geldige JSON.")


def unauthenticated() -> Problem:
    return Problem(401, "authentication", "Niet correct geauthenticeerd.", f"{RFC7235}#section-3.1",
                   headers=[("WWW-Authenticate", 'Basic realm="adhoc-ws", charset="UTF-8"')])


def forbidden(detail: str, title: str = "U bent niet geautoriseerd voor deze vraag.") -> Problem:
    return Problem(403, "unauthorized", title, f"{RFC7231}#section-6.5.3", detail=detail)


def not_found() -> Problem:
    return Problem(404, "notFound", "Opgevraagde resource bestaat niet.", f"{RFC7231}#section-6.5.4")


def method_not_allowed(allow: str) -> Problem:
    return Problem(405, "methodNotAllowed", "Gebruikte bevragingsmethode is niet toegestaan.",
                   f"{RFC7231}#section-6.5.5", headers=[("Allow", allow)])


def not_acceptable() -> Problem:
    return Problem(406, "notAcceptable", "Gevraagde content type wordt niet ondersteund.",
                   f"{RFC7231}#section-6.5.6", detail=SUPPORTED)


def too_large(limit: int) -> Problem:
    return Problem(413, "payloadTooLarge", "Request body is te groot.", f"{RFC7231}#section-6.5.11",
                   detail=f"Een request body mag hoogstens {limit} bytes zijn.")


def unsupported_media_type() -> Problem:
    return Problem(415, "unsupportedMediaType", "Media Type wordt niet ondersteund.",
                   f"{RFC7231}#section-6.5.13", detail=SUPPORTED)


def server_error() -> Problem:
    return Problem(500, "serverError", "Interne server fout.", f"{RFC7231}#section-6.6.1",
                   detail="De vraag kon niet worden beantwoord.")


def _media_type(text: str) -> tuple[str, str, dict[str, str]] | None:
    """(type, subtype, parameters) of one media type or range, lower case; None if malformed."""
    kind, *params = text.split(";")
    main, slash, sub = kind.strip().lower().partition("/")
    if not slash or not main or not sub:
        return None
    parameters = {}
    for param in params:
        name, eq, value = param.partition("=")
        if not eq:
            return None
        parameters[name.strip().lower()] = value.strip().strip('"').lower()
    return main, sub, parameters


def check_accept(header: str | None) -> None:
    """406 unless ``Accept`` allows application/json in UTF-8 (absent and empty allow it).

    Each range of a list counts: ``*/*``, ``application/*`` or ``application/json``, with no
    parameters but ``charset=utf-8`` (any case) and a q other than 0.
    """
    if not header or not header.strip():
        return
    for item in header.split(","):
        parsed = _media_type(item)
        if parsed is None:
            continue
        main, sub, params = parsed
        q = params.pop("q", "1")
        if (main, sub) in (("*", "*"), ("application", "*"), _JSON_TYPES) \
                and params.get("charset", "utf-8") == "utf-8" and set(params) <= {"charset"} \
                and not _zero(q):
            return
    raise not_acceptable()


def _zero(q: str) -> bool:
    try:
        return float(q) <= 0
    except ValueError:
        return True


def check_content_type(header: str | None) -> None:
    """415 unless ``Content-Type`` is application/json with at most ``charset=utf-8`` (or absent)."""
    if not header or not header.strip():
        return
    parsed = _media_type(header)
    if parsed is None or parsed[:2] != _JSON_TYPES or set(parsed[2]) - {"charset"} \
            or parsed[2].get("charset", "utf-8") != "utf-8":
        raise unsupported_media_type()


def parse(body: bytes) -> BewoningVraag:
    """The :class:`BewoningVraag` of a request body, or :class:`Problem` 400."""
    if too_deep(body):  # checked first: json.loads would meet the recursion limit
        raise invalid_json()
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise invalid_json() from None
    if not isinstance(data, dict):
        raise invalid_json()
    kind = data.get("type")
    if kind is None:
        raise invalid_params([_param("type", "required", "Parameter is verplicht.")])
    if not isinstance(kind, str) or kind not in FIELDS:
        raise invalid_params([_param("type", "value", "Waarde is geen geldig zoek type.")])
    problems = [_param(name, "unknownParam", "Parameter is niet verwacht.")
                for name in sorted(data) if name not in FIELDS[kind]]
    object_id = data.get("adresseerbaarObjectIdentificatie")
    if _missing(object_id):
        problems.append(_param("adresseerbaarObjectIdentificatie", "required", "Parameter is verplicht."))
    elif not (isinstance(object_id, str) and _OBJECT.fullmatch(object_id)):
        problems.append(_param("adresseerbaarObjectIdentificatie", "pattern",
                               f"Waarde voldoet niet aan patroon {OBJECT_PATTERN}."))
    if kind == PEILDATUM:
        peildatum = _date(data, "peildatum", problems)
        if peildatum is not None and peildatum == dt.date.max:
            problems.append(_param("peildatum", "date", "Waarde is geen geldige datum."))
        if problems:
            raise invalid_params(problems)
        return BewoningVraag(object_id, peildatum, peildatum + dt.timedelta(days=1), peildatum=True)
    tot = _date(data, "datumTot", problems)
    van = _date(data, "datumVan", problems)
    if van is not None and tot is not None and tot <= van:
        problems.append(_param("datumTot", "date", "datumTot moet na datumVan liggen."))
    if problems:
        raise invalid_params(problems)
    return BewoningVraag(object_id, van, tot)


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _missing(value) -> bool:
    return value is None or value == ""


def _param(name: str, code: str, reason: str) -> dict:
    """One invalidParams item, as the Haal Centraal services give it: no ``type``."""
    return {"code": code, "name": name, "reason": reason}


def _date(data: dict, name: str, problems: list[dict]) -> dt.date | None:
    """The ISO date (YYYY-MM-DD) ``data[name]``; None, with a problem added, when it is not one."""
    value = data.get(name)
    if _missing(value):
        problems.append(_param(name, "required", "Parameter is verplicht."))
        return None
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(_param(name, "date", "Waarde is geen geldige datum."))
    return None
