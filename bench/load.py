"""adhoc-ws over HTTP beside the physical floor under the same server: CPU per request (wrk).

    python bench/load.py                     # SQLite and PostgreSQL, 1 and 2 workers
    python bench/load.py --backends sqlite --workers 2 --seconds 10
    python bench/load.py --threads 1         # one thread per worker, floors and adhoc-ws alike
    python bench/load.py --servers adhoc-ws gunicorn granian-wsgi   # compare servers (gunicorn:
                                             # pip install -e '.[bench]')

First the server's own floor (bench/floor.py: reads the body, answers a fixed vraagResponse)
under each of --servers with the same settings (bench/servers.py; ``adhoc-ws`` is what
``adhoc-ws serve`` runs). Then, on the 100k-PL data set of bench/search.py, adhoc-ws (accounts
on: every request logs in with HTTP Basic, is protocolled and logged) and the physical floor
(bench/physical_floor.py: the least program giving the same answers, so what it costs under a
server is the physical floor plus the server's own) are served side by side and driven in
turns by wrk: --connections clients over HTTP/1.1 keep-alive, --seconds a turn, --rounds turns
each, asking "BSN" (a vraag on a BSN), "name" (geslachtsnaam + geboortedatum) or "adresvraag"
(on a BSN), each request a different person. Every answer is checked: anything but an A000
counts as an error.

The figures are the CPU time per request of the server's worker processes and of the local
PostgreSQL backends of the benchmark's database (from /proc), which, unlike requests/s, hardly
depend on what else the machine runs; the ratio is the median of each round's.
"""
import argparse
import base64
import json
import os
import shutil
import statistics
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from search import PG_URL, fill, open_db, samples  # noqa: E402

from adhoc_ws import serving  # noqa: E402
from servers import SERVERS  # noqa: E402
from adhoc_ws.accounts import load_afnemers  # noqa: E402

ROOT = HERE.parent
ENDPOINT = "/gba-v/online/lo3services/adhoc"
USER, PASSWORD = "demo", "Demo-Wachtwoord-2026"
MASKER = [10120, 10210, 10230, 10240, 10310, 81110, 81120, 81160, 81170]

LUA = r"""
local bodies = {}
for line in io.lines("%(bodies)s") do bodies[#bodies + 1] = line end
local threads = {}
local n = 0
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; n = math.random(#bodies) end
function request()
  n = n %% #bodies + 1
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "text/xml; charset=utf-8",
    ["Authorization"] = "%(auth)s"}, bodies[n])
end
function response(status, headers, body)
  if status ~= 200 or not body:find("<letter>A</letter>", 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local errors = 0
  for _, t in ipairs(threads) do errors = errors + t:get("bad") end
  io.write(string.format('RESULT {"rps": %%.1f, "p50": %%.2f, "p95": %%.2f, "p99": %%.2f, ' ..
    '"requests": %%d, "errors": %%d}\n', summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, errors + summary.errors.status))
end
"""


def envelope(params, operation: str = "vraag") -> str:
    masker = "".join(f"<v:item>{m}</v:item>" for m in MASKER)
    ps = "".join(f"<v:item><v:rubrieknummer>{r}</v:rubrieknummer><v:zoekwaarde>{w}</v:zoekwaarde>"
                 f"</v:item>" for r, w in params)
    return ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
            f'xmlns:v="http://www.bprbzk.nl/GBA/LRDPlus/version1.1"><s:Body><v:{operation}><v:in0>'
            f"<v:masker>{masker}</v:masker><v:parameters>{ps}</v:parameters>"
            f"</v:in0></v:{operation}></s:Body></s:Envelope>")


