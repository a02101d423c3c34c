"""Reading requests (adhoc_ws.soap.request) as spyne's own deserialiser reads them.

spyne's deserialiser is the reference: generated requests in every form legacy clients send
(prefixes, default namespaces, no namespace, leading zeros, white space, nil, empty and absent
elements, unknown elements, comments, repeated elements) read to the same Vraag both ways.
"""
import random

import pytest
from lxml import etree
from spyne import ComplexModelBase, Integer, MethodContext
from spyne.server import ServerBase

from adhoc_ws.soap import request
from adhoc_ws.soap.models import LRDPLUS
from adhoc_ws.soap.service import application, to_domain

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def spyne_reads(body: bytes):
    """The in0 of a request as spyne deserialises it (the way adhoc-ws read requests before)."""
    transport = application.transport
    server = ServerBase(application)
    application.transport = transport  # ServerBase sets it to its own (None), which the WSDL cannot write
    ctx = MethodContext(server, MethodContext.SERVER)
    ctx.in_document = (etree.fromstring(body), {})
    application.in_protocol.decompose_incoming_envelope(ctx, application.in_protocol.REQUEST)
    ctx, = application.in_protocol.generate_method_contexts(ctx)
    server.get_in_object(ctx)
    assert ctx.in_error is None, ctx.in_error
    return ctx.in_object[0]


def adhoc_reads(body: bytes):
    operation = etree.fromstring(body).find(f"{{{SOAP}}}Body")[0]
    return request.read(operation, _in_message("vraag")).in0


def _in_message(name):
    return application.interface.service_method_map[f"{{{LRDPLUS}}}{name}"][0].in_message


