"""A PostgreSQL restart (issue 15, item 10): requests while it is down fail cleanly and fast,
and not one fails after it is back, on the SOAP service, the bewoning API and the Berichten
API alike.

The restart is real: a private PostgreSQL cluster (``initdb`` and ``pg_ctl`` from
``/usr/lib/postgresql/*/bin``) on a free port in a temporary folder, never the shared server.
Where those binaries are missing, the second test still drops every connection of the
service with ``pg_terminate_backend`` on the test server.
"""
from __future__ import annotations

import base64
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import text

from adhoc_ws import protocol
from adhoc_ws.accounts import Accounts, load_afnemers
from adhoc_ws.app import build as build_app
from adhoc_ws.service import AdhocService
from adhoc_ws.storage import database, loader
from adhoc_ws.storage.database import Connections

from conftest import ENDPOINT, FIXTURES, PG_URL
from wsgi_client import call

LRD = "http://www.bprbzk.nl/GBA/LRDPlus/version1.1"
DEMO = "Basic " + base64.b64encode(b"demo:Demo-Wachtwoord-2026").decode()
MAILBOX = "Basic " + base64.b64encode(b"9999010:Rechtspraak-Demo-2026").decode()  # the Berichten API
VRAAG = (f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v="{LRD}"><s:Body>'
         "<v:vraag><v:in0><v:masker><v:item>10120</v:item></v:masker><v:parameters><v:item>"
         "<v:rubrieknummer>10120</v:rubrieknummer><v:zoekwaarde>999993653</v:zoekwaarde>"
         "</v:item></v:parameters></v:in0></v:vraag></s:Body></s:Envelope>").encode()
BEWONING = {"type": "BewoningMetPeildatum", "adresseerbaarObjectIdentificatie": "0014013422243045",
            "peildatum": "2024-01-01"}


def _server_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A private PostgreSQL cluster that a test may stop and start."""

    def __init__(self, binaries: Path, folder: Path, as_user: list[str]):
        self.binaries, self.folder, self.as_user = binaries, folder, as_user
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.binaries / program), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)

    def initdb(self) -> None:
        self.run("initdb", "-D", str(self.folder / "data"), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"),
                 "-o", options, "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")


@pytest.fixture
def cluster():
    binaries = _server_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine for a private cluster")
    as_user = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a postgres user to run a private cluster as")
        as_user = ["runuser", "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="adhoc-ws-restart-"))
    if as_user:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    c = Cluster(binaries, folder, as_user)
    c.initdb()
    c.start()
    yield c
    try:
        c.stop()
    except subprocess.CalledProcessError:
        pass  # already stopped
    shutil.rmtree(folder, ignore_errors=True)


def served(url: str):
    """The application as ``adhoc-ws serve`` builds it in a worker, over the demo data."""
    engine = database.open_engine(url)
    database.init(engine)
    loader.load(engine, sorted(FIXTURES.glob("*.json")))
    load_afnemers(engine, FIXTURES / "afnemers" / "demo-afnemers.json")
    connections = Connections(engine, 10)
    service = AdhocService(engine, accounts=Accounts(engine, connections=connections), connections=connections)
    return engine, build_app(service)


def soap(app) -> str:
    answer = call(app, "POST", ENDPOINT, VRAAG, headers={"Authorization": DEMO, "Content-Type": "text/xml"})
    assert answer.status == 200
    r = etree.fromstring(answer.body).find(f".//{{{LRD}}}resultaat")
    return r.findtext(f"{{{LRD}}}letter") + r.findtext(f"{{{LRD}}}code").zfill(3)


def bewoning(app) -> int:
    return call(app, body=BEWONING, headers={"Authorization": DEMO}).status


def health(app) -> int:
    return call(app, "GET", "/health").status


def berichten(app) -> int:
    return call(app, "GET", "/api/v1/berichten", headers={"Authorization": MAILBOX}).status


def everything(app) -> list:
    """One request of each kind, from this thread (so its kept connections are used again)."""
    return [soap(app), bewoning(app), berichten(app), health(app)]


def test_after_a_restart_not_one_request_fails(cluster):
    engine, app = served(cluster.url)
    for _ in range(3):
        assert everything(app) == ["A000", 200, 200, 200]
    cluster.stop()
    started = time.monotonic()
    assert everything(app) == ["X001", 500, 500, 503]  # down: a clean error, at once
    assert time.monotonic() - started < 10
    cluster.start()
    assert [everything(app) for _ in range(3)] == [["A000", 200, 200, 200]] * 3
    # what was answered while the database was down is in the protocol now
    results = [r.resultaat for r in protocol.entries(engine, limit=10)]
    assert results.count("X001") == 1 and results.count("500") == 1
    cluster.stop()  # a restart that no request sees: every kept connection is dead after it
    cluster.start()
    assert [everything(app) for _ in range(3)] == [["A000", 200, 200, 200]] * 3
    engine.dispose()


def test_when_every_connection_is_dropped_not_one_request_fails():
    name = f"adhoc_restart_{uuid.uuid4().hex[:12]}"
    admin = database.open_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {name}"))
    separator = "&" if "?" in PG_URL else "?"
    engine, app = served(f"{PG_URL}{separator}options=-csearch_path%3D{name}&application_name={name}")
    try:
        for _ in range(3):
            assert everything(app) == ["A000", 200, 200, 200]
        with admin.connect() as conn:
            dropped = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                        "WHERE application_name = :name"), {"name": name}).scalar()
        assert dropped >= 3  # answering, protocol, pool
        time.sleep(0.2)
        assert [everything(app) for _ in range(3)] == [["A000", 200, 200, 200]] * 3
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
        admin.dispose()
