"""The WSGI application: the Ad hoc webservice over HTTP.

- ``GET …?wsdl`` serves the WSDL (:mod:`adhoc_ws.soap.wsdl`) with the request's own address;
  ``GET /health`` answers ``ok``.
- ``POST`` takes a SOAP 1.1 envelope. The XML is parsed here, with a parser that resolves no
  entities, loads no DTD and reaches no network; a document with a DTD is refused. spyne
  dispatches the body to :class:`adhoc_ws.soap.service.LrdPlusService` and deserialises the
  request; the answer is written by :mod:`adhoc_ws.soap.answer_xml`.

Credentials come as production receives them: HTTP Basic (``Authorization``), the same in
``X-Brp-Credentials`` (behind Logius' central access point), or a WS-Security UsernameToken
with a PasswordText in the SOAP header; that order of preference is the reverse: the SOAP
header first. A PasswordDigest cannot be checked against a stored hash and counts as wrong.

What a legacy client may send is accepted: no SOAPAction, ``""`` or any other; Content-Type
``text/xml`` or ``application/xml``; unknown SOAP headers; ints with leading zeros; nil or
absent indicaties, masker and parameters. A value that is not of its XSD type (``abc`` for
an int, 300 for a byte) is answered in-band with X021 naming the element, as every other
input error. A SOAP Fault is only for a request that is not a SOAP call of this service at all.
"""
from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass

from lxml import etree
from spyne import ComplexModelBase, Integer, MethodContext
from spyne.server import ServerBase

from ..answer import failure
from ..foutcodes import Fout
from ..service import AdhocService
from ..accounts import Credentials
from . import answer_xml
from .models import LRDPLUS
from .service import application
from .wsdl import served_wsdl

log = logging.getLogger(__name__)

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
MAX_REQUEST_BYTES = 1 << 20
OPERATIONS = ("vraag", "adresvraag", "changePassword")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True, remove_pis=True)


class SoapFault(Exception):
    def __init__(self, faultcode: str, faultstring: str, status: str = "500 Internal Server Error"):
        super().__init__(faultstring)
        self.faultcode, self.faultstring, self.status = faultcode, faultstring, status


@dataclass
class RequestContext:
    """What a service method needs besides its input (spyne's ``ctx.udc``)."""

    service: AdhocService
    credentials: Credentials | None


WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = ("http://docs.oasis-open.org/wss/2004/01/"
                 "oasis-200401-wss-username-token-profile-1.0#PasswordText")


def http_credentials(environ) -> Credentials | None:
    """HTTP Basic credentials from X-Brp-Credentials or Authorization, if any."""
    for header in ("HTTP_X_BRP_CREDENTIALS", "HTTP_AUTHORIZATION"):
        scheme, _, token = environ.get(header, "").partition(" ")
        if scheme.lower() != "basic":
            continue
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return Credentials("", "")  # present but unreadable: wrong credentials, X010
        gebruikersnaam, _, wachtwoord = decoded.partition(":")
        return Credentials(gebruikersnaam, wachtwoord)
    return None


def wsse_credentials(envelope: etree._Element) -> Credentials | None:
    """The UsernameToken of a WS-Security header, if any (only PasswordText can be checked)."""
    token = envelope.find(f"{{{SOAP11_ENV}}}Header/{{{WSSE}}}Security/{{{WSSE}}}UsernameToken")
    if token is None:
        return None
    password = token.find(f"{{{WSSE}}}Password")
    if password is None or password.get("Type", PASSWORD_TEXT) != PASSWORD_TEXT:
        return Credentials(token.findtext(f"{{{WSSE}}}Username") or "", "")
    return Credentials(token.findtext(f"{{{WSSE}}}Username") or "", password.text or "")


def first_invalid(element: etree._Element, cls) -> str | None:
    """The local name of the first element whose value is not of its declared XSD type.

    Walks ``element`` along the spyne model ``cls``; unknown elements are ignored. A bad
    ``item`` of an array is reported under the array's name (``masker``).
    """
    for child in element:
        name = etree.QName(child).localname
        field = cls._type_info.get(name)
        if field is None or child.get(XSI_NIL) in ("true", "1"):
            continue
        if issubclass(field, ComplexModelBase):
            bad = first_invalid(child, field)
            if bad:
                return bad
        elif issubclass(field, Integer) and not _valid_int(child.text, field):
            return etree.QName(element).localname if name == "item" else name
    return None


def _valid_int(text: str | None, field) -> bool:
    try:
        value = int((text or "").strip())
    except ValueError:
        return False
    return field.Attributes.min_bound <= value <= field.Attributes.max_bound


