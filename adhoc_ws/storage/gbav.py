"""Importing a GBA-V dump: ``INSERT`` statements in the schema of the GBA-V database.

The SQL is never executed. :func:`statements` reads it with a small tokenizer (strings with
``''`` and ``E'…'`` escapes, numbers, NULL, ``::type`` casts, comments) and understands only
``INSERT INTO [schema.]table [(columns)] VALUES (…), … [ON CONFLICT DO NOTHING];``. Settings and
schema statements (SET, SELECT setval, CREATE, ALTER, …) are skipped, and so are the rows of
the other GBA-V tables (the landelijke tabellen, …; counted); anything that would change data
otherwise (COPY, UPDATE, DELETE, …) and a table GBA-V does not have are errors naming file and
line.

Without a column list, values are by position in the GBA-V CREATE TABLE order, which is the
order of our tables without the columns that are ours (the search accelerators, computed
here as the loader computes them, see :meth:`StoredElement.accelerators`). Another number of
values is an error, except the three columns a newer GBA-V adds to ``lo3_pl`` (the address in
the EU member state of origin, which has no rubriek here): their values are not stored, the
summary counts them.

Everything of one run is checked before anything is written (types, lengths, ranges, NOT NULL,
one row per primary key, one persoonslijst per A-nummer) and written in one transaction: an
error leaves the database as it was. A persoonslijst is recognised by the A-nummer of its
actual persoon, or by its BSN when it has no A-nummer (as the public acceptance steps write
them): one already stored is left as it is (so an import can be repeated), and a
dump's ``pl_id`` already used by another persoonslijst is replaced by a free one. A
verblijfplaats whose ``adres_id`` names no ``lo3_adres`` row of the dump gets no address
(the public test set holds no addresses), and rows of a ``pl_id`` without ``lo3_pl`` row
belong to no persoonslijst and are skipped (the public set has 75 such rows); the summary
counts both. A row that repeats an earlier row of the dump exactly is skipped (as ``ON CONFLICT
DO NOTHING`` would); one that has the same key but other values is an error.
"""
from __future__ import annotations

import datetime as dt
import gzip
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import BigInteger, DateTime, Integer, SmallInteger, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from . import database
from .mapping import STORAGE, address_key
from .schema import PL_TABELLEN, lo3_adres, lo3_pl, lo3_pl_persoon

TABLES = {t.name: t for t in [*PL_TABELLEN, lo3_adres]}
OURS = {"address_key"}  # besides every *_fold and *_fold_rev column
GBAV_COLUMNS = {name: [c.name for c in t.c if c.name not in OURS and "_fold" not in c.name]
                for name, t in TABLES.items()}
# columns a newer GBA-V appends (Europees kiesrecht: address in the EU member state of origin);
# no rubriek of the catalogue holds them, so their values are counted, not stored
NEWER_COLUMNS = {"lo3_pl": ["adres_eu_lidstaat_van_herkomst", "plaats_eu_lidstaat_van_herkomst",
                            "land_eu_lidstaat_van_herkomst"]}
# the other tables of the GBA-V schema: their rows are skipped (and counted)
OTHER_GBAV_TABLES = frozenset("""
    activiteit_small afnemer gebeurtenis_data gebeurtenis_small haalcentraal_vraag herindeling
    lo3_adres_afnemer_ind lo3_afnemers_verstrekking_aut lo3_akte_aand lo3_autorisatie lo3_bericht
    lo3_gba_deelnemer lo3_gemeente lo3_gezagsverhouding lo3_land lo3_mailbox lo3_nationaliteit
    lo3_nl_nat_verkrijg_verlies_reden lo3_nl_reis_doc_autoriteit lo3_nl_reis_doc_soort
    lo3_pl_afnemer_ind lo3_pl_paw_index_2 lo3_pl_serialized lo3_relatie_eind_reden
    lo3_rni_deelnemer lo3_titel_predicaat lo3_verblijfstitel_aand lo3_voorvoegsel
    lo3_voorwaarde_regel_aut lo3_vospg_instructie lookup_codering lookup_codewaarde miteller
    miteller_marker monitor selectie_enumeratie selectie_instelling spg_mailbox spg_schema
    tmp_convert_special_characters_adres tmp_convert_special_characters_persoon
    toestand_overgang pl_bericht""".split())
