"""OAuth 2.0 client credentials: ``POST /oauth2/token`` and bearer tokens on the Berichten API
(client_id = mailbox number) and the bewoning API (client_id = account name), besides Basic.
Expired, forged and foreign tokens are 401 problems."""
from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from urllib.parse import urlencode

import jwt
import pytest
import requests
from sqlalchemy import text

from adhoc_ws.accounts import Accounts
from adhoc_ws.app import build as build_app
from adhoc_ws.oauth import BERICHTEN, BEWONING, Tokens, read_key
from adhoc_ws.service import AdhocService

from adhoc_ws.accounts import load_afnemers

from berichten_data import PASSWORD, RAAD, ZWOLLE, add_mailboxen
from test_accounts import account, afnemer
from test_cli import run
from wsgi_client import basic, call

TOKEN = "/oauth2/token"
LIST = "/api/v1/berichten"
BEWONINGEN = "/haalcentraal/api/bewoning/bewoningen"
ASK = {"type": "BewoningMetPeildatum", "adresseerbaarObjectIdentificatie": "0014013422243045",
       "peildatum": "2024-01-01"}


@pytest.fixture
def served(engine, tmp_path):
    """The front door over one database with mailboxes and one bewoning account (gemeente 0014)."""
    add_mailboxen(engine)
    path = tmp_path / "afnemers.json"
    path.write_text(json.dumps({"afnemers": [afnemer("999100", "Gemeente Groningen", [account("groningen")],
                                                     gemeente_code="0014")]}))
    load_afnemers(engine, path)
    tokens = Tokens()
    return build_app(AdhocService(engine, accounts=Accounts(engine)), tokens=tokens), tokens


def form(**fields) -> bytes:
    return urlencode(fields).encode()


def token_request(app, headers=None, **fields):
    return call(app, "POST", TOKEN, form(**fields),
                headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})


def token(app, client_id=f"{RAAD:07d}", secret=PASSWORD, resource="brp-berichten", **more) -> str:
    answer = token_request(app, grant_type="client_credentials", client_id=client_id, client_secret=secret,
                           resourceServer=resource, **more)
    assert answer.status == 200, answer.body
    return answer.json()["access_token"]


def bearer(value: str) -> dict:
    return {"Authorization": f"Bearer {value}"}


def test_a_mailbox_gets_a_token_and_uses_it(served):
    app, _ = served
    answer = token_request(app, grant_type="client_credentials", client_id="0193010", client_secret=PASSWORD,
                           resourceServer="ResourceServer01", scope="bba-demo-0193010")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/json"
    assert (answer.headers["cache-control"], answer.headers["pragma"]) == ("no-store", "no-cache")
    body = answer.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 600, "bba-demo-0193010")
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert (claims["sub"], claims["aud"], claims["exp"] - claims["iat"]) == ("0193010", BERICHTEN, 600)
    listed = call(app, "GET", LIST, headers=bearer(body["access_token"]))
    assert listed.status == 200 and listed.json()["berichten"] == []


def test_client_credentials_may_come_as_http_basic(served):
    app, _ = served
    answer = token_request(app, headers={"Authorization": basic("9999010", PASSWORD)},
                           grant_type="client_credentials", resourceServer="brp-berichten")
    assert answer.status == 200
    assert call(app, "GET", LIST, headers=bearer(answer.json()["access_token"])).status == 200


def test_an_account_gets_a_token_for_the_bewoning_api(served):
    app, _ = served
    value = token(app, "groningen", "Geheim-Wachtwoord-42", "brp-bewoning")
    answer = call(app, "POST", BEWONINGEN, ASK, headers=bearer(value))
    assert answer.status == 200 and "bewoningen" in answer.json()
    with app.mounts[0][1].engine.connect() as conn:  # recorded as that account
        assert conn.execute(text("SELECT gebruikersnaam FROM adhoc_protocol")).scalar() == "groningen"


def test_a_token_is_for_its_own_api_only(served):
    app, _ = served
    berichten = token(app)
    assert call(app, "POST", BEWONINGEN, ASK, headers=bearer(berichten)).status == 401
    bewoning = token(app, "groningen", "Geheim-Wachtwoord-42", "brp-bewoning")
    answer = call(app, "GET", LIST, headers=bearer(bewoning))
    assert answer.status == 401 and answer.json()["type"].endswith("BBA-AUTH-F001")


@pytest.mark.parametrize("client_id, secret, resource", [
    ("9999010", "Verkeerd-Wachtwoord-1", "brp-berichten"), ("1234567", PASSWORD, "brp-berichten"),
    ("raad", PASSWORD, "brp-berichten"), ("0344010", PASSWORD, "brp-berichten"),  # switched off
    ("groningen", "Verkeerd-Wachtwoord-1", "brp-bewoning"), ("9999010", PASSWORD, "brp-bewoning"),
])
def test_wrong_client_credentials_are_invalid_client(served, client_id, secret, resource):
    app, _ = served
    answer = token_request(app, grant_type="client_credentials", client_id=client_id, client_secret=secret,
                           resourceServer=resource)
    assert (answer.status, answer.json()) == (401, {"error": "invalid_client"})
    assert answer.headers["www-authenticate"].startswith("Basic")


def test_repeated_failures_lock_the_client_out_of_tokens_too(served):
    app, _ = served
    for _ in range(5):
        token_request(app, grant_type="client_credentials", client_id="9999010",
                      client_secret="Verkeerd-Wachtwoord-1", resourceServer="brp-berichten")
    answer = token_request(app, grant_type="client_credentials", client_id="9999010", client_secret=PASSWORD,
                           resourceServer="brp-berichten")
    assert answer.status == 401
    assert call(app, "GET", LIST, headers={"Authorization": basic("9999010", PASSWORD)}).status == 401


