"""Building persoonslijsten for bewoning tests, in the words of the rules.

    jan = persoon("000000024", woont(adres(OBJECT), "20100101"), woont(adres(OTHER), "20150301"))
    load(engine, jan)

Verblijfplaatsen are given oldest first; the builder stores them as LO3 does (actual first).
Everything goes through the normal loader, so the tables hold what a real load would.
"""
from __future__ import annotations

import itertools

from adhoc_ws.storage import loader

_huisnummers = itertools.count(1)
_objects = itertools.count(1)


def new_object(gemeente: str = "0518") -> str:
    """A fresh 16-digit identificatiecode verblijfplaats."""
    return f"{gemeente}01{next(_objects):010d}"


def adres(object_id: str | None, *, gemeente: str = "0518", huisnummer: str | None = None,
          nummeraanduiding: str | None = None, straat: str = "Dorpsstraat") -> dict:
    """The 08 elements of an adres; ``object_id`` None is an adres without BAG identification."""
    nummer = huisnummer or str(next(_huisnummers))
    result = {"0910": gemeente, "1110": straat, "1115": straat, "1120": nummer, "1160": "2511AB",
              "1170": "Den Haag"}
    if object_id:
        result["1180"] = object_id
        result["1190"] = nummeraanduiding or f"{object_id[:4]}20{object_id[6:]}"
    return result


def woont(adres: dict, aanvang: str, *, functie: str = "W", aangifte: str = "I",
          onderzoek: tuple[str, ...] = (), onjuist: bool = False) -> dict:
    """A verblijfplaats voorkomen: ``onderzoek`` is (83.10, 83.20[, 83.30])."""
    voorkomen = {**adres, "1010": functie, "1030": aanvang, "7210": aangifte}
    voorkomen.update(zip(("8310", "8320", "8330"), onderzoek))
    if onjuist:
        voorkomen["8410"] = "O"
    return voorkomen


def buitenland(datum: str, land: str = "5010") -> dict:
    """Emigration: a verblijfplaats voorkomen with an adres buitenland from ``datum`` (13.20)."""
    return {"0910": "1999", "1310": land, "1320": datum, "1330": "Rue de la Loi 16"}


def persoon(bsn: str, *verblijven: dict, voornamen: str = "Jan", geslachtsnaam: str = "Jansen",
            voorvoegsel: str | None = None, titel: str | None = None, geslacht: str = "M",
            geboren: str = "19800101", geheim: str | None = None,
            opschorting: tuple[str, str] | None = None, kinderen: tuple[str, ...] = (),
            vorige_namen: tuple[str, ...] = ()) -> dict:
    """A persoonslijst. ``opschorting`` is (67.10, 67.20); ``kinderen`` BSNs of kinderen (09)."""
    p = {"0110": f"1{int(bsn):09d}", "0120": bsn, "0210": voornamen, "0240": geslachtsnaam,
         "0310": geboren, "0410": geslacht}
    if voorvoegsel:
        p["0230"] = voorvoegsel
    if titel:
        p["0220"] = titel
    pl = {"01": [[p] + [{**p, "0240": naam} for naam in vorige_namen]]}
    inschrijving = {"6810": "19900101"}
    if geheim is not None:
        inschrijving["7010"] = geheim
    if opschorting:
        inschrijving["6710"], inschrijving["6720"] = opschorting
    pl["07"] = [[inschrijving]]
    if verblijven:
        pl["08"] = [list(reversed(verblijven))]
    if kinderen:
        pl["09"] = [[{"0120": k, "0210": "Kind", "0240": geslachtsnaam, "0310": "20100101"}]
                    for k in kinderen]
    return pl


def load(engine, *pls: dict) -> None:
    loader.load_checked(engine, [("test", loader.validate({"persoonslijsten": list(pls)}))])
