"""Opening the database: SQLite (the embedded default) or PostgreSQL, from one URL."""
from __future__ import annotations

import os

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine

from .schema import metadata

DEFAULT_URL = "sqlite:///adhoc-ws.sqlite"
ENV_VAR = "ADHOC_WS_DB"


def database_url(url: str | None = None) -> str:
    """The URL to use: the one given, else ``$ADHOC_WS_DB``, else a SQLite file here."""
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def open_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def init(engine: Engine) -> None:
    """Create every table and index that is missing; existing data is kept."""
    metadata.create_all(engine)


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("lo3_pl")
