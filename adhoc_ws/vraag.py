"""A Vraag as it arrives, and its validation into a Zoekvraag (or a foutcode).

The checks and their order follow RvIG's own implementation of the ad hoc question
(OperatieBRP, see ``lo3-notes.md`` §4.4), with the codes of the search guide:

1. X021  an indicatie other than nil, 0 or 1; historie in an adresvraag; no masker
2. X025  the same rubriek twice in the masker
3. X024  the same rubriek twice among the zoekparameters
4. X018  a zoekrubriek that may not be searched on (unknown, historic, or outside the autorisatie)
5. X019  no identifying rubriek with a value; for an adresvraag neither a person nor an address
   identification is X020, and category 08 with 16 in an address identification is X018
6. X022 / X023 / X026  per zoekwaarde: not numeric, a character outside the LO3 repertoire
   (position counted as T.61 does), a length outside the element's range; a ``*`` where the
   guide allows none is X022 in a numeric rubriek and X023 (its position) in another, a date
   wildcard after anything but the year or the year and month is X022
7. X017  a masker rubriek outside the autorisatie (for the open afnemer: outside the catalogue).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import catalogue
from .afnemer import OPEN, Afnemer
from .catalogue import Rubriek
from .foutcodes import Fout
from .charset import t61_position
from .query.zoekwaarde import WILDCARD, Zoekwaarde
from .values import INVALID_CHARACTER, NOT_NUMERIC, WRONG_LENGTH, Problem, check


@dataclass
class Zoekparameter:
    rubrieknummer: int
    zoekwaarde: str | None


@dataclass
class Vraag:
    """The ``Vraag`` of the contract, as plain Python values (None for nil or absent)."""

    indicatieAdresvraag: int | None = None
    indicatieZoekenInHistorie: int | None = None
    masker: list[int] | None = None
    parameters: list[Zoekparameter] | None = None


@dataclass(frozen=True)
class Zoekvraag:
    """A validated question: what to search, how, and what to answer."""

    adresvraag: bool
    historie: bool
    masker: frozenset[int]
    parameters: tuple[tuple[Rubriek, Zoekwaarde], ...] = field(default_factory=tuple)
    adresidentificatie: bool = False


def validate(vraag: Vraag, *, adresvraag: bool = False, afnemer: Afnemer = OPEN) -> Zoekvraag:
    """The Zoekvraag of ``vraag``, or :class:`Fout` with the first foutcode that applies."""
    for tag in ("indicatieAdresvraag", "indicatieZoekenInHistorie"):
        if getattr(vraag, tag) not in (None, 0, 1):
            raise Fout("X021", parameter=tag)
    adresvraag = adresvraag or vraag.indicatieAdresvraag == 1
    if adresvraag and vraag.indicatieZoekenInHistorie == 1:
        raise Fout("X021", parameter="indicatieZoekenInHistorie")  # the guide: not for adresvraag
    if not vraag.masker:
        raise Fout("X021", parameter="masker")

    masker = frozenset(vraag.masker)
    if len(masker) < len(vraag.masker):
        _no_duplicates(vraag.masker, "X025")
    parameters = vraag.parameters or []
    _no_duplicates([p.rubrieknummer for p in parameters], "X024")
    rubrieken = []
    for p in parameters:
        rubriek = catalogue.rubriek(p.rubrieknummer)
        if rubriek is None or rubriek.historic or not afnemer.may_search(rubriek):
            raise Fout("X018", rubriek=p.rubrieknummer)
        rubrieken.append(rubriek)

    zoekwaarden = [Zoekwaarde.parse(p.zoekwaarde) for p in parameters]
    adresidentificatie = adresvraag and _address_identification(rubrieken, zoekwaarden)
    if not adresidentificatie and not any(
            r.person_identifying and not z.empty for r, z in zip(rubrieken, zoekwaarden)):
        raise Fout("X020" if adresvraag else "X019")
    for rubriek, zoekwaarde in zip(rubrieken, zoekwaarden):
        _check_zoekwaarde(rubriek, zoekwaarde)

    if not (masker <= catalogue.NUMMERS and afnemer.may_ask_all(masker)):
        raise Fout("X017", rubriek=next(n for n in vraag.masker if n not in catalogue.NUMMERS
                                        or not afnemer.may_ask(catalogue.rubriek(n))))
    return Zoekvraag(adresvraag=adresvraag, historie=vraag.indicatieZoekenInHistorie == 1,
                     masker=masker, parameters=tuple(zip(rubrieken, zoekwaarden)),
                     adresidentificatie=adresidentificatie)


def _address_identification(rubrieken: list[Rubriek], zoekwaarden: list[Zoekwaarde]) -> bool:
    """Whether an adresvraag identifies an address (entry 2) rather than a person (entry 1).

    The guide: when every rubriek used lies within the address identification, it is one
    (postcode alone included), provided one identifying address rubriek has a value. Category
    08 and 16 cannot be combined: the first rubriek of the other category is X018.
    """
    if not rubrieken or not all(r.address_identifying or r.address_refining for r in rubrieken):
        return False
    if not any(r.address_identifying and not z.empty for r, z in zip(rubrieken, zoekwaarden)):
        return False
    categorie = rubrieken[0].categorie.nummer
    for rubriek in rubrieken:
        if rubriek.categorie.nummer != categorie:
            raise Fout("X018", rubriek=rubriek.nummer)
    return True


def _no_duplicates(nummers: list[int], foutcode: str) -> None:
    seen = set()
    for nummer in nummers:
        if nummer in seen:
            raise Fout(foutcode, rubriek=nummer)
        seen.add(nummer)


def _check_zoekwaarde(rubriek: Rubriek, zoekwaarde: Zoekwaarde) -> None:
    if zoekwaarde.empty:
        return
    element, nummer = rubriek.element, rubriek.nummer
    if zoekwaarde.wildcard:
        if not zoekwaarde.prefix_only and nummer not in catalogue.FREE_WILDCARD:
            if element.numeric:
                raise Fout("X022", rubriek=nummer)
            misplaced = zoekwaarde.text.index(WILDCARD)
            raise Fout("X023", rubriek=nummer,
                       positie=t61_position(zoekwaarde.text, misplaced) + zoekwaarde.offset)
        if element.is_date and len(zoekwaarde.stem) not in (4, 6):
            raise Fout("X022", rubriek=nummer)  # a date by year (1955*) or year and month
    problem = check(element, zoekwaarde.stem if element.numeric else zoekwaarde.text,
                    length=not zoekwaarde.wildcard)
    if problem is None and zoekwaarde.wildcard and len(zoekwaarde.stem) > element.max_length:
        problem = Problem(WRONG_LENGTH)
    if problem is None:
        return
    if problem.kind == NOT_NUMERIC:
        raise Fout("X022", rubriek=nummer)
    if problem.kind == INVALID_CHARACTER:
        raise Fout("X023", rubriek=nummer, positie=problem.position + zoekwaarde.offset)
    assert problem.kind == WRONG_LENGTH
    raise Fout("X026", rubriek=nummer, waarde=zoekwaarde.raw)
