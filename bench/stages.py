"""Where a vraag's CPU goes: each stage of adhoc-ws's answer run alone, beside the whole.

    python bench/stages.py                          # SQLite, BSN
    python bench/stages.py --backend postgresql --query name

Every stage runs on the inputs the stage before it made, for the same persons as
bench/physical_floor.py, and prints its CPU microseconds per request (this process, median of
--rounds). A stage run alone finds its code and data in the caches, so the parts add up to
less than the whole request; under ``valgrind --tool=callgrind`` the instruction counts of
the stages add up (see the README, Performance).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from load import ROOT, envelope  # noqa: E402
from physical_floor import QUERIES, call, environ  # noqa: E402
from search import fill, open_db, samples  # noqa: E402

from adhoc_ws import protocol, web  # noqa: E402
from adhoc_ws.accounts import Accounts, Credentials, load_afnemers  # noqa: E402
from adhoc_ws.answer import apply_masker, success  # noqa: E402
from adhoc_ws.app import build  # noqa: E402
from adhoc_ws.query.search import Search  # noqa: E402
from adhoc_ws.service import SEARCH_TIMEOUT, AdhocService  # noqa: E402
from adhoc_ws.soap import answer_xml, server  # noqa: E402
from adhoc_ws.soap.request import read  # noqa: E402
from adhoc_ws.soap.service import to_domain  # noqa: E402
from adhoc_ws.storage.database import Connections  # noqa: E402
from adhoc_ws.storage.reader import read_persoonslijsten  # noqa: E402
from adhoc_ws.vraag import validate  # noqa: E402


def stages(service: AdhocService, bodies: list[bytes]) -> dict:
    """name -> (function, its inputs), each stage's inputs made by the one before."""
    credentials = Credentials("demo", "Demo-Wachtwoord-2026")
    afnemer = service.accounts.login(credentials)[0]
    envelopes = [server.parse_envelope(b) for b in bodies]
    operation = server._METHODS[envelopes[0].find(server._BODY)[0].tag]
    requests = [e.find(server._BODY)[0] for e in envelopes]
    vragen = [to_domain(read(r, operation.in_message).in0) for r in requests]
    zoekvragen = [validate(v, afnemer=afnemer) for v in vragen]
    searches = [Search.of(list(z.parameters), historie=z.historie, limit=11) for z in zoekvragen]

    def search(s):
        with service.connections(s.settings) as conn:
            return s.run(conn)

    def persoonslijsten(pl_ids):
        with service.connections() as conn:
            return list(read_persoonslijsten(conn, pl_ids).values())

    found = [search(s) for s in searches]
    pls = [persoonslijsten(pl_ids) for pl_ids in found]
    masker = zoekvragen[0].masker
    answers = [success([apply_masker(pl, masker) for pl in p]) for p in pls]

    def record(z):
        service.recorder.record(protocol.Entry(
            999001, "demo", "00000000-0000-4000-8000-000000000000", "vraag", False,
            [(10120, "999999999")], sorted(z.masker), "A000", ["1234567890"]))

    extra = {"operation": "vraag", "resultaat": "A000", "referentie": "-"}
    return {
        "parse the envelope (lxml)": (server.parse_envelope, bodies),
        "read the Vraag": (lambda r: to_domain(read(r, operation.in_message).in0), requests),
        "log in (remembered)": (lambda _: service.accounts.login(credentials), bodies),
        "check the Vraag": (lambda v: validate(v, afnemer=afnemer), vragen),
        "work out the search": (lambda z: Search.of(list(z.parameters), historie=z.historie,
                                                    limit=11), zoekvragen),
        "run the search": (search, searches),
        "read the PLs": (persoonslijsten, found),
        "masker and resultaat": (lambda p: success([apply_masker(pl, masker) for pl in p]), pls),
        "write the answer": (lambda a: answer_xml.antwoord("vraag", a), answers),
        "record the protocol": (record, zoekvragen),
        "access-log line": (lambda _: web.access({"REQUEST_METHOD": "POST", "PATH_INFO": "/",
                                                 web.ACCESS_EXTRA: extra}, "200 OK", 0.0, 1), bodies),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--query", default="BSN", choices=["BSN", "name"])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    web.configure_logging(open(os.devnull, "w"))
    engine = open_db(args.backend, args.size)
    fill(engine, args.size)
    load_afnemers(engine, ROOT / "fixtures" / "afnemers" / "demo-afnemers.json")
    bodies = [envelope(QUERIES[args.query](p)).encode() for p in samples(engine, args.persons)]
    connections = Connections(engine, SEARCH_TIMEOUT)
    service = AdhocService(engine, accounts=Accounts(engine, connections=connections),
                           connections=connections)
    app = build(service)
    for body in bodies:  # warm: every page read once, every statement made
        call(app, body)
    parts = stages(service, bodies)
    parts["the whole request (WSGI)"] = (lambda e: app(e, lambda *a: None), None)
    used = {name: [] for name in parts}
    for _ in range(args.rounds):
        for name, (function, inputs) in parts.items():
            inputs = inputs or [environ(b) for b in bodies]
            started = time.process_time()
            for x in inputs:
                function(x)
            used[name].append(1e6 * (time.process_time() - started) / len(inputs))
    print(f"| {args.backend}, {args.query} vraag | CPU µs per request |\n|---|---|")
    for name, runs in used.items():
        print(f"| {name} | {statistics.median(runs):.0f} |")


if __name__ == "__main__":
    main()
