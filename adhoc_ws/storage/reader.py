"""Reading persoonslijsten back from the GBA-V tables, a batch of PLs at a time.

One statement reads every table: a UNION ALL with a branch per category (one for the
categories that share ``lo3_pl_persoon``, told apart by persoon_type), each row a JSON array
``[pl_id, category code, stapel_nr, volg_nr, voorkomen]``, the voorkomen in rubriek terms:
element numbers and values, made in SQL as the catalogue maps the columns
(:meth:`~adhoc_ws.storage.mapping.StoredElement.sql_value`), without the elements that have
no value. SQLite writes numbers with their leading zeros (printf); on PostgreSQL they are left
to Python (there lpad costs more than the rest of the read). The rows come as one JSON
array: one round trip per answer instead of one per table, and one row for the driver to
hand over; sorted, they are the PLs in category, stapel and voorkomen order, assembled in
one pass. The SQL text is made once per dialect and number of PLs, and runs through the
DBAPI cursor (:func:`database.fetch`).

On PostgreSQL the PLs are asked as an IN list of 1, 10 or 31 values (the last repeated to
fill it): a statement psycopg prepares and PostgreSQL then runs on its generic plan, with
index scans on pl_id whatever the PLs. Planning the branches anew for every read cost more
than running them. There the statement is written with PostgreSQL's own placeholders
($1 …) and runs as it is written (``fetch(…, native=True)``): psycopg rewrites named
placeholders in Python and remembers rewritten statements only up to 4 kB, so this one, of
9–11 kB, was rewritten on every read.
"""
from __future__ import annotations

import json
from functools import lru_cache
from operator import itemgetter

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .database import fetch
from .mapping import STORAGE, CategoryStorage, Persoonslijst
from .schema import lo3_adres, lo3_pl, lo3_pl_persoon


def _branches() -> list[list[CategoryStorage]]:
    """The categories each branch of the read holds: those of one table that a key column
    tells apart (persoon_type) together, every other category alone (07 and 13 share lo3_pl)."""
    tables: dict[str, list[CategoryStorage]] = {}
    for storage in STORAGE.values():
        tables.setdefault(storage.table.name, []).append(storage)
    branches = []
    for storages in tables.values():
        if all(storage.categorie.key for storage in storages):
            branches.append(storages)
        else:
            branches += [[storage] for storage in storages]
    return branches


def _code(storages: list[CategoryStorage]) -> str:
    """SQL for the category code of a row of this branch."""
    if len(storages) == 1:
        return f"'{storages[0].categorie.code}'"
    cases = " ".join(f"WHEN {' AND '.join(f't.{k} = {v!r}' for k, v in s.categorie.key.items())} "
                     f"THEN '{s.categorie.code}'" for s in storages)
    return f"CASE {cases} END"


def _branch(storages: list[CategoryStorage], dialect: str, in_list: str) -> str:
    table = storages[0].table
    keys = [_code(storages)] + [f"t.{key}" if key in table.c else "0" for key in ("stapel_nr", "volg_nr")]
    values = {}
    for storage in storages:
        for element, stored in storage.elements.items():
            values[element] = stored.sql_value("a" if stored.table is lo3_adres else "t", dialect)
    source = f"{table.name} t"
    if storages[0].has_address:
        source += " LEFT OUTER JOIN lo3_adres a ON a.adres_id = t.adres_id"
    if dialect == "postgresql":  # row_to_json of a row costs less than json_build_object
        columns = ", ".join(f'{value} AS "{key}"' for key, value in values.items())
        return (f"SELECT json_build_array(t.pl_id, {', '.join(keys)}, json_strip_nulls(row_to_json(e)))"
                f" AS v FROM {source} CROSS JOIN LATERAL (SELECT {columns}) e WHERE t.pl_id {in_list}")
    pairs = ", ".join(f"'{key}', {value}" for key, value in values.items())
    return (f"SELECT json_array(t.pl_id, {', '.join(keys)}, json_patch('{{}}', json_object({pairs})))"
            f" AS v FROM {source} WHERE t.pl_id {in_list}")  # json_patch drops the NULLs


