"""How fast ``adhoc-ws generate`` makes a population into an empty database, both backends.

    python bench/generate.py                        # 1,000,000 PLs, SQLite and PostgreSQL
    python bench/generate.py --count 200000 --backends sqlite

Reports per backend the whole run (what ``adhoc-ws generate --count N`` takes) and its parts:
writing the rows (made in parallel by one process per core), building the indexes, ANALYZE.
SQLite goes to a file in a temporary folder, PostgreSQL to a schema ``bench_generate``; both
are removed afterwards.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from search import PG_URL  # noqa: E402

from adhoc_ws import generate as generating  # noqa: E402
from adhoc_ws.storage import database  # noqa: E402

SCHEMA = "bench_generate"


def timed(times: dict, name: str, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            times[name] = times.get(name, 0.0) + time.perf_counter() - started
    return wrapper


def run(backend: str, count: int) -> dict:
    admin = None
    with tempfile.TemporaryDirectory() as folder:
        if backend == "sqlite":
            url = f"sqlite:///{Path(folder) / 'generate.sqlite'}"
        else:
            admin = database.open_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
            url = f"{PG_URL}?options=-csearch_path%3D{SCHEMA}"
        engine = database.open_engine(url)
        times: dict[str, float] = {}
        original = generating.database.create_indexes, generating.database.analyze
        generating.database.create_indexes = timed(times, "indexes", original[0])
        generating.database.analyze = timed(times, "analyze", original[1])
        try:
            started = time.perf_counter()
            generating.generate(engine, count)
            times["total"] = time.perf_counter() - started
        finally:
            generating.database.create_indexes, generating.database.analyze = original
            engine.dispose()
            if admin is not None:
                with admin.begin() as conn:
                    conn.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    times["writing"] = times["total"] - times.get("indexes", 0) - times.get("analyze", 0)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    print("| backend | PLs | total s | PL/s | writing s (PL/s) | indexes s | ANALYZE s |\n"
          "|---|---|---|---|---|---|---|")
    for backend in args.backends:
        t = run(backend, args.count)
        print(f"| {backend} | {args.count:,} | {t['total']:.1f} | {args.count / t['total']:,.0f} | "
              f"{t['writing']:.1f} ({args.count / t['writing']:,.0f}) | {t.get('indexes', 0):.1f} | "
              f"{t.get('analyze', 0):.1f} |", flush=True)


if __name__ == "__main__":
    main()
