"""Logging a failure without anything a request carried.

An exception's message may hold the values it failed on: Python's own (``invalid literal for
int() with base 10: 'Janssen'``), a database's (``invalid input syntax …: "999994049"``,
``DETAIL: Key (…)=(…)``), SQLAlchemy's (``[parameters: …]``). A zoekwaarde, BSN, name or
password must never reach a log line, whatever fails, so failures are logged by
:func:`log_failure`: the exception's type, where it was raised (file, line, function), the
types it was caused by, and only for a database that is unavailable (connection lost, locked,
timed out, stopped) the database's own first line, which names the condition, not the data.
``tests/test_logs.py`` checks that no module logs an exception any other way.
"""
from __future__ import annotations

import logging
import os
import sys
import traceback

FRAMES = 6  # frames named per exception: where it was raised, and our innermost ones


def log_failure(logger: logging.Logger, what: str, error: BaseException | None = None) -> None:
    """One ERROR line: ``what`` and :func:`describe` of ``error`` (default: the one being handled)."""
    if error is None:
        error = sys.exc_info()[1]
    logger.error("%s: %s", what, describe(error) if error is not None else "no exception")


def describe(error: BaseException) -> str:
    """The error and its causes by type and place, e.g. ``OperationalError [sqlstate 08006:
    connection lost] at storage/database.py:231 in fetch < …; caused by …``."""
    parts, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        parts.append(_one(error))
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return "; caused by ".join(parts)


def _one(error: BaseException) -> str:
    text = type(error).__name__
    state = _database_state(error)
    if state:
        text += f" [{state}]"
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames[:-1] if "adhoc_ws" in f.filename.replace("\\", "/").split("/")]
    frames = ours[-(FRAMES - 1):] + frames[-1:]  # where it was raised, and our code that led there
    if frames:
        text += " at " + " < ".join(f"{_short(f.filename)}:{f.lineno} in {f.name}"
                                    for f in reversed(frames))
    return text


def _database_state(error: BaseException) -> str:
    """A DBAPI error's SQLSTATE or SQLite error name, and for an unavailable database its
    first line (the condition); nothing for errors that may quote data."""
    orig = getattr(error, "orig", None)  # SQLAlchemy's wrapper: the driver's own error
    if isinstance(orig, BaseException):
        error = orig
    state = getattr(error, "sqlstate", None) or getattr(error, "sqlite_errorname", None)
    names = {cls.__name__ for cls in type(error).__mro__}
    unavailable = bool(names & {"OperationalError", "InterfaceError"}) \
        and type(error).__module__.split(".")[0] in ("sqlite3", "psycopg", "psycopg2")
    first_line = str(error).strip().splitlines()[0] if unavailable and str(error).strip() else ""
    return ": ".join(part for part in (f"sqlstate {state}" if state else "", first_line) if part)


def _short(filename: str) -> str:
    """A path from the package down (``adhoc_ws/…``, ``sqlalchemy/…``), not the install path."""
    parts = filename.replace("\\", "/").split("/")
    if "adhoc_ws" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("adhoc_ws"):])
    if "site-packages" in parts:
        return "/".join(parts[len(parts) - parts[::-1].index("site-packages"):])
    return os.path.basename(filename)
