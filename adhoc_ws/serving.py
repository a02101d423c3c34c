"""Serving over HTTP(S) with granian, each request read whole before the application sees it.

granian (a Rust HTTP server, on hyper and tokio) does the HTTP work natively: parsing,
keep-alive, chunked bodies, TLS with an optional client-certificate requirement, worker
processes and graceful shutdown. Its WSGI mode would hand a request to a Python thread as
soon as the headers are in, and that thread would then wait for the body: a few clients
trickling a declared body stall every thread. So adhoc-ws is served through granian's
async interface (RSGI) by :class:`WholeRequests`: each worker's event loop reads every body
whole (at most the largest body an API takes, :data:`adhoc_ws.app.MAX_BODY`, within
``read_timeout``; granian bounds the headers by the same timeout) and only then hands the
complete request to a pool of ``threads`` threads running the WSGI application (with one
thread: the loop runs it itself). A slow client costs a coroutine, never a thread.

Each worker builds its own application (database engine and pool) through ``app_factory``;
nothing with a connection in it crosses a fork.
"""
from __future__ import annotations

import asyncio
import functools
import io
import logging
import os
import signal
import ssl
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from granian.constants import HTTPModes, Interfaces, Loops, SSLProtocols, TaskImpl
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.rsgi import ProtocolClosed, ProtocolError
from granian.server import Server

from .logsafe import log_failure
from .web import access, configure_logging

log = logging.getLogger(__name__)

# granian names itself in a Server header unless the application sends one: send it empty,
# so no answer tells which server software (and so which of its flaws) is behind it
NO_SERVER_NAME = [("Server", "")]
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
CONNECTIONS = 1024  # requests in progress per worker (granian's backpressure), slow ones included


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
    read_timeout: int = 30  # seconds a client has to send its headers (granian), and its body (us)


class CannotServe(Exception):
    """The server cannot start: its address is taken, or a TLS file cannot be used."""


def run(app_factory: Callable, options: Options, *, started: Callable[[], None] = lambda: None) -> None:
    """Serve the WSGI app ``app_factory()`` builds in each worker, until SIGTERM/SIGINT;
    ``started()`` is called once the server listens.

    ``app_factory`` must be picklable (a module-level function, or a partial of one): a
    worker may be started with a fresh interpreter."""
    tls = {}
    if options.certfile:
        tls = {"ssl_cert": Path(options.certfile), "ssl_key": Path(options.keyfile or options.certfile),
               "ssl_protocol_min": SSLProtocols.tls12}
        if options.client_ca:
            tls.update(ssl_ca=Path(options.client_ca), ssl_client_verify=True)
    try:
        if options.client_ca:  # else granian's workers would stop on it, one by one
            ssl.create_default_context().load_verify_locations(options.client_ca)
        server = Server(
            "adhoc-ws", address=options.host, port=options.port, interface=Interfaces.RSGI,
            workers=options.workers, blocking_threads=1, loop=Loops.asyncio,
            task_impl=TaskImpl.asyncio, http=HTTPModes.http1,
            websockets=False, backpressure=CONNECTIONS,
            http1_settings=HTTP1Settings(header_read_timeout=options.read_timeout * 1000),
            log_level=LogLevels.warning, log_access=False,  # adhoc-ws writes its own access log
            workers_kill_timeout=options.graceful_timeout, **tls)
    except (OSError, ssl.SSLError) as e:  # granian loads the TLS files here
        raise CannotServe(f"the TLS certificate, key or client CA cannot be used: {e}") from None
    listening = []
    server.on_startup(lambda: (listening.append(True), started()))
    os.register_at_fork(after_in_child=_keep_stop_signals)
    try:
        server.serve(target_loader=functools.partial(_worker_app, app_factory, options),
                     wrap_loader=False)
    except RuntimeError as e:
        if listening:
            raise
        reason = str(e).splitlines()[0]  # without Rust's backtrace
        raise CannotServe(f"cannot listen on {options.host}:{options.port}: {reason}") from None


def _worker_app(app_factory: Callable, options: Options) -> "WholeRequests":
    """The application of one worker, built in it."""
    if _early_signals is None:  # a worker started afresh rather than forked
        _keep_stop_signals()
    from .app import MAX_BODY

    configure_logging()
    return WholeRequests(app_factory(), threads=options.threads, max_body=MAX_BODY,
                         body_timeout=options.read_timeout, early_signals=_early_signals,
                         scheme="https" if options.certfile else "http")


_early_signals: list[int] | None = None


def _keep_stop_signals() -> None:
    """In a new worker, right after the fork: keep a SIGTERM or SIGINT that comes while the
    worker builds its application. It would otherwise go to the main process's handlers the
    worker inherited, and be lost: the worker would serve on until the graceful timeout
    killed it. :class:`WholeRequests` raises it again once granian's own handlers are in."""
    global _early_signals
    _early_signals = []
    for sig in STOP_SIGNALS:
        signal.signal(sig, lambda signum, frame: _early_signals.append(signum))


