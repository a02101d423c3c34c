"""Search latency as the data grows: median and p95 per query kind, per size, per backend.

    python bench/search.py                       # 100k and 1M PLs, SQLite and PostgreSQL
    python bench/search.py --sizes 100000 --backends sqlite

Data sets are made once by the synthetic generator (adhoc_ws.generate) and kept: SQLite files
in bench/data/, PostgreSQL schemas bench_<size> in $ADHOC_WS_BENCH_PG (default the local
server, database test). Each query kind runs --runs times with different values drawn from the
data, first once to warm the caches, then measured: "search" is the query layer alone (the
SELECT of the pl_ids), "vraag" a whole vraag as the service spends it before writing XML
(validation, search, reading the PLs, the masker).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

from adhoc_ws.catalogue import rubriek
from adhoc_ws.generate import generate
from adhoc_ws.query.search import Search
from adhoc_ws.storage.database import Connections
from adhoc_ws.query.zoekwaarde import Zoekwaarde
from adhoc_ws.service import AdhocService
from adhoc_ws.storage import database
from adhoc_ws.storage.schema import lo3_pl, lo3_pl_persoon
from adhoc_ws.vraag import Vraag, Zoekparameter

HERE = Path(__file__).resolve().parent
PG_URL = os.environ.get("ADHOC_WS_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
MASKER = [10120, 10210, 10230, 10240, 10310, 81110, 81120, 81160, 81170]


def open_db(backend: str, size: int):
    if backend == "sqlite":
        (HERE / "data").mkdir(exist_ok=True)
        return database.open_engine(f"sqlite:///{HERE / 'data' / f'bench_{size}.sqlite'}")
    schema = f"bench_{size}"
    admin = database.open_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    admin.dispose()
    separator = "&" if "?" in PG_URL else "?"
    return database.open_engine(f"{PG_URL}{separator}options=-csearch_path%3D{schema}")


def fill(engine, size: int) -> None:
    """Make the data set with ``adhoc-ws generate`` (in parallel) unless it is there."""
    database.init(engine)
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(lo3_pl)).scalar()
    if have >= size:
        return
    started = time.perf_counter()
    generate(engine, size - have, seed=2026)
    print(f"  made {size - have:,} PLs in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def samples(engine, n: int, seed: int = 1):
    """Real persons to search for: (bsn, voornamen, geslachtsnaam, geboortedatum, historic name)."""
    p = lo3_pl_persoon.c
    with engine.connect() as conn:
        top = conn.execute(select(func.max(p.pl_id))).scalar()
        rng = random.Random(seed)
        ids = [rng.randint(1, top) for _ in range(n * 3)]
        rows = conn.execute(select(p.pl_id, p.volg_nr, p.burger_service_nr, p.voor_naam,
                                   p.diak_voor_naam, p.geslachts_naam, p.diak_geslachts_naam,
                                   p.geboorte_datum).where(p.persoon_type == "P",
                                                           p.pl_id.in_(ids))).all()
    persons, historic = {}, {}
    for r in rows:
        if r.volg_nr == 0:
            persons[r.pl_id] = (f"{r.burger_service_nr:09d}", r.diak_voor_naam or r.voor_naam,
                                r.diak_geslachts_naam or r.geslachts_naam, f"{r.geboorte_datum:08d}")
        elif r.geslachts_naam:
            historic[r.pl_id] = r.diak_geslachts_naam or r.geslachts_naam
    return [persons[i] + (historic.get(i),) for i in persons][:n]


def _initials(voornamen: str) -> str:
    return " ".join(name[0] + "*" for name in voornamen.split()[:2])


def queries(persons):
    """(kind, parameters, historie) per run, drawn from real persons."""
    from adhoc_ws.charset import fold
    kinds = {
        "BSN": lambda p: ([(10120, p[0])], False),
        "geslachtsnaam + geboortedatum": lambda p: ([(10240, p[2]), (10310, p[3])], False),
        "J* H* + geslachtsnaam": lambda p: ([(10210, _initials(p[1])), (10240, p[2])], False),
        "*Gilsing (leading wildcard)": lambda p: ([(10240, "*" + p[2].split()[-1])], False),
        "diacritics-insensitive name + date": lambda p: ([(10240, fold(p[2])), (10310, p[3])], False),
        "historie: old name + geboortedatum": lambda p: ([(10240, p[4] or p[2]), (10310, p[3])], True),
    }
    return {kind: [make(p) for p in persons] for kind, make in kinds.items()}


def measure(service: AdhocService, runs) -> dict:
    questions = [Vraag(masker=MASKER, indicatieZoekenInHistorie=int(historie),
                       parameters=[Zoekparameter(r, w) for r, w in parameters])
                 for parameters, historie in runs]
    searches = [([(rubriek(r), Zoekwaarde.parse(w)) for r, w in parameters], historie)
                for parameters, historie in runs]
    for question in questions:  # warm up, on the same values
        service.vraag(question)
    search_ms, vraag_ms, outcomes = [], [], {}
    connections = Connections(service.engine, None)
    for parameters, historie in searches:
        started = time.perf_counter()
        search = Search.of(parameters, historie=historie, limit=11)
        with connections(search.settings) as conn:
            search.run(conn)
        search_ms.append((time.perf_counter() - started) * 1000)
    for question in questions:
        started = time.perf_counter()
        answer = service.vraag(question)
        vraag_ms.append((time.perf_counter() - started) * 1000)
        code = f"{answer.resultaat.letter}{answer.resultaat.code:03d}"
        outcomes[code] = outcomes.get(code, 0) + 1
    return {"search": median_p95(search_ms), "vraag": median_p95(vraag_ms), "outcomes": outcomes}


def median_p95(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    print("| backend | PLs | query | search median / p95 ms | vraag median / p95 ms | answers |")
    print("|---|---|---|---|---|---|")
    for backend in args.backends:
        for size in args.sizes:
            engine = open_db(backend, size)
            print(f"{backend} {size:,}: preparing", file=sys.stderr)
            fill(engine, size)
            service = AdhocService(engine)
            for kind, runs in queries(samples(engine, args.runs)).items():
                result = measure(service, runs)
                answers = ", ".join(f"{k} {v}" for k, v in sorted(result["outcomes"].items()))
                search, vraag = result["search"], result["vraag"]
                print(f"| {backend} | {size:,} | {kind} | {search[0]:.1f} / {search[1]:.1f} | "
                      f"{vraag[0]:.1f} / {vraag[1]:.1f} | {answers} |", flush=True)
            engine.dispose()


if __name__ == "__main__":
    main()
