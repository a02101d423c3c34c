"""End to end over HTTP: zeep clients built from the legacy WSDL and from the served one.

The service runs on the demo persoonslijsten (fixtures/README.md), on SQLite and PostgreSQL.
"""
import re
import uuid

import pytest
import requests
import zeep
from lxml import etree

from adhoc_ws.service import AdhocService
from adhoc_ws.app import build as build_app
from adhoc_ws.storage import database

from conftest import ENDPOINT, ROOT, serve_in_thread

LRD_NS = "http://www.bprbzk.nl/GBA/LRDPlus/version1.1"
LRD = "{%s}" % LRD_NS
BINDING = LRD + "LrdPlusSoapBinding"


def _legacy(service_url):
    """A client compiled from the published contract, pointed at adhoc-ws: only the URL differs."""
    client = zeep.Client(str(ROOT / "wsdl" / "LrdPlus1_1.wsdl"))
    return client, client.create_service(BINDING, service_url)


def _served(service_url):
    client = zeep.Client(service_url + "?wsdl")
    return client, client.service


@pytest.fixture(scope="module")
def legacy(service_url):
    return _legacy(service_url)


@pytest.fixture(scope="module")
def served(service_url):
    return _served(service_url)


@pytest.fixture(params=["legacy", "served"])
def any_client(request, service_url):
    return (_legacy if request.param == "legacy" else _served)(service_url)


def ask(client, masker, *params, operation="vraag", **indicaties):
    client, service = client
    vraag = client.get_type(LRD + "Vraag")(
        masker={"item": list(masker)},
        parameters={"item": [{"rubrieknummer": r, "zoekwaarde": w} for r, w in params]},
        **indicaties)
    return getattr(service, operation)(vraag)


def code(answer) -> str:
    r = answer.resultaat
    return f"{r.letter}{r.code:03d} {r.omschrijving}"


def voorkomens(answer, pl=0):
    """[(categorienummer, {nummer: waarde}), ...] per stapel of one PL."""
    stapels = answer.persoonslijsten.item[pl].categoriestapels.item
    return [[(v.categorienummer, {e.nummer: e.waarde for e in v.elementen.item})
             for v in s.categorievoorkomens.item] for s in stapels]


def flat(answer, pl=0):
    return {c: e for stapel in voorkomens(answer, pl) for c, e in stapel}


def test_a_bsn_gives_one_pl_with_the_masked_rubrieken(any_client):
    answer = ask(any_client, [10120, 10210, 10240, 10310, 81160], (10120, "999993653"))
    r = answer.resultaat
    assert (r.code, r.letter, r.omschrijving) == (0, "A", "Aantal: 1.")
    uuid.UUID(r.referentie)
    assert voorkomens(answer) == [
        [(1, {120: "999993653", 210: "Jurjen Hans", 240: "Janssen", 310: "19430203"})],
        [(8, {1160: flat(answer)[8][1160]})]]


def test_a_value_with_diacritics(legacy):
    answer = ask(legacy, [10210, 10240], (10240, "Mułłer"))
    assert flat(answer)[1] == {210: "Paweł", 240: "Mułłer"}


def test_several_pls(legacy):
    answer = ask(legacy, [10240], (10240, "/Muller"), (10120, "999994050"))
    assert code(answer) == "A000 Aantal: 1."
    answer = ask(legacy, [10210], (10240, "Muller"))
    assert code(answer) == "A000 Aantal: 3." and len(answer.persoonslijsten.item) == 3


def test_historic_voorkomens_come_as_category_plus_50_after_the_actual_one(legacy):
    answer = ask(legacy, [10240, 510240], (10120, "999994001"))
    assert voorkomens(answer)[0] == [(1, {240: "Müller"}), (51, {240: "Janssen"})]


def test_opschorting_is_always_added(legacy):
    answer = ask(legacy, [10240], (10120, "999998006"))
    assert flat(answer)[7] == {6710: "20160922", 6720: "O"}


