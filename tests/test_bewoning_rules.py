"""The bewoning business rules (bewoning-notes §2), one test per rule, on both backends.

Each test builds the persoonslijsten the rule talks about, loads them with the normal loader
and asks :func:`zoek_bewoningen`, as the API does. ``shape`` reduces the answer to
(datumVan, datumTot, bewoners, mogelijke bewoners) by BSN, in the delivered order.
"""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from adhoc_ws.bewoning import BewoningVraag
from adhoc_ws.bewoning.store import zoek_bewoningen

from bewoning_data import adres, buitenland, load, new_object, persoon, woont

_bsns = itertools.count(100)


def bsn() -> str:
    return f"{next(_bsns):09d}"


@pytest.fixture(scope="module")
def db(backend):
    """One database per backend for this module; every test uses fresh objects and BSNs."""
    return backend.new_engine()


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def op(db, object_id: str, peildatum: str):
    p = day(peildatum)
    return zoek_bewoningen(db, BewoningVraag(object_id, p, p + dt.timedelta(days=1), peildatum=True))


def tussen(db, object_id: str, van: str, tot: str):
    return zoek_bewoningen(db, BewoningVraag(object_id, day(van), day(tot)))


def shape(uitkomst) -> list[tuple]:
    return [(b["periode"]["datumVan"], b["periode"]["datumTot"],
             [p["burgerservicenummer"] for p in b["bewoners"]],
             [p["burgerservicenummer"] for p in b["mogelijkeBewoners"]]) for b in uitkomst.bewoningen]


def status(db, object_id: str, peildatum: str, who: str) -> str:
    """'bewoner', 'mogelijk' or 'geen' for one person on one peildatum."""
    for _, _, bewoners, mogelijk in shape(op(db, object_id, peildatum)):
        if who in bewoners:
            return "bewoner"
        if who in mogelijk:
            return "mogelijk"
    return "geen"


def statuses(db, object_id: str, who: str, *peildata: str) -> list[str]:
    return [status(db, object_id, p, who) for p in peildata]


# §2.2 adreshouding periods

