"""Normal requests while slow clients (slowloris) hold connections open: latency and failures.

    python bench/slowloris.py                                  # adhoc-ws, 200 slow connections
    python bench/slowloris.py --servers adhoc-ws gunicorn granian-wsgi uwsgi --slow 0 200

Serves the demo persoonslijsten and accounts (SQLite) under each of --servers (bench/servers.py,
2 workers x 4 threads unless told otherwise). For each number of --slow connections it opens
them, half trickling their headers and half sending whole headers that declare a body and then
trickling the body, one byte per connection every --interval seconds (a connection the server
closes is opened again); then --clients clients ask BSN vragen (HTTP Basic, keep-alive) for
--seconds, each waiting at most --timeout seconds for an answer. It prints, per server and
number of slow connections, the answers, their latency and the requests that got none.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from load import ENDPOINT, PASSWORD, USER, envelope, free_port, start, stop  # noqa: E402
from servers import SERVERS  # noqa: E402

from adhoc_ws.accounts import load_afnemers  # noqa: E402
from adhoc_ws.storage import database, loader  # noqa: E402

ROOT = HERE.parent
BSN_VRAAG = envelope([(10120, "999993653")]).encode()


def request_bytes(body: bytes) -> bytes:
    return (f"POST {ENDPOINT} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


class Slowloris:
    """``count`` connections sending their request one byte every ``interval`` seconds, never
    the last byte: even ones trickle the headers, odd ones send whole headers declaring a
    body and trickle the body. A connection the server closes is opened again."""

    def __init__(self, port: int, count: int, interval: float = 1.0):
        self.port, self.interval = port, interval
        self.stopped = threading.Event()
        self.reopened = 0
        self.connections = [self._open(i) for i in range(count)]
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _open(self, i: int) -> list:
        conn = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        whole = request_bytes(BSN_VRAAG)
        if i % 2:
            head = whole[:whole.index(b"\r\n\r\n") + 4]
            conn.sendall(head)
            return [conn, whole[len(head):], i]
        return [conn, whole, i]

    def _trickle(self):
        while not self.stopped.wait(self.interval):
            for entry in self.connections:
                conn, rest, i = entry
                if len(rest) <= 1:
                    continue
                try:
                    conn.sendall(rest[:1])
                    entry[1] = rest[1:]
                except OSError:
                    conn.close()
                    try:
                        entry[:] = self._open(i)
                        self.reopened += 1
                    except OSError:
                        pass

    def close(self):
        self.stopped.set()
        self.thread.join()
        for conn, _, _ in self.connections:
            conn.close()


def ask(port: int, seconds: float, timeout: float, times: list, failures: list):
    """BSN vragen on one keep-alive connection for ``seconds``: latencies, failures."""
    auth = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    headers = {"Content-Type": "text/xml", "Authorization": auth}
    conn = None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            conn.request("POST", ENDPOINT, BSN_VRAAG, headers)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200 or b"<code>0</code>" not in body:
                raise ValueError(response.status)
            times.append(time.perf_counter() - started)
        except (OSError, ValueError, http.client.HTTPException):
            failures.append(time.perf_counter() - started)
            if conn:
                conn.close()
            conn = None


def measure(port: int, slow: int, args) -> dict:
    loris = Slowloris(port, slow, args.interval) if slow else None
    try:
        time.sleep(2 if slow else 0)  # every slow connection has begun
        ask(port, 1, args.timeout, [], [])  # warm up: logins, connections
        times, failures = [], []
        clients = [threading.Thread(target=ask, args=(port, args.seconds, args.timeout, times, failures))
                   for _ in range(args.clients)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
    finally:
        if loris:
            loris.close()
    result = {"answered": len(times), "failed": len(failures), "reopened": loris.reopened if loris else 0}
    if len(times) >= 2:
        cuts = statistics.quantiles(times, n=100)
        result.update(p50=1000 * statistics.median(times), p99=1000 * cuts[98], max=1000 * max(times))
    return result


def demo_db(folder: Path) -> str:
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    engine = database.open_engine(url)
    database.init(engine)
    loader.load(engine, sorted((ROOT / "fixtures").glob("*.json")))
    load_afnemers(engine, ROOT / "fixtures" / "afnemers" / "demo-afnemers.json")
    engine.dispose()
    return url


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", nargs="+", choices=SERVERS, default=["adhoc-ws"])
    parser.add_argument("--slow", type=int, nargs="+", default=[0, 200],
                        help="numbers of slow connections to measure with")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--timeout", type=float, default=5)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args()
    db = demo_db(Path(tempfile.mkdtemp()))
    print("| server | slow connections | answered | req/s | p50 ms | p99 ms | max ms | "
          f"no answer within {args.timeout:g} s |\n|---|---|---|---|---|---|---|---|")
    for server in args.servers:
        port = free_port()
        process = start([sys.executable, str(HERE / "servers.py"), "--server", server, "--app",
                         "adhoc-ws", "--db", db, "--port", str(port), "--workers", str(args.workers),
                         "--threads", str(args.threads)], port)
        try:
            for slow in args.slow:
                r = measure(port, slow, args)
                figures = " | ".join(f"{r[k]:.1f}" if k in r else "-" for k in ("p50", "p99", "max"))
                print(f"| {server} | {slow} | {r['answered']} | {r['answered'] / args.seconds:.0f} | "
                      f"{figures} | {r['failed']} |", flush=True)
        finally:
            stop(process)


if __name__ == "__main__":
    main()
