"""Storing persoonslijsten in the GBA-V tables and reading them back, on both backends."""
import json

import pytest
from sqlalchemy import func, select

from adhoc_ws.storage import database, loader
from adhoc_ws.storage.database import Connections
from adhoc_ws.storage.loader import LoadError
from adhoc_ws.storage.reader import read_persoonslijsten
from adhoc_ws.storage.schema import lo3_adres, lo3_pl, lo3_pl_persoon, lo3_pl_verblijfplaats

from samples import niet_ingezetene, persoon, wrap


def write(tmp_path, data, name="pl.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def read_all(engine):
    with engine.connect() as conn:
        ids = [r.pl_id for r in conn.execute(select(lo3_pl.c.pl_id).order_by(lo3_pl.c.pl_id))]
        return list(read_persoonslijsten(conn, ids).values())


def count(engine, table):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_json_to_tables_and_back_is_lossless(engine, tmp_path):
    pls = [persoon(), niet_ingezetene()]
    assert loader.load(engine, [write(tmp_path, wrap(*pls))]) == 2
    assert read_all(engine) == pls


def test_values_are_stored_the_gba_v_way(engine, tmp_path):
    loader.load(engine, [write(tmp_path, wrap(persoon()))])
    with engine.connect() as conn:
        p = conn.execute(select(lo3_pl_persoon).where(lo3_pl_persoon.c.persoon_type == "P",
                                                      lo3_pl_persoon.c.volg_nr == 0)).one()
        v = conn.execute(select(lo3_pl_verblijfplaats, lo3_adres.c.straat_naam).join(
            lo3_adres, lo3_adres.c.adres_id == lo3_pl_verblijfplaats.c.adres_id)
            .where(lo3_pl_verblijfplaats.c.volg_nr == 0)).one()
    assert (p.a_nr, p.burger_service_nr, p.geboorte_plaats) == (1234567890, 999993653, "0363")
    assert (p.geslachts_naam, p.diak_geslachts_naam) == ("Muller", "Müller")
    assert (p.voor_naam, p.diak_voor_naam) == ("Jan Hein", None)
    assert (v.inschrijving_gemeente_code, v.onderzoek_gegevens_aand) == (363, 89999)
    assert v.straat_naam == "Dorpsstraat"


def test_loading_an_existing_a_nummer_replaces_that_pl(engine, tmp_path):
    loader.load(engine, [write(tmp_path, wrap(persoon()))])
    changed = persoon()
    changed["01"][0][0]["0210"] = "Johannes Hendrikus"
    loader.load(engine, [write(tmp_path, wrap(changed), "again.json")])
    assert read_all(engine) == [changed]
    assert count(engine, lo3_pl) == 1


def test_residents_share_one_address_row(engine, tmp_path):
    a, b = persoon(), persoon(anr="2234567890", bsn="999990044")
    loader.load(engine, [write(tmp_path, wrap(a, b))])
    assert count(engine, lo3_adres) == 2  # Dorpsstraat (actual) and Coolsingel (historic)


@pytest.mark.parametrize("change, message", [
    (lambda pl: pl["01"][0][0].update({"0110": "123"}),
     'persoonslijsten[0]["01"][0][0]["0110"]: A-nummer \'123\' must be 10 characters long'),
    (lambda pl: pl["01"][0][0].update({"0310": "1943-03-27"}),
     '["01"][0][0]["0310"]: Geboortedatum \'1943-03-27\' is not numeric'),
    (lambda pl: pl["08"][0][0].update({"1110": "Dorps~straat"}),
     '["08"][0][0]["1110"]: Straatnaam \'Dorps~straat\' has a character outside the LO3 '
     '(Teletex) repertoire at position 6'),
    (lambda pl: pl["08"][0][0].update({"1120": "012"}), "Huisnummer '012' has a leading zero"),
    (lambda pl: pl["01"][0][0].update({"9999": "x"}), "category 01 (Persoon) has no element '9999'"),
    (lambda pl: pl["01"][0][0].update({"0240": 12}), "Geslachtsnaam: expected a string, found 12"),
    (lambda pl: pl.update({"51": [[{"0240": "X"}]]}), "unknown category '51' (historic voorkomens "
     "go in the stapel of category 01, after the actual one)"),
    (lambda pl: pl.update({"08": pl["08"] * 2}), "category 08 (Verblijfplaats) has one stapel"),
    (lambda pl: pl["07"][0].append({"6910": "0363"}), "category 07 (Inschrijving) has no history"),
    (lambda pl: pl["01"][0][0].update({"8410": "O"}), "only allowed in a historic voorkomen"),
    (lambda pl: pl["01"][0][0].pop("0120"), "the actual persoon needs Burgerservicenummer"),
    (lambda pl: pl["09"].append([]), 'persoonslijsten[0]["09"][2]: expected a non-empty list'),
])
def test_a_bad_file_is_rejected_with_path_and_value_and_nothing_is_loaded(engine, tmp_path,
                                                                          change, message):
    good, bad = persoon(anr="2234567890", bsn="999990044"), persoon()
    change(bad)
    path = write(tmp_path, wrap(good, bad))
    path_first = write(tmp_path, wrap(niet_ingezetene()), "a-good-file.json")
    with pytest.raises(LoadError) as e:
        loader.load(engine, [path_first, path])
    assert message in str(e.value).replace("persoonslijsten[1]", "persoonslijsten[0]")
    assert str(path) in str(e.value)
    assert count(engine, lo3_pl) == 0


def test_broken_json_names_line_and_column(engine, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"persoonslijsten": [\n  {"01": }\n]}')
    with pytest.raises(LoadError, match=r"broken.json: line 2 column 10"):
        loader.load(engine, [path])


def test_the_same_a_nummer_or_bsn_twice_is_refused(engine, tmp_path):
    with pytest.raises(LoadError, match="A-nummer 1234567890 is also the A-nummer"):
        loader.load(engine, [write(tmp_path, wrap(persoon(), persoon(bsn="999990044")))])
    with pytest.raises(LoadError, match="BSN 999993653 is also the BSN"):
        loader.load(engine, [write(tmp_path, wrap(persoon(), persoon(anr="2234567890")))])


def test_a_bsn_stored_for_another_a_nummer_is_refused(engine, tmp_path):
    loader.load(engine, [write(tmp_path, wrap(persoon()))])
    with pytest.raises(LoadError, match="BSN 999993653 of A-nummer 2234567890 already belongs "
                                        "to A-nummer 1234567890"):
        loader.load(engine, [write(tmp_path, wrap(persoon(anr="2234567890")), "second.json")])
    assert read_all(engine) == [persoon()]


def test_dropping_one_schema_keeps_the_trigram_indexes_of_another(tmp_path_factory):
    """pg_trgm lives in public, so no application schema takes it (and others' indexes) along."""
    from sqlalchemy import text

    from conftest import Backend

    backend = Backend("postgresql", tmp_path_factory)
    first, drop_first = backend._create()
    second = backend.new_engine()
    try:
        drop_first()
        with second.connect() as conn:
            assert conn.execute(text("SELECT extnamespace::regnamespace::text FROM pg_extension "
                                     "WHERE extname = 'pg_trgm'")).scalar() == "public"
            assert conn.execute(text("SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() "
                                     "AND indexname = 'adhoc_persoon_naam_trgm'")).scalar() == 1
    finally:
        backend.close()


def test_reading_many_times_gives_the_same_persoonslijsten_on_a_generic_plan(engine, backend, tmp_path):
    """PostgreSQL: psycopg prepares the read from its 6th run on a connection, and PostgreSQL
    then runs it on its generic plan (after five custom ones, once the tables have planner
    statistics) instead of planning its ten branches every time."""
    pls = [persoon(), niet_ingezetene()]
    loader.load(engine, [write(tmp_path, wrap(*pls))])
    with engine.connect() as conn:
        ids = [r.pl_id for r in conn.execute(select(lo3_pl.c.pl_id).order_by(lo3_pl.c.pl_id))]
    database.analyze(engine)
    with Connections(engine, 10)() as conn:
        for _ in range(20):
            assert list(read_persoonslijsten(conn, ids).values()) == pls
            assert list(read_persoonslijsten(conn, ids[1:]).values()) == pls[1:]
            assert list(read_persoonslijsten(conn, ids[::-1]).values()) == pls[::-1]
        if backend.name == "postgresql":
            plans = conn.exec_driver_sql(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                "WHERE strpos(statement, 'row_to_json') > 0").all()
            assert len(plans) == 2  # one statement for 1 PL, one for up to 10
            assert all(generic > custom for generic, custom in plans), plans
