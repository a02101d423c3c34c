"""Real serving over a socket: TLS with client certificates, graceful shutdown, HTTP framing
and body limits, headers, two instances side by side, what starting prints, /health, access log."""
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
from adhoc_ws.storage import database

from conftest import ENDPOINT, FIXTURES, free_port, serve_in_thread
from served import BSN_VRAAG, Served, chunked, demo_database, exchange, post

BEWONINGEN = "/haalcentraal/api/bewoning/bewoningen"
DEMO_FILE = json.loads((FIXTURES / "afnemers" / "demo-afnemers.json").read_text())
DEMO_ACCOUNTS = sorted(g["gebruikersnaam"] for a in DEMO_FILE["afnemers"] for g in a["gebruikers"])
DEMO_MAILBOXES = sorted(m["mailbox"] for m in DEMO_FILE["mailboxen"])


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
    return demo_database(tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="module")
def served(demo_db):
    """One open instance for the tests that only ask."""
    instance = Served(demo_db).wait_until_answering()
    yield instance
    instance.stop()


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
    served = Served(demo_db).wait_until_answering()
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


@pytest.mark.parametrize("request_bytes", [
    chunked(ENDPOINT, b"zz\r\n" + BSN_VRAAG + b"\r\n0\r\n\r\n"),      # not a chunk size
    chunked(ENDPOINT, b"%x\r\n" % len(BSN_VRAAG) + BSN_VRAAG[:100]),   # a chunk that breaks off
    chunked(ENDPOINT, b"%x\r\n" % len(BSN_VRAAG) + BSN_VRAAG + b"\r\n"),  # no last chunk
    post(ENDPOINT, BSN_VRAAG)[:-100],                                    # shorter than declared
], ids=["chunk-size-zz", "chunk-breaks-off", "no-last-chunk", "short-content-length"])
def test_a_malformed_or_incomplete_body_is_a_client_error(demo_db, request_bytes):
    served = Served(demo_db).wait_until_answering()
    status, _, _ = exchange(served.port, request_bytes, half_close=True)
    code, output = served.stop()
    assert status == 400
    assert "Traceback" not in output and '"status": 400' in output, output


def test_a_chunked_body_is_read_whole(served):
    half = len(BSN_VRAAG) // 2
    body = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (half, BSN_VRAAG[:half], len(BSN_VRAAG) - half,
                                                       BSN_VRAAG[half:])
    status, _, answer = exchange(served.port, chunked(ENDPOINT, body))
    assert status == 200 and b"<code>0</code>" in answer


@pytest.mark.parametrize("path, limit, content_type", [(ENDPOINT, 1 << 20, "text/xml"),
                                                       (BEWONINGEN, 64 << 10, "application/json")])
def test_bodies_over_the_limit_are_refused(served, path, limit, content_type):
    """413 at the limit + 1 byte, whether declared, sent chunked, or declared far beyond it."""
    too_big = b" " * (limit + 1)
    declared = post(path, too_big, content_type=content_type)
    status, _, _ = exchange(served.port, declared)
    assert status == 413
    status, _, _ = exchange(served.port, chunked(path, b"%x\r\n%s\r\n0\r\n\r\n" % (len(too_big), too_big),
                                                 content_type=content_type))
    assert status == 413
    huge = declared.replace(b"Content-Length: %d" % len(too_big), b"Content-Length: 999999999")
    status, _, _ = exchange(served.port, huge.split(b"\r\n\r\n")[0] + b"\r\n\r\n")
    assert status == 413


def test_the_bewoning_api_is_served(served):
    body = b'{"type": "BewoningMetPeildatum", "adresseerbaarObjectIdentificatie": "0014013422243045", ' \
           b'"peildatum": "2024-01-01"}'
    status, headers, answer = exchange(served.port, post(BEWONINGEN, body, content_type="application/json"))
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert "bewoningen" in json.loads(answer)


def test_no_answer_names_the_server_software(served):
    for request in (post(ENDPOINT, BSN_VRAAG), b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
                    chunked(ENDPOINT, b"zz\r\n"), b"NONSENSE\r\n\r\n"):
        status, headers, _ = exchange(served.port, request)
        assert headers.get("server", "") == "", (status, headers)
        assert not any(word in value.lower() for value in headers.values()
                       for word in ("granian", "gunicorn", "python", "hyper")), headers