@lru_cache(maxsize=64)
def _sql(dialect: str, count: int) -> str:
    names = (f"${i + 1}" if dialect == "postgresql" else f":i{i}" for i in range(count))
    in_list = f"IN ({', '.join(names)})"
    rows = " UNION ALL ".join(_branch(storages, dialect, in_list) for storages in _branches())
    if dialect == "postgresql":
        return f"SELECT json_agg(v)::text FROM ({rows}) x"
    return f"SELECT json_group_array(json(v)) FROM ({rows})"


SLOTS = (1, 10, 31)  # PostgreSQL: IN lists of these lengths, so that few statements are prepared


def _slots(dialect: str, count: int) -> int:
    if dialect != "postgresql":
        return count
    return next((n for n in SLOTS if n >= count), count)


# category code -> its elements; its numeric elements with their length: PostgreSQL gives them
# as numbers, without the leading zeros of their LO3 form (gemeente 363 -> 0363)
_OWN = {s.categorie.code: frozenset(s.elements) for s in STORAGE.values()}
_NUMBERS = {s.categorie.code: {element: stored.element.min_length
                               for element, stored in s.elements.items() if stored.numeric}
            for s in STORAGE.values()}
_ORDER = itemgetter(0, 1, 2, 3)  # pl_id, category, stapel_nr, volg_nr (the actual voorkomen is 0)


def read_persoonslijsten(conn: Connection, pl_ids: list[int]) -> dict[int, Persoonslijst]:
    """Every stored voorkomen of these PLs: stapels in stapel_nr order, actual voorkomen first.

    An actual voorkomen without any element is kept as ``{}`` when its stapel has history,
    so that index 0 of a stapel is always the actual voorkomen; historic voorkomens without
    any element, and stapels and categories with nothing in them, are left out.
    """
    if not pl_ids:
        return {}
    dialect = conn.dialect.name
    slots = _slots(dialect, len(pl_ids))
    params = [pl_ids[min(i, len(pl_ids) - 1)] for i in range(slots)]
    if dialect != "postgresql":  # named: sqlite3 binds a sequence to ?NNN with a warning (3.12)
        params = {f"i{i}": pl_id for i, pl_id in enumerate(params)}
    (rows,), = fetch(conn, _sql(dialect, slots), params, native=True)
    rows = json.loads(rows or "[]")  # PostgreSQL's json_agg of no rows is NULL
    rows.sort(key=_ORDER)
    pls: dict[int, Persoonslijst] = {pl_id: {} for pl_id in pl_ids}
    padding = _NUMBERS if dialect == "postgresql" else None  # SQLite's come padded
    last = stapel = None
    for pl_id, code, stapel_nr, volg_nr, voorkomen in rows:
        if padding:
            numbers = padding[code]
            for element in voorkomen.keys() & numbers.keys():
                voorkomen[element] = str(voorkomen[element]).zfill(numbers[element])
        if not voorkomen.keys() <= _OWN[code]:  # a column of another category of the table
            voorkomen = {e: v for e, v in voorkomen.items() if e in _OWN[code]}
        if (pl_id, code, stapel_nr) != last:
            last, stapel = (pl_id, code, stapel_nr), []
            pls[pl_id].setdefault(code, []).append(stapel)
            if volg_nr:
                stapel.append({})  # no actual voorkomen
        if voorkomen or not volg_nr:
            stapel.append(voorkomen)
    return {pl_id: _filled(pl) for pl_id, pl in pls.items()}


def _filled(pl: Persoonslijst) -> Persoonslijst:
    """The PL without the stapels that hold nothing, and the categories left without any."""
    filled = {}
    for code, stapels in pl.items():
        stapels = [stapel for stapel in stapels if any(stapel)]
        if stapels:
            filled[code] = stapels
    return filled


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
