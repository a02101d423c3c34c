"""Recovery after a PostgreSQL connection loss, measured on a private cluster (never the
shared server), with the application ``adhoc-ws serve`` builds in a worker.

    python bench/restart.py --rounds 5

Each round: (1) every connection of the service dropped (``pg_terminate_backend``), then one
request of each API (SOAP vraag, bewoning, Berichten, /health): how many failed, and how long
the first round of requests took; (2) PostgreSQL stopped: how long the answers while it is
down take; (3) started again: failures among the first requests after it is back, and their
time. Uses ``tests/test_restart.py``'s cluster (initdb and pg_ctl must be installed).
"""
from __future__ import annotations

import argparse
import os
import pwd
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from sqlalchemy import text  # noqa: E402

from test_restart import Cluster, _server_binaries, everything, served  # noqa: E402

UP = ["A000", 200, 200, 200]


def timed(app) -> tuple[list, float]:
    started = time.perf_counter()
    answers = everything(app)
    return answers, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    binaries = _server_binaries()
    if binaries is None:
        sys.exit("no initdb/pg_ctl on this machine")
    as_user = []
    folder = Path(tempfile.mkdtemp(prefix="adhoc-ws-restart-bench-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(binaries, folder, as_user)
    cluster.initdb()
    cluster.start()
    engine, app = served(cluster.url)
    results = {"drop": [], "down": [], "restart": []}
    failures = {"drop": 0, "down": 0, "restart": 0}
    try:
        for _ in range(3):
            assert everything(app) == UP
        for round_ in range(args.rounds):
            with engine.connect() as conn:  # a connection of its own, to drop all the others
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE pid <> pg_backend_pid() AND datname = current_database()"))
            answers, seconds = timed(app)
            results["drop"].append(seconds)
            failures["drop"] += sum(a != b for a, b in zip(answers, UP))
            cluster.stop()
            answers, seconds = timed(app)
            results["down"].append(seconds)
            failures["down"] += sum(a == b for a, b in zip(answers, UP))  # a success while down would be wrong
            cluster.start()
            answers, seconds = timed(app)
            results["restart"].append(seconds)
            failures["restart"] += sum(a != b for a, b in zip(answers, UP))
            print(f"round {round_ + 1}: after the drop {results['drop'][-1] * 1000:.0f} ms, "
                  f"while down {results['down'][-1] * 1000:.0f} ms, after the restart "
                  f"{results['restart'][-1] * 1000:.0f} ms", flush=True)
    finally:
        engine.dispose()
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    requests = 4 * args.rounds
    for name, what in (("drop", "every connection dropped"), ("down", "PostgreSQL down"),
                       ("restart", "PostgreSQL restarted")):
        print(f"{what}: first 4 requests (SOAP, bewoning, Berichten, health) took median "
              f"{statistics.median(results[name]) * 1000:.0f} ms, max {max(results[name]) * 1000:.0f} ms; "
              f"{'successes while down' if name == 'down' else 'failed'}: {failures[name]} of {requests}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
