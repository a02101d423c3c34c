"""Afnemers and accounts: the autorisatie file, logging in (HTTP Basic, X-Brp-Credentials,
WS-Security), X010-X018, lockout, changePassword, voorwaarderegel, W213, protocollering.

Everything over HTTP with zeep or raw requests, on the demo persoonslijsten, on both backends.
"""
import base64
import datetime as dt
import json
import re
import threading
import time

import pytest
import requests
import suds.client
import zeep
from sqlalchemy import select, text
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

from adhoc_ws import catalogue, protocol
from adhoc_ws.accounts import Accounts, AfnemersFileError, load_afnemers, read_afnemers_file
from adhoc_ws.service import AdhocService
from adhoc_ws.app import build as build_app
from adhoc_ws.storage import loader
from adhoc_ws.storage.schema import adhoc_gebruiker

from conftest import ENDPOINT, FIXTURES, ROOT, Clock, serve_in_thread

LRD = "{http://www.bprbzk.nl/GBA/LRDPlus/version1.1}"
TODAY = dt.date(2026, 11, 22)
ALLE = sorted(catalogue.RUBRIEKEN)
ZOEK = sorted(r for r, x in catalogue.RUBRIEKEN.items() if not x.historic)
PASSWORD = "Geheim-Wachtwoord-42"


def account(naam, **extra):
    return {"gebruikersnaam": naam, "wachtwoord": PASSWORD, "wachtwoord_geldig_tot": "20991231", **extra}


def afnemer(code, naam, gebruikers, **extra):
    return {"afnemersindicatie": code, "naam": naam, "gebruikers": gebruikers, "adhoc": True,
            "adresvraag": True, "zoekrubrieken": ZOEK, "rubrieken": ALLE, "voorwaarderegel": "",
            "mijn_overheid": False, **extra}


AFNEMERS = {"afnemers": [
    afnemer("100001", "Gemeente", [account("gemeente"), account("verlopen", wachtwoord_geldig_tot="20260101"),
                                    account("inactief", actief=False), account("wisselaar"),
                                    account("slot")]),
    afnemer("100002", "Mijn Overheid", [account("mijnoverheid")], mijn_overheid=True),
    afnemer("100003", "Beperkt", [account("beperkt")], adresvraag=False,
            zoekrubrieken=[10120, 10240, 10310], rubrieken=[10120, 10210, 10240],
            voorwaarderegel="KNV 07.67.10"),
    afnemer("100004", "Geen ad hoc", [account("geenadhoc")], adhoc=False),
    afnemer("100005", "Nog niet geldig", [account("toekomst")], datum_ingang="20270101"),
    afnemer("100006", "Alleen Amsterdam", [account("amsterdam")], voorwaarderegel="08.09.10 GA1 0363"),
]}


@pytest.fixture(scope="module")
def setup(backend, tmp_path_factory):
    engine = backend.new_engine()
    loader.load(engine, sorted(FIXTURES.glob("*.json")))
    path = tmp_path_factory.mktemp("afnemers") / "afnemers.json"
    path.write_text(json.dumps(AFNEMERS))
    load_afnemers(engine, path)
    clock = Clock()
    accounts = Accounts(engine, clock=clock, today=lambda: TODAY)
    service = AdhocService(engine, accounts=accounts, today=lambda: TODAY)
    base, server = serve_in_thread(build_app(service))
    yield engine, base + ENDPOINT, clock
    server.shutdown()


@pytest.fixture
def url(setup):
    return setup[1]


def client(url, user=None, password=PASSWORD, wsse=False):
    session = requests.Session()
    if user is not None and not wsse:
        session.auth = (user, password)
    c = zeep.Client(str(ROOT / "wsdl" / "LrdPlus1_1.wsdl"), transport=Transport(session=session),
                    wsse=UsernameToken(user, password) if wsse else None)
    return c, c.create_service(LRD + "LrdPlusSoapBinding", url)


def ask(c, masker=(10120, 10240), params=((10120, "999993653"),), **indicaties):
    zeep_client, service = c
    vraag = zeep_client.get_type(LRD + "Vraag")(
        masker={"item": list(masker)},
        parameters={"item": [{"rubrieknummer": r, "zoekwaarde": w} for r, w in params]}, **indicaties)
    return service.vraag(vraag)


def code(answer):
    r = answer.resultaat
    return f"{r.letter}{r.code:03d} {r.omschrijving}"


