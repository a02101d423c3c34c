"""Finding persoonslijsten: zoekparameters (rubriek + zoekwaarde) as SQL on the GBA-V tables.

All parameters combine with AND: a PL is found when every parameter matches it. Without
historie, parameters match the actual voorkomens (``volg_nr = 0``) and parameters on the same
category must match the same voorkomen; with historie every parameter may match any
voorkomen of its category, actual or historic. Voorkomens marked onjuist (84.10) never match,
and PLs whose bijhouding is opgeschort with reden W (wissen) are never found.

The query is driven by the most selective group of parameters (a BSN before a geboortedatum
before a name, see :func:`_selectivity`); the other groups are correlated ``EXISTS`` checks
on each candidate. So the database walks one index and stops at the limit, however many PLs
the data holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import String, and_, cast, exists, func, or_, select
from sqlalchemy.engine import Connection

from ..catalogue import Rubriek
from ..charset import fold, has_diacritics
from ..storage.mapping import STORAGE, CategoryStorage, StoredElement
from ..storage.schema import lo3_adres, lo3_pl
from .zoekwaarde import LIKE_ESCAPE, WILDCARD, Zoekwaarde, anchors, like_pattern

Parameter = tuple[Rubriek, Zoekwaarde]


def condition(stored: StoredElement, zoekwaarde: Zoekwaarde, table):
    """The SQL condition for one element matching one (non-empty) zoekwaarde.

    ``table`` is the (aliased) table that holds the element's column.
    """
    column = table.c[stored.column]
    if stored.numeric:
        return _numeric(stored, column, zoekwaarde)
    diak = table.c[stored.diak_column] if stored.diak_column else None
    value = zoekwaarde.text
    conditions = []
    if stored.fold_column:  # the index: a superset of what the rule below keeps
        folded = fold(value)
        start, end = anchors(folded)
        if stored.reversed_column and len(end) > len(start):
            conditions.append(table.c[stored.reversed_column]
                              .like(like_pattern(end[::-1] + WILDCARD), escape=LIKE_ESCAPE))
        if folded != WILDCARD + end:  # "*Gilsing" says no more than the reversed prefix
            conditions.append(_match(table.c[stored.fold_column], folded, zoekwaarde))

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
    return and_(*conditions) if conditions else column.is_not(None)  # "*": any value


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


@lru_cache(maxsize=None)
def _alias(table, n: int):
    """The n-th alias of a table; made once, since building its columns is not cheap."""
    return table.alias(f"{table.name}_{n}")


@dataclass
class _Group:
    """Parameters that must match one row of one category (or, empty, that no row has)."""

    storage: CategoryStorage
    parameters: list[Parameter]
    actual: bool
    empty: bool = False
    number: int = 1

    def rows(self):
        """(table alias, FROM clause, WHERE conditions) for this group's rows."""
        storage = self.storage
        table = _alias(storage.table, self.number)
        stored = [storage.elements[r.element.nummer] for r, _ in self.parameters]
        source, address = table, None
        if any(s.table is lo3_adres for s in stored):
            address = _alias(lo3_adres, self.number)
            source = table.join(address, table.c.adres_id == address.c.adres_id)
        where = [table.c[column] == value for column, value in storage.categorie.key.items()]
        if self.actual and storage.has_volg_nr:
            where.append(table.c.volg_nr == 0)
        if "onjuist_ind" in table.c:
            where.append(table.c.onjuist_ind.is_(None))
        for s, (_, zoekwaarde) in zip(stored, self.parameters):
            holder = address if s.table is lo3_adres else table
            if self.empty:
                where.append(holder.c[s.column].is_not(None))
            else:
                where.append(condition(s, zoekwaarde, holder))
        return table, source, where


UNANCHORED = 7  # _selectivity of a name pattern without a fixed start or end (*oma*)


def _selectivity(group: _Group) -> int:
    """How few rows a group's best parameter leaves (lower is fewer): which group drives."""
    def rank(rubriek: Rubriek, zoekwaarde: Zoekwaarde) -> int:
        nummer, exact = rubriek.nummer, not zoekwaarde.wildcard
        if nummer in (10110, 10120):
            return 0 if exact else 5
        if nummer in (81180, 81190, 161180, 161190):
            return 1
        if nummer in (10310, 81160, 161160):
            return 2 if exact else 6
        stored = group.storage.elements[rubriek.element.nummer]
        if stored.fold_column:
            start, end = anchors(zoekwaarde.text)
            return 3 if exact else 4 if len(max(start, end, key=len)) >= 3 else UNANCHORED
        return 8
    return min(rank(r, z) for r, z in group.parameters) + (0 if group.actual else 1)


def _groups(parameters: list[Parameter], historie: bool) -> list[_Group]:
    groups: list[_Group] = []
    together: dict[int, _Group] = {}
    for rubriek, zoekwaarde in parameters:
        storage = STORAGE[rubriek.categorie.nummer]
        if zoekwaarde.empty:
            groups.append(_Group(storage, [(rubriek, zoekwaarde)], actual=True, empty=True))
        elif historie:
            groups.append(_Group(storage, [(rubriek, zoekwaarde)], actual=False))
        elif rubriek.categorie.nummer in together:
            together[rubriek.categorie.nummer].parameters.append((rubriek, zoekwaarde))
        else:
            together[rubriek.categorie.nummer] = _Group(storage, [(rubriek, zoekwaarde)], True)
            groups.append(together[rubriek.categorie.nummer])
    for number, group in enumerate(groups, 1):
        group.number = number
    return groups


def _driver(groups: list[_Group]) -> _Group:
    return min((g for g in groups if not g.empty), key=_selectivity)


def search_query(parameters: list[Parameter], *, historie: bool = False, limit: int | None = None):
    """The SELECT of the pl_ids of every PL that all parameters match."""
    groups = _groups(parameters, historie)
    driver = _driver(groups)
    table, source, where = driver.rows()
    reden = lo3_pl.c.bijhouding_opschort_reden
    query = (select(table.c.pl_id)
             .select_from(source.join(lo3_pl, lo3_pl.c.pl_id == table.c.pl_id))
             .where(*where, or_(reden.is_(None), reden != "W")))
    for group in groups:
        if group is not driver:
            other, other_source, other_where = group.rows()
            check = exists(select(1).select_from(other_source)
                           .where(other.c.pl_id == table.c.pl_id, *other_where))
            query = query.where(~check if group.empty else check)
    if historie or driver.storage.categorie.repeating:
        query = query.distinct()  # several voorkomens of one PL may match
    return query.limit(limit) if limit else query


def postgresql_settings(parameters: list[Parameter], *, historie: bool = False) -> dict[str, str]:
    """PostgreSQL settings for the transaction of this search (see storage.database.deadline).

    A bitmap scan collects every match of the driving index before LIMIT can stop it; for a
    common name that grows with the data, so the index is walked instead and stops at the
    limit. An unanchored pattern keeps bitmaps: the trigram index only has those.
    """
    if _selectivity(_driver(_groups(parameters, historie))) < UNANCHORED:
        return {"enable_bitmapscan": "off"}
    return {}


def find(conn: Connection, parameters: list[Parameter], *, historie: bool = False,
         limit: int | None = None) -> list[int]:
    """The pl_ids found, in pl_id order; at most ``limit`` of them."""
    rows = conn.execute(search_query(parameters, historie=historie, limit=limit))
    return sorted(pl_id for pl_id, in rows)