def test_peildatum_bewoner_and_one_day_periode(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101")))
    result = op(db, o, "2010-09-01")
    assert result.bewoningen == [{
        "adresseerbaarObjectIdentificatie": o,
        "periode": {"datumVan": "2010-09-01", "datumTot": "2010-09-02"},
        "bewoners": [{"burgerservicenummer": jan, "naam": {"volledigeNaam": "Jan Jansen"},
                      "geboorte": {"datum": {"type": "Datum", "datum": "1980-01-01",
                                             "langFormaat": "1 januari 1980"}}}],
        "mogelijkeBewoners": []}]
    assert result.bekend and result.gemeenten == {518}


def test_bewoner_from_aanvang_up_to_next_aanvang(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101"), woont(adres(new_object()), "20150301")))
    assert statuses(db, o, jan, "2009-12-31", "2010-01-01", "2015-02-28", "2015-03-01") == \
        ["geen", "bewoner", "bewoner", "geen"]


def test_emigration_ends_bewoning_on_datum_aanvang_adres_buitenland(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101"), buitenland("20200601")))
    assert statuses(db, o, jan, "2020-05-31", "2020-06-01", "2021-01-01") == ["bewoner", "geen", "geen"]


def test_period_slices_when_the_set_of_bewoners_changes(db):
    o, jan, piet = new_object(), bsn(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101")),
         persoon(piet, woont(adres(o), "20200301")))
    assert shape(tussen(db, o, "2020-01-01", "2020-06-01")) == [
        ("2020-01-01", "2020-03-01", [jan], []),
        ("2020-03-01", "2020-06-01", [jan, piet], [])]


def test_stretches_without_bewoners_give_no_bewoning(db):
    o, jan, piet = new_object(), bsn(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101"), woont(adres(new_object()), "20200201")),
         persoon(piet, woont(adres(o), "20200501")))
    assert shape(tussen(db, o, "2020-01-01", "2020-06-01")) == [
        ("2020-01-01", "2020-02-01", [jan], []),
        ("2020-05-01", "2020-06-01", [piet], [])]


def test_equal_neighbouring_slices_merge(db):
    o, jan, piet = new_object(), bsn(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101")),
         persoon(piet, woont(adres(new_object()), "20000101"), woont(adres(o), "20190101")))
    assert shape(tussen(db, o, "2020-01-01", "2021-01-01")) == [("2020-01-01", "2021-01-01", [jan, piet], [])]


def test_leaving_and_returning_appears_again_from_the_return(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101"), woont(adres(new_object()), "20120101"),
                     woont(adres(o), "20140101")))
    assert shape(tussen(db, o, "2011-01-01", "2015-01-01")) == [
        ("2011-01-01", "2012-01-01", [jan], []), ("2014-01-01", "2015-01-01", [jan], [])]


def test_unknown_object_and_unoccupied_object(db):
    unknown = tussen(db, new_object(), "2000-01-01", "2020-01-01")
    assert unknown.bewoningen == [] and not unknown.bekend
    o = new_object()
    load(db, persoon(bsn(), woont(adres(o), "20100101"), woont(adres(new_object()), "20110101")))
    empty = tussen(db, o, "2015-01-01", "2020-01-01")
    assert empty.bewoningen == [] and empty.bekend and empty.gemeenten == {518}  # its adres lies in 0518


# §2.4 unknown and incomplete dates

@pytest.mark.parametrize("aanvang, peildata, expected", [
    ("20100800", ("2010-07-31", "2010-08-01", "2010-08-31", "2010-09-01"),
     ["geen", "mogelijk", "mogelijk", "bewoner"]),
    ("20100000", ("2009-12-31", "2010-01-01", "2010-12-31", "2011-01-01"),
     ["geen", "mogelijk", "mogelijk", "bewoner"]),
    ("00000000", ("1900-01-01", "2000-01-01", "2030-01-01"), ["mogelijk", "mogelijk", "mogelijk"]),
    ("20100815", ("2010-08-14", "2010-08-15"), ["geen", "bewoner"]),
])
def test_uncertainty_period_of_aanvang(db, aanvang, peildata, expected):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), aanvang)))
    assert statuses(db, o, jan, *peildata) == expected


