"""The Og21 as a Vb01 (RvIG's example, byte for byte) and Teletex as LO3 messages carry it."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from adhoc_ws.berichten import vb01
from adhoc_ws.charset import teletex

HERE = Path(__file__).parent / "berichten"
OG21 = json.loads((HERE / "Og21.json").read_text(encoding="utf-8"))
EXAMPLE = (HERE / "Vb01-Og21-variant.GBA").read_bytes()


def test_every_teletex_character_as_rvig_writes_it():
    message = json.loads((HERE / "Vb01_alle-tekens-teletex.json").read_text(encoding="utf-8"))
    assert vb01.lo3(message["vrijeTekst"]) == (HERE / "Vb01_alle-tekens-teletex.GBA").read_bytes()


def test_a_letter_with_a_diacritic_is_the_accent_then_the_letter():
    assert teletex("Beëindigt") == b"Be\xc8eindigt"
    assert teletex("ģ Ģ") == b"\xc2g \xcbG"  # the LO's small g cedilla: acute + g


def test_a_character_outside_teletex_is_refused():
    with pytest.raises(UnicodeEncodeError):
        teletex("€")


def test_rvigs_vb01_from_the_og21_byte_for_byte():
    """RvIG's Vb01 has "gezag van  over" (two spaces) where its Og21.json has one: the Og21 it
    was made from had two. With that one space, the text is the example's, byte for byte."""
    og21 = copy.deepcopy(OG21)
    assert og21["nieuweRechtsfeiten"][1]["beslissingstekst"] == "Beëindigt het gezag van over de minderjarige."
    og21["nieuweRechtsfeiten"][1]["beslissingstekst"] = "Beëindigt het gezag van  over de minderjarige."
    assert vb01.lo3(vb01.text(og21)) == EXAMPLE


def test_the_published_og21_differs_from_the_example_in_that_space_only():
    made = vb01.lo3(vb01.text(OG21))
    assert made == EXAMPLE.replace(b"van  over", b"van over").replace(b"Vb0101358", b"Vb0101357")


def test_the_length_counts_teletex_bytes():
    made = vb01.lo3("ë")
    assert made == b"00000000Vb0100002\xc8e"


def rechtsfeit(rid, beslissingsdatum="20250101", registratiedatum="20250102", **more):
    return {"rechtsfeitId": rid, "gezagscategorie": "Voogdij", "gezagscode": "Voogdij",
            "beslissingstekst": "Benoemt een voogd.", "beslissingsdatum": beslissingsdatum,
            "registratiedatum": registratiedatum, "rechtbank": "Den Haag", **more}


def og21(nieuwe, eerdere=()):
    return {"berichtType": "Og21", "herhaling": "0", "burgerservicenummer": "999995042", "versie": "1",
            "nieuweRechtsfeiten": list(nieuwe), "eerdereRechtsfeiten": list(eerdere)}


def test_new_rechtsfeiten_in_the_order_they_were_decided_earlier_ones_as_sent():
    made = vb01.text(og21([rechtsfeit("B", "20250301"), rechtsfeit("A", "20250201"),
                           rechtsfeit("C", "20250201", "20250101")],
                          [rechtsfeit("Y", "20200101"), rechtsfeit("Z", "20210101")]))
    order = [line.split()[1] for line in made.splitlines() if line.strip().startswith("Rechtsfeit ")]
    assert order == ["C", "A", "B", "Y", "Z"]


def test_without_earlier_rechtsfeiten_no_earlier_section():
    made = vb01.text(og21([rechtsfeit("A")]))
    assert "Eerdere" not in made
    assert made.endswith("  Bij vragen, neem contact op met rechtbank Den Haag.")


def test_vorige_rechtsfeiten_as_a_list_or_a_string():
    assert "in navolging van X, Y, in categorie" in vb01.text(og21([rechtsfeit("A", vorigeRechtsfeit=["X", "Y"])]))
    assert "in navolging van X, in categorie" in vb01.text(og21([rechtsfeit("A", vorigeRechtsfeit="X")]))
    assert "in navolging van , in categorie" in vb01.text(og21([rechtsfeit("A")]))