# -- logging in ------------------------------------------------------------------------

def test_http_basic(url):
    assert code(ask(client(url, "gemeente"))) == "A000 Aantal: 1."


def test_ws_security_username_token(url):
    assert code(ask(client(url, "gemeente", wsse=True))) == "A000 Aantal: 1."
    assert code(ask(client(url, "gemeente", "fout-wachtwoord", wsse=True))).startswith("X010")


def test_x_brp_credentials_as_behind_the_central_access_point(url):
    c = client(url)
    token = base64.b64encode(f"gemeente:{PASSWORD}".encode()).decode()
    c[0].transport.session.headers.update({"Authorization": "CA 123", "X-Brp-Credentials": f"Basic {token}"})
    assert code(ask(c)) == "A000 Aantal: 1."


@pytest.mark.parametrize("user, password", [
    ("gemeente", "Fout-Wachtwoord-42"), ("onbekend", PASSWORD), ("", PASSWORD), ("gemeente", ""),
])
def test_x010_gives_no_hint_which_part_was_wrong(url, user, password):
    assert code(ask(client(url, user, password))) == \
        "X010 Ongeldige combinatie gebruikersnaam/wachtwoord."


# -- a client that logs in when challenged ----------------------------------------------

def suds_client(url, user, password):
    """suds' default client: its transport (HttpAuthenticated) sends the password only after a 401."""
    return suds.client.Client(url + "?wsdl", username=user, password=password, cache=None, timeout=30)


def suds_code(answer) -> str:
    r = answer.resultaat
    return f"{r.letter}{int(r.code):03d}"


def suds_vraag(c):
    vraag = c.factory.create("{http://www.bprbzk.nl/GBA/LRDPlus/version1.1}Vraag")
    vraag.masker.item = [10120, 10240]
    item = c.factory.create("{http://www.bprbzk.nl/GBA/LRDPlus/version1.1}Zoekparameter")
    item.rubrieknummer, item.zoekwaarde = 10120, "999993653"
    vraag.parameters.item = [item]
    vraag.indicatieAdresvraag, vraag.indicatieZoekenInHistorie = 0, 0
    return c.service.vraag(vraag)


def test_a_client_that_logs_in_only_when_challenged_logs_in(url):
    assert suds_code(suds_vraag(suds_client(url, "gemeente", PASSWORD))) == "A000"
    assert suds_code(suds_vraag(suds_client(url, "gemeente", "Fout-Wachtwoord-42"))) == "X010"


def test_no_credentials_at_all_is_a_401_challenge(url):
    body = (f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v="{LRD[1:-1]}"><s:Body>'
            "<v:vraag><v:in0><v:masker><v:item>10120</v:item></v:masker><v:parameters><v:item>"
            "<v:rubrieknummer>10120</v:rubrieknummer><v:zoekwaarde>999993653</v:zoekwaarde></v:item>"
            "</v:parameters></v:in0></v:vraag></s:Body></s:Envelope>")
    for operation in ("vraag", "adresvraag"):
        answer = requests.post(url, data=body.replace("v:vraag", f"v:{operation}"),
                               headers={"Content-Type": "text/xml"}, timeout=10)
        assert answer.status_code == 401
        assert re.fullmatch(r'Basic realm="[^"]+".*', answer.headers["WWW-Authenticate"])
        assert b"<faultcode>soap:Client</faultcode>" in answer.content
    change = body.split("<s:Body>")[0] + "<s:Body><v:changePassword><v:in0>Nieuw-Wachtwoord-77</v:in0>" \
        "</v:changePassword></s:Body></s:Envelope>"
    assert requests.post(url, data=change, timeout=10).status_code == 401
    for method in (requests.get, requests.head):
        wsdl = method(url + "?wsdl", timeout=10)
        assert wsdl.status_code == 200 and "WWW-Authenticate" not in wsdl.headers
    assert requests.get(url, timeout=10).status_code == 200


@pytest.mark.parametrize("headers", [
    {"Authorization": "Bearer onzin"}, {"Authorization": "Basic"}, {"Authorization": "Basic ***"},
    {"Authorization": "Negotiate YII="}, {"X-Brp-Credentials": "Basic ***"},
    {"Authorization": "Basic " + base64.b64encode(b"gemeente:Fout-Wachtwoord-42").decode()},
])
def test_credentials_of_any_kind_that_are_wrong_stay_x010_in_band(url, headers):
    answer = requests.post(url, data=_raw_vraag(), headers={"Content-Type": "text/xml", **headers}, timeout=10)
    assert answer.status_code == 200 and b"<letter>X</letter><omschrijving>Ongeldige combinatie" in \
        answer.content.replace(b"<code>10</code>", b"")


