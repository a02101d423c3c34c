"""OAuth 2.0 client credentials (RFC 6749 §4.4), as the real BRP REST APIs are reached:
``POST /oauth2/token`` issues short-lived signed bearer tokens that the Berichten API and the
bewoning API accept besides HTTP Basic.

A token request is a form (``application/x-www-form-urlencoded``): ``grant_type`` =
``client_credentials``, ``client_id`` and ``client_secret`` (or those as HTTP Basic, RFC 6749
§2.3.1), ``resourceServer`` (the Berichten API's required extra parameter) and an optional
``scope``, which is given back as it came. The resource server says which API, and so who the
client is:

==================================  ===================  =====================================
``resourceServer``                  API                  ``client_id``, ``client_secret``
==================================  ===================  =====================================
``brp-berichten``, or RvIG's demo   the Berichten API    the mailbox number and its password
value ``ResourceServer01``
``brp-bewoning``                    the bewoning API     the account name and its password
==================================  ===================  =====================================

The answer is ``{"access_token", "token_type": "Bearer", "expires_in": 600, "scope"?}``
(600 s, as RvIG's example token); errors are RFC 6749 §5.2 JSON (``invalid_request``,
``unsupported_grant_type``, ``invalid_target`` for an unknown resource server, 401
``invalid_client`` for wrong credentials: the same for an unknown client, a wrong secret and a
locked one, through the same checks and lock-out as a login).

A token is a JWT (PyJWT, HS256) with ``iss``, ``sub`` (the client), ``aud`` (the API),
``iat``, ``nbf``, ``exp`` and ``jti``; an API takes one only with its own audience, unexpired
and with a valid signature. The key is ``serve --token-key FILE`` (at least 32 bytes), or made
at each start in the process that forks the workers, so that every worker checks what any
worker issued (tokens end with the server).
"""
from __future__ import annotations

import secrets
import time
import uuid
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs

import jwt

from .web import BodyTooLarge, http_credentials, json_bytes, read_body

TOKEN_PATH = "/oauth2/token"
TOKEN_SECONDS = 600
ISSUER = "adhoc-ws"
BERICHTEN, BEWONING = "brp-berichten", "brp-bewoning"
RESOURCE_SERVERS = {"ResourceServer01": BERICHTEN, BERICHTEN: BERICHTEN, BEWONING: BEWONING}
MIN_KEY = 32
MAX_BODY = 8 * 1024


class InvalidToken(Exception):
    """A bearer token that is forged, expired, or for another API."""


def read_key(path: str | Path) -> bytes:
    """A signing key from a file: its bytes but a final line break, at least 32 of them
    (``openssl rand -hex 32 > key`` makes one)."""
    key = Path(path).read_bytes().rstrip(b"\r\n")
    if len(key) < MIN_KEY:
        raise ValueError(f"{path}: a token key needs at least {MIN_KEY} bytes")
    return key


class Tokens:
    """Issuing and checking bearer tokens under one key."""

    def __init__(self, key: bytes | None = None, *, clock=time.time, seconds: int = TOKEN_SECONDS):
        """``clock`` dates the tokens issued; checking takes the time PyJWT takes."""
        self.key = key if key is not None else secrets.token_bytes(MIN_KEY)
        self.clock, self.seconds = clock, seconds

    def issue(self, client_id: str, audience: str) -> str:
        now = int(self.clock())
        return jwt.encode({"iss": ISSUER, "sub": client_id, "aud": audience, "iat": now, "nbf": now,
                           "exp": now + self.seconds, "jti": str(uuid.uuid4())}, self.key, algorithm="HS256")

    def verify(self, token: str, audience: str) -> str:
        """The client of a valid token for ``audience``, else :class:`InvalidToken`."""
        try:
            claims = jwt.decode(token, self.key, algorithms=["HS256"], audience=audience, issuer=ISSUER,
                                options={"require": ["exp", "iat", "nbf", "sub", "aud", "iss"]})
        except jwt.PyJWTError as e:
            raise InvalidToken(type(e).__name__) from None
        return claims["sub"]

    def checker(self, audience: str) -> Callable[[str], str | None]:
        """One API's check of a token: the client it was issued to, or None."""
        def check(token: str) -> str | None:
            try:
                return self.verify(token, audience)
            except InvalidToken:
                return None
        return check


class TokenEndpoint:
    """``POST /oauth2/token``. ``clients`` maps an audience to a check of (client_id, secret)
    that returns True for a client that may have a token."""

    def __init__(self, tokens: Tokens, clients: dict[str, Callable[[str, str], bool]]):
        self.tokens, self.clients = tokens, clients

    def __call__(self, environ, start_response):
        status, body, headers = self._answer(environ)
        headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("Pragma", "no-cache"),
                   ("Content-Length", str(len(body)))] + headers
        start_response(status, headers)
        return [body]

    def _answer(self, environ):
        if environ.get("PATH_INFO") != TOKEN_PATH:
            return "404 Not Found", json_bytes({"error": "not_found"}), []
        if environ.get("REQUEST_METHOD") != "POST":
            return "405 Method Not Allowed", json_bytes({"error": "invalid_request"}), [("Allow", "POST")]
        try:
            form = parse_qs(read_body(environ, MAX_BODY).decode("utf-8"), keep_blank_values=True)
        except (BodyTooLarge, UnicodeDecodeError):
            return _error("invalid_request", "Geen geldig formulier.")
        field = {name: values[0] for name, values in form.items() if len(values) == 1}
        basic = http_credentials(environ)
        client_id = field.get("client_id") or (basic.gebruikersnaam if basic else "")
        secret = field.get("client_secret") or (basic.wachtwoord if basic else "")
        if field.get("grant_type") != "client_credentials":
            return _error("unsupported_grant_type" if field.get("grant_type") else "invalid_request",
                          "Alleen grant_type=client_credentials.")
        audience = RESOURCE_SERVERS.get(field.get("resourceServer", ""))
        if audience is None:
            return _error("invalid_target", f"resourceServer: een van {', '.join(RESOURCE_SERVERS)}.")
        if not client_id or not secret or not self.clients[audience](client_id, secret):
            return ("401 Unauthorized", json_bytes({"error": "invalid_client"}),
                    [("WWW-Authenticate", 'Basic realm="adhoc-ws", charset="UTF-8"')])
        answer = {"access_token": self.tokens.issue(client_id, audience), "token_type": "Bearer",
                  "expires_in": self.tokens.seconds}
        if field.get("scope"):
            answer["scope"] = field["scope"]
        return "200 OK", json_bytes(answer), []


def _error(code: str, description: str):
    return "400 Bad Request", json_bytes({"error": code, "error_description": description}), []
