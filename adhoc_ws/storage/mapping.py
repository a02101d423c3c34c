"""Voorkomens in rubriek terms <-> rows of the GBA-V tables, as the catalogue maps them.

A persoonslijst in memory has the shape of the JSON interchange format: category code
("01") -> stapels -> voorkomens (newest first) -> element ("0240") -> LO3 string.

Encodings follow GBA-V: numeric codes are stored as integers and padded back to the
element's length on the way out (gemeente ``0363`` <-> ``363``); a name with diacritics is
stored twice, its slim form in ``geslachts_naam`` and the value itself in
``diak_geslachts_naam`` (NULL when the two are the same).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Integer, SmallInteger, Table

from .. import catalogue
from ..charset import fold, slim
from .schema import lo3_adres, metadata

Voorkomen = dict[str, str]
Stapel = list[Voorkomen]
Persoonslijst = dict[str, list[Stapel]]

ADRES_PREFIX = "lo3_adres."


@dataclass(frozen=True)
class StoredElement:
    """How one element of one category is stored: table, column, encoding."""

    element: catalogue.Element
    table: Table
    column: str
    numeric: bool
    diak_column: str | None
    length: int | None
    fold_column: str | None = None
    reversed_column: str | None = None

    def to_db(self, waarde: str) -> dict[str, Any]:
        if self.numeric:
            return {self.column: int(waarde)}
        row = {self.column: waarde}
        if self.diak_column:
            plain = slim(waarde)[:self.length]
            row = {self.column: plain, self.diak_column: waarde if plain != waarde else None}
        row.update(self.accelerators(waarde))
        return row

    def accelerators(self, waarde: str | None) -> dict[str, Any]:
        """Our search columns for a value (the value itself, with its diacritics)."""
        row = {}
        folded = None if waarde is None or not self.fold_column else fold(waarde)
        if self.fold_column:
            row[self.fold_column] = folded
        if self.reversed_column:
            row[self.reversed_column] = None if folded is None else folded[::-1]
        return row

    def stored_value(self, row) -> Any:
        """The value as stored in ``row`` (a text's ``diak_*`` twin when it has one), unformatted."""
        if self.diak_column and row.get(self.diak_column) is not None:
            return row[self.diak_column]
        return row.get(self.column)

    def sql_value(self, alias: str, dialect: str) -> str:
        """The SQL expression of this element in a row of ``alias``, as far as SQL makes it
        cheaply: a text without the padding of CHAR columns, the value with diacritics where
        there is one (as it is); a number with its leading zeros on SQLite, where printf
        costs little, and as a number on PostgreSQL (the reader pads it: lpad there costs
        more than the rest of the read). NULL when the element has no value."""
        column = f"{alias}.{self.column}"
        if self.numeric:
            if dialect == "postgresql":
                return column
            padded = f"printf('%0{self.element.min_length}d', {column})"
            return f"CASE WHEN {column} IS NOT NULL THEN {padded} END"
        if self.diak_column:
            return f"coalesce({alias}.{self.diak_column}, rtrim({column}))"
        return f"rtrim({column})"

def _stored_element(element: catalogue.Element, spec: str, table: Table) -> StoredElement:
    if spec.startswith(ADRES_PREFIX):
        table, spec = lo3_adres, spec[len(ADRES_PREFIX):]
    col = table.c[spec]

    def present(name):
        return name if name in table.c else None

    numeric = isinstance(col.type, (Integer, SmallInteger, BigInteger))
    return StoredElement(element, table, spec, numeric, present(f"diak_{spec}"),
                         getattr(col.type, "length", None), present(f"{spec}_fold"),
                         present(f"{spec}_fold_rev"))


@dataclass(frozen=True)
class CategoryStorage:
    """Where one category's voorkomens live and how its elements map to columns."""

    categorie: catalogue.Categorie
    table: Table
    elements: dict[str, StoredElement]

    @property
    def has_stapel_nr(self) -> bool:
        return "stapel_nr" in self.table.c

    @property
    def has_volg_nr(self) -> bool:
        return "volg_nr" in self.table.c

    @property
    def has_address(self) -> bool:
        return "adres_id" in self.table.c

    def to_rows(self, voorkomen: Voorkomen) -> tuple[dict, dict]:
        """(row of the category table, lo3_adres row or {}) for one voorkomen."""
        row, address = dict(self.categorie.key), {}
        for element, waarde in voorkomen.items():
            stored = self.elements[element]
            (address if stored.table is lo3_adres else row).update(stored.to_db(waarde))
        return row, address

def _storage() -> dict[int, CategoryStorage]:
    result = {}
    for c in catalogue.CATEGORIES.values():
        table = metadata.tables[c.table]
        elements = {e: _stored_element(catalogue.ELEMENTS[e], spec, table)
                    for e, spec in c.columns.items()}
        result[c.nummer] = CategoryStorage(c, table, elements)
    return result


STORAGE: dict[int, CategoryStorage] = _storage()

ADDRESS_COLUMNS = [c.name for c in lo3_adres.c if c.name not in ("adres_id", "creatie_dt",
                                                                 "address_key") and "_fold" not in c.name]


def address_key(address: dict) -> str:
    """One string for all columns of an address: equal strings, equal addresses."""
    return "\x1f".join("" if address.get(k) is None else str(address[k]) for k in ADDRESS_COLUMNS)
