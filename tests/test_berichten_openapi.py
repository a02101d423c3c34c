"""Schemathesis against the Berichten API: generated requests, the served OpenAPI document as
the oracle (no server error, documented status codes, content types and response schemas).

The application is the one ``adhoc-ws serve`` runs (:func:`adhoc_ws.app.build`), in-process,
on both backends, every request logged in as a mailbox, with messages in the mailboxes: some
that generated requests send, one delivered Og21 and one Of21 to begin with.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from adhoc_ws.app import build as build_app
from adhoc_ws.berichten.app import OPENAPI, BerichtenApp
from adhoc_ws.berichten.versturen import Postkamer
from adhoc_ws.mailboxen import Mailboxen
from adhoc_ws.service import AdhocService

from berichten_data import PASSWORD, RAAD, ZWOLLE, add_mailboxen, bericht, load_pls, og21, pl
from wsgi_client import basic

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def served(backend):
    """What ``adhoc-ws serve`` runs, with mailboxes, a minor and a message in a mailbox."""
    engine = backend.new_engine()
    add_mailboxen(engine)
    load_pls(engine, pl("1234567890", "999990019", "0193"))
    mailboxen = Mailboxen(engine)
    Postkamer(engine, mailboxen).versturen(mailboxen.get(RAAD), [
        bericht(og21("999990019")), bericht({"berichtType": "Of21", "foutreden": "G",
                                             "burgerservicenummer": "999990019"}, ontvanger=ZWOLLE)])
    return build_app(AdhocService(engine))


schema = schemathesis.openapi.from_wsgi(OPENAPI, BerichtenApp(None))  # the document as served


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract(case, served):
    response = case.call(app=served, headers={"Authorization": basic(f"{ZWOLLE:07d}", PASSWORD)})
    case.validate_response(response, checks=CHECKS)
