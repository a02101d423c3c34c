"""How fast ``adhoc-ws generate`` makes a population into an empty database, both backends, and
side by side with an older generator.

    python bench/generate.py                        # 1,000,000 PLs, SQLite and PostgreSQL
    python bench/generate.py --count 200000 --backends sqlite
    python bench/generate.py --against /tmp/gen-1d8478d   # also the generator of that checkout

Reports per backend the whole run (what ``adhoc-ws generate --count N`` takes) and its parts:
making the rows, building the indexes, ANALYZE (a generator that runs ANALYZE in the sessions
that build the indexes, overlapping them, has it in the indexes' time); and the load average
of the machine before and after (the machine is shared: compare figures of one run, not
across runs). ``--against`` names a checkout of an older version with its own virtualenv
(``.venv``, the package installed in it): each round runs that generator and this one, one
after the other, each in a process of its own, and reports the ratio. SQLite goes to a file in a temporary folder,
PostgreSQL to a schema ``bench_generate`` of $ADHOC_WS_BENCH_PG; both are removed afterwards.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG_URL = os.environ.get("ADHOC_WS_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
SCHEMA = "bench_generate"


def one(backend: str, count: int) -> dict:
    """Generate ``count`` PLs into a new, empty database with the installed adhoc_ws; timings."""
    from sqlalchemy import text

    from adhoc_ws import generate as generating
    from adhoc_ws.storage import database

    times: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                times[name] = times.get(name, 0.0) + time.perf_counter() - started
        return wrapper

    admin = None
    with tempfile.TemporaryDirectory() as folder:
        if backend == "sqlite":
            url = f"sqlite:///{Path(folder) / 'generate.sqlite'}"
        else:
            admin = database.open_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
            url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{SCHEMA}"
        engine = database.open_engine(url)
        original = generating.database.create_indexes, generating.database.analyze
        generating.database.create_indexes = timed("indexes", original[0])
        generating.database.analyze = timed("analyze", original[1])
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
    times["rows"] = times["total"] - times.get("indexes", 0) - times.get("analyze", 0)
    return times


def measure(python: str, backend: str, count: int) -> dict:
    """One run in a process of its own, with the given interpreter (and so its adhoc_ws)."""
    load = os.getloadavg()[0]
    out = subprocess.run([python, __file__, "--one", backend, str(count)], check=True,
                         capture_output=True, text=True, cwd=HERE.parent.parent).stdout
    return {**json.loads(out.splitlines()[-1]), "load": (load, os.getloadavg()[0])}


def row(name: str, backend: str, count: int, t: dict) -> str:
    # a generator that runs ANALYZE in the sessions building the indexes has it in "indexes"
    analyze = f"{t['analyze']:.1f}" if "analyze" in t else "(in indexes)"
    return (f"| {name} | {backend} | {count:,} | {t['total']:.1f} | {count / t['total']:,.0f} | "
            f"{t['rows']:.1f} ({count / t['rows']:,.0f}) | {t.get('indexes', 0):.1f} | "
            f"{analyze} | {t['load'][0]:.1f} → {t['load'][1]:.1f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--against", type=Path, help="a checkout of an older version, with .venv")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--one", nargs=2, metavar=("BACKEND", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return
    print("| generator | backend | PLs | total s | PL/s | rows s (PL/s) | indexes s | ANALYZE s "
          "| load avg before → after |\n|---|---|---|---|---|---|---|---|---|", flush=True)
    for _ in range(args.rounds):
        for backend in args.backends:
            if args.against:
                old = measure(str(args.against / ".venv" / "bin" / "python"), backend, args.count)
                print(row(args.against.name, backend, args.count, old), flush=True)
            new = measure(sys.executable, backend, args.count)
            print(row("this", backend, args.count, new), flush=True)
            if args.against:
                print(f"| ratio | {backend} | | | **{old['total'] / new['total']:.1f}×** | "
                      f"{old['rows'] / new['rows']:.1f}× | | | |", flush=True)


if __name__ == "__main__":
    main()
