"""The routeringsvoorziening (W214): where an Og21 (or Og11) goes, decided from BRP-V as it
holds the persoonslijsten at that moment.

An Og21 names a minor by BSN, an Og11 a person by A-nummer. The key is looked up among the
actual persoonslijsten through the query layer (PLs opgeschort with reden W are never found)
and read through the storage layer; a PL opgeschort with reden F (fout) counts as not found.
Then, in this order:

==================  ================================================  =========================
rule                when                                              the message goes
==================  ================================================  =========================
``niet-gevonden``   no PL                                             back: Of21/Of11 ``G``
``niet-uniek``      more than one PL                                  back: Of21/Of11 ``U``
``overleden``       the PL is opgeschort with reden O                 back: Of21/Of11 ``O``,
                                                                      datum 07.67.10,
                                                                      gemeente ``0000``
``rni-opschorting`` opgeschort with reden E, M or R                   to the RNI (1999010)
``rni-gemeente``    gemeente van inschrijving (08.09.10) 1999         to the RNI (1999010)
``ingezetene``      otherwise                                         to gemeente 08.09.10:
                                                                      its code + ``010``
==================  ================================================  =========================

No age is checked (W214 asks for none). A PL opgeschort for another reason (``.``, onbekend)
is routed by its gemeente; one without a gemeente van inschrijving counts as not found.

The foutreden values are not public: :data:`FOUTREDEN`, the one table of them, follows the
LO3 sibling errors (Tf01, If01, Of11) [inferred]; so do the datum ``00000000`` and gemeente
``0000`` of the errors other than O (RvIG's Of11 example for G).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Connection

from .. import catalogue
from ..query.search import Search
from ..query.zoekwaarde import Zoekwaarde
from ..storage.reader import read_persoonslijsten

RNI_MAILBOX = 1999010
RNI_GEMEENTE = "1999"
GEMEENTE_MAILBOX = "{gemeente}010"  # a gemeente's mailbox: its 4-digit code + 010 [inferred]

# The situation -> the foutreden of the Of21/Of11 sent back [inferred: LO3 sibling errors].
FOUTREDEN = {"niet-gevonden": "G", "niet-uniek": "U", "overleden": "O"}

# berichtType -> (the field naming the person, its rubriek, the error message type)
ROUTED = {"Og21": ("burgerservicenummer", 10120, "Of21"), "Og11": ("aNummer", 10110, "Of11")}
LENGTH = {10120: 9, 10110: 10}
RNI_REDENEN = ("E", "M", "R")


@dataclass(frozen=True)
class Besluit:
    """A routing decision: the rule that fired, and either the mailbox the message goes to or
    the error message (berichtInhoud) that goes back to its sender."""

    bericht_type: str
    sleutel: str
    waarde: str
    regel: str
    a_nummers: list[str] = field(default_factory=list)
    ontvanger: int | None = None
    fout: dict | None = None


def gemeente_mailbox(gemeente: str) -> int:
    return int(GEMEENTE_MAILBOX.format(gemeente=gemeente))


def beslis(conn: Connection, bericht_type: str, inhoud: dict) -> Besluit:
    """Where a message of ``bericht_type`` (a key of :data:`ROUTED`) goes, from the PLs now."""
    sleutel, rubriek, _ = ROUTED[bericht_type]
    waarde = inhoud[sleutel]
    pls = _actual(conn, rubriek, waarde)
    a_nummers = [pl["01"][0][0].get("0110", "") for pl in pls]
    besluit = dict(bericht_type=bericht_type, sleutel=sleutel, waarde=waarde, a_nummers=a_nummers)
    if not pls:
        return _fout(besluit, "niet-gevonden")
    if len(pls) > 1:
        return _fout(besluit, "niet-uniek")
    inschrijving = _voorkomen(pls[0], "07")
    reden = inschrijving.get("6720")
    gemeente = _voorkomen(pls[0], "08").get("0910")
    if reden == "O":
        return _fout(besluit, "overleden", datum=inschrijving.get("6710") or "00000000")
    if reden in RNI_REDENEN:
        return Besluit(**besluit, regel="rni-opschorting", ontvanger=RNI_MAILBOX)
    if gemeente == RNI_GEMEENTE:
        return Besluit(**besluit, regel="rni-gemeente", ontvanger=RNI_MAILBOX)
    if not gemeente:
        return _fout(besluit, "niet-gevonden")
    return Besluit(**besluit, regel="ingezetene", ontvanger=gemeente_mailbox(gemeente))


def _actual(conn: Connection, rubriek: int, waarde: str) -> list[dict]:
    """The PLs whose actual ``rubriek`` is ``waarde``, opgeschort W (by the search) and F left
    out. A value that cannot be such a number (the schema lets an aNummer be shorter) finds none."""
    if not (waarde.isascii() and waarde.isdigit() and len(waarde) == LENGTH[rubriek]):
        return []
    search = Search.of([(catalogue.rubriek(rubriek), Zoekwaarde.parse(waarde))])
    pl_ids = search.run(conn)
    pls = read_persoonslijsten(conn, pl_ids)
    return [pls[i] for i in pl_ids if _voorkomen(pls[i], "07").get("6720") != "F"]


def _voorkomen(pl: dict, categorie: str) -> dict:
    """The actual voorkomen of a category of a PL ({} when it has none)."""
    stapels = pl.get(categorie) or [[{}]]
    return stapels[0][0]


def _fout(besluit: dict, regel: str, *, datum: str = "00000000") -> Besluit:
    fout_type = ROUTED[besluit["bericht_type"]][2]
    fout = {"berichtType": fout_type, "foutreden": FOUTREDEN[regel], "datum": datum, "gemeente": "0000",
            besluit["sleutel"]: besluit["waarde"]}
    return Besluit(**besluit, regel=regel, fout=fout)
