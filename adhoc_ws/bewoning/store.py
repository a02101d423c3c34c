"""Reading, for one adresseerbaar object, everyone who ever lived there, with their history.

Three statements: the adressen with the identificatiecode verblijfplaats (11.80), the
persoonslijsten with a verblijfplaats on one of them, and of those the whole verblijfplaats
history plus the persoon and inschrijving data the rules and the answer need. Onjuist
voorkomens are left out here, so the rules never see them.
"""
from __future__ import annotations

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Engine

from ..storage.schema import lo3_adres, lo3_pl, lo3_pl_persoon, lo3_pl_verblijfplaats as v
from . import BewoningVraag, Uitkomst
from .compose import Persoon, Verblijf, bewoningen

_ADRESSEN = select(lo3_adres.c.adres_id).where(lo3_adres.c.verblijf_plaats_ident_code == bindparam("id"))
_PL_IDS = select(v.c.pl_id, v.c.onjuist_ind).where(v.c.adres_id.in_(bindparam("adressen", expanding=True)))
_VERBLIJVEN = (
    select(v.c.pl_id, v.c.volg_nr, v.c.adres_functie, v.c.adreshouding_start_datum, v.c.vertrek_datum,
           v.c.inschrijving_gemeente_code, v.c.onderzoek_gegevens_aand,
           v.c.onderzoek_start_datum, v.c.onderzoek_eind_datum, v.c.onjuist_ind,
           lo3_adres.c.verblijf_plaats_ident_code)
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


def _onjuist(value: str | None) -> bool:
    return bool(value and value.strip())


def personen(engine: Engine, object_id: str) -> tuple[bool, list[Persoon]]:
    """Whether the object is known, and every person with a verblijfplaats on it."""
    with engine.connect() as conn:
        adressen = conn.execute(_ADRESSEN, {"id": object_id}).scalars().all()
        if not adressen:
            return False, []
        pl_ids = sorted({pl_id for pl_id, onjuist in conn.execute(_PL_IDS, {"adressen": adressen})
                         if not _onjuist(onjuist)})
        if not pl_ids:
            return True, []
        found = {}
        for r in conn.execute(_PERSONEN, {"pl_ids": pl_ids}):
            found[r.pl_id] = Persoon(
                pl_id=r.pl_id, bsn=r.burger_service_nr, voornamen=r.diak_voor_naam or r.voor_naam,
                titel=r.titel_predicaat, voorvoegsel=r.geslachts_naam_voorvoegsel,
                geslachtsnaam=r.diak_geslachts_naam or r.geslachts_naam, geboortedatum=r.geboorte_datum,
                geslacht=r.geslachts_aand, geheim=r.geheim_ind, opschorting_datum=r.bijhouding_opschort_datum,
                opschorting_reden=(r.bijhouding_opschort_reden or "").strip() or None)
        rows = sorted(conn.execute(_VERBLIJVEN, {"pl_ids": pl_ids}), key=lambda r: (r.pl_id, -r.volg_nr))
    for r in rows:
        persoon = found.get(r.pl_id)
        if persoon is None or _onjuist(r.onjuist_ind):
            continue
        aanvang = r.adreshouding_start_datum if r.adreshouding_start_datum is not None else r.vertrek_datum
        persoon.verblijven.append(Verblijf(
            object=r.verblijf_plaats_ident_code, functie=(r.adres_functie or "").strip() or None,
            aanvang=aanvang, gemeente=r.inschrijving_gemeente_code,
            onderzoek=r.onderzoek_gegevens_aand, onderzoek_start=r.onderzoek_start_datum,
            onderzoek_eind=r.onderzoek_eind_datum))
    return True, list(found.values())


def zoek_bewoningen(engine: Engine, vraag: BewoningVraag) -> Uitkomst:
    """The bewoningen of the object in the requested period, with what autorisatie needs."""
    bekend, found = personen(engine, vraag.adresseerbaar_object)
    result = bewoningen(found, vraag.adresseerbaar_object, vraag.van, vraag.tot)
    return Uitkomst(bewoningen=result.bewoningen, bekend=bekend, gemeenten=result.gemeenten,
                    pl_ids=result.pl_ids)