def test_uncertainty_of_next_aanvang_makes_mogelijk_then_nothing(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101"), woont(adres(new_object()), "20150300")))
    assert statuses(db, o, jan, "2015-02-28", "2015-03-01", "2015-03-31", "2015-04-01") == \
        ["bewoner", "mogelijk", "mogelijk", "geen"]


# §2.4 clipping: an incomplete date never reaches past a known date around it (compose.ranges).
# Each case: the dates of one person oldest first (the object's verblijfplaats marked "O"), and
# the status on each peildatum.

CLIPPING = pytest.mark.parametrize("verblijven, expected", [
    # a date before the incomplete aanvang
    ([("X", "20100810"), ("O", "20100800")],  # known, inside the range: after that day only
     {"2010-08-09": "geen", "2010-08-10": "geen", "2010-08-11": "mogelijk", "2010-08-31": "mogelijk",
      "2010-09-01": "bewoner"}),
    ([("X", "20100501"), ("O", "20100000")],
     {"2010-05-01": "geen", "2010-05-02": "mogelijk", "2010-12-31": "mogelijk", "2011-01-01": "bewoner"}),
    ([("X", "20101014"), ("O", "00000000")],
     {"2010-10-14": "geen", "2010-10-15": "mogelijk", "2030-01-01": "mogelijk"}),
    ([("X", "20100101"), ("O", "20100800")],  # known, before the range: the whole range
     {"2010-07-31": "geen", "2010-08-01": "mogelijk", "2010-09-01": "bewoner"}),
    ([("X", "20100300"), ("O", "20100000")],  # partly known: from its first day
     {"2010-02-28": "geen", "2010-03-01": "mogelijk", "2010-12-31": "mogelijk", "2011-01-01": "bewoner"}),
    ([("X", "00000000"), ("O", "20100800")],  # unknown: no bound
     {"2010-07-31": "geen", "2010-08-01": "mogelijk", "2010-09-01": "bewoner"}),
    # a date after the aanvang (the next aanvang)
    ([("O", "20100818"), ("X", "20100800")],  # known aanvang inside the next one's range
     {"2010-08-17": "geen", "2010-08-18": "bewoner", "2010-08-19": "mogelijk", "2010-08-31": "mogelijk",
      "2010-09-01": "geen"}),
    ([("O", "20100818"), ("X", "20100000")],
     {"2010-08-18": "bewoner", "2010-08-19": "mogelijk", "2010-12-31": "mogelijk", "2011-01-01": "geen"}),
    ([("O", "20100818"), ("X", "00000000")],
     {"2010-08-18": "bewoner", "2010-08-19": "mogelijk", "2030-01-01": "mogelijk"}),
    ([("O", "20100800"), ("X", "20100821")],  # known next aanvang inside the range: before it only
     {"2010-07-31": "geen", "2010-08-01": "mogelijk", "2010-08-20": "mogelijk", "2010-08-21": "geen"}),
    ([("O", "00000000"), ("X", "20100101")],
     {"2000-01-01": "mogelijk", "2009-12-31": "mogelijk", "2010-01-01": "geen"}),
    ([("O", "20100800"), ("X", "20100000")],  # partly known on both sides: first day to last day
     {"2010-07-31": "geen", "2010-08-01": "mogelijk", "2010-12-31": "mogelijk", "2011-01-01": "geen"}),
    ([("O", "20100000"), ("X", "20100800")],
     {"2009-12-31": "geen", "2010-01-01": "mogelijk", "2010-08-31": "mogelijk", "2010-09-01": "geen"}),
    ([("O", "20100800"), ("X", "00000000")],
     {"2010-07-31": "geen", "2010-08-01": "mogelijk", "2030-01-01": "mogelijk"}),
    # a known date two moves on bounds the next aanvang's range too
    ([("O", "20100101"), ("X", "20150300"), ("Y", "20150310")],
     {"2015-02-28": "bewoner", "2015-03-01": "mogelijk", "2015-03-09": "mogelijk", "2015-03-10": "geen"}),
    # a known date one move back bounds an aanvang whose previous one is incomplete
    ([("X", "20100805"), ("Y", "20100800"), ("O", "20100800")],
     {"2010-08-05": "geen", "2010-08-06": "mogelijk", "2010-09-01": "bewoner"}),
], ids=["known before, partly (month)", "known before, partly (year)", "known before, unknown",
        "known before the range", "partly before", "unknown before",
        "partly (month) after known", "partly (year) after known", "unknown after known",
        "known after partly", "known after unknown", "partly after partly (month, year)",
        "partly after partly (year, month)", "unknown after partly", "known two moves on",
        "known two moves back"])


@CLIPPING
def test_uncertainty_is_clipped_by_the_dates_around_it(db, verblijven, expected):
    o, jan = new_object(), bsn()
    objects = {"O": o, "X": new_object(), "Y": new_object()}
    load(db, persoon(jan, *(woont(adres(objects[k]), datum) for k, datum in verblijven)))
    assert dict(zip(expected, statuses(db, o, jan, *expected))) == expected


def test_clipping_in_a_period_query(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100818"), woont(adres(new_object()), "20100800")))
    assert shape(tussen(db, o, "2010-08-01", "2010-09-15")) == [
        ("2010-08-18", "2010-08-19", [jan], []), ("2010-08-19", "2010-09-01", [], [jan])]


@pytest.mark.parametrize("vorige", ["other object", "same object"])
def test_briefadres_before_a_partly_unknown_aanvang_bounds_it(db, vorige):
    o, jan = new_object(), bsn()
    brief = adres(o if vorige == "same object" else new_object())
    load(db, persoon(jan, woont(brief, "20220526", functie="B"), woont(adres(o), "20220000")))
    assert statuses(db, o, jan, "2022-01-01", "2022-05-26", "2022-05-27", "2022-12-31", "2023-01-01") == \
        ["geen", "geen", "mogelijk", "mogelijk", "bewoner"]


def test_partly_unknown_briefadres_after_a_known_aanvang(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20160526"), woont(adres(new_object()), "20220800", functie="B")))
    assert statuses(db, o, jan, "2022-07-31", "2022-08-01", "2022-08-31", "2022-09-01") == \
        ["bewoner", "mogelijk", "mogelijk", "geen"]


def test_two_separate_uncertainty_periods_bewoner_between(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100800"), woont(adres(new_object()), "20120000")))
    assert statuses(db, o, jan, "2010-08-15", "2010-09-01", "2011-12-31", "2012-06-01", "2013-01-01") == \
        ["mogelijk", "bewoner", "bewoner", "mogelijk", "geen"]


@pytest.mark.parametrize("aanvang, volgende", [("20100800", "20100800"), ("20100000", "20101100")])
def test_overlapping_uncertainty_periods_are_mogelijk_throughout(db, aanvang, volgende):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), aanvang), woont(adres(new_object()), volgende)))
    first = "2010-08-01" if aanvang == "20100800" else "2010-01-01"
    last = "2010-08-31" if volgende == "20100800" else "2010-11-30"
    after = (day(last) + dt.timedelta(days=1)).isoformat()
    assert shape(tussen(db, o, "2009-01-01", "2012-01-01")) == [
        (first, after, [], [jan])]


