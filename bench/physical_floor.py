"""The physical floor of a vraag, and adhoc-ws's CPU per request beside it, in one run.

    python bench/physical_floor.py                        # SQLite and PostgreSQL, 100k PLs
    python bench/physical_floor.py --backends sqlite --rounds 9

**The floor** (:class:`Floor`) is the least a program can do to answer a vraag the way
adhoc-ws does, written here and not with adhoc-ws's code: it takes the masker and the
zoekwaarden from the request (lxml), runs the statements adhoc-ws runs — the search, the
one-statement read of the persoonslijsten, the protocol INSERT committed before it answers —
and writes the answer's bytes around the masked values. Their SQL text comes from adhoc-ws
once, at start-up, so the database work is the same by construction. It checks nothing,
logs nothing and knows only the questions asked here: a BSN, and a geslachtsnaam with a
geboortedatum. Before measuring, its answers are compared with adhoc-ws's on a few hundred
persons: byte for byte, the referentie aside.

**adhoc-ws** is measured as ``adhoc-ws serve`` runs it, without HTTP: a request's environ in,
the whole WSGI application (accounts on, an HTTP Basic login on every request, the access
log written to /dev/null), the answer out. The floor is called through the same environs.

``--guarantees`` measures, in the same run, what two promises cost that the floor does not
keep: adhoc-ws once more without the access-log line, and without the look at the account's
lock that a remembered login makes (read along with the search, or a statement of its own
where a vraag has no search), each left out in this process
only (patched here; adhoc-ws itself never leaves them out).

Both answer the same 2,000 different persons in turns (the order alternating), for several
rounds. The figures are CPU milliseconds per request, medians over the rounds: this
process's (``time.process_time``) and, on PostgreSQL, that of the database server's
backends serving the benchmark (from /proc), so like is compared with like on a shared and
noisy machine; the ratio is the median of each round's ratio.
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import json
import os
import re
import statistics
import sys
import time
from functools import lru_cache
from pathlib import Path

from lxml import etree
from sqlalchemy import select

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from load import ROOT, backend_pids, cpu_of, envelope  # noqa: E402
from search import fill, open_db, samples  # noqa: E402

from adhoc_ws import catalogue, protocol  # noqa: E402
from adhoc_ws.accounts import Accounts, load_afnemers  # noqa: E402
from adhoc_ws.answer import new_referentie  # noqa: E402
from adhoc_ws import web  # noqa: E402
from adhoc_ws.app import build  # noqa: E402
from adhoc_ws.charset import fold, has_diacritics  # noqa: E402
from adhoc_ws.query import search  # noqa: E402
from adhoc_ws.query.zoekwaarde import Zoekwaarde  # noqa: E402
from adhoc_ws.service import SEARCH_TIMEOUT, AdhocService  # noqa: E402
from adhoc_ws.storage import reader  # noqa: E402
from adhoc_ws.storage.database import SESSION_SETTINGS, Connections  # noqa: E402
from adhoc_ws.storage.mapping import STORAGE  # noqa: E402
from adhoc_ws.storage.schema import adhoc_protocol, lo3_pl, lo3_pl_persoon  # noqa: E402

USER, PASSWORD = "demo", "Demo-Wachtwoord-2026"
AFNEMER = 999001
ENDPOINT = "/gba-v/online/lo3services/adhoc"
LRD = "{http://www.bprbzk.nl/GBA/LRDPlus/version1.1}"
LO3 = "http://www.bprbzk.nl/GBA/LO3/version1.1"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
MASKER, PARAMETERS = f"{LRD}masker", f"{LRD}parameters"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})

QUERIES = {"BSN": lambda p: [(10120, p[0])],
           "name": lambda p: [(10240, p[2]), (10310, p[3])],
           "adresvraag": lambda p: [(10120, p[0])]}


class _Slot:
    """Stands for the n-th value of a search in a statement's parameters."""

    def __init__(self, n: int):
        self.n = n


def _search_sql(dialect, parameters: list[tuple[int, str]]):
    """adhoc-ws's SQL for a search of this shape, and its parameters with _Slots for the values."""
    found = search.Search.of([(catalogue.rubriek(r), Zoekwaarde.parse(w)) for r, w in parameters],
                             limit=11)
    prepared = search._prepared(found.shape, dialect)
    named = prepared.fixed | {search.VALUE.format(n): _Slot(n) for n in range(len(found.values))}
    return prepared.sql, named if prepared.order is None else tuple(named[k] for k in prepared.order)