def free_port() -> int:
    """A port nobody listens on: from $ADHOC_WS_BENCH_PORTS (``18700-18799``) when set, else any."""
    low, _, high = os.environ.get("ADHOC_WS_BENCH_PORTS", "0-0").partition("-")
    for port in range(int(low), int(high) + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port in $ADHOC_WS_BENCH_PORTS")


def start(command, port):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):  # a minute or more: a loaded machine starts slowly
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            time.sleep(0.5)
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{command} did not start")


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def warm(port, bodies: Path, args) -> None:
    """Ask until every worker answers (on a loaded machine a worker may still be loading the
    application after the server listens): every statement made, the pages read."""
    for _ in range(30):
        result = wrk(port, bodies, argparse.Namespace(connections=args.connections, seconds=2))
        if result["requests"] > 4 * args.connections and not result["errors"]:
            wrk(port, bodies, argparse.Namespace(connections=args.connections, seconds=2))
            return
    raise RuntimeError(f"the server on port {port} does not answer well: {result}")


def cpu_of(pids) -> float:
    """CPU seconds these processes' threads have used so far (/proc/<pid>/task/<tid>/schedstat:
    nanoseconds on a CPU, finer than the clock ticks of /proc/<pid>/stat; /proc/<pid>/schedstat
    alone is the main thread's, not a threaded server's); a process gone meanwhile counts 0,
    and so does a thread that ended (the servers keep theirs)."""
    used = 0
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                used += int((task / "schedstat").read_text().split()[0])
            except OSError:
                pass
    return used / 1e9


