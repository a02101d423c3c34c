"""Latency of the bewoning API's finder on the synthetic populations of bench/search.py.

    python bench/bewoning.py                      # SQLite and PostgreSQL, 100k and 1M PLs
    python bench/bewoning.py --sizes 100000 --backends sqlite

For --runs adresseerbare objecten drawn from the data (households share one), it asks a
peildatum (2020-01-01) and a period of ten years (2015-01-01 … 2025-01-01), and reports the
median and p95 of the whole finder: reading the persons and their history, the rules, and
serialising the JSON answer.
"""
import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from search import fill, median_p95, open_db  # noqa: E402

from adhoc_ws.bewoning import BewoningVraag  # noqa: E402
from adhoc_ws.bewoning.store import zoek_bewoningen  # noqa: E402
from adhoc_ws.storage.schema import lo3_adres  # noqa: E402

ASKS = {"peildatum 2020-01-01": (dt.date(2020, 1, 1), dt.date(2020, 1, 2)),
        "periode 2015 … 2025": (dt.date(2015, 1, 1), dt.date(2025, 1, 1))}


def objects(engine, n: int) -> list[str]:
    with engine.connect() as conn:
        top = conn.execute(select(func.max(lo3_adres.c.adres_id))).scalar()
        ids = random.Random(7).sample(range(1, top + 1), n * 2)
        found = conn.execute(select(lo3_adres.c.verblijf_plaats_ident_code)
                             .where(lo3_adres.c.adres_id.in_(ids),
                                    lo3_adres.c.verblijf_plaats_ident_code.is_not(None))).scalars().all()
    return list(found)[:n]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    print("| backend | PLs | ask | median / p95 ms | bewoningen per answer |\n|---|---|---|---|---|")
    for backend in args.backends:
        for size in args.sizes:
            engine = open_db(backend, size)
            fill(engine, size)
            targets = objects(engine, args.runs)
            for label, (van, tot) in ASKS.items():
                vragen = [BewoningVraag(o, van, tot, peildatum=tot - van == dt.timedelta(days=1))
                          for o in targets]
                for vraag in vragen[:20]:
                    zoek_bewoningen(engine, vraag)  # warm the caches
                times, counts = [], []
                for vraag in vragen:
                    started = time.perf_counter()
                    uitkomst = zoek_bewoningen(engine, vraag)
                    json.dumps({"bewoningen": uitkomst.bewoningen}, ensure_ascii=False)
                    times.append((time.perf_counter() - started) * 1000)
                    counts.append(len(uitkomst.bewoningen))
                median, p95 = median_p95(times)
                print(f"| {backend} | {size:,} | {label} | {median:.1f} / {p95:.1f} | "
                      f"{statistics.mean(counts):.2f} |", flush=True)
            engine.dispose()


if __name__ == "__main__":
    main()