# per table, the elements that have search columns, one per column (several categories share one)
ACCELERATED = {name: list({s.column: s for storage in STORAGE.values()
                           for s in storage.elements.values()
                           if s.table.name == name and s.fold_column}.values()) for name in TABLES}
TIMESTAMPS = ("creatie_dt", "mutatie_dt")  # filled in with the time of the import when empty
# NOT NULL columns without a default, besides the time stamps
REQUIRED = {name: [c.name for c in t.c if not c.nullable and c.server_default is None
                   and c.name not in TIMESTAMPS] for name, t in TABLES.items()}
SKIPPED = {"SET", "SELECT", "CREATE", "ALTER", "COMMENT", "GRANT", "REVOKE", "BEGIN", "COMMIT",
           "START", "END", "DROP"}
INTEGER_RANGES = {SmallInteger: 2**15, Integer: 2**31, BigInteger: 2**63}

_TOKEN = re.compile(r"""
    (?P<space>\s+) | (?P<comment>--[^\n]*|/\*.*?\*/|(?m:^\\[^\n]*))
  | (?P<estring>[Ee]'(?:[^'\\]|''|\\.)*') | (?P<string>'(?:[^']|'')*')
  | (?P<dollar>\$(?P<tag>[A-Za-z_]*)\$.*?\$(?P=tag)\$)
  | (?P<number>[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")*")
  | (?P<punct>::|[(),;.\[\]=*<>+\-/|&!~%^@:#?])
""", re.VERBOSE | re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "\\": "\\", "'": "'"}


class DumpError(ValueError):
    """A dump that cannot be imported; the message names the file and line."""


@dataclass
class Token:
    kind: str
    text: str
    line: int


@dataclass
class Insert:
    """One INSERT statement: rows of (column -> value) for one of our tables."""

    table: str
    rows: list[tuple[str, dict]]  # (file:line, row)
    line: int
    dropped: int = 0  # values past the GBA-V columns that are not stored


def _tokens(text: str, source: str):
    line, pos = 1, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise DumpError(f"{source}:{line}: cannot read {text[pos:pos + 20]!r}")
        kind, value = m.lastgroup, m.group()
        if kind not in ("space", "comment"):
            yield Token(kind, value, line)
        line += value.count("\n")
        pos = m.end()


def statements(text: str, source: str = "<dump>"):
    """The statements of a dump, as lists of tokens (without the ``;``)."""
    current: list[Token] = []
    for token in _tokens(text, source):
        if token.text == ";":
            if current:
                yield current
            current = []
        else:
            current.append(token)
    if current:
        raise DumpError(f"{source}:{current[0].line}: statement without a closing ';'")


def _string(token: Token, source: str) -> str:
    if token.kind == "string":
        return token.text[1:-1].replace("''", "'")
    body = token.text[2:-1].replace("''", "'")

    def unescape(m):
        if m.group(1) not in _ESCAPES:
            raise DumpError(f"{source}:{token.line}: unsupported escape \\{m.group(1)} in a string")
        return _ESCAPES[m.group(1)]
    return re.sub(r"\\(.)", unescape, body, flags=re.DOTALL)


