"""The bewoning API over rows written straight into the GBA-V tables, as the public acceptance
steps seed them: plain SQL into ``lo3_adres``, ``lo3_pl``, ``lo3_pl_persoon`` and
``lo3_pl_verblijfplaats``, without our own columns (``*_fold``, ``address_key``), and with
values no loader would let in. Whatever a table holds, the answer is never a 500: a value
that cannot be read counts as unknown (a date as wholly unknown), and each request logs once
which columns held such values, without any personal data.

Every test runs on SQLite and PostgreSQL, except those with a text in an integer column,
which only SQLite can hold.
"""
from __future__ import annotations

import itertools
import logging

import pytest
from sqlalchemy import text

from adhoc_ws.bewoning.app import BewoningApp
from adhoc_ws.bewoning.compose import lo3_datum
from adhoc_ws.storage import database

from wsgi_client import assert_conforms, basic, call

_ids = itertools.count(1)
OBJECT = "0800010000000001"
NAAM = "Geheimnaam"  # must never reach a log line


def insert(conn, table: str, **values) -> None:
    names = ", ".join(values)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"), values)


def adres(engine, gemeente=800, object_id=OBJECT) -> int:
    adres_id = next(_ids)
    with engine.begin() as conn:
        insert(conn, "lo3_adres", adres_id=adres_id, gemeente_code=gemeente, straat_naam="Dorpsstraat",
               huis_nr=1, verblijf_plaats_ident_code=object_id)
    return adres_id


def persoon(engine, bsn: int, *verblijven: tuple[int, object], pl=None, persoon=None, volg_nrs=None) -> int:
    """A persoonslijst on the given (adres_id, datum aanvang) verblijven, oldest first."""
    pl_id = next(_ids)
    with engine.begin() as conn:
        insert(conn, "lo3_pl", pl_id=pl_id, geheim_ind=0, mutatie_dt="2024-01-01 00:00:00", **(pl or {}))
        insert(conn, "lo3_pl_persoon", pl_id=pl_id, persoon_type="P", stapel_nr=0, volg_nr=0,
               burger_service_nr=bsn, voor_naam="Jan", geslachts_naam=NAAM, geboorte_datum=19800101,
               **(persoon or {}))
        count = len(verblijven)
        for i, (adres_id, aanvang) in enumerate(verblijven):
            volg_nr = volg_nrs[i] if volg_nrs else count - 1 - i
            insert(conn, "lo3_pl_verblijfplaats", pl_id=pl_id, volg_nr=volg_nr, inschrijving_gemeente_code=800,
                   adres_id=adres_id, adres_functie="W", adreshouding_start_datum=aanvang)
    return pl_id


def ask(engine, peildatum="2020-01-01", user=None, object_id=OBJECT):
    headers = {"Authorization": basic(user, "tempsolution!")} if user else None
    answer = call(BewoningApp(engine), "POST", body={"type": "BewoningMetPeildatum", "peildatum": peildatum,
                                                     "adresseerbaarObjectIdentificatie": object_id},
                  headers=headers)
    assert_conforms(answer)
    return answer


def who(answer) -> tuple[list, list]:
    (bewoning,) = answer.json()["bewoningen"]
    return bewoning["bewoners"], bewoning["mogelijkeBewoners"]


@pytest.fixture
def db(backend):
    return backend.new_engine()


def test_raw_rows_without_our_search_columns_are_found(db):
    oud, nieuw = adres(db, gemeente=530), adres(db, gemeente=800)  # herindeling: one object, two gemeenten
    persoon(db, 24, (oud, 20100818), (nieuw, 20230526))
    persoon(db, 36, (nieuw, 20240101))
    with db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM lo3_adres WHERE address_key IS NULL")).scalar() == 2
    for gemeente in ("0800", "0530"):  # any of the object's gemeenten counts
        answer = ask(db, "2024-06-01", user=f"000008|{gemeente}")
        assert answer.status == 200
        assert sorted(b["burgerservicenummer"] for b in who(answer)[0]) == ["000000024", "000000036"]
    assert ask(db, "2024-06-01", user="000008|0518").status == 403