def test_unknown_previous_and_next_bound_from_first_day_to_last_day(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(new_object()), "20100300"), woont(adres(o), "20100000"),
                     woont(adres(new_object()), "20101000"), woont(adres(new_object()), "20101000")))
    # from the first day of the previous aanvang's month to the last day of the next one's
    assert shape(tussen(db, o, "2009-01-01", "2012-01-01")) == [("2010-03-01", "2010-11-01", [], [jan])]


def test_period_slices_at_every_start_and_end_of_uncertainty(db):
    o, jan, piet = new_object(), bsn(), bsn()
    load(db, persoon(jan, woont(adres(o), "20200300")),
         persoon(piet, woont(adres(o), "20180101"), woont(adres(new_object()), "20200315")))
    assert shape(tussen(db, o, "2020-01-01", "2020-05-01")) == [
        ("2020-01-01", "2020-03-01", [piet], []),
        ("2020-03-01", "2020-03-15", [piet], [jan]),
        ("2020-03-15", "2020-04-01", [], [jan]),
        ("2020-04-01", "2020-05-01", [jan], [])]


@pytest.mark.parametrize("aanvang", ["20201000", "20200000", "00000000"])
def test_known_opschorting_inside_the_uncertainty_of_the_aanvang(db, aanvang):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), aanvang), opschorting=("20201015", "O")))
    assert statuses(db, o, jan, "2020-10-14", "2020-10-15", "2020-12-01") == ["mogelijk", "geen", "geen"]


def test_known_opschorting_inside_the_uncertainty_of_the_next_aanvang(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101"), woont(adres(new_object()), "20200000"),
                     opschorting=("20200601", "O")))
    assert statuses(db, o, jan, "2019-12-31", "2020-01-01", "2020-05-31", "2020-06-01") == \
        ["bewoner", "mogelijk", "mogelijk", "geen"]


@pytest.mark.parametrize("aanvang, expected", [
    ("20200315", {"2020-03-14": "geen", "2020-03-15": "bewoner", "2020-03-16": "mogelijk",
                  "2020-12-31": "mogelijk", "2021-01-01": "geen"}),  # after the known aanvang only
    ("20200300", {"2020-02-29": "geen", "2020-03-01": "mogelijk", "2020-12-31": "mogelijk",
                  "2021-01-01": "geen"}),
    ("20190601", {"2019-12-31": "bewoner", "2020-01-01": "mogelijk", "2021-01-01": "geen"}),
], ids=["known aanvang inside", "partly unknown aanvang inside", "known aanvang before"])
def test_partly_unknown_opschorting_is_clipped_by_the_aanvang(db, aanvang, expected):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), aanvang), opschorting=("20200000", "O")))
    assert dict(zip(expected, statuses(db, o, jan, *expected))) == expected


# §2.5 onjuist

