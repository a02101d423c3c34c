"""Answer building: the masker per PL, historic voorkomens as +50, and the extras."""
import uuid

from adhoc_ws.answer import apply_masker, failure, new_referentie, success
from adhoc_ws.foutcodes import Fout

from samples import niet_ingezetene, persoon


def categories(stapels):
    return [[c for c, _ in stapel] for stapel in stapels]


def elements(stapels, categorienummer):
    return [dict(e) for stapel in stapels for c, e in stapel if c == categorienummer]


def test_only_masked_rubrieken_of_the_actual_voorkomen():
    pl = persoon()
    del pl["07"], pl["08"][0][0]["8310"], pl["08"][0][0]["8320"]  # no opschorting, no onderzoek
    answer = apply_masker(pl, frozenset({10120, 10240, 81160}))
    assert categories(answer) == [[1], [8]]
    assert elements(answer, 1) == [{120: "999993653", 240: "Müller"}]
    assert elements(answer, 8) == [{1160: "1234AB"}]


def test_historic_voorkomens_answer_as_category_plus_50_after_the_actual_one():
    pl = persoon()
    answer = apply_masker(pl, frozenset({10240, 510240, 581160, 81160}))
    assert categories(answer)[0] == [1, 51]
    assert elements(answer, 51) == [{240: "Janssen"}]
    assert [c for c, _ in answer[-1]] == [8, 58]
    assert elements(answer, 58) == [{1160: "3011AD"}]


def test_one_stapel_per_occurrence_in_ascending_category_order():
    answer = apply_masker(persoon(), frozenset({10240, 40510, 90210, 120120}))
    assert categories(answer) == [[1], [4], [4], [7], [8], [9], [9]]
    assert elements(answer, 9) == [{210: "Piet"}, {210: "Klaas"}]


def test_onjuist_voorkomens_are_left_out():
    answer = apply_masker(persoon(), frozenset({540510}))
    assert elements(answer, 54) == []


def test_opschorting_and_onderzoek_are_always_added():
    answer = apply_masker(persoon(), frozenset({10240}))
    assert elements(answer, 7) == [{6710: "20200401", 6720: "O"}]
    assert elements(answer, 8) == [{8310: "089999", 8320: "20190101"}]


def test_niet_ingezetene_gets_rni_and_verificatie():
    answer = apply_masker(niet_ingezetene(), frozenset({10240}))
    assert elements(answer, 1) == [{240: "Łukasz-Øster", 8810: "0101"}]
    assert elements(answer, 7) == [{6710: "20150101", 6720: "R", 7110: "20160101",
                                    7120: "Identiteitsdocument gecontroleerd",
                                    8810: "0101", 8820: "Verdrag"}]
    assert elements(answer, 8) == [{8810: "0101"}]


def test_an_ingezetene_gets_no_rni_data():
    pl = persoon()
    pl["07"][0][0].pop("6710"), pl["07"][0][0].pop("6720")
    pl["07"][0][0].update({"7110": "20160101", "8810": "0101"})
    assert elements(apply_masker(pl, frozenset({10240})), 7) == []


def test_resultaat_texts():
    ok = success([[], []]).resultaat
    assert (ok.code, ok.letter, ok.omschrijving) == (0, "A", "Aantal: 2.")
    g = failure(Fout("G033")).resultaat
    assert (g.code, g.letter, g.omschrijving) == (33, "G", "Geen gegevens gevonden.")
    assert len(g.referentie) == 36 and g.referentie != failure(Fout("G033")).resultaat.referentie


def test_a_referentie_is_a_random_uuid_of_version_4():
    referenties = {new_referentie() for _ in range(2000)}
    assert len(referenties) == 2000
    for referentie in list(referenties)[:200]:
        parsed = uuid.UUID(referentie)
        assert str(parsed) == referentie
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
