"""The adresvraag, both entries, on both backends (guide: "De ad-hoc-adresvraag")."""
import itertools

import pytest

from adhoc_ws.service import AdhocService
from adhoc_ws.storage.writer import Writer
from adhoc_ws.vraag import Vraag, Zoekparameter

_numbers = itertools.count(1)


def _pl(naam, adres=None, *, reden=None, tijdelijk=None, functie="W"):
    n = next(_numbers)
    pl = {"01": [[{"0110": f"{5000000000 + n}", "0120": f"{800000000 + n}", "0210": "Test",
                   "0240": naam, "0310": "19800101"}]]}
    if adres:
        pl["08"] = [[{"0910": "0363", "1010": functie, **adres}]]
    elif reden in ("E", "R", "M"):
        pl["08"] = [[{"0910": "1999", "1310": "5010", "1330": "Rue de la Loi 1"}]]
    if reden:
        pl["07"] = [[{"6710": "20200101", "6720": reden}]]
    if tijdelijk:
        pl["16"] = [[{"0910": "0363", "1010": "W", **tijdelijk}]]
    return pl


def _adres(straat, nummer, postcode, bag=None):
    a = {"1110": straat, "1120": str(nummer), "1160": postcode, "1170": "Amsterdam"}
    if bag:
        a.update({"1180": f"036301{bag:010d}", "1190": f"036320{bag:010d}"})
    return a


DORPSSTRAAT_1 = _adres("Dorpsstraat", 1, "1234AB", bag=1)
SEIZOEN = _adres("Seizoenstraat", 5, "1099ZZ", bag=9)
PEOPLE = {
    "vader": _pl("Gezin", DORPSSTRAAT_1), "moeder": _pl("Gezin", DORPSSTRAAT_1),
    "kind": _pl("Gezin", DORPSSTRAAT_1), "opa": _pl("Gezin", DORPSSTRAAT_1, reden="O"),
    "brief": _pl("Postbus", DORPSSTRAAT_1, functie="B"),
    # the same nummeraanduiding, the address otherwise registered without postcode
    "zonder postcode": _pl("Gezin", {k: v for k, v in DORPSSTRAAT_1.items() if k != "1160"}),
    "buurman": _pl("Buur", _adres("Dorpsstraat", 3, "1234AB", bag=3)),
    "kerkpad a": _pl("Kerk", _adres("Kerkpad", 2, "1500AA")),
    "kerkpad b": _pl("Kerk", _adres("Kerkpad", 2, "1500AA")),
    "kerkpad 4": _pl("Kerk", _adres("Kerkpad", 4, "1500AA")),
    "seizoen ingezetene": _pl("Vast", SEIZOEN),
    "rni 1": _pl("Seizoen", reden="R", tijdelijk=SEIZOEN),
    "rni 2": _pl("Seizoen", reden="E", tijdelijk=SEIZOEN),
    "rni 3": _pl("Seizoen", reden="R", tijdelijk=SEIZOEN),
    "rni elders": _pl("Seizoen", reden="R", tijdelijk=_adres("Havenweg", 1, "3011AA", bag=7)),
    "rni zonder adres": _pl("Ver", reden="E"),
    **{f"student {i}": _pl(f"Student{i}", _adres("Studentenweg", 10, "9711AA", bag=10))
       for i in range(31)},
}
BSN = {name: pl["01"][0][0]["0120"] for name, pl in PEOPLE.items()}
NAME = {bsn: name for name, bsn in BSN.items()}


@pytest.fixture(scope="module")
def service(backend):
    engine = backend.new_engine()
    with engine.begin() as conn:
        Writer(conn).write(list(PEOPLE.values()))
    return AdhocService(engine)


def adresvraag(service, *params, operation=True, **indicaties):
    vraag = Vraag(masker=[10120, 10240], parameters=[Zoekparameter(r, w) for r, w in params],
                  **indicaties)
    if operation:
        answer = service.vraag(vraag, adresvraag=True)
    else:
        vraag.indicatieAdresvraag = 1
        answer = service.vraag(vraag)
    r = answer.resultaat
    if r.letter != "A":
        return f"{r.letter}{r.code:03d}"
    return sorted(NAME[dict(pl[0][0][1])[120]] for pl in answer.persoonslijsten)


FAMILY = sorted(["vader", "moeder", "kind", "brief", "zonder postcode"])


@pytest.mark.parametrize("operation", [True, False], ids=["adresvraag", "vraag+indicatie"])
def test_entry_1_a_person_gives_everyone_on_their_address(service, operation):
    assert adresvraag(service, (10120, BSN["kind"]), operation=operation) == FAMILY


def test_overledenen_are_never_residents(service):
    assert "opa" not in adresvraag(service, (10120, BSN["vader"]))
    assert adresvraag(service, (10120, BSN["opa"])) == FAMILY  # but their address counts


def test_entry_2_an_address_gives_everyone_on_it(service):
    assert adresvraag(service, (81160, "1234AB"), (81120, "1")) == FAMILY
    assert adresvraag(service, (81190, "0363200000000001")) == FAMILY
    assert adresvraag(service, (81180, "0363010000000001")) == FAMILY


def test_postcode_alone_is_an_address_identification(service):
    assert adresvraag(service, (81160, "1234AB")) == sorted(FAMILY + ["buurman"])


def test_an_address_identification_is_refined_by_functie_adres(service):
    assert adresvraag(service, (81160, "1234AB"), (81120, "1"), (81010, "W")) == \
        sorted(set(FAMILY) - {"brief"})


def test_without_bag_identification_the_whole_address_decides(service):
    assert adresvraag(service, (10120, BSN["kerkpad a"])) == ["kerkpad a", "kerkpad b"]
    assert adresvraag(service, (81110, "Kerkpad")) == ["kerkpad 4", "kerkpad a", "kerkpad b"]


def test_more_than_30_residents_is_p036(service):
    assert adresvraag(service, (10120, BSN["student 0"])) == "P036"
    assert adresvraag(service, (81160, "9711AA")) == "P036"
    assert adresvraag(service, (81190, "0363200000000010")) == "P036"


def test_a_niet_ingezetene_gives_the_niet_ingezetenen_on_the_tijdelijk_verblijfadres(service):
    assert adresvraag(service, (10120, BSN["rni 2"])) == ["rni 1", "rni 2", "rni 3"]
    assert adresvraag(service, (161160, "1099ZZ")) == ["rni 1", "rni 2", "rni 3"]
    assert adresvraag(service, (81160, "1099ZZ")) == ["seizoen ingezetene"]
    assert adresvraag(service, (10120, BSN["seizoen ingezetene"])) == ["seizoen ingezetene"]


def test_a_niet_ingezetene_abroad_only_has_no_residents(service):
    assert adresvraag(service, (10120, BSN["rni zonder adres"])) == "G033"


def test_categories_08_and_16_cannot_be_combined(service):
    assert adresvraag(service, (81160, "1099ZZ"), (161120, "5")) == "X018"


def test_neither_person_nor_address_identification_is_x020(service):
    assert adresvraag(service, (81120, "1")) == "X020"
    assert adresvraag(service, (10210, "Test")) == "X020"


def test_historie_is_not_for_the_adresvraag(service):
    assert adresvraag(service, (10120, BSN["kind"]), indicatieZoekenInHistorie=1) == "X021"


def test_a_person_identification_finding_more_than_10_is_p032(service):
    assert adresvraag(service, (10310, "19800101")) == "P032"


def test_unknown_address_is_g033(service):
    assert adresvraag(service, (81160, "0000XX")) == "G033"