def test_onderzoek_is_always_added(legacy):
    answer = ask(legacy, [10240], (10120, "999998055"))
    assert flat(answer)[1][8310] == "010240" and 8320 in flat(answer)[1]
    answer = ask(legacy, [10240], (10120, "999998067"))
    assert flat(answer)[8] == {8310: "089999", 8320: flat(answer)[8][8320]}


def test_rni_deelnemer_and_verificatie_for_a_niet_ingezetene(legacy):
    inschrijving = flat(ask(legacy, [10240], (10120, "999997038")))[7]
    assert inschrijving[6720] == "R"
    assert {6710, 6720, 7110, 7120, 8810} <= set(inschrijving)
    ingezetene = flat(ask(legacy, [10240], (10120, "999993653")))
    assert 7 not in ingezetene


def test_nothing_found_is_g033_with_nil_persoonslijsten(legacy, service_url):
    answer = ask(legacy, [10120], (10120, "999999999"))
    assert code(answer) == "G033 Geen gegevens gevonden."
    assert answer.persoonslijsten.item == []
    raw = post(service_url, envelope(body_vraag([10120], [(10120, "999999999")])))
    assert b'<persoonslijsten xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>' \
        in raw.content


@pytest.mark.parametrize("masker, params, indicaties, expected", [
    ([10240], [(10240, "Janssen"), (10310, "19550701")], {}, "P032 Te veel zoekresultaten."),
    ([10240], [(10210, "Jan")], {}, "X019 Geen correcte persoonsidentificatie."),
    ([10240], [], {}, "X019 Geen correcte persoonsidentificatie."),
    ([10240], [(10120, "999993653")], {"indicatieAdresvraag": 2},
     "X021 Ongeldige waarde voor parameter indicatieAdresvraag."),
    ([10240], [(10120, "99999365A")], {}, "X022 Numeriek zoekcriterium 010120 bevat geen numerieke waarde."),
    ([10240], [(10240, "Jans~sen")], {}, "X023 Zoekcriterium 010240 bevat ongeldig teken op positie 5."),
    ([10240], [(10120, "999993653"), (10120, "999993021")], {},
     "X024 Dubbel rubrieknummer in zoekcriteria niet toegestaan: 010120."),
    ([50210, 10240, 50210], [(10120, "999993653")], {},
     "X025 Dubbel rubrieknummer in masker niet toegestaan: 050210."),
    ([10240], [(10120, "99999365")], {}, "X026 Onjuiste lengte voor rubriek: 010120=99999365."),
    ([10240, 999999], [(10120, "999993653")], {}, "X017 Geen autorisatie voor rubriek: 999999."),
    ([10240], [(10120, "999993653"), (510240, "Janssen")], {},
     "X018 Niet toegestaan zoekcriterium gebruikt: 510240."),
    ([10240], [(10210, "Jan")], {"indicatieAdresvraag": 1},
     "X020 Geen correcte persoons- of adresidentificatie."),
])
def test_foutcodes(legacy, masker, params, indicaties, expected):
    answer = ask(legacy, masker, *params, **indicaties)
    assert code(answer) == expected
    assert answer.persoonslijsten.item == []
    uuid.UUID(answer.resultaat.referentie)


def test_every_answer_has_a_fresh_referentie(legacy):
    first = ask(legacy, [10240], (10120, "999999999")).resultaat.referentie
    assert first != ask(legacy, [10240], (10120, "999999999")).resultaat.referentie


def test_adresvraag_operation_and_indicator(legacy, served):
    by_operation = ask(served, [10120], (10120, "999996071"), operation="adresvraag")
    by_indicator = ask(legacy, [10120], (10120, "999996071"), indicatieAdresvraag=1)
    assert code(by_operation) == code(by_indicator) == "A000 Aantal: 2."


def test_change_password_is_in_the_contract(legacy):
    resultaat = legacy[1].changePassword("NieuwWachtwoord!2026")
    assert (resultaat.letter, resultaat.code) == ("X", 11)


# What legacy clients send, on the wire (legacy-clients.md §1.4)

def envelope(body: str, header: str = "") -> bytes:
    return (f'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            f'xmlns:ver="{LRD_NS}"><soapenv:Header>{header}</soapenv:Header>'
            f'<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>').encode()