def search_values(parameters: dict[int, str]) -> tuple[str, list]:
    """(the floor's name for the statement, the values it binds) of the questions asked here."""
    if 10120 in parameters:
        return "BSN", [int(parameters[10120])]
    name = parameters[10240]
    return ("name diacritics" if has_diacritics(name) else "name"), \
        [fold(name), name, int(parameters[10310])]


# The residents of the person's address, the same address being the same nummeraanduiding
# (in the benchmark data every address has one): in one statement where adhoc-ws uses four,
# for an ingezetene (the floor asks only about ingezetenen).
RESIDENTS = """SELECT DISTINCT r.pl_id FROM lo3_pl_verblijfplaats v
JOIN lo3_adres a ON a.adres_id = v.adres_id
JOIN lo3_adres ra ON ra.nummer_aand_ident_code = a.nummer_aand_ident_code
JOIN lo3_pl_verblijfplaats r ON r.adres_id = ra.adres_id AND r.volg_nr = 0 AND r.onjuist_ind IS NULL
JOIN lo3_pl p ON p.pl_id = r.pl_id
WHERE v.pl_id = ? AND v.volg_nr = 0 AND v.onjuist_ind IS NULL
AND (p.bijhouding_opschort_reden IS NULL OR p.bijhouding_opschort_reden NOT IN ('O', 'W'))
ORDER BY r.pl_id LIMIT 31"""

SEARCH_SAMPLES = {"BSN": {10120: "999993653"}, "name": {10240: "Janssen", 10310: "19430203"},
                  "name diacritics": {10240: "Müller", 10310: "19430203"}}


def _layout():
    """category code -> its elements: key -> a number's length, or None."""
    return {storage.categorie.code: {e: stored.element.min_length if stored.numeric else None
                                     for e, stored in storage.elements.items()}
            for storage in STORAGE.values()}


LAYOUT = _layout()


_PADDED = re.compile(r"CASE WHEN (\w+\.\w+) IS NOT NULL THEN printf\('%0\d+d', \1\) END")


