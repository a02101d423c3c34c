"""Reading persoonslijsten back from the GBA-V tables, a batch of PLs at a time.

One statement reads every table: a UNION ALL with one branch per table, each row as a JSON
object of its table, its keys (pl_id, persoon_type, stapel_nr, volg_nr) and its voorkomen in
rubriek terms: element numbers and values, made in SQL as the catalogue maps the columns
(:meth:`~adhoc_ws.storage.mapping.StoredElement.sql_value`), without the elements that have
no value. Only numbers are left to Python, to get their leading zeros back (in PostgreSQL
that costs more than the rest of the read). The rows come as one JSON array: one round trip
per answer instead of one per table, and one row for the driver to hand over. The SQL text is made once per dialect and number of PLs, and runs through the DBAPI
cursor (:func:`database.fetch`).

On PostgreSQL the PLs are asked as an IN list of 1, 10 or 31 values (the last repeated to
fill it): a statement psycopg prepares and PostgreSQL then runs on its generic plan, with
index scans on pl_id whatever the PLs. Planning the ten branches anew for every read cost
more than running them.
"""
from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .database import fetch
from .mapping import STORAGE, CategoryStorage, Persoonslijst
from .schema import lo3_adres, lo3_pl, lo3_pl_persoon


def _storages_by_table() -> dict[str, list[CategoryStorage]]:
    tables = defaultdict(list)
    for storage in STORAGE.values():
        tables[storage.table.name].append(storage)
    return dict(tables)


_TABLES = _storages_by_table()


KEYS = ("pl_id", "persoon_type", "stapel_nr", "volg_nr")


def _branch(name: str, storages: list[CategoryStorage], dialect: str, in_list: str) -> str:
    table = storages[0].table
    values = {"tbl": f"'{name}'"} | {key: f"t.{key}" for key in KEYS if key in table.c}
    for storage in storages:
        for element, stored in storage.elements.items():
            values[element] = stored.sql_value("a" if stored.table is lo3_adres else "t")
    source = f"{name} t"
    if storages[0].has_address:
        source += " LEFT OUTER JOIN lo3_adres a ON a.adres_id = t.adres_id"
    if dialect == "postgresql":  # row_to_json of a row costs less than json_build_object
        columns = ", ".join(f'{value} AS "{key}"' for key, value in values.items())
        return (f"SELECT json_strip_nulls(row_to_json(r)) AS v FROM "
                f"(SELECT {columns} FROM {source} WHERE t.pl_id {in_list}) r")
    pairs = ", ".join(f"'{key}', {value}" for key, value in values.items())
    return (f"SELECT json_patch('{{}}', json_object({pairs})) AS v"  # json_patch drops NULLs
            f" FROM {source} WHERE t.pl_id {in_list}")


@lru_cache(maxsize=64)
def _sql(dialect: str, count: int) -> str:
    names = (f"%(i{i})s" if dialect == "postgresql" else f":i{i}" for i in range(count))
    in_list = f"IN ({', '.join(names)})"
    rows = " UNION ALL ".join(_branch(name, storages, dialect, in_list)
                              for name, storages in _TABLES.items())
    if dialect == "postgresql":
        return f"SELECT json_agg(v)::text FROM ({rows}) x"
    return f"SELECT json_group_array(json(v)) FROM ({rows})"


SLOTS = (1, 10, 31)  # PostgreSQL: IN lists of these lengths, so that few statements are prepared


def _slots(dialect: str, count: int) -> int:
    if dialect != "postgresql":
        return count
    return next((n for n in SLOTS if n >= count), count)


_NUMBERS = {element: stored.number for storage in STORAGE.values()
            for element, stored in storage.elements.items() if stored.numeric}


def _categories(storages: list[CategoryStorage]) -> dict[str | None, list[tuple[str, frozenset | None]]]:
    """persoon_type (None outside lo3_pl_persoon) -> the categories such a row holds, each with
    the elements that are its own (None: the table holds one category). A row of lo3_pl holds
    07 and 13."""
    result = defaultdict(list)
    for storage in storages:
        own = frozenset(storage.elements) if len(storages) > 1 else None
        result[storage.categorie.key.get("persoon_type")].append((storage.categorie.code, own))
    return dict(result)


_CATEGORIES = {name: _categories(storages) for name, storages in _TABLES.items()}


def read_persoonslijsten(conn: Connection, pl_ids: list[int]) -> dict[int, Persoonslijst]:
    """Every stored voorkomen of these PLs: stapels in stapel_nr order, actual voorkomen first.

    An actual voorkomen without any element is kept as ``{}`` when its stapel has history,
    so that index 0 of a stapel is always the actual voorkomen.
    """
    # pl_id -> category code -> stapel_nr -> volg_nr -> voorkomen
    found: dict[int, dict] = {pl_id: defaultdict(lambda: defaultdict(dict)) for pl_id in pl_ids}
    if not pl_ids:
        return {}
    dialect = conn.dialect.name
    slots = _slots(dialect, len(pl_ids))
    params = {f"i{i}": pl_ids[min(i, len(pl_ids) - 1)] for i in range(slots)}
    (rows,), = fetch(conn, _sql(dialect, slots), params)
    for voorkomen in json.loads(rows or "[]"):  # PostgreSQL's json_agg of no rows is NULL
        table, pl_id = voorkomen.pop("tbl"), voorkomen.pop("pl_id")
        persoon_type = voorkomen.pop("persoon_type", None)
        stapel_nr, volg_nr = voorkomen.pop("stapel_nr", 0), voorkomen.pop("volg_nr", 0)
        for element, value in voorkomen.items():
            if type(value) is int:
                voorkomen[element] = _NUMBERS[element](value)
        categories = found[pl_id]
        held = _CATEGORIES[table].get(persoon_type, ())
        for code, own in held:
            if own is not None and (len(held) > 1 or not voorkomen.keys() <= own):
                categories[code][stapel_nr][volg_nr] = {e: v for e, v in voorkomen.items() if e in own}
            else:
                categories[code][stapel_nr][volg_nr] = voorkomen
    return {pl_id: _assemble(categories) for pl_id, categories in found.items()}


def _assemble(categories: dict) -> Persoonslijst:
    pl: Persoonslijst = {}
    for code in sorted(categories):
        stapels = []
        for _, voorkomens in sorted(categories[code].items()):
            stapel = [voorkomens[v] for v in sorted(voorkomens) if voorkomens[v] or v == 0]
            if any(stapel):
                if 0 not in voorkomens:
                    stapel.insert(0, {})
                stapels.append(stapel)
        if stapels:
            pl[code] = stapels
    return pl


def overleden(conn: Connection, bsns) -> set[str]:
    """Which of these BSNs belong to a persoonslijst opgeschort because of death (07.67.20 O)."""
    bsns = [int(b) for b in bsns if b.isdigit()]
    if not bsns:
        return set()
    p = lo3_pl_persoon.c
    rows = conn.execute(select(p.burger_service_nr).join(lo3_pl, lo3_pl.c.pl_id == p.pl_id).where(
        p.persoon_type == "P", p.stapel_nr == 0, p.volg_nr == 0, p.burger_service_nr.in_(bsns),
        lo3_pl.c.bijhouding_opschort_reden == "O"))
    return {f"{bsn:09d}" for bsn, in rows}
