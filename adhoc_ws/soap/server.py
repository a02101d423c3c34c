"""The Ad hoc webservice over HTTP: a WSGI application, mounted by :mod:`adhoc_ws.app`.

- ``GET …?wsdl`` serves the WSDL (:mod:`adhoc_ws.soap.wsdl`) with the request's own address.
- A SOAP call adds its operation, result code and referentie to the access-log line of
  :mod:`adhoc_ws.web`; never a zoekwaarde, a BSN or a name (the protocol in the database says
  who asked about whom).
- ``POST`` takes a SOAP 1.1 envelope. The XML is parsed here, with a parser that resolves no
  entities, loads no DTD and reaches no network; a document with a DTD is refused before
  parsing, in whatever encoding (:mod:`adhoc_ws.soap.document`). The body's
  element names the operation in spyne's table of :class:`adhoc_ws.soap.service.LrdPlusService`;
  :mod:`adhoc_ws.soap.request` reads its input along the spyne models (spyne's own
  deserialiser took longer than the rest of a vraag), the operation's method runs, and the
  answer is written by :mod:`adhoc_ws.soap.answer_xml`.

Credentials come as production receives them: HTTP Basic (``Authorization``), the same in
``X-Brp-Credentials`` (behind Logius' central access point), or a WS-Security UsernameToken
with a PasswordText in the SOAP header; that order of preference is the reverse: the SOAP
header first. A PasswordDigest cannot be checked against a stored hash and counts as wrong.
A request with none of the three is answered ``401`` with a Basic challenge (unless the
service is open), so clients that send a password only when challenged can log in; wrong
credentials are X010 in-band, as every login failure.

What a legacy client may send is accepted: no SOAPAction, ``""`` or any other; Content-Type
``text/xml`` or ``application/xml``; unknown SOAP headers; ints with leading zeros; nil or
absent indicaties, masker and parameters. A value that is not of its XSD type (``abc`` for
an int, 300 for a byte) is answered in-band with X021 naming the element, as every other
input error. A SOAP Fault is only for a request that is not a SOAP call of this service at all.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from lxml import etree

from ..answer import Resultaat, failure
from ..foutcodes import Fout
from ..logsafe import log_failure
from ..service import AdhocService
from ..accounts import Credentials
from ..web import ACCESS_EXTRA, BASIC_CHALLENGE, BodyTooLarge, http_credentials, own_base_url, read_body
from . import answer_xml, document
from .models import LRDPLUS
from .request import Invalid, read as read_request
from .service import application
from .wsdl import served_wsdl

log = logging.getLogger(__name__)

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
_BODY = f"{{{SOAP11_ENV}}}Body"
MAX_REQUEST_BYTES = 1 << 20
OPERATIONS = ("vraag", "adresvraag", "changePassword")

# reads every document as UTF-8, whatever it declares: document.for_parser made it so
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, encoding="utf-8",
                          huge_tree=False, remove_comments=True, remove_pis=True)


class SoapFault(Exception):
    def __init__(self, faultcode: str, faultstring: str, status: str = "500 Internal Server Error",
                 headers: list[tuple[str, str]] = ()):
        super().__init__(faultstring)
        self.faultcode, self.faultstring, self.status = faultcode, faultstring, status
        self.headers = list(headers)


def challenge() -> SoapFault:
    """401 with a Basic challenge: for a request without any credentials, while accounts are
    checked. Clients that send their password only when challenged (suds, .NET's
    NetworkCredential, Java's Authenticator, Perl's LWP) then ask again with it."""
    return SoapFault("Client", "Authentication required", "401 Unauthorized", [("WWW-Authenticate", BASIC_CHALLENGE)])


@dataclass
class RequestContext:
    """What a service method needs besides its input (spyne's ``ctx.udc``)."""

    service: AdhocService
    credentials: Credentials | None


WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = ("http://docs.oasis-open.org/wss/2004/01/"
                 "oasis-200401-wss-username-token-profile-1.0#PasswordText")


def wsse_credentials(envelope: etree._Element) -> Credentials | None:
    """The UsernameToken of a WS-Security header, if any (only PasswordText can be checked)."""
    if len(envelope) == 1:  # the Body alone: most clients log in over HTTP, without a header
        return None
    token = envelope.find(f"{{{SOAP11_ENV}}}Header/{{{WSSE}}}Security/{{{WSSE}}}UsernameToken")
    if token is None:
        return None
    password = token.find(f"{{{WSSE}}}Password")
    if password is None or password.get("Type", PASSWORD_TEXT) != PASSWORD_TEXT:
        return Credentials(token.findtext(f"{{{WSSE}}}Username") or "", "")
    return Credentials(token.findtext(f"{{{WSSE}}}Username") or "", password.text or "")


class _Call:
    """What a service method gets as its context: spyne's ``ctx.udc`` and nothing else."""

    __slots__ = ("udc",)

    def __init__(self, udc: RequestContext):
        self.udc = udc


# operation element -> spyne's description of the method (its name, input model, function)
_METHODS = {tag: descriptors[0]
            for tag, descriptors in application.interface.service_method_map.items()}
_IN0 = f"{{{LRDPLUS}}}in0"


class AdhocServer:
    """A SOAP call: our parser in front, spyne's operations and models, our serialiser behind."""

    def __init__(self, service: AdhocService):
        self.service = service

    def handle(self, body: bytes, credentials: Credentials | None = None) -> "Outcome":
        """The response to one request body; raises SoapFault for non-SOAP input, and for a
        request without credentials (``credentials`` None and no UsernameToken) while accounts
        are checked (:func:`challenge`)."""
        envelope = parse_envelope(body)
        credentials = wsse_credentials(envelope) or credentials
        if credentials is None and self.service.accounts is not None:
            raise challenge()
        request = envelope.find(_BODY)[0]
        descriptor = _METHODS.get(request.tag)
        if descriptor is None:
            raise SoapFault("Client", f"Unknown operation {request.tag}")
        operation = descriptor.name
        try:
            arguments = read_request(request, descriptor.in_message)
        except Invalid as e:
            return self._failure(operation, Fout("X021", parameter=e.element))
        if arguments.in0 is None and request.find(_IN0) is None:  # absent, not nil
            return self._failure(operation, Fout("X021", parameter="in0"))
        call = _Call(RequestContext(self.service, credentials))
        result = descriptor.function(call, arguments.in0)
        if operation == "changePassword":
            return Outcome(answer_xml.change_password(result), operation, result)
        return Outcome(answer_xml.antwoord(operation, result), operation, result.resultaat)

    @staticmethod
    def _failure(operation: str, fout: Fout) -> "Outcome":
        answer = failure(fout)
        if operation == "changePassword":
            return Outcome(answer_xml.change_password(answer.resultaat), operation, answer.resultaat)
        return Outcome(answer_xml.antwoord(operation, answer), operation, answer.resultaat)


@dataclass(frozen=True)
class Outcome:
    document: bytes
    operation: str
    resultaat: Resultaat


def parse_envelope(body: bytes) -> etree._Element:
    try:  # a DTD is refused before parsing, in any encoding: no entity is ever declared
        utf8 = document.for_parser(body)
    except document.Refused as e:
        raise SoapFault("Client", str(e)) from None
    try:
        root = etree.fromstring(utf8, _PARSER)
    except etree.XMLSyntaxError as e:
        raise SoapFault("Client", f"Not well-formed XML: {e.msg}") from None
    if root.getroottree().docinfo.doctype:
        raise SoapFault("Client", "A document type declaration (DTD) is not allowed")
    if root.tag == f"{{{SOAP12_ENV}}}Envelope":
        raise SoapFault("VersionMismatch", "Only SOAP 1.1 is supported")
    if root.tag != f"{{{SOAP11_ENV}}}Envelope":
        raise SoapFault("Client", "Not a SOAP 1.1 envelope")
    bodies = root.findall(_BODY)
    if len(bodies) != 1 or len(bodies[0]) != 1:
        raise SoapFault("Client", "The SOAP Body must hold exactly one element")
    return root


class SoapApp:
    """The Ad hoc webservice as a WSGI application: GET ``?wsdl``, POST a SOAP 1.1 call."""

    def __init__(self, service: AdhocService, *, max_request_bytes: int = MAX_REQUEST_BYTES):
        self.server = AdhocServer(service)
        self.max_request_bytes = max_request_bytes

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        if method in ("GET", "HEAD"):
            status, headers, document = self._get(environ)
        elif method != "POST":
            status, document = "405 Method Not Allowed", b"POST a SOAP 1.1 request, or GET ?wsdl\n"
            headers = [("Allow", "GET, HEAD, POST"), ("Content-Type", "text/plain")]
        else:
            headers = []
            try:
                body = self._read_body(environ)
                outcome = self.server.handle(body, presented_credentials(environ))
                document, status = outcome.document, "200 OK"
                r = outcome.resultaat
                environ[ACCESS_EXTRA] = {"operation": outcome.operation,
                                         "resultaat": f"{r.letter}{r.code:03d}",
                                         "referentie": r.referentie}
            except SoapFault as f:
                document, status = answer_xml.fault(f.faultcode, f.faultstring), f.status
                headers = f.headers
            except Exception:
                log_failure(log, "request failed")
                document = answer_xml.fault("Server", "Technische fout")
                status = "500 Internal Server Error"
            headers = [("Content-Type", "text/xml; charset=UTF-8")] + headers
        start_response(status, headers + [("Content-Length", str(len(document)))])
        return [document]

    def _read_body(self, environ) -> bytes:
        try:
            return read_body(environ, self.max_request_bytes)
        except BodyTooLarge:
            raise SoapFault("Client", f"Request larger than {self.max_request_bytes} bytes",
                            "413 Payload Too Large") from None

    @staticmethod
    def _get(environ):
        query = environ.get("QUERY_STRING", "").lower()
        if query.split("&")[0] in ("wsdl", "wsdl="):
            return "200 OK", [("Content-Type", "text/xml; charset=UTF-8")], served_wsdl(_own_url(environ))
        return "200 OK", [("Content-Type", "text/plain; charset=UTF-8")], \
            b"adhoc-ws: the BRP-V Ad hoc webservice (LrdPlus 1.1). POST SOAP 1.1 requests here; " \
            b"the WSDL is at ?wsdl\n"


def presented_credentials(environ) -> Credentials | None:
    """The HTTP Basic credentials of the request; ones it presents in another scheme or that
    cannot be read count as wrong (X010), so only a request without ``Authorization`` and
    ``X-Brp-Credentials`` has none."""
    found = http_credentials(environ)
    if found is None and (environ.get("HTTP_AUTHORIZATION") or environ.get("HTTP_X_BRP_CREDENTIALS")):
        return Credentials("", "")
    return found


def _own_url(environ) -> str:
    return own_base_url(environ) + environ.get("PATH_INFO", "")
