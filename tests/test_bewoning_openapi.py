"""Schemathesis against the bewoning API: generated questions, the served OpenAPI document as
the oracle (no server error, documented status codes, content types and response schemas).

The application is the one ``adhoc-ws serve`` runs (:func:`adhoc_ws.app.build`, open mode), in-process,
with the real finder on the demo data, on both backends. The document's examples name a demo
object (the student house in Groningen), so its bewoners are in the answers too.
"""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

import pytest

from adhoc_ws.bewoning.app import OPENAPI, BewoningApp
from adhoc_ws.service import AdhocService
from adhoc_ws.app import build as build_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def served(demo_engine):
    """What ``adhoc-ws serve --open`` runs, over the demo data."""
    return build_app(AdhocService(demo_engine))


schema = schemathesis.openapi.from_wsgi(OPENAPI, BewoningApp(None))  # the document as served


@schema.parametrize()
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract(case, served):
    response = case.call(app=served)
    case.validate_response(response, checks=CHECKS)
