"""Allowed characters, T.61 positions and the slim (diacritic-free) form."""
import unicodedata

import pytest

from adhoc_ws.charset import (ALLOWED, SLIM, fold, has_capitals, has_diacritics,
                              invalid_character_position, slim)


@pytest.mark.parametrize("waarde", ["Janssen", "'s-Gravenhage", "Müller", "Mułłer",
                                    "Nuñes da Silva", "Thomassen à Thuessink", "Øster", "Ĳsbrand"])
def test_names_in_the_lo3_repertoire_are_allowed(waarde):
    assert invalid_character_position(waarde) is None


@pytest.mark.parametrize("waarde, position", [
    ("Jan~", 4), ("a\\b", 2), ("Janssen{", 8), ("Иван", 1),
    ("Müller€", 8),      # ü is two bytes in T.61: the position counts it twice
    ("Nuñes da Silv☺", 15),
])
def test_invalid_character_position_counts_as_t61(waarde, position):
    assert invalid_character_position(waarde) == position


@pytest.mark.parametrize("waarde, expected", [
    ("Müller", "Muller"), ("Mułłer", "Muller"), ("Muller", "Muller"),
    ("António Eugénio Nuñes da Silva", "Antonio Eugenio Nunes da Silva"),
    ("Straße", "Strasse"), ("Ærø", "AEro"), ("Œuvre", "OEuvre"), ("Đorđe", "Dorde"),
    ("Yıldız", "Yildiz"), ("Þór", "THor"), ("Ĳsbrand", "IJsbrand"), ("Gündoğan", "Gundogan"),
])
def test_slim_strips_every_diacritic_and_keeps_case(waarde, expected):
    assert slim(waarde) == expected


def test_every_letter_of_the_repertoire_has_a_plain_form():
    for c in ALLOWED:
        if unicodedata.category(c).startswith("L"):
            assert slim(c).isascii() and slim(c).replace("'", "").isalpha(), c


def test_the_special_letters_are_written_down_once():
    for letter, plain in SLIM.items():
        assert slim(letter) == plain


def test_fold_and_flags():
    assert fold("VanDenConckelaer") == "vandenconckelaer"
    assert fold("Mułłer") == fold("MÜLLER") == "muller"
    assert has_diacritics("Müller") and not has_diacritics("Muller")
    assert has_capitals("Muller") and not has_capitals("muller")