class _Reader:
    """Reads one statement's tokens."""

    def __init__(self, tokens: list[Token], source: str):
        self.tokens, self.source, self.i = tokens, source, 0

    def error(self, message: str, token: Token | None = None):
        token = token or (self.tokens[self.i] if self.i < len(self.tokens) else self.tokens[-1])
        return DumpError(f"{self.source}:{token.line}: {message}")

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def next(self) -> Token:
        token = self.peek()
        if token is None:
            raise self.error("unexpected end of statement")
        self.i += 1
        return token

    def word(self, *expected: str) -> str:
        token = self.next()
        if token.kind != "name" or (expected and token.text.upper() not in expected):
            raise self.error(f"expected {' or '.join(expected) or 'a name'}, found {token.text!r}", token)
        return token.text.upper() if expected else _name(token.text)

    def punct(self, expected: str) -> None:
        token = self.next()
        if token.text != expected:
            raise self.error(f"expected {expected!r}, found {token.text!r}", token)

    def at(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token.text.upper() == text

    def value(self):
        token = self.next()
        if token.kind in ("string", "estring"):
            value = _string(token, self.source)
        elif token.kind == "number":
            value = float(token.text) if any(c in token.text for c in ".eE") else int(token.text)
        elif token.kind == "name" and token.text.upper() == "NULL":
            value = None
        elif token.kind == "name" and token.text.upper() in ("TRUE", "FALSE"):
            value = token.text.upper() == "TRUE"
        else:
            raise self.error(f"expected a value, found {token.text!r}", token)
        if self.at("::"):  # a cast, e.g. ::character varying(40): the column's own type decides
            self.next()
            while self.peek() is not None and self.peek().text not in (",", ")"):
                if self.next().text in ("(", "["):
                    while self.next().text not in (")", "]"):
                        pass
        return value


def _name(text: str) -> str:
    return text[1:-1].replace('""', '"') if text.startswith('"') else text.lower()


def parse(text: str, source: str = "<dump>") -> tuple[list[Insert], Counter]:
    """The INSERTs of a dump into our tables, and the rows of other tables it skipped."""
    inserts, other = [], Counter()
    for tokens in statements(text, source):
        reader = _Reader(tokens, source)
        first = tokens[0].text.upper()
        if first == "SET" and [t.text.lower().strip("'") for t in tokens[1:4]] in (
                ["standard_conforming_strings", "=", "off"], ["standard_conforming_strings", "to", "off"]):
            raise reader.error("standard_conforming_strings = off is not supported "
                               "(backslashes in strings would be escapes)")
        if first in SKIPPED:
            continue
        if first != "INSERT":
            hint = " (dump with pg_dump --inserts or --column-inserts)" if first == "COPY" else ""
            raise reader.error(f"only INSERT statements are imported, found {first}{hint}")
        reader.word("INSERT")
        reader.word("INTO")
        table = reader.word()
        if reader.at("."):
            reader.next()
            table = reader.word()
        columns = None
        if reader.at("("):
            reader.next()
            columns = [reader.word()]
            while reader.at(","):
                reader.next()
                columns.append(reader.word())
            reader.punct(")")
        reader.word("VALUES")
        rows = [_row(reader)]
        while reader.at(","):
            reader.next()
            rows.append(_row(reader))
        if reader.at("ON"):
            for word in ("ON", "CONFLICT", "DO", "NOTHING"):
                reader.word(word)
        if reader.peek() is not None:
            raise reader.error(f"unexpected {reader.peek().text!r} after the values")
        if table not in TABLES:
            if table not in OTHER_GBAV_TABLES:
                raise DumpError(f"{source}:{tokens[0].line}: unknown table {table!r}: not a table of "
                                f"the GBA-V schema (adhoc-ws imports {', '.join(TABLES)})")
            other[table] += len(rows)
            continue
        inserts.append(_insert(table, columns, rows, tokens[0].line, source))
    return inserts, other


def _row(reader: _Reader) -> tuple[list, int]:
    line = reader.peek().line if reader.peek() else 0
    reader.punct("(")
    values = [reader.value()]
    while reader.at(","):
        reader.next()
        values.append(reader.value())
    reader.punct(")")
    return values, line


def _insert(table: str, columns: list[str] | None, rows, line: int, source: str) -> Insert:
    known, newer = GBAV_COLUMNS[table], NEWER_COLUMNS.get(table, [])
    if columns is not None:
        unknown = [c for c in columns if c not in known and c not in newer]
        if unknown:
            raise DumpError(f"{source}:{line}: {table} has no column {unknown[0]!r} "
                            f"(adhoc-ws stores the GBA-V columns: {', '.join(known)})")
        twice = [c for c in columns if columns.count(c) > 1]
        if twice:
            raise DumpError(f"{source}:{line}: {table}: column {twice[0]!r} is named twice")
    result = Insert(table, [], line)
    for values, row_line in rows:
        where = f"{source}:{row_line}: {table}"
        if columns is not None and len(values) != len(columns):
            raise DumpError(f"{where}: {len(values)} values for {len(columns)} columns")
        if columns is None and len(values) not in (len(known), len(known) + len(newer)):
            also = f" (or {len(known) + len(newer)} in a newer GBA-V)" if newer else ""
            raise DumpError(f"{where}: {len(values)} values, the GBA-V table has {len(known)} columns{also}")
        names = columns or [*known, *newer]
        row = {}
        for name, value in zip(names, values):
            if name in newer:
                result.dropped += value is not None
            else:
                row[name] = _convert(TABLES[table].c[name], value, f"{where}.{name}")
        for column in REQUIRED[table]:
            if row.get(column) is None:
                raise DumpError(f"{where}: no value for {column}, which needs one")
        result.rows.append((f"{source}:{row_line}", row))
    return result


_FRACTION = re.compile(r"(?<=:\d\d\.)(\d{1,5})(?!\d)")


def _timestamp(text: str) -> dt.datetime:
    """A timestamp as PostgreSQL writes it: its fraction of a second has 1 to 6 digits
    (trailing zeros left off), which Python 3.10's ``fromisoformat`` only reads as 3 or 6."""
    return dt.datetime.fromisoformat(_FRACTION.sub(lambda m: m[1].ljust(6, "0"), text, count=1))


def _convert(column, value, where: str):
    """A dump value as the column stores it; a value the column cannot hold is an error."""
    if value is None:
        return None
    kind = type(column.type)
    if isinstance(value, bool) or isinstance(value, float):
        raise DumpError(f"{where}: unexpected value {value!r}")
    if kind in INTEGER_RANGES:
        try:
            number = int(value)
        except ValueError:
            raise DumpError(f"{where}: {value!r} is not a whole number") from None
        if not -INTEGER_RANGES[kind] <= number < INTEGER_RANGES[kind]:
            raise DumpError(f"{where}: {number} is out of range")
        return number
    if kind is DateTime:
        try:
            return _timestamp(str(value))
        except ValueError:
            raise DumpError(f"{where}: {value!r} is not a timestamp") from None
    text = str(value)
    if "\x00" in text:
        raise DumpError(f"{where}: {text!r} holds a NUL character, which no database column stores")
    length = getattr(column.type, "length", None)
    if length and len(text) > length:
        raise DumpError(f"{where}: {text!r} is longer than {length} characters")
    return text


@dataclass
class Summary:
    """What an import did."""

    inserted: Counter = field(default_factory=Counter)  # table -> rows
    present: Counter = field(default_factory=Counter)  # table -> rows already stored, not inserted
    persoonslijsten: int = 0
    already_present: int = 0  # persoonslijsten stored already (same A-nummer; without one, same BSN)
    renumbered: int = 0  # persoonslijsten given another pl_id
    without_address: int = 0  # verblijfplaats rows whose lo3_adres the dump does not hold
    orphans: Counter = field(default_factory=Counter)  # pl_id -> rows without a lo3_pl row, skipped
    dropped_values: Counter = field(default_factory=Counter)  # table -> values not stored
    other_tables: Counter = field(default_factory=Counter)  # table -> rows skipped
    repeated: int = 0  # rows that repeat an earlier row of the dump exactly: skipped


def read(path: str | Path) -> str:
    path = Path(path)
    try:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        return data.decode("utf-8")
    except OSError as e:
        raise DumpError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise DumpError(f"{path}: not UTF-8 (byte {e.start})") from None


def import_files(engine: Engine, paths) -> Summary:
    """Import GBA-V dumps (``.sql`` or ``.sql.gz``) in one transaction; see the module docstring."""
    summary = Summary()
    rows: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for path in paths:
        inserts, other = parse(read(path), str(path))
        summary.other_tables.update(other)
        for ins in inserts:
            rows[ins.table] += ins.rows
            summary.dropped_values[ins.table] += ins.dropped
    summary.dropped_values = +summary.dropped_values
    for table, table_rows in rows.items():
        rows[table], repeated = _one_per_key(TABLES[table], table_rows)
        summary.repeated += repeated
    database.init(engine)
    try:
        with engine.begin() as conn:
            _write(conn, rows, summary)
    except DBAPIError as e:
        raise DumpError(f"the database refused the import: {e.orig}") from None
    database.analyze(engine)
    summary.inserted = +summary.inserted
    return summary


def _one_per_key(table, table_rows: list[tuple[str, dict]]) -> tuple[list[tuple[str, dict]], int]:
    """The rows without exact repeats (and how many there were); one key with two rows is an error."""
    key_columns = [c.name for c in table.primary_key.columns]
    seen: dict[tuple, tuple[str, dict]] = {}
    kept = []
    for where, row in table_rows:
        key = tuple(row.get(c) for c in key_columns)
        if key in seen:
            first_where, first = seen[key]
            if first == row:
                continue
            shown = ", ".join(f"{c} {v}" for c, v in zip(key_columns, key))
            raise DumpError(f"{where}: {table.name} ({shown}) is also at {first_where}, with other values")
        seen[key] = (where, row)
        kept.append((where, row))
    return kept, len(table_rows) - len(kept)


def _write(conn, rows: dict[str, list[tuple[str, dict]]], summary: Summary) -> None:
    plan = _Plan(conn, rows)
    summary.persoonslijsten, summary.already_present = len(plan.new_ids), plan.present
    summary.renumbered = sum(old != new for old, new in plan.new_ids.items())
    summary.orphans = plan.orphans
    now = dt.datetime.now()
    addresses = plan.addresses([r for _, r in rows.get("lo3_adres", [])], now)
    for table in TABLES.values():
        todo = []
        for _, row in rows.get(table.name, []) if table is not lo3_adres else []:
            if row["pl_id"] in plan.orphans:
                continue
            pl_id = plan.new_ids.get(row["pl_id"])
            if pl_id is None:
                summary.present[table.name] += 1
                continue
            row = {**row, "pl_id": pl_id}
            if "adres_id" in row and row["adres_id"] is not None:
                row["adres_id"] = addresses.get(row["adres_id"])
                summary.without_address += row["adres_id"] is None
            todo.append(_completed(table.name, row, now))
        for start in range(0, len(todo), 1000):
            conn.execute(insert(table), todo[start:start + 1000])
        summary.inserted[table.name] += len(todo)
    summary.inserted["lo3_adres"] += plan.new_addresses
    summary.present = +summary.present


def _completed(table: str, row: dict, now: dt.datetime) -> dict:
    """The row with our search columns (from the value itself, ``diak_*`` when present) and the
    time stamps a dump may leave empty."""
    for element in ACCELERATED[table]:
        row.update(element.accelerators(element.stored_value(row)))
    for column in TIMESTAMPS:
        if column in TABLES[table].c and row.get(column) is None:
            row[column] = now
    return row


class _Plan:
    """Which dump PLs are new, the pl_id each gets, and where the dump's addresses go."""

    def __init__(self, conn, rows: dict[str, list[tuple[str, dict]]]):
        self.conn = conn
        dump_ids = {r["pl_id"] for _, r in rows.get("lo3_pl", [])}
        self.orphans = Counter()  # pl_id -> rows of a pl_id without lo3_pl row: no persoonslijst
        for table, table_rows in rows.items():
            for _, r in table_rows:
                if table != "lo3_adres" and r["pl_id"] not in dump_ids:
                    self.orphans[r["pl_id"]] += 1
        keys, seen = {}, {}  # pl_id -> how it is recognised: ("A-nummer", n), or ("BSN", n) without one
        for where, r in rows.get("lo3_pl_persoon", []):
            if (r["persoon_type"], r["stapel_nr"], r["volg_nr"]) != ("P", 0, 0):
                continue
            a_nr, bsn = r.get("a_nr"), r.get("burger_service_nr")  # a column list may leave them out
            key = ("A-nummer", a_nr) if a_nr is not None else ("BSN", bsn) if bsn is not None else None
            if key is None:
                continue
            if key in seen:
                shown = f"{key[1]:010d}" if key[0] == "A-nummer" else f"{key[1]:09d} (without A-nummer)"
                raise DumpError(f"{where}: {key[0]} {shown} is also the {key[0]} of the persoonslijst at "
                                f"{seen[key]}")
            keys[r["pl_id"]], seen[key] = key, where
        missing = sorted(dump_ids - set(keys))
        if missing:
            where = next(w for w, r in rows["lo3_pl"] if r["pl_id"] == missing[0])
            raise DumpError(f"{where}: persoonslijst pl_id {missing[0]} has no actual persoon with an "
                            f"A-nummer or a BSN (lo3_pl_persoon P, stapel 0, volg 0)")
        stored = self._stored(keys.values())
        taken = set()
        ids = sorted(dump_ids)
        for start in range(0, len(ids), 500):
            taken |= set(conn.execute(select(lo3_pl.c.pl_id).where(
                lo3_pl.c.pl_id.in_(ids[start:start + 500]))).scalars())
        top = max(conn.execute(select(func.max(lo3_pl.c.pl_id))).scalar() or 0, max(dump_ids, default=0))
        self.present = sum(key in stored for key in keys.values())
        self.new_ids = {}
        for pl_id in ids:
            if keys[pl_id] in stored:
                continue
            if pl_id in taken:
                top += 1
                self.new_ids[pl_id] = top
            else:
                self.new_ids[pl_id] = pl_id
        self.new_addresses = 0

    def _stored(self, keys) -> set[tuple[str, int]]:
        """Which of these keys a stored persoonslijst has: its A-nummer, or without one its BSN."""
        p = lo3_pl_persoon.c
        stored = set()
        for kind, column, condition in (("A-nummer", p.a_nr, p.a_nr.isnot(None)),
                                        ("BSN", p.burger_service_nr, p.a_nr.is_(None))):
            values = [n for k, n in keys if k == kind]
            for start in range(0, len(values), 500):
                stored |= {(kind, n) for n in self.conn.execute(
                    select(column).where(p.persoon_type == "P", p.stapel_nr == 0, p.volg_nr == 0, condition,
                                         column.in_(values[start:start + 500]))).scalars()}
        return stored

    def addresses(self, rows: list[dict], now: dt.datetime) -> dict[int, int]:
        """dump adres_id -> stored adres_id: an equal stored address, or the row inserted now."""
        result = {}
        if not rows:
            return result
        top = self.conn.execute(select(func.max(lo3_adres.c.adres_id))).scalar() or 0
        for row in rows:
            row = _completed("lo3_adres", dict(row), now)
            key = address_key(row)
            found = self.conn.execute(select(lo3_adres.c.adres_id).where(lo3_adres.c.address_key == key)
                                      ).scalar()
            if found is None:
                taken = self.conn.execute(select(lo3_adres.c.adres_id).where(
                    lo3_adres.c.adres_id == row["adres_id"])).scalar()
                found = row["adres_id"]
                if taken is not None:
                    top = max(top, found) + 1
                    found = top
                self.conn.execute(insert(lo3_adres), [{**row, "adres_id": found, "address_key": key}])
                self.new_addresses += 1
            result[row["adres_id"]] = found
        return result
