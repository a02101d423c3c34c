"""Reading WSDL schemas for tests: a comparable summary, and an lxml XMLSchema to validate with."""
from pathlib import Path

from lxml import etree

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
NS = {"wsdl": WSDL, "xs": XS, "soap": SOAP}


def _qname(element, value):
    prefix, _, local = value.rpartition(":")
    return f"{{{element.nsmap.get(prefix or None)}}}{local}"


def _sequence(complex_type):
    return [(e.get("name"), _qname(e, e.get("type")) if e.get("type") else _sequence(e.find("xs:complexType", NS)),
             e.get("nillable", "false"), e.get("minOccurs", "1"), e.get("maxOccurs", "1"))
            for e in complex_type.iterfind("xs:sequence/xs:element", NS)]


def summary(wsdl_root):
    """{'types': {qname: sequence}, 'elements': {qname: type or sequence}, 'operations': {...}}"""
    types, elements = {}, {}
    for schema in wsdl_root.iterfind("wsdl:types/xs:schema", NS):
        tns = schema.get("targetNamespace")
        assert schema.get("elementFormDefault") == "qualified"
        for t in schema.iterfind("xs:complexType", NS):
            types[f"{{{tns}}}{t.get('name')}"] = _sequence(t)
        for e in schema.iterfind("xs:element", NS):
            elements[f"{{{tns}}}{e.get('name')}"] = (
                _qname(e, e.get("type")) if e.get("type") else _sequence(e.find("xs:complexType", NS)))
    operations = {}
    for op in wsdl_root.iterfind("wsdl:binding/wsdl:operation", NS):
        port_op = wsdl_root.find(f"wsdl:portType/wsdl:operation[@name='{op.get('name')}']", NS)
        messages = []
        for io in ("input", "output"):
            ref = port_op.find(f"wsdl:{io}", NS).get("message").rpartition(":")[2]
            message = wsdl_root.find(f"wsdl:message[@name='{ref}']", NS)
            part = message.find("wsdl:part", NS)
            messages.append((ref, part.get("name"), _qname(part, part.get("element")),
                             op.find(f"wsdl:{io}/soap:body", NS).get("use")))
        operations[op.get("name")] = (op.find("soap:operation", NS).get("soapAction"), messages)
    binding = wsdl_root.find("wsdl:binding/soap:binding", NS)
    return {"types": types, "elements": elements, "operations": operations,
            "binding": (binding.get("style"), binding.get("transport"))}


def xml_schema(wsdl_root, folder: Path) -> etree.XMLSchema:
    """The WSDL's types as one XMLSchema (each schema written to ``folder``)."""
    schemas = wsdl_root.findall("wsdl:types/xs:schema", NS)
    files = {s.get("targetNamespace"): folder / f"schema{i}.xsd" for i, s in enumerate(schemas)}
    for schema in schemas:
        nsmap = {**wsdl_root.nsmap, **schema.nsmap}
        root = etree.Element(schema.tag, dict(schema.attrib), nsmap=nsmap)
        for child in schema:
            child = etree.fromstring(etree.tostring(child))
            if child.tag == f"{{{XS}}}import":
                child.set("schemaLocation", files[child.get("namespace")].name)
            root.append(child)
        files[schema.get("targetNamespace")].write_bytes(etree.tostring(root))
    first = files[schemas[0].get("targetNamespace")]
    return etree.XMLSchema(etree.parse(str(first)))