class Floor:
    """A WSGI application answering the questions of this benchmark with the least work."""

    def __init__(self, engine):
        self.dialect = engine.dialect
        self.connection = engine.raw_connection()
        self.dialect.set_isolation_level(self.connection.dbapi_connection, "AUTOCOMMIT")
        self.cursor = self.connection.cursor()
        self.read_cursor = self.cursor  # PostgreSQL: the PL read has the server's own placeholders
        if self.dialect.name == "postgresql":
            self.read_cursor = self.dialect.loaded_dbapi.RawCursor(self.connection.driver_connection)
            self.connection.dbapi_connection.prepare_threshold = 5
            self.cursor.execute("; ".join(f"SET {k} = {v}" for k, v in SESSION_SETTINGS.items()))
        self.searches = {}
        for name, sample in SEARCH_SAMPLES.items():
            sql, template = _search_sql(self.dialect, list(sample.items()))
            self.searches[name] = sql, template
        # adhoc-ws's PL read, but with numbers as they are stored: the floor pads only those it
        # shows (adhoc-ws's read on SQLite pads them all with printf)
        self.read_sql = {n: _PADDED.sub(r"\1", reader._sql(self.dialect.name, n)) for n in
                         (reader.SLOTS if self.dialect.name == "postgresql" else range(1, 32))}
        self.residents_sql = RESIDENTS.replace("?", "%s" if self.dialect.name == "postgresql" else "?")
        sample = protocol.Entry(AFNEMER, USER, "", "vraag", False, [], [], "A000", []).row()
        self.insert_sql = protocol._insert(self.dialect, adhoc_protocol, [sample])[0]
        self.insert_columns = [name for name in adhoc_protocol.c.keys() if name in sample]

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        document = self.answer(body)
        start_response("200 OK", [("Content-Type", "text/xml; charset=UTF-8"),
                                  ("Content-Length", str(len(document)))])
        return [document]

    def answer(self, body: bytes) -> bytes:
        asked = etree.fromstring(body, _PARSER)[-1][0]  # Envelope, Body, vraag or adresvraag
        operation, in0 = asked.tag.rpartition("}")[2], asked[0]
        masker, parameters = (), {}
        for child in in0:
            if child.tag == MASKER:
                masker = tuple(int(item.text) for item in child)
            elif child.tag == PARAMETERS:
                parameters = {int(item[0].text): item[1].text for item in child}
        cursor = self.cursor
        name, values = search_values(parameters)
        sql, template = self.searches[name]
        cursor.execute(sql, _bind(template, values))
        pl_ids = sorted(pl_id for pl_id, in cursor.fetchall())
        assert 1 <= len(pl_ids) <= 10, "the floor answers questions that find 1 to 10 PLs"
        if operation == "adresvraag":
            assert len(pl_ids) == 1, "the floor's adresvraag identifies one person"
            cursor.execute(self.residents_sql, (pl_ids[0],))
            pl_ids = [pl_id for pl_id, in cursor.fetchall()]
            assert 1 <= len(pl_ids) <= 30, "the floor answers adresvragen of 1 to 30 residents"
        slots = next(n for n in self.read_sql if n >= len(pl_ids))
        values = [pl_ids[min(i, len(pl_ids) - 1)] for i in range(slots)]
        self.read_cursor.execute(self.read_sql[slots], values if self.dialect.name == "postgresql"
                                 else {f"i{i}": v for i, v in enumerate(values)})
        per_pl = {pl_id: [] for pl_id in pl_ids}
        for row in json.loads(self.read_cursor.fetchone()[0]):  # [pl_id, category code, stapel, volg, voorkomen]
            per_pl[row[0]].append(row)
        pls, a_nummers = zip(*(_masked(rows, masker) for rows in per_pl.values()))
        referentie = new_referentie()
        cursor.execute(self.insert_sql, self._row(operation, referentie, parameters, masker, a_nummers))
        return _document(operation, pls, referentie)

    def _row(self, operation, referentie, parameters, masker, a_nummers) -> list:
        now = dt.datetime.now()
        row = {"tijdstip": f"{now:%Y-%m-%d %H:%M:%S.%f}" if self.dialect.name == "sqlite" else now,
               "afnemer_code": AFNEMER, "gebruikersnaam": USER, "referentie": referentie,
               "operatie": operation, "historie": 0,
               "parameters": json.dumps([[r, w] for r, w in parameters.items()], ensure_ascii=False),
               "masker": " ".join(f"{m:06d}" for m in masker), "resultaat": "A000",
               "a_nummers": " ".join(a_nummers)}
        return [row[name] for name in self.insert_columns]


def _bind(template, values):
    if isinstance(template, dict):
        return {k: values[v.n] if isinstance(v, _Slot) else v for k, v in template.items()}
    return tuple(values[v.n] if isinstance(v, _Slot) else v for v in template)


