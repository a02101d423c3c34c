"""Seeded fuzzing (issue 15): malformed and hostile requests never get a 5xx other than the
documented SOAP Faults, no answer shows internals, and the service is healthy after.

In-process against the WSGI application with accounts, on both backends (``tests/fuzzing.py``
makes the cases; ``bench/fuzz.py`` runs 100,000 of them), and against ``adhoc-ws serve``
for what only a served instance sees: chunked framing errors, bodies that end early, broken
request lines and headers.
"""
from __future__ import annotations

import collections
import itertools
import random

import pytest

from adhoc_ws.accounts import Accounts, load_afnemers
from adhoc_ws.app import build as build_app
from adhoc_ws.service import AdhocService
from adhoc_ws.storage import loader

import fuzzing
from conftest import FIXTURES
from served import BSN_VRAAG, Served, exchange

CASES = {"sqlite": 3000, "postgresql": 1000}
SEED = 15


def healthy(app) -> None:
    """A normal request of every API is answered as before."""
    assert fuzzing.call(app, fuzzing.Case("health", "GET", "/health")).status == 200
    vraag = fuzzing.Case("vraag", "POST", fuzzing.ENDPOINT, BSN_VRAAG, {"Authorization": fuzzing.DEMO})
    answer = fuzzing.call(app, vraag)
    assert answer.status == 200 and b"<letter>A</letter>" in answer.body
    bewoning = fuzzing.Case("bewoning", "POST", fuzzing.BEWONINGEN,
                            b'{"type": "BewoningMetPeildatum", "adresseerbaarObjectIdentificatie": '
                            b'"0014013422243045", "peildatum": "2024-01-01"}',
                            {"Authorization": fuzzing.DEMO, "Content-Type": "application/json"})
    assert fuzzing.call(app, bewoning).status == 200
    berichten = fuzzing.Case("berichten", "GET", fuzzing.BERICHTEN, b"", {"Authorization": fuzzing.MAILBOX})
    assert fuzzing.call(app, berichten).status == 200


@pytest.fixture(scope="module")
def app(backend):
    engine = backend.new_engine()
    loader.load(engine, sorted(FIXTURES.glob("*.json")))
    load_afnemers(engine, FIXTURES / "afnemers" / "demo-afnemers.json")
    return build_app(AdhocService(engine, accounts=Accounts(engine))), backend.name


def test_fuzzed_requests_get_no_5xx_and_no_internals(app):
    app, backend = app
    healthy(app)
    failed, kinds = collections.Counter(), collections.Counter()
    examples = {}
    for case in itertools.islice(fuzzing.Cases(SEED), CASES[backend]):
        kinds[case.kind] += 1
        for failure in fuzzing.failures(case, fuzzing.call(app, case)):
            failed[case.kind, failure] += 1
            examples.setdefault((case.kind, failure), (case.method, case.path, case.body[:300]))
    assert not failed, (failed, examples)
    assert len(kinds) == len(fuzzing.Cases(SEED).kinds)  # every kind was tried
    healthy(app)


def test_a_served_instance_answers_framing_errors_as_client_errors(tmp_path):
    served = Served(f"sqlite:///{tmp_path / 'demo.sqlite'}", "--demo", open_access=False).wait_until_answering()
    failed, unanswered = [], []
    try:
        body = BSN_VRAAG
        rng = random.Random(SEED)
        for _ in range(3):
            for kind, raw in fuzzing.raw_cases(rng, body):
                answer = fuzzing.exchange_raw(served.port, raw, half_close=kind in fuzzing.BREAKS_OFF)
                if answer is None:
                    unanswered.append(kind)  # closed without an answer: refused as not HTTP
                    continue
                case = fuzzing.Case(kind, "RAW", "", raw)
                failed += [(kind, f, answer.status, answer.body[:200]) for f in fuzzing.failures(case, answer)]
        request = (f"POST {fuzzing.ENDPOINT} HTTP/1.1\r\nHost: x\r\nAuthorization: {fuzzing.DEMO}\r\n"
                   f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
        status, _, answer = exchange(served.port, request)
        assert status == 200 and b"<letter>A</letter>" in answer  # healthy after
    finally:
        code, output = served.stop()
    assert not failed, failed
    assert set(unanswered) <= {"garbage-line", "http-0.9", "http-2-preface", "unknown-version", "huge-header",
                               "many-headers", "bad-header", "nul-in-path", "chunk-size-huge", "length-5000-digits",
                               "two-lengths", "length-negative", "length-and-chunked", "transfer-gzip",
                               "chunk-extension", "utf8-path"}, unanswered
    assert code == 0 and "Traceback" not in output, output
