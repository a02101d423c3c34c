"""The rubriek catalogue: complete, consistent, and mapped onto the GBA-V tables."""
import pytest

from adhoc_ws import catalogue
from adhoc_ws.catalogue import CATEGORIES, ELEMENTS, RUBRIEKEN, rubriek
from adhoc_ws.storage.mapping import STORAGE
from adhoc_ws.storage.schema import lo3_adres


def test_categories_01_to_13_and_16_with_their_historic_twins():
    assert sorted(CATEGORIES) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16]
    historic = {c.historic_number for c in CATEGORIES.values() if c.history}
    assert historic == {51, 52, 53, 54, 55, 56, 58, 59, 60, 61, 66}
    assert catalogue.categorie(58) is CATEGORIES[8]
    assert catalogue.categorie(57) is None  # 07 Inschrijving has no history


def test_rubriek_numbers_are_cc_gg_ee_as_int():
    bsn = rubriek(10120)
    assert (bsn.categorie.nummer, bsn.element.nummer, bsn.code) == (1, "0120", "010120")
    assert rubriek(81160).element.name == "Postcode"
    historic = rubriek(510240)
    assert historic.historic and historic.categorienummer == 51
    assert rubriek(570000) is None and rubriek(10999) is None


@pytest.mark.parametrize("nummer, numeric, lengths", [
    ("0110", True, (10, 10)), ("0120", True, (9, 9)), ("0240", False, (1, 200)),
    ("0310", True, (8, 8)), ("1120", True, (1, 5)), ("1160", False, (6, 6)),
    ("8310", True, (6, 6)), ("3540", False, (2, 6)), ("8020", True, (17, 17)),
])
def test_elements_know_type_and_length(nummer, numeric, lengths):
    e = ELEMENTS[nummer]
    assert (e.numeric, (e.min_length, e.max_length)) == (numeric, lengths)


def test_inschrijving_and_verblijfplaats_are_complete():
    assert set(CATEGORIES[7].columns) == {
        "6620", "6710", "6720", "6810", "6910", "7010", "7110", "7120", "8010", "8020",
        "8710", "8810", "8820"}
    assert set(CATEGORIES[8].columns) == {
        "0910", "0920", "1010", "1020", "1030", "1110", "1115", "1120", "1130", "1140",
        "1150", "1160", "1170", "1180", "1190", "1210", "1310", "1320", "1330", "1340",
        "1350", "1410", "1420", "7210", "7510", "8310", "8320", "8330", "8410", "8510",
        "8610", "8810", "8820"}


def test_identifying_rubrieken_follow_the_guide():
    person = {r.nummer for r in RUBRIEKEN.values() if r.person_identifying}
    assert person == {10110, 10120, 10310, 10240, 81160, 161160}
    address = {r.nummer for r in RUBRIEKEN.values() if r.address_identifying}
    assert address == {80910, 81110, 81115, 81160, 81180, 81190,
                       160910, 161110, 161115, 161160, 161180, 161190}


def test_every_element_of_every_category_has_a_column():
    for nummer, storage in STORAGE.items():
        assert set(storage.elements) == set(CATEGORIES[nummer].columns)
        for element in storage.elements.values():
            assert element.column in element.table.c


def test_numeric_elements_are_stored_as_integers_and_names_with_a_diak_twin():
    persoon = STORAGE[1].elements
    assert persoon["0120"].numeric and persoon["0310"].numeric
    assert persoon["0240"].diak_column == "diak_geslachts_naam"
    assert persoon["0230"].diak_column is None
    assert STORAGE[8].elements["1110"].table is lo3_adres


def test_format_rubriek_keeps_the_leading_zero():
    assert catalogue.format_rubriek(50210) == "050210"
    assert catalogue.format_rubriek(510240) == "510240"