def test_a_nine_digit_aanvang_is_wholly_unknown_logged_once(db, caplog):
    nine = 201000000  # the ValueError "year 20100 is out of range" of the public suite
    persoon(db, 24, (adres(db), nine))
    with caplog.at_level(logging.WARNING):
        answer = ask(db, "2000-01-01")
    assert answer.status == 200
    bewoners, mogelijk = who(answer)
    assert bewoners == [] and [m["burgerservicenummer"] for m in mogelijk] == ["000000024"]
    (record,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "lo3_pl_verblijfplaats.adreshouding_start_datum (1)" in record.getMessage()
    for secret in (str(nine), "000000024", NAAM, OBJECT):
        assert secret not in caplog.text


@pytest.mark.parametrize("column, value, check", [
    ("adreshouding_start_datum", 20101300, lambda b, m: not b and m),  # month 13
    ("adreshouding_start_datum", 20100231, lambda b, m: not b and m),  # 31 February
    ("adreshouding_start_datum", 20100015, lambda b, m: not b and m),  # a day without its month
    ("adreshouding_start_datum", -20100101, lambda b, m: not b and m),
    ("geboorte_datum", 19801232, lambda b, m: b[0]["geboorte"]["datum"]["type"] == "DatumOnbekend"),
    ("burger_service_nr", 10**10, lambda b, m: b and "burgerservicenummer" not in b[0]),
    ("burger_service_nr", -24, lambda b, m: b and "burgerservicenummer" not in b[0]),
    ("geheim_ind", 99, lambda b, m: b and "geheimhoudingPersoonsgegevens" not in b[0]),
    ("onderzoek_gegevens_aand", 10**8, lambda b, m: b and "inOnderzoek" not in b[0]),
])
def test_other_unreadable_values_count_as_unknown(db, column, value, check, caplog):
    a = adres(db)
    pl_id = persoon(db, 24, (a, 20100101))
    table = {"geboorte_datum": "lo3_pl_persoon", "burger_service_nr": "lo3_pl_persoon",
             "geheim_ind": "lo3_pl"}.get(column, "lo3_pl_verblijfplaats")
    with db.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET {column} = :v WHERE pl_id = :p"), {"v": value, "p": pl_id})
    with caplog.at_level(logging.WARNING):
        answer = ask(db, "2020-01-01")
    assert answer.status == 200
    assert check(*who(answer))
    assert f"{table}.{column} (1)" in caplog.text and str(value) not in caplog.text


@pytest.mark.parametrize("datum", [201000000, 20201300])
def test_an_unreadable_datum_opschorting_is_no_date(db, datum):
    persoon(db, 24, (adres(db), 20100101), pl={"bijhouding_opschort_datum": datum,
                                               "bijhouding_opschort_reden": "O"})
    answer = ask(db, "2015-01-01")
    assert (answer.status, answer.json()) == (200, {"bewoningen": []})  # as a reden without date


@pytest.fixture
def sqlite_db(tmp_path):
    engine = database.open_engine(f"sqlite:///{tmp_path / 'raw.sqlite'}")
    database.init(engine)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("table, column, value", [
    ("lo3_pl_verblijfplaats", "adreshouding_start_datum", "18 augustus 2010"),
    ("lo3_pl_verblijfplaats", "adreshouding_start_datum", 20100818.5),
    ("lo3_pl_persoon", "geboorte_datum", "onbekend"),
    ("lo3_pl_persoon", "burger_service_nr", "nul-nul-vierentwintig"),
    ("lo3_pl_persoon", "geslachts_naam", b"Jansen"),  # a text column holds any blob
    ("lo3_pl_persoon", "voor_naam", b"\xff\xfe"),
    ("lo3_pl", "geheim_ind", "ja"),
    ("lo3_pl", "bijhouding_opschort_reden", b"O"),
    ("lo3_pl_verblijfplaats", "adres_functie", b"W"),
])
def test_text_in_an_integer_column_or_a_blob_sqlite(sqlite_db, table, column, value, caplog):
    pl_id = persoon(sqlite_db, 24, (adres(sqlite_db), 20100101))
    with sqlite_db.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET {column} = :v WHERE pl_id = :p"), {"v": value, "p": pl_id})
    with caplog.at_level(logging.WARNING):
        answer = ask(sqlite_db, "2020-01-01")
    assert answer.status == 200 and len(answer.json()["bewoningen"]) == 1
    assert f"{table}.{column} (1)" in caplog.text


def test_a_verblijfplaats_without_a_readable_volg_nr_is_left_out_sqlite(sqlite_db):
    a, b = adres(sqlite_db), adres(sqlite_db, object_id="0800010000000002")
    persoon(sqlite_db, 24, (a, 20100101), (b, 20150101), volg_nrs=["x", 0])
    answer = ask(sqlite_db, "2020-01-01", object_id="0800010000000002")
    assert answer.status == 200 and [p["burgerservicenummer"] for p in who(answer)[0]] == ["000000024"]
    assert ask(sqlite_db, "2012-01-01").json() == {"bewoningen": []}


@pytest.mark.parametrize("value, expected", [
    (0, 0), (20100000, 20100000), (20100800, 20100800), (20100818, 20100818), (20000229, 20000229),
    (99991231, 99991231), (201000000, None), (20101300, None), (20100015, None), (20100231, None),
    (19000229, None), (800, None), (-1, None), ("20100818", None), (20100818.0, None), (True, None), (None, None),
])
def test_what_an_lo3_date_is(value, expected):
    assert lo3_datum(value) == expected