def test_two_instances_run_side_by_side(demo_db, tmp_path):
    """Nothing shared but the database: no control socket, pid file or lock in a common place."""
    home = {"HOME": str(tmp_path)}
    first = Served(demo_db, env=home).wait_until_answering()
    second = Served(demo_db, env=home).wait_until_answering()
    try:
        for instance in (first, second):
            status, _, answer = exchange(instance.port, post(ENDPOINT, BSN_VRAAG))
            assert status == 200 and b"<code>0</code>" in answer
    finally:
        results = [first.stop(), second.stop()]
    assert [code for code, _ in results] == [0, 0], results
    assert list(tmp_path.iterdir()) == []


def test_starting_prints_where_it_answers_and_which_accounts(tmp_path):
    served = Served(f"sqlite:///{tmp_path / 'demo.sqlite'}", "--demo", "--workers", "2",
                    open_access=False).wait_until_answering()
    status, _, _ = exchange(served.port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    code, output = served.stop()
    assert status == 200 and code == 0
    base = f"http://127.0.0.1:{served.port}"
    lines = [line for line in output.splitlines() if not line.startswith("{")]  # access log
    assert lines[-8:] == [
        f"adhoc-ws is serving (2 worker(s) x 4 thread(s), database sqlite:///{tmp_path / 'demo.sqlite'}):",
        f"  Ad hoc webservice  {base}/gba-v/online/lo3services/adhoc  (WSDL: ?wsdl)",
        f"  bewoning API       {base}/haalcentraal/api/bewoning/bewoningen",
        f"  Berichten API      {base}/api/v1/berichten  (routeringsvoorziening 3000210)",
        f"  OAuth tokens       {base}/oauth2/token",
        f"  health             {base}/health",
        f"accounts: {', '.join(DEMO_ACCOUNTS)} (the demo ones; their passwords are in README.md)",
        f"mailboxes: {', '.join(DEMO_MAILBOXES)} (the demo ones; their passwords are in README.md)",
    ], output
    assert "loaded 121 persoonslijsten" in output
    for noise in ("granian", "worker-", "Spawning", "Listening", "Booting", "PID", "Shutting"):
        assert noise not in output, output


SLOW_TO_BUILD = """
import sys, time
from adhoc_ws import serving

def app_factory():
    time.sleep(2)  # a worker still building its application
    return lambda environ, start_response: start_response("200 OK", []) or [b""]

serving.run(app_factory, serving.Options(port=int(sys.argv[1]), workers=2, graceful_timeout=30),
            started=lambda: print("started", flush=True))
"""


def test_sigterm_while_workers_start_stops_them(tmp_path):
    """A worker that is sent SIGTERM while it builds its application stops once it is built,
    instead of serving on until the graceful timeout kills it."""
    (tmp_path / "slow_to_build.py").write_text(SLOW_TO_BUILD)
    process = subprocess.Popen([sys.executable, str(tmp_path / "slow_to_build.py"), str(free_port())],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout.readline() == b"started\n"  # the workers are being started
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    output = process.communicate(timeout=60)[0].decode()
    assert time.monotonic() - started < 15 and process.returncode == 0, output
    assert "refused to gracefully stop" not in output


def _failed_start(db, *args) -> str:
    served = Served(db, *args)
    served.process.wait(timeout=60)
    code, output = served.stop()
    assert code == 1 and "Traceback" not in output and "panicked" not in output, output
    return output.strip()


def test_a_taken_port_or_an_unusable_tls_file_is_one_clear_line(demo_db, certs):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert _failed_start(demo_db, "--port", port) == \
            f"Error: cannot listen on 127.0.0.1:{port}: Address already in use (os error 98)"
    unusable = "Error: the TLS certificate, key or client CA cannot be used: "
    assert _failed_start(demo_db, "--tls-cert", certs / "server.pem",
                         "--tls-key", certs / "client.key").startswith(unusable)
    assert _failed_start(demo_db, "--tls-cert", certs / "server.pem", "--tls-key", certs / "server.key",
                         "--tls-client-ca", certs / "client.key").startswith(unusable)


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
