"""Slow clients cannot stall others: a request reaches the application only when it is complete.

Slow connections of both kinds (slowloris) are held open while normal requests are asked over a
real socket: some trickle their headers, others send whole headers declaring a body and then
trickle that. With a server that hands a request to a thread before its body is in (gunicorn's
gthread workers did), a handful of them occupy every thread and normal requests wait until they
go. bench/slowloris.py measures the same with 200 connections.
"""
import sys
import time

import pytest

from conftest import ENDPOINT, ROOT
from served import BSN_VRAAG, Served, demo_database, exchange, post

sys.path.insert(0, str(ROOT / "bench"))
from slowloris import Slowloris  # noqa: E402

SLOW_OF_EACH_KIND = 8  # four times the threads of the server under test


@pytest.fixture
def server(tmp_path):
    served = Served(demo_database(tmp_path), "--threads", "2").wait_until_answering()
    yield served
    served.stop()


def test_slow_clients_do_not_stall_others(server):
    slow = Slowloris(server.port, 2 * SLOW_OF_EACH_KIND, interval=0.3)
    try:
        time.sleep(1)  # every slow connection has begun its request
        times = []
        for _ in range(20):
            started = time.perf_counter()
            status, _, answer = exchange(server.port, post(ENDPOINT, BSN_VRAAG), timeout=5)
            times.append(time.perf_counter() - started)
            assert status == 200 and b"<code>0</code>" in answer
    finally:
        slow.close()
    assert max(times) < 2.0, times  # 20-50 ms each on an idle machine


def test_a_client_too_slow_is_cut_off(tmp_path):
    """--read-timeout bounds the headers (connection closed) and the body (408)."""
    served = Served(demo_database(tmp_path), "--read-timeout", "1").wait_until_answering()
    try:
        slow = Slowloris(served.port, 2, interval=60)  # nothing more is sent
        try:
            started = time.monotonic()
            answers = []
            for conn, _, _ in slow.connections:
                conn.settimeout(10)
                answers.append(conn.recv(65536))
            waited = time.monotonic() - started
        finally:
            slow.close()
    finally:
        served.stop()
    assert answers[0] == b""  # headers never complete: closed
    assert answers[1].startswith(b"HTTP/1.1 408 ")
    assert waited < 5