def body_vraag(masker, params, adres="0", historie="0"):
    items = "".join(f"<ver:item>{m}</ver:item>" for m in masker)
    ps = "".join(f"<ver:item><ver:rubrieknummer>{r}</ver:rubrieknummer>"
                 f"<ver:zoekwaarde>{w}</ver:zoekwaarde></ver:item>" for r, w in params)
    return (f"<ver:vraag><ver:in0><ver:indicatieAdresvraag>{adres}</ver:indicatieAdresvraag>"
            f"<ver:indicatieZoekenInHistorie>{historie}</ver:indicatieZoekenInHistorie>"
            f"<ver:masker>{items}</ver:masker><ver:parameters>{ps}</ver:parameters></ver:in0></ver:vraag>")


def post(url, data: bytes, **headers):
    headers.setdefault("Content-Type", "text/xml;charset=UTF-8")
    return requests.post(url, data=data, headers=headers, timeout=10)


def resultaat(response) -> str:
    root = etree.fromstring(response.content)
    r = root.find(f".//{LRD}resultaat")
    return r.findtext(f"{LRD}letter") + r.findtext(f"{LRD}code").zfill(3)


@pytest.mark.parametrize("headers", [
    {}, {"SOAPAction": '""'}, {"SOAPAction": "Vraag"},
    {"Content-Type": "application/xml;charset=UTF-8"}, {"Content-Type": "text/xml"},
])
def test_savon_style_request_with_zero_padded_masker(service_url, headers):
    body = body_vraag(["010120", "010240", "076720"], [("10120", "999993653")])
    response = post(service_url, envelope(body), **headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    assert resultaat(response) == "A000"


def test_unknown_soap_headers_are_ignored(service_url):
    header = ('<v1:Header xmlns:v1="urn:Centric/PIV/GBAV/GeneriekBevragingsComponent/v1.0" '
              'soapenv:mustUnderstand="0"><v1:AfnemerscodeGBA>123</v1:AfnemerscodeGBA></v1:Header>')
    response = post(service_url, envelope(body_vraag(["10120"], [("10120", "999993653")]), header))
    assert resultaat(response) == "A000"


def test_php_style_default_namespace(service_url):
    body = (f'<vraag xmlns="{LRD_NS}"><in0><masker><item>10120</item></masker><parameters><item>'
            f'<rubrieknummer>10120</rubrieknummer><zoekwaarde>999993653</zoekwaarde></item>'
            f'</parameters></in0></vraag>')
    assert resultaat(post(service_url, envelope(body), SOAPAction="Vraag")) == "A000"


@pytest.mark.parametrize("in0, expected", [
    ('<ver:indicatieAdresvraag xsi:nil="true"/><ver:indicatieZoekenInHistorie xsi:nil="true"/>'
     '<ver:masker xsi:nil="true"/><ver:parameters xsi:nil="true"/>', "X021"),
    ('<ver:masker><ver:item>10120</ver:item></ver:masker><ver:parameters xsi:nil="true"/>', "X019"),
    ('<ver:masker><ver:item>abc</ver:item></ver:masker>', "X021"),
    ('<ver:indicatieAdresvraag>300</ver:indicatieAdresvraag>', "X021"),
    ('<ver:masker><ver:item>10120</ver:item></ver:masker><ver:parameters><ver:item>'
     '<ver:rubrieknummer>1O120</ver:rubrieknummer><ver:zoekwaarde>1</ver:zoekwaarde>'
     '</ver:item></ver:parameters>', "X021"),
])
def test_nil_and_mistyped_input_is_answered_in_band(service_url, in0, expected):
    body = (f'<ver:vraag xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><ver:in0>{in0}'
            f'</ver:in0></ver:vraag>')
    response = post(service_url, envelope(body))
    assert response.status_code == 200
    assert resultaat(response) == expected


@pytest.mark.parametrize("operation", ["vraag", "adresvraag"])
@pytest.mark.parametrize("masker, rubriek, adres, historie, named", [
    ("1" * 5000, "10120", "0", "0", "masker"),
    ("10120", "-" + "1" * 5000, "0", "0", "rubrieknummer"),
    ("10120", "10120", "1" * 5000, "0", "indicatieAdresvraag"),
    ("10120", "10120", "0", "+" + "9" * 5000, "indicatieZoekenInHistorie"),
])
def test_an_integer_of_5000_digits_is_x021_naming_it(service_url, operation, masker, rubriek, adres,
                                                     historie, named):
    body = body_vraag([masker], [(rubriek, "999993653")], adres, historie).replace("ver:vraag", f"ver:{operation}")
    response = post(service_url, envelope(body))
    assert response.status_code == 200
    assert resultaat(response) == "X021"
    assert f"<omschrijving>Ongeldige waarde voor parameter {named}.</omschrijving>".encode() in response.content


def test_x021_names_the_element(service_url):
    body = '<ver:vraag><ver:in0><ver:masker><ver:item>abc</ver:item></ver:masker></ver:in0></ver:vraag>'
    assert b"Ongeldige waarde voor parameter masker." in post(service_url, envelope(body)).content


@pytest.mark.parametrize("data, faultcode", [
    (b"this is not xml", "soap:Client"),
    (b"<x/>", "soap:Client"),
    (b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>',
     "soap:VersionMismatch"),
    (envelope("<ver:bestaatNiet/>"), "soap:Client"),
    (envelope(""), "soap:Client"),
])
def test_only_what_is_not_a_soap_call_gets_a_fault(service_url, data, faultcode):
    response = post(service_url, data)
    assert response.status_code == 500
    fault = etree.fromstring(response.content).find(
        "{http://schemas.xmlsoap.org/soap/envelope/}Body/{http://schemas.xmlsoap.org/soap/envelope/}Fault")
    assert fault.findtext("faultcode") == faultcode


def test_external_entities_are_never_resolved(service_url):
    data = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + envelope(body_vraag(["10120"], [("10120", "&e;")])))
    response = post(service_url, data)
    assert response.status_code == 500 and b"root:" not in response.content
    assert b"DTD" in response.content