def test_a_username_token_alone_is_credentials(url):
    assert code(ask(client(url, "gemeente", wsse=True))) == "A000 Aantal: 1."
    assert code(ask(client(url, "gemeente", "Fout-Wachtwoord-42", wsse=True))).startswith("X010")


def test_the_open_service_challenges_nobody(demo_engine):
    base, server = serve_in_thread(build_app(AdhocService(demo_engine)))
    try:
        answer = requests.post(base + ENDPOINT, data=_raw_vraag(), headers={"Content-Type": "text/xml"}, timeout=10)
    finally:
        server.shutdown()
    assert answer.status_code == 200 and b"<letter>A</letter>" in answer.content


def _raw_vraag() -> str:
    return (f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v="{LRD[1:-1]}"><s:Body>'
            "<v:vraag><v:in0><v:masker><v:item>10120</v:item></v:masker><v:parameters><v:item>"
            "<v:rubrieknummer>10120</v:rubrieknummer><v:zoekwaarde>999993653</v:zoekwaarde></v:item>"
            "</v:parameters></v:in0></v:vraag></s:Body></s:Envelope>")


def test_a_password_digest_cannot_be_checked(url):
    c = zeep.Client(str(ROOT / "wsdl" / "LrdPlus1_1.wsdl"), wsse=UsernameToken("gemeente", PASSWORD, use_digest=True))
    assert code(ask((c, c.create_service(LRD + "LrdPlusSoapBinding", url)))).startswith("X010")


@pytest.mark.parametrize("user, expected", [
    ("inactief", "X011 Service is niet geactiveerd voor dit account."),
    ("verlopen", "X012 Wachtwoord verlopen."),
    ("toekomst", "X013 Geen actuele autorisatietabelregel."),
    ("geenadhoc", "X014 Niet geautoriseerd voor ad-hoc-vragen."),
])
def test_account_and_autorisatie_codes(url, user, expected):
    assert code(ask(client(url, user))) == expected


def test_x015_adresvraag_without_the_right(url):
    assert code(ask(client(url, "beperkt"), indicatieAdresvraag=1)) == "X015 Niet adresvraagbevoegd."
    assert code(ask(client(url, "gemeente"), indicatieAdresvraag=1)).startswith("A000")


def test_x017_x018_name_the_rubriek_outside_the_autorisatie(url):
    beperkt = client(url, "beperkt")
    assert code(ask(beperkt, masker=(10120, 81160))) == "X017 Geen autorisatie voor rubriek: 081160."
    assert code(ask(beperkt, params=((10240, "Janssen"), (10320, "0363")))) == \
        "X018 Niet toegestaan zoekcriterium gebruikt: 010320."
    assert code(ask(beperkt, masker=(10120, 510240))) == "X017 Geen autorisatie voor rubriek: 510240."


def test_repeated_failures_lock_the_account_for_a_while(setup, url):
    _, _, clock = setup
    for _ in range(5):
        assert code(ask(client(url, "slot", "Fout-Wachtwoord-42"))).startswith("X010")
    assert code(ask(client(url, "slot"))).startswith("X010")  # the right password, but locked
    clock.now += 61
    assert code(ask(client(url, "slot"))).startswith("A000")


# -- the voorwaarderegel ---------------------------------------------------------------

def test_a_voorwaarderegel_leaves_out_what_it_does_not_allow(url):
    beperkt = client(url, "beperkt")
    assert code(ask(beperkt)).startswith("A000")  # an ingezetene
    assert code(ask(beperkt, params=((10120, "999998006"),))) == \
        "R034 Geen van de gevonden persoonslijsten voldoet aan de voorwaardenregel."


def test_z037_for_an_adresvraag_whose_residents_are_all_left_out(url):
    amsterdam = client(url, "amsterdam")
    assert code(ask(amsterdam, params=((81160, "9712EK"), (81120, "54")), indicatieAdresvraag=1)) == "P036 " \
        "Resultaat te groot, te veel personen op 1 adres."
    assert code(ask(amsterdam, params=((10120, "999996071"),), indicatieAdresvraag=1)) == \
        "Z037 Geen persoonslijsten die aan de verstrekkingscondities voldoen."


