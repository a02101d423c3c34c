"""An afnemer and its autorisatie: what it may search on, ask for, and receive."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .catalogue import Rubriek
from .voorwaarderegel import Voorwaarderegel


@dataclass(frozen=True)
class Afnemer:
    """An afnemer as its current autorisatie (Tabel 35) describes it.

    ``zoekrubrieken`` and ``rubrieken`` None mean every rubriek of the catalogue (the built-in
    open afnemer of ``serve --open``). ``gemeente_code`` (``lo3_autorisatie.gemeente_code``)
    is the gemeente the afnemer is, if any: a gemeente may use the bewoning API for the
    adresseerbare objecten within it. ``ad_hoc_medium`` is 35.95.67 as stored, ``codes`` the
    entries of 35.95.60 that are no rubriek but a code, such as ``AXBW01`` (bewoning, for an
    afnemer that is no gemeente).
    """

    afnemersindicatie: str
    naam: str
    adhoc: bool = True
    adresvraag: bool = True
    zoekrubrieken: frozenset[int] | None = None
    rubrieken: frozenset[int] | None = None
    voorwaarderegel: Voorwaarderegel | None = None
    mijn_overheid: bool = False
    datum_ingang: int | None = None
    datum_einde: int | None = None
    gemeente_code: int | None = None
    ad_hoc_medium: str | None = None
    codes: frozenset[str] = frozenset()

    def may_search(self, rubriek: Rubriek) -> bool:
        return self.zoekrubrieken is None or rubriek.nummer in self.zoekrubrieken

    def may_ask(self, rubriek: Rubriek) -> bool:
        return self.rubrieken is None or rubriek.nummer in self.rubrieken

    def may_ask_all(self, nummers: frozenset[int]) -> bool:
        """Whether every one of these rubrieknummers may be asked (all known to the catalogue)."""
        return self.rubrieken is None or nummers <= self.rubrieken

    def is_current(self, today: dt.date) -> bool:
        """Whether the autorisatie applies today (35.99.98 datum ingang, 35.99.99 beëindiging)."""
        day = int(today.strftime("%Y%m%d"))
        return (self.datum_ingang is None or self.datum_ingang <= day) and \
            (self.datum_einde is None or self.datum_einde > day)


OPEN = Afnemer("000000", "open afnemer (serve --open)")
