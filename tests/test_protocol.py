"""Protocollering: every entry committed before record() returns; requests together, one commit."""
import dataclasses
import datetime as dt
import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select, text

from adhoc_ws import protocol
from adhoc_ws.storage.database import Connections
from adhoc_ws.storage.schema import haalcentraal_vraag


def entry(n: int, resultaat="A000") -> protocol.Entry:
    return protocol.Entry(afnemer_code=100001, gebruikersnaam="demo", referentie=f"ref-{n}",
                          operatie="vraag", historie=False, parameters=[(10120, "999993653")],
                          masker=[10120, 10240], resultaat=resultaat, a_nummers=[f"{n:010d}"])


def test_an_entry_is_committed_when_record_returns(engine):
    protocol.Recorder(engine).record(entry(1))
    (row,) = protocol.entries(engine)
    assert (row.referentie, row.masker, row.a_nummers, row.resultaat) == \
        ("ref-1", "010120 010240", "0000000001", "A000")
    assert protocol.entries(engine, since=row.tijdstip, a_nummer="0000000001")


def test_the_time_filters_find_an_entry_of_a_whole_second(engine, monkeypatch):
    """Stored as SQLAlchemy binds the filter's time (SQLite: text with microseconds)."""
    moment = dt.datetime(2026, 3, 1, 12, 0, 0)

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return moment

    monkeypatch.setattr(protocol, "dt", SimpleNamespace(datetime=Clock))
    protocol.Recorder(engine).record(entry(1))
    (row,) = protocol.entries(engine)
    assert row.tijdstip == moment
    assert protocol.entries(engine, since=moment)
    assert protocol.entries(engine, until=moment + dt.timedelta(microseconds=1))
    assert not protocol.entries(engine, since=moment + dt.timedelta(microseconds=1))
    assert not protocol.entries(engine, until=moment)


def test_requests_that_arrive_together_are_committed_together(engine, monkeypatch):
    recorder = protocol.Recorder(engine)
    batches = []
    write = recorder._write

    def slow_write(batch):
        batches.append(len(batch))
        if len(batches) == 1:
            time.sleep(0.3)  # the others arrive meanwhile and wait for the write lock
        write(batch)

    monkeypatch.setattr(recorder, "_write", slow_write)
    threads = [threading.Thread(target=recorder.record, args=(entry(n),)) for n in range(8)]
    for t in threads:
        t.start()
        time.sleep(0.01)
    for t in threads:
        t.join()
    assert sum(batches) == 8 and len(batches) < 8 and max(batches) > 1
    assert sorted(r.referentie for r in protocol.entries(engine)) == sorted(f"ref-{n}" for n in range(8))


