"""A search that runs too long is stopped (T031) on both backends; nothing else is affected."""
import time

import pytest
from sqlalchemy import text

from adhoc_ws.query.search import Search
from adhoc_ws.service import AdhocService
from adhoc_ws.storage.database import Connections, SearchTimeout
from adhoc_ws.vraag import Vraag, Zoekparameter

SLOW = {
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
              "SELECT count(*) FROM n",
    "postgresql": "SELECT pg_sleep(5)",
}


def test_the_deadline_stops_a_slow_statement_and_the_connection_stays_usable(engine):
    connections = Connections(engine, 0.2)
    started = time.monotonic()
    with pytest.raises(SearchTimeout):
        with connections() as conn:
            conn.execute(text(SLOW[engine.dialect.name]))
    assert time.monotonic() - started < 3
    with connections() as again:
        assert again is conn and conn.execute(text("SELECT 1")).scalar() == 1


def test_a_slow_search_is_answered_t031_and_the_next_one_works(engine, monkeypatch):
    real_run = Search.run

    def slow_run(search, conn, lock=None):
        conn.execute(text(SLOW[engine.dialect.name]))
        return real_run(search, conn, lock)

    service = AdhocService(engine, search_timeout=0.2)
    question = Vraag(masker=[10120], parameters=[Zoekparameter(10120, "999993653")])
    monkeypatch.setattr(Search, "run", slow_run)
    answer = service.vraag(question)
    assert (answer.resultaat.letter, answer.resultaat.code) == ("T", 31)
    assert answer.resultaat.omschrijving == "Zoekproces afgebroken."
    monkeypatch.setattr(Search, "run", real_run)
    assert service.vraag(question).resultaat.letter == "G"
