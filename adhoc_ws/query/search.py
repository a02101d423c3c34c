"""Finding persoonslijsten: zoekparameters (rubriek + zoekwaarde) as SQL on the GBA-V tables.

All parameters combine with AND: a PL is found when every parameter matches it. Without
historie, parameters match the actual voorkomens (``volg_nr = 0``) and parameters on the same
category must match the same voorkomen; with historie every parameter may match any
voorkomen of its category, actual or historic. Voorkomens marked onjuist (84.10) never match,
and PLs whose bijhouding is opgeschort with reden W (wissen) are never found.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from ..catalogue import Rubriek
from ..charset import has_diacritics
from ..storage.mapping import STORAGE, CategoryStorage, StoredElement
from ..storage.schema import lo3_adres, lo3_pl
from .zoekwaarde import Zoekwaarde

Parameter = tuple[Rubriek, Zoekwaarde]


def condition(stored: StoredElement, zoekwaarde: Zoekwaarde):
    """The SQL condition for one element matching one (non-empty) zoekwaarde."""
    column = stored.table.c[stored.column]
    value = zoekwaarde.text
    if stored.numeric:
        return column == int(value)
    if stored.diak_column:
        diak = stored.table.c[stored.diak_column]
        if has_diacritics(value):
            return diak == value
        return and_(column == value, diak.is_(None))
    return column == value


def _rows(storage: CategoryStorage, *, actual: bool, address: bool):
    """SELECT pl_id FROM the category's rows (actual only, or all), onjuist left out."""
    table = storage.table
    source = table.join(lo3_adres, table.c.adres_id == lo3_adres.c.adres_id) if address else table
    query = select(table.c.pl_id).select_from(source)
    for column, value in storage.categorie.key.items():
        query = query.where(table.c[column] == value)
    if actual and storage.has_volg_nr:
        query = query.where(table.c.volg_nr == 0)
    if "onjuist_ind" in table.c:
        query = query.where(table.c.onjuist_ind.is_(None))
    return query


def _subquery(storage: CategoryStorage, parameters: list[Parameter], *, actual: bool):
    elements = [storage.elements[r.element.nummer] for r, _ in parameters]
    query = _rows(storage, actual=actual, address=any(e.table is lo3_adres for e in elements))
    return query.where(*(condition(e, z) for e, (_, z) in zip(elements, parameters)))


def _has_value(storage: CategoryStorage, rubriek: Rubriek):
    stored = storage.elements[rubriek.element.nummer]
    query = _rows(storage, actual=True, address=stored.table is lo3_adres)
    return query.where(stored.table.c[stored.column].is_not(None))


def search_query(parameters: list[Parameter], *, historie: bool = False, limit: int | None = None):
    """The SELECT of the pl_ids of every PL that all parameters match."""
    groups: dict[int, list[Parameter]] = defaultdict(list)
    wheres = []
    for rubriek, zoekwaarde in parameters:
        storage = STORAGE[rubriek.categorie.nummer]
        if zoekwaarde.empty:
            wheres.append(lo3_pl.c.pl_id.not_in(_has_value(storage, rubriek)))
        elif historie:
            wheres.append(lo3_pl.c.pl_id.in_(_subquery(storage, [(rubriek, zoekwaarde)], actual=False)))
        else:
            groups[rubriek.categorie.nummer].append((rubriek, zoekwaarde))
    for nummer, group in groups.items():
        wheres.insert(0, lo3_pl.c.pl_id.in_(_subquery(STORAGE[nummer], group, actual=True)))
    reden = lo3_pl.c.bijhouding_opschort_reden
    query = select(lo3_pl.c.pl_id).where(*wheres, or_(reden.is_(None), reden != "W"))
    return query.limit(limit) if limit else query


def find(conn: Connection, parameters: list[Parameter], *, historie: bool = False,
         limit: int | None = None) -> list[int]:
    """The pl_ids found, in pl_id order; at most ``limit`` of them."""
    rows = conn.execute(search_query(parameters, historie=historie, limit=limit))
    return sorted(pl_id for pl_id, in rows)
