"""Serving over HTTP(S) with gunicorn.

gunicorn rather than waitress: waitress serves with threads in one process, so one Python
interpreter (and its GIL) does all the work and the second core idles; it also has no TLS.
gunicorn forks worker processes (``--workers``, each with ``--threads``), terminates TLS
itself, can demand a client certificate signed by a given CA (the real service demands a
PKIoverheid certificate), and shuts down gracefully on SIGTERM: it stops accepting, lets
requests in progress finish (up to ``graceful_timeout`` seconds), then exits.

Each worker builds its own application (database engine and pool) after the fork, through
``app_factory``; nothing with a connection in it crosses a fork.
"""
from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from typing import Callable

from gunicorn.app.base import BaseApplication


@dataclass(frozen=True)
class Options:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = max(2, os.cpu_count() or 1)
    threads: int = 4
    certfile: str | None = None
    keyfile: str | None = None
    client_ca: str | None = None
    graceful_timeout: int = 30

    def gunicorn_settings(self) -> dict:
        settings = {
            "bind": f"{self.host}:{self.port}",
            "workers": self.workers,
            "worker_class": "gthread",
            "threads": self.threads,
            "graceful_timeout": self.graceful_timeout,
            "timeout": 120,
            "keepalive": 30,
            "accesslog": None,  # adhoc-ws writes its own, without personal data
            "errorlog": "-",
        }
        if self.certfile:
            settings.update(certfile=self.certfile, keyfile=self.keyfile or self.certfile)
            if self.client_ca:
                settings.update(ca_certs=self.client_ca, cert_reqs=ssl.CERT_REQUIRED)
        return settings


class _Gunicorn(BaseApplication):
    def __init__(self, app_factory: Callable, options: Options):
        self.app_factory = app_factory
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.gunicorn_settings().items():
            self.cfg.set(key, value)

    def load(self):
        return self.app_factory()


def run(app_factory: Callable, options: Options) -> None:
    """Serve the WSGI app ``app_factory()`` builds in each worker, until SIGTERM/SIGINT."""
    _Gunicorn(app_factory, options).run()
