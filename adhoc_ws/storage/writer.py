"""Writing persoonslijsten into the GBA-V tables.

A persoonslijst is keyed by its A-nummer (01.01.10): writing one whose A-nummer is already
stored replaces that PL under the same ``pl_id``. A BSN already used by another PL is refused.
Addresses are shared: one ``lo3_adres`` row per distinct address, as in GBA-V.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Callable, Iterable

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Connection

from .mapping import STORAGE, Persoonslijst, address_key
from .schema import PL_TABELLEN, lo3_adres, lo3_pl, lo3_pl_persoon

BATCH = 500


class DuplicateBsn(ValueError):
    pass


def a_nummer(pl: Persoonslijst) -> str:
    return pl["01"][0][0]["0110"]


def bsn(pl: Persoonslijst) -> str:
    return pl["01"][0][0]["0120"]


def _actual_persoon(column):
    p = lo3_pl_persoon.c
    return select(p.pl_id, p.a_nr, column).where(
        p.persoon_type == "P", p.stapel_nr == 0, p.volg_nr == 0)


class Writer:
    """Writes persoonslijsten on one connection, inside the caller's transaction."""

    def __init__(self, conn: Connection):
        self.conn = conn
        if conn.dialect.name == "postgresql":
            conn.execute(text("LOCK TABLE lo3_pl, lo3_adres IN SHARE ROW EXCLUSIVE MODE"))
            # psycopg would keep a plan made while the tables were small; they grow here
            conn.connection.driver_connection.prepare_threshold = None
        self.next_pl_id = (conn.execute(select(func.max(lo3_pl.c.pl_id))).scalar() or 0) + 1
        self.next_adres_id = (conn.execute(select(func.max(lo3_adres.c.adres_id))).scalar() or 0) + 1
        self.addresses: dict[str, int] = {}
        self.written = 0
        self.analyzed_at = 1000

    def write(self, persoonslijsten: Iterable[Persoonslijst],
              progress: Callable[[int], None] | None = None) -> int:
        count = 0
        batch: list[Persoonslijst] = []
        for pl in persoonslijsten:
            batch.append(pl)
            if len(batch) == BATCH:
                count += self._write_batch(batch)
                progress and progress(len(batch))
                batch = []
        if batch:
            count += self._write_batch(batch)
            progress and progress(len(batch))
        return count

    def _write_batch(self, batch: list[Persoonslijst]) -> int:
        p = lo3_pl_persoon.c
        anrs = [int(a_nummer(pl)) for pl in batch]
        existing = dict(self.conn.execute(
            select(p.a_nr, p.pl_id).where(p.persoon_type == "P", p.stapel_nr == 0,
                                          p.volg_nr == 0, p.a_nr.in_(anrs))).all())
        bsns = {int(bsn(pl)): int(a_nummer(pl)) for pl in batch}
        for row in self.conn.execute(_actual_persoon(p.burger_service_nr).where(
                p.burger_service_nr.in_(list(bsns)))):
            if row.a_nr != bsns[row.burger_service_nr]:
                raise DuplicateBsn(
                    f"BSN {row.burger_service_nr:09d} of A-nummer {bsns[row.burger_service_nr]:010d} "
                    f"already belongs to A-nummer {row.a_nr:010d}")
        if existing:
            ids = list(existing.values())
            for table in PL_TABELLEN:
                self.conn.execute(delete(table).where(table.c.pl_id.in_(ids)))

        rows: dict[str, list[dict]] = defaultdict(list)
        pending_addresses: dict[str, dict] = {}
        now = dt.datetime.now()
        for pl, anr in zip(batch, anrs):
            pl_id = existing.get(anr)
            if pl_id is None:
                pl_id, self.next_pl_id = self.next_pl_id, self.next_pl_id + 1
            self._rows(pl_id, pl, now, rows, pending_addresses)

        self._store_addresses(pending_addresses, rows)
        for table in PL_TABELLEN:
            if rows[table.name]:
                self._insert(table, rows[table.name])
        self.written += len(batch)
        if self.conn.dialect.name == "postgresql" and self.written > 2 * self.analyzed_at:
            # the planner only knows the tables as they were; the lookups above need it to
            # know they have grown, or it scans them whole
            for table in (lo3_pl_persoon, lo3_adres):
                self.conn.execute(text(f"ANALYZE {table.name}"))
            self.analyzed_at = self.written
        return len(batch)

    def _insert(self, table, rows: list[dict]) -> None:
        """Insert many rows: COPY on PostgreSQL (far faster than INSERT), executemany elsewhere."""
        if self.conn.dialect.name != "postgresql":
            self.conn.execute(insert(table), _uniform(rows))
            return
        columns = [c.name for c in table.c if any(c.name in r for r in rows)]
        cursor = self.conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row.get(c) for c in columns])

    def _rows(self, pl_id, pl, now, rows, pending_addresses):
        pl_row = {"pl_id": pl_id, "mutatie_dt": now}
        for code, stapels in pl.items():
            storage = STORAGE[int(code)]
            for stapel_nr, stapel in enumerate(stapels):
                for volg_nr, voorkomen in enumerate(stapel):
                    row, address = storage.to_rows(voorkomen)
                    if storage.table is lo3_pl:
                        pl_row.update(row)
                        continue
                    row["pl_id"] = pl_id
                    if storage.has_stapel_nr:
                        row["stapel_nr"] = stapel_nr
                    if storage.has_volg_nr:
                        row["volg_nr"] = volg_nr
                    if storage.has_address:
                        row["adres_id"] = None
                        if address:
                            address["gemeente_code"] = row.get("inschrijving_gemeente_code", 0)
                            address["gemeente_deel"] = row.get("gemeente_deel")
                            key = address_key(address)
                            pending_addresses.setdefault(key, address)
                            row["adres_id"] = key
                    rows[storage.table.name].append(row)
        rows["lo3_pl"].append(pl_row)

    def _store_addresses(self, pending: dict[str, dict], rows) -> None:
        """Give every pending address an adres_id (existing or new) and resolve the rows."""
        unknown = [k for k in pending if k not in self.addresses]
        for i in range(0, len(unknown), BATCH):
            part = unknown[i:i + BATCH]
            self.addresses.update(self.conn.execute(
                select(lo3_adres.c.address_key, lo3_adres.c.adres_id)
                .where(lo3_adres.c.address_key.in_(part))).all())
        new = []
        for key in unknown:
            if key not in self.addresses:
                self.addresses[key] = self.next_adres_id
                new.append({**pending[key], "adres_id": self.next_adres_id, "address_key": key})
                self.next_adres_id += 1
        if new:
            self._insert(lo3_adres, new)
        for table_rows in rows.values():
            for row in table_rows:
                if isinstance(row.get("adres_id"), str):
                    row["adres_id"] = self.addresses[row["adres_id"]]


def _uniform(rows: list[dict]) -> list[dict]:
    """executemany wants every row to name the same columns."""
    keys = set().union(*rows)
    return [{k: r.get(k) for k in keys} for r in rows]
