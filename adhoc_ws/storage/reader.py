"""Reading persoonslijsten back from the GBA-V tables, a batch of PLs at a time.

One statement reads every table: a UNION ALL with one branch per table, each row as a JSON
object of the columns the catalogue maps that have a value (``json_object`` in SQLite,
``row_to_json`` in PostgreSQL, without the NULLs). One round trip per answer instead of one
per table. The SQL text is made once
per dialect and number of PLs, and runs through the DBAPI cursor (:func:`database.fetch`).

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
from .schema import lo3_pl, lo3_pl_persoon

KEYS = ("pl_id", "persoon_type", "stapel_nr", "volg_nr")


def _storages_by_table() -> dict[str, list[CategoryStorage]]:
    tables = defaultdict(list)
    for storage in STORAGE.values():
        tables[storage.table.name].append(storage)
    return dict(tables)


_TABLES = _storages_by_table()


def _columns(storages: list[CategoryStorage]) -> list[tuple[str, str]]:
    """(alias.column, name) of every column a table's categories need, keys first."""
    table = storages[0].table
    names = [k for k in KEYS if k in table.c]
    for storage in storages:
        for stored in storage.elements.values():
            for name in (stored.column, stored.diak_column):
                if name and name not in names and stored.table is table:
                    names.append(name)
    columns = [(f"t.{n}", n) for n in names]
    if storages[0].has_address:
        for name in storages[0].address_columns():
            columns.append((f"a.{name}", name))
    return columns


def _branch(name: str, storages: list[CategoryStorage], dialect: str, in_list: str) -> str:
    columns = _columns(storages)
    source = f"{name} t"
    if storages[0].has_address:
        source += " LEFT OUTER JOIN lo3_adres a ON a.adres_id = t.adres_id"
    if dialect == "postgresql":
        inner = ", ".join(f"{c} AS {n}" for c, n in columns)
        return (f"SELECT '{name}' AS tbl, json_strip_nulls(row_to_json(r))::text AS row FROM "
                f"(SELECT {inner} FROM {source} WHERE t.pl_id {in_list}) r")
    pairs = ", ".join(f"'{n}', {c}" for c, n in columns)
    return (f"SELECT '{name}' AS tbl, json_patch('{{}}', json_object({pairs})) AS row "  # no NULLs
            f"FROM {source} WHERE t.pl_id {in_list}")


@lru_cache(maxsize=64)
def _sql(dialect: str, count: int) -> str:
    names = (f"%(i{i})s" if dialect == "postgresql" else f":i{i}" for i in range(count))
    in_list = f"IN ({', '.join(names)})"
    return " UNION ALL ".join(_branch(name, storages, dialect, in_list)
                              for name, storages in _TABLES.items())


SLOTS = (1, 10, 31)  # PostgreSQL: IN lists of these lengths, so that few statements are prepared


def _slots(dialect: str, count: int) -> int:
    if dialect != "postgresql":
        return count
    return next((n for n in SLOTS if n >= count), count)


class _Categories:
    """The categories a row of one table holds, and how their elements come out of it.

    lo3_pl holds 07 and 13 in one row; a row of lo3_pl_persoon is the category its
    persoon_type says; every other table holds one category.
    """

    def __init__(self, storages: list[CategoryStorage]):
        self.by_type = "persoon_type" in storages[0].table.c
        self.categories = [(s.categorie.code, s.categorie.key.get("persoon_type"), s.decoding(),
                            s.has_stapel_nr, s.has_volg_nr) for s in storages]

    def of(self, row: dict):
        if not self.by_type:
            return self.categories
        return [c for c in self.categories if c[1] == row["persoon_type"]]


_CATEGORIES = {name: _Categories(storages) for name, storages in _TABLES.items()}


def _voorkomen(row: dict, decoding: dict) -> dict[str, str]:
    voorkomen = {}
    for column, value in row.items():
        spec = decoding.get(column)
        if spec is None or value is None:
            continue
        element, convert, diak = spec
        if diak is None or row.get(diak) is None:  # else the value with diacritics is there
            voorkomen[element] = convert(value)
    return voorkomen


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
    loads = json.loads
    for table, text in fetch(conn, _sql(dialect, slots), params):
        row = loads(text)
        categories = found[row["pl_id"]]
        for code, _, decoding, has_stapel_nr, has_volg_nr in _CATEGORIES[table].of(row):
            stapel_nr = row["stapel_nr"] if has_stapel_nr else 0
            volg_nr = row["volg_nr"] if has_volg_nr else 0
            categories[code][stapel_nr][volg_nr] = _voorkomen(row, decoding)
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
