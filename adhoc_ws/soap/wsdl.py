"""The served WSDL: spyne's, shaped into the legacy contract's form.

Spyne generates the types from :mod:`adhoc_ws.soap.models`; they already match the legacy
schema. What this module changes is the WSDL around them, to what compiled clients know from
``LrdPlus1_1.wsdl`` (an Axis 1.3 WSDL):

- operation wrappers (``vraag``, ``vraagResponse``, …) as elements with anonymous types, and no
  other global elements;
- messages ``<op>Request`` / ``<op>Response`` with a part named ``parameters``;
- binding ``LrdPlusSoapBinding`` over HTTP, ``soapAction=""`` for every operation;
- service ``LrdPlusService`` with port ``LrdPlus`` last, as in the legacy file.
"""
from __future__ import annotations

from functools import lru_cache

from lxml import etree
from spyne.interface.wsdl.wsdl11 import Wsdl11

from .models import LRDPLUS
from .service import application

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
SOAP_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"
HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"
BINDING = "LrdPlusSoapBinding"
NS = {"wsdl": WSDL, "xs": XS, "soap": SOAP_BINDING}


def _operations() -> list[str]:
    return [m.name for s in application.services for m in s.public_methods.values()]


def _shape(root: etree._Element) -> None:
    operations = _operations()
    wrappers = {n for op in operations for n in (op, op + "Response")}
    lrd_schema = root.find(f"wsdl:types/xs:schema[@targetNamespace='{LRDPLUS}']", NS)

    for schema in root.iterfind("wsdl:types/xs:schema", NS):
        for element in schema.findall("xs:element", NS):
            if element.get("name") not in wrappers:
                schema.remove(element)
    for complex_type in lrd_schema.findall("xs:complexType", NS):
        name = complex_type.get("name")
        if name in wrappers:
            element = lrd_schema.find(f"xs:element[@name='{name}']", NS)
            del element.attrib["type"], complex_type.attrib["name"]
            lrd_schema.remove(complex_type)
            element.append(complex_type)

    for message in root.iterfind("wsdl:message", NS):
        if message.get("name") in operations:
            message.set("name", message.get("name") + "Request")
        message.find("wsdl:part", NS).set("name", "parameters")

    for operation in root.iterfind("wsdl:portType/wsdl:operation", NS):
        operation.attrib.pop("parameterOrder", None)
        request = operation.find("wsdl:input", NS)
        request.set("name", request.get("name") + "Request")
        request.set("message", request.get("message") + "Request")

    binding = root.find("wsdl:binding", NS)
    binding.set("name", BINDING)
    binding.find("soap:binding", NS).set("transport", HTTP_TRANSPORT)
    for operation in binding.iterfind("wsdl:operation", NS):
        soap_operation = operation.find("soap:operation", NS)
        soap_operation.set("soapAction", "")
        soap_operation.attrib.pop("style", None)
        request = operation.find("wsdl:input", NS)
        request.set("name", request.get("name") + "Request")

    service = root.find("wsdl:service", NS)
    service.find("wsdl:port", NS).set("binding", "tns:" + BINDING)
    root.remove(service)
    root.append(service)
    etree.cleanup_namespaces(root, keep_ns_prefixes=["tns", "s0"])


@lru_cache(maxsize=16)
def served_wsdl(location: str) -> bytes:
    """The WSDL document with ``location`` as the service address."""
    wsdl = Wsdl11(application.interface)
    wsdl.build_interface_document(location)
    root = etree.fromstring(wsdl.get_interface_document())
    _shape(root)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"
