"""The contract: the served WSDL is the legacy LrdPlus 1.1 contract plus adresvraag."""
import pytest
import requests
from lxml import etree

from adhoc_ws.answer import Antwoord, Resultaat, failure, success
from adhoc_ws.cli import CANONICAL_LOCATION
from adhoc_ws.foutcodes import Fout
from adhoc_ws.soap import answer_xml
from adhoc_ws.soap.wsdl import served_wsdl

from conftest import ROOT
from contract import summary, xml_schema

LRD = "{http://www.bprbzk.nl/GBA/LRDPlus/version1.1}"
LO3 = "{http://www.bprbzk.nl/GBA/LO3/version1.1}"
LEGACY = etree.parse(str(ROOT / "wsdl" / "LrdPlus1_1.wsdl")).getroot()
SERVED = etree.fromstring(served_wsdl(CANONICAL_LOCATION))


def test_the_checked_in_wsdl_is_what_is_served(service_url):
    served = requests.get(service_url + "?wsdl", timeout=10)
    assert served.status_code == 200 and served.headers["Content-Type"].startswith("text/xml")
    assert served.content.replace(service_url.encode(), CANONICAL_LOCATION.encode()) == \
        (ROOT / "wsdl" / "adhoc-ws.wsdl").read_bytes()


def test_every_legacy_type_is_served_identically():
    legacy, served = summary(LEGACY), summary(SERVED)
    assert served["types"] == legacy["types"]
    assert {LRD + "Vraag", LRD + "Zoekparameter", LRD + "ArrayOf_xsd_int", LRD + "Antwoord",
            LRD + "Resultaat", LO3 + "PL", LO3 + "Categoriestapel", LO3 + "Categorievoorkomen",
            LO3 + "Element", LO3 + "ArrayOf_PL"} <= set(served["types"])


def test_xsd_types_and_nillability_are_the_legacy_ones():
    types = summary(SERVED)["types"]
    xs = "{http://www.w3.org/2001/XMLSchema}"
    assert types[LRD + "Vraag"][0] == ("indicatieAdresvraag", xs + "byte", "true", "1", "1")
    assert types[LO3 + "Element"][0] == ("nummer", xs + "short", "false", "1", "1")
    assert types[LO3 + "Categorievoorkomen"][0] == ("categorienummer", xs + "byte", "false", "1", "1")
    assert types[LRD + "ArrayOf_xsd_int"] == [("item", xs + "int", "false", "0", "unbounded")]


def test_global_elements_are_the_legacy_ones_plus_adresvraag():
    legacy, served = summary(LEGACY)["elements"], summary(SERVED)["elements"]
    assert {k: v for k, v in served.items() if k in legacy} == legacy
    assert set(served) - set(legacy) == {LRD + "adresvraag", LRD + "adresvraagResponse"}
    assert served[LRD + "adresvraag"] == served[LRD + "vraag"]


def test_operations_bind_like_the_legacy_ones():
    legacy, served = summary(LEGACY), summary(SERVED)
    for name in ("vraag", "changePassword"):
        assert served["operations"][name] == legacy["operations"][name]
    assert served["operations"]["adresvraag"] == (
        "", [("adresvraagRequest", "parameters", LRD + "adresvraag", "literal"),
             ("adresvraagResponse", "parameters", LRD + "adresvraagResponse", "literal")])
    assert served["binding"] == legacy["binding"]
    assert SERVED.find("{http://schemas.xmlsoap.org/wsdl/}service").get("name") == "LrdPlusService"


def _body(document: bytes):
    return etree.fromstring(document)[0][0]


def test_answers_are_valid_against_the_served_schema(tmp_path):
    schema = xml_schema(SERVED, tmp_path)
    pl = [[(1, [(120, "999993653"), (240, "Müller")]), (51, [(240, "Janssen")])],
          [(8, [(1160, "1234AB")])]]
    for document in (answer_xml.antwoord("vraag", success([pl, []])),
                     answer_xml.antwoord("vraag", failure(Fout("G033"))),
                     answer_xml.antwoord("adresvraag", success([pl])),
                     answer_xml.change_password(failure(Fout("X011")).resultaat)):
        schema.assertValid(_body(document))