class AdhocServer(ServerBase):
    """spyne's request handling, with our parser in front and our serialiser behind."""

    transport = "http://schemas.xmlsoap.org/soap/http"

    def __init__(self, service: AdhocService):
        super().__init__(application)
        self.service = service

    def handle(self, body: bytes, credentials: Credentials | None = None) -> bytes:
        """The response document for one request body; raises SoapFault for non-SOAP input."""
        envelope = parse_envelope(body)
        ctx = MethodContext(self, MethodContext.SERVER)
        ctx.in_document = (envelope, {})
        ctx.udc = RequestContext(self.service, wsse_credentials(envelope) or credentials)
        self.app.in_protocol.decompose_incoming_envelope(ctx, self.app.in_protocol.REQUEST)
        request = ctx.in_body_doc
        operation = etree.QName(request).localname
        if etree.QName(request).namespace != LRDPLUS or operation not in OPERATIONS:
            raise SoapFault("Client", f"Unknown operation {request.tag}")
        ctx, = self.app.in_protocol.generate_method_contexts(ctx)

        bad = first_invalid(request, ctx.descriptor.in_message)
        if bad is None and request.find(f"{{{LRDPLUS}}}in0") is None:
            bad = "in0"
        if bad is not None:
            return self._failure(operation, Fout("X021", parameter=bad))

        self.get_in_object(ctx)
        if ctx.in_error is not None:
            log.warning("request not deserialised: %s", ctx.in_error)
            return self._failure(operation, Fout("X021", parameter="in0"))
        self.get_out_object(ctx)
        result, = ctx.out_object
        if operation == "changePassword":
            return answer_xml.change_password(result)
        return answer_xml.antwoord(operation, result)

    @staticmethod
    def _failure(operation: str, fout: Fout) -> bytes:
        answer = failure(fout)
        if operation == "changePassword":
            return answer_xml.change_password(answer.resultaat)
        return answer_xml.antwoord(operation, answer)


def parse_envelope(body: bytes) -> etree._Element:
    if b"<!DOCTYPE" in body:  # refused before parsing: no entity is ever declared, let alone expanded
        raise SoapFault("Client", "A document type declaration (DTD) is not allowed")
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as e:
        raise SoapFault("Client", f"Not well-formed XML: {e.msg}") from None
    if root.getroottree().docinfo.doctype:
        raise SoapFault("Client", "A document type declaration (DTD) is not allowed")
    if root.tag == f"{{{SOAP12_ENV}}}Envelope":
        raise SoapFault("VersionMismatch", "Only SOAP 1.1 is supported")
    if root.tag != f"{{{SOAP11_ENV}}}Envelope":
        raise SoapFault("Client", "Not a SOAP 1.1 envelope")
    bodies = root.findall(f"{{{SOAP11_ENV}}}Body")
    if len(bodies) != 1 or len(bodies[0]) != 1:
        raise SoapFault("Client", "The SOAP Body must hold exactly one element")
    return root


class WsgiApp:
    """The WSGI callable ``adhoc-ws serve`` runs."""

    def __init__(self, service: AdhocService, *, max_request_bytes: int = MAX_REQUEST_BYTES):
        self.server = AdhocServer(service)
        self.max_request_bytes = max_request_bytes

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        if method in ("GET", "HEAD"):
            return self._get(environ, start_response)
        if method != "POST":
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD, POST"),
                                                      ("Content-Type", "text/plain")])
            return [b"POST a SOAP 1.1 request, or GET ?wsdl\n"]
        try:
            body = self._read_body(environ)
            document = self.server.handle(body, http_credentials(environ))
            status = "200 OK"
        except SoapFault as f:
            document, status = answer_xml.fault(f.faultcode, f.faultstring), f.status
        except Exception:
            log.exception("request failed")
            document = answer_xml.fault("Server", "Technische fout")
            status = "500 Internal Server Error"
        start_response(status, [("Content-Type", "text/xml; charset=UTF-8"),
                                ("Content-Length", str(len(document)))])
        return [document]

    def _read_body(self, environ) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if length > self.max_request_bytes:
            raise SoapFault("Client", f"Request larger than {self.max_request_bytes} bytes",
                            "413 Payload Too Large")
        stream = environ["wsgi.input"]
        body = stream.read(length) if length >= 0 else stream.read(self.max_request_bytes + 1)
        if len(body) > self.max_request_bytes:
            raise SoapFault("Client", f"Request larger than {self.max_request_bytes} bytes",
                            "413 Payload Too Large")
        return body

    def _get(self, environ, start_response):
        query = environ.get("QUERY_STRING", "").lower()
        if query.split("&")[0] in ("wsdl", "wsdl="):
            document = served_wsdl(_own_url(environ))
            start_response("200 OK", [("Content-Type", "text/xml; charset=UTF-8"),
                                      ("Content-Length", str(len(document)))])
            return [document]
        if environ.get("PATH_INFO") == "/health":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        start_response("200 OK", [("Content-Type", "text/plain; charset=UTF-8")])
        return [b"adhoc-ws: the BRP-V Ad hoc webservice (LrdPlus 1.1). "
                b"POST SOAP 1.1 requests here; the WSDL is at ?wsdl\n"]


def _own_url(environ) -> str:
    scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return f"{scheme}://{host}{environ.get('SCRIPT_NAME', '')}{environ.get('PATH_INFO', '')}"
