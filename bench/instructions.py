"""Instructions per request, the physical floor's and adhoc-ws's, counted by callgrind.

    python bench/instructions.py                            # SQLite: BSN, name and adresvraag
    python bench/instructions.py --queries BSN --persons 300

CPU time on a shared machine moves with whatever else runs; the number of instructions a
request executes does not. This runs bench/physical_floor.py's two WSGI applications, the
floor and adhoc-ws (accounts on, a login per request, the access log written to /dev/null),
each in a process of its own under ``valgrind --tool=callgrind``, and counts only the loop
that answers --persons different persons (every one answered once before, so the caches
are warm and every statement made): the loop is called through a C function that nothing
else calls (ctypes), and callgrind collects inside that function alone. On SQLite the
database works in the process, so its instructions count too; on PostgreSQL only the
client's would, which is why this is for SQLite.

callgrind runs a program some 50 times slower: a few hundred persons are enough, the
instruction counts hardly differ between runs. ``--profile DIR`` keeps callgrind's output
files (for callgrind_annotate).
"""
from __future__ import annotations

import argparse
import ctypes
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MARKER = "ffi_call"  # libffi's entry point: the ctypes call of the measured loop goes through it


SLOWER = 100  # about how much slower a program runs under callgrind


def slowed(clock):
    """``clock`` going SLOWER times slower: under callgrind, a login is remembered (for 10 s of
    this clock) for as many requests as without it, not for a hundredth of them."""
    start = clock()
    return lambda: start + (clock() - start) / SLOWER


def private_copy(size: int) -> Path:
    """A copy of the data set (SQLite's backup: consistent while others use it) for the
    measured processes alone, so that no other program's writes lock or change it."""
    from search import fill, open_db
    from adhoc_ws.accounts import load_afnemers
    from load import ROOT
    from adhoc_ws.storage.database import open_engine

    engine = open_db("sqlite", size)
    fill(engine, size)
    engine.dispose()
    copy = Path(tempfile.mkdtemp()) / "instructions.sqlite"
    source, target = sqlite3.connect(HERE / "data" / f"bench_{size}.sqlite"), sqlite3.connect(copy)
    with target:
        source.backup(target)
    source.close(), target.close()
    engine = open_engine(f"sqlite:///{copy}")
    load_afnemers(engine, ROOT / "fixtures" / "afnemers" / "demo-afnemers.json")
    engine.dispose()
    return copy


def answer_all(app_name: str, query: str, database: str, persons: int) -> None:
    """In the measured process: warm up, then answer every person once inside the marker."""
    from physical_floor import QUERIES, Floor, call, environ, ingezetenen, _start
    from load import envelope
    from search import samples
    from adhoc_ws import web
    from adhoc_ws.accounts import Accounts
    from adhoc_ws.storage.database import open_engine
    from adhoc_ws.app import build
    from adhoc_ws.service import SEARCH_TIMEOUT, AdhocService
    from adhoc_ws.storage.database import Connections

    web.configure_logging(open(os.devnull, "w"))
    engine = open_engine(f"sqlite:///{database}")
    asked = samples(engine, persons)
    if query == "adresvraag":
        asked = ingezetenen(engine, asked)
    operation = "adresvraag" if query == "adresvraag" else "vraag"
    bodies = [envelope(QUERIES[query](p), operation).encode() for p in asked]
    if app_name == "floor":
        app = Floor(engine)
    else:
        connections = Connections(engine, SEARCH_TIMEOUT)
        accounts = Accounts(engine, connections=connections, clock=slowed(time.time))
        app = build(AdhocService(engine, accounts=accounts, connections=connections))
    for body in bodies:
        call(app, body)
    environs = [environ(body) for body in bodies]

    def loop():
        for e in environs:
            app(e, _start)

    ctypes.CFUNCTYPE(None)(loop)()
    print(f"REQUESTS {len(environs)}")


def count(app_name: str, query: str, args) -> float:
    """Instructions per request of ``app_name`` answering ``query``, under callgrind."""
    out = Path(args.profile or tempfile.mkdtemp()) / f"callgrind.{app_name}.{query}"
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", f"--toggle-collect={MARKER}",
         sys.executable, __file__, "--inside", app_name, "--queries", query,
         "--database", str(args.database), "--persons", str(args.persons)],
        capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0"))
    requests = re.search(r"REQUESTS (\d+)", run.stdout)
    collected = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode or not requests or not collected:
        raise RuntimeError(f"callgrind run failed:\n{run.stdout}\n{run.stderr[-3000:]}")
    return int(collected.group(1)) / int(requests.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", nargs="+", default=["BSN", "name", "adresvraag"])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--profile", help="keep callgrind's output files in this folder")
    parser.add_argument("--inside", help=argparse.SUPPRESS)  # the measured process: floor or adhoc-ws
    parser.add_argument("--database", help=argparse.SUPPRESS)  # its copy of the data set
    args = parser.parse_args()
    if args.inside:
        return answer_all(args.inside, args.queries[0], args.database, args.persons)
    args.database = private_copy(args.size)
    print("| SQLite, query | floor instructions/request | adhoc-ws instructions/request | "
          "adhoc-ws / floor |\n|---|---|---|---|")
    try:
        for query in args.queries:
            floor, adhoc = count("floor", query, args), count("adhoc-ws", query, args)
            print(f"| {query} | {floor / 1e6:.2f} M | {adhoc / 1e6:.2f} M | {adhoc / floor:.2f} |",
                  flush=True)
    finally:
        shutil.rmtree(args.database.parent)


if __name__ == "__main__":
    main()
