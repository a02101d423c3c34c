"""Answering connections: one per thread, kept open, settings put back, a lost one replaced."""
import json
import threading

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from adhoc_ws.catalogue import rubriek
from adhoc_ws.query.search import Search
from adhoc_ws.query.zoekwaarde import Zoekwaarde
from adhoc_ws.service import AdhocService
from adhoc_ws.storage import loader
from adhoc_ws.storage.database import Connections, fetch, open_engine
from adhoc_ws.vraag import Vraag, Zoekparameter

from samples import persoon, wrap


def test_a_postgresql_url_without_a_driver_uses_the_installed_one():
    """psycopg 3, the driver adhoc-ws depends on (SQLAlchemy 2.0 would look for psycopg2)."""
    engine = open_engine("postgresql://someone:geheim@db.example/adhoc")
    assert engine.dialect.driver == "psycopg"
    assert engine.url.password == "geheim" and engine.url.database == "adhoc"


def test_a_thread_keeps_its_connection_and_threads_do_not_share(engine):
    connections = Connections(engine, 10)
    with connections() as first:
        pass
    with connections() as again:
        assert again is first
    others = []

    def other():
        with connections() as conn:
            others.append(conn)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert others[0] is not first


def test_a_search_s_own_settings_hold_for_its_block_only(engine):
    unanchored = Search.of([(rubriek(10240), Zoekwaarde.parse("*oma*"))])
    anchored = Search.of([(rubriek(10240), Zoekwaarde.parse("Thomassen"))])
    assert anchored.settings == {} and unanchored.settings == {"enable_bitmapscan": "on"}
    if engine.dialect.name != "postgresql":
        return
    connections = Connections(engine, 10)
    with connections(unanchored.settings) as conn:
        assert conn.exec_driver_sql("SHOW enable_bitmapscan").scalar() == "on"
    with connections(anchored.settings) as conn:
        assert conn.exec_driver_sql("SHOW enable_bitmapscan").scalar() == "off"
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "10s"


def test_a_lost_connection_is_replaced_and_the_request_answered(engine, tmp_path):
    path = tmp_path / "pl.json"
    path.write_text(json.dumps(wrap(persoon())), encoding="utf-8")
    loader.load(engine, [path])
    service = AdhocService(engine)
    question = Vraag(masker=[10120], parameters=[Zoekparameter(10120, "999993653")])
    assert service.vraag(question).resultaat.letter == "A"
    with service.connections() as conn:  # the connection the next request will use
        if engine.dialect.name == "postgresql":
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    if engine.dialect.name == "postgresql":  # the server drops it
        with engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    else:  # SQLite has no server: closed under our feet
        conn.connection.driver_connection.close()
    assert service.vraag(question).resultaat.letter == "A"  # replaced: nobody fails
    assert service.vraag(question).resultaat.letter == "A"


def test_statements_share_a_kept_cursor_which_survives_a_failed_statement(engine):
    """fetch runs on one cursor per connection (and, on PostgreSQL, one for statements with
    the server's own placeholders): a statement that fails leaves it usable for the next."""
    pg = engine.dialect.name == "postgresql"
    connections = Connections(engine, 10)
    with connections() as conn:
        assert fetch(conn, "SELECT 1", ()) == [(1,)]
        kept = conn.connection.info["adhoc_ws.cursor"]
        try:
            fetch(conn, "SELECT no_such_column FROM lo3_pl", ())
        except DBAPIError:
            pass
        else:
            raise AssertionError("the failing statement did not fail")
        assert fetch(conn, "SELECT 2", ()) == [(2,)]
        assert conn.connection.info["adhoc_ws.cursor"] is kept
        if pg:  # the server's own placeholders, on a cursor of their own
            assert fetch(conn, "SELECT $1::int + $1::int", [20], native=True) == [(40,)]
            assert fetch(conn, "SELECT $1::int + $1::int", [21], native=True) == [(42,)]
            assert conn.connection.info["adhoc_ws.raw_cursor"] is not kept
        else:  # SQLite's driver rewrites nothing: the same cursor
            assert fetch(conn, "SELECT :a + :a", {"a": 20}, native=True) == [(40,)]
            assert "adhoc_ws.raw_cursor" not in conn.connection.info


def test_a_replaced_connection_gets_a_cursor_of_its_own(engine):
    connections = Connections(engine, 10)
    with connections() as conn:
        fetch(conn, "SELECT 1", ())
        first = conn.connection.info["adhoc_ws.cursor"]
    connections.discard()  # as after a failure outside a block
    with connections() as conn:
        assert fetch(conn, "SELECT 3", ()) == [(3,)]
        assert conn.connection.info["adhoc_ws.cursor"] is not first
