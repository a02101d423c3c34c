"""Rows as tuples, fast: the bulk path of ``adhoc-ws generate``.

The same conversions as :class:`adhoc_ws.storage.mapping.StoredElement` (a test keeps the two
equal), compiled per category into (column position, conversion) steps, so that a voorkomen
becomes a tuple in the table's column order without a dict per element. Rows are written with
COPY on PostgreSQL and executemany on SQLite.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy.engine import Connection

from ..charset import fold, slim
from .mapping import STORAGE, ADDRESS_COLUMNS, CategoryStorage, Persoonslijst
from .schema import PL_TABELLEN, lo3_adres

COLUMNS = {table.name: [c.name for c in table.c] for table in [*PL_TABELLEN, lo3_adres]}
_POSITION = {name: {c: i for i, c in enumerate(cols)} for name, cols in COLUMNS.items()}

slim_cached = lru_cache(maxsize=200_000)(slim)
fold_cached = lru_cache(maxsize=200_000)(fold)


def _diak(length):
    def plain(v):
        return slim_cached(v)[:length]

    def original(v):
        return v if plain(v) != v else None
    return plain, original


def _steps(storage: CategoryStorage) -> dict[str, tuple[list, list]]:
    """element -> (steps into the category's row, steps into its lo3_adres row);
    a step is (column position, conversion)."""
    steps = {}
    for element, stored in storage.elements.items():
        positions = _POSITION[stored.table.name]
        todo = []
        if stored.numeric:
            todo.append((positions[stored.column], int))
        elif stored.diak_column:
            plain, original = _diak(stored.length)
            todo += [(positions[stored.column], plain), (positions[stored.diak_column], original)]
        else:
            todo.append((positions[stored.column], str))
        if stored.fold_column:
            todo.append((positions[stored.fold_column], fold_cached))
        if stored.reversed_column:
            todo.append((positions[stored.reversed_column], lambda v: fold_cached(v)[::-1]))
        steps[element] = ([], todo) if stored.table is lo3_adres else (todo, [])
    return steps


class _Plan:
    """What the row maker needs to know of one category, worked out once."""

    def __init__(self, storage: CategoryStorage):
        self.table = storage.table.name
        self.width = len(COLUMNS[self.table])
        positions = _POSITION[self.table]
        self.steps = _steps(storage)
        self.fixed = [(positions[c], v) for c, v in storage.categorie.key.items()]
        self.pl_id = positions["pl_id"]
        self.stapel_nr = positions.get("stapel_nr")
        self.volg_nr = positions.get("volg_nr")
        self.address = storage.has_address
        self.adres_id = positions.get("adres_id")
        self.gemeente = positions.get("inschrijving_gemeente_code")
        self.gemeente_deel = positions.get("gemeente_deel")


_PLANS = {storage.categorie.code: _Plan(storage) for storage in STORAGE.values()}
_ADDRESS_KEY_POSITIONS = [_POSITION["lo3_adres"][c] for c in ADDRESS_COLUMNS]
_A = _POSITION["lo3_adres"]
_ADDRESS_WIDTH = len(COLUMNS["lo3_adres"])


class RowMaker:
    """Turns persoonslijsten into rows per table; addresses numbered from ``adres_id``."""

    def __init__(self, adres_id: int, now):
        self.next_adres_id = adres_id
        self.now = now
        self.rows: dict[str, list[tuple]] = {name: [] for name in COLUMNS}
        self.addresses: dict[str, int] = {}

    def add(self, pl_id: int, pl: Persoonslijst) -> None:
        pl_row = [None] * len(COLUMNS["lo3_pl"])
        pl_row[0] = pl_id
        pl_row[_POSITION["lo3_pl"]["mutatie_dt"]] = pl_row[_POSITION["lo3_pl"]["creatie_dt"]] = self.now
        rows = self.rows
        for code, stapels in pl.items():
            plan = _PLANS[code]
            steps = plan.steps
            in_pl = plan.table == "lo3_pl"
            for stapel_nr, stapel in enumerate(stapels):
                for volg_nr, voorkomen in enumerate(stapel):
                    row = pl_row if in_pl else [None] * plan.width
                    address = [None] * _ADDRESS_WIDTH if plan.address else None
                    for element, waarde in voorkomen.items():
                        own, to_address = steps[element]
                        for position, convert in own:
                            row[position] = convert(waarde)
                        for position, convert in to_address:
                            address[position] = convert(waarde)
                    if in_pl:
                        continue
                    row[plan.pl_id] = pl_id
                    for position, value in plan.fixed:
                        row[position] = value
                    if plan.stapel_nr is not None:
                        row[plan.stapel_nr] = stapel_nr
                    if plan.volg_nr is not None:
                        row[plan.volg_nr] = volg_nr
                    if address is not None and address.count(None) < _ADDRESS_WIDTH:
                        address[_A["gemeente_code"]] = row[plan.gemeente] or 0
                        address[_A["gemeente_deel"]] = row[plan.gemeente_deel]
                        row[plan.adres_id] = self._address(address)
                    rows[plan.table].append(tuple(row))
        rows["lo3_pl"].append(tuple(pl_row))

    def _address(self, address: list) -> int:
        key = "\x1f".join("" if address[i] is None else str(address[i])
                           for i in _ADDRESS_KEY_POSITIONS)
        known = self.addresses.get(key)
        if known is None:
            known = self.addresses[key] = self.next_adres_id
            self.next_adres_id += 1
            address[_A["adres_id"]] = known
            address[_A["address_key"]] = key
            address[_A["creatie_dt"]] = self.now
            self.rows["lo3_adres"].append(tuple(address))
        return known


def insert_rows(conn: Connection, rows: dict[str, list[tuple]]) -> None:
    """Write the rows of every table, only the columns they fill: COPY on PostgreSQL,
    executemany elsewhere."""
    for name, table_rows in rows.items():
        if not table_rows:
            continue
        columns = list(zip(*table_rows))
        used = [i for i, column in enumerate(columns) if column.count(None) < len(column)]
        names = ", ".join(COLUMNS[name][i] for i in used)
        projected = zip(*(columns[i] for i in used))
        if conn.dialect.name == "postgresql":
            cursor = conn.connection.driver_connection.cursor()
            with cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
                for row in projected:
                    copy.write_row(row)
        else:
            conn.exec_driver_sql(f"INSERT INTO {name} ({names}) VALUES ({', '.join('?' * len(used))})",
                                 list(projected))
