"""Growing one PostgreSQL database towards national scale: the growth curve behind the 28M plan.

    python bench/scale.py --steps 1000000 2000000 4000000 8000000

Starts from an empty schema (scale_run), adds persoonslijsten with ``generate`` up to each step
(the first step into an empty database, later ones into a database that keeps its indexes up
to date while it grows), and reports per step: how fast the step was made, the size on disk
(tables and indexes), and the median and p95 of the search-only and whole-vraag latency for
BSN, geslachtsnaam + geboortedatum and historie, as bench/search.py measures them.
"""
import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from search import PG_URL, measure, queries, samples  # noqa: E402

from adhoc_ws.generate import generate  # noqa: E402
from adhoc_ws.service import AdhocService  # noqa: E402
from adhoc_ws.storage import database  # noqa: E402

SCHEMA = "scale_run"
KINDS = ("BSN", "geslachtsnaam + geboortedatum", "historie: old name + geboortedatum")


def size(engine) -> tuple[float, float]:
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT sum(pg_table_size(c.oid)), sum(pg_indexes_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind = 'r'"),
            {"s": SCHEMA}).one()
    return row[0] / 2**30, row[1] / 2**30


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[1_000_000, 2_000_000, 4_000_000])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    admin = database.open_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
    engine = database.open_engine(f"{PG_URL}?options=-csearch_path%3D{SCHEMA}")
    print("| PLs | step made at PL/s | tables GiB | indexes GiB | query | search median / p95 ms "
          "| vraag median / p95 ms |\n|---|---|---|---|---|---|---|")
    have = 0
    for step in args.steps:
        started = time.perf_counter()
        generate(engine, step - have, seed=step)
        rate = (step - have) / (time.perf_counter() - started)
        have = step
        tables, indexes = size(engine)
        service = AdhocService(engine)
        runs = queries(samples(engine, args.runs))
        for kind in KINDS:
            result = measure(service, runs[kind])
            s, v = result["search"], result["vraag"]
            print(f"| {step:,} | {rate:,.0f} | {tables:.1f} | {indexes:.1f} | {kind} | "
                  f"{s[0]:.1f} / {s[1]:.1f} | {v[0]:.1f} / {v[1]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
