"""The adresvraag: everyone registered at an address (guide, "De ad-hoc-adresvraag").

Entry 1 identifies persons (as a vraag does) and takes the address each is registered on:
the verblijfplaats (08) of an ingezetene, or, for a niet-ingezetene with one, the tijdelijk
verblijfadres (16). Entry 2 identifies addresses directly with 08 (or 16) rubrieken.
Residents of an 08 address are the PLs whose actual verblijfplaats is there; residents of a
16 address are the niet-ingezetenen (opschorting E, R, M) whose actual tijdelijk
verblijfadres is there. Overledenen (opschorting O) and wiped PLs (W) are never residents.

"The same address" is decided as the BRP does with the BAG: the identificatiecode
nummeraanduiding (11.90) where the address has one, else the identificatiecode verblijfplaats
(11.80), else the whole address (one ``lo3_adres`` row per distinct address).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import bindparam, literal, or_, select, union_all
from sqlalchemy.engine import Connection

from ..catalogue import NIET_INGEZETENE_REDENEN
from ..storage.database import Prepared
from ..storage.mapping import STORAGE, CategoryStorage
from ..storage.schema import lo3_adres, lo3_pl
from .search import Parameter, condition


@dataclass
class Addresses:
    """A set of addresses of one category (08 or 16), by their identity."""

    categorie: int
    nummeraanduidingen: set[str] = field(default_factory=set)
    verblijfplaatsen: set[str] = field(default_factory=set)
    adres_ids: set[int] = field(default_factory=set)

    def add(self, adres_id, nummeraanduiding, verblijfplaats) -> None:
        if nummeraanduiding:
            self.nummeraanduidingen.add(nummeraanduiding)
        elif verblijfplaats:
            self.verblijfplaatsen.add(verblijfplaats)
        elif adres_id is not None:
            self.adres_ids.add(adres_id)

    def __bool__(self) -> bool:
        return bool(self.nummeraanduidingen or self.verblijfplaatsen or self.adres_ids)

    def bound(self) -> tuple[tuple[int, int, int], dict]:
        """(how many identities of each kind, their values for :func:`_same_address`)."""
        kinds = (sorted(self.nummeraanduidingen), sorted(self.verblijfplaatsen), sorted(self.adres_ids))
        values = {f"{prefix}{i}": value for prefix, identities in zip("nva", kinds)
                  for i, value in enumerate(identities)}
        return tuple(len(identities) for identities in kinds), values


def _same_address(address, counts: tuple[int, int, int]):
    """The condition that an address is one of :meth:`Addresses.bound`'s, its values bound
    as n0…, v0…, a0…."""
    columns = (address.c.nummer_aand_ident_code, address.c.verblijf_plaats_ident_code,
               address.c.adres_id)
    return or_(*[column.in_([bindparam(f"{prefix}{i}") for i in range(count)])
                 for column, prefix, count in zip(columns, "nva", counts) if count])


_VALUES = re.compile(r"[nvap][0-9]+")  # the bound values of the statements made once here


@lru_cache(maxsize=None)
def _resident_rows(categorie: int):
    """(table, address alias, SELECT of actual registrations at an address of living residents);
    made once per category, since making an alias's columns is not cheap."""
    storage = STORAGE[categorie]
    table, address = storage.table.alias(), lo3_adres.alias()
    reden = lo3_pl.c.bijhouding_opschort_reden
    alive = (reden.in_([literal(r) for r in sorted(NIET_INGEZETENE_REDENEN)]) if categorie == 16
             else or_(reden.is_(None), reden.not_in([literal("O"), literal("W")])))
    query = (select(table.c.pl_id, address.c.adres_id, address.c.nummer_aand_ident_code,
                    address.c.verblijf_plaats_ident_code)
             .select_from(table.join(address, table.c.adres_id == address.c.adres_id)
                          .join(lo3_pl, lo3_pl.c.pl_id == table.c.pl_id))
             .where(table.c.volg_nr == 0, table.c.onjuist_ind.is_(None), alive))
    return table, address, query