def test_a_long_beslissing_is_wrapped_at_60_and_indented():
    tekst = " ".join(["woord"] * 30)
    made = vb01.text(og21([rechtsfeit("A", beslissingstekst=tekst)]))
    lines = made.split("  Beslissing: ")[1].split("\n  De beslissing")[0].split("\n")
    assert all(len(line) <= 60 for line in [lines[0]] + [line[2:] for line in lines[1:]])
    assert all(line.startswith("  woord") for line in lines[1:])
    assert " ".join(line.strip() for line in lines) == tekst + "."


@pytest.mark.parametrize("value, expected", [
    ("20251001", "1 oktober 2025"), ("20150101", "1 januari 2015"), ("20251200", "december 2025"),
    ("20250000", "2025"), ("00000000", "00000000"), ("20251301", "20251301"), ("20250010", "20250010"),
])
def test_dates_in_words(value, expected):
    assert vb01.datum(value) == expected


# Teletex from its rules (ITU-T T.61 as the LO uses it), character by character.

def test_every_lo3_character_has_teletex_bytes():
    from adhoc_ws.charset import ALLOWED
    for c in ALLOWED:
        assert 1 <= len(teletex(c)) <= 2, c


def test_a_composed_letter_is_a_non_spacing_accent_then_its_base_letter():
    import unicodedata
    from adhoc_ws.charset import ALLOWED
    composed = [c for c in ALLOWED if len(unicodedata.normalize("NFD", c)) == 2]
    assert len(composed) > 150
    for c in composed:
        accent, base = teletex(c)
        assert 0xC1 <= accent <= 0xCF, c
        assert chr(base) == unicodedata.normalize("NFD", c)[0], c
    # the same accent for the same diacritic, whatever the letter
    assert teletex("éÉúŃ")[::2] == b"\xc2\xc2\xc2\xc2"
    assert teletex("äöüÿ")[::2] == b"\xc8\xc8\xc8\xc8"
    assert teletex("çşţ")[::2] == b"\xcb\xcb\xcb"
    assert teletex("čšž")[::2] == b"\xcf\xcf\xcf"


def test_letters_of_their_own_are_one_byte_from_the_upper_half():
    assert teletex("ßøØæÆłŁĳĲœŒ") == bytes([0xFB, 0xF9, 0xE9, 0xF1, 0xE1, 0xF8, 0xE8, 0xF6, 0xE6,
                                           0xFA, 0xEA])
    single = [c for c in __import__("adhoc_ws.charset").charset.ALLOWED if len(teletex(c)) == 1]
    codes = {teletex(c) for c in single}
    assert len(codes) == len(single) - 1  # Ð and Đ share 0xE2, as in T.61
    assert teletex("Ð") == teletex("Đ") == b"\xe2"


def test_ascii_is_itself_except_where_t61_differs():
    plain = "".join(chr(c) for c in range(0x20, 0x7B) if chr(c) not in "#$\\^`") + "|\n\r"
    assert teletex(plain) == plain.encode("ascii")
    assert teletex("#$") == b"\xa6\xa4"  # T.61 puts these in the upper half
    assert teletex("^`~") == b"\xc3 \xc1 \xc4 "  # spacing accents: the accent over a space


@pytest.mark.parametrize("c", ["\\", "{", "}", "\x00", "\t", "\x1b", "\x7f", "€", "\u01d8", "\u1e9e", "中",
                               "\u0301", "\ud800"])
def test_what_teletex_cannot_write_is_refused_at_its_position(c):
    with pytest.raises(UnicodeEncodeError) as failed:
        teletex("ab" + c + "cd")
    assert failed.value.start == 2


def test_a_compatibility_singleton_is_written_as_its_canonical_letter():
    assert teletex("\u212b") == teletex("Å") == b"\xcaA"  # ANGSTROM SIGN
    assert teletex("\u2126") == teletex("\u03a9") == b"\xe0"  # OHM SIGN
