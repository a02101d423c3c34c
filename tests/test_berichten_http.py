"""The Berichten API over HTTP (in-process WSGI), on SQLite and PostgreSQL: the mailbox
lifecycle, authentication, schema errors, limits, problem answers; every answer checked
against the served OpenAPI document."""
from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from urllib.parse import urlencode

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from sqlalchemy import select, text, update

from adhoc_ws.berichten import contract
from adhoc_ws.berichten.app import BERICHTEN, OPENAPI, BerichtenApp
from adhoc_ws.mailboxen import Mailboxen
from adhoc_ws.storage.schema import berichten_bericht

from berichten_data import (GRONINGEN, PASSWORD, RAAD, ROUTER, ZWOLLE, add_mailboxen, bericht, example,
                            load_pls, og21, pl)
from wsgi_client import basic, call

BSN, ANR = "999990019", "1234567890"
TYPE = "https://www.rvig.nl/brp/berichten-api/probleem/BBA-"
B = berichten_bericht.c


@pytest.fixture
def app(engine):
    add_mailboxen(engine)
    load_pls(engine, pl(ANR, BSN, "0193"))
    return BerichtenApp(engine, Mailboxen(engine), routering_mailbox=ROUTER)


def auth(mailbox) -> dict:
    return {"Authorization": basic(f"{mailbox:07d}", PASSWORD)}


def request(app, method, path="", body=None, *, mailbox=RAAD, query=None, headers=None):
    """Call the API as ``mailbox`` and check the answer against the served document."""
    answer = call(app, method, BERICHTEN + path, body,
                  headers={**(auth(mailbox) if mailbox else {}), **(headers or {})},
                  environ={"QUERY_STRING": urlencode(query or {}, doseq=True)})
    assert_documented(method, path, answer)
    return answer


def post(app, *berichten, mailbox=RAAD):
    answer = request(app, "POST", body={"berichten": list(berichten)}, mailbox=mailbox)
    assert answer.status == 200, answer.body
    return answer.json()


def listing(app, mailbox, **query):
    answer = request(app, "GET", mailbox=mailbox, query=query)
    assert answer.status == 200, answer.body
    return answer.json()


def count(app, mailbox, soort):
    return request(app, "GET", "/telling", mailbox=mailbox, query={"soort": soort}).json()["aantalBerichten"]


# -- the served document as oracle ---------------------------------------------------------------

DOCUMENT = contract.openapi_document("http://localhost/api/v1/")
SCHEMAS = {200: {"POST": "put-message-antwoord", "GET": "list-message-antwoord"}}