def _conditions(parameters: list[Parameter], table, address, *, on_address: bool):
    """Conditions of the parameters stored in lo3_adres (on_address) or in the category table."""
    storage: CategoryStorage = STORAGE[parameters[0][0].categorie.nummer] if parameters else None
    result = []
    for rubriek, zoekwaarde in parameters:
        stored = storage.elements[rubriek.element.nummer]
        if (stored.table is lo3_adres) == on_address:
            holder = address if on_address else table
            result.append(holder.c[stored.column].is_(None) if zoekwaarde.empty
                          else condition(stored, zoekwaarde, holder))
    return result


def addresses_of(conn: Connection, parameters: list[Parameter], limit: int) -> tuple[Addresses, int]:
    """Entry 2: the addresses the parameters identify, and how many residents matched directly.

    Every matched row is a resident's registration, so more than ``limit`` of them already
    decides the answer; the caller checks the count.
    """
    categorie = parameters[0][0].categorie.nummer
    table, address, query = _resident_rows(categorie)
    query = query.where(*_conditions(parameters, table, address, on_address=True),
                        *_conditions(parameters, table, address, on_address=False))
    rows = conn.execute(query.limit(limit + 1)).all()
    found = Addresses(categorie)
    for _, adres_id, nummeraanduiding, verblijfplaats in rows:
        found.add(adres_id, nummeraanduiding, verblijfplaats)
    return found, len({pl_id for pl_id, *_ in rows})


def addresses_of_persons(conn: Connection, pl_ids: list[int]) -> list[Addresses]:
    """Entry 1: the address each person is registered on (16 for a niet-ingezetene with one)."""
    result = {8: Addresses(8), 16: Addresses(16)}
    values = {f"p{i}": pl_id for i, pl_id in enumerate(pl_ids)}
    for categorie, reden, *identity in _registrations(len(pl_ids), conn.dialect).run(conn, values):
        if (categorie == 16) == (reden in NIET_INGEZETENE_REDENEN):
            result[categorie].add(*identity)
    return [a for a in result.values() if a]


@lru_cache(maxsize=64)
def _registrations(count: int, dialect) -> Prepared:
    """The actual addresses (08 and 16) of ``count`` PLs (p0, p1, …): category, the PL's
    opschorting reden, adres_id, nummeraanduiding, verblijfplaats."""
    pl_ids = [bindparam(f"p{i}") for i in range(count)]
    selects = []
    for categorie in (16, 8):
        table = STORAGE[categorie].table
        selects.append(
            select(literal(categorie), lo3_pl.c.bijhouding_opschort_reden, lo3_adres.c.adres_id,
                   lo3_adres.c.nummer_aand_ident_code, lo3_adres.c.verblijf_plaats_ident_code)
            .select_from(table.join(lo3_adres, table.c.adres_id == lo3_adres.c.adres_id)
                         .join(lo3_pl, lo3_pl.c.pl_id == table.c.pl_id))
            .where(table.c.pl_id.in_(pl_ids), table.c.volg_nr == 0, table.c.onjuist_ind.is_(None)))
    return Prepared.of(union_all(*selects), dialect, _VALUES)


def residents(conn: Connection, addresses: list[Addresses], parameters: list[Parameter],
              limit: int) -> list[int]:
    """The living residents of these addresses, at most ``limit`` + 1 of them, in pl_id order.

    ``parameters`` of an address identification also refine the residents on what is not the
    address itself (functie adres, gemeentedeel, …).
    """
    found: set[int] = set()
    for group in addresses:
        counts, values = group.bound()
        own = [p for p in parameters if p[0].categorie.nummer == group.categorie]
        if own:  # refined by rubrieken of its own: a statement made for this request
            table, address, query = _resident_rows(group.categorie)
            query = query.where(_same_address(address, counts),
                                *_conditions(own, table, address, on_address=False))
            rows = conn.execute(query.limit(limit + 1), values)
        else:
            rows = _residents(group.categorie, counts, limit + 1, conn.dialect).run(conn, values)
        found.update(pl_id for pl_id, *_ in rows)
    return sorted(found)[:limit + 1]


@lru_cache(maxsize=256)
def _residents(categorie: int, counts: tuple[int, int, int], limit: int, dialect) -> Prepared:
    """The living residents at the addresses of :meth:`Addresses.bound` with these counts."""
    _, address, query = _resident_rows(categorie)
    return Prepared.of(query.where(_same_address(address, counts)).limit(limit), dialect, _VALUES)
