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

Building and compiling that statement with SQLAlchemy costs many times what running it does,
so it is made once per *shape*: which comparisons the parameters make (columns, functions,
operators) without their values. :func:`terms` works out in plain Python what one zoekwaarde
compares; the shapes key a cache of compiled SQL per dialect, and the values are bound when
the statement runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import count

from sqlalchemy import (String, and_, bindparam, cast, exists, func, literal_column, or_, select,
                        true)
from sqlalchemy.engine import Connection

from .. import catalogue
from ..catalogue import Rubriek
from ..charset import fold, has_diacritics
from ..storage.database import Prepared
from ..storage.mapping import STORAGE, CategoryStorage, StoredElement
from ..storage.schema import lo3_adres, lo3_pl
from .zoekwaarde import LIKE_ESCAPE, WILDCARD, Zoekwaarde, anchors, like_pattern

Parameter = tuple[Rubriek, Zoekwaarde]
# One comparison of an element: (expression, operator), see _expression and _compare.
Comparison = tuple[str, str]
NOT_NULL = ("column", "not null")


def terms(stored: StoredElement, zoekwaarde: Zoekwaarde) -> list[tuple[Comparison, tuple]]:
    """The comparisons one (non-empty) zoekwaarde makes on one element, each with its values."""
    if stored.numeric:
        return [_numeric(stored, zoekwaarde)]
    value = zoekwaarde.text

    def match(expression: str, text: str):
        if zoekwaarde.wildcard:
            return (expression, "like"), (like_pattern(text),)
        return (expression, "="), (text,)

    result = []
    if stored.fold_column:  # the index: a superset of what the rule below keeps
        folded = fold(value)
        start, end = anchors(folded)
        if stored.reversed_column and len(end) > len(start):
            result.append((("reversed", "like"), (like_pattern(end[::-1] + WILDCARD),)))
        if folded != WILDCARD + end:  # "*Gilsing" says no more than the reversed prefix
            result.append(match("fold", folded))

    diak = stored.diak_column is not None
    if zoekwaarde.case_insensitive and zoekwaarde.diacritics_insensitive:
        if not stored.fold_column:
            result.append(match("adhoc_fold", value))
    elif zoekwaarde.case_insensitive:
        result.append(match("adhoc_lower", value))
    elif zoekwaarde.diacritics_insensitive:
        # GBA-V keeps the slim form of a name with diacritics in the column itself
        result.append(match("column" if diak else "adhoc_slim", value))
    elif diak and not zoekwaarde.wildcard:
        if has_diacritics(value):
            result.append((("diak", "="), (value,)))
        else:
            result += [(("column", "="), (value,)), (("diak", "null"), ())]
    else:
        result.append(match("display", value))
    return result or [(NOT_NULL, ())]  # "*": any value


def _numeric(stored: StoredElement, zoekwaarde: Zoekwaarde):
    """Numeric values are integers in GBA-V: ``1955*`` on a date is a range of integers."""
    if not zoekwaarde.wildcard:
        return ("column", "="), (int(zoekwaarde.text),)
    digits = zoekwaarde.stem
    element = stored.element
    if element.min_length == element.max_length:
        scale = 10 ** (element.max_length - len(digits))
        low = int(digits) * scale if digits else 0
        return ("column", "between"), (low, low + scale - 1)
    return ("cast", "like"), (like_pattern(zoekwaarde.text),)


def _expression(name: str, stored: StoredElement, table):
    column = table.c[stored.column]
    if name == "column":
        return column
    if name == "cast":
        return cast(column, String)
    if name in ("diak", "fold", "reversed"):
        return table.c[{"diak": stored.diak_column, "fold": stored.fold_column,
                        "reversed": stored.reversed_column}[name]]
    display = func.coalesce(table.c[stored.diak_column], column) if stored.diak_column else column
    if name == "display":
        return display
    return getattr(func, name)(display, type_=String)  # adhoc_fold, adhoc_lower, adhoc_slim


def _compare(expression, operator: str, value):
    """``value()`` gives the next bound value."""
    if operator == "=":
        return expression == value()
    if operator == "like":
        return expression.like(value(), escape=LIKE_ESCAPE)
    if operator == "between":
        return expression.between(value(), value())
    if operator == "null":
        return expression.is_(None)
    return expression.is_not(None)


VALUE = "zw{}"  # the bound values of a statement: zw0, zw1, … in the order it is built
_VALUE = re.compile(r"zw[0-9]+")


def _values():
    numbers = count()
    return lambda: bindparam(VALUE.format(next(numbers)))


def condition(stored: StoredElement, zoekwaarde: Zoekwaarde, table):
    """The SQL condition for one element matching one (non-empty) zoekwaarde, values bound.

    ``table`` is the (aliased) table that holds the element's column.
    """
    found = terms(stored, zoekwaarde)
    values = iter(v for _, vs in found for v in vs)
    comparisons = [_compare(_expression(e, stored, table), o, lambda: next(values))
                   for (e, o), _ in found]
    return and_(*comparisons) if len(comparisons) > 1 else comparisons[0]


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

    def shape(self) -> tuple[tuple, list]:
        """(what the statement needs to know of this group, its values in order)."""
        compared, values = [], []
        for rubriek, zoekwaarde in self.parameters:
            stored = self.storage.elements[rubriek.element.nummer]
            found = [(NOT_NULL, ())] if self.empty else terms(stored, zoekwaarde)
            compared.append((rubriek.nummer, tuple(c for c, _ in found)))
            values += [v for _, vs in found for v in vs]
        key = (self.storage.categorie.nummer, self.actual, self.empty, self.number, tuple(compared))
        return key, values


