"""Reading persoonslijsten back from the GBA-V tables, a batch of PLs at a time."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .mapping import STORAGE, CategoryStorage, Persoonslijst
from .schema import lo3_adres, lo3_pl, lo3_pl_persoon


def _storages_by_table() -> dict[str, list[CategoryStorage]]:
    tables = defaultdict(list)
    for storage in STORAGE.values():
        tables[storage.table.name].append(storage)
    return dict(tables)


_TABLES = _storages_by_table()


def _query(storage: CategoryStorage, pl_ids):
    table = storage.table
    columns = list(table.c)
    source = table
    if storage.has_address:
        columns += [lo3_adres.c[name] for name in storage.address_columns()]
        source = table.outerjoin(lo3_adres, table.c.adres_id == lo3_adres.c.adres_id)
    order = [table.c[k] for k in ("pl_id", "persoon_type", "stapel_nr", "volg_nr") if k in table.c]
    return select(*columns).select_from(source).where(table.c.pl_id.in_(pl_ids)).order_by(*order)


def _storages_for(row, storages: list[CategoryStorage]) -> list[CategoryStorage]:
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
    for storages in _TABLES.values():
        if not pl_ids:
            break
        for row in conn.execute(_query(storages[0], pl_ids)).mappings():
            for storage in _storages_for(row, storages):
                voorkomen = storage.from_row(row)
                stapel_nr = row["stapel_nr"] if storage.has_stapel_nr else 0
                volg_nr = row["volg_nr"] if storage.has_volg_nr else 0
                found[row["pl_id"]][storage.categorie.code][stapel_nr][volg_nr] = voorkomen
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