# -- W213 --------------------------------------------------------------------------------

def _related_bsns(answer):
    stapels = answer.persoonslijsten.item[0].categoriestapels.item
    found = {}
    for stapel in stapels:
        v = stapel.categorievoorkomens.item[0]
        elementen = {e.nummer: e.waarde for e in v.elementen.item}
        found.setdefault(v.categorienummer, []).append((elementen.get(210), elementen.get(120)))
    return found


def test_w213_mijn_overheid_sees_adult_relatives_without_bsn_and_no_living_ex(url):
    masker = (10120, 20120, 20210, 30120, 30210, 50120, 50210, 90120, 90210)
    marco = _related_bsns(ask(client(url, "mijnoverheid"), masker=masker, params=((10120, "999996071"),)))
    assert marco[2][0][1] == marco[3][0][1] == "*********"      # parents of an adult
    kinderen = dict(marco[9])
    assert kinderen["Lars"] == "*********" and kinderen["Noor"] == "999996113"  # adult, minor
    assert [naam for naam, _ in marco[5]] == ["Ingrid"]          # the living ex-wife left out
    gewoon = _related_bsns(ask(client(url, "gemeente"), masker=masker, params=((10120, "999996071"),)))
    assert "*********" not in str(gewoon) and len(gewoon[5]) == 2


def test_w213_parents_of_a_minor_keep_their_bsn(url):
    noor = _related_bsns(ask(client(url, "mijnoverheid"), masker=(10120, 20120, 30120),
                             params=((10120, "999996113"),)))
    assert "*********" not in str(noor[2] + noor[3])


# -- changePassword ------------------------------------------------------------------------

@pytest.mark.parametrize("nieuw, expected", [
    ("", "X101"), ("Kort-1a", "X110"), ("Wachtwoord-€-12", "X111"), ("alleenkleineletters", "X112"),
    ("Wachtwoord-1234-x", "X113"), ("Wachtwoord-dcba-9", "X113"), (PASSWORD, "X114"),
])
def test_change_password_refuses_a_weak_password(url, nieuw, expected):
    r = client(url, "gemeente")[1].changePassword(nieuw)
    assert f"{r.letter}{r.code:03d}" == expected and r.omschrijving.endswith(".")


def test_change_password_changes_it_and_resets_the_expiry(setup, url):
    engine = setup[0]
    nieuw = "Nieuw-Wachtwoord-77"
    r = client(url, "wisselaar")[1].changePassword(nieuw)
    assert (r.code, r.letter, r.omschrijving) == (0, "A", "Wachtwoord gewijzigd.")
    assert code(ask(client(url, "wisselaar"))).startswith("X010")
    assert code(ask(client(url, "wisselaar", nieuw))).startswith("A000")
    with engine.connect() as conn:
        row = conn.execute(select(adhoc_gebruiker).where(adhoc_gebruiker.c.gebruikersnaam == "wisselaar")).one()
    assert row.wachtwoord_geldig_tot == 20270220 and row.wachtwoord_hash.startswith("$argon2id$")


def test_an_expired_password_can_still_be_changed(url):
    r = client(url, "verlopen")[1].changePassword("Vernieuwd-Wachtwoord-55")
    assert r.code == 0
    assert code(ask(client(url, "verlopen", "Vernieuwd-Wachtwoord-55"))).startswith("A000")


def test_change_password_needs_the_current_credentials(url):
    r = client(url, "gemeente", "Fout-Wachtwoord-42")[1].changePassword("Nieuw-Wachtwoord-88")
    assert (r.letter, r.code) == ("X", 10)


# -- protocollering ------------------------------------------------------------------------

def test_every_vraag_is_recorded_with_what_was_delivered(setup, url):
    engine = setup[0]
    answer = ask(client(url, "gemeente"), masker=(10240,), params=((10240, "Janssen"), (10310, "19430203")))
    assert code(answer) == "A000 Aantal: 1."
    failed = ask(client(url, "gemeente", "Fout-Wachtwoord-42"))
    (entry,) = protocol.entries(engine, afnemer=100001, a_nummer="2483838283", limit=1)
    assert (entry.gebruikersnaam, entry.operatie, entry.resultaat, entry.masker) == \
        ("gemeente", "vraag", "A000", "010240")
    assert entry.referentie == answer.resultaat.referentie
    assert json.loads(entry.parameters) == [[10240, "Janssen"], [10310, "19430203"]]
    (refused,) = [e for e in protocol.entries(engine, resultaat="X010", limit=50)
                  if e.referentie == failed.resultaat.referentie]
    assert refused.a_nummers == "" and refused.gebruikersnaam == "gemeente"


