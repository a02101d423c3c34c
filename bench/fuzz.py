"""Fuzz adhoc-ws in-process: seeded malformed and hostile requests against the WSGI
application with the demo accounts, as ``tests/test_fuzz.py`` does with a few thousand.

    python bench/fuzz.py                         # 100,000 cases, seed 15, SQLite in memory
    python bench/fuzz.py --cases 20000 --seed 7 --db postgresql://postgres@127.0.0.1/h15_fuzz

Prints the cases tried per kind, the failures by kind (a 5xx other than the documented SOAP
Faults, internals in an answer, an exception out of the application) with the first example
of each, whether the service was healthy after, and the time taken. Exit status 1 when
anything failed. The cases are made by ``tests/fuzzing.py``.
"""
from __future__ import annotations

import argparse
import collections
import itertools
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import fuzzing  # noqa: E402

from adhoc_ws.accounts import Accounts, load_afnemers  # noqa: E402
from adhoc_ws.app import build  # noqa: E402
from adhoc_ws.service import AdhocService  # noqa: E402
from adhoc_ws.storage import database, loader  # noqa: E402

FIXTURES = ROOT / "fixtures"
VRAAG = (b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
         b'xmlns:v="http://www.bprbzk.nl/GBA/LRDPlus/version1.1"><s:Body><v:vraag><v:in0>'
         b'<v:masker><v:item>10240</v:item></v:masker><v:parameters><v:item>'
         b'<v:rubrieknummer>10120</v:rubrieknummer><v:zoekwaarde>999993653</v:zoekwaarde>'
         b'</v:item></v:parameters></v:in0></v:vraag></s:Body></s:Envelope>')


def demo_app(url: str):
    engine = database.open_engine(url)
    database.init(engine)
    loader.load(engine, sorted(FIXTURES.glob("*.json")))
    load_afnemers(engine, FIXTURES / "afnemers" / "demo-afnemers.json")
    return build(AdhocService(engine, accounts=Accounts(engine)))


def healthy(app) -> bool:
    health = fuzzing.call(app, fuzzing.Case("health", "GET", "/health"))
    vraag = fuzzing.call(app, fuzzing.Case("vraag", "POST", fuzzing.ENDPOINT, VRAAG, {"Authorization": fuzzing.DEMO}))
    return health.status == 200 and vraag.status == 200 and b"<letter>A</letter>" in vraag.body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--db", default="sqlite://", help="a new, empty database (default: SQLite in memory)")
    parser.add_argument("--minutes", type=float, default=None, help="stop after this long, whatever --cases says")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # the application's own error lines are not the point here
    app = demo_app(args.db)
    assert healthy(app), "not healthy before fuzzing"
    kinds, failed, examples = collections.Counter(), collections.Counter(), {}
    started = time.monotonic()
    deadline = started + args.minutes * 60 if args.minutes else None
    tried = 0
    for case in itertools.islice(fuzzing.Cases(args.seed), args.cases):
        if deadline and time.monotonic() > deadline:
            break
        tried += 1
        kinds[case.kind] += 1
        try:
            found = fuzzing.failures(case, fuzzing.call(app, case))
        except Exception as e:  # out of the application: the worst kind
            found = [f"exception {type(e).__name__}"]
        for failure in found:
            failed[case.kind, failure] += 1
            examples.setdefault((case.kind, failure), (case.method, case.path, case.body[:200]))
        if tried % 10_000 == 0:
            print(f"  {tried} cases, {sum(failed.values())} failures, {time.monotonic() - started:.0f} s", flush=True)
    seconds = time.monotonic() - started
    after = healthy(app)
    print(f"seed {args.seed}: {tried} cases in {seconds:.0f} s ({tried / seconds:.0f}/s), database {args.db}")
    print("cases by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print(f"failures: {sum(failed.values())}")
    for (kind, failure), n in sorted(failed.items()):
        print(f"  {kind} / {failure}: {n}; first: {examples[kind, failure]}")
    print(f"healthy after: {'yes' if after else 'NO'}")
    return 0 if not failed and after else 1


if __name__ == "__main__":
    sys.exit(main())
