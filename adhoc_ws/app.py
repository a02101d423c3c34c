"""The WSGI application ``adhoc-ws serve`` runs: every API mounted on one front door.

Each API is a package of its own (``soap/``, ``bewoning/``) that imports only what lies below
it (:mod:`adhoc_ws.web` and the layers under that); this module is the one place that knows
them all.
"""
from __future__ import annotations

from .bewoning.app import BewoningApp
from .service import AdhocService
from .soap.server import SoapApp
from .web import FrontDoor

HAALCENTRAAL = "/haalcentraal/"


def build(service: AdhocService) -> FrontDoor:
    """The Ad hoc webservice at every path, the bewoning API under ``/haalcentraal/``, and
    ``/health``, over one :class:`AdhocService` (its engine, accounts and protocol)."""
    bewoning = BewoningApp(service.engine, service.accounts, recorder=service.recorder)
    return FrontDoor(SoapApp(service), [(HAALCENTRAAL, bewoning)], healthy=service.healthy)