def test_corrected_aanvang_is_ignored(db):
    o, jan = new_object(), bsn()
    a = adres(o)
    load(db, persoon(jan, woont(a, "20100101", onjuist=True), woont(a, "20120101")))
    assert statuses(db, o, jan, "2011-01-01", "2012-01-01") == ["geen", "bewoner"]


def test_corrected_aanvang_of_next_verblijf_is_ignored(db):
    o, jan = new_object(), bsn()
    b = adres(new_object())
    load(db, persoon(jan, woont(adres(o), "20100101"), woont(b, "20110101", onjuist=True), woont(b, "20130101")))
    assert statuses(db, o, jan, "2012-01-01", "2013-01-01") == ["bewoner", "geen"]


def test_corrected_partly_unknown_date_is_ignored(db):
    o, jan = new_object(), bsn()
    a = adres(o)
    load(db, persoon(jan, woont(a, "20100000", onjuist=True), woont(a, "20100601")))
    assert statuses(db, o, jan, "2010-03-01", "2010-06-01") == ["geen", "bewoner"]


def test_inschrijving_corrected_to_another_adres(db):
    o, other, jan = new_object(), new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101", onjuist=True), woont(adres(other), "20100101")))
    assert op(db, o, "2011-01-01").bewoningen == []
    assert status(db, other, "2011-01-01", jan) == "bewoner"


# §2.6 briefadres and nevenadres

def test_briefadres_is_no_bewoner(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101", functie="B")))
    assert op(db, o, "2011-01-01").bewoningen == []


def test_change_to_briefadres_on_the_same_object_ends_the_bewoning(db):
    o, jan = new_object(), bsn()
    a = adres(o)
    load(db, persoon(jan, woont(a, "20100101"), woont(a, "20150101", functie="B")))
    assert statuses(db, o, jan, "2014-12-31", "2015-01-01") == ["bewoner", "geen"]


def test_nevenadres_bewoners_of_both_adressen(db):
    o, jan, piet = new_object(), bsn(), bsn()
    load(db, persoon(jan, woont(adres(o, huisnummer="10"), "20100101")),
         persoon(piet, woont(adres(o, huisnummer="12", nummeraanduiding="0518200000000777"), "20110101")))
    assert shape(op(db, o, "2012-01-01")) == [("2012-01-01", "2012-01-02", [jan, piet], [])]


# §2.7 opschorting bijhouding

@pytest.mark.parametrize("reden", ["F", "W"])
def test_opschorting_f_and_w_never_bewoner(db, reden):
    o = new_object()
    load(db, persoon(bsn(), woont(adres(o), "20100101"), opschorting=("20300101", reden)))
    assert tussen(db, o, "2000-01-01", "2040-01-01").bewoningen == []


@pytest.mark.parametrize("reden", ["O", "E", "M", "R", "."])
def test_opschorting_ends_bewoning_on_its_date(db, reden):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101"), opschorting=("20220829", reden)))
    assert shape(tussen(db, o, "2022-01-01", "2023-01-01")) == [("2022-01-01", "2022-08-29", [jan], [])]
    assert tussen(db, o, "2022-08-29", "2023-01-01").bewoningen == []


# §2.8 vastgesteld verblijft niet op adres

@pytest.mark.parametrize("code", ["089999", "589999"])
def test_niet_op_adres_from_ingang_onderzoek(db, code):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101", onderzoek=(code, "20200101"))))
    assert statuses(db, o, jan, "2019-12-31", "2020-01-01") == ["bewoner", "geen"]


def test_niet_op_adres_ended_on_current_verblijfplaats(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101", onderzoek=("089999", "20200101", "20200601"))))
    assert statuses(db, o, jan, "2020-03-01", "2021-01-01") == ["bewoner", "bewoner"]


def test_niet_op_adres_historic_ended_before_next_aanvang(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101", onderzoek=("589999", "20200101", "20200301")),
                     woont(adres(new_object()), "20200601")))
    assert statuses(db, o, jan, "2020-02-01", "2020-05-31") == ["bewoner", "bewoner"]


def test_niet_op_adres_historic_ended_on_or_after_next_aanvang(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101", onderzoek=("589999", "20200101", "20200601")),
                     woont(adres(new_object()), "20200601")))
    assert statuses(db, o, jan, "2019-12-31", "2020-01-01", "2020-05-31", "2020-06-01") == \
        ["bewoner", "mogelijk", "mogelijk", "geen"]