@lru_cache(maxsize=64)
def _shown(masker: tuple[int], niet_ingezetene: bool) -> dict[tuple, tuple]:
    """(category code, historic) -> (category number in the answer, elements shown, numbers among them)."""
    shown = {}
    for code, elements in LAYOUT.items():
        for historic in (False, True):
            nummer = int(code) + (50 if historic else 0)
            wanted = set(catalogue.ONDERZOEK)
            wanted.update(f"{m % 10000:04d}" for m in masker if m // 10000 == nummer)
            if code == "07":
                wanted.update(catalogue.OPSCHORTING)
            if niet_ingezetene:
                wanted.update(catalogue.RNI + (catalogue.VERIFICATIE if code == "07" else ()))
            wanted &= elements.keys()
            numbers = {e: elements[e] for e in wanted if elements[e] is not None}
            shown[code, historic] = nummer, frozenset(wanted), numbers
    return shown


def _masked(rows: list, masker: tuple[int]) -> tuple[list, str]:
    """The answer's stapels of one PL, each [(category number, [(element, value)])], and its A-nummer."""
    reden = next(voorkomen.get("6720") for _, code, _, _, voorkomen in rows if code == "07")
    shown = _shown(masker, reden in catalogue.NIET_INGEZETENE_REDENEN)
    found, a_nummer = [], None
    for _, code, stapel_nr, volg_nr, voorkomen in rows:
        if code == "01" and not volg_nr:
            a_nummer = str(voorkomen["0110"]).zfill(10)
        if "8410" in voorkomen:
            continue
        nummer, wanted, numbers = shown[code, volg_nr > 0]
        picked = [(int(e), str(voorkomen[e]).zfill(numbers[e]) if e in numbers else voorkomen[e])
                  for e in sorted(voorkomen.keys() & wanted)]
        if picked:
            found.append((code, stapel_nr, volg_nr, nummer, picked))
    found.sort(key=lambda f: f[:3])
    stapels, last = [], None
    for code, stapel_nr, _, nummer, picked in found:
        if (code, stapel_nr) != last:
            stapels.append([])
            last = code, stapel_nr
        stapels[-1].append((nummer, picked))
    return stapels, a_nummer


def _document(operation: str, pls: list, referentie: str) -> bytes:
    parts = ["<?xml version='1.0' encoding='UTF-8'?>\n"
             f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>'
             f'<{operation}Response xmlns="{LRD[1:-1]}" xmlns:ns2="{LO3}"><{operation}Return>'
             "<persoonslijsten>"]
    for pl in pls:
        parts.append("<ns2:item><ns2:categoriestapels>")
        for stapel in pl:
            parts.append("<ns2:item><ns2:categorievoorkomens>")
            for nummer, elements in stapel:
                parts.append(f"<ns2:item><ns2:categorienummer>{nummer}</ns2:categorienummer>"
                             "<ns2:elementen>")
                for element, value in elements:
                    parts.append(f"<ns2:item><ns2:nummer>{element}</ns2:nummer><ns2:waarde>"
                                 f"{value.translate(_ESCAPE)}</ns2:waarde></ns2:item>")
                parts.append("</ns2:elementen></ns2:item>")
            parts.append("</ns2:categorievoorkomens></ns2:item>")
        parts.append("</ns2:categoriestapels></ns2:item>")
    parts.append("</persoonslijsten><resultaat><code>0</code><letter>A</letter>"
                 f"<omschrijving>Aantal: {len(pls)}.</omschrijving>"
                 f"<referentie>{referentie}</referentie></resultaat></{operation}Return>"
                 f"</{operation}Response>"
                 "</soap:Body></soap:Envelope>")
    return "".join(parts).encode()


# -- measuring ------------------------------------------------------------------------------

AUTHORIZATION = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
_REFERENTIE = re.compile(rb"<referentie>[^<]*</referentie>")


def environ(body: bytes) -> dict:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": ENDPOINT, "SCRIPT_NAME": "",
            "CONTENT_TYPE": "text/xml; charset=utf-8", "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": AUTHORIZATION, "wsgi.input": io.BytesIO(body)}


def call(app, body: bytes) -> bytes:
    return b"".join(app(environ(body), _start))


def _start(status, headers, exc_info=None):
    if not status.startswith("200"):
        raise RuntimeError(status)


def ingezetenen(engine, persons: list[tuple]) -> list[tuple]:
    """The persons who live in the Netherlands (no opschorting): those the floor's adresvraag knows."""
    with engine.connect() as conn:
        living = {f"{bsn:09d}" for bsn, in conn.execute(
            select(lo3_pl_persoon.c.burger_service_nr)
            .join(lo3_pl, lo3_pl.c.pl_id == lo3_pl_persoon.c.pl_id)
            .where(lo3_pl_persoon.c.persoon_type == "P", lo3_pl_persoon.c.volg_nr == 0,
                   lo3_pl.c.bijhouding_opschort_reden.is_(None),
                   lo3_pl_persoon.c.burger_service_nr.in_([int(p[0]) for p in persons])))}
    return [p for p in persons if p[0] in living]


def check(floor, adhoc, bodies: list[bytes]) -> int:
    """Raise unless both answer every body with the same bytes, the referentie aside."""
    for body in bodies:
        ours, theirs = call(floor, body), call(adhoc, body)
        if _REFERENTIE.sub(b"", ours) != _REFERENTIE.sub(b"", theirs):
            raise AssertionError(f"the floor answers otherwise than adhoc-ws:\n{ours}\n{theirs}")
        if b"<letter>A</letter>" not in theirs:
            raise AssertionError(f"not an A000 answer: {theirs}")
    return len(bodies)


def run(apps: dict, bodies: list[bytes], rounds: int, database_cpu) -> dict:
    """Per app: [(process CPU ms, database CPU ms) per request] of each round."""
    figures = {name: [] for name in apps}
    for r in range(rounds):
        for name in (list(apps) if r % 2 == 0 else list(reversed(apps))):
            environs = [environ(body) for body in bodies]
            app = apps[name]
            database = database_cpu()
            started = time.process_time()
            for e in environs:
                app(e, _start)
            used = time.process_time() - started
            figures[name].append((1000 * used / len(bodies),
                                  1000 * (database_cpu() - database) / len(bodies)))
    return figures


