"""The character folding of :mod:`adhoc_ws.charset` as SQL functions, on both backends.

``adhoc_slim(text)`` (diacritics off, case kept), ``adhoc_lower(text)`` (case off, diacritics
kept) and ``adhoc_fold(text)`` (both off) give in SQL exactly what :func:`charset.slim`,
``str.lower`` and :func:`charset.fold` give in Python for every character of the LO3 repertoire,
whatever the database's locale. SQLite gets them as Python functions on every connection;
PostgreSQL gets SQL functions generated from the same mapping by ``init``.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from ..charset import ALLOWED, fold, slim


def _lower(value):
    return None if value is None else value.lower()


def _slim(value):
    return None if value is None else slim(value)


def _fold(value):
    return None if value is None else fold(value)


def register_sqlite(dbapi_conn) -> None:
    for name, function in (("adhoc_slim", _slim), ("adhoc_lower", _lower), ("adhoc_fold", _fold)):
        dbapi_conn.create_function(name, 1, function, deterministic=True)


def _quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _mapping_sql(argument: str, mapping: dict[str, str], finish: str) -> str:
    """SQL applying a char -> string mapping: translate() for 1:1, replace() for the rest."""
    single = {c: t for c, t in mapping.items() if len(t) == 1}
    multi = {c: t for c, t in mapping.items() if len(t) != 1}
    expression = (f"translate({argument}, {_quote(''.join(single))}, "
                  f"{_quote(''.join(single.values()))})")
    for c, t in multi.items():
        expression = f"replace({expression}, {_quote(c)}, {_quote(t)})"
    return finish.format(expression)


def postgresql_functions() -> list[str]:
    chars = sorted(c for c in ALLOWED if not c.isascii())
    slim_map = {c: slim(c) for c in chars if slim(c) != c}
    lower_map = {c: c.lower() for c in chars if c.lower() != c}
    body = "CREATE OR REPLACE FUNCTION {name}(text) RETURNS text LANGUAGE sql IMMUTABLE " \
           "STRICT PARALLEL SAFE AS $$ SELECT {sql} $$"
    return [
        body.format(name="adhoc_slim", sql=_mapping_sql("$1", slim_map, "{}")),
        # ASCII letters with lower(), the others by table: right in any locale
        body.format(name="adhoc_lower", sql=_mapping_sql("$1", lower_map, "lower({})")),
        body.format(name="adhoc_fold", sql="lower(adhoc_slim($1))"),
    ]


def install_postgresql(conn: Connection) -> None:
    for statement in postgresql_functions():
        conn.execute(text(statement))
