"""Reading, for one adresseerbaar object, everyone who ever lived there, with their history.

Three statements: the adressen with the identificatiecode verblijfplaats (11.80), the
persoonslijsten with a verblijfplaats on one of them, and of those the whole verblijfplaats
history plus the persoon and inschrijving data the rules and the answer need. Onjuist
voorkomens are left out here, so the rules never see them.

Rows may have been written by anything (a GBA-V dump, test steps inserting into the ``lo3_*``
tables, SQLite keeping whatever type it was given), so every value is read through
:class:`Reading`: one that cannot be read counts as unknown (a date as wholly unknown, a
number or text as absent; a row without a readable key is left out), and each request logs
once which columns held such values, never the values themselves.
"""
from __future__ import annotations

import logging
from collections import Counter

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Engine

from ..storage.schema import lo3_adres, lo3_pl, lo3_pl_persoon, lo3_pl_verblijfplaats as v
from . import BewoningVraag, Uitkomst
from .compose import Persoon, Verblijf, bewoningen, lo3_datum

log = logging.getLogger(__name__)

_ADRESSEN = select(lo3_adres.c.adres_id, lo3_adres.c.gemeente_code).where(
    lo3_adres.c.verblijf_plaats_ident_code == bindparam("id"))
_PL_IDS = select(v.c.pl_id, v.c.onjuist_ind).where(v.c.adres_id.in_(bindparam("adressen", expanding=True)))
_VERBLIJVEN = (
    select(v.c.pl_id, v.c.volg_nr, v.c.adres_functie, v.c.adreshouding_start_datum, v.c.vertrek_datum,
           v.c.onderzoek_gegevens_aand, v.c.onderzoek_start_datum, v.c.onderzoek_eind_datum,
           v.c.onjuist_ind, lo3_adres.c.verblijf_plaats_ident_code)
    .select_from(v.outerjoin(lo3_adres, lo3_adres.c.adres_id == v.c.adres_id))
    .where(v.c.pl_id.in_(bindparam("pl_ids", expanding=True)))
)
_p = lo3_pl_persoon.c
_PERSONEN = (
    select(lo3_pl.c.pl_id, lo3_pl.c.geheim_ind, lo3_pl.c.bijhouding_opschort_datum,
           lo3_pl.c.bijhouding_opschort_reden, _p.burger_service_nr, _p.voor_naam, _p.diak_voor_naam,
           _p.titel_predicaat, _p.geslachts_naam_voorvoegsel, _p.geslachts_naam, _p.diak_geslachts_naam,
           _p.geboorte_datum, _p.geslachts_aand)
    .select_from(lo3_pl.join(lo3_pl_persoon, and_(
        _p.pl_id == lo3_pl.c.pl_id, _p.persoon_type == "P", _p.stapel_nr == 0, _p.volg_nr == 0)))
    .where(lo3_pl.c.pl_id.in_(bindparam("pl_ids", expanding=True)))
)
MAX_KEY = 2**63


class Reading:
    """Reads stored values as the rules need them, counting those that cannot be read."""

    def __init__(self):
        self.unreadable: Counter = Counter()  # "table.column" -> values read as unknown

    def _bad(self, column) -> None:
        self.unreadable[f"{column.table.name}.{column.name}"] += 1

    def number(self, value, column, top: int = MAX_KEY) -> int | None:
        """A whole number 0 … ``top`` - 1; anything else (text, a fraction, out of range) None."""
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < top:
            return value
        self._bad(column)
        return None

    def datum(self, value, column) -> int | None:
        """An LO3 date; one that is no LO3 date (``201000000``, text, …) is wholly unknown: 0."""
        if value is None:
            return None
        if lo3_datum(value) is None:
            self._bad(column)
            return 0
        return value

    def text(self, value, column) -> str | None:
        """Text without surrounding blanks (None when empty); anything but text None."""
        if value is None:
            return None
        if not isinstance(value, str):
            self._bad(column)
            return None
        return value.strip() or None

    def report(self) -> None:
        """Log once which columns held unreadable values, and how many (never the values)."""
        if self.unreadable:
            log.warning("bewoning: stored values that cannot be read were taken as unknown: %s",
                        ", ".join(f"{name} ({count})" for name, count in sorted(self.unreadable.items())))