class WholeRequests:
    """An RSGI application that reads each request whole, then has a WSGI app answer it in a
    pool of ``threads`` threads (with one thread, on the event loop itself).

    A body is read on the event loop within ``body_timeout`` seconds (else 408): a declared
    Content-Length over ``max_body`` not at all (the application refuses it on its length),
    a chunked body up to ``max_body`` + 1 bytes (the application answers 413 above its own
    limit). A body that breaks off or is not valid chunked framing is answered 400 without
    calling the application."""

    def __init__(self, wsgi_app, *, max_body: int, threads: int = 4, scheme: str = "http",
                 body_timeout: float = 30, early_signals: list = ()):
        self.wsgi_app = wsgi_app
        self.early_signals = early_signals
        self.threads = threads
        self.max_body, self.body_timeout = max_body, body_timeout
        self.pool: ThreadPoolExecutor | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.base_environ = {
            "SCRIPT_NAME": "", "wsgi.version": (1, 0), "wsgi.url_scheme": scheme,
            "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True,
            "wsgi.run_once": False, "wsgi.input_terminated": True}

    def __rsgi_init__(self, loop):
        self.loop = loop
        for signum in self.early_signals:  # granian's loop handlers are in place now
            os.kill(os.getpid(), signum)
        if self.threads > 1:
            self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="adhoc-ws")

    def __rsgi_del__(self, loop):
        if self.pool:
            self.pool.shutdown(wait=True)

    async def __rsgi__(self, scope, protocol):
        started = time.perf_counter()
        environ = self._environ(scope)
        deadline = self.loop.time() + self.body_timeout
        timer = self.loop.call_at(deadline, asyncio.current_task().cancel)
        try:
            body = await self._body(environ, protocol)
        except asyncio.CancelledError:
            if self.loop.time() < deadline:
                raise  # not ours
            return self._refuse(protocol, environ, started, 408, b"request body not received in time\n")
        except (ProtocolError, ProtocolClosed, IncompleteBody, ValueError):
            return self._refuse(protocol, environ, started, 400, b"malformed or incomplete request body\n")
        finally:
            timer.cancel()
        environ["wsgi.input"] = io.BytesIO(body)
        if self.pool:
            status, headers, document = await self.loop.run_in_executor(self.pool, self._call, environ)
        else:  # one thread: the event loop's own (the request is complete, nothing waits on it)
            status, headers, document = self._call(environ)
        protocol.response_bytes(status, headers + NO_SERVER_NAME, document)

    async def _body(self, environ, protocol) -> bytes:
        declared = environ.get("CONTENT_LENGTH")
        if declared is not None:
            if int(declared) > self.max_body:
                return b""  # the application refuses it on its declared length alone
            return await protocol()  # exactly the declared length, or ProtocolClosed
        if "HTTP_TRANSFER_ENCODING" not in environ:
            environ["CONTENT_LENGTH"] = "0"  # HTTP/1.1: no length, not chunked, no body
            return b""
        chunks, size = [], 0
        async for chunk in protocol:
            # granian gives an empty chunk at the end of the body, and one more before it for
            # a body that breaks off or is not valid chunked framing (hyper's error)
            if not chunk and chunks and not chunks[-1]:
                raise IncompleteBody
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_body:
                break
        body = b"".join(chunks)
        environ["CONTENT_LENGTH"] = str(len(body))
        return body

    def _call(self, environ) -> tuple[int, list[tuple[str, str]], bytes]:
        """The WSGI application's answer (in a pool thread, or on the loop with one thread)."""
        answer = []

        def start_response(status, headers, exc_info=None):
            answer[:] = [int(status[:3]), headers]

        try:
            chunks = self.wsgi_app(environ, start_response)
            try:
                document = b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        except Exception:
            log_failure(log, "request failed")
            return 500, [("Content-Type", "text/plain")], b"internal server error\n"
        return answer[0], answer[1], document

    def _refuse(self, protocol, environ, started, status: int, text: bytes) -> None:
        protocol.response_bytes(status, [("Content-Type", "text/plain"), ("Connection", "close")]
                                + NO_SERVER_NAME, text)
        access(environ, str(status), started, len(text))

    def _environ(self, scope) -> dict:
        environ = self.base_environ.copy()
        host, _, port = scope.server.rpartition(":")
        environ.update(REQUEST_METHOD=scope.method,
                       PATH_INFO=scope.path.encode("utf-8").decode("latin-1"),  # as PEP 3333 has it
                       QUERY_STRING=scope.query_string, SERVER_NAME=host, SERVER_PORT=port,
                       SERVER_PROTOCOL=f"HTTP/{scope.http_version}",
                       REMOTE_ADDR=scope.client.rpartition(":")[0])
        for name, value in scope.headers.items():
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            environ[key] = f"{environ[key]}, {value}" if key in environ else value
        return environ


class IncompleteBody(Exception):
    """The body ended before its declared length, or was not valid HTTP framing."""
