"""Seeded fuzzing: malformed and hostile requests, and what every answer to them must be.

Shared by ``tests/test_fuzz.py`` (a few thousand cases, in CI) and ``bench/fuzz.py``
(100,000). :class:`Cases` makes requests from a seed: SOAP envelopes mutated byte by byte,
with hostile values (huge, negative and odd numbers, long and odd texts), deep nesting, odd
encodings and DTDs in every encoding, odd headers and credentials, oversized and truncated
bodies; bewoning and Berichten API requests and token requests the same way. :func:`call`
asks a WSGI application in-process; :func:`raw_cases` are what only a served instance sees
(chunked framing, bodies that end early, broken request lines), for :func:`exchange_raw`.

:func:`failures` says what is wrong with an answer: a 5xx other than the documented SOAP
Faults (``soap:Client``, ``soap:VersionMismatch``: a request that is not a SOAP call of this
service), internals (a traceback, a Python exception name, a file path, SQL, a table name)
that the request did not itself contain, or an answer that is not HTTP.
"""
from __future__ import annotations

import base64
import codecs
import io
import json
import random
import re
import socket
from dataclasses import dataclass, field

from adhoc_ws.accounts import password_problem
from wsgi_client import parse_head, set_headers

LRD = "http://www.bprbzk.nl/GBA/LRDPlus/version1.1"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
ENDPOINT = "/gba-v/online/lo3services/adhoc"
BEWONINGEN = "/haalcentraal/api/bewoning/bewoningen"
BERICHTEN = "/api/v1/berichten"
TOKEN = "/oauth2/token"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


DEMO = basic("demo", "Demo-Wachtwoord-2026")
MAILBOX = basic("9999010", "Rechtspraak-Demo-2026")

HOSTILE_INTS = ["1" * 5000, "-" + "9" * 5000, "0" * 5000 + "10120", "+" + "1" * 4301, "-0", "+", "-", "",
                " ", "1e5", "0x10", "1_0", "١٢", "１０１２０", "10120.0", "2147483648", "-2147483649", "NaN",
                "∞", "10120\x00", "&#49;&#48;", "9" * 20, "-1", "128", "-129", "32768", " \t\n10120\n ",
                "<![CDATA[10120]]>", "&amp;", "&lt;"]
HOSTILE_TEXTS = ["", " ", "*", "**", "?", "%", "_", "\\", "'", "' OR '1'='1", "\"; DROP TABLE lo3_pl; --",
                 "x" * 100_000, "é" * 3000, "&#0;", "&#xD800;", "&#1;", "&#x1F600;", "\u200b", "\ufeff",
                 "Müller", "J* H*", "/Muller", "1955*", "9" * 5000, "00000000", "99999999", "20260230",
                 "<![CDATA[<x>]]>", "&lt;script&gt;", "\t\r\n", "ÿ" * 50, "ǅ", "ß" * 200, "a\x7fb", "\x85"]
RUBRIEKEN = ["10120", "10110", "10210", "10240", "10310", "10410", "81110", "81160", "81180", "510240",
             "80910", "0", "99999", "10120 ", "010120", "-10120"]
# new passwords that the policy refuses (X110-X113), so the demo account keeps its own
PASSWORDS = [t for t in HOSTILE_TEXTS + ["Kort-1", "alleenkleineletters", "Demo-Wachtwoord-2026", "abcd-EFGH-1234"]
             if password_problem(t) is not None and "&" not in t]
HOSTS = ["javascript:alert(1)", "x\r\nSet-Cookie: a", "a" * 10_000, "[::1", "ex.nl:99999", '"><x', "é.nl"]
DTDS = ['<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">', "<!DOCTYPE x>"]
ENCODINGS = [("UTF-8", "utf-8", b""), (None, "utf-8", codecs.BOM_UTF8), ("UTF-16", "utf-16-le", codecs.BOM_UTF16_LE),
             ("UTF-16", "utf-16-be", codecs.BOM_UTF16_BE), ("UTF-16LE", "utf-16-le", b""),
             ("UTF-16BE", "utf-16-be", b""), (None, "utf-16-le", codecs.BOM_UTF16_LE),
             ("UTF-32", "utf-32-le", codecs.BOM_UTF32_LE), ("UTF-32BE", "utf-32-be", b""),
             ("ISO-8859-1", "latin-1", b""), ("windows-1252", "cp1252", b""), ("IBM037", "cp037", b""),
             ("UTF-7", "utf-7", b""), ("x-unknown", "utf-8", b""), ("UTF-16", "utf-8", b"")]


