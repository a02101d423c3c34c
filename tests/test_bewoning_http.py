"""The bewoning API over HTTP (bewoning-notes §1): validation, content negotiation, methods,
authentication, the gemeente rule, protocollering, the OpenAPI document.

Most tests call :class:`BewoningApp` in-process with a fake finder (the business rules have
their own tests); every bewoningen answer is checked against the served OpenAPI document.
Tests with a database run on both backends.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
import logging

import pytest
import requests
from openapi_spec_validator import validate as validate_openapi

from sqlalchemy import select, text

from adhoc_ws import protocol
from adhoc_ws.accounts import Accounts, AfnemersFileError, load_afnemers, read_afnemers_file
from adhoc_ws.bewoning import BewoningVraag, Uitkomst
from adhoc_ws.bewoning.app import BEWONINGEN, OPENAPI, BewoningApp
from adhoc_ws.service import AdhocService
from adhoc_ws.app import build as build_app

from adhoc_ws.bewoning import app as bewoning_app
from adhoc_ws.storage import loader
from adhoc_ws.storage.schema import haalcentraal_vraag, lo3_pl_persoon

from bewoning_data import adres, load, new_object, persoon, woont
from conftest import ENDPOINT, FIXTURES
from wsgi_client import assert_conforms, basic, call, schema_errors

OBJECT = "0014013422243045"
PEIL = {"type": "BewoningMetPeildatum", "adresseerbaarObjectIdentificatie": OBJECT, "peildatum": "2024-01-01"}
PERIODE = {"type": "BewoningMetPeriode", "adresseerbaarObjectIdentificatie": OBJECT,
           "datumVan": "2022-01-01", "datumTot": "2023-01-01"}
BAD = "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1"
REQUIRED, UNKNOWN = "Parameter is verplicht.", "Parameter is niet verwacht."
PATTERN = "Waarde voldoet niet aan patroon ^(?!0{16})[0-9]{16}$."
NO_DATE, ORDER = "Waarde is geen geldige datum.", "datumTot moet na datumVan liggen."
SUPPORTED = "Ondersteunde content type: application/json; charset=utf-8."
BEWONER = {"burgerservicenummer": "999995005", "naam": {"volledigeNaam": "Thomas Müller"},
           "geboorte": {"datum": {"type": "Datum", "datum": "1976-03-02", "langFormaat": "2 maart 1976"}}}
BEWONING = {"adresseerbaarObjectIdentificatie": OBJECT,
            "periode": {"datumVan": "2024-01-01", "datumTot": "2024-01-02"}, "bewoners": [BEWONER],
            "mogelijkeBewoners": [{"burgerservicenummer": "999995017", "inOnderzoek": True}]}
EIGEN_GEMEENTE = "Je mag alleen bewoning van adresseerbare objecten binnen de eigen gemeente raadplegen."
FORBIDDEN = {"type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.3",
             "title": "U bent niet geautoriseerd voor deze vraag.", "status": 403, "detail": EIGEN_GEMEENTE,
             "instance": BEWONINGEN, "code": "unauthorized"}
ALLEEN_GEMEENTEN = {**FORBIDDEN, "detail": "Alleen gemeenten mogen bewoningen raadplegen."}
GEEN_AD_HOC = {**FORBIDDEN, "title": "U bent niet geautoriseerd voor het gebruik van deze API.",
               "detail": "Niet geautoriseerd voor ad hoc bevragingen."}


class Finder:
    """A fake finder: answers ``uitkomst`` and remembers what it was asked."""

    def __init__(self, uitkomst: Uitkomst | None = None):
        self.uitkomst = uitkomst or Uitkomst([BEWONING], bekend=True, gemeenten={14}, pl_ids=[])
        self.asked: list[BewoningVraag] = []

    def __call__(self, engine, vraag, *, today=None):
        self.asked.append(vraag)
        return self.uitkomst


class Recorder:
    def __init__(self, fail: bool = False):
        self.entries: list[protocol.Entry] = []
        self.fail = fail

    def record(self, entry, *, undelivered="X001"):
        if self.fail:
            raise RuntimeError("database gone")
        self.entries.append(entry)


def open_app(finder=None, **kwargs):
    return BewoningApp(None, finder=finder or Finder(), recorder=kwargs.pop("recorder", Recorder()), **kwargs)


def post(body, app=None, **kwargs):
    answer = call(app or open_app(), "POST", BEWONINGEN, body, **kwargs)
    assert_conforms(answer)
    return answer


def problem(answer):
    """(detail, [(code, name, reason)]) of a 400 paramsValidation answer."""
    body = answer.json()
    assert (answer.status, body["code"], body["title"], body["type"], body["instance"]) == \
        (400, "paramsValidation", "Een of meerdere parameters zijn niet correct.", BAD, BEWONINGEN)
    assert all(list(p) == ["code", "name", "reason"] for p in body["invalidParams"])  # no "type"
    return body["detail"], [(p["code"], p["name"], p["reason"]) for p in body["invalidParams"]]


def without(body: dict, *names) -> dict:
    return {k: v for k, v in body.items() if k not in names}


def test_peildatum_without_object_and_peildatum():
    assert problem(post({"type": "BewoningMetPeildatum"})) == (
        "De foutieve parameter(s) zijn: adresseerbaarObjectIdentificatie, peildatum.",
        [("required", "adresseerbaarObjectIdentificatie", REQUIRED), ("required", "peildatum", REQUIRED)])


OBJECT_PATTERNS = pytest.mark.parametrize("value", [
    "123456789012345", "12345678901234567", "<script>1234567890123456</script>", "0000000000000000",
], ids=["15 digits", "17 digits", "non-digits", "16 zeros"])


DATES = pytest.mark.parametrize("value", ["19830526", "26 mei 1983", "2023-02-29"])


@DATES
def test_peildatum_not_a_date(value):
    assert problem(post({**PEIL, "peildatum": value})) == \
        ("De foutieve parameter(s) zijn: peildatum.", [("date", "peildatum", NO_DATE)])


def test_periode_without_object_and_dates():
    assert problem(post({"type": "BewoningMetPeriode"})) == (
        "De foutieve parameter(s) zijn: adresseerbaarObjectIdentificatie, datumTot, datumVan.",
        [("required", "adresseerbaarObjectIdentificatie", REQUIRED), ("required", "datumTot", REQUIRED),
         ("required", "datumVan", REQUIRED)])


EACH_PARAMETER = pytest.mark.parametrize("query, name", [
    (PEIL, "adresseerbaarObjectIdentificatie"), (PEIL, "peildatum"),
    (PERIODE, "adresseerbaarObjectIdentificatie"), (PERIODE, "datumVan"), (PERIODE, "datumTot"),
], ids=["peildatum-object", "peildatum-peildatum", "periode-object", "periode-datumVan",
        "periode-datumTot"])
BOTH_QUERIES = pytest.mark.parametrize("query", [PEIL, PERIODE], ids=["peildatum", "periode"])


@EACH_PARAMETER
def test_query_missing_one_parameter(query, name):
    assert problem(post(without(query, name))) == \
        (f"De foutieve parameter(s) zijn: {name}.", [("required", name, REQUIRED)])


@EACH_PARAMETER
def test_query_empty_string_is_missing(query, name):
    assert problem(post({**query, name: ""})) == \
        (f"De foutieve parameter(s) zijn: {name}.", [("required", name, REQUIRED)])


@BOTH_QUERIES
@OBJECT_PATTERNS
def test_query_object_pattern(query, value):
    assert problem(post({**query, "adresseerbaarObjectIdentificatie": value})) == (
        "De foutieve parameter(s) zijn: adresseerbaarObjectIdentificatie.",
        [("pattern", "adresseerbaarObjectIdentificatie", PATTERN)])


@DATES
@pytest.mark.parametrize("name", ["datumVan", "datumTot"])
def test_periode_date_not_a_date(name, value):
    assert problem(post({**PERIODE, name: value})) == \
        (f"De foutieve parameter(s) zijn: {name}.", [("date", name, NO_DATE)])


@pytest.mark.parametrize("tot", ["2023-01-01", "2022-01-01"], ids=["equal", "before"])
def test_datum_tot_must_lie_after_datum_van(tot):
    assert problem(post({**PERIODE, "datumVan": "2023-01-01", "datumTot": tot})) == \
        ("De foutieve parameter(s) zijn: datumTot.", [("date", "datumTot", ORDER)])


@pytest.mark.parametrize("query, name, value", [
    (PEIL, "periode", "2022-01-01 tot 2023-01-01"), (PEIL, "geheimhouding", False),
    (PERIODE, "peildatum", "2022-06-01"), (PERIODE, "geheimhouding", False),
], ids=["peildatum-periode", "peildatum-geheimhouding", "periode-peildatum", "periode-geheimhouding"])
def test_query_unknown_parameter(query, name, value):
    assert problem(post({**query, name: value})) == \
        (f"De foutieve parameter(s) zijn: {name}.", [("unknownParam", name, UNKNOWN)])


def test_missing_type_is_required_and_nothing_else_is_checked():
    assert problem(post({"adresseerbaarObjectIdentificatie": "1", "onbekend": 1})) == \
        ("De foutieve parameter(s) zijn: type.", [("required", "type", REQUIRED)])


@pytest.mark.parametrize("value", ["", "bewoningmetpeildatum", "BEWONINGMETPERIODE", "BewoningMetPeriodes",
                                   "RaadpleegMetBurgerservicenummer", 1, ["BewoningMetPeriode"]],
                         ids=["empty", "lower case", "upper case", "unknown", "other API", "number", "list"])
def test_an_invalid_type_is_a_value_error(value):
    assert problem(post({**PEIL, "type": value, "onbekend": 1})) == \
        ("De foutieve parameter(s) zijn: type.", [("value", "type", "Waarde is geen geldig zoek type.")])


def test_several_errors_are_all_reported_in_validation_order_with_sorted_names():
    body = {"type": "BewoningMetPeriode", "adresseerbaarObjectIdentificatie": "0000000000000000",
            "datumVan": "2023-13-01", "zzz": 1, "peildatum": "2023-01-01"}
    names = "adresseerbaarObjectIdentificatie, datumTot, datumVan, peildatum, zzz"
    assert problem(post(body)) == (
        f"De foutieve parameter(s) zijn: {names}.",
        [("unknownParam", "peildatum", UNKNOWN), ("unknownParam", "zzz", UNKNOWN),
         ("pattern", "adresseerbaarObjectIdentificatie", PATTERN), ("required", "datumTot", REQUIRED),
         ("date", "datumVan", NO_DATE)])


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b'"BewoningMetPeildatum"', b"42", b"null",
                                 b'{"type": NaN}', b"\xff\xfe{}", b"[" * 50000,
                                 b'{"x": ' + b"[" * 64 + b"]" * 64 + b"}", b"[" * 30_000 + b"]" * 30_000],
                         ids=["empty", "broken", "array", "string", "number", "null", "NaN", "not UTF-8",
                              "too deep", "65 levels", "too deep, whole"])
def test_a_body_that_is_not_a_json_object(raw):
    answer = post(raw)
    assert answer.json() == {"type": BAD, "title": "De bevraging bevat een fout.", "status": 400,
                             "detail": "Request body is geen geldige JSON.", "instance": BEWONINGEN,
                             "code": "paramsValidation"}


@pytest.mark.parametrize("name, value, code, reason", [
    ("peildatum", 19830526, "date", NO_DATE),
    ("peildatum", None, "required", REQUIRED),
    ("peildatum", ["2024-01-01"], "date", NO_DATE),
    ("peildatum", "9999-12-31", "date", NO_DATE),  # its one-day period would end after year 9999
    ("peildatum", "2024-01-01\n", "date", NO_DATE),
    ("peildatum", "２０２４-01-01", "date", NO_DATE),
    ("adresseerbaarObjectIdentificatie", 1234567890123456, "pattern", PATTERN),
    ("adresseerbaarObjectIdentificatie", None, "required", REQUIRED),
    ("adresseerbaarObjectIdentificatie", OBJECT + "\n", "pattern", PATTERN),
])
def test_a_value_of_another_json_type_fails_its_own_check(name, value, code, reason):
    assert problem(post({**PEIL, name: value})) == \
        (f"De foutieve parameter(s) zijn: {name}.", [(code, name, reason)])


def test_peildatum_is_the_one_day_period_up_to_the_next_day():
    finder = Finder()
    answer = post(PEIL, open_app(finder))
    assert answer.status == 200
    assert finder.asked == [BewoningVraag(OBJECT, dt.date(2024, 1, 1), dt.date(2024, 1, 2), peildatum=True)]


def test_periode_goes_to_the_finder_as_asked():
    finder = Finder()
    post(PERIODE, open_app(finder))
    assert finder.asked == [BewoningVraag(OBJECT, dt.date(2022, 1, 1), dt.date(2023, 1, 1))]


def test_the_answer_is_compact_utf8_json_of_the_bewoningen():
    answer = post(PEIL)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    assert answer.body == json.dumps({"bewoningen": [BEWONING]}, ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8")
    assert "Müller".encode() in answer.body


def test_today_is_passed_to_the_finder_when_given():
    seen = []

    def finder(engine, vraag, *, today=None):
        seen.append(today)
        return Uitkomst()

    post(PEIL, open_app(finder, today=lambda: dt.date(2026, 1, 2)))
    assert seen == [dt.date(2026, 1, 2)]


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "HEAD"])
def test_only_post_on_bewoningen(method):
    answer = call(open_app(), method, BEWONINGEN, PEIL)
    assert (answer.status, answer.headers["allow"]) == (405, "POST")
    assert_conforms(answer)
    assert answer.json() == {"type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.5",
                             "title": "Gebruikte bevragingsmethode is niet toegestaan.", "status": 405,
                             "instance": BEWONINGEN, "code": "methodNotAllowed"}


@pytest.mark.parametrize("path", ["/haalcentraal/api/bewoning", "/haalcentraal/api/bewoning/bewoningen/",
                                  "/haalcentraal/api/brp/personen", "/haalcentraal/"])
def test_an_unknown_path_under_haalcentraal_is_a_404_problem(path):
    answer = call(open_app(), "POST", path, PEIL)
    assert answer.status == 404
    assert answer.json() == {"type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.4",
                             "title": "Opgevraagde resource bestaat niet.", "status": 404, "instance": path,
                             "code": "notFound"}


def test_the_openapi_document_is_get_only():
    answer = call(open_app(), "POST", OPENAPI, {})
    assert (answer.status, answer.headers["allow"]) == (405, "GET, HEAD")


@pytest.mark.parametrize("accept", ["application/xml", "text/csv", "application/json; charset=cp1252",
                                    "image/gif", "application/json; q=0", "text/html, application/xml;q=0.9",
                                    "nonsense"])
def test_an_unsupported_accept_is_406(accept):
    answer = post(PEIL, headers={"Accept": accept})
    assert answer.json() == {"type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.6",
                             "title": "Gevraagde content type wordt niet ondersteund.", "status": 406,
                             "detail": SUPPORTED, "instance": BEWONINGEN, "code": "notAcceptable"}


@pytest.mark.parametrize("accept", [None, "", "*/*", "*/*; charset=utf-8", "*/*;charset=utf-8",
                                    "*/*;charset=UTF-8", "application/json",
                                    "application/json; charset=utf-8",
                                    "application/json;charset=utf-8", "application/json;charset=Utf-8",
                                    "application/json; charset=UTF-8", "APPLICATION/JSON",
                                    "text/html, application/json;q=0.9", "application/*"])
def test_a_supported_accept(accept):
    assert post(PEIL, headers={"Accept": accept}).status == 200


@pytest.mark.parametrize("content_type", ["application/xml", "text/csv", "application/json; charset=cp1252",
                                          "*/*", "*/*; charset=utf-8", "*/*;charset=utf-8",
                                          "application/problem+json", "application/json; profile=x",
                                          "text/plain"])
def test_an_unsupported_content_type_is_415(content_type):
    answer = post(PEIL, headers={"Content-Type": content_type})
    assert answer.json() == {"type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.13",
                             "title": "Media Type wordt niet ondersteund.", "status": 415,
                             "detail": SUPPORTED, "instance": BEWONINGEN, "code": "unsupportedMediaType"}


@pytest.mark.parametrize("content_type", [None, "", "application/json", "application/json;charset=utf-8",
                                          "application/json; charset=utf-8", "application/json;charset=Utf-8",
                                          "application/json; charset=UTF-8", "Application/JSON"])
def test_a_supported_content_type(content_type):
    assert post(PEIL, headers={"Content-Type": content_type}).status == 200


def test_406_comes_before_415_and_400():
    assert post(b"{", headers={"Accept": "text/csv", "Content-Type": "text/csv"}).status == 406
    assert post(b"{", headers={"Content-Type": "text/csv"}).status == 415


def test_a_body_over_the_limit_is_413():
    app = open_app(max_request_bytes=150)
    answer = post({**PEIL, "opvulling": "x" * 200}, app)
    assert (answer.status, answer.json()["code"]) == (413, "payloadTooLarge")


def test_a_body_without_length_is_read_up_to_the_limit():
    app = open_app(max_request_bytes=150)
    chunked = {"CONTENT_LENGTH": "", "wsgi.input_terminated": True}
    assert post(PEIL, app, environ=chunked).status == 200
    assert post({**PEIL, "opvulling": "x" * 200}, app, environ=chunked).status == 413


def test_an_unexpected_error_is_a_500_problem_without_internals(caplog):
    def finder(engine, vraag):
        raise RuntimeError("geheim: connection string postgresql://user:pw@host")

    recorder = Recorder()
    with caplog.at_level(logging.ERROR, logger="adhoc_ws.bewoning.app"):
        answer = post(PEIL, open_app(finder, recorder=recorder))
    assert answer.json() == {"type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.6.1",
                             "title": "Interne server fout.", "status": 500,
                             "detail": "De vraag kon niet worden beantwoord.", "instance": BEWONINGEN,
                             "code": "serverError"}
    assert "RuntimeError" in caplog.text and "geheim" not in caplog.text  # a message may hold data
    assert [e.resultaat for e in recorder.entries] == ["500"]


def test_no_record_no_answer():
    answer = post(PEIL, open_app(recorder=Recorder(fail=True)))
    assert (answer.status, answer.json()["code"]) == (500, "serverError")
    assert "Müller" not in answer.body.decode() and "bewoningen" not in answer.json()


def test_every_post_is_recorded_with_its_parameters_and_status():
    recorder = Recorder()
    app = open_app(recorder=recorder)
    post(PEIL, app)
    post(PERIODE, app)
    post({**PEIL, "peildatum": "x"}, app)
    post(PEIL, app, headers={"Accept": "text/csv"})
    call(app, "GET", BEWONINGEN)  # not a question: not recorded
    assert [(e.operatie, e.afnemer_code, e.gebruikersnaam, e.resultaat, e.parameters, e.masker, e.a_nummers)
            for e in recorder.entries] == [
        ("bewoningen", 0, None, "200", [(81180, OBJECT), (81030, "20240101")], None, []),
        ("bewoningen", 0, None, "200", [(81180, OBJECT), (81030, "20220101"), (81030, "20230101")], None, []),
        ("bewoningen", 0, None, "400", None, None, []),
        ("bewoningen", 0, None, "406", None, None, []),
    ]
    assert len({e.referentie for e in recorder.entries}) == 4


HARNESS_0014 = basic("000008|0014", "tempsolution!")


@pytest.mark.parametrize("gemeenten", [set(), {14, 193}, {193}])
def test_open_mode_without_harness_header_sees_everything(gemeenten):
    answer = post(PEIL, open_app(Finder(Uitkomst([BEWONING], bekend=True, gemeenten=gemeenten))))
    assert answer.json() == {"bewoningen": [BEWONING]}


def test_harness_header_own_gemeente():
    recorder = Recorder()
    answer = post(PEIL, open_app(recorder=recorder), headers={"Authorization": HARNESS_0014})
    assert answer.json() == {"bewoningen": [BEWONING]}
    assert (recorder.entries[0].afnemer_code, recorder.entries[0].gebruikersnaam) == (8, None)


def test_harness_header_unknown_object_is_empty():
    finder = Finder(Uitkomst([], bekend=False))
    assert post(PEIL, open_app(finder), headers={"Authorization": HARNESS_0014}).json() == {"bewoningen": []}


# the gemeente rule: the gemeenten of the object's adressen (Uitkomst.gemeenten), not of its bewoners
GEMEENTE_RULE = pytest.mark.parametrize("uitkomst, expected", [
    (Uitkomst([], bekend=False), (200, {"bewoningen": []})),
    (Uitkomst([], bekend=True, gemeenten={14}), (200, {"bewoningen": []})),
    (Uitkomst([BEWONING], bekend=True, gemeenten={14}), (200, {"bewoningen": [BEWONING]})),
    (Uitkomst([BEWONING], bekend=True, gemeenten={193, 14}), (200, {"bewoningen": [BEWONING]})),
    (Uitkomst([BEWONING], bekend=True, gemeenten={193}), (403, FORBIDDEN)),
    (Uitkomst([], bekend=True, gemeenten={193}), (403, FORBIDDEN)),
    (Uitkomst([], bekend=True, gemeenten=set()), (403, FORBIDDEN)),
], ids=["unknown object", "own object, nobody in the period", "own object", "one of its adressen own (herindeling)",
        "other gemeente", "other gemeente, nobody in the period", "known, gemeente unreadable"])


@GEMEENTE_RULE
def test_harness_header_gemeente_rule(uitkomst, expected):
    recorder = Recorder()
    answer = post(PERIODE, open_app(Finder(uitkomst), recorder=recorder), headers={"Authorization": HARNESS_0014})
    assert (answer.status, answer.json()) == expected
    assert [(e.resultaat, e.afnemer_code) for e in recorder.entries] == [(str(expected[0]), 8)]


@pytest.mark.parametrize("user", ["abc|0014", "000008|14", "|0014", "1234567|0014", "000008|00145",
                                  "000008|null", "000008|Undefined"])
def test_an_unreadable_harness_header_is_401(user):
    answer = post(PEIL, headers={"Authorization": basic(user, "x")})
    assert answer.status == 401
    assert answer.headers["www-authenticate"].startswith("Basic")
    assert answer.json() == {"type": "https://datatracker.ietf.org/doc/html/rfc7235#section-3.1",
                             "title": "Niet correct geauthenticeerd.", "status": 401, "instance": BEWONINGEN,
                             "code": "authentication"}


def autorisatie(engine, afnemer_code: int, *, medium="N", rubrieken="AXBW01", ingang=20201128, einde=None):
    """An lo3_autorisatie row written as the public acceptance steps write it (raw SQL)."""
    with engine.begin() as conn:
        next_id = conn.execute(text("SELECT COALESCE(MAX(autorisatie_id), 0) + 1 FROM lo3_autorisatie")).scalar()
        conn.execute(text(
            "INSERT INTO lo3_autorisatie (autorisatie_id, afnemer_code, geheimhouding_ind, verstrekkings_beperking,"
            " afnemer_naam, adres_vraag_bevoegdheid, ad_hoc_medium, tabel_regel_start_datum, tabel_regel_eind_datum,"
            " ad_hoc_rubrieken) VALUES (:id, :code, 0, 0, 'Haal Centraal', 1, :medium, :ingang, :einde, :rubrieken)"),
            {"id": next_id, "code": afnemer_code, "medium": medium, "ingang": ingang, "einde": einde,
             "rubrieken": rubrieken})


WITHOUT_GEMEENTE = pytest.mark.parametrize("user", ["000008|undefined", "000008|", "000008"],
                                           ids=["undefined", "empty", "absent"])


@WITHOUT_GEMEENTE
@pytest.mark.parametrize("rows, expected", [
    ([], GEEN_AD_HOC),
    ([{"medium": None}], GEEN_AD_HOC),
    ([{"medium": "X"}], GEEN_AD_HOC),
    ([{"einde": 20200101}], GEEN_AD_HOC),
    ([{"ingang": 20991231}], GEEN_AD_HOC),
    ([{"rubrieken": None}], ALLEEN_GEMEENTEN),
    ([{"rubrieken": ""}], ALLEEN_GEMEENTEN),
    ([{"rubrieken": "10120 10240 81180 PAGL01"}], ALLEEN_GEMEENTEN),
    ([{"rubrieken": "AXBW01"}], None),
    ([{"medium": "A", "rubrieken": "10120 AXBW01 PAVP01"}], None),
    ([{"rubrieken": "10120", "einde": 20200101}, {"ingang": 20200101}], None),
], ids=["no autorisatie", "no medium", "medium X", "ended", "not yet", "no rubrieken", "empty rubrieken",
        "without AXBW01", "AXBW01", "AXBW01, medium A", "the current of two"])
def test_harness_header_without_gemeente_needs_axbw01(engine, user, rows, expected):
    for row in rows:
        autorisatie(engine, 8, **row)
    finder = Finder(Uitkomst([BEWONING], bekend=True, gemeenten={193}, pl_ids=[1]))
    recorder = Recorder()
    app = BewoningApp(engine, finder=finder, recorder=recorder, today=lambda: dt.date(2026, 1, 1))
    answer = post(PEIL, app, headers={"Authorization": basic(user, "tempsolution!")})
    if expected is None:  # every object, whatever its gemeente
        assert (answer.status, answer.json()) == (200, {"bewoningen": [BEWONING]})
    else:
        assert (answer.status, answer.json()) == (403, expected)
        assert finder.asked == []
    assert [(e.afnemer_code, e.resultaat) for e in recorder.entries] == [(8, str(answer.status))]


def test_autorisatie_is_checked_after_the_request(engine):
    app = BewoningApp(engine, finder=Finder(), recorder=Recorder())
    headers = {"Authorization": basic("000008|undefined", "tempsolution!")}
    assert post({**PEIL, "peildatum": "x"}, app, headers=headers).status == 400
    assert post(PEIL, app, headers={**headers, "Accept": "text/csv"}).status == 406
    assert post(PEIL, app, headers=headers).json() == GEEN_AD_HOC


def test_plain_basic_credentials_in_open_mode_are_ignored():
    finder = Finder(Uitkomst([BEWONING], bekend=True, gemeenten={193}))
    assert post(PEIL, open_app(finder), headers={"Authorization": basic("demo", "x")}).status == 200


# protocollering in GBA-V's haalcentraal_vraag: one row per persoonslijst delivered

ZOEK = "081030, 081180, 081320, 581030, 581320"


@pytest.fixture
def bewoond(engine):
    """An object of gemeente 0518: two bewoners now, one from 2000 to 2005; their pl_ids by BSN."""
    o = new_object()
    load(engine, persoon("000000024", woont(adres(o), "20100101")), persoon("000000036", woont(adres(o), "20150101")),
         persoon("000000048", woont(adres(o), "20000101"), woont(adres(new_object()), "20050101")))
    p = lo3_pl_persoon.c
    with engine.connect() as conn:
        pl_ids = dict(conn.execute(select(p.burger_service_nr, p.pl_id).where(p.persoon_type == "P")).all())
    return o, {f"{bsn:09d}": pl_id for bsn, pl_id in pl_ids.items()}


def haalcentraal_vragen(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(haalcentraal_vraag).order_by(haalcentraal_vraag.c.pl_id)).all()


HARNESS_0518 = {"Authorization": basic("000008|0518", "tempsolution!")}


def test_every_persoonslijst_delivered_is_one_haalcentraal_vraag_row(engine, bewoond):
    o, pl_ids = bewoond
    app = BewoningApp(engine)
    answer = post({**PEIL, "adresseerbaarObjectIdentificatie": o, "peildatum": "2020-01-01"}, app, headers=HARNESS_0518)
    assert answer.status == 200 and len(answer.json()["bewoningen"][0]["bewoners"]) == 2
    rows = haalcentraal_vragen(engine)
    assert [(r.pl_id, r.afnemer_code, r.request_zoek_rubrieken, r.request_gevraagde_rubrieken, bool(r.verwerkt))
            for r in rows] == [(pl_ids[bsn], 8, ZOEK, "AXBW01", False) for bsn in ("000000024", "000000036")]
    assert len({r.request_id for r in rows}) == 2 and all(len(r.request_id) == 36 for r in rows)
    (entry,) = protocol.entries(engine)
    assert entry.resultaat == "200" and all(abs((r.request_datum - entry.tijdstip).total_seconds()) < 60
                                            for r in rows)
    periode = {**PERIODE, "adresseerbaarObjectIdentificatie": o, "datumVan": "1999-01-01", "datumTot": "2021-01-01"}
    assert post(periode, app, headers=HARNESS_0518).status == 200  # each person once, whatever the slices
    assert Counter(r.pl_id for r in haalcentraal_vragen(engine)) == \
        {pl_ids["000000024"]: 2, pl_ids["000000036"]: 2, pl_ids["000000048"]: 1}


@pytest.mark.parametrize("question, headers, status", [
    ({"peildatum": "2020-01-01"}, {"Authorization": basic("000008|0014", "tempsolution!")}, 403),
    ({"peildatum": "2020-13-01"}, HARNESS_0518, 400),
    ({"peildatum": "1990-01-01"}, HARNESS_0518, 200),
], ids=["other gemeente", "bad request", "nobody then"])
def test_no_haalcentraal_vraag_row_when_nothing_is_delivered(engine, bewoond, question, headers, status):
    o, _ = bewoond
    answer = post({**PEIL, "adresseerbaarObjectIdentificatie": o, **question}, BewoningApp(engine), headers=headers)
    assert answer.status == status and haalcentraal_vragen(engine) == []
    assert [e.resultaat for e in protocol.entries(engine)] == [str(status)]


def test_haalcentraal_vraag_and_the_protocol_row_are_one_transaction(engine, bewoond, monkeypatch):
    o, _ = bewoond
    real = bewoning_app._haalcentraal_vraag

    def one_refused(beller, pl_ids):  # the database refuses the last row (pl_id is NOT NULL)
        rows = real(beller, pl_ids)
        return rows[:-1] + ((haalcentraal_vraag, {**rows[-1][1], "pl_id": None}),)

    monkeypatch.setattr(bewoning_app, "_haalcentraal_vraag", one_refused)
    answer = post({**PEIL, "adresseerbaarObjectIdentificatie": o, "peildatum": "2020-01-01"}, BewoningApp(engine),
                  headers=HARNESS_0518)
    assert (answer.status, answer.json()["code"]) == (500, "serverError")  # no record, no answer
    assert haalcentraal_vragen(engine) == []  # not even the rows the database took
    assert [(e.resultaat, e.a_nummers or "") for e in protocol.entries(engine)] == [("500", "")]


PASSWORD = "Geheim-Wachtwoord-42"


def _afnemer(code, naam, user, **extra):
    account = {"gebruikersnaam": user, "wachtwoord": PASSWORD, "wachtwoord_geldig_tot": "20991231"}
    return {"afnemersindicatie": code, "naam": naam, "adhoc": False, "adresvraag": False,
            "gebruikers": [account], **extra}


@pytest.fixture(scope="module")
def accounts(backend, tmp_path_factory):
    engine = backend.new_engine()
    path = tmp_path_factory.mktemp("afnemers") / "afnemers.json"
    path.write_text(json.dumps({"afnemers": [
        _afnemer("300001", "Gemeente Groningen", "groningen", gemeente_code="0014"),
        _afnemer("300002", "Uitvoeringsorganisatie", "uvo", adhoc=True, rubrieken=[10120]),
        _afnemer("300004", "Toezichthouder", "toezicht", adhoc=True, rubrieken=[10120, "AXBW01"]),
        _afnemer("300005", "Zonder ad hoc", "ad-hoc-loos", rubrieken=["AXBW01"]),
        _afnemer("300003", "Verlopen", "verlopen", gemeente_code="0014", datum_einde="20200101"),
    ]}))
    load_afnemers(engine, path)
    return Accounts(engine)


def accounts_app(accounts, finder=None, recorder=None):
    return BewoningApp(accounts.engine, accounts, finder=finder or Finder(),
                       recorder=recorder or protocol.Recorder(accounts.engine))


def test_the_autorisatie_file_gives_the_gemeente_and_axbw01(accounts):
    assert accounts.afnemer("300001").gemeente_code == 14
    assert accounts.afnemer("300002").gemeente_code is None
    toezicht = accounts.afnemer("300004")
    assert (toezicht.codes, toezicht.rubrieken, toezicht.ad_hoc_medium) == ({"AXBW01"}, {10120}, "N")


@pytest.mark.parametrize("value", ["AXBW02", "axbw01", "010120"])
def test_only_known_codes_are_rubrieken(tmp_path, value):
    path = tmp_path / "afnemers.json"
    path.write_text(json.dumps({"afnemers": [_afnemer("300009", "Fout", "fout", rubrieken=[value])]}))
    with pytest.raises(AfnemersFileError, match=r"afnemers\[0\]\.rubrieken\[0\]: .* is not a rubriek"):
        read_afnemers_file(path)


@pytest.mark.parametrize("value", ["14", "00140", "abcd", "0000", 14, "１４１４"])
def test_a_bad_gemeente_code_is_refused(tmp_path, value):
    path = tmp_path / "afnemers.json"
    path.write_text(json.dumps({"afnemers": [_afnemer("300009", "Fout", "fout", gemeente_code=value)]}))
    with pytest.raises(AfnemersFileError, match=r"afnemers\[0\]\.gemeente_code: expected a gemeentecode"):
        read_afnemers_file(path)


@pytest.mark.parametrize("authorization", [
    None, basic("groningen", "Fout-Wachtwoord-1"), basic("niemand", PASSWORD),
    basic("000008|0014", "tempsolution!"), "Basic !!!", "Bearer abc",
], ids=["none", "wrong password", "unknown user", "harness header", "unreadable", "bearer"])
def test_wrong_or_missing_credentials_are_401(accounts, authorization):
    answer = post(PEIL, accounts_app(accounts), headers={"Authorization": authorization})
    assert (answer.status, answer.json()["code"]) == (401, "authentication")


def test_a_gemeente_sees_its_own_objects(accounts):
    answer = post(PEIL, accounts_app(accounts), headers={"Authorization": basic("groningen", PASSWORD)})
    assert answer.json() == {"bewoningen": [BEWONING]}


def test_credentials_behind_the_central_access_point(accounts):
    answer = post(PEIL, accounts_app(accounts), headers={"X-Brp-Credentials": basic("groningen", PASSWORD)})
    assert answer.status == 200


@GEMEENTE_RULE
def test_the_gemeente_rule(accounts, uitkomst, expected):
    answer = post(PERIODE, accounts_app(accounts, Finder(uitkomst)),
                  headers={"Authorization": basic("groningen", PASSWORD)})
    assert (answer.status, answer.json()) == expected


@pytest.mark.parametrize("user, expected", [
    ("uvo", (403, ALLEEN_GEMEENTEN)), ("toezicht", (200, {"bewoningen": [BEWONING]})),
    ("ad-hoc-loos", (403, GEEN_AD_HOC)),
])
def test_an_afnemer_without_gemeente_needs_axbw01(accounts, user, expected):
    finder = Finder(Uitkomst([BEWONING], bekend=True, gemeenten={193}, pl_ids=[1]))
    answer = post(PEIL, accounts_app(accounts, finder), headers={"Authorization": basic(user, PASSWORD)})
    assert (answer.status, answer.json()) == expected
    assert len(finder.asked) == (expected[0] == 200)


def test_an_afnemer_without_current_autorisatie_may_not_ask(accounts):
    answer = post(PEIL, accounts_app(accounts), headers={"Authorization": basic("verlopen", PASSWORD)})
    assert (answer.status, answer.json()) == (403, GEEN_AD_HOC)


def test_the_protocol_names_afnemer_and_account(accounts):
    app = accounts_app(accounts)
    post(PERIODE, app, headers={"Authorization": basic("groningen", PASSWORD)})
    post(PERIODE, app, headers={"Authorization": basic("groningen", "Fout-Wachtwoord-1")})
    refused, answered = protocol.entries(accounts.engine, limit=2)
    assert (answered.afnemer_code, answered.gebruikersnaam, answered.operatie, answered.resultaat) == \
        (300001, "groningen", "bewoningen", "200")
    assert json.loads(answered.parameters) == [[81180, OBJECT], [81030, "20220101"], [81030, "20230101"]]
    assert (refused.afnemer_code, refused.gebruikersnaam, refused.resultaat) == (None, "groningen", "401")


ZWOLLE = "0193011990329410"  # Deventerstraatweg 143: the De Vries family (fixtures/README.md)
DE_VRIES = ["999995005", "999995017", "999995029", "999995030", "999995042"]


def test_demo_object_by_peildatum_with_a_numbers_in_the_protocol(demo_engine):
    app = BewoningApp(demo_engine)
    answer = post({**PEIL, "adresseerbaarObjectIdentificatie": ZWOLLE}, app)
    (bewoning,) = answer.json()["bewoningen"]
    assert bewoning["periode"] == {"datumVan": "2024-01-01", "datumTot": "2024-01-02"}
    assert sorted(b["burgerservicenummer"] for b in bewoning["bewoners"]) == DE_VRIES
    (entry,) = protocol.entries(demo_engine, limit=1)
    assert entry.operatie == "bewoningen" and len(entry.a_nummers.split()) == 5
    assert protocol.entries(demo_engine, a_nummer=entry.a_nummers.split()[0], limit=1)[0].referentie == \
        entry.referentie


@pytest.mark.parametrize("gemeente, object_id, status, count", [
    ("0193", ZWOLLE, 200, 1), ("0014", ZWOLLE, 403, 0), ("0014", "1234567890123456", 200, 0),
])
def test_demo_gemeente_rule_with_the_harness_header(demo_engine, gemeente, object_id, status, count):
    answer = post({**PEIL, "adresseerbaarObjectIdentificatie": object_id}, BewoningApp(demo_engine),
                  headers={"Authorization": basic(f"000008|{gemeente}", "tempsolution!")})
    assert answer.status == status
    assert status == 403 or len(answer.json()["bewoningen"]) == count


@pytest.fixture(scope="module")
def demo_accounts(backend):
    """The demo persoonslijsten and the demo afnemers, as ``serve --demo`` loads them."""
    engine = backend.new_engine()
    loader.load(engine, sorted(FIXTURES.glob("*.json")))
    load_afnemers(engine, FIXTURES / "afnemers" / "demo-afnemers.json")
    return Accounts(engine)


@pytest.mark.parametrize("user, password, status", [
    ("zwolle", "Zwolle-Bewoning-2026", 200), ("toezicht", "Toezicht-Bewoning-2026", 200),
    ("demo", "Demo-Wachtwoord-2026", 403), ("beperkt", "Beperkt-Wachtwoord-2026", 403),
], ids=["gemeente 0193", "AXBW01 without gemeente", "gemeente 0014", "without AXBW01"])
def test_the_demo_accounts(demo_accounts, user, password, status):
    app = BewoningApp(demo_accounts.engine, demo_accounts)
    answer = post({**PEIL, "adresseerbaarObjectIdentificatie": ZWOLLE}, app,
                  headers={"Authorization": basic(user, password)})
    assert answer.status == status
    assert status == 403 or sorted(b["burgerservicenummer"] for b in answer.json()["bewoningen"][0]["bewoners"]) \
        == DE_VRIES


def test_the_openapi_document_is_served_valid_with_its_own_base_url():
    answer = call(open_app(), "GET", OPENAPI,
                  headers={"Host": "brp.example:8443", "X-Forwarded-Proto": "https"})
    assert (answer.status, answer.headers["content-type"]) == (200, "application/json; charset=utf-8")
    document = answer.json()
    validate_openapi(document)
    assert document["servers"] == [{"url": "https://brp.example:8443/haalcentraal/api/bewoning"}]
    assert list(document["paths"]) == ["/bewoningen"]
    assert set(document["paths"]["/bewoningen"]["post"]["responses"]) == \
        {"200", "400", "401", "403", "405", "406", "413", "415", "500"}


def test_the_document_catches_what_the_contract_does_not_have():
    assert schema_errors("BewoningenQueryResponse", {"bewoningen": [BEWONING]}) == []
    for broken in ({**BEWONING, "extra": 1}, without(BEWONING, "mogelijkeBewoners"),
                   {**BEWONING, "bewoners": [{**BEWONER, "geslacht": "M"}]},
                   {**BEWONING, "bewoners": [{"burgerservicenummer": "12345678"}]},
                   {**BEWONING, "periode": {"datumVan": "2024-01-01"}},
                   {**BEWONING, "bewoners": [{"geboorte": {"datum": {"type": "JaarDatum", "jaar": 1970}}}]},
                   {**BEWONING, "indicatieVeelBewoners": None}):
        assert schema_errors("BewoningenQueryResponse", {"bewoningen": [broken]}), broken


@pytest.mark.parametrize("datum", [
    {"type": "Datum", "datum": "1979-11-18", "langFormaat": "18 november 1979"},
    {"type": "JaarMaandDatum", "jaar": 1979, "maand": 11, "langFormaat": "november 1979"},
    {"type": "JaarDatum", "jaar": 1979, "langFormaat": "1979"},
    {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"},
])
def test_every_geboortedatum_shape_conforms(datum):
    bewoning = {**BEWONING, "bewoners": [{"burgerservicenummer": "999995005", "geboorte": {"datum": datum}}]}
    assert schema_errors("BewoningenQueryResponse", {"bewoningen": [bewoning]}) == []


def test_the_request_schemas_accept_the_valid_questions_only():
    assert schema_errors("BewoningenQuery", PEIL) == schema_errors("BewoningenQuery", PERIODE) == []
    assert schema_errors("BewoningenQuery", {**PEIL, "periode": "x"})
    assert schema_errors("BewoningenQuery", {**PEIL, "adresseerbaarObjectIdentificatie": "0000000000000000"})
    assert schema_errors("BewoningenQuery", without(PERIODE, "datumTot"))


def test_served_over_http_next_to_the_soap_service(service_url):
    base = service_url.removesuffix(ENDPOINT)
    answer = requests.post(base + BEWONINGEN, json={**PEIL, "adresseerbaarObjectIdentificatie": ZWOLLE},
                           timeout=30)
    assert (answer.status_code, answer.headers["Content-Type"]) == (200, "application/json; charset=utf-8")
    assert len(answer.json()["bewoningen"][0]["bewoners"]) == 5
    document = requests.get(base + OPENAPI, timeout=30).json()
    assert document["servers"] == [{"url": base + "/haalcentraal/api/bewoning"}]
    assert requests.get(base + "/health", timeout=30).text == "ok\n"


def test_the_access_log_line_has_no_personal_data(demo_engine, caplog):
    app = build_app(AdhocService(demo_engine))
    with caplog.at_level(logging.INFO, logger="adhoc_ws.access"):
        answer = call(app, "POST", BEWONINGEN, {**PEIL, "adresseerbaarObjectIdentificatie": ZWOLLE})
    assert answer.status == 200
    (line,) = [json.loads(r.message) for r in caplog.records if r.name == "adhoc_ws.access"]
    assert (line["method"], line["path"], line["status"]) == ("POST", BEWONINGEN, 200)
    assert line["bytes_in"] > 0 and line["bytes_out"] == len(answer.body)
    assert ZWOLLE not in caplog.text and "99999" not in caplog.text