def test_when_the_write_fails_every_request_of_the_batch_learns_it(engine, monkeypatch):
    recorder = protocol.Recorder(engine)
    recorder.record(entry(1))
    write = recorder._write

    def slow_write(batch):
        time.sleep(0.2)
        write(batch)

    monkeypatch.setattr(recorder, "_write", slow_write)
    refuse = {"sqlite": "CREATE TRIGGER refuse BEFORE INSERT ON adhoc_protocol "
                        "BEGIN SELECT RAISE(ABORT, 'refused'); END",
              "postgresql": "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                            "$$ BEGIN RAISE EXCEPTION 'refused'; END $$; "
                            "CREATE TRIGGER refuse BEFORE INSERT ON adhoc_protocol "
                            "FOR EACH ROW EXECUTE FUNCTION refuse()"}[engine.dialect.name]
    with engine.begin() as conn:
        conn.exec_driver_sql(refuse)
    failures = []

    def record(n):
        try:
            recorder.record(entry(n))
        except protocol.NotRecorded as e:
            failures.append(e)

    threads = [threading.Thread(target=record, args=(n,)) for n in range(10, 14)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(failures) == 4
    on = " ON adhoc_protocol" if engine.dialect.name == "postgresql" else ""
    with engine.begin() as conn:
        conn.execute(text(f"DROP TRIGGER refuse{on}"))
    recorder.record(entry(3))
    assert [r.referentie for r in protocol.entries(engine)] == ["ref-3", "ref-1"]


# -- a row states exactly what its caller received (issue 15) --------------------------------

@contextmanager
def write_locked(engine):
    """Another connection holds the protocol's write lock for the block (another process's
    BEGIN EXCLUSIVE on SQLite, a table lock on PostgreSQL)."""
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(engine.url.database, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    with engine.connect() as other:
        other.exec_driver_sql("LOCK TABLE adhoc_protocol IN EXCLUSIVE MODE")
        yield
        other.rollback()


def record_all(recorder, entries):
    """Record each entry in its own thread, together; (entry's referentie -> None or the
    exception, seconds taken)."""
    outcome = {}

    def record(e):
        started = time.monotonic()
        try:
            recorder.record(e)
            outcome[e.referentie] = (None, time.monotonic() - started)
        except Exception as error:
            outcome[e.referentie] = (error, time.monotonic() - started)

    threads = [threading.Thread(target=record, args=(e,)) for e in entries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcome


def recorded(engine) -> dict:
    return {r.referentie: (r.resultaat, r.a_nummers or "") for r in protocol.entries(engine, limit=1000)}


# A recorder writes on its own connection, or (SQLite) on the answering connection of the thread
# that writes (Connections): both must keep every promise of the protocol.
OWN_OR_ANSWERING = pytest.mark.parametrize("answering", [False, True], ids=["own", "answering"])


def recorder_of(engine, answering: bool, **options) -> protocol.Recorder:
    connections = Connections(engine, 10) if answering else None
    return protocol.Recorder(engine, connections=connections, **options)


def test_on_sqlite_the_answering_connection_of_the_thread_writes_the_record(engine):
    """A commit on another connection would make it drop its page cache: the thread's next
    request would read every page again. PostgreSQL keeps the recorder's own connection
    (its statement_timeout is the wait, not the search's deadline)."""
    connections = Connections(engine, 10)
    recorder = protocol.Recorder(engine, connections=connections)
    answering = connections.dbapi()
    recorder.record(entry(1))
    assert recorded(engine) == {"ref-1": ("A000", "0000000001")}
    if engine.dialect.name == "sqlite":
        assert answering.dbapi_connection.total_changes == 1 and recorder._connection is None
        assert answering.cursor().execute("PRAGMA busy_timeout").fetchone()[0] == 1000 * recorder.wait
    else:
        assert recorder._connection is not None and recorder._connection is not answering


@OWN_OR_ANSWERING
def test_a_request_that_gave_up_waiting_is_never_recorded_as_delivered(engine, answering):
    recorder = recorder_of(engine, answering, wait=0.5)
    recorder.record(entry(0))
    with write_locked(engine):
        outcome = record_all(recorder, [entry(n) for n in range(1, 7)])
    assert all(isinstance(error, protocol.NotRecorded) for error, _ in outcome.values())
    assert max(seconds for _, seconds in outcome.values()) < 3 * recorder.wait + 1
    recorder.record(entry(7))  # the database allows it again: what the callers got is written
    assert recorded(engine) == {"ref-0": ("A000", "0000000000"), "ref-7": ("A000", "0000000007"),
                                **{f"ref-{n}": ("X001", "") for n in range(1, 7)}}


@OWN_OR_ANSWERING
def test_what_failed_while_the_database_was_locked_is_written_once_it_is_not(engine, answering):
    recorder = recorder_of(engine, answering, wait=0.3)
    with write_locked(engine):
        for n in range(3):  # one after another: each writes, waits for the lock, fails
            with pytest.raises(protocol.NotRecorded):
                recorder.record(entry(n))
    assert recorded(engine) == {}
    recorder.record(entry(3))
    assert recorded(engine) == {"ref-0": ("X001", ""), "ref-1": ("X001", ""), "ref-2": ("X001", ""),
                                "ref-3": ("A000", "0000000003")}


def test_every_value_is_bounded_to_its_column_so_nobody_s_record_fails(engine, monkeypatch):
    recorder = protocol.Recorder(engine)
    slow_writes(recorder, monkeypatch)
    attacker = dataclasses.replace(entry(99), gebruikersnaam="x" * 10_000, referentie="r" * 50,
                                   parameters=[(10240, "nul\x00 and a lone \ud800 surrogate")])
    outcome = record_all(recorder, [entry(n) for n in range(8)] + [attacker])
    assert all(error is None for error, _ in outcome.values())
    rows = {r.referentie: r for r in protocol.entries(engine)}
    assert len(rows) == 9
    row = rows["r" * 36]
    assert row.gebruikersnaam == "x" * 100 and row.resultaat == "A000"
    assert json.loads(row.parameters) == [[10240, "nul\x00 and a lone ? surrogate"]]  # NUL as \u0000


def refuse_a_nummers(engine, a_nummers: str) -> None:
    """A trigger that refuses every protocol row with these A-nummers."""
    if engine.dialect.name == "sqlite":
        sql = ("CREATE TRIGGER refuse BEFORE INSERT ON adhoc_protocol "
               f"WHEN NEW.a_nummers = '{a_nummers}' BEGIN SELECT RAISE(ABORT, 'refused'); END")
    else:
        sql = ("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               f"IF NEW.a_nummers = '{a_nummers}' THEN RAISE EXCEPTION 'refused'; END IF; "
               "RETURN NEW; END $$; CREATE TRIGGER refuse BEFORE INSERT ON adhoc_protocol "
               "FOR EACH ROW EXECUTE FUNCTION refuse()")
    with engine.begin() as conn:
        conn.exec_driver_sql(sql)


def slow_writes(recorder, monkeypatch):
    """The first write takes a while, so that the requests after it form one batch."""
    write, writes = recorder._write, []

    def slow_write(batch):
        writes.append(len(batch))
        if len(writes) == 1:
            time.sleep(0.3)
        write(batch)

    monkeypatch.setattr(recorder, "_write", slow_write)
    return writes


def test_a_row_the_database_refuses_fails_only_its_own_request(engine, monkeypatch):
    refuse_a_nummers(engine, "0000000004")
    recorder = protocol.Recorder(engine)
    writes = slow_writes(recorder, monkeypatch)
    outcome = {}
    first = threading.Thread(target=lambda: outcome.update(record_all(recorder, [entry(0)])))
    first.start()
    time.sleep(0.1)  # the others queue behind the first write and go as one batch
    outcome.update(record_all(recorder, [entry(n) for n in range(1, 8)]))
    first.join()
    assert max(writes) > 1
    assert {ref for ref, (error, _) in outcome.items() if error is not None} == {"ref-4"}
    assert recorded(engine) == {**{f"ref-{n}": ("A000", f"{n:010d}") for n in range(8) if n != 4},
                                "ref-4": ("X001", "")}
    (bare,) = protocol.entries(engine, resultaat="X001")
    assert bare.parameters is None and bare.masker is None and bare.gebruikersnaam is None


extra_table = Table("protocol_test_extra", MetaData(), Column("id", Integer, primary_key=True),
                    Column("referentie", String(36), nullable=False), Column("note", String(5)))


def test_extra_rows_are_committed_with_their_protocol_row_or_not_at_all(engine):
    extra_table.create(engine)
    recorder = protocol.Recorder(engine)
    with_extra = dataclasses.replace(entry(1), extra=(
        (extra_table, {"referentie": "ref-1", "note": "one"}),
        (extra_table, {"referentie": "ref-1", "note": "a note too long for its column"})))
    recorder.record(with_extra)
    with engine.connect() as conn:
        assert conn.execute(select(extra_table.c.note)).scalars().all() == ["one", "a not"]
    failing = dataclasses.replace(entry(2), extra=((extra_table, {"note": "no referentie"}),))
    with pytest.raises(protocol.NotRecorded):
        recorder.record(failing)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(extra_table)).scalar() == 2
    assert recorded(engine) == {"ref-1": ("A000", "0000000001"), "ref-2": ("X001", "")}


def test_an_entry_may_bring_more_extra_rows_than_one_statement_holds(engine):
    many = 40_000  # x 7 columns: more parameters than SQLite (250000 here) or PostgreSQL (65535) take at once
    now = dt.datetime.now()
    rows = tuple((haalcentraal_vraag, {"request_id": f"r{i}", "request_datum": now, "afnemer_code": 1, "pl_id": i,
                                       "request_zoek_rubrieken": "081180", "request_gevraagde_rubrieken": "AXBW01",
                                       "verwerkt": False}) for i in range(many))
    protocol.Recorder(engine).record(dataclasses.replace(entry(1), extra=rows))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(haalcentraal_vraag)).scalar() == many
    assert recorded(engine) == {"ref-1": ("A000", "0000000001")}


def test_a_connection_the_database_dropped_is_replaced_without_failing_anyone(engine):
    recorder = protocol.Recorder(engine)
    recorder.record(entry(1))
    if engine.dialect.name == "postgresql":
        pid = recorder._connection.dbapi_connection.info.backend_pid
        with engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        time.sleep(0.1)
    else:
        recorder._connection.dbapi_connection.close()
    recorder.record(entry(2))
    assert set(recorded(engine)) == {"ref-1", "ref-2"}


def test_the_x001_of_a_failed_record_has_the_referentie_of_its_row(engine):
    from adhoc_ws.service import AdhocService
    from adhoc_ws.vraag import Vraag, Zoekparameter

    service = AdhocService(engine)
    service.recorder.wait = 0.3
    question = Vraag(masker=[10120], parameters=[Zoekparameter(10120, "999993653")])
    with write_locked(engine):
        answer = service.vraag(question).resultaat
    assert (answer.letter, answer.code) == ("X", 1)
    service.vraag(question)
    row = protocol.entries(engine, resultaat="X001")[0]
    assert row.referentie == answer.referentie and not row.a_nummers