def test_niet_op_adres_is_never_in_onderzoek(db):
    o = new_object()
    load(db, persoon(bsn(), woont(adres(o), "20100101", onderzoek=("089999", "20200101"))))
    assert "inOnderzoek" not in op(db, o, "2019-01-01").bewoningen[0]["bewoners"][0]


# §2.9 in onderzoek

@pytest.mark.parametrize("code", ["080000", "081000", "081010", "081030", "081100", "081180",
                                  "580000", "581000", "581010", "581030", "581100", "581180"])
def test_in_onderzoek_codes(db, code):
    o = new_object()
    load(db, persoon(bsn(), woont(adres(o), "20100101", onderzoek=(code, "20300101"))))
    assert op(db, o, "2020-01-01").bewoningen[0]["bewoners"][0]["inOnderzoek"] is True


@pytest.mark.parametrize("code", ["080910", "081110", "081115", "081190", "081210", "081410", "088510"])
def test_other_onderzoek_codes_give_no_indicator(db, code):
    o = new_object()
    load(db, persoon(bsn(), woont(adres(o), "20100101", onderzoek=(code, "20150101"))))
    assert "inOnderzoek" not in op(db, o, "2020-01-01").bewoningen[0]["bewoners"][0]


def test_ended_onderzoek_is_never_shown(db):
    o = new_object()
    load(db, persoon(bsn(), woont(adres(o), "20100101", onderzoek=("081030", "20150101", "20250101"))))
    assert "inOnderzoek" not in op(db, o, "2020-01-01").bewoningen[0]["bewoners"][0]


def test_in_onderzoek_of_previous_verblijfplaats_on_the_object(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101", onderzoek=("581180", "20120101")),
                     woont(adres(new_object()), "20150101")))
    bewoner = op(db, o, "2013-01-01").bewoningen[0]["bewoners"][0]
    assert bewoner["burgerservicenummer"] == jan and bewoner["inOnderzoek"] is True


# §2.10 geheimhouding

@pytest.mark.parametrize("geheim, flagged", [("0", False), ("1", True), ("7", True)])
def test_geheimhouding_flagged_not_filtered(db, geheim, flagged):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101"), geheim=geheim),
         persoon(bsn(), woont(adres(o), "20100000"), geheim=geheim))
    bewoning = op(db, o, "2010-06-01").bewoningen[0]
    for p in bewoning["bewoners"] + bewoning["mogelijkeBewoners"]:
        assert p.get("geheimhoudingPersoonsgegevens", False) is flagged
    assert bewoning["bewoners"][0]["burgerservicenummer"] == jan


# §2.11 infrastructural changes, BAG, herindeling

def test_bag_identification_added_later(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(None, huisnummer="5"), "20100101"),
                     woont(adres(o, huisnummer="5"), "20160101", aangifte="T")))
    assert statuses(db, o, jan, "2015-12-31", "2016-01-01") == ["geen", "bewoner"]


def test_samenvoeging_ends_old_and_starts_new_object(db):
    a1, a2, a3, jan, piet = new_object(), new_object(), new_object(), bsn(), bsn()
    merged = adres(a3)
    load(db, persoon(jan, woont(adres(a1), "20100101"), woont(merged, "20180301", aangifte="W")),
         persoon(piet, woont(adres(a2), "20120101"), woont(merged, "20180301", aangifte="W")))
    assert shape(tussen(db, a1, "2018-01-01", "2019-01-01")) == [("2018-01-01", "2018-03-01", [jan], [])]
    assert shape(tussen(db, a3, "2018-01-01", "2019-01-01")) == [("2018-03-01", "2019-01-01", [jan, piet], [])]


def test_gemeentelijke_herindeling_continues_one_bewoning(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o, gemeente="0001", huisnummer="7"), "20100101"),
                     woont(adres(o, gemeente="1950", huisnummer="7"), "20190101", aangifte="W")))
    result = tussen(db, o, "2018-01-01", "2020-01-01")
    assert shape(result) == [("2018-01-01", "2020-01-01", [jan], [])]
    assert result.gemeenten == {1, 1950}


