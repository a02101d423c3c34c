"""Building the answer: the masker applied to each persoonslijst, plus what is always added.

Per PL the answer holds, for every stapel, the actual voorkomen (category CC) and then its
historic voorkomens (CC + 50), each with the elements the masker asks for (``10240`` asks
01.02.40 of the actual voorkomen, ``510240`` of the historic ones) and these extras, not
masked and not asked for (guide, "In het antwoord staan aanvullende gegevens"):

- opschortingsgegevens 07.67.10 and 07.67.20;
- onderzoeksgegevens (group 83) of every voorkomen that has them;
- for a niet-ingezetene (opschorting E, R or M): RNI-deelnemer (group 88) of every voorkomen
  that has it, and verificatie 07.71.10 / 07.71.20.

Voorkomens marked onjuist (84.10) are left out, as RvIG's implementation does. Elements come
in ascending number, stapels in ascending category order; a voorkomen without any element
and a stapel without any voorkomen are left out.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from . import catalogue
from .catalogue import HISTORIE_OFFSET
from .foutcodes import Fout
from .storage.mapping import Persoonslijst

# (categorienummer, [(element nummer, waarde), ...])
Categorievoorkomen = tuple[int, list[tuple[int, str]]]
Categoriestapel = list[Categorievoorkomen]
PL = list[Categoriestapel]


@dataclass(frozen=True)
class Resultaat:
    code: int
    letter: str
    omschrijving: str
    referentie: str


@dataclass(frozen=True)
class Antwoord:
    """An answer: the persoonslijsten (None: nil on the wire) and the resultaat."""

    persoonslijsten: list[PL] | None
    resultaat: Resultaat


def new_referentie() -> str:
    return str(uuid.uuid4())


def success(persoonslijsten: list[PL]) -> Antwoord:
    return Antwoord(persoonslijsten, Resultaat(0, "A", f"Aantal: {len(persoonslijsten)}.",
                                               new_referentie()))


def failure(fout: Fout, referentie: str | None = None) -> Antwoord:
    return Antwoord(None, Resultaat(fout.foutcode.code, fout.foutcode.letter, fout.omschrijving,
                                    referentie or new_referentie()))


def opschorting_reden(pl: Persoonslijst) -> str | None:
    inschrijving = pl.get("07")
    return inschrijving[0][0].get("6720") if inschrijving else None


def _extras(code: str, niet_ingezetene: bool) -> tuple[str, ...]:
    extras = catalogue.ONDERZOEK
    if code == "07":
        extras += catalogue.OPSCHORTING
    if niet_ingezetene:
        extras += catalogue.RNI + (catalogue.VERIFICATIE if code == "07" else ())
    return extras


def apply_masker(pl: Persoonslijst, masker: frozenset[int]) -> PL:
    """The answer's stapels for one PL."""
    niet_ingezetene = opschorting_reden(pl) in catalogue.NIET_INGEZETENE_REDENEN
    stapels: PL = []
    for code in sorted(pl, key=int):
        extras = _extras(code, niet_ingezetene)
        for stapel in pl[code]:
            out: Categoriestapel = []
            for index, voorkomen in enumerate(stapel):
                if "8410" in voorkomen:
                    continue
                categorienummer = int(code) + (HISTORIE_OFFSET if index else 0)
                base = categorienummer * 10000
                elementen = sorted((int(e), w) for e, w in voorkomen.items()
                                   if base + int(e) in masker or e in extras)
                if elementen:
                    out.append((categorienummer, elementen))
            if out:
                stapels.append(out)
    return stapels