@dataclass
class Case:
    kind: str
    method: str
    path: str
    body: bytes = b""
    headers: dict = field(default_factory=dict)  # HTTP header names; None leaves one out
    query: str = ""
    content_length: str | None = "auto"  # "auto": the body's length; None: none (read to the end)

    def text(self) -> bytes:
        """Everything the request holds, to tell an echo from a leak."""
        return b" ".join([self.method.encode(), self.path.encode("utf-8", "replace"),
                          self.query.encode("utf-8", "replace"), self.body,
                          *(str(v).encode("utf-8", "replace") for v in self.headers.values())])


class Cases:
    """Requests made from ``seed``, one kind at a time by weight."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.kinds = [(self.soap_mutated, 20), (self.soap_values, 20), (self.soap_nesting, 4),
                      (self.soap_encoding, 8), (self.soap_headers, 8), (self.soap_lengths, 4),
                      (self.soap_wsse, 4), (self.methods, 5), (self.bewoning, 10), (self.berichten, 10),
                      (self.token, 4), (self.soap_oversized, 1)]
        self.weights = [w for _, w in self.kinds]

    def __iter__(self):
        while True:
            yield self.rng.choices(self.kinds, self.weights)[0][0]()

    # -- SOAP ------------------------------------------------------------------------------

    def envelope(self, *, masker=None, rubriek=None, zoekwaarde=None, adres=None, historie=None,
                 operation=None, header="") -> str:
        r = self.rng
        operation = operation or r.choice(["vraag", "vraag", "adresvraag", "changePassword"])
        if operation == "changePassword":
            inner = f"<v:in0>{r.choice(PASSWORDS)}</v:in0>"
        else:
            masker = masker if masker is not None else r.choice(RUBRIEKEN[:9])
            items = "".join(f"<v:item>{m}</v:item>" for m in ([masker] + r.sample(RUBRIEKEN[:9], r.randint(0, 3))))
            rubriek = rubriek if rubriek is not None else r.choice(["10120", "10120", "10240", "10310", "81160"])
            zoekwaarde = zoekwaarde if zoekwaarde is not None else r.choice(
                ["999993653", "Janssen", "19430203", "*", "0363"])
            optional = ""
            if adres is not None or r.random() < 0.5:
                optional += f"<v:indicatieAdresvraag>{adres if adres is not None else r.choice('01')}</v:indicatieAdresvraag>"
            if historie is not None or r.random() < 0.5:
                optional += (f"<v:indicatieZoekenInHistorie>{historie if historie is not None else r.choice('01')}"
                             "</v:indicatieZoekenInHistorie>")
            inner = (f"<v:in0>{optional}<v:masker>{items}</v:masker><v:parameters><v:item>"
                     f"<v:rubrieknummer>{rubriek}</v:rubrieknummer><v:zoekwaarde>{zoekwaarde}</v:zoekwaarde>"
                     "</v:item></v:parameters></v:in0>")
        head = f"<s:Header>{header}</s:Header>" if header else ""
        return (f'<s:Envelope xmlns:s="{SOAP_NS}" xmlns:v="{LRD}">{head}<s:Body><v:{operation}>{inner}'
                f"</v:{operation}></s:Body></s:Envelope>")

    def soap(self, kind: str, body: bytes, **headers) -> Case:
        r = self.rng
        auth = r.random()
        if auth < 0.9:
            credentials = {"Authorization": DEMO}
        elif auth < 0.95:
            credentials = {}
        elif auth < 0.955:  # each wrong password costs an argon2 verification: few of them
            credentials = {"Authorization": basic(r.choice(["beperkt", "onbekend", "", "x" * 300]), "fout")}
        else:
            credentials = {"Authorization": r.choice(["Basic", "Basic ***", "Basic " + "A" * 5000, "Bearer x",
                                                      "Basic " + base64.b64encode(b"\xff\xfe:\x00").decode(),
                                                      "Negotiate YII=", "basic " + DEMO[6:]])}
        return Case(kind, "POST", ENDPOINT, body, {"Content-Type": "text/xml; charset=UTF-8", **credentials, **headers})

    def soap_mutated(self) -> Case:
        r = self.rng
        operation = r.choice(["vraag", "vraag", "adresvraag", "changePassword"])
        body = bytearray(self.envelope(operation=operation).encode())
        for _ in range(r.randint(1, 4)):
            at = r.randrange(len(body) + 1)
            what = r.random()
            if what < 0.3:
                del body[at:at + r.randint(1, 20)]
            elif what < 0.55:
                body[at:at] = bytes(r.choice(b"<>/&;\"'=:?! \x00\xff\xc3x1-") for _ in range(r.randint(1, 5)))
            elif what < 0.75 and at < len(body):
                body[at] = r.randrange(256)
            elif what < 0.9 and body:
                start = r.randrange(len(body))
                body[at:at] = body[start:start + r.randint(1, 80)]
            else:
                del body[at:]
        case = self.soap("soap-mutated", bytes(body))
        if operation == "changePassword":  # a mutation might make a password the policy takes
            case.headers.pop("Authorization", None)
        return case

    def soap_values(self) -> Case:
        r = self.rng
        field = r.choice(["masker", "rubriek", "zoekwaarde", "adres", "historie", "password"])
        if field == "password":
            return self.soap("soap-values", self.envelope(operation="changePassword").encode())
        value = r.choice(HOSTILE_TEXTS if field == "zoekwaarde" else HOSTILE_INTS)
        return self.soap("soap-values", self.envelope(**{field: value}).encode())

    def soap_nesting(self) -> Case:
        r = self.rng
        depth = r.choice([100, 250, 255, 256, 257, 300, 1000, 10_000, 50_000])
        kind = r.random()
        if kind < 0.4:
            filler = "<v:x>" * depth + "</v:x>" * depth
        elif kind < 0.6:
            filler = "<v:x>" * depth  # never closed
        elif kind < 0.8:
            filler = "<v:item>10120</v:item>" * (depth * 2)
        else:
            filler = "<v:x a='1'/>" * depth
        body = self.envelope().replace("<v:masker>", "<v:masker>" + filler, 1)
        return self.soap("soap-nesting", body.encode("utf-8"))

    def soap_encoding(self) -> Case:
        r = self.rng
        declared, codec, bom = r.choice(ENCODINGS)
        dtd = r.choice(DTDS) if r.random() < 0.5 else ""
        declaration = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
        text = declaration + dtd + self.envelope(zoekwaarde=r.choice(["Müller", "999993653", "Janssen"]))
        try:
            body = bom + text.encode(codec)
        except UnicodeEncodeError:
            body = bom + text.encode(codec, "xmlcharrefreplace")
        if r.random() < 0.2:
            body = body[:r.randrange(len(body))]
        return self.soap("soap-encoding", body)

    def soap_headers(self) -> Case:
        r = self.rng
        headers = r.choice([
            {"Content-Type": r.choice(["", "text/plain", "application/soap+xml", "text/xml; charset=EBCDIC",
                                       "x" * 5000, "multipart/related; boundary=x", "text/xml; charset=utf-16"])},
            {"SOAPAction": r.choice(['""', "x" * 10_000, "\x00", '"urn:vraag"'])},
            {"Host": r.choice(HOSTS), "X-Forwarded-Proto": r.choice(["javascript", "https", "x" * 1000])},
            {"X-Brp-Credentials": r.choice(["Basic ***", DEMO, "", "Basic " + "=" * 100])},
            {"Accept": "application/json", "Accept-Encoding": "gzip, br", "Expect": "100-continue"},
        ])
        case = self.soap("soap-headers", self.envelope().encode(), **headers)
        return case

    def soap_lengths(self) -> Case:
        case = self.soap("soap-lengths", self.envelope().encode())
        r = self.rng
        case.content_length = r.choice([None, "", "-1", "abc", "1" * 5000, "0", str(len(case.body) + 100),
                                        str(len(case.body) // 2), " 12", "1e3", "99999999999999999999"])
        return case

    def soap_wsse(self) -> Case:
        r = self.rng
        name, password = "demo", "Demo-Wachtwoord-2026"
        if r.random() < 0.1:  # each wrong password costs an argon2 verification: few of them
            name = r.choice(["demo", "x" * 10_000, "", "demo\x00", "é" * 500, "&lt;x/&gt;"])
            password = r.choice(["Demo-Wachtwoord-2026", "fout", "", "x" * 10_000])
        kind = r.choice(["", ' Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"',
                         ' Type="x"'])
        header = (f'<w:Security xmlns:w="{WSSE}"><w:UsernameToken><w:Username>{name}</w:Username>'
                  f"<w:Password{kind}>{password}</w:Password></w:UsernameToken></w:Security>")
        if r.random() < 0.3:
            header = header.replace("<w:Password", "<w:Wachtwoord").replace("</w:Password>", "</w:Wachtwoord>")
        case = self.soap("soap-wsse", self.envelope(header=header, operation=r.choice(["vraag", "adresvraag"])).encode())
        case.headers.pop("Authorization", None)
        return case

    def soap_oversized(self) -> Case:
        r = self.rng
        size = r.choice([(1 << 20) + 1, 2 << 20])
        body = self.envelope(zoekwaarde="x" * size).encode()
        case = self.soap("soap-oversized", body)
        if r.random() < 0.5:
            case.content_length = None
        return case

    # -- other methods and paths -----------------------------------------------------------

    def methods(self) -> Case:
        r = self.rng
        method = r.choice(["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "BREW", "post", ""])
        path = r.choice([ENDPOINT, ENDPOINT + "/", "/", "/health", "/health/", BEWONINGEN, BERICHTEN, TOKEN,
                         "/haalcentraal/api/bewoning/openapi.json", "/api/v1/openapi.json", "/api/v1/berichten/x",
                         "/" + "a/" * 2000, "/%00", "/..%2f..%2fetc/passwd", "/api/v1/berichten/" + "a," * 500,
                         "/api/v1/berichten/telling", "/api/v1/berichten/ping", "/haalcentraal/", "/\udcff"])
        query = r.choice(["", "wsdl", "WSDL", "wsdl=1&x", "xsd=1", "a=" + "b" * 10_000, "%zz", "&&&", "wsdl\x00"])
        headers = {"Authorization": r.choice([DEMO, MAILBOX, "Bearer " + "x" * 100, None])}
        return Case("methods", method, path, b"" if r.random() < 0.7 else b"x" * r.randint(1, 100),
                    headers, query)

    def bewoning(self) -> Case:
        r = self.rng
        values = ["0014013422243045", "0193011990329410", "", None, 14013422243045, "0" * 5000, "x", [], {},
                  True, 1e308, 10 ** 5000 if False else "9" * 16, "2024-01-01", "9999-12-31", "0000-01-01",
                  "2024-02-30", "-2024-01-01", "2024-01-01T00:00:00Z", "١٢٣٤-٠١-٠١", "2024-1-1", "+12024-01-01"]
        data = {"type": r.choice(["BewoningMetPeildatum", "BewoningMetPeriode", "x", None, 1, ""]),
                "adresseerbaarObjectIdentificatie": r.choice(values[:12]),
                r.choice(["peildatum", "datumVan", "datumTot", "onbekend"]): r.choice(values),
                r.choice(["datumVan", "datumTot"]): r.choice(values)}
        body = json.dumps(data).encode()
        kind = r.random()
        if kind < 0.15:
            body = body.replace(b'"9999999999999999"', b"1" + b"0" * 5000)
            body = body[:-1] + b', "n": ' + b"9" * r.choice([10, 5000, 100_000]) + b"}"
        elif kind < 0.3:
            body = b"[" * r.choice([100, 1000, 100_000]) + b"]" * r.choice([0, 100])
        elif kind < 0.4:
            body = body[:r.randrange(len(body) + 1)] + bytes(r.randrange(256) for _ in range(r.randint(0, 5)))
        elif kind < 0.45:
            body = b'{"type": NaN, "x": Infinity, "y": -Infinity}'
        elif kind < 0.5:
            body = body.decode().encode("utf-16")
        headers = {"Authorization": r.choice([DEMO, DEMO, DEMO, None, "Basic ***", basic("999001|0363", ""),
                                              basic("1" * 5000 + "|0363", "")]),
                   "Content-Type": r.choice(["application/json", "application/json", "text/plain", "application/json; charset=latin-1", None]),
                   "Accept": r.choice(["application/json", "*/*", "text/html", "application/json;q=0", "x" * 3000, None])}
        return Case("bewoning", "POST", BEWONINGEN, body, headers)

    def berichten(self) -> Case:
        r = self.rng
        if r.random() < 0.5:
            query = "&".join(f"{r.choice(['pagina', 'berichtenPerPagina', 'status', 'berichtType', 'vanafMoment', 'totMoment', 'soort'])}="
                             f"{r.choice(HOSTILE_INTS[:12] + ['1', 'nieuw', '2024-01-01T00:00:00Z', '9999-99-99T99:99:99Z', '%ff', 'og21'])}"
                             for _ in range(r.randint(1, 4)))
            path = r.choice([BERICHTEN, BERICHTEN + "/telling"])
            return Case("berichten", "GET", path, b"", {"Authorization": MAILBOX}, query)
        bericht = {"berichtType": r.choice(["Og21", "Og11", "Vb01", "x", 1, None]),
                   "ontvanger": r.choice(["0193010", "1" * 5000, -1, None, 1e100]),
                   "inhoud": r.choice([{}, [], "x" * 10_000, {"bsn": "9" * 5000}, None]),
                   "berichtId": r.choice(["a", "", "x" * 1000, None])}
        body = json.dumps({"berichten": [bericht] * r.choice([1, 1, 2, 101])}).encode()
        if r.random() < 0.3:
            body = body[:r.randrange(len(body) + 1)]
        elif r.random() < 0.2:
            body = b'{"berichten": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
        elif r.random() < 0.2:
            body = b'{"berichten": [{"n": ' + b"1" * 5000 + b"}]}"
        return Case("berichten", "POST", BERICHTEN, body,
                    {"Authorization": r.choice([MAILBOX, MAILBOX, "Basic ***", basic("1" * 5000, "x")]),
                     "Content-Type": "application/json"})

    def token(self) -> Case:
        r = self.rng
        fields = {"grant_type": r.choice(["client_credentials", "password", "", "x" * 5000]),
                  "client_id": r.choice(["demo", "9999010", "1" * 5000, "", "%ff"]),
                  "client_secret": r.choice(["Demo-Wachtwoord-2026", "x", ""]),
                  "resourceServer": r.choice(["bewoning", "berichten", "x", ""])}
        body = "&".join(f"{k}={v}" for k, v in fields.items() if r.random() < 0.8).encode()
        if r.random() < 0.2:
            body += b"&\xff\xfe=%zz"
        return Case("token", "POST", TOKEN, body,
                    {"Content-Type": r.choice(["application/x-www-form-urlencoded", "application/json", None])})


# -- calling and judging -----------------------------------------------------------------

@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes


def call(app, case: Case) -> Answer:
    """``case`` asked of the WSGI ``app`` in-process, as a server would (the headers as CGI
    variables; the body read up to its Content-Length, or to its end when it has none)."""
    environ = {"REQUEST_METHOD": case.method, "PATH_INFO": case.path.encode("utf-8", "surrogateescape").decode("latin-1"),
               "QUERY_STRING": case.query, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
               "SERVER_PROTOCOL": "HTTP/1.1", "SCRIPT_NAME": "", "REMOTE_ADDR": "127.0.0.1",
               "wsgi.input": io.BytesIO(case.body), "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(),
               "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": False,
               "wsgi.run_once": False, "HTTP_HOST": "127.0.0.1:8000"}
    if case.content_length == "auto":
        environ["CONTENT_LENGTH"] = str(len(case.body))
    elif case.content_length is None:
        environ["wsgi.input_terminated"] = True
    else:
        environ["CONTENT_LENGTH"] = case.content_length
    set_headers(environ, case.headers)
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = status, headers

    body = b"".join(app(environ, start_response))
    return Answer(int(started["status"][:3]), {k.lower(): v for k, v in started["headers"]}, body)


DOCUMENTED_FAULTS = (b"<faultcode>soap:Client</faultcode>", b"<faultcode>soap:VersionMismatch</faultcode>")
_INTERNALS = re.compile(
    rb"Traceback|File \"|\.py\b|site-packages|/usr/|/home/|/work/|/tmp/|\b[A-Z][A-Za-z]*(?:Error|Exception)\b"
    rb"|sqlalchemy|psycopg|sqlite|SQLSTATE|\bSELECT\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b|\blo3_\w+|adhoc_\w+"
    rb"|\bobject at 0x|<class '")


def failures(case: Case, answer: Answer | None) -> list[str]:
    """What is wrong with ``answer`` to ``case`` (None: no answer at all), by kind."""
    if answer is None:
        return ["no answer"]
    found = []
    if answer.status >= 500 and not (answer.status == 500 and any(f in answer.body for f in DOCUMENTED_FAULTS)):
        found.append(f"{answer.status}")
    if "content-length" in answer.headers and int(answer.headers["content-length"]) != len(answer.body) \
            and case.method.upper() != "HEAD":
        found.append("content-length")
    sent = case.text()
    for match in _INTERNALS.finditer(answer.body + b" " + " ".join(map(str, answer.headers.values())).encode()):
        if match.group() not in sent:
            found.append("internals")
            break
    return found


# -- what only a served instance sees --------------------------------------------------------

def raw_cases(rng: random.Random, envelope: bytes) -> list[tuple[str, bytes]]:
    """(kind, raw HTTP/1.1 request bytes) for a served instance: framing errors and the like."""
    head = (f"POST {ENDPOINT} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
            f"Authorization: {DEMO}\r\nConnection: close\r\n").encode()
    n = len(envelope)
    cut = rng.randrange(1, n)
    cases = [
        ("chunk-size-zz", head + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n" + envelope + b"\r\n0\r\n\r\n"),
        ("chunk-breaks-off", head + b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % n + envelope[:cut]),
        ("no-last-chunk", head + b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % n + envelope + b"\r\n"),
        ("chunk-too-long", head + b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % (n - 10) + envelope + b"\r\n0\r\n\r\n"),
        ("chunk-size-huge", head + b"Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n" + envelope),
        ("chunk-negative", head + b"Transfer-Encoding: chunked\r\n\r\n-5\r\n" + envelope + b"\r\n0\r\n\r\n"),
        ("chunk-extension", head + b"Transfer-Encoding: chunked\r\n\r\n%x;x=" % n + b"y" * 5000 + b"\r\n"
         + envelope + b"\r\n0\r\n\r\n"),
        ("chunk-trailer", head + b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % n + envelope + b"\r\n0\r\nX: y\r\n\r\n"),
        ("short-body", head + b"Content-Length: %d\r\n\r\n" % n + envelope[:cut]),
        ("long-body", head + b"Content-Length: %d\r\n\r\n" % (n - 5) + envelope),
        ("length-and-chunked", head + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % n
         + envelope + b"\r\n0\r\n\r\n"),
        ("two-lengths", head + b"Content-Length: %d\r\nContent-Length: 3\r\n\r\n" % n + envelope),
        ("length-5000-digits", head + b"Content-Length: " + b"1" * 5000 + b"\r\n\r\n" + envelope),
        ("length-negative", head + b"Content-Length: -1\r\n\r\n" + envelope),
        ("transfer-gzip", head + b"Transfer-Encoding: gzip\r\n\r\n" + envelope),
        ("garbage-line", bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))) + b"\r\n\r\n"),
        ("http-0.9", b"GET /\r\n"),
        ("huge-header", b"GET /health HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 200_000 + b"\r\n\r\n"),
        ("many-headers", b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X: a\r\n" * 5000 + b"\r\n"),
        ("bad-header", b"GET /health HTTP/1.1\r\nHost: x\r\nX y\r\n\r\n"),
        ("nul-in-path", b"GET /he\x00alth HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("utf8-path", "GET /é/%ff HTTP/1.1\r\nHost: x\r\n\r\n".encode()),
        ("http-2-preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        ("unknown-version", b"GET /health HTTP/3.7\r\nHost: x\r\n\r\n"),
        ("hostile-host-wsdl", f"GET {ENDPOINT}?wsdl HTTP/1.1\r\nHost: javascript:alert(1)\r\n"
                              "X-Forwarded-Proto: javascript\r\n\r\n".encode()),
        ("dtd-utf16", head + b"Content-Length: %d\r\n\r\n" % (2 + 2 * (n + 17))
         + codecs.BOM_UTF16_LE + ("<!DOCTYPE x [  ]>" + envelope.decode()).encode("utf-16-le")),
    ]
    return cases


BREAKS_OFF = {"chunk-breaks-off", "no-last-chunk", "short-body", "http-0.9", "garbage-line"}  # send no more


def exchange_raw(port: int, request: bytes, *, half_close: bool = False, timeout: float = 20.0) -> Answer | None:
    """Send ``request`` (and close the sending side when ``half_close``: a request that breaks
    off), read the answer until the server closes or it is whole; None when the server
    answered nothing."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        try:
            conn.sendall(request)
            if half_close:
                conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may close early on a request it refuses
        data = b""
        try:
            while chunk := conn.recv(65536):
                data += chunk
                head, sep, body = data.partition(b"\r\n\r\n")
                if sep and (m := re.search(rb"(?im)^content-length:\s*(\d+)", head)) and len(body) >= int(m[1]):
                    break
        except OSError:
            pass
    if not data.startswith(b"HTTP/1.1 "):
        return None if not data else Answer(0, {}, data)
    head, _, body = data.partition(b"\r\n\r\n")
    return Answer(*parse_head(head), body)