def personen(engine: Engine, object_id: str) -> tuple[set[int] | None, list[Persoon]]:
    """The gemeenten of the object's adressen (None when it has none: an unknown object), and
    every person with a verblijfplaats on it."""
    reading = Reading()
    try:
        return _personen(engine, object_id, reading)
    finally:
        reading.report()


def _personen(engine: Engine, object_id: str, reading: Reading) -> tuple[set[int] | None, list[Persoon]]:
    a, c, p = lo3_adres.c, v.c, lo3_pl.c
    with engine.connect() as conn:
        adressen = conn.execute(_ADRESSEN, {"id": object_id}).all()
        if not adressen:
            return None, []
        gemeenten = {reading.number(g, a.gemeente_code, 10000) for _, g in adressen} - {None}
        pl_ids = sorted({pl_id for pl_id, onjuist in conn.execute(_PL_IDS, {"adressen": [i for i, _ in adressen]})
                         if reading.number(pl_id, c.pl_id) is not None
                         and not reading.text(onjuist, c.onjuist_ind)})
        if not pl_ids:
            return gemeenten, []
        found = {}
        for r in conn.execute(_PERSONEN, {"pl_ids": pl_ids}):
            found[r.pl_id] = Persoon(
                pl_id=r.pl_id, bsn=reading.number(r.burger_service_nr, _p.burger_service_nr, 10**9),
                voornamen=reading.text(r.diak_voor_naam, _p.diak_voor_naam)
                or reading.text(r.voor_naam, _p.voor_naam),
                titel=reading.text(r.titel_predicaat, _p.titel_predicaat),
                voorvoegsel=reading.text(r.geslachts_naam_voorvoegsel, _p.geslachts_naam_voorvoegsel),
                geslachtsnaam=reading.text(r.diak_geslachts_naam, _p.diak_geslachts_naam)
                or reading.text(r.geslachts_naam, _p.geslachts_naam),
                geboortedatum=reading.datum(r.geboorte_datum, _p.geboorte_datum),
                geslacht=reading.text(r.geslachts_aand, _p.geslachts_aand),
                geheim=reading.number(r.geheim_ind, p.geheim_ind, 10),
                opschorting_datum=reading.datum(r.bijhouding_opschort_datum, p.bijhouding_opschort_datum),
                opschorting_reden=reading.text(r.bijhouding_opschort_reden, p.bijhouding_opschort_reden))
        rows = []
        for r in conn.execute(_VERBLIJVEN, {"pl_ids": pl_ids}):
            volg_nr = reading.number(r.volg_nr, c.volg_nr)
            if volg_nr is None or r.pl_id not in found or reading.text(r.onjuist_ind, c.onjuist_ind):
                continue  # no place in the history without a volg_nr; onjuist: never used
            rows.append((r.pl_id, -volg_nr, r))
    for pl_id, _, r in sorted(rows, key=lambda row: row[:2]):
        aanvang = reading.datum(r.adreshouding_start_datum, c.adreshouding_start_datum)
        if aanvang is None:
            aanvang = reading.datum(r.vertrek_datum, c.vertrek_datum)
        found[pl_id].verblijven.append(Verblijf(
            object=reading.text(r.verblijf_plaats_ident_code, a.verblijf_plaats_ident_code),
            functie=reading.text(r.adres_functie, c.adres_functie), aanvang=aanvang,
            onderzoek=reading.number(r.onderzoek_gegevens_aand, c.onderzoek_gegevens_aand, 10**6),
            onderzoek_start=reading.datum(r.onderzoek_start_datum, c.onderzoek_start_datum),
            onderzoek_eind=reading.datum(r.onderzoek_eind_datum, c.onderzoek_eind_datum)))
    return gemeenten, list(found.values())


def zoek_bewoningen(engine: Engine, vraag: BewoningVraag) -> Uitkomst:
    """The bewoningen of the object in the requested period, with what autorisatie needs."""
    gemeenten, found = personen(engine, vraag.adresseerbaar_object)
    result = bewoningen(found, vraag.adresseerbaar_object, vraag.van, vraag.tot)
    return Uitkomst(bewoningen=result.bewoningen, bekend=gemeenten is not None,
                    gemeenten=gemeenten or set(), pl_ids=result.pl_ids)
