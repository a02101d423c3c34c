"""Importing a GBA-V dump: ``INSERT`` statements in the schema of the GBA-V database.

The SQL is never executed. :func:`statements` reads it with a small tokenizer (strings with
``''`` and ``E'…'`` escapes, numbers, NULL, ``::type`` casts, comments) and understands only
``INSERT INTO [schema.]table [(columns)] VALUES (…), … [ON CONFLICT DO NOTHING];``. Settings and
schema statements (SET, SELECT setval, CREATE, ALTER, …) are skipped; anything that would
change data otherwise (COPY, UPDATE, DELETE, …) is an error naming file and line.

Without a column list, values are by position in the GBA-V CREATE TABLE order, which is the
order of our tables without the columns that are ours (the search accelerators, computed
here as the loader computes them). Values past the GBA-V columns (a newer GBA-V adds three to
``lo3_pl``) are not stored; the summary counts them.

Everything of one run is checked before anything is written and written in one transaction:
an error leaves the database as it was. A persoonslijst is recognised by the A-nummer of its
actual persoon: one already stored is left as it is (so an import can be repeated), and a
dump's ``pl_id`` already used by another persoonslijst is replaced by a free one. A
verblijfplaats whose ``adres_id`` names no ``lo3_adres`` row of the dump gets no address
(the public test set holds no addresses), and rows of a ``pl_id`` without ``lo3_pl`` row
belong to no persoonslijst and are skipped (the public set has 75 such rows); the summary
counts both.
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

from ..charset import fold
from . import database
from .mapping import address_key
from .schema import PL_TABELLEN, lo3_adres, lo3_pl, lo3_pl_persoon

TABLES = {t.name: t for t in [*PL_TABELLEN, lo3_adres]}
OURS = {"address_key"}  # besides every *_fold and *_fold_rev column
GBAV_COLUMNS = {name: [c.name for c in t.c if c.name not in OURS and "_fold" not in c.name]
                for name, t in TABLES.items()}
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
    known = GBAV_COLUMNS[table]
    if columns is not None:
        unknown = [c for c in columns if c not in known]
        if unknown:
            raise DumpError(f"{source}:{line}: {table} has no column {unknown[0]!r} "
                            f"(adhoc-ws stores the GBA-V columns: {', '.join(known)})")
    names = columns or known
    result = Insert(table, [], line)
    for values, row_line in rows:
        where = f"{source}:{row_line}: {table}"
        if columns is not None and len(values) != len(columns):
            raise DumpError(f"{where}: {len(values)} values for {len(columns)} columns")
        if len(values) < len(known) and columns is None:
            raise DumpError(f"{where}: {len(values)} values, the GBA-V table has {len(known)} columns")
        result.dropped += sum(v is not None for v in values[len(names):])
        result.rows.append((f"{source}:{row_line}", {n: _convert(TABLES[table].c[n], v, f"{where}.{n}")
                                                     for n, v in zip(names, values)}))
    return result


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
            return dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise DumpError(f"{where}: {value!r} is not a timestamp") from None
    text = str(value)
    length = getattr(column.type, "length", None)
    if length and len(text) > length:
        raise DumpError(f"{where}: {text!r} is longer than {length} characters")
    return text


@dataclass
class Summary:
    """What an import did."""

    inserted: Counter = field(default_factory=Counter)  # table -> rows
    persoonslijsten: int = 0
    already_present: int = 0  # persoonslijsten whose A-nummer was stored already
    renumbered: int = 0  # persoonslijsten given another pl_id
    without_address: int = 0  # verblijfplaats rows whose lo3_adres the dump does not hold
    orphans: Counter = field(default_factory=Counter)  # pl_id -> rows without a lo3_pl row, skipped
    dropped_values: Counter = field(default_factory=Counter)  # table -> values not stored
    other_tables: Counter = field(default_factory=Counter)  # table -> rows skipped


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
    database.init(engine)
    with engine.begin() as conn:
        plan = _Plan(conn, rows)
        summary.persoonslijsten, summary.already_present = len(plan.new_ids), plan.present
        summary.renumbered = sum(old != new for old, new in plan.new_ids.items())
        summary.orphans = plan.orphans
        addresses = plan.addresses([r for _, r in rows.get("lo3_adres", [])])
        for table in TABLES.values():
            todo = []
            for _, row in rows.get(table.name, []) if table is not lo3_adres else []:
                pl_id = plan.new_ids.get(row["pl_id"])
                if pl_id is None:
                    continue  # already present
                row = {**row, "pl_id": pl_id}
                if "adres_id" in row and row["adres_id"] is not None:
                    row["adres_id"] = addresses.get(row["adres_id"])
                    summary.without_address += row["adres_id"] is None
                todo.append(_with_accelerators(table.name, row))
            if table is lo3_pl:
                now = dt.datetime.now()
                todo = [{**r, "mutatie_dt": r.get("mutatie_dt") or now} for r in todo]
            for start in range(0, len(todo), 1000):
                conn.execute(insert(table), todo[start:start + 1000])
            summary.inserted[table.name] += len(todo)
        summary.inserted["lo3_adres"] += plan.new_addresses
    database.analyze(engine)
    summary.inserted = +summary.inserted
    return summary


def _with_accelerators(table: str, row: dict) -> dict:
    """The row with our search columns, computed from the value itself (diak_* when present)."""
    for column in TABLES[table].c:
        base = column.name.removesuffix("_fold_rev").removesuffix("_fold")
        if base != column.name:
            value = row.get(f"diak_{base}") or row.get(base)
            folded = fold(value) if value is not None else None
            row[column.name] = folded[::-1] if folded and column.name.endswith("_rev") else folded
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
        a_nrs, seen = {}, {}
        for where, r in rows.get("lo3_pl_persoon", []):
            if (r["persoon_type"], r["stapel_nr"], r["volg_nr"]) == ("P", 0, 0) and r["a_nr"] is not None:
                if r["a_nr"] in seen:
                    raise DumpError(f"{where}: A-nummer {r['a_nr']:010d} is also the A-nummer of the "
                                    f"persoonslijst at {seen[r['a_nr']]}")
                a_nrs[r["pl_id"]], seen[r["a_nr"]] = r["a_nr"], where
        missing = sorted(dump_ids - set(a_nrs))
        if missing:
            where = next(w for w, r in rows["lo3_pl"] if r["pl_id"] == missing[0])
            raise DumpError(f"{where}: persoonslijst pl_id {missing[0]} has no actual persoon with an "
                            f"A-nummer (lo3_pl_persoon P, stapel 0, volg 0)")
        p = lo3_pl_persoon.c
        stored = set()
        values = list(a_nrs.values())
        for start in range(0, len(values), 500):
            stored |= set(conn.execute(select(p.a_nr).where(
                p.persoon_type == "P", p.stapel_nr == 0, p.volg_nr == 0,
                p.a_nr.in_(values[start:start + 500]))).scalars())
        taken = set()
        ids = sorted(dump_ids)
        for start in range(0, len(ids), 500):
            taken |= set(conn.execute(select(lo3_pl.c.pl_id).where(
                lo3_pl.c.pl_id.in_(ids[start:start + 500]))).scalars())
        top = max(conn.execute(select(func.max(lo3_pl.c.pl_id))).scalar() or 0, max(dump_ids, default=0))
        self.present = sum(a in stored for a in a_nrs.values())
        self.new_ids = {}
        for pl_id in ids:
            if a_nrs[pl_id] in stored:
                continue
            if pl_id in taken:
                top += 1
                self.new_ids[pl_id] = top
            else:
                self.new_ids[pl_id] = pl_id
        self.new_addresses = 0

    def addresses(self, rows: list[dict]) -> dict[int, int]:
        """dump adres_id -> stored adres_id: an equal stored address, or the row inserted now."""
        result = {}
        if not rows:
            return result
        top = self.conn.execute(select(func.max(lo3_adres.c.adres_id))).scalar() or 0
        for row in rows:
            row = _with_accelerators("lo3_adres", dict(row))
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