def test_the_wire_format_is_that_of_production():
    document = answer_xml.antwoord("vraag", Antwoord(None, Resultaat(33, "G", "Geen gegevens gevonden.", "r")))
    assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<soap:Envelope ")
    assert b"<soap:Header" not in document
    assert (b'<vraagResponse xmlns="http://www.bprbzk.nl/GBA/LRDPlus/version1.1" '
            b'xmlns:ns2="http://www.bprbzk.nl/GBA/LO3/version1.1"><vraagReturn>'
            b'<persoonslijsten xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>'
            b'<resultaat><code>33</code><letter>G</letter><omschrijving>Geen gegevens gevonden.'
            b'</omschrijving><referentie>r</referentie></resultaat>') in document
    found = answer_xml.antwoord("vraag", success([[[(1, [(120, "999993653")])]]]))
    assert (b"<persoonslijsten><ns2:item><ns2:categoriestapels><ns2:item><ns2:categorievoorkomens>"
            b"<ns2:item><ns2:categorienummer>1</ns2:categorienummer><ns2:elementen><ns2:item>"
            b"<ns2:nummer>120</ns2:nummer><ns2:waarde>999993653</ns2:waarde></ns2:item>") in found


def test_a_full_answer_of_ten_pls_is_valid_against_the_served_schema(tmp_path):
    """The benchmark's answer: the 10 fullest demo PLs, every rubriek, history and extras."""
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    from serialise import structure, spyne_serialise, the_answer

    answer = the_answer()
    document = answer_xml.antwoord("vraag", answer)
    xml_schema(SERVED, tmp_path).assertValid(_body(document))
    assert structure(document) == structure(spyne_serialise(answer))
    assert sum(len(e) for pl in answer.persoonslijsten for s in pl for _, e in s) > 1000


def lxml_antwoord(operation: str, answer: Antwoord) -> bytes:
    """The same answer built as an lxml tree: the reference for the text answer_xml writes."""
    soap, xsi = "http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2001/XMLSchema-instance"
    lrd, lo3 = LRD[1:-1], LO3[1:-1]
    sub = etree.SubElement
    envelope = etree.Element(f"{{{soap}}}Envelope", nsmap={"soap": soap})
    response = sub(sub(envelope, f"{{{soap}}}Body"), f"{LRD}{operation}Response",
                   nsmap={None: lrd, "ns2": lo3})
    returned = sub(response, f"{LRD}{operation}Return")
    if answer.persoonslijsten is None:
        sub(returned, f"{LRD}persoonslijsten", {f"{{{xsi}}}nil": "true"}, nsmap={"xsi": xsi})
    else:
        pls = sub(returned, f"{LRD}persoonslijsten")
        for pl in answer.persoonslijsten:
            stapels = sub(sub(pls, f"{LO3}item"), f"{LO3}categoriestapels")
            for stapel in pl:
                voorkomens = sub(sub(stapels, f"{LO3}item"), f"{LO3}categorievoorkomens")
                for categorienummer, elementen in stapel:
                    voorkomen = sub(voorkomens, f"{LO3}item")
                    sub(voorkomen, f"{LO3}categorienummer").text = str(categorienummer)
                    items = sub(voorkomen, f"{LO3}elementen")
                    for nummer, waarde in elementen:
                        item = sub(items, f"{LO3}item")
                        sub(item, f"{LO3}nummer").text = str(nummer)
                        sub(item, f"{LO3}waarde").text = waarde
    r = sub(returned, f"{LRD}resultaat")
    for name in ("code", "letter", "omschrijving", "referentie"):
        sub(r, f"{LRD}{name}").text = str(getattr(answer.resultaat, name))
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


ODD = [[(1, [(120, "999993653"), (240, "Müller & Zn <B.V.> \"'\r\n\t ok"), (250, "Ĳssel ß Ø")]),
        (51, [])], []]


@pytest.mark.parametrize("operation", ["vraag", "adresvraag"])
@pytest.mark.parametrize("answer", [
    success([ODD]), success([ODD, [], ODD]), success([]), success([[[]]]), failure(Fout("G033")),
    failure(Fout("X026", rubriek=10120, waarde="<&>")),
], ids=["odd values", "three pls", "no pls", "empty stapel", "nil", "escaped omschrijving"])
def test_the_written_answer_is_what_lxml_writes(operation, answer):
    assert answer_xml.antwoord(operation, answer) == lxml_antwoord(operation, answer)


@pytest.mark.parametrize("value", ["Jans\x01sen", "\x00", "a\x1f", "\x0b", "x\ud800", "\ufffe", "\uffff"])
def test_a_value_xml_cannot_hold_is_refused_as_lxml_refuses_it(value):
    answer = success([[[(1, [(240, value)])]]])
    with pytest.raises(ValueError):
        lxml_antwoord("vraag", answer)
    with pytest.raises(ValueError):
        answer_xml.antwoord("vraag", answer)


def test_every_character_xml_can_hold_is_written():
    allowed = "\t\n\r" + "".join(chr(c) for c in range(0x20, 0x3000)
                                 if not 0xD800 <= c < 0xE000)
    answer = success([[[(1, [(240, allowed)])]]])
    assert answer_xml.antwoord("vraag", answer) == lxml_antwoord("vraag", answer)
