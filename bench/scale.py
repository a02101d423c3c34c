"""Growing one PostgreSQL database towards national scale: the growth curve up to 28 million.

    python bench/scale.py --steps 1000000 2000000 4000000 8000000
    python bench/scale.py --steps 1000000 8000000 28000000 --rebuild
    python bench/scale.py --steps 28000000 --keep      # go on with the database of a former run

Starts from an empty schema (scale_run) unless --keep, adds persoonslijsten with ``generate`` up
to each step (the first step into an empty database, where the secondary indexes are built once
at the end; later ones into a database that keeps its indexes up to date while it grows, or with
--rebuild drops them before the step and builds them again after it), and reports per step: how
long the step took and how fast it was made, the size on disk (tables and indexes), and the
median and p95 of the search-only and whole-vraag latency of each query kind of bench/search.py
(BSN, name + geboortedatum, initials, leading wildcard, diacritics, historie). Progress and the
parts of each step go to stderr.
"""
import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from search import PG_URL, measure, queries, samples  # noqa: E402

from adhoc_ws import generate as generating  # noqa: E402
from adhoc_ws.service import AdhocService  # noqa: E402
from adhoc_ws.storage import database  # noqa: E402
from adhoc_ws.storage.schema import lo3_pl  # noqa: E402

SCHEMA = "scale_run"


def size(engine) -> tuple[float, float]:
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT sum(pg_table_size(c.oid)), sum(pg_indexes_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind = 'r'"),
            {"s": SCHEMA}).one()
    return row[0] / 2**30, row[1] / 2**30


def grow(engine, have: int, step: int, rebuild: bool) -> dict:
    """Add PLs up to ``step``; the seconds of the whole step and of its index builds."""
    def log(what):
        print(f"{time.strftime('%H:%M:%S')} {step:,}: {what}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    indexes = 0.0
    made = [0, time.perf_counter()]

    def progress(n):
        made[0] += n
        if time.perf_counter() - made[1] > 60:
            made[1] = time.perf_counter()
            log(f"{made[0]:,} of {step - have:,} made")
    log(f"generating {step - have:,}")
    create_indexes = generating.database.create_indexes

    def timed(*args, **kwargs):
        nonlocal indexes
        log("building the indexes")
        begun = time.perf_counter()
        create_indexes(*args, **kwargs)
        indexes += time.perf_counter() - begun
    generating.database.create_indexes = timed
    try:
        generating.generate(engine, step - have, seed=step, progress=progress,
                            rebuild=rebuild or not have)
    finally:
        generating.database.create_indexes = create_indexes
    log("made")
    return {"total": time.perf_counter() - started, "indexes": indexes}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[1_000_000, 2_000_000, 4_000_000])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true",
                        help="later steps drop the secondary indexes and build them again")
    parser.add_argument("--keep", action="store_true", help="go on with the existing schema")
    args = parser.parse_args()
    admin = database.open_engine(PG_URL)
    if not args.keep:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
    separator = "&" if "?" in PG_URL else "?"
    engine = database.open_engine(f"{PG_URL}{separator}options=-csearch_path%3D{SCHEMA}")
    database.init(engine, indexes=False)
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(lo3_pl)).scalar()
    print("| PLs | step s | step made at PL/s | tables GiB | indexes GiB | query "
          "| search median / p95 ms | vraag median / p95 ms | answers |\n"
          "|---|---|---|---|---|---|---|---|---|", flush=True)
    for step in args.steps:
        if step > have:
            took = grow(engine, have, step, args.rebuild)
            rate = (step - have) / took["total"]
            made = f"{took['total']:,.0f}" + (f" (indexes {took['indexes']:,.0f})"
                                                if took["indexes"] else "")
            have = step
        else:
            made, rate = "-", 0
        tables, indexes = size(engine)
        service = AdhocService(engine)
        for kind, runs in queries(samples(engine, args.runs)).items():
            result = measure(service, runs)
            s, v = result["search"], result["vraag"]
            answers = ", ".join(f"{k} {n}" for k, n in sorted(result["outcomes"].items()))
            print(f"| {step:,} | {made} | {rate:,.0f} | {tables:.1f} | {indexes:.1f} | {kind} | "
                  f"{s[0]:.1f} / {s[1]:.1f} | {v[0]:.1f} / {v[1]:.1f} | {answers} |", flush=True)
        service.engine.dispose()


if __name__ == "__main__":
    main()