def worker_pids(server: subprocess.Popen) -> list[int]:
    """The server's worker processes (its children)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(pid) for pid in children.read_text().split()]


def backend_pids(engine) -> list[int]:
    """The PostgreSQL backends serving the benchmark's database, this connection's own aside:
    what other databases on the same server do (the tests of others, say) is not counted."""
    with engine.connect() as conn:
        return list(conn.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")).scalars())


def cpu_seconds(server: subprocess.Popen, monitor) -> tuple[float, float]:
    """CPU seconds used so far by the server's workers and by the database's backends
    (``monitor`` an engine on the benchmark's PostgreSQL database, or None)."""
    return cpu_of(worker_pids(server)), cpu_of(backend_pids(monitor)) if monitor else 0.0


def measured(server, port, bodies: Path, args, monitor=None) -> dict:
    """wrk's figures, with the CPU milliseconds per request of the workers and the database."""
    workers, database = cpu_seconds(server, monitor)
    result = wrk(port, bodies, args)
    workers_after, database_after = cpu_seconds(server, monitor)
    result["cpu"] = 1000 * (workers_after - workers) / result["requests"]
    result["db_cpu"] = 1000 * (database_after - database) / result["requests"]
    return result


def wrk(port, bodies: Path, args) -> dict:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    auth = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    script.write_text(LUA % {"bodies": bodies, "path": ENDPOINT, "auth": auth})
    out = subprocess.run(["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s",
                          "-s", str(script), f"http://127.0.0.1:{port}{ENDPOINT}"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.split("RESULT ", 1)[1])


def db_url(backend, size):
    if backend == "sqlite":
        return f"sqlite:///{HERE / 'data' / f'bench_{size}.sqlite'}"
    return f"{PG_URL}?options=-csearch_path%3Dbench_{size}"


def serve(server: str, app: str, workers: int, args, db: str | None = None):
    """bench/servers.py serving ``app`` under ``server``, once it listens: (process, port)."""
    port = free_port()
    command = [sys.executable, str(HERE / "servers.py"), "--server", server, "--app", app,
               "--port", str(port), "--workers", str(workers), "--threads", str(args.threads)]
    return start(command + (["--db", db] if db else []), port), port


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", nargs="*", default=["sqlite", "postgresql"])
    parser.add_argument("--servers", nargs="+", choices=SERVERS, default=["adhoc-ws"])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--queries", nargs="+", choices=["BSN", "name", "adresvraag"],
                        default=["BSN", "name", "adresvraag"])
    parser.add_argument("--rounds", type=int, default=3,
                        help="turns of adhoc-ws and the physical floor, each --seconds long")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=serving.Options.threads,
                        help="threads per worker, for the floor and adhoc-ws alike")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp())
    print("| server | app | backend | workers | query | req/s | p50 ms | p95 ms | p99 ms | errors | "
          "% of floor | server CPU ms/req | database CPU ms/req |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    floor_rps = {}
    bodies = work / "floor.txt"
    bodies.write_text(envelope([(10120, "999993653")]) + "\n")
    for workers in args.workers:
        for server in args.servers:
            process, port = serve(server, "floor", workers, args)
            warm(port, bodies, args)
            r = measured(process, port, bodies, args)
            stop(process)
            floor_rps[server, workers] = r["rps"]
            print(f"| {server} | floor | - | {workers} | fixed answer | {r['rps']:.0f} | {r['p50']:.1f} | "
                  f"{r['p95']:.1f} | {r['p99']:.1f} | {r['errors']} | 100 | {r['cpu']:.2f} | - |",
                  flush=True)
    print("\n| server | backend | workers | query | adhoc-ws req/s | p50 ms | p99 ms | errors | "
          "adhoc-ws CPU ms/req (server + database) | physical floor CPU ms/req (server + database) | "
          "adhoc-ws / physical floor |\n|---|---|---|---|---|---|---|---|---|---|---|")
    from physical_floor import ingezetenen  # it imports from here
    for backend in args.backends:
        engine = open_db(backend, args.size)
        fill(engine, args.size)
        load_afnemers(engine, ROOT / "fixtures" / "afnemers" / "demo-afnemers.json")
        persons = samples(engine, 2000)
        kinds = {"BSN": [[(10120, p[0])] for p in persons],
                 "name": [[(10240, p[2]), (10310, p[3])] for p in persons],
                 "adresvraag": [[(10120, p[0])] for p in ingezetenen(engine, persons)]}
        for workers in args.workers:
            for server in args.servers:
                for kind in args.queries:
                    bodies = work / f"{kind}.txt"
                    operation = "adresvraag" if kind == "adresvraag" else "vraag"
                    bodies.write_text("\n".join(envelope(p, operation) for p in kinds[kind]) + "\n")
                    beside_floor(server, backend, workers, kind, bodies, engine, args)
        engine.dispose()


def beside_floor(server, backend, workers, kind, bodies: Path, engine, args) -> None:
    """adhoc-ws and the physical floor served side by side by ``server`` on the same data,
    driven in turns (the order alternating) for --rounds rounds; medians, and the median of
    each round's ratio of CPU per request (server + database)."""
    db = db_url(backend, args.size)
    served = {app: serve(server, app, workers, args, db) for app in ("physical-floor", "adhoc-ws")}
    monitor = engine if backend == "postgresql" else None
    try:
        for process, port in served.values():
            warm(port, bodies, args)
        rounds = {app: [] for app in served}
        for r in range(args.rounds):
            for app in (list(served) if r % 2 == 0 else list(reversed(served))):
                rounds[app].append(measured(*served[app], bodies, args, monitor))
    finally:
        for process, _ in served.values():
            stop(process)
    adhoc, floor = rounds["adhoc-ws"], rounds["physical-floor"]
    ratio = statistics.median((a["cpu"] + a["db_cpu"]) / (f["cpu"] + f["db_cpu"])
                              for a, f in zip(adhoc, floor))

    def median(results, key):
        return statistics.median(r[key] for r in results)

    def cpu(results):
        total = statistics.median(r["cpu"] + r["db_cpu"] for r in results)
        if backend != "postgresql":
            return f"{total:.2f}"
        return f"{total:.2f} ({median(results, 'cpu'):.2f} + {median(results, 'db_cpu'):.2f})"
    errors = sum(r["errors"] for r in adhoc + floor)
    print(f"| {server} | {backend} | {workers} | {kind} | {median(adhoc, 'rps'):.0f} | "
          f"{median(adhoc, 'p50'):.1f} | {median(adhoc, 'p99'):.1f} | {errors} | {cpu(adhoc)} | "
          f"{cpu(floor)} | {ratio:.2f} |", flush=True)

if __name__ == "__main__":
    main()
