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

import os
from dataclasses import dataclass
from functools import lru_cache

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
    """A random UUID (version 4, RFC 4122) as ``str(uuid.uuid4())`` writes it, in a fifth of
    its time."""
    value = bytearray(os.urandom(16))
    value[6] = value[6] & 0x0F | 0x40  # version 4
    value[8] = value[8] & 0x3F | 0x80  # the variant of RFC 4122
    h = value.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def success(persoonslijsten: list[PL]) -> Antwoord:
    return Antwoord(persoonslijsten, Resultaat(0, "A", f"Aantal: {len(persoonslijsten)}.",
                                               new_referentie()))


def failure(fout: Fout, referentie: str | None = None) -> Antwoord:
    return Antwoord(None, Resultaat(fout.foutcode.code, fout.foutcode.letter, fout.omschrijving,
                                    referentie or new_referentie()))


def opschorting_reden(pl: Persoonslijst) -> str | None:
    inschrijving = pl.get("07")
    return inschrijving[0][0].get("6720") if inschrijving else None


@lru_cache(maxsize=256)
def _shown(masker: frozenset[int], niet_ingezetene: bool) -> dict[int, dict[str, int]]:
    """Category number (actual or historic) -> the elements an answer shows of its voorkomens,
    those the masker asks for and the extras, each with its number (``"0240"``: 240)."""
    asked: dict[int, set[str]] = {}
    for nummer in masker:
        asked.setdefault(nummer // 10000, set()).add(f"{nummer % 10000:04d}")
    shown = {}
    for categorie in catalogue.CATEGORIES.values():
        extras = set(catalogue.ONDERZOEK)
        if categorie.nummer == 7:
            extras.update(catalogue.OPSCHORTING)
        if niet_ingezetene:
            extras.update(catalogue.RNI + (catalogue.VERIFICATIE if categorie.nummer == 7 else ()))
        for categorienummer in (categorie.nummer, categorie.nummer + HISTORIE_OFFSET):
            shown[categorienummer] = {e: int(e) for e in extras | asked.get(categorienummer, set())}
    return shown


def apply_masker(pl: Persoonslijst, masker: frozenset[int]) -> PL:
    """The answer's stapels for one PL."""
    shown = _shown(masker, opschorting_reden(pl) in catalogue.NIET_INGEZETENE_REDENEN)
    stapels: PL = []
    for code in sorted(pl, key=int):
        nummer = int(code)
        for stapel in pl[code]:
            out: Categoriestapel = []
            for index, voorkomen in enumerate(stapel):
                if "8410" in voorkomen:
                    continue
                categorienummer = nummer + HISTORIE_OFFSET if index else nummer
                numbers = shown[categorienummer]
                elementen = [(numbers[e], voorkomen[e]) for e in sorted(voorkomen.keys() & numbers.keys())]
                if elementen:
                    out.append((categorienummer, elementen))
            if out:
                stapels.append(out)
    return stapels
