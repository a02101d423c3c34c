"""The WSGI application ``adhoc-ws serve`` runs: every API mounted on one front door.

Each API is a package of its own (``soap/``, ``bewoning/``, ``berichten/``) that imports only
what lies below it (:mod:`adhoc_ws.web` and the layers under that); this module is the one
place that knows them all, and so the one that tells the token endpoint
(:mod:`adhoc_ws.oauth`) who may have a token for which API.
"""
from __future__ import annotations

from .accounts import Accounts, Credentials
from .berichten.app import MAX_BODY as BERICHTEN_MAX_BODY, BerichtenApp
from .berichten.versturen import ROUTERING_MAILBOX
from .bewoning.app import MAX_BODY as BEWONING_MAX_BODY, BewoningApp
from .foutcodes import Fout
from .mailboxen import LoginFailed, Mailboxen
from .oauth import BERICHTEN, BEWONING, MAX_BODY as OAUTH_MAX_BODY, TokenEndpoint, Tokens
from .service import AdhocService
from .soap.server import MAX_REQUEST_BYTES as SOAP_MAX_BODY, SoapApp
from .web import FrontDoor, public_url as web_public_url

HAALCENTRAAL = "/haalcentraal/"
BERICHTEN_API = "/api/v1/"
OAUTH = "/oauth2/"
MAX_BODY = max(SOAP_MAX_BODY, BEWONING_MAX_BODY, BERICHTEN_MAX_BODY, OAUTH_MAX_BODY)  # the largest any API takes


def build(service: AdhocService, *, routering_mailbox: int = ROUTERING_MAILBOX,
          tokens: Tokens | None = None, public_url: str | None = None) -> FrontDoor:
    """The Ad hoc webservice at every path, the bewoning API under ``/haalcentraal/``, the
    Berichten API under ``/api/v1/``, the token endpoint ``/oauth2/token`` and ``/health``, over
    one :class:`AdhocService` (its engine, accounts and protocol). ``tokens`` holds the key
    bearer tokens are signed with (a new one when None); ``public_url`` the address the APIs
    give of themselves (the WSDL's ``soap:address``; when None, the request's own, checked)."""
    tokens = tokens if tokens is not None else Tokens()
    mailboxen = Mailboxen(service.engine)
    bewoning = BewoningApp(service.engine, service.accounts, recorder=service.recorder,
                           verify_token=tokens.checker(BEWONING))
    berichten = BerichtenApp(service.engine, mailboxen, routering_mailbox=routering_mailbox,
                             verify_token=tokens.checker(BERICHTEN))
    token = TokenEndpoint(tokens, {BERICHTEN: _mailbox(mailboxen), BEWONING: _account(service.accounts)})
    return FrontDoor(SoapApp(service), [(HAALCENTRAAL, bewoning), (BERICHTEN_API, berichten), (OAUTH, token)],
                     healthy=service.healthy, public_url=public_url and web_public_url(public_url))


def _mailbox(mailboxen: Mailboxen):
    """May this client (a mailbox number and its password) have a Berichten API token?"""
    def check(client_id: str, secret: str) -> bool:
        try:
            mailboxen.login(client_id, secret)
            return True
        except LoginFailed:
            return False
    return check


def _account(accounts: Accounts | None):
    """May this client (an account and its password) have a bewoning API token? Not in open
    mode: there are no accounts, and nobody needs one."""
    def check(client_id: str, secret: str) -> bool:
        if accounts is None:
            return False
        try:
            accounts.login(Credentials(client_id, secret))
            return True
        except Fout:
            return False
    return check
