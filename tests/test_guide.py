"""Every example of the search guide (adhoc-webservice-zoeken), on the demo persoonslijsten.

Who is who: fixtures/README.md. Each test runs on SQLite and on PostgreSQL.
"""
import pytest

from adhoc_ws.service import AdhocService
from adhoc_ws.vraag import Vraag, Zoekparameter

VOORNAMEN, VOORVOEGSEL, GESLACHTSNAAM, GEBOORTEDATUM, GEBOORTEPLAATS = 10210, 10230, 10240, 10310, 10320
POSTCODE = 81160


@pytest.fixture(scope="module")
def service(demo_engine):
    return AdhocService(demo_engine)


def ask(service, *params, historie=False, adresvraag=False):
    """The answer as a code ("G033") or the sorted full names of the persons found."""
    answer = service.vraag(Vraag(
        masker=[10120, 10210, 10230, 10240], indicatieZoekenInHistorie=int(historie),
        parameters=[Zoekparameter(r, w) for r, w in params]), adresvraag=adresvraag)
    r = answer.resultaat
    if r.letter != "A":
        return f"{r.letter}{r.code:03d}"
    names = []
    for pl in answer.persoonslijsten:
        persoon = dict(pl[0][0][1])
        names.append(" ".join(persoon[e] for e in (210, 230, 240) if e in persoon))
    return sorted(names)


# "Extra wildcards voor de actuele voornamen en de actuele geslachtsnaam": JH Janssen, 1943

def test_janssen_on_the_wrong_geboortedatum_finds_nobody(service):
    assert ask(service, (GESLACHTSNAAM, "Janssen"), (GEBOORTEDATUM, "19430302")) == "G033"


def test_janssen_born_in_amsterdam_is_too_many(service):
    assert ask(service, (GESLACHTSNAAM, "Janssen"), (GEBOORTEPLAATS, "0363")) == "P032"


def test_initials_are_searched_literally_and_find_nobody(service):
    assert ask(service, (VOORNAMEN, "JH"), (GESLACHTSNAAM, "Janssen"),
               (GEBOORTEPLAATS, "0363")) == "G033"


def test_j_star_is_still_too_many(service):
    assert ask(service, (VOORNAMEN, "J*"), (GESLACHTSNAAM, "Janssen"),
               (GEBOORTEPLAATS, "0363")) == "P032"


def test_j_star_space_h_star_finds_the_four(service):
    assert ask(service, (VOORNAMEN, "J* H*"), (GESLACHTSNAAM, "Janssen"),
               (GEBOORTEPLAATS, "0363")) == [
        "Jan Hein Janssen", "Johannes Hendrikus Gerardus Janssen",
        "Josha Allard Harald Janssen", "Jurjen Hans Janssen"]


def test_star_gilsing_finds_names_ending_in_gilsing(service):
    assert ask(service, (GESLACHTSNAAM, "*Gilsing")) == [
        "Anouk Gilsing", "Maarten van Thoor Gilsing"]


def test_star_space_gilsing_leaves_out_the_single_name_gilsing(service):
    assert ask(service, (GESLACHTSNAAM, "* Gilsing")) == ["Maarten van Thoor Gilsing"]


def test_star_vidales_finds_it_also_past_a_voorvoegsel(service):
    assert ask(service, (GESLACHTSNAAM, "*Vidales")) == [
        "Carmen Del las Vidales", "Miguel Ángel Del las Vidales"]


def test_t_star_oma_star_slochteren(service):
    assert ask(service, (GESLACHTSNAAM, "T*oma* Slochteren")) == [
        "Willem Frederik Thomassen à Thuessink van der Hoop van Slochteren"]


# "Slim zoeken"

def test_without_capitals_case_does_not_matter(service):
    assert ask(service, (GESLACHTSNAAM, "vandenconckelaer")) == ["Pieter-Jan VanDenConckelaer"]
    assert ask(service, (GESLACHTSNAAM, "Vandenconckelaer")) == "G033"


def test_without_diacritics_diacritics_do_not_matter(service):
    assert ask(service, (VOORNAMEN, "Antonio Eugenio"), (GESLACHTSNAAM, "Nunes da Silva")) == [
        "António Eugénio Nuñes da Silva"]
    assert ask(service, (VOORNAMEN, "antonio eugenio"), (GESLACHTSNAAM, "nunes da silva")) == [
        "António Eugénio Nuñes da Silva"]