class Writer:
    """Writes one element the way some client might: a prefix, the default namespace or none."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def tag(self, name: str) -> str:
        return self.rng.choice([f"v:{name}", name, name])

    def element(self, name: str, content: str) -> str:
        tag = self.tag(name)
        return f"<{tag}>{content}</{tag}>"

    def complex(self, name: str, content: str) -> str:
        extra = self.rng.choice(["", "", "", "<!-- a comment -->", "<v:onbekend>7</v:onbekend>"])
        return self.element(name, extra + content)

    def nil(self, name: str) -> str:
        return f'<{self.tag(name)} xsi:nil="{self.rng.choice(["true", "1"])}"/>'

    def integer(self, value: int, width: int = 0) -> str:
        text = str(value).zfill(width) if value >= 0 else str(value)
        return self.rng.choice(["", " ", "\n"]) + self.rng.choice(["", "+"] if value >= 0 else [""]) \
            + text + self.rng.choice(["", " "])

    def text(self) -> str:
        return self.rng.choice(["999993653", "Janssen", "J* H*", "/Muller", "", " met spaties ",
                                "Müller &amp; Zn", "1955*"])


def a_request(rng: random.Random) -> bytes:
    w = Writer(rng)
    parts = []
    for name in ("indicatieAdresvraag", "indicatieZoekenInHistorie"):
        choice = rng.random()
        if choice < 0.3:
            parts.append(w.nil(name))
        elif choice < 0.7:
            parts.append(w.element(name, w.integer(rng.choice([0, 1, -1, 127, -128]), 2)))
    choice = rng.random()
    if choice < 0.15:
        parts.append(w.nil("masker"))
    elif choice < 0.9:
        items = "".join(w.element("item", w.integer(rng.choice([10120, 10240, 81160, 510240]),
                                                    rng.choice([0, 6])))
                        for _ in range(rng.randint(0, 4)))
        parts.append(w.complex("masker", items))
    choice = rng.random()
    if choice < 0.15:
        parts.append(w.nil("parameters"))
    elif choice < 0.9:
        items = []
        for _ in range(rng.randint(0, 3)):
            if rng.random() < 0.1:
                items.append(w.nil("item"))
                continue
            fields = []
            if rng.random() < 0.9:
                fields.append(w.element("rubrieknummer", w.integer(rng.choice([10120, 10240, 10310]))))
            kind = rng.random()
            if kind < 0.15:
                fields.append(w.nil("zoekwaarde"))
            elif kind < 0.25:
                fields.append(f"<{w.tag('zoekwaarde')}/>")
            elif kind < 0.95:
                fields.append(w.element("zoekwaarde", w.text()))
            rng.shuffle(fields)
            items.append(w.complex("item", "".join(fields)))
        parts.append(w.complex("parameters", "".join(items)))
    rng.shuffle(parts)
    if rng.random() < 0.2:  # a single element twice: the last one counts
        parts.append(w.element("indicatieZoekenInHistorie", w.integer(rng.choice([0, 1]))))
    in0 = w.complex("in0", "".join(parts))
    return (f'<s:Envelope xmlns:s="{SOAP}" xmlns:xsi="{XSI}"><s:Body>'
            f'<v:vraag xmlns:v="{LRDPLUS}" xmlns="{LRDPLUS}">{in0}</v:vraag>'
            f'</s:Body></s:Envelope>').encode()


@pytest.mark.parametrize("seed", range(400))
def test_a_request_reads_as_spyne_reads_it(seed):
    body = a_request(random.Random(seed))
    assert to_domain(adhoc_reads(body)) == to_domain(spyne_reads(body)), body.decode()


def operation(in0: str, name="vraag"):
    body = (f'<s:Envelope xmlns:s="{SOAP}" xmlns:xsi="{XSI}"><s:Body><v:{name} xmlns:v="{LRDPLUS}">'
            f'{in0}</v:{name}></s:Body></s:Envelope>')
    return etree.fromstring(body).find(f"{{{SOAP}}}Body")[0]


@pytest.mark.parametrize("in0, element", [
    ("<v:in0><v:masker><v:item>abc</v:item></v:masker></v:in0>", "masker"),
    ("<v:in0><v:masker><v:item/></v:masker></v:in0>", "masker"),
    ("<v:in0><v:masker><v:item>1_0</v:item></v:masker></v:in0>", "masker"),
    ("<v:in0><v:masker><v:item>2147483648</v:item></v:masker></v:in0>", "masker"),
    ("<v:in0><v:indicatieAdresvraag>300</v:indicatieAdresvraag></v:in0>", "indicatieAdresvraag"),
    ("<v:in0><v:indicatieZoekenInHistorie>-129</v:indicatieZoekenInHistorie></v:in0>",
     "indicatieZoekenInHistorie"),
    ("<v:in0><v:indicatieZoekenInHistorie>1.0</v:indicatieZoekenInHistorie></v:in0>",
     "indicatieZoekenInHistorie"),
    ("<v:in0><v:parameters><v:item><v:rubrieknummer>1O120</v:rubrieknummer></v:item></v:parameters>"
     "</v:in0>", "rubrieknummer"),
])
def test_a_value_not_of_its_type_names_its_element(in0, element):
    with pytest.raises(request.Invalid) as e:
        request.read(operation(in0), _in_message("vraag"))
    assert e.value.element == element


def test_nil_false_is_a_value_not_nil():
    """XSD: only true and 1 make an element nil (spyne takes any value for nil)."""
    in0 = request.read(operation('<v:in0><v:indicatieAdresvraag xsi:nil="false">1'
                                 '</v:indicatieAdresvraag></v:in0>'), _in_message("vraag")).in0
    assert in0.indicatieAdresvraag == 1


def test_change_password_reads_its_string():
    read = request.read(operation("<v:in0> Nieuw-Wachtwoord-1 </v:in0>", "changePassword"),
                        _in_message("changePassword"))
    assert read.in0 == " Nieuw-Wachtwoord-1 "
    assert request.read(operation("<v:in0/>", "changePassword"), _in_message("changePassword")).in0 == ""
    assert request.read(operation("", "changePassword"), _in_message("changePassword")).in0 is None


def _integer_fields(model, path=()):
    """(path of element names, the name X021 gives) of every integer element of ``model``."""
    for name, member in model._type_info.items():
        if issubclass(member, ComplexModelBase):
            yield from _integer_fields(member, path + (name,))
        elif issubclass(member, Integer):
            yield path + (name,), path[-1] if name == "item" else name


def _nested(path, text: str) -> str:
    inner = text
    for name in reversed(path):
        inner = f"<v:{name}>{inner}</v:{name}>"
    return inner


INTEGER_FIELDS = [(operation_name, path, named)
                  for operation_name in ("vraag", "adresvraag")
                  for path, named in _integer_fields(_in_message(operation_name))]
HUGE = ["1" * 5000, "-" + "9" * 5000, "+" + "1" * 4301, " " + "7" * 100_000 + " ", "1" + "0" * 19]


def test_every_integer_field_is_found():
    assert {(o, p[-1]) for o, p, _ in INTEGER_FIELDS} >= {
        (o, f) for o in ("vraag", "adresvraag")
        for f in ("item", "rubrieknummer", "indicatieAdresvraag", "indicatieZoekenInHistorie")}


@pytest.mark.parametrize("operation_name, path, named", INTEGER_FIELDS)
@pytest.mark.parametrize("text", HUGE, ids=lambda t: f"{len(t)}chars")
def test_an_integer_of_any_length_is_refused_by_name(operation_name, path, named, text):
    """Digits beyond the type's bounds are refused before Python converts them (it refuses
    more than 4,300 digits with a ValueError of its own)."""
    with pytest.raises(request.Invalid) as e:
        request.read(operation(_nested(path, text), operation_name), _in_message(operation_name))
    assert e.value.element == named


@pytest.mark.parametrize("operation_name, path, named", INTEGER_FIELDS)
def test_leading_zeros_of_any_number_are_no_digits(operation_name, path, named):
    read = request.read(operation(_nested(path, " +" + "0" * 5000 + "1 "), operation_name),
                        _in_message(operation_name))
    value = read
    for name in path:
        value = getattr(value, name)
        value = value[0] if isinstance(value, list) else value
    assert value == 1
