"""The Berichten API's errors (Foutmeldingen): the BBA codes of RvIG's OpenAPI document.

An error is an RFC 7807 object with ``type`` (the code's URI), ``title`` (RvIG's constant),
``detail``, ``dateTime`` and, for invalid fields, ``invalidParameters`` (``key``, ``value``).
A request refused as a whole is such an object as ``application/problem+json`` with its HTTP
``status`` (:func:`problem`); a message refused inside a 200 answer carries a list of them
(:func:`foutmelding`).
"""
from __future__ import annotations

import datetime as dt

from ..web import Problem

TYPE = "https://www.rvig.nl/brp/berichten-api/probleem/"
CONTENT_TYPE = "application/problem+json"  # as RvIG answers it, without charset

CODES = {  # code -> (title, detail), as RvIG's document has them
    "BBA-AUTH-F001": ("Authenticatiefout", "Onjuiste of onbekende authenticatie."),
    "BBA-AUTH-F002": ("Authenticatiefout", "Het account is geblokkeerd."),
    "BBA-PUT-F001": ("PUTREQUEST_NUMBER_OF_MESSAGES_IN_REQUEST_EXCEEDS_LIMITS",
                     "Het aantal berichten in het verzoek overschrijd het ingestelde limiet"),
    "BBA-PUT-F002": ("PUTREQUEST_INVALID_FIELD_ERROR",
                     "Een of meerdere velden in het bericht voldoen niet aan de gestelde eisen"),
    "BBA-PUT-F003": ("PUTREQUEST_MESSAGE_COULD_NOT_BE_SEND",
                     "Het bericht kon niet verzonden worden aan de geadresseerde"),
    "BBA-LIST-F001": ("LIST_MESSAGE_REQUEST_INVALID_PARAMETERS", "Ongeldige zoekfilters opgegeven"),
    "BBA-GET-F001": ("GETREQUEST_MESSAGE_CONTENT_EXPIRED",
                     "Het bericht is niet langer beschikbaar omdat de retentietijd verstreken is."),
    "BBA-GET-F002": ("GETREQUEST_MESSAGE_CONTENT_DELETED",
                     "Het bericht is niet langer beschikbaar omdat het verwijderd is."),
    "BBA-GET-F003": ("GETREQUEST_MESSAGE_NOT_FOUND", "Onbekend berichtTransportId"),
    "BBA-GET-F004": ("GETREQUEST_REQUESTED_NUMBER_OF_MESSAGES_EXCEEDS_LIMIT",
                     "Het aantal opgevraagde berichten overschreed het ingestelde limiet"),
    "BBA-DELETE-F001": ("DELETEREQUEST_MESSAGE_EXPIRED",
                        "Het bericht is niet langer beschikbaar omdat de retentietijd verstreken is."),
    "BBA-DELETE-F002": ("DELETEREQUEST_MESSAGE_DELETED",
                        "Het bericht is niet langer beschikbaar omdat het reeds verwijderd is."),
    "BBA-DELETE-F003": ("DELETEREQUEST_MESSAGE_NOT_FOUND", "Onbekend berichtTransportId"),
    "BBA-DELETE-F004": ("DELETEREQUEST_REQUESTED_NUMBER_OF_MESSAGES_EXCEEDS_LIMIT",
                        "Het aantal berichten dat in dit verzoek verwijderd dient te worden overschrijft "
                        "het ingestelde limiet"),
    "BBA-SUMMARIZE-F001": ("SUMMARIZEREQUEST_INVALID_REQUEST_ERROR",
                           "Het verzoek is onjuist controleer de zoekparameters."),
    "BBA-F999": ("TECHNICAL_ERROR", "Onbekende (/technische) fout."),
}


def date_time() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="microseconds")


def foutmelding(code: str, *, detail: str | None = None, invalid: list[dict] | None = None) -> dict:
    """One error object, as the 200 answers list them per message."""
    title, standard = CODES[code]
    result = {"type": TYPE + code, "title": title, "detail": detail or standard, "dateTime": date_time()}
    if invalid is not None:
        result["invalidParameters"] = invalid
    return result


def problem(status: int, code: str, *, detail: str | None = None, invalid: list[dict] | None = None,
            headers: list[tuple[str, str]] | None = None) -> Problem:
    """A whole request refused with ``code``, as ``application/problem+json``."""
    title, standard = CODES[code]
    extra = {"dateTime": date_time()}
    if invalid is not None:
        extra["invalidParameters"] = invalid
    return Problem(status, code, title, TYPE + code, detail=detail or standard, headers=headers,
                   extra=extra, content_type=CONTENT_TYPE,
                   # BBA-LIST-F001 requires "invalidParams" (and describes invalidParameters)
                   invalid_params=invalid if code == "BBA-LIST-F001" else None)


def unauthenticated(blocked: bool = False) -> Problem:
    return problem(401, "BBA-AUTH-F002" if blocked else "BBA-AUTH-F001",
                   headers=[("WWW-Authenticate", 'Basic realm="adhoc-ws", charset="UTF-8"')])


def technical() -> Problem:
    return problem(500, "BBA-F999")