def _errors(schema: dict, instance) -> list[str]:
    validator = Draft202012Validator(dict(schema, components=DOCUMENT["components"]),
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def assert_documented(method: str, path: str, answer) -> None:
    """The answer is one the document describes for this operation and status."""
    template = "/berichten" + (path if path in ("", "/telling", "/ping") else "/{berichtTransportIdsParam}")
    operation = DOCUMENT["paths"][template][method.lower()]
    if answer.status == 204 or method == "HEAD":
        assert answer.body == b""
        return
    documented = operation["responses"].get(str(answer.status))
    if answer.status == 401 and template == "/berichten/ping":  # the document-wide security
        documented = DOCUMENT["paths"]["/berichten"]["get"]["responses"]["401"]
    assert documented is not None, f"{answer.status} is not documented for {method} {template}"
    media = "application/json" if answer.status == 200 else "application/problem+json"
    assert answer.headers["content-type"] == media
    assert _errors(documented["content"][media]["schema"], answer.json()) == []


def problem_code(answer) -> str:
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == answer.status and body["type"].startswith(TYPE)
    return body["type"][len(TYPE):]


def fout(entry) -> str:
    (melding,) = entry["foutmeldingen"]
    return melding["type"][len(TYPE):]


# -- the lifecycle -------------------------------------------------------------------------------

def test_the_raad_sends_the_gemeente_lists_fetches_and_deletes(app):
    sent = post(app, bericht(og21(BSN)))
    (verwerkt,) = sent["verwerkteBerichten"]
    assert sent["nietVerwerkteBerichten"] == [] and verwerkt["ontvanger"] == ZWOLLE
    transport_id = verwerkt["berichtTransportId"]
    assert (count(app, ZWOLLE, "nieuw"), count(app, ZWOLLE, "niet-opgehaald")) == (1, 1)

    (listed,) = listing(app, ZWOLLE)["berichten"]
    assert (listed["berichtTransportId"], listed["afzender"], listed["ontvanger"], listed["berichtId"],
            listed["berichtType"], listed["opgehaald"]) == (transport_id, RAAD, ZWOLLE, "4711", "Og21", False)
    received = dt.datetime.fromisoformat(listed["dtOntvangen"].replace("Z", "+00:00"))
    kept = dt.datetime.fromisoformat(listed["dtBewaardTot"].replace("Z", "+00:00"))
    assert kept - received == dt.timedelta(days=7)
    assert (count(app, ZWOLLE, "nieuw"), count(app, ZWOLLE, "gezien-in-lijst-en-niet-opgehaald")) == (0, 1)
    assert listing(app, ZWOLLE, status="nieuw")["berichten"] == []
    assert [b["berichtTransportId"] for b in listing(app, ZWOLLE)["berichten"]] == [transport_id]

    got = request(app, "GET", f"/{transport_id}", mailbox=ZWOLLE).json()
    (opgehaald,) = got["opgehaaldeBerichten"]
    assert got["nietOpgehaaldeBerichten"] == []
    assert opgehaald["berichtInhoud"] == og21(BSN)
    assert opgehaald["berichtKenmerken"] == listed  # as it was before this fetch
    assert count(app, ZWOLLE, "niet-opgehaald") == 0
    assert listing(app, ZWOLLE)["berichten"] == []
    (again,) = listing(app, ZWOLLE, status="opgehaald")["berichten"]
    assert again["opgehaald"] is True
    assert request(app, "GET", f"/{transport_id}", mailbox=ZWOLLE).json()["opgehaaldeBerichten"]  # again

    deleted = request(app, "DELETE", f"/{transport_id}", mailbox=ZWOLLE).json()
    assert (deleted["succesvolVerwijderdeBerichten"], deleted["nietSuccesvolVerwijderdeBerichten"]) == \
        ([transport_id], [])
    (gone,) = request(app, "GET", f"/{transport_id}", mailbox=ZWOLLE).json()["nietOpgehaaldeBerichten"]
    assert fout(gone) == "GET-F002"
    (twice,) = request(app, "DELETE", f"/{transport_id}", mailbox=ZWOLLE).json()["nietSuccesvolVerwijderdeBerichten"]
    assert fout(twice) == "DELETE-F002"
    assert listing(app, ZWOLLE, status="nieuw,gezien-in-lijst,opgehaald")["berichten"] == []


def test_deleting_keeps_the_kenmerken_and_drops_the_content(app, engine):
    transport_id = post(app, bericht(og21(BSN)))["verwerkteBerichten"][0]["berichtTransportId"]
    request(app, "DELETE", f"/{transport_id}", mailbox=ZWOLLE)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT inhoud, bericht_type, verwijderd FROM berichten_bericht")).one()
    assert row.inhoud is None and row.bericht_type == "Og21" and row.verwijderd is not None


def test_a_mailbox_sees_only_its_own_messages(app):
    transport_id = post(app, bericht(og21(BSN)))["verwerkteBerichten"][0]["berichtTransportId"]
    for other in (GRONINGEN, RAAD):
        assert listing(app, other)["berichten"] == []
        assert count(app, other, "niet-opgehaald") == 0
        (niet,) = request(app, "GET", f"/{transport_id}", mailbox=other).json()["nietOpgehaaldeBerichten"]
        assert fout(niet) == "GET-F003"
        (niet,) = request(app, "DELETE", f"/{transport_id}", mailbox=other).json()["nietSuccesvolVerwijderdeBerichten"]
        assert fout(niet) == "DELETE-F003"
    assert count(app, ZWOLLE, "nieuw") == 1  # untouched


def test_expired_messages_are_gone(app, engine):
    transport_id = post(app, bericht(og21(BSN)))["verwerkteBerichten"][0]["berichtTransportId"]
    with engine.begin() as conn:
        conn.execute(text("UPDATE berichten_bericht SET bewaard_tot = ontvangen"))
    assert listing(app, ZWOLLE, status="nieuw,gezien-in-lijst,opgehaald")["berichten"] == []
    assert count(app, ZWOLLE, "niet-opgehaald") == 0
    assert fout(request(app, "GET", f"/{transport_id}", mailbox=ZWOLLE).json()["nietOpgehaaldeBerichten"][0]) \
        == "GET-F001"
    assert fout(request(app, "DELETE", f"/{transport_id}", mailbox=ZWOLLE)
                .json()["nietSuccesvolVerwijderdeBerichten"][0]) == "DELETE-F001"
    app._purged = 0.0
    post(app)  # a request now and then empties what ran out
    with engine.connect() as conn:
        assert conn.execute(text("SELECT inhoud FROM berichten_bericht")).scalar() is None


def test_fetching_several_some_unknown(app):
    ids = [post(app, bericht(og21(BSN), bericht_id=str(i)))["verwerkteBerichten"][0]["berichtTransportId"]
           for i in range(3)]
    unknown = str(uuid.uuid4())
    got = request(app, "GET", "/" + ",".join(ids + [unknown, ids[0].upper()]), mailbox=ZWOLLE).json()
    assert [b["berichtKenmerken"]["berichtTransportId"] for b in got["opgehaaldeBerichten"]] == ids
    assert [(n["berichtTransportId"], fout(n)) for n in got["nietOpgehaaldeBerichten"]] == [(unknown, "GET-F003")]


def test_listing_filters_orders_and_pages(app, engine):
    for i in range(3):
        post(app, bericht(og21(BSN), bericht_id=f"og{i}"))
    post(app, bericht({"berichtType": "Of21", "foutreden": "G", "burgerservicenummer": BSN},
                      ontvanger=ZWOLLE, bericht_id="of"))
    with engine.begin() as conn:  # received a day apart, oldest first
        for volgnummer, ontvangen in conn.execute(select(B.volgnummer, B.ontvangen)).all():
            conn.execute(update(berichten_bericht).where(B.volgnummer == volgnummer)
                         .values(ontvangen=ontvangen - dt.timedelta(days=4 - volgnummer)))
    everything = {"status": "nieuw,gezien-in-lijst,opgehaald"}
    assert [b["berichtId"] for b in listing(app, ZWOLLE, **everything)["berichten"]] == ["og0", "og1", "og2", "of"]
    assert [b["berichtId"] for b in listing(app, ZWOLLE, berichtType="og21", **everything)["berichten"]] == \
        ["og0", "og1", "og2"]
    first = listing(app, ZWOLLE, berichtenPerPagina=3, **everything)
    second = listing(app, ZWOLLE, berichtenPerPagina=3, pagina=2, **everything)
    assert [b["berichtId"] for b in first["berichten"] + second["berichten"]] == ["og0", "og1", "og2", "of"]
    assert first["paginering"] == {"pagineringVerzoek": {"pagina": 1}, "totaalAantalBerichten": 4,
                                   "aantalBerichtenOpDezePagina": 3, "aantalPaginas": 2, "huidigePagina": 1,
                                   "eerstePagina": True, "laatstePagina": False}
    assert second["paginering"]["laatstePagina"] and not second["paginering"]["eerstePagina"]
    middle = listing(app, ZWOLLE, **everything)["berichten"][1]["dtOntvangen"]
    assert [b["berichtId"] for b in listing(app, ZWOLLE, vanafMoment=middle, **everything)["berichten"]] == \
        ["og1", "og2", "of"]
    assert [b["berichtId"] for b in listing(app, ZWOLLE, totMoment=middle, **everything)["berichten"]] == ["og0"]
    assert listing(app, ZWOLLE, pagina=9, **everything)["berichten"] == []
    far = listing(app, ZWOLLE, pagina="0" * 5000 + "9" * 18, **everything)  # zeros are no digits
    assert far["berichten"] == [] and far["paginering"]["huidigePagina"] == 10 ** 18 - 1


@pytest.mark.parametrize("query, key", [
    ({"status": "gelezen"}, "status"), ({"berichtType": "Og21x"}, "berichtType"),
    ({"vanafMoment": "gisteren"}, "vanafMoment"), ({"totMoment": "2024-13-01T00:00:00Z"}, "totMoment"),
    ({"pagina": "0"}, "pagina"), ({"berichtenPerPagina": "-1"}, "berichtenPerPagina"),
    ({"pagina": "1" * 5000}, "pagina"), ({"berichtenPerPagina": "9" * 19}, "berichtenPerPagina"),
    ({"pagina": "1" + "0" * 18}, "pagina"), ({"pagina": "-" + "1" * 5000}, "pagina"),
])
def test_bad_list_parameters_are_bba_list_f001(app, query, key):
    answer = request(app, "GET", query=query)
    assert (answer.status, problem_code(answer)) == (400, "LIST-F001")
    assert [p["key"] for p in answer.json()["invalidParameters"]] == [key]


def test_telling_needs_a_known_soort(app):
    for query in ({}, {"soort": "alles"}):
        answer = request(app, "GET", "/telling", query=query)
        assert (answer.status, problem_code(answer)) == (400, "SUMMARIZE-F001")


@pytest.mark.parametrize("ids, code", [
    (",".join(str(uuid.uuid4()) for _ in range(101)), "F004"), ("niet-een-uuid", "F004"), ("", "F004")])
def test_fetching_or_deleting_a_malformed_list_is_400(app, ids, code):
    for method in ("GET", "DELETE"):
        answer = request(app, method, "/" + ids)
        assert (answer.status, problem_code(answer)) == (400, f"{method}-{code}")


def test_ping(app):
    assert request(app, "GET", "/ping").status == 204
    assert request(app, "HEAD", "/ping").status == 204
    assert request(app, "GET", "/ping", mailbox=None).status == 401


# -- authentication --------------------------------------------------------------------------------

@pytest.mark.parametrize("credentials", [
    None, basic("9999010", "verkeerd-Wachtwoord-1"), basic("9999999", PASSWORD), basic("raad", PASSWORD),
    "Basic ***", "Bearer onzin", basic("", ""),
])
def test_wrong_or_missing_credentials_are_bba_auth_f001(app, credentials):
    answer = request(app, "GET", mailbox=None, headers={"Authorization": credentials} if credentials else None)
    assert (answer.status, problem_code(answer)) == (401, "AUTH-F001")
    assert answer.json()["detail"] == "Onjuiste of onbekende authenticatie."
    assert answer.headers["www-authenticate"].startswith("Basic")


def test_a_switched_off_mailbox_is_told_it_is_blocked_only_with_its_password(app):
    right = request(app, "GET", mailbox=None, headers={"Authorization": basic("0344010", PASSWORD)})
    assert (right.status, problem_code(right)) == (401, "AUTH-F002")
    wrong = request(app, "GET", mailbox=None, headers={"Authorization": basic("0344010", "Verkeerd-Wachtwoord-1")})
    assert problem_code(wrong) == "AUTH-F001"


def test_the_mailbox_number_without_its_leading_zero(app):
    assert request(app, "GET", mailbox=None, headers={"Authorization": basic("193010", PASSWORD)}).status == 200


def test_repeated_failures_lock_the_mailbox(engine):
    add_mailboxen(engine)
    now = [1_000_000.0]
    app = BerichtenApp(engine, Mailboxen(engine, clock=lambda: now[0]))
    for _ in range(5):
        request(app, "GET", mailbox=None, headers={"Authorization": basic("9999010", "Verkeerd-Wachtwoord-1")})
    locked = request(app, "GET", mailbox=None, headers={"Authorization": basic("9999010", PASSWORD)})
    assert problem_code(locked) == "AUTH-F001"  # no hint that it is locked
    now[0] += 61
    assert request(app, "GET").status == 200


# -- sending: checks and limits --------------------------------------------------------------------

def test_rvigs_og21_example_with_vorige_rechtsfeit_as_a_string_is_accepted(app):
    message = example("Og21.json")
    assert isinstance(message["nieuweRechtsfeiten"][0]["vorigeRechtsfeit"], str)
    load_pls(app.engine, pl("1234567891", message["burgerservicenummer"], "0014"))
    assert post(app, bericht(message))["verwerkteBerichten"][0]["ontvanger"] == GRONINGEN
    assert post(app, bericht(og21(BSN)))["verwerkteBerichten"][0]["ontvanger"] == ZWOLLE  # a list of ids


def test_schema_errors_name_every_failing_field(app):
    message = og21("12345")
    del message["versie"]
    message["onbekend"] = "x"
    message["nieuweRechtsfeiten"][0]["beslissingsdatum"] = "1-10-2025"
    del message["eerdereRechtsfeiten"][1]["rechtbank"]
    message["eerdereRechtsfeiten"][0]["vorigeRechtsfeit"] = 7
    (niet,) = post(app, bericht(message))["nietVerwerkteBerichten"]
    assert fout(niet) == "PUT-F002"
    invalid = {p["key"]: p["value"] for p in niet["foutmeldingen"][0]["invalidParameters"]}
    assert invalid == {
        "berichtInhoud.burgerservicenummer": "Het veld voldoet niet aan het patroon ^[0-9]{9}$",
        "berichtInhoud.versie": "Het veld is verplicht",
        "berichtInhoud.onbekend": "Het veld is niet toegestaan",
        "berichtInhoud.nieuweRechtsfeiten[0].beslissingsdatum": "Het veld voldoet niet aan het patroon ^[0-9]{8}$",
        "berichtInhoud.eerdereRechtsfeiten[1].rechtbank": "Het veld is verplicht",
        "berichtInhoud.eerdereRechtsfeiten[0].vorigeRechtsfeit": "Het veld moet van het type array zijn",
    }
    assert listing(app, ZWOLLE)["berichten"] == []


@pytest.mark.parametrize("change, key", [
    (lambda b: b["berichtKenmerken"].update(berichtId="1234567890123"), "berichtId"),
    (lambda b: b["berichtKenmerken"].pop("berichtId"), "berichtId"),
    (lambda b: b["berichtKenmerken"].update(verwijzingBerichtId=12), "verwijzingBerichtId"),
    (lambda b: b["berichtKenmerken"].update(berichtType="Xx99"), "berichtType"),
    (lambda b: b["berichtKenmerken"].pop("ontvanger"), "ontvanger"),
    (lambda b: b["berichtKenmerken"].update(ontvanger="3000210"), "ontvanger"),
    (lambda b: b["berichtKenmerken"].update(ontvanger=12345678), "ontvanger"),
    (lambda b: b["berichtKenmerken"].update(berichtType="Of21"), "berichtInhoud.berichtType"),
    (lambda b: b.update(berichtInhoud="Og21"), "berichtInhoud"),
    (lambda b: b.pop("berichtKenmerken"), "berichtKenmerken"),
    (lambda b: b["berichtInhoud"].update(beslissing="x" * 70000), "berichtInhoud"),
])
def test_kenmerken_errors(app, change, key):
    message = bericht(og21(BSN))
    change(message)
    (niet,) = post(app, message)["nietVerwerkteBerichten"]
    assert fout(niet) == "PUT-F002"
    assert key in [p["key"] for p in niet["foutmeldingen"][0]["invalidParameters"]]
    assert niet["berichtId"] == str(message.get("berichtKenmerken", {}).get("berichtId", ""))[:12]


def test_a_message_that_is_not_an_object(app):
    (niet,) = post(app, "Og21")["nietVerwerkteBerichten"]
    assert fout(niet) == "PUT-F002" and niet["berichtId"] == ""


def test_26_messages_are_refused_whole_25_are_handled(app):
    answer = request(app, "POST", body={"berichten": [bericht(og21(BSN), bericht_id=str(i)) for i in range(26)]})
    assert (answer.status, problem_code(answer)) == (400, "PUT-F001")
    assert count(app, ZWOLLE, "nieuw") == 0
    berichten = [bericht(og21(BSN), bericht_id=str(i)) for i in range(24)] + [bericht(og21("1"), bericht_id="x")]
    sent = post(app, *berichten)
    assert [v["berichtId"] for v in sent["verwerkteBerichten"]] == [str(i) for i in range(24)]
    assert [n["berichtId"] for n in sent["nietVerwerkteBerichten"]] == ["x"]
    assert len({v["berichtTransportId"] for v in sent["verwerkteBerichten"] + sent["nietVerwerkteBerichten"]}) == 25
    assert count(app, ZWOLLE, "nieuw") == 24


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b'{"berichten": {}}', b'"x"', "{\"berichten\": [\"\u00e9\"]".encode(),
                                  b'\xff\xfe'])
