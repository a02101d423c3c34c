"""The result codes of the Ad hoc webservice: letter, number and omschrijving.

Texts are those of the search guide's table ("Foutcode en -omschrijving"), ending with a full
stop; rubrieken are written with six digits (``050210``), as production writes them.
An answer carries the code split in ``letter`` and ``code``: G033 -> ``G`` and ``33``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .catalogue import format_rubriek


@dataclass(frozen=True)
class Foutcode:
    letter: str
    code: int
    omschrijving: str

    @property
    def naam(self) -> str:
        return f"{self.letter}{self.code:03d}"


def _table(*rows) -> dict[str, Foutcode]:
    codes = [Foutcode(letter, code, text) for letter, code, text in rows]
    return {c.naam: c for c in codes}


FOUTCODES = _table(
    ("G", 33, "Geen gegevens gevonden"),
    ("P", 32, "Te veel zoekresultaten"),
    ("P", 36, "Resultaat te groot, te veel personen op 1 adres"),
    ("R", 34, "Geen van de gevonden persoonslijsten voldoet aan de voorwaardenregel"),
    ("T", 31, "Zoekproces afgebroken"),
    ("X", 1, "Technische fout"),
    ("X", 10, "Ongeldige combinatie gebruikersnaam/wachtwoord"),
    ("X", 11, "Service is niet geactiveerd voor dit account"),
    ("X", 12, "Wachtwoord verlopen"),
    ("X", 13, "Geen actuele autorisatietabelregel"),
    ("X", 14, "Niet geautoriseerd voor ad-hoc-vragen"),
    ("X", 15, "Niet adresvraagbevoegd"),
    ("X", 17, "Geen autorisatie voor rubriek: {rubriek}"),
    ("X", 18, "Niet toegestaan zoekcriterium gebruikt: {rubriek}"),
    ("X", 19, "Geen correcte persoonsidentificatie"),
    ("X", 20, "Geen correcte persoons- of adresidentificatie"),
    ("X", 21, "Ongeldige waarde voor parameter {parameter}"),
    ("X", 22, "Numeriek zoekcriterium {rubriek} bevat geen numerieke waarde"),
    ("X", 23, "Zoekcriterium {rubriek} bevat ongeldig teken op positie {positie}"),
    ("X", 24, "Dubbel rubrieknummer in zoekcriteria niet toegestaan: {rubriek}"),
    ("X", 25, "Dubbel rubrieknummer in masker niet toegestaan: {rubriek}"),
    ("X", 26, "Onjuiste lengte voor rubriek: {rubriek}={waarde}"),
    ("Z", 37, "Geen persoonslijsten die aan de verstrekkingscondities voldoen"),
    # changePassword: not in the guide. The codes are those the public clients treat as "not
    # changed" (101, 110-114, brp-amsterdam-api); the texts say which rule was broken.
    ("X", 101, "Geen nieuw wachtwoord opgegeven"),
    ("X", 110, "Wachtwoord moet 10 tot 64 tekens lang zijn"),
    ("X", 111, "Wachtwoord bevat een teken dat niet is toegestaan"),
    ("X", 112, "Wachtwoord moet tekens bevatten uit minstens drie van: hoofdletters, kleine "
               "letters, cijfers, overige tekens"),
    ("X", 113, "Wachtwoord mag geen reeks van vier opeenvolgende tekens bevatten"),
    ("X", 114, "Nieuw wachtwoord moet verschillen van het huidige"),
)


class Fout(Exception):
    """A request that ends in a foutcode; ``omschrijving`` is the text for the answer."""

    def __init__(self, naam: str, **args):
        self.foutcode = FOUTCODES[naam]
        if "rubriek" in args and isinstance(args["rubriek"], int):
            args["rubriek"] = format_rubriek(args["rubriek"])
        self.args_ = args
        super().__init__(self.omschrijving)

    @property
    def omschrijving(self) -> str:
        return self.foutcode.omschrijving.format(**self.args_) + "."

    @property
    def naam(self) -> str:
        return self.foutcode.naam
