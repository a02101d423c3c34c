"""The address the APIs give of themselves (issue 15, item 12): the WSDL's soap:address and
the servers of the OpenAPI documents come from ``serve --public-url`` when given, and
otherwise from the request only when its X-Forwarded-Proto is http/https and its Host a
valid host[:port]; anything else gives way to the server's own address."""
from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from adhoc_ws import web
from adhoc_ws.app import build as build_app
from adhoc_ws.cli import main
from adhoc_ws.service import AdhocService
from adhoc_ws.storage import database

from conftest import ENDPOINT
from test_cli import run
from wsgi_client import call

SERVER = {"SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "wsgi.url_scheme": "http"}
OWN = "http://127.0.0.1:8000"
HOSTILE_HOSTS = ["javascript:alert(1)", "exa mple.nl", 'x"><script>', "x'y", "<x>", "x\r\nSet-Cookie: a=b",
                 "a" * 300, "a." * 130, "ex.nl:99999", "ex.nl:", "ex.nl:8o", "[::1", "[zz::1]", "[::1]x",
                 "user@ex.nl", "ex.nl/pad", "ex.nl?q", "ex.nl#f", "ex.nl, other.nl", "", " ", "\x00", "é.nl",
                 "-ex.nl", "ex..nl", "%2e.nl"]
HOSTILE_SCHEMES = ["javascript", "javascript:", "file", "ftp", "https:", "ht tp", "http\r\n", '"', "<", "x" * 10_000,
                   "data:text/html,<x>"]


@pytest.fixture(scope="module")
def app():
    engine = database.open_engine("sqlite://")
    database.init(engine)
    return build_app(AdhocService(engine))


def addresses(app, **headers) -> list[str]:
    """The WSDL's soap:address and the servers of the bewoning and Berichten OpenAPI documents."""
    environ = {**SERVER, **{f"HTTP_{k.upper()}": v for k, v in headers.items() if v is not None}}
    wsdl = call(app, "GET", ENDPOINT, environ={**environ, "QUERY_STRING": "wsdl"})
    assert wsdl.status == 200
    location = etree.fromstring(wsdl.body).find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address").get("location")
    found = [location.removesuffix(ENDPOINT)]
    for path, suffix in (("/haalcentraal/api/bewoning/openapi.json", "/haalcentraal/api/bewoning"),
                         ("/api/v1/openapi.json", "/api/v1/")):
        answer = call(app, "GET", path, environ=environ)
        assert answer.status == 200, (path, answer.body[:200])
        found.append(json.loads(answer.body)["servers"][0]["url"].removesuffix(suffix))
    return found


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_a_host_that_is_no_host_gives_way_to_the_servers_own(app, host):
    assert addresses(app, host=host) == [OWN] * 3
    assert addresses(app, host=host, x_forwarded_proto="https") == [OWN.replace("http", "https")] * 3


@pytest.mark.parametrize("scheme", HOSTILE_SCHEMES)
def test_a_forwarded_scheme_other_than_http_or_https_is_ignored(app, scheme):
    assert addresses(app, host="brp.example.nl", x_forwarded_proto=scheme) == ["http://brp.example.nl"] * 3


@pytest.mark.parametrize("host", ["brp.example.nl", "brp.example.nl:8443", "10.1.2.3:80", "[::1]:8000",
                                  "[2001:db8::1]", "localhost", "intern_host.local", "brp.example.nl."])
def test_a_valid_host_is_taken_as_the_client_addressed_the_service(app, host):
    assert addresses(app, host=host, x_forwarded_proto="HTTPS, http") == [f"https://{host}"] * 3


def test_the_public_url_is_the_address_whatever_the_request_says():
    engine = database.open_engine("sqlite://")
    database.init(engine)
    app = build_app(AdhocService(engine), public_url="https://brp.example.nl/adhoc/")
    for host in ["javascript:alert(1)", "other.example.nl", None]:
        assert addresses(app, host=host, x_forwarded_proto="http") == ["https://brp.example.nl/adhoc"] * 3


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://brp.example.nl", "https://", "https://a b.nl",
                                 "https://brp.example.nl/?q=1", "https://brp.example.nl/#x",
                                 "https://user:pw@brp.example.nl", 'https://brp.example.nl/"><x', "brp.example.nl"])
def test_a_public_url_that_is_not_one_is_refused_at_the_start(url):
    with pytest.raises(ValueError):
        web.public_url(url)
    code, output = run("--db", "sqlite://", "serve", "--public-url", url)
    assert code == 2 and "--public-url" in output


@pytest.mark.parametrize("url, expected", [("https://brp.example.nl", "https://brp.example.nl"),
                                           ("HTTP://brp.example.nl:8080/a/b/", "http://brp.example.nl:8080/a/b"),
                                           ("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443")])
def test_a_public_url_is_kept_as_given(url, expected):
    assert web.public_url(url) == expected


def test_every_address_is_plain(app):
    """Whatever is sent, an address holds nothing that needs escaping in XML, JSON or HTML."""
    for host in HOSTILE_HOSTS:
        for scheme in HOSTILE_SCHEMES[:4]:
            for address in addresses(app, host=host, x_forwarded_proto=scheme):
                assert re.fullmatch(r"https?://[A-Za-z0-9._\-\[\]:]+", address), address
