"""The WSGI application ``adhoc-ws serve`` runs: every API mounted on one front door.

Each API is a package of its own (``soap/``, ``bewoning/``, ``berichten/``) that imports only what lies below
it (:mod:`adhoc_ws.web` and the layers under that); this module is the one place that knows
them all.
"""
from __future__ import annotations

from .berichten.app import BerichtenApp
from .berichten.versturen import ROUTERING_MAILBOX
from .bewoning.app import BewoningApp
from .service import AdhocService
from .soap.server import SoapApp
from .web import FrontDoor

HAALCENTRAAL = "/haalcentraal/"
BERICHTEN_API = "/api/v1/"


def build(service: AdhocService, *, routering_mailbox: int = ROUTERING_MAILBOX) -> FrontDoor:
    """The Ad hoc webservice at every path, the bewoning API under ``/haalcentraal/``, the
    Berichten API under ``/api/v1/``, and ``/health``, over one :class:`AdhocService` (its
    engine, accounts and protocol)."""
    bewoning = BewoningApp(service.engine, service.accounts, recorder=service.recorder)
    berichten = BerichtenApp(service.engine, routering_mailbox=routering_mailbox)
    return FrontDoor(SoapApp(service), [(HAALCENTRAAL, bewoning), (BERICHTEN_API, berichten)],
                     healthy=service.healthy)