class Without:
    """adhoc-ws with some of its guarantees left out, for measuring what they cost."""

    def __init__(self, app, parts: tuple[str, ...]):
        self.app, self.parts = app, parts

    def __call__(self, environ, start_response):
        saved = web.access, AdhocService._login
        if "access log" in self.parts:
            web.access = lambda *args: None
        if "lock check" in self.parts:  # a remembered login without its LockCheck
            AdhocService._login = lambda service, credentials: (*saved[1](service, credentials)[:2], None)
        try:
            return self.app(environ, start_response)
        finally:
            web.access, AdhocService._login = saved


GUARANTEES = [("access log",), ("lock check",), ("access log", "lock check")]


def summary(figures: dict) -> dict:
    """Medians: process, database and total CPU ms per request, and adhoc-ws / floor per round."""
    total = {name: [p + d for p, d in rounds] for name, rounds in figures.items()}
    ratios = {name: statistics.median(a / f for a, f in zip(total[name], total["floor"]))
              for name in figures}
    return {name: tuple(statistics.median(x) for x in zip(*rounds)) + (statistics.median(total[name]),)
            for name, rounds in figures.items()} | {"ratio": ratios["adhoc-ws"], "ratios": ratios}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--queries", nargs="+", default=list(QUERIES))
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--check", type=int, default=300, help="persons whose answers are compared")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--guarantees", action="store_true",
                        help="also adhoc-ws without the access log, the lock check, and both")
    args = parser.parse_args()
    web.configure_logging(open(os.devnull, "w"))
    print(f"{dt.date.today()}, {os.cpu_count()} cores, {args.size:,} PLs, {args.persons:,} persons, "
          f"median of {args.rounds} rounds, CPU ms per request (process + database server)\n")
    print("| backend | query | floor ms | adhoc-ws ms | adhoc-ws / floor |\n|---|---|---|---|---|")
    for backend in args.backends:
        engine = open_db(backend, args.size)
        fill(engine, args.size)
        load_afnemers(engine, ROOT / "fixtures" / "afnemers" / "demo-afnemers.json")
        persons = samples(engine, args.persons)
        connections = Connections(engine, SEARCH_TIMEOUT)  # as adhoc-ws serve: one per thread, for both
        adhoc = AdhocService(engine, accounts=Accounts(engine, connections=connections),
                             connections=connections)
        apps = {"floor": Floor(engine), "adhoc-ws": build(adhoc)}
        monitor = open_db(backend, args.size) if backend == "postgresql" else None
        database_cpu = (lambda: cpu_of(backend_pids(monitor))) if monitor else (lambda: 0.0)
        for query in args.queries:
            asked = ingezetenen(engine, persons) if query == "adresvraag" else persons
            operation = "adresvraag" if query == "adresvraag" else "vraag"
            bodies = [envelope(QUERIES[query](p), operation).encode() for p in asked]
            checked = check(apps["floor"], apps["adhoc-ws"], bodies[:args.check])
            for body in bodies:  # both warm, every page read once
                call(apps["floor"], body), call(apps["adhoc-ws"], body)
            measured = dict(apps)
            if args.guarantees:
                measured.update({" and ".join(parts): Without(apps["adhoc-ws"], parts)
                                 for parts in GUARANTEES})
            result = summary(run(measured, bodies, args.rounds, database_cpu))
            floor, adhoc = result["floor"], result["adhoc-ws"]
            split = (lambda f: f"{f[2]:.3f} ({f[0]:.3f} + {f[1]:.3f})") if backend == "postgresql" \
                else (lambda f: f"{f[2]:.3f}")
            print(f"| {backend} | {query} ({checked} answers identical) | {split(floor)} | "
                  f"{split(adhoc)} | {result['ratio']:.2f} |", flush=True)
            for parts in GUARANTEES if args.guarantees else ():
                name = " and ".join(parts)
                print(f"| {backend} | {query}, without the {name} | | {split(result[name])} | "
                      f"{result['ratios'][name]:.2f} |", flush=True)
        engine.dispose()


if __name__ == "__main__":
    main()
