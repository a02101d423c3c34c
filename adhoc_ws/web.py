"""The front door: what the HTTP APIs share, below them.

``soap/``, ``bewoning/`` (and every further API) are WSGI applications of their own that
import from here and never from each other; :mod:`adhoc_ws.app` mounts them on one
:class:`FrontDoor`. Here live:

- :class:`FrontDoor`: the WSGI dispatch by path prefix, ``GET /health``, and one JSON line
  per request on the ``adhoc_ws.access`` logger (method, path, status, time, sizes, and what
  the API adds under :data:`ACCESS_EXTRA`, such as a SOAP call's operation and result code;
  never a zoekwaarde, a BSN, a name or a credential);
- request bodies and their limits (:func:`read_body`, :class:`BodyTooLarge`);
- credentials as clients send them over HTTP: Basic (:func:`http_credentials`), or a bearer
  token an API checks (:func:`caller`);
- problem+json answers (:class:`Problem`, RFC 7807, as the Haal Centraal APIs give them),
  and answering a request with them (:func:`respond`);
- the request's own address (:func:`own_base_url`).
"""
from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import re
import time
import urllib.parse
from http import HTTPStatus
from itertools import accumulate
from typing import Callable, Iterable

from .accounts import Bearer, Credentials
from .logsafe import log_failure

access_log = logging.getLogger("adhoc_ws.access")

BYTES_IN = "adhoc_ws.bytes_in"  # environ key: the request bytes an app read, for the access log
ACCESS_EXTRA = "adhoc_ws.access"  # environ key: a dict an app adds to its access-log line
PROBLEM_JSON = "application/problem+json; charset=utf-8"
BASIC_CHALLENGE = 'Basic realm="adhoc-ws", charset="UTF-8"'  # WWW-Authenticate of a 401


class FrontDoor:
    """The WSGI callable ``adhoc-ws serve`` runs: each path prefix to its application.

    ``mounts`` is a list of (path prefix, WSGI app), tried in order; ``default`` takes every
    other path. ``healthy`` answers ``GET /health``: 200 ``ok``, or 503 when it returns False.
    ``public_url`` (checked by :func:`public_url`) is the address the APIs give of themselves
    (:func:`own_base_url`), whatever the request's ``Host``.
    """

    def __init__(self, default, mounts: Iterable[tuple[str, Callable]] = (), *,
                 healthy: Callable[[], bool] | None = None, public_url: str | None = None):
        self.default = default
        self.mounts = list(mounts)
        self.healthy = healthy
        self.public_url = public_url

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        if self.public_url:
            environ[PUBLIC_URL] = self.public_url
        statuses = []

        def start(status, headers, exc_info=None):
            statuses.append(status)
            return start_response(status, headers, exc_info)

        body = self._dispatch(environ, start)
        access(environ, statuses[-1] if statuses else "500", started, sum(map(len, body)))
        return body

    def _dispatch(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/health" and self.healthy is not None \
                and environ.get("REQUEST_METHOD", "GET") in ("GET", "HEAD"):
            if self.healthy():
                return plain(start_response, "200 OK", b"ok\n")
            return plain(start_response, "503 Service Unavailable", b"database unavailable\n")
        for prefix, app in self.mounts:
            if path.startswith(prefix):
                return app(environ, start_response)
        return self.default(environ, start_response)


def plain(start_response, status: str, text: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))])
    return [text]


def configure_logging(stream=None) -> None:
    """adhoc-ws's log lines of INFO and up (the access log among them), other libraries' of
    WARNING and up, as bare messages on ``stream`` (stderr), as ``adhoc-ws serve`` writes
    them. A line carries nothing but its message, so logging is told not to find the
    caller's frame, thread and process for it (the logging HOWTO, "Optimization"): most of
    the cost of an access-log line."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=stream)
    logging.getLogger("adhoc_ws").setLevel(logging.INFO)
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False


def access(environ, status: str, started: float, bytes_out: int) -> None:
    """One JSON line per request: what was asked and answered, never about whom."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    entry = {"ts": _timestamp(),
             "method": environ.get("REQUEST_METHOD", "GET"), "path": environ.get("PATH_INFO", ""),
             "status": int(status[:3]), "ms": round((time.perf_counter() - started) * 1000, 2),
             "bytes_in": environ.get(BYTES_IN, 0), "bytes_out": bytes_out}
    entry.update(environ.get(ACCESS_EXTRA) or {})
    access_log.info(json.dumps(entry))