def test_muller_finds_mueller_and_mulller_too(service):
    assert ask(service, (GESLACHTSNAAM, "Muller")) == [
        "Paweł Mułłer", "Pierre Muller", "Sanne Elisabeth Müller"]


def test_a_slash_searches_the_literal_value(service):
    assert ask(service, (GESLACHTSNAAM, "/Muller")) == ["Pierre Muller"]
    assert ask(service, (GESLACHTSNAAM, "/muller")) == "G033"


def test_a_value_with_diacritics_must_match_them(service):
    assert ask(service, (GESLACHTSNAAM, "Müller")) == ["Sanne Elisabeth Müller"]
    assert ask(service, (GESLACHTSNAAM, "müller")) == ["Sanne Elisabeth Müller"]


# "Zoeken op een gedeelte van een zoekwaarde"

def test_von_star_with_and_without_the_capital(service):
    von = ask(service, (GESLACHTSNAAM, "*"), (VOORVOEGSEL, "Von*"))
    assert von == ["Friederike Von dem Bussche", "Lukas Von der Heide", "Sophie Von Gerlach"]
    assert ask(service, (GESLACHTSNAAM, "*"), (VOORVOEGSEL, "von*")) == sorted(von + [
        "Charlotte Louise von Meyenfeldt", "Hendrik von der Schulenburg"])


def test_dates_by_year_or_year_and_month(service):
    assert ask(service, (GESLACHTSNAAM, "Janssen"), (GEBOORTEDATUM, "1955*")) == "P032"
    assert ask(service, (GESLACHTSNAAM, "Janssen"), (GEBOORTEDATUM, "194302*")) == [
        "Jurjen Hans Janssen"]
    assert ask(service, (GESLACHTSNAAM, "Janssen"), (GEBOORTEDATUM, "194303*")) == "G033"


def test_a_postcode_by_its_digits(service):
    assert ask(service, (GESLACHTSNAAM, "Janssen"), (GEBOORTEDATUM, "19550701"),
               (POSTCODE, "1097*")) == ["Jan Janssen"]


# "Hoe werkt het zoeken": more parameters make the result smaller

def test_adding_a_postcode_narrows_janssen_1_juli_1955_to_one(service):
    assert ask(service, (GESLACHTSNAAM, "Janssen"), (GEBOORTEDATUM, "19550701")) == "P032"
    assert ask(service, (GESLACHTSNAAM, "Janssen"), (GEBOORTEDATUM, "19550701"),
               (POSTCODE, "1068EN")) == ["Johan Pieter Janssen"]


def test_a_bsn_finds_exactly_one(service):
    assert ask(service, (10120, "999993653")) == ["Jurjen Hans Janssen"]


# "Zoeken in historische gegevens": mevrouw Janssen, now Müller

def test_historie_finds_the_maiden_name(service):
    assert ask(service, (GESLACHTSNAAM, "Janssen"), (GEBOORTEDATUM, "19950812")) == "G033"
    assert ask(service, (GESLACHTSNAAM, "Janssen"), (GEBOORTEDATUM, "19950812"),
               historie=True) == ["Sanne Elisabeth Müller"]


# "De ad-hoc-adresvraag"

def test_adresvraag_on_a_student_house_is_too_many(service):
    assert ask(service, (POSTCODE, "9712EK"), adresvraag=True) == "P036"


def test_adresvraag_leaves_out_a_resident_who_died(service):
    assert ask(service, (10120, "999996071"), adresvraag=True) == ["Marco Hendriks", "Noor Hendriks"]
    assert ask(service, (POSTCODE, "5613DE"), (81120, "211"), adresvraag=True) == [
        "Johanna Wilhelmina Kuipers"]


def test_adresvraag_family(service):
    assert ask(service, (10120, "999995005"), adresvraag=True) == [
        "Daan de Vries", "Eva Mulder", "Sem de Vries", "Tess de Vries", "Thomas de Vries"]


def test_adresvraag_on_a_tijdelijk_verblijfadres(service):
    expected = ["Andrei Popescu", "Ewa Zielińska", "Marek Kowalczyk"]
    assert ask(service, (10120, "999997051"), adresvraag=True) == expected
    assert ask(service, (161160, "2675AB"), adresvraag=True) == expected