def _rows(key: tuple, value):
    """(table alias, FROM clause, WHERE conditions) for one group's rows, from its shape."""
    nummer, actual, _, number, compared = key
    storage = STORAGE[nummer]
    table = _alias(storage.table, number)
    stored = [storage.elements[catalogue.rubriek(r).element.nummer] for r, _ in compared]
    source, address = table, None
    if any(s.table is lo3_adres for s in stored):
        address = _alias(lo3_adres, number)
        source = table.join(address, table.c.adres_id == address.c.adres_id)
    where = [table.c[column] == v for column, v in storage.categorie.key.items()]
    if actual and storage.has_volg_nr:
        where.append(table.c.volg_nr == 0)
    if "onjuist_ind" in table.c:
        where.append(table.c.onjuist_ind.is_(None))
    for s, (_, comparisons) in zip(stored, compared):
        holder = address if s.table is lo3_adres else table
        where += [_compare(_expression(e, s, holder), o, value) for e, o in comparisons]
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


@dataclass(frozen=True)
class Search:
    """A search worked out: the shape of its statement, the values to bind, and the
    PostgreSQL settings it needs beyond those of an answering session
    (:data:`adhoc_ws.storage.database.SESSION_SETTINGS`)."""

    shape: tuple
    values: list
    settings: dict[str, str]

    @classmethod
    def of(cls, parameters: list[Parameter], *, historie: bool = False,
           limit: int | None = None) -> "Search":
        groups = _groups(parameters, historie)
        driver = _driver(groups)
        shapes, values = [], []
        for group in [driver] + [g for g in groups if g is not driver]:
            shape, group_values = group.shape()
            shapes.append(shape)
            values += group_values
        # Answering sessions walk indexes rather than collect bitmaps (SESSION_SETTINGS), so
        # that LIMIT stops the walk; a pattern without a fixed start or end needs the
        # trigram index, which only bitmaps can use.
        settings = {"enable_bitmapscan": "on"} if _selectivity(driver) >= UNANCHORED else {}
        return cls((historie, limit, tuple(shapes)), values, settings)

    def statement(self):
        """The SELECT, with its values bound (for EXPLAIN and tests)."""
        return _statement(self.shape).params({VALUE.format(i): v for i, v in enumerate(self.values)})

    def run(self, conn: Connection, lock=None) -> list[int]:
        """The pl_ids found, in pl_id order. ``lock``: a remembered login's
        :class:`~adhoc_ws.accounts.LockCheck`, when not settled told the account's failure
        count and lock, read in the same statement (no round trip of its own)."""
        values = {VALUE.format(i): v for i, v in enumerate(self.values)}
        if lock is None or lock.settled:
            return sorted(pl_id for pl_id, in _prepared(self.shape, conn.dialect).run(conn, values))
        values[ACCOUNT] = lock.name
        rows = _prepared_with_lock(self.shape, lock.key, conn.dialect).run(conn, values)
        lock.read(*rows[0][1:])  # every row has them, and there is always one
        return sorted(row[0] for row in rows if row[0] is not None)


@lru_cache(maxsize=1024)
def _statement(shape: tuple):
    historie, limit, groups = shape
    value = _values()
    table, source, where = _rows(groups[0], value)
    reden = lo3_pl.c.bijhouding_opschort_reden
    query = (select(table.c.pl_id)
             .select_from(source.join(lo3_pl, lo3_pl.c.pl_id == table.c.pl_id))
             .where(*where, or_(reden.is_(None), reden != "W")))
    for group in groups[1:]:
        other, other_source, other_where = _rows(group, value)
        check = exists(select(1).select_from(other_source)
                       .where(other.c.pl_id == table.c.pl_id, *other_where))
        query = query.where(~check if group[2] else check)
    if historie or STORAGE[groups[0][0]].categorie.repeating:
        query = query.distinct()  # several voorkomens of one PL may match
    return query.limit(limit) if limit else query


@lru_cache(maxsize=4096)
def _prepared(shape: tuple, dialect) -> Prepared:
    return Prepared.of(_statement(shape), dialect, _VALUE)


ACCOUNT = "account"  # the bound name of the account whose lock a search reads along


@lru_cache(maxsize=4096)
def _prepared_with_lock(shape: tuple, key, dialect) -> Prepared:
    """The search, and beside each pl_id the failure count and lock of the account that
    ``key`` (its table's name column) names: one row with a NULL pl_id when nothing is
    found, NULLs for the account when it is not there."""
    found = _statement(shape).subquery("found")
    t = key.table.c
    account = select(t.mislukte_pogingen, t.geblokkeerd_tot).where(key == bindparam(ACCOUNT)) \
        .subquery("account")
    one = select(literal_column("1").label("one")).subquery("one")
    query = select(found.c.pl_id, account.c.mislukte_pogingen, account.c.geblokkeerd_tot) \
        .select_from(one.outerjoin(account, true()).outerjoin(found, true()))
    return Prepared.of(query, dialect, re.compile(f"{_VALUE.pattern}|{ACCOUNT}"))


def search_query(parameters: list[Parameter], *, historie: bool = False, limit: int | None = None):
    """The SELECT of the pl_ids of every PL that all parameters match, values bound."""
    return Search.of(parameters, historie=historie, limit=limit).statement()


def find(conn: Connection, parameters: list[Parameter], *, historie: bool = False,
         limit: int | None = None) -> list[int]:
    """The pl_ids found, in pl_id order; at most ``limit`` of them."""
    return Search.of(parameters, historie=historie, limit=limit).run(conn)