_second = (0, "")  # the last second written, and its local time up to the seconds


def _timestamp() -> str:
    """The local time to the millisecond, as ``datetime.isoformat(timespec="milliseconds")``
    writes it; the part up to the seconds is made once a second."""
    global _second
    now = time.time()
    second, text = _second
    if second != int(now):
        second = int(now)
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(second))
        _second = second, text
    return f"{text}.{int((now - second) * 1000):03d}"


class BodyTooLarge(Exception):
    """The request body is larger than the limit; ``read`` bytes of it were read."""

    def __init__(self, read: int):
        super().__init__(read)
        self.read = read


def read_body(environ, limit: int) -> bytes:
    """The request body, at most ``limit`` bytes (else :class:`BodyTooLarge`); the bytes read
    are noted for the access log. Without a Content-Length it is read up to the limit when the
    server marks its end (chunked), and is empty otherwise (reading on could wait for a client
    that sends no more, PEP 3333)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        length = -1
    if length > limit:
        environ[BYTES_IN] = 0
        raise BodyTooLarge(0)
    stream = environ["wsgi.input"]
    if length >= 0:
        body = stream.read(length)
    elif environ.get("wsgi.input_terminated"):
        body = stream.read(limit + 1)
    else:
        body = b""
    environ[BYTES_IN] = len(body)
    if len(body) > limit:
        raise BodyTooLarge(len(body))
    return body


def http_credentials(environ) -> Credentials | None:
    """HTTP Basic credentials from X-Brp-Credentials or Authorization, if any."""
    for header in ("HTTP_X_BRP_CREDENTIALS", "HTTP_AUTHORIZATION"):
        scheme, _, token = environ.get(header, "").partition(" ")
        if scheme.lower() != "basic":
            continue
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return Credentials("", "")  # present but unreadable: wrong credentials
        gebruikersnaam, _, wachtwoord = decoded.partition(":")
        return Credentials(gebruikersnaam, wachtwoord)
    return None


def caller(environ, verify: Callable[[str], str | None] | None = None) -> Credentials | Bearer | None:
    """Who calls: the name a bearer token (``Authorization: Bearer …``) was issued to, when
    ``verify`` (an API's check of its tokens) accepts it, else the HTTP Basic credentials
    (:func:`http_credentials`). A token ``verify`` refuses — forged, expired, another API's —
    counts as wrong credentials, as unreadable Basic credentials do."""
    scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() == "bearer" and verify is not None:
        client = verify(token.strip())
        return Bearer(client) if client else Credentials("", "")
    return http_credentials(environ)


PUBLIC_URL = "adhoc_ws.public_url"  # environ key: the configured public URL (serve --public-url)
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOST = re.compile(rf"(?P<name>{_LABEL}(?:\.{_LABEL})*\.?|\[(?P<ipv6>[0-9A-Fa-f:.]{{2,45}})\])"
                   r"(?::(?P<port>[0-9]{1,5}))?")


def own_base_url(environ) -> str:
    """The address the APIs give of themselves (the WSDL's ``soap:address``, the servers of
    the OpenAPI documents): the public URL the front door was given (``serve
    --public-url``), else scheme://host of the request as the client addressed it, plus
    SCRIPT_NAME. What a client sends is taken only when it is what it claims to be: the
    scheme from ``X-Forwarded-Proto`` only when ``http`` or ``https``, the ``Host`` only when
    it is a host name, IPv4 or [IPv6] address with at most a port (:func:`valid_host`);
    otherwise the server's own scheme and address stand in."""
    public = environ.get(PUBLIC_URL)
    if public:
        return public
    scheme = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()  # the first proxy
    if scheme not in ("http", "https"):
        scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST", "")
    if not valid_host(host):
        name = environ.get("SERVER_NAME", "localhost")
        host = f"[{name}]" if ":" in name else name
        if environ.get("SERVER_PORT"):
            host += f":{environ['SERVER_PORT']}"
    return f"{scheme}://{host}{environ.get('SCRIPT_NAME', '')}"


def valid_host(host: str) -> bool:
    """Is ``host`` a ``Host`` header value: a host name (at most 253 characters) or IPv4
    address, or an IPv6 address in brackets, with at most a port (0-65535)?"""
    match = _HOST.fullmatch(host) if len(host) <= 260 else None
    if match is None or (match["port"] and int(match["port"]) > 65535):
        return False
    if match["ipv6"] is not None:
        try:
            ipaddress.IPv6Address(match["ipv6"])
        except ValueError:
            return False
        return True
    return len(match["name"]) <= 253


def public_url(url: str) -> str:
    """``url`` as a public URL (``serve --public-url``): http or https, a valid host, perhaps a
    path, no query, fragment or credentials; without a trailing slash. ValueError otherwise."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("the scheme must be http or https")
    if not valid_host(parts.netloc):
        raise ValueError("the host must be a host name or address, with at most a port")
    if parts.query or parts.fragment or not re.fullmatch(r"(/[A-Za-z0-9._~!$&'()*+,;=:@%-]*)*", parts.path):
        raise ValueError("only a path may follow the host")
    return f"{parts.scheme.lower()}://{parts.netloc}{parts.path.rstrip('/')}"


class Problem(Exception):
    """An error answer in problem+json (RFC 7807), as the Haal Centraal APIs give them."""

    def __init__(self, status: int, code: str, title: str, type_: str, *, detail: str | None = None,
                 invalid_params: list[dict] | None = None, headers: list[tuple[str, str]] | None = None,
                 extra: dict | None = None, content_type: str = PROBLEM_JSON):
        super().__init__(title)
        self.status, self.code, self.title, self.type = status, code, title, type_
        self.detail, self.invalid_params = detail, invalid_params
        self.headers = headers or []
        self.extra = extra or {}  # further members an API's problems have
        self.content_type = content_type

    def body(self, instance: str) -> dict:
        """The problem+json object, without null fields."""
        body = {"type": self.type, "title": self.title, "status": self.status, "detail": self.detail,
                "instance": instance, "code": self.code, "invalidParams": self.invalid_params,
                **self.extra}
        return {k: v for k, v in body.items() if v is not None}

    def answer(self, environ) -> tuple[int, list[tuple[str, str]], bytes]:
        """(status, headers, body) of this problem, its instance the request's path."""
        instance = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        return self.status, [("Content-Type", self.content_type)] + self.headers, \
            json_bytes(self.body(instance))


def respond(environ, start_response, route: Callable, server_error: Callable[[], "Problem"],
            logger: logging.Logger) -> list[bytes]:
    """Answer with ``route(environ)``, a (status, headers, body): a :class:`Problem` it raises is
    that problem's answer; anything else is logged and answered ``server_error()``."""
    try:
        status, headers, body = route(environ)
    except Problem as p:
        status, headers, body = p.answer(environ)
    except Exception:
        log_failure(logger, "request failed")
        status, headers, body = server_error().answer(environ)
    start_response(f"{status} {HTTPStatus(status).phrase}", headers + [("Content-Length", str(len(body)))])
    return [body]


def json_bytes(value) -> bytes:
    """Compact UTF-8 JSON, as the APIs answer."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


MAX_JSON_DEPTH = 64  # arrays and objects in one another: no request of any API comes near
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NO_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH = {"[": 1, "{": 1, "]": -1, "}": -1}


def too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON document ``body`` (any encoding ``json.loads`` reads) nests arrays and
    objects deeper than ``limit``: decided without recursion, before parsing, so that
    ``json.loads`` never meets Python's recursion limit (whose RecursionError can surface
    again later, from the garbage collector, as an unraisable exception)."""
    if body.count(b"[") + body.count(b"{") <= limit:  # every encoding has these bytes in them
        return False
    text = body.decode(json.detect_encoding(body), "replace")
    brackets = _NO_BRACKETS.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_DEPTH.__getitem__, brackets)), default=0) > limit