@pytest.mark.parametrize("fields, error", [
    ({"client_id": "9999010", "client_secret": PASSWORD, "resourceServer": "brp-berichten"}, "invalid_request"),
    ({"grant_type": "password", "client_id": "9999010", "client_secret": PASSWORD,
      "resourceServer": "brp-berichten"}, "unsupported_grant_type"),
    ({"grant_type": "client_credentials", "client_id": "9999010", "client_secret": PASSWORD}, "invalid_target"),
    ({"grant_type": "client_credentials", "client_id": "9999010", "client_secret": PASSWORD,
      "resourceServer": "elders"}, "invalid_target"),
])
def test_a_malformed_token_request_is_400(served, fields, error):
    app, _ = served
    answer = token_request(app, **fields)
    assert answer.status == 400 and answer.json()["error"] == error


def test_only_post_and_only_that_path(served):
    app, _ = served
    assert call(app, "GET", TOKEN).status == 405
    assert call(app, "POST", "/oauth2/elders", b"").status == 404


def expired(tokens: Tokens, client_id: str, audience: str) -> str:
    return Tokens(tokens.key, clock=lambda: time.time() - 601).issue(client_id, audience)


def forged(client_id: str, audience: str) -> str:
    return Tokens().issue(client_id, audience)  # another key


def altered(tokens: Tokens, client_id: str, audience: str) -> str:
    header, payload, signature = tokens.issue("9999020", audience).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = client_id
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{payload}.{signature}"


def unsigned(client_id: str, audience: str) -> str:
    return jwt.encode({"iss": "adhoc-ws", "sub": client_id, "aud": audience, "iat": int(time.time()),
                       "nbf": int(time.time()), "exp": int(time.time()) + 600}, None, algorithm="none")


@pytest.mark.parametrize("make", ["expired", "forged", "altered", "unsigned", "garbage"])
def test_an_expired_or_forged_token_is_a_401_problem(served, make):
    app, tokens = served
    values = {"expired": lambda c, a: expired(tokens, c, a), "forged": forged,
              "altered": lambda c, a: altered(tokens, c, a), "unsigned": unsigned,
              "garbage": lambda c, a: "eyJub3QiOiJhIHRva2VuIn0"}[make]
    answer = call(app, "GET", LIST, headers=bearer(values(f"{ZWOLLE:07d}", BERICHTEN)))
    assert answer.status == 401 and answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"].endswith("BBA-AUTH-F001")
    answer = call(app, "POST", BEWONINGEN, ASK, headers=bearer(values("groningen", BEWONING)))
    assert answer.status == 401 and answer.headers["content-type"].startswith("application/problem+json")


def test_a_valid_token_of_a_mailbox_switched_off_since(served, engine):
    app, _ = served
    value = token(app, "0193010")
    with engine.begin() as conn:
        conn.execute(text("UPDATE berichten_mailbox SET actief = 0 WHERE mailbox = 193010"))
    answer = call(app, "GET", LIST, headers=bearer(value))
    assert answer.status == 401 and answer.json()["type"].endswith("BBA-AUTH-F002")


def test_a_token_key_file_needs_32_bytes(tmp_path):
    short = tmp_path / "kort"
    short.write_bytes(b"x" * 31)
    with pytest.raises(ValueError, match="32 bytes"):
        read_key(short)
    good = tmp_path / "goed"
    good.write_text("0f" * 32 + "\n")
    assert read_key(good) == b"0f" * 32


def test_serve_refuses_a_short_token_key(tmp_path):
    key = tmp_path / "kort.key"
    key.write_text("kort")
    code, output = run("serve", "--token-key", key)
    assert code == 2 and "at least 32 bytes" in output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("key_file", [False, True])
def test_every_worker_of_serve_accepts_the_tokens_any_worker_issued(tmp_path, key_file):
    """Two gunicorn workers, one key (made at the start, or ``--token-key``) shared: every
    request on a new connection (some reach one worker, some the other) takes the token."""
    port = _free_port()
    env = {**os.environ, "ADHOC_WS_DB": f"sqlite:///{tmp_path / 'demo.sqlite'}"}
    key = tmp_path / "token.key"
    key.write_text("5a" * 32 + "\n")
    server = subprocess.Popen([sys.executable, "-m", "adhoc_ws.cli", "serve", "--demo", "--workers", "2",
                               "--threads", "1", "--port", str(port)] + (["--token-key", key] if key_file else []),
                              env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(base + "/health", timeout=2)
                break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        answer = requests.post(base + TOKEN, data={"grant_type": "client_credentials", "client_id": "0193010",
                                                    "client_secret": "Zwolle-Mailbox-2026",
                                                    "resourceServer": "ResourceServer01"}, timeout=30)
        assert answer.status_code == 200, answer.text
        value = answer.json()["access_token"]
        for _ in range(30):
            with requests.get(base + LIST, headers=bearer(value), timeout=30) as reply:  # a new connection
                assert reply.status_code == 200, reply.text
        ours = Tokens(read_key(key)).issue("0193010", BERICHTEN)  # signed with the file's key
        assert requests.get(base + LIST, headers=bearer(ours), timeout=30).status_code == (200 if key_file else 401)
    finally:
        server.terminate()
        server.communicate(timeout=30)
