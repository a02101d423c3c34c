"""Request validation: every foutcode a Vraag can earn before anything is searched."""
import pytest

from adhoc_ws.foutcodes import Fout
from adhoc_ws.vraag import Vraag, Zoekparameter, validate

BSN = Zoekparameter(10120, "999993653")


def vraag(*parameters, masker=(10120, 10240), **indicaties):
    return Vraag(masker=list(masker), parameters=list(parameters), **indicaties)


def fout(v, **kwargs) -> str:
    with pytest.raises(Fout) as e:
        validate(v, **kwargs)
    return f"{e.value.naam} {e.value.omschrijving}"


def test_a_good_vraag_becomes_a_zoekvraag():
    z = validate(vraag(BSN, Zoekparameter(10240, "Janssen"), indicatieZoekenInHistorie=1))
    assert z.historie and not z.adresvraag
    assert [(r.nummer, w.text) for r, w in z.parameters] == [(10120, "999993653"), (10240, "Janssen")]
    assert z.masker == {10120, 10240}


@pytest.mark.parametrize("indicaties, tag", [
    ({"indicatieAdresvraag": 2}, "indicatieAdresvraag"),
    ({"indicatieZoekenInHistorie": -1}, "indicatieZoekenInHistorie"),
])
def test_x021_indicatie_other_than_0_or_1(indicaties, tag):
    assert fout(vraag(BSN, **indicaties)) == f"X021 Ongeldige waarde voor parameter {tag}."


def test_x021_no_masker():
    assert fout(Vraag(parameters=[BSN])) == "X021 Ongeldige waarde voor parameter masker."
    assert fout(vraag(BSN, masker=())) == "X021 Ongeldige waarde voor parameter masker."


def test_x025_duplicate_masker_rubriek_written_with_six_digits():
    assert fout(vraag(BSN, masker=(50210, 10120, 50210))) == \
        "X025 Dubbel rubrieknummer in masker niet toegestaan: 050210."


def test_x024_duplicate_zoekrubriek():
    assert fout(vraag(BSN, Zoekparameter(10120, "999990019"))) == \
        "X024 Dubbel rubrieknummer in zoekcriteria niet toegestaan: 010120."


@pytest.mark.parametrize("rubriek", [999999, 10999, 510240, 570000])
def test_x018_unknown_or_historic_zoekrubriek(rubriek):
    assert fout(vraag(BSN, Zoekparameter(rubriek, "x"))) == \
        f"X018 Niet toegestaan zoekcriterium gebruikt: {rubriek:06d}."


@pytest.mark.parametrize("parameters", [
    [], [Zoekparameter(10210, "Jan")], [Zoekparameter(10240, "")],
    [Zoekparameter(10240, None), Zoekparameter(80910, "0363")],
])
def test_x019_no_person_identification(parameters):
    assert fout(vraag(*parameters)) == "X019 Geen correcte persoonsidentificatie."


@pytest.mark.parametrize("rubriek", [10110, 10120, 10310, 10240, 81160, 161160])
def test_each_identifying_rubriek_is_enough(rubriek):
    waarde = {10110: "1234567890", 10120: "999993653", 10310: "19430327"}.get(rubriek, "1234AB")
    validate(vraag(Zoekparameter(rubriek, waarde)))


def test_x020_adresvraag_without_identification():
    assert fout(vraag(Zoekparameter(10210, "Jan"), indicatieAdresvraag=1)) == \
        "X020 Geen correcte persoons- of adresidentificatie."


@pytest.mark.parametrize("parameter, expected", [
    (Zoekparameter(10120, "99999365A"), "X022 Numeriek zoekcriterium 010120 bevat geen numerieke waarde."),
    (Zoekparameter(10310, "1943-03-2"), "X022 Numeriek zoekcriterium 010310 bevat geen numerieke waarde."),
    (Zoekparameter(10240, "Jans~sen"), "X023 Zoekcriterium 010240 bevat ongeldig teken op positie 5."),
    (Zoekparameter(10240, "Müller{"), "X023 Zoekcriterium 010240 bevat ongeldig teken op positie 8."),
    (Zoekparameter(10240, "/Jans~sen"), "X023 Zoekcriterium 010240 bevat ongeldig teken op positie 6."),
    (Zoekparameter(10120, "99999365"), "X026 Onjuiste lengte voor rubriek: 010120=99999365."),
    (Zoekparameter(10230, "1234567890987654321"),
     "X026 Onjuiste lengte voor rubriek: 010230=1234567890987654321."),
])
def test_x022_x023_x026_per_zoekwaarde(parameter, expected):
    assert fout(vraag(Zoekparameter(10240, "Janssen"), parameter)
                if parameter.rubrieknummer != 10240 else vraag(parameter)) == expected


@pytest.mark.parametrize("rubriek", [999999, 570000, 10999])
def test_x017_masker_rubriek_outside_the_autorisatie(rubriek):
    assert fout(vraag(BSN, masker=(10120, rubriek))) == \
        f"X017 Geen autorisatie voor rubriek: {rubriek:06d}."


def test_the_first_failing_check_wins():
    v = vraag(Zoekparameter(10120, "abc"), Zoekparameter(10120, "x"), masker=(10120, 10120))
    assert fout(v).startswith("X025")
    v.masker = [10120]
    assert fout(v).startswith("X024")


@pytest.mark.parametrize("parameter", [
    Zoekparameter(10310, "1955*"), Zoekparameter(10310, "194405*"), Zoekparameter(10240, "*"),
    Zoekparameter(10240, "T*oma* Slochteren"), Zoekparameter(10210, "J* H*"),
    Zoekparameter(81160, "1234*"), Zoekparameter(10230, "von*"), Zoekparameter(10120, "99999*"),
    Zoekparameter(81120, "1*"), Zoekparameter(10240, "/Mul*"),
])
def test_wildcards_where_the_guide_allows_them(parameter):
    validate(vraag(Zoekparameter(10240, "Janssen"), parameter)
             if parameter.rubrieknummer != 10240 else vraag(parameter))


@pytest.mark.parametrize("parameter, expected", [
    (Zoekparameter(10310, "19770*"), "X022 Numeriek zoekcriterium 010310 bevat geen numerieke waarde."),
    (Zoekparameter(10310, "19*"), "X022 Numeriek zoekcriterium 010310 bevat geen numerieke waarde."),
    (Zoekparameter(10120, "9*9"), "X022 Numeriek zoekcriterium 010120 bevat geen numerieke waarde."),
    (Zoekparameter(81110, "*straat"), "X023 Zoekcriterium 081110 bevat ongeldig teken op positie 1."),
    (Zoekparameter(10230, "v*n*"), "X023 Zoekcriterium 010230 bevat ongeldig teken op positie 2."),
    (Zoekparameter(81160, "1234ABC*"), "X026 Onjuiste lengte voor rubriek: 081160=1234ABC*."),
])
def test_wildcards_where_the_guide_does_not_allow_them(parameter, expected):
    assert fout(vraag(Zoekparameter(10240, "Janssen"), parameter)) == expected