# §2.12 many bewoners

def _many(db, count: int) -> str:
    o = new_object()
    load(db, *(persoon(bsn(), woont(adres(o, huisnummer="1"), "20100101")) for _ in range(count)))
    return o


def test_more_than_100_bewoners(db):
    result = op(db, _many(db, 101), "2020-01-01")
    bewoning, = result.bewoningen
    assert bewoning["bewoners"] == [] and bewoning["mogelijkeBewoners"] == []
    assert bewoning["indicatieVeelBewoners"] is True
    assert result.pl_ids == []  # nobody named, nobody delivered (protocollering)


def test_exactly_100_bewoners_delivered(db):
    result = op(db, _many(db, 100), "2020-01-01")
    bewoning, = result.bewoningen
    assert len(bewoning["bewoners"]) == 100 and "indicatieVeelBewoners" not in bewoning
    assert len(result.pl_ids) == 100


def test_many_bewoners_in_every_slice_give_one_bewoning(db):
    o = _many(db, 101)
    load(db, persoon(bsn(), woont(adres(o, huisnummer="1"), "20200301")))
    bewoning, = tussen(db, o, "2020-01-01", "2020-06-01").bewoningen
    assert bewoning["periode"] == {"datumVan": "2020-01-01", "datumTot": "2020-06-01"}
    assert bewoning["indicatieVeelBewoners"] is True


# §2.13 ordering

def test_bewoners_ordered_by_aanvang_naam_voornamen_geboortedatum(db):
    o = new_object()
    people = [("20150101", "Bakker", "Anna", "19900101"), ("20100101", "Visser", "Piet", "19700101"),
              ("20150101", "Bakker", "Anna", "19850101"), ("20150101", "Aalders", "Zoë", "19800101"),
              ("20150101", "Bakker", "Ab", "19950101")]
    numbers = [bsn() for _ in people]
    load(db, *(persoon(n, woont(adres(o, huisnummer="3"), a), geslachtsnaam=g, voornamen=v, geboren=b)
               for n, (a, g, v, b) in zip(numbers, people)))
    bewoners, = [b for _, _, b, _ in shape(op(db, o, "2020-01-01"))]
    assert bewoners == [numbers[1], numbers[3], numbers[4], numbers[2], numbers[0]]


# §2.14 relations and changed personal data

def test_relations_are_no_extra_bewoners_and_changes_no_duplicates(db):
    o, jan = new_object(), bsn()
    load(db, persoon(jan, woont(adres(o), "20100101"), kinderen=(bsn(),), vorige_namen=("Oudenaam",)))
    assert shape(op(db, o, "2020-01-01")) == [("2020-01-01", "2020-01-02", [jan], [])]


# the bewoner: naam and geboorte

def test_volledige_naam_with_titel_and_voorvoegsel(db):
    o = new_object()
    load(db, persoon(bsn(), woont(adres(o), "20100101"), voornamen="Carolina", titel="BS",
                     voorvoegsel="Van", geslachtsnaam="Naersen", geslacht="V"))
    assert op(db, o, "2020-01-01").bewoningen[0]["bewoners"][0]["naam"] == \
        {"volledigeNaam": "Carolina barones Van Naersen"}


@pytest.mark.parametrize("geboren, datum", [
    ("19791118", {"type": "Datum", "datum": "1979-11-18", "langFormaat": "18 november 1979"}),
    ("19791100", {"type": "JaarMaandDatum", "jaar": 1979, "maand": 11, "langFormaat": "november 1979"}),
    ("19790000", {"type": "JaarDatum", "jaar": 1979, "langFormaat": "1979"}),
    ("00000000", {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}),
])
def test_geboortedatum_is_polymorphic(db, geboren, datum):
    o = new_object()
    load(db, persoon(bsn(), woont(adres(o), "20100101"), geboren=geboren))
    assert op(db, o, "2020-01-01").bewoningen[0]["bewoners"][0]["geboorte"] == {"datum": datum}
