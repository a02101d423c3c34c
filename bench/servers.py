"""One WSGI application under one of the servers the benchmarks compare.

    python bench/servers.py --server adhoc-ws --app floor --port 8100 --workers 2 --threads 4
    python bench/servers.py --server gunicorn --app adhoc-ws --db sqlite:///x.sqlite --port 8100

Servers:
- ``adhoc-ws``: what ``adhoc-ws serve`` runs (granian's RSGI interface, each request read whole
  on the event loop, then the WSGI application in a pool of --threads threads:
  :mod:`adhoc_ws.serving`);
- ``granian-wsgi``: granian's own WSGI interface, --threads blocking threads per worker (a
  request goes to a thread once its headers are in);
- ``gunicorn``: the set-up adhoc-ws had before, gunicorn's gthread workers (needs gunicorn:
  ``pip install -e '.[bench]'``);
- ``uwsgi``: uWSGI's own HTTP/1.1 parser (``--http11-socket``), --threads threads per worker (needs
  the ``uwsgi`` program, built for this Python: ``pip install uwsgi`` compiles it; $UWSGI
  names another one).

Apps: ``floor`` (bench/floor.py: reads the body, answers a fixed vraagResponse: the server's own
floor), ``physical-floor`` (bench/physical_floor.py's least program answering a vraag on --db,
the same bytes as adhoc-ws) or ``adhoc-ws`` (the whole service on --db, with its accounts, as
``adhoc-ws serve`` builds it).
"""
from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from adhoc_ws import serving  # noqa: E402
from adhoc_ws.cli import served_app  # noqa: E402
from adhoc_ws.service import SEARCH_TIMEOUT  # noqa: E402

SERVERS = ("adhoc-ws", "granian-wsgi", "gunicorn", "uwsgi")
APPS = ("floor", "physical-floor", "adhoc-ws")


def floor_app():
    from floor import app
    return app()


def physical_floor_app(db: str):
    """bench/physical_floor.py's floor on ``db``, one per thread (each keeps its connection)."""
    import threading

    from physical_floor import Floor

    from adhoc_ws.storage import database

    engine = database.open_engine(db)
    local = threading.local()

    def app(environ, start_response):
        floor = getattr(local, "floor", None)
        if floor is None:
            floor = local.floor = Floor(engine)
        return floor(environ, start_response)
    return app


def factory_of(app: str, db: str | None, open_mode: bool = False):
    if app == "floor":
        return floor_app
    if app == "physical-floor":
        return functools.partial(physical_floor_app, db)
    return functools.partial(served_app, db, open_mode, SEARCH_TIMEOUT)


def run_granian_wsgi(app_factory, options: serving.Options) -> None:
    from granian.constants import HTTPModes, Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    Server("bench", address=options.host, port=options.port, interface=Interfaces.WSGI,
           workers=options.workers, blocking_threads=options.threads, http=HTTPModes.http1,
           websockets=False, log_level=LogLevels.warning).serve(
        target_loader=functools.partial(_logged, app_factory), wrap_loader=False)


def _logged(app_factory):
    import logging
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    return app_factory()


def run_gunicorn(app_factory, options: serving.Options) -> None:
    from gunicorn.app.base import BaseApplication

    class Gunicorn(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{options.host}:{options.port}", "workers": options.workers,
                               "worker_class": "gthread", "threads": options.threads,
                               "keepalive": 30, "accesslog": None, "errorlog": "-",
                               "loglevel": "warning"}.items():
                self.cfg.set(key, value)

        def load(self):
            return _logged(app_factory)

    Gunicorn().run()


def run_uwsgi(args) -> None:
    """uWSGI in place of this process, loading ``uwsgi_app`` below in each worker."""
    program = os.environ.get("UWSGI") or shutil.which("uwsgi") or sys.exit("uwsgi is needed")
    os.environ.update(BENCH_APP=args.app, BENCH_DB=args.db or "", BENCH_OPEN=str(int(args.open)))
    os.execv(program, [program, "--http11-socket", f"127.0.0.1:{args.port}",
                       "--listen", "1024", "--master", "--processes", str(args.workers), "--threads", str(args.threads),
                       "--lazy-apps", "--die-on-term", "--disable-logging", "--need-app",
                       "--virtualenv", sys.prefix, "--pythonpath", str(HERE), "--pythonpath", str(HERE.parent),
                       "--wsgi-file", __file__, "--callable", "uwsgi_app"])


def uwsgi_app(environ, start_response):
    """The application under uWSGI, built on the first request of each worker."""
    global _uwsgi_app
    if _uwsgi_app is None:
        _uwsgi_app = factory_of(os.environ["BENCH_APP"], os.environ["BENCH_DB"],
                                os.environ["BENCH_OPEN"] == "1")()
    return _uwsgi_app(environ, start_response)


_uwsgi_app = None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", choices=SERVERS, default="adhoc-ws")
    parser.add_argument("--app", choices=APPS, default="floor")
    parser.add_argument("--db", help="the database of --app adhoc-ws or physical-floor")
    parser.add_argument("--open", action="store_true", help="--app adhoc-ws without accounts")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=serving.Options.threads)
    args = parser.parse_args()
    factory = factory_of(args.app, args.db, args.open)
    if args.server == "uwsgi":
        return run_uwsgi(args)
    options = serving.Options(port=args.port, workers=args.workers, threads=args.threads)
    {"adhoc-ws": serving.run, "granian-wsgi": run_granian_wsgi,
     "gunicorn": run_gunicorn}[args.server](factory, options)


if __name__ == "__main__":
    main()
