"""``adhoc-ws serve`` as a child process, and raw HTTP/1.1 exchanges with it over a socket."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile

from conftest import FIXTURES, free_port, wait_until_answering
from wsgi_client import parse_head
from adhoc_ws.storage import database, loader

BSN_VRAAG = (b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
             b'xmlns:v="http://www.bprbzk.nl/GBA/LRDPlus/version1.1"><s:Body><v:vraag><v:in0>'
             b'<v:masker><v:item>10240</v:item></v:masker><v:parameters><v:item>'
             b'<v:rubrieknummer>10120</v:rubrieknummer><v:zoekwaarde>999993653</v:zoekwaarde>'
             b'</v:item></v:parameters></v:in0></v:vraag></s:Body></s:Envelope>')


def demo_database(folder) -> str:
    """The URL of a new SQLite database in ``folder`` holding the Janssen demo PLs."""
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    engine = database.open_engine(url)
    database.init(engine)
    loader.load(engine, [FIXTURES / "demo-janssen.json"])
    engine.dispose()
    return url


class Served:
    """``adhoc-ws serve`` (open, one worker unless told otherwise) as a child process; what it
    prints goes to a file, read by :meth:`stop`."""

    def __init__(self, db, *args, open_access=True, env=None):
        self.port = free_port()
        self.output = tempfile.TemporaryFile()
        options = ["--open"] if open_access else []
        if "--workers" not in args:
            options += ["--workers", "1"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "adhoc_ws.cli", "--db", db, "serve", *options,
             "--port", str(self.port), *map(str, args)],
            stdout=self.output, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})

    def wait_until_answering(self, scheme="http", **request_args):
        """This instance, once it answers ``GET /health`` (conftest's patience)."""
        try:
            wait_until_answering(f"{scheme}://127.0.0.1:{self.port}/health", self.process, **request_args)
        except AssertionError as e:
            raise AssertionError(f"{e}\n{self.stop()[1]}") from None
        return self

    def stop(self) -> tuple[int, str]:
        """(exit code, everything it printed) after SIGTERM."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.seek(0)
        return self.process.returncode, self.output.read().decode(errors="replace")


def post(path: str, body: bytes, *, content_type="text/xml") -> bytes:
    """The head of a POST with a Content-Length, for ``exchange``."""
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def chunked(path: str, chunks: bytes, *, content_type="text/xml") -> bytes:
    """A POST whose body is ``chunks``, already in chunked framing."""
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
            f"Transfer-Encoding: chunked\r\n\r\n").encode() + chunks


def exchange(port: int, request: bytes, *, half_close=False, timeout=20.0):
    """Send ``request`` on a new connection and read the answer: (status, headers with
    lower-case names, body). ``half_close`` closes the sending side after the request, for a
    request that breaks off (else the answer is read up to its Content-Length)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(request)
        if half_close:
            conn.shutdown(socket.SHUT_WR)
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := conn.recv(65536)):
            answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        status, headers = parse_head(head)
        while len(body) < int(headers.get("content-length", 0)) and (chunk := conn.recv(65536)):
            body += chunk
    return status, headers, body
