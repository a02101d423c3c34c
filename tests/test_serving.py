"""Real serving: gunicorn with TLS and client certificates, graceful shutdown, /health, access log."""
import json
import logging
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from adhoc_ws.service import AdhocService
from adhoc_ws.app import build as build_app
from adhoc_ws.storage import database, loader

from conftest import ENDPOINT, FIXTURES, free_port, serve_in_thread, wait_until_answering

BSN_VRAAG = (b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
             b'xmlns:v="http://www.bprbzk.nl/GBA/LRDPlus/version1.1"><s:Body><v:vraag><v:in0>'
             b'<v:masker><v:item>10240</v:item></v:masker><v:parameters><v:item>'
             b'<v:rubrieknummer>10120</v:rubrieknummer><v:zoekwaarde>999993653</v:zoekwaarde>'
             b'</v:item></v:parameters></v:in0></v:vraag></s:Body></s:Envelope>')


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


# Certificates as a real CA makes them (Python 3.13's ssl checks them strictly by default).
OPENSSL_CNF = """\
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """A CA, a server certificate for 127.0.0.1, a client certificate, and a stranger's."""
    d = tmp_path_factory.mktemp("certs")
    (d / "openssl.cnf").write_text(OPENSSL_CNF)
    for ca in ("ca", "other-ca"):
        _openssl("req", "-x509", "-config", "openssl.cnf", "-extensions", "ca", "-newkey", "rsa:2048",
                 "-nodes", "-days", "2", "-subj", f"/CN=adhoc-ws test {ca}",
                 "-keyout", f"{ca}.key", "-out", f"{ca}.pem", cwd=d)
    for name, ca, kind in (("server", "ca", "server"), ("client", "ca", "client"),
                           ("stranger", "other-ca", "client")):
        _openssl("req", "-config", "openssl.cnf", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
                 "-keyout", f"{name}.key", "-out", f"{name}.csr", cwd=d)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
                 "-CAcreateserial", "-days", "2", "-extfile", "openssl.cnf", "-extensions", kind,
                 "-out", f"{name}.pem", cwd=d)
    return d


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("served") / "demo.sqlite"
    engine = database.open_engine(f"sqlite:///{path}")
    database.init(engine)
    loader.load(engine, [FIXTURES / "demo-janssen.json"])
    engine.dispose()
    return f"sqlite:///{path}"


class Served:
    """``adhoc-ws serve`` as a child process."""

    def __init__(self, db, *args):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "adhoc_ws.cli", "--db", db, "serve", "--open", "--workers", "1",
             "--port", str(self.port), *map(str, args)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def wait_until_answering(self, scheme="http", **request_args):
        wait_until_answering(f"{scheme}://127.0.0.1:{self.port}/health", self.process, **request_args)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        output = self.process.communicate(timeout=30)[0].decode()
        return self.process.returncode, output


@pytest.fixture
def tls_server(demo_db, certs):
    served = Served(demo_db, "--tls-cert", certs / "server.pem", "--tls-key", certs / "server.key",
                    "--tls-client-ca", certs / "ca.pem")
    served.wait_until_answering("https", verify=str(certs / "ca.pem"),
                                cert=(str(certs / "client.pem"), str(certs / "client.key")))
    yield served
    served.stop()


def test_tls_with_a_client_certificate(tls_server, certs):
    url = f"https://127.0.0.1:{tls_server.port}{ENDPOINT}"
    response = requests.post(url, data=BSN_VRAAG, verify=str(certs / "ca.pem"), timeout=10,
                             cert=(str(certs / "client.pem"), str(certs / "client.key")),
                             headers={"Content-Type": "text/xml"})
    assert response.status_code == 200 and b"<code>0</code>" in response.content


@pytest.mark.parametrize("client_cert", [None, "stranger"])
def test_tls_refuses_a_client_without_a_trusted_certificate(tls_server, certs, client_cert):
    cert = (str(certs / f"{client_cert}.pem"), str(certs / f"{client_cert}.key")) if client_cert else None
    with pytest.raises((requests.exceptions.SSLError, requests.exceptions.ConnectionError)):
        requests.get(f"https://127.0.0.1:{tls_server.port}/health", verify=str(certs / "ca.pem"),
                     cert=cert, timeout=10)


def test_sigterm_lets_a_request_in_progress_finish(demo_db):
    served = Served(demo_db)
    served.wait_until_answering()
    with socket.create_connection(("127.0.0.1", served.port), timeout=20) as conn:
        conn.sendall(b"POST " + ENDPOINT.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                     b"Connection: close\r\nContent-Length: " + str(len(BSN_VRAAG)).encode() + b"\r\n\r\n"
                     + BSN_VRAAG[:100])
        time.sleep(0.5)
        served.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        conn.sendall(BSN_VRAAG[100:])
        response = b""
        while chunk := conn.recv(65536):
            response += chunk
    assert response.startswith(b"HTTP/1.1 200") and b"<code>0</code>" in response
    code, output = served.stop()
    assert code == 0, output


def test_health_says_when_the_database_is_gone(tmp_path):
    broken = database.open_engine("postgresql://nobody@127.0.0.1:1/none")
    base, server = serve_in_thread(build_app(AdhocService(broken)))
    try:
        response = requests.get(base + "/health", timeout=10)
    finally:
        server.shutdown()
    assert response.status_code == 503 and response.text == "database unavailable\n"


def test_the_access_log_is_json_without_personal_data(demo_engine, caplog):
    base, server = serve_in_thread(build_app(AdhocService(demo_engine)))
    try:
        with caplog.at_level(logging.INFO, logger="adhoc_ws.access"):
            requests.post(base + ENDPOINT, data=BSN_VRAAG, headers={"Content-Type": "text/xml"}, timeout=10)
            requests.get(base + ENDPOINT + "?wsdl", timeout=10)
    finally:
        server.shutdown()
    lines = [json.loads(r.message) for r in caplog.records if r.name == "adhoc_ws.access"]
    assert lines[0]["operation"] == "vraag" and lines[0]["resultaat"] == "A000"
    assert lines[0]["status"] == 200 and lines[0]["bytes_in"] == len(BSN_VRAAG)
    assert set(lines[0]) == {"ts", "method", "path", "status", "ms", "bytes_in", "bytes_out",
                             "operation", "resultaat", "referentie"}
    assert lines[1]["method"] == "GET" and "operation" not in lines[1]
    text = " ".join(r.message for r in caplog.records)
    assert "999993653" not in text and "Janssen" not in text