def test_a_body_that_is_no_request_is_400(app, body):
    answer = request(app, "POST", body=body)
    assert (answer.status, problem_code(answer)) == (400, "PUT-F002")


@pytest.mark.parametrize("body, says", [
    (b"{", "geen JSON"),
    (b"\xff\xfe", "geen JSON"),
    (b'{"berichten": [{"berichtId": ' + b"9" * 5000 + b"}]}", "meer dan 100 cijfers"),
    (b'{"berichten": [' + b"-" + b"1" * 101 + b"]}", "meer dan 100 cijfers"),
    (b'{"berichten": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "te diep genest"),
    (b'{"berichten": ' + b"[" * 64 + b"]" * 64 + b"}", "te diep genest"),  # 65 levels
    (b'{"berichten": ' + b"[" * 500 + b"]" * 400 + b"}", "te diep genest"),  # and broken
    (b'{"berichten": {"x": ' + b"[" * 62 + b"]" * 62 + b"}}", "een lijst berichten"),  # 64
    (b'{"berichten": {}}', "een lijst berichten"),
])
def test_why_a_body_is_no_request_is_said(app, body, says):
    answer = request(app, "POST", body=body)
    assert (answer.status, problem_code(answer)) == (400, "PUT-F002")
    (invalid,) = answer.json()["invalidParameters"]
    assert says in invalid["value"]


def test_a_long_but_possible_number_is_read_and_checked_by_the_schema(app):
    answer = request(app, "POST", body=b'{"berichten": [{"berichtId": ' + b"9" * 100 + b"}]}")
    assert answer.status == 200
    (niet,) = answer.json()["nietVerwerkteBerichten"]
    assert fout(niet) == "PUT-F002"


def test_a_message_to_an_unknown_or_switched_off_mailbox_is_not_sent(app):
    sent = post(app, bericht(og21(BSN), ontvanger=1234567), bericht(og21(BSN), ontvanger=344010))
    assert [fout(n) for n in sent["nietVerwerkteBerichten"]] == ["PUT-F003", "PUT-F003"]
    assert [n["ontvanger"] for n in sent["nietVerwerkteBerichten"]] == [1234567, 344010]


def test_the_gemeentes_of21_goes_straight_back_to_the_raad(app):
    post(app, bericht(og21(BSN)))
    of21 = {"berichtType": "Of21", "foutreden": "G", "burgerservicenummer": BSN}
    sent = post(app, bericht(of21, ontvanger=RAAD, bericht_id="88", verwijzingBerichtId="4711"), mailbox=ZWOLLE)
    assert sent["verwerkteBerichten"][0]["ontvanger"] == RAAD
    (listed,) = listing(app, RAAD)["berichten"]
    assert (listed["afzender"], listed["berichtType"], listed["verwijzingBerichtId"]) == (ZWOLLE, "Of21", "4711")


def test_null_verwijzing_as_rvigs_example_sends_it(app):
    message = bericht(og21(BSN), verwijzingBerichtId=None)
    assert post(app, message)["verwerkteBerichten"]
    assert "verwijzingBerichtId" not in listing(app, ZWOLLE)["berichten"][0]


# -- the rest of the HTTP surface ------------------------------------------------------------------

def test_the_served_openapi_document(app):
    answer = call(app, "GET", OPENAPI, environ={"HTTP_HOST": "berichten.example:8443",
                                               "HTTP_X_FORWARDED_PROTO": "https"})
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    document = answer.json()
    validate_openapi(document)
    assert document["servers"] == [{"url": "https://berichten.example:8443/api/v1/", "description": "adhoc-ws"}]
    assert document["components"]["securitySchemes"]["DemoOAuth"]["flows"]["clientCredentials"]["tokenUrl"] == \
        "https://berichten.example:8443/oauth2/token"
    assert "/berichten/conversie" not in document["paths"]
    assert "brp/schemas" not in json.dumps(document)


def test_unknown_paths_and_methods(app):
    assert call(app, "GET", "/api/v1/onbekend", headers=auth(RAAD)).status == 404
    assert call(app, "GET", BERICHTEN + "/conversie", headers=auth(RAAD)).status == 404
    answer = call(app, "PUT", BERICHTEN, headers=auth(RAAD))
    assert (answer.status, answer.headers["allow"]) == (405, "POST, GET")


def test_a_database_failure_is_a_bba_f999_problem_without_details(engine, caplog):
    add_mailboxen(engine)
    app = BerichtenApp(engine, Mailboxen(engine))
    request(app, "GET")  # logged in once: remembered
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE berichten_bericht"))
    answer = call(app, "GET", BERICHTEN, headers=auth(RAAD))
    assert (answer.status, problem_code(answer)) == (500, "F999")
    assert "berichten_bericht" not in answer.body.decode()


def test_the_answer_time_is_recent(app):
    before = time.time()
    sent = post(app, bericht(og21(BSN)))
    listed = listing(app, ZWOLLE)["berichten"][0]
    received = dt.datetime.fromisoformat(listed["dtOntvangen"].replace("Z", "+00:00")).timestamp()
    assert before - 1 <= received <= time.time() + 1 and sent["interactieId"]
