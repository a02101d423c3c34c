"""Reading persoonslijsten back from the GBA-V tables, a batch of PLs at a time.

One statement reads every table: a UNION ALL with one branch per table, each row as a JSON
object of the columns the catalogue maps (``json_object`` in SQLite, ``row_to_json`` in
PostgreSQL). One round trip per answer instead of one per table. The SQL text is made once
per dialect and number of PLs.
"""
from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.engine import Connection

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
        return (f"SELECT '{name}' AS tbl, row_to_json(r)::text AS row FROM "
                f"(SELECT {inner} FROM {source} WHERE t.pl_id {in_list}) r")
    pairs = ", ".join(f"'{n}', {c}" for c, n in columns)
    return f"SELECT '{name}' AS tbl, json_object({pairs}) AS row FROM {source} WHERE t.pl_id {in_list}"


@lru_cache(maxsize=64)
def _sql(dialect: str, count: int) -> str:
    in_list = ("= ANY(%(ids)s)" if dialect == "postgresql"
               else f"IN ({', '.join(f':i{i}' for i in range(count))})")
    return " UNION ALL ".join(_branch(name, storages, dialect, in_list)
                              for name, storages in _TABLES.items())


def _storages_for(row: dict, storages: list[CategoryStorage]) -> list[CategoryStorage]:
    """The categories one row holds: lo3_pl holds 07 and 13, lo3_pl_persoon one per persoon_type."""
    if "persoon_type" in row:
        return [s for s in storages if s.categorie.key["persoon_type"] == row["persoon_type"]]
    return storages


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
    params = ({"ids": list(pl_ids)} if dialect == "postgresql"
              else {f"i{i}": pl_id for i, pl_id in enumerate(pl_ids)})
    for table, text in _rows(conn, _sql(dialect, len(pl_ids)), params):
        row = json.loads(text)
        for storage in _storages_for(row, _TABLES[table]):
            voorkomen = storage.from_row(row)
            stapel_nr = row["stapel_nr"] if storage.has_stapel_nr else 0
            volg_nr = row["volg_nr"] if storage.has_volg_nr else 0
            found[row["pl_id"]][storage.categorie.code][stapel_nr][volg_nr] = voorkomen
    return {pl_id: _assemble(categories) for pl_id, categories in found.items()}


def _rows(conn: Connection, sql: str, params: dict) -> list:
    """The statement's rows. On PostgreSQL with its generic plan (index scans on pl_id, whatever
    the PLs): planning the ten branches anew costs more than running them, and psycopg prepares
    a statement a connection runs often. The setting holds for this statement only."""
    if conn.dialect.name != "postgresql":
        return conn.exec_driver_sql(sql, params).all()
    conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    rows = conn.exec_driver_sql(sql, params).all()
    conn.exec_driver_sql("SET LOCAL plan_cache_mode TO DEFAULT")  # (an error ends the transaction)
    return rows


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
