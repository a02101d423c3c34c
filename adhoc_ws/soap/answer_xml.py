"""Answers on the wire (spyne's serialiser is several times slower).

The shape is that of production (a CXF service), which the public clients are written
against: ``soap:`` envelope without a Header, LRDPlus as the default namespace declared on the
response element, LO3 as prefix ``ns2``, single-quoted XML declaration, nil persoonslijsten
as ``<persoonslijsten xmlns:xsi="…" xsi:nil="true"/>``. A test validates this output against
the schema of the served WSDL.

The answer of a vraag is written as text, the fixed markup around escaped values: the same
bytes lxml writes for the same tree (a test compares them), in a fifth of its time. A value
that XML cannot hold (a control character) is refused with ValueError, as lxml refuses it.
Faults and the changePassword answer are written with lxml.
"""
from __future__ import annotations

import re

from lxml import etree

from ..answer import Antwoord, Resultaat
from .models import LO3, LRDPLUS

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

_ENVELOPE = f"{{{SOAP_ENV}}}Envelope"
_BODY = f"{{{SOAP_ENV}}}Body"
_FAULT = f"{{{SOAP_ENV}}}Fault"
_NSMAP = {None: LRDPLUS, "ns2": LO3}


def _envelope():
    envelope = etree.Element(_ENVELOPE, nsmap={"soap": SOAP_ENV})
    return envelope, etree.SubElement(envelope, _BODY)


def _tostring(envelope) -> bytes:
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _resultaat(parent, tag: str, resultaat: Resultaat) -> None:
    sub = etree.SubElement
    r = sub(parent, tag)
    sub(r, f"{{{LRDPLUS}}}code").text = str(resultaat.code)
    sub(r, f"{{{LRDPLUS}}}letter").text = resultaat.letter
    sub(r, f"{{{LRDPLUS}}}omschrijving").text = resultaat.omschrijving
    sub(r, f"{{{LRDPLUS}}}referentie").text = resultaat.referentie


_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"
_HEAD = f'{_DECLARATION}<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body>'
_TAIL = "</soap:Body></soap:Envelope>"
_NIL_PERSOONSLIJSTEN = f'<persoonslijsten xmlns:xsi="{XSI}" xsi:nil="true"/>'
# Escaping: most values hold no character to escape, which one regular expression tells.
# Characters XML 1.0 cannot hold become NUL, so one search for NUL in the finished document
# (a memchr) finds them all.
_NOT_XML = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0xD800, 0xDFFF), (0xFFFE, 0xFFFF))
_ESCAPE = str.maketrans({**{c: "\x00" for low, high in _NOT_XML for c in range(low, high + 1)},
                         "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_TO_ESCAPE = re.compile("[&<>\r" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _NOT_XML)
                        + "]").search


def _list(parts: list[str], tag: str, items, write) -> None:
    """``<tag>`` with ``write(parts, item)`` for each item, or ``<tag/>`` without items."""
    if not items:
        parts.append(f"<{tag}/>")
        return
    parts.append(f"<{tag}>")
    for item in items:
        write(parts, item)
    parts.append(f"</{tag}>")


def _pl(parts: list[str], pl) -> None:
    parts.append("<ns2:item>")
    _list(parts, "ns2:categoriestapels", pl, _stapel)
    parts.append("</ns2:item>")


def _stapel(parts: list[str], stapel) -> None:
    parts.append("<ns2:item>")
    _list(parts, "ns2:categorievoorkomens", stapel, _voorkomen)
    parts.append("</ns2:item>")


def _voorkomen(parts: list[str], voorkomen) -> None:
    categorienummer, elementen = voorkomen
    parts.append(f"<ns2:item><ns2:categorienummer>{categorienummer}</ns2:categorienummer>")
    if elementen:
        parts.append("<ns2:elementen>")
        parts += [f"<ns2:item><ns2:nummer>{nummer}</ns2:nummer><ns2:waarde>"
                  f"{waarde.translate(_ESCAPE) if _TO_ESCAPE(waarde) else waarde}"
                  "</ns2:waarde></ns2:item>" for nummer, waarde in elementen]
        parts.append("</ns2:elementen></ns2:item>")
    else:
        parts.append("<ns2:elementen/></ns2:item>")


def antwoord(operation: str, answer: Antwoord) -> bytes:
    """The response envelope of ``vraag`` or ``adresvraag`` for ``answer``."""
    r = answer.resultaat
    parts = [_HEAD, f'<{operation}Response xmlns="{LRDPLUS}" xmlns:ns2="{LO3}"><{operation}Return>']
    if answer.persoonslijsten is None:
        parts.append(_NIL_PERSOONSLIJSTEN)
    else:
        _list(parts, "persoonslijsten", answer.persoonslijsten, _pl)
    parts.append(f"<resultaat><code>{r.code}</code><letter>{_text(r.letter)}</letter>"
                 f"<omschrijving>{_text(r.omschrijving)}</omschrijving>"
                 f"<referentie>{_text(r.referentie)}</referentie></resultaat>"
                 f"</{operation}Return></{operation}Response>{_TAIL}")
    document = "".join(parts)
    if "\x00" in document:
        raise ValueError("All strings must be XML compatible: no NULL bytes or control characters")
    return document.encode()


def _text(value: str) -> str:
    return value.translate(_ESCAPE) if _TO_ESCAPE(value) else value


def change_password(resultaat: Resultaat) -> bytes:
    envelope, body = _envelope()
    response = etree.SubElement(body, f"{{{LRDPLUS}}}changePasswordResponse", nsmap=_NSMAP)
    _resultaat(response, f"{{{LRDPLUS}}}changePasswordReturn", resultaat)
    return _tostring(envelope)


def fault(faultcode: str, faultstring: str) -> bytes:
    """A SOAP 1.1 Fault: only for requests that are not a SOAP call of this service at all."""
    envelope, body = _envelope()
    f = etree.SubElement(body, _FAULT)
    etree.SubElement(f, "faultcode").text = f"soap:{faultcode}"
    etree.SubElement(f, "faultstring").text = faultstring
    return _tostring(envelope)