def test_no_record_no_answer(backend):
    engine = backend.new_engine()
    loader.load(engine, [FIXTURES / "demo-janssen.json"])
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE adhoc_protocol"))
    base, server = serve_in_thread(build_app(AdhocService(engine)))
    try:
        assert code(ask(client(base + ENDPOINT))) == "X001 Technische fout."
    finally:
        server.shutdown()


# -- the autorisatie file ------------------------------------------------------------------

@pytest.mark.parametrize("change, message", [
    (lambda a: a.update(voorwaarderegel="08.09.10 GA1"), "afnemers[0].voorwaarderegel: position 13: the voorwaarderegel ends too soon"),
    (lambda a: a.update(voorwaarderegel="08.09.10 XX 1"), "afnemers[0].voorwaarderegel: position 10: expected an operator"),
    (lambda a: a.update(rubrieken=[10120, 999999]), "afnemers[0].rubrieken[1]: 999999 is not a rubriek"),
    (lambda a: a.update(zoekrubrieken=[510240]), "afnemers[0].zoekrubrieken[0]: 510240 is not a zoekrubriek"),
    (lambda a: a["gebruikers"][0].update(wachtwoord="zwak"), "gebruikers[0].wachtwoord: Wachtwoord moet 10 tot 64"),
    (lambda a: a["gebruikers"][0].update(wachtwoord_geldig_tot="2099-12-31"), "expected a date YYYYMMDD"),
    (lambda a: a.update(afnemersindicatie="12345678"), "afnemersindicatie: expected up to 6 digits"),
    (lambda a: a.update(adhoc="ja"), "afnemers[0].adhoc: expected true or false"),
    (lambda a: a.update(extra=1), "unknown key 'extra'"),
])
def test_a_bad_autorisatie_file_is_refused_whole(engine, tmp_path, change, message):
    good = afnemer("200001", "Goed", [account("goed")])
    bad = afnemer("200002", "Fout", [account("fout")])
    change(bad)
    path = tmp_path / "afnemers.json"
    path.write_text(json.dumps({"afnemers": [bad, good]}))
    with pytest.raises(AfnemersFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_afnemers(engine, path)
    assert not Accounts(engine).has_afnemers()


def test_passwords_are_stored_as_argon2_hashes_only(engine, tmp_path):
    path = tmp_path / "afnemers.json"
    path.write_text(json.dumps({"afnemers": [afnemer("200001", "Goed", [account("goed")])]}))
    load_afnemers(engine, path)
    with engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(select(adhoc_gebruiker)) for v in row)
    assert PASSWORD not in stored and "$argon2id$" in stored


def test_the_demo_autorisatie_file_reads():
    afnemers = read_afnemers_file(FIXTURES / "afnemers" / "demo-afnemers.json")
    assert [a["afnemersindicatie"] for a in afnemers] == ["999001", "999002", "999003", "999004", "999005"]


# -- XML hardening -------------------------------------------------------------------------

BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                   for i in range(1, 10))
        + b']><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
        b'<lolz>&lol9;</lolz></soapenv:Body></soapenv:Envelope>')


def test_an_entity_bomb_is_refused_and_others_are_served_meanwhile(url):
    results = []

    def bomb():
        results.append(requests.post(url, data=BOMB, headers={"Content-Type": "text/xml"}, timeout=10))
    threads = [threading.Thread(target=bomb) for _ in range(4)]
    for t in threads:
        t.start()
    started = time.monotonic()
    assert code(ask(client(url, "gemeente"))).startswith("A000")
    for t in threads:
        t.join()
    assert time.monotonic() - started < 5
    assert all(r.status_code == 500 and b"DTD" in r.content for r in results)
    assert all(len(r.content) < 1000 for r in results)


def test_deeply_nested_xml_is_refused(url):
    deep = b"<a>" * 5000 + b"</a>" * 5000
    body = (b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
            + deep + b"</soapenv:Body></soapenv:Envelope>")
    response = requests.post(url, data=body, headers={"Content-Type": "text/xml"}, timeout=10)
    assert response.status_code == 500 and b"Fault" in response.content
