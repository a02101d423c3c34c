"""Answers on the wire, written with plain lxml (spyne's serialiser is several times slower).

The shape is that of production (a CXF service), which the public clients are written
against: ``soap:`` envelope without a Header, LRDPlus as the default namespace declared on the
response element, LO3 as prefix ``ns2``, single-quoted XML declaration, nil persoonslijsten
as ``<persoonslijsten xmlns:xsi="…" xsi:nil="true"/>``. A test validates this output against
the schema of the served WSDL.
"""
from __future__ import annotations

from lxml import etree

from ..answer import Antwoord, Resultaat
from .models import LO3, LRDPLUS

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

_ENVELOPE = f"{{{SOAP_ENV}}}Envelope"
_BODY = f"{{{SOAP_ENV}}}Body"
_FAULT = f"{{{SOAP_ENV}}}Fault"
_NSMAP = {None: LRDPLUS, "ns2": LO3}
_ITEM = f"{{{LO3}}}item"
_CATEGORIESTAPELS = f"{{{LO3}}}categoriestapels"
_CATEGORIEVOORKOMENS = f"{{{LO3}}}categorievoorkomens"
_CATEGORIENUMMER = f"{{{LO3}}}categorienummer"
_ELEMENTEN = f"{{{LO3}}}elementen"
_NUMMER = f"{{{LO3}}}nummer"
_WAARDE = f"{{{LO3}}}waarde"
_PERSOONSLIJSTEN = f"{{{LRDPLUS}}}persoonslijsten"
_NIL = f"{{{XSI}}}nil"


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


def antwoord(operation: str, answer: Antwoord) -> bytes:
    """The response envelope of ``vraag`` or ``adresvraag`` for ``answer``."""
    envelope, body = _envelope()
    sub = etree.SubElement
    response = sub(body, f"{{{LRDPLUS}}}{operation}Response", nsmap=_NSMAP)
    returned = sub(response, f"{{{LRDPLUS}}}{operation}Return")
    if answer.persoonslijsten is None:
        sub(returned, _PERSOONSLIJSTEN, {_NIL: "true"}, nsmap={"xsi": XSI})
    else:
        pls = sub(returned, _PERSOONSLIJSTEN)
        for pl in answer.persoonslijsten:
            stapels = sub(sub(pls, _ITEM), _CATEGORIESTAPELS)
            for stapel in pl:
                voorkomens = sub(sub(stapels, _ITEM), _CATEGORIEVOORKOMENS)
                for categorienummer, elementen in stapel:
                    voorkomen = sub(voorkomens, _ITEM)
                    sub(voorkomen, _CATEGORIENUMMER).text = str(categorienummer)
                    items = sub(voorkomen, _ELEMENTEN)
                    for nummer, waarde in elementen:
                        item = sub(items, _ITEM)
                        sub(item, _NUMMER).text = str(nummer)
                        sub(item, _WAARDE).text = waarde
    _resultaat(returned, f"{{{LRDPLUS}}}resultaat", answer.resultaat)
    return _tostring(envelope)


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
