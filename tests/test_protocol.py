"""Protocollering: every entry committed before record() returns; requests together, one commit."""
import threading
import time

from sqlalchemy import text

from adhoc_ws import protocol


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
        except Exception as e:
            failures.append(str(e))

    threads = [threading.Thread(target=record, args=(n,)) for n in range(10, 14)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(failures) == 4 and all("refused" in f for f in failures)
    on = " ON adhoc_protocol" if engine.dialect.name == "postgresql" else ""
    with engine.begin() as conn:
        conn.execute(text(f"DROP TRIGGER refuse{on}"))
    recorder.record(entry(3))  # a new connection, as the failed one was dropped
    assert [r.referentie for r in protocol.entries(engine)] == ["ref-3", "ref-1"]
