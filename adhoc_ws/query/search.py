"""Finding persoonslijsten: zoekparameters (rubriek + zoekwaarde) as SQL on the GBA-V tables.

All parameters combine with AND: a PL is found when every parameter matches it. Without
historie, parameters match the actual voorkomens (``volg_nr = 0``) and parameters on the same
category must match the same voorkomen; with historie every parameter may match any
voorkomen of its category, actual or historic. Voorkomens marked onjuist (84.10) never match,
and PLs whose bijhouding is opgeschort with reden W (wissen) are never found.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.engine import Connection

from ..catalogue import Rubriek
from ..charset import fold, has_diacritics
from ..storage.mapping import STORAGE, CategoryStorage, StoredElement
from ..storage.schema import lo3_adres, lo3_pl
from .zoekwaarde import LIKE_ESCAPE, WILDCARD, Zoekwaarde, anchors, like_pattern

Parameter = tuple[Rubriek, Zoekwaarde]


def condition(stored: StoredElement, zoekwaarde: Zoekwaarde):
    """The SQL condition for one element matching one (non-empty) zoekwaarde."""
    column = stored.table.c[stored.column]
    if stored.numeric:
        return _numeric(stored, column, zoekwaarde)
    diak = stored.table.c[stored.diak_column] if stored.diak_column else None
    value = zoekwaarde.text
    conditions = []
    if stored.fold_column:  # the index: a superset of what the rule below keeps
        conditions.append(_match(stored.table.c[stored.fold_column], fold(value), zoekwaarde))
        start, end = anchors(fold(value))
        if stored.reversed_column and len(end) > len(start):
            conditions.append(stored.table.c[stored.reversed_column]
                              .like(like_pattern(end[::-1] + WILDCARD), escape=LIKE_ESCAPE))

    display = func.coalesce(diak, column) if diak is not None else column
    if zoekwaarde.case_insensitive and zoekwaarde.diacritics_insensitive:
        if not stored.fold_column:
            conditions.append(_match(func.adhoc_fold(display), value, zoekwaarde))
    elif zoekwaarde.case_insensitive:
        conditions.append(_match(func.adhoc_lower(display), value, zoekwaarde))
    elif zoekwaarde.diacritics_insensitive:
        # GBA-V keeps the slim form of a name with diacritics in the column itself
        conditions.append(_match(column if diak is not None else func.adhoc_slim(display),
                                 value, zoekwaarde))
    elif diak is not None and not zoekwaarde.wildcard:
        conditions.append(diak == value if has_diacritics(value)
                          else and_(column == value, diak.is_(None)))
    else:
        conditions.append(_match(display, value, zoekwaarde))
    return and_(*conditions)


def _match(expression, value: str, zoekwaarde: Zoekwaarde):
    if zoekwaarde.wildcard:
        return expression.like(like_pattern(value), escape=LIKE_ESCAPE)
    return expression == value


def _numeric(stored: StoredElement, column, zoekwaarde: Zoekwaarde):
    """Numeric values are integers in GBA-V: ``1955*`` on a date is a range of integers."""
    if not zoekwaarde.wildcard:
        return column == int(zoekwaarde.text)
    digits = zoekwaarde.stem
    element = stored.element
    if element.min_length == element.max_length:
        scale = 10 ** (element.max_length - len(digits))
        low = int(digits) * scale if digits else 0
        return column.between(low, low + scale - 1)
    return cast(column, String).like(like_pattern(zoekwaarde.text), escape=LIKE_ESCAPE)


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