def test_an_oversized_request_is_refused(service_url):
    response = post(service_url, envelope("<ver:vraag>" + "x" * (2 << 20) + "</ver:vraag>"))
    assert response.status_code == 413 and b"Fault" in response.content


def test_an_internal_failure_is_x001_without_internals(tmp_path):
    engine = database.open_engine(f"sqlite:///{tmp_path / 'no-tables.sqlite'}")  # never initialised
    base, server = serve_in_thread(build_app(AdhocService(engine)))
    try:
        response = post(base + ENDPOINT, envelope(body_vraag(["10120"], [("10120", "999993653")])))
    finally:
        server.shutdown()
    assert response.status_code == 200 and resultaat(response) == "X001"
    assert b"Technische fout." in response.content
    assert not re.search(rb"Traceback|sqlite|lo3_|Error", response.content)


def test_the_service_answers_a_get(service_url):
    assert requests.get(service_url, timeout=10).status_code == 200
    assert requests.get(service_url.replace(ENDPOINT, "/health"), timeout=10).text == "ok\n"
    assert requests.put(service_url, data=b"x", timeout=10).status_code == 405


def test_the_request_body_is_read_by_length_or_up_to_the_limit_when_the_server_ends_it():
    from io import BytesIO

    from adhoc_ws.web import BodyTooLarge, read_body

    def environ(body, **extra):
        return {"wsgi.input": BytesIO(body), **extra}

    assert read_body(environ(b"abcdef", CONTENT_LENGTH="4"), 10) == b"abcd"
    assert read_body(environ(b"abcdef", CONTENT_LENGTH="", **{"wsgi.input_terminated": True}), 10) == b"abcdef"
    assert read_body(environ(b"abcdef"), 10) == b""  # no length, no end marked: nothing to wait for
    with pytest.raises(BodyTooLarge) as e:
        read_body(environ(b"x" * 20, CONTENT_LENGTH="20"), 10)
    assert e.value.read == 0
    with pytest.raises(BodyTooLarge) as e:
        read_body(environ(b"x" * 20, **{"wsgi.input_terminated": True}), 10)
    assert e.value.read == 11
