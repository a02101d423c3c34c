"""``adhoc-ws import-gbav``: the public GBA-V test set (fixtures/gbav) and the dump reader.

Each database test runs on SQLite and on PostgreSQL.
"""
import datetime as dt
import gzip

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from adhoc_ws import protocol
from adhoc_ws.bewoning import BewoningVraag
from adhoc_ws.bewoning.store import zoek_bewoningen
from adhoc_ws.cli import main
from adhoc_ws.service import AdhocService
from adhoc_ws.storage import gbav, loader
from adhoc_ws.storage.schema import PL_TABELLEN, lo3_pl, lo3_pl_persoon
from adhoc_ws.vraag import Vraag, Zoekparameter

from conftest import FIXTURES, url_of

DUMP = FIXTURES / "gbav" / "lo3_pl_data.sql.gz"
STORED = {"lo3_pl": 1205, "lo3_pl_persoon": 5780, "lo3_pl_verblijfplaats": 2418,
          "lo3_pl_nationaliteit": 1130, "lo3_pl_verblijfstitel": 167, "lo3_pl_reis_doc": 168,
          "lo3_pl_gezagsverhouding": 108, "lo3_pl_overlijden": 56}


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        found = {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in PL_TABELLEN}
    return {name: n for name, n in found.items() if n}


@pytest.fixture(scope="module")
def imported(backend):
    """A database holding the public test set, and the summary of importing it."""
    engine = backend.new_engine()
    return engine, gbav.import_files(engine, [DUMP])


def ask(engine, *params, masker=(10120, 10210, 10240, 10310, 76710, 76720)):
    answer = AdhocService(engine).vraag(Vraag(
        masker=list(masker), parameters=[Zoekparameter(r, w) for r, w in params]))
    r = answer.resultaat
    if r.letter != "A":
        return f"{r.letter}{r.code:03d}"
    return [{f"{c:02d}.{e:04d}": w for c, voorkomens in [(stapel[0][0], stapel[0][1])
             for stapel in pl] for e, w in voorkomens} for pl in answer.persoonslijsten]


def test_every_persoonslijst_of_the_public_set_is_stored(imported):
    engine, summary = imported
    assert summary.persoonslijsten == 1205 and summary.already_present == 0
    assert dict(summary.inserted) == STORED
    assert counts(engine) == STORED


def test_what_the_set_cannot_give_is_reported(imported):
    _, summary = imported
    assert summary.without_address == 2283  # the set holds no lo3_adres rows
    assert len(summary.orphans) == 25 and sum(summary.orphans.values()) == 75
    assert 1145 in summary.orphans
    assert dict(summary.dropped_values) == {"lo3_pl": 4}  # two PLs fill newer lo3_pl columns
    assert summary.renumbered == 0 and not summary.other_tables


def test_importing_again_changes_nothing(imported):
    engine, _ = imported
    again = gbav.import_files(engine, [DUMP])
    assert again.persoonslijsten == 0 and again.already_present == 1205 and not again.inserted
    assert dict(again.present) == STORED and again.repeated == 0
    assert counts(engine) == STORED


def test_found_by_bsn_with_diacritics_and_opschorting(imported):
    engine, _ = imported
    assert ask(engine, (10120, "999993008")) == [{
        "01.0120": "999993008", "01.0210": "Fatima Saïda", "01.0240": "Ksar el Kebir",
        "01.0310": "19750501", "07.6710": "20080700", "07.6720": "O"}]


def test_found_by_geslachtsnaam_and_geboortedatum(imported):
    engine, _ = imported
    found = ask(engine, (10240, "Vogel"), (10310, "19580719"))
    assert [(p["01.0120"], p["01.0210"]) for p in found] == [("999992570", "Albert")]


def test_name_search_ignores_diacritics_as_for_loaded_persoonslijsten(imported):
    engine, _ = imported
    with engine.connect() as conn:
        p = lo3_pl_persoon.c
        bsn, naam, slim, geboren = conn.execute(
            select(p.burger_service_nr, p.diak_geslachts_naam, p.geslachts_naam, p.geboorte_datum)
            .where(p.persoon_type == "P", p.stapel_nr == 0, p.volg_nr == 0,
                   p.diak_geslachts_naam.is_not(None), p.burger_service_nr.is_not(None),
                   p.geboorte_datum > 10000000)
            .order_by(p.pl_id).limit(1)).one()
    assert naam != slim
    for zoekwaarde in (naam, slim):
        found = ask(engine, (10240, zoekwaarde), (10310, f"{geboren:08d}"))
        assert f"{bsn:09d}" in [p["01.0120"] for p in found]
        assert naam in [p["01.0240"] for p in found]


def test_a_bsn_on_two_persoonslijsten_finds_both_as_gbav_holds_them(imported):
    engine, _ = imported
    found = ask(engine, (10120, "999995923"), masker=(10110, 10240))
    assert sorted((p["01.0110"], p["01.0240"]) for p in found) == [
        ("5727590243", "Boer"), ("6318602430", "Bultenaar")]


def test_markup_in_a_name_comes_back_as_it_was_stored(imported):
    engine, _ = imported
    # in onderzoek since October 1994: the answer carries the onderzoeksgegevens too
    assert ask(engine, (10120, "999991449"), masker=(10240,)) == [
        {"01.0240": "<Onbekend> & </Onbemind>", "01.8310": "010000", "01.8320": "19941000"}]


# -- all or nothing, other files ----------------------------------------------------------

def first_pls(n: int) -> str:
    """The statements of the first ``n`` persoonslijsten of the public set (by pl_id)."""
    lines = gzip.decompress(DUMP.read_bytes()).decode().splitlines()
    ids = sorted({int(line.split("(", 1)[1].split(",", 1)[0]) for line in lines
                  if line.startswith("INSERT INTO public.lo3_pl VALUES")})[:n]
    wanted = tuple(f"VALUES ({i}," for i in ids)
    return "\n".join(line for line in lines if any(w in line for w in wanted)) + "\n"


def test_plain_sql_and_gzip_both_import(engine, tmp_path):
    sql = tmp_path / "part.sql"
    sql.write_text(first_pls(3))
    compressed = tmp_path / "part.sql.gz"
    compressed.write_bytes(gzip.compress(sql.read_bytes()))
    assert gbav.import_files(engine, [sql]).persoonslijsten == 3
    assert gbav.import_files(engine, [compressed]).already_present == 3


def test_a_bad_file_imports_nothing_and_says_where(engine, tmp_path):
    good = tmp_path / "good.sql"
    good.write_text(first_pls(3))
    bad = tmp_path / "bad.sql"
    bad.write_text("-- a comment\nINSERT INTO public.lo3_pl VALUES (1, NULL);\n"
                   "INSERT INTO public.lo3_pl_overlijden VALUES (1, 'x');\n")
    with pytest.raises(gbav.DumpError, match=r"bad\.sql:2: lo3_pl: 2 values, the GBA-V table has 25"):
        gbav.import_files(engine, [good, bad])
    assert counts(engine) == {}


def refused(engine, path, sql: str, message: str) -> None:
    """Importing ``sql`` fails with ``message`` (a regular expression) and imports nothing."""
    path.write_text(sql)
    with pytest.raises(gbav.DumpError, match=message):
        gbav.import_files(engine, [path])
    assert counts(engine) == {}


def test_two_persoonslijsten_with_one_a_nummer_import_nothing(engine, tmp_path):
    first = first_pls(1)  # pl_id 1
    refused(engine, tmp_path / "two.sql", first + first.replace("VALUES (1,", "VALUES (99999,"),
            r"two\.sql:\d+: A-nummer \d{10} is also the A-nummer of the persoonslijst at .*two\.sql:\d+")


def without_a_nummer(pl_id: int, bsn: int | None, object_id: str = "0800010000000001") -> str:
    """A persoonslijst as the public acceptance steps write it: no A-nummer (01.01.10)."""
    return (f"INSERT INTO lo3_pl (pl_id, geheim_ind, mutatie_dt) VALUES ({pl_id}, 0, '2024-01-01 00:00:00');\n"
            "INSERT INTO lo3_pl_persoon (pl_id, persoon_type, stapel_nr, volg_nr, burger_service_nr, voor_naam,"
            f" geslachts_naam, geboorte_datum) VALUES ({pl_id}, 'P', 0, 0, {bsn if bsn is not None else 'NULL'},"
            " 'Jan', 'Zondernummer', 19800101);\n"
            "INSERT INTO lo3_adres (adres_id, gemeente_code, straat_naam, huis_nr, verblijf_plaats_ident_code)"
            f" VALUES ({pl_id}, 800, 'Dorpsstraat', 1, '{object_id}');\n"
            "INSERT INTO lo3_pl_verblijfplaats (pl_id, volg_nr, inschrijving_gemeente_code, adres_id, adres_functie,"
            f" adreshouding_start_datum) VALUES ({pl_id}, 0, 800, {pl_id}, 'W', 20100818);\n")


def test_a_persoonslijst_without_a_nummer_is_imported_and_found_by_bsn(engine, tmp_path):
    dump = tmp_path / "steps.sql"
    dump.write_text(without_a_nummer(9001, 24))
    summary = gbav.import_files(engine, [dump])
    assert summary.persoonslijsten == 1 and summary.inserted["lo3_pl_persoon"] == 1
    assert ask(engine, (10120, "000000024"), masker=(10110, 10120, 10240, 81180)) == [
        {"01.0120": "000000024", "01.0240": "Zondernummer", "08.1180": "0800010000000001"}]
    entry, = protocol.entries(engine, limit=1)
    assert (entry.resultaat, entry.a_nummers) == ("A000", "pl:9001")  # the delivery is recorded
    bewoning = zoek_bewoningen(engine, BewoningVraag("0800010000000001", dt.date(2020, 1, 1), dt.date(2020, 1, 2)))
    assert [b["burgerservicenummer"] for b in bewoning.bewoningen[0]["bewoners"]] == ["000000024"]
    again = gbav.import_files(engine, [dump])  # recognised by its BSN: not imported twice
    assert again.persoonslijsten == 0 and again.already_present == 1
    assert counts(engine)["lo3_pl"] == 1


def test_a_bsn_without_a_nummer_twice_in_one_dump_imports_nothing(engine, tmp_path):
    refused(engine, tmp_path / "twice.sql", without_a_nummer(9001, 24) + without_a_nummer(9002, 24),
            r"twice\.sql:\d+: BSN 000000024 \(without A-nummer\) is also the BSN of the persoonslijst at "
            r".*twice\.sql:2")


def test_a_persoonslijst_without_a_nummer_and_bsn_imports_nothing(engine, tmp_path):
    refused(engine, tmp_path / "none.sql", without_a_nummer(9001, None),
            r"none\.sql:1: persoonslijst pl_id 9001 has no actual persoon with an A-nummer or a BSN")


def test_the_other_gbav_tables_the_public_steps_write_exist_after_init(engine):
    with engine.begin() as conn:  # as the acceptance steps write them: raw SQL, defaults for the rest
        conn.execute(text("INSERT INTO lo3_gemeente (gemeente_code, gemeente_naam, nieuwe_gemeente_code,"
                          " tabel_regel_eind_datum) VALUES (9999, 'Ons Dorp', 800, 20230526)"))
        conn.execute(text("INSERT INTO haalcentraal_vraag (request_id, afnemer_code, pl_id, request_zoek_rubrieken,"
                          " request_gevraagde_rubrieken) VALUES ('0f1e', 8, 1001, '081180', 'AXBW01')"))
        gemeente = conn.execute(text("SELECT gemeente_naam, nieuwe_gemeente_code, creatie_dt FROM lo3_gemeente")).one()
        vraag = conn.execute(text("SELECT request_datum, verwerkt FROM haalcentraal_vraag")).one()
    assert gemeente[:2] == ("Ons Dorp", 800) and gemeente[2] is not None
    assert vraag[0] is not None and not vraag[1]


def test_a_taken_pl_id_is_replaced_by_a_free_one(engine, tmp_path):
    loader.load(engine, [FIXTURES / "demo-janssen.json"])
    before = counts(engine)["lo3_pl"]
    dump = tmp_path / "pl1.sql"
    dump.write_text(first_pls(1))  # the set's first pl_id is 1, as the demo's first
    summary = gbav.import_files(engine, [dump])
    assert summary.persoonslijsten == 1 and summary.renumbered == 1
    assert counts(engine)["lo3_pl"] == before + 1
    assert ask(engine, (10120, "999993112"), masker=(10240,)) == [{"01.0240": "Zon"}]


def test_cli_reports_and_fails_cleanly(engine, tmp_path):
    good = tmp_path / "good.sql"
    good.write_text(first_pls(2))
    result = CliRunner().invoke(main, ["--db", url_of(engine), "import-gbav", str(good)])
    assert result.exit_code == 0 and "imported 2 persoonslijsten from 1 file(s)" in result.output
    assert "lo3_pl: 2 rows" in result.output
    again = CliRunner().invoke(main, ["--db", url_of(engine), "import-gbav", str(good), str(good)])
    assert again.exit_code == 0 and "imported 0 persoonslijsten from 2 file(s)" in again.output
    assert "; 2 already present" in again.output
    assert "row(s) of persoonslijsten already present: left as stored" in again.output
    assert "row(s) repeat an earlier row exactly: skipped" in again.output
    bad = tmp_path / "bad.sql"
    bad.write_text("\n\nCOPY public.lo3_pl (pl_id) FROM stdin;\n")
    result = CliRunner().invoke(main, ["--db", url_of(engine), "import-gbav", str(bad)])
    assert result.exit_code == 1
    assert "nothing imported" in result.output and "bad.sql:3: only INSERT statements" in result.output
    assert "Traceback" not in result.output


def test_a_row_repeated_exactly_is_skipped_and_counted(engine, tmp_path):
    dump = tmp_path / "twice.sql"
    once = first_pls(1)
    dump.write_text(once + once)  # as a dump written twice into one file, or ON CONFLICT DO NOTHING
    summary = gbav.import_files(engine, [dump])
    assert summary.persoonslijsten == 1 and summary.repeated == len(once.splitlines())
    assert counts(engine)["lo3_pl"] == 1


def test_one_key_with_other_values_imports_nothing(engine, tmp_path):
    refused(engine, tmp_path / "clash.sql", first_pls(1) + overlijden("6030") + "\n" + overlijden("5010") + "\n",
            r"clash\.sql:\d+: lo3_pl_overlijden \(pl_id 1, volg_nr 0\) is also at .*clash\.sql:\d+, with other values")


def test_empty_time_stamps_are_filled_in(engine, tmp_path):
    dump = tmp_path / "nodates.sql"
    lines = first_pls(1).splitlines()
    pl = next(i for i, line in enumerate(lines) if line.startswith("INSERT INTO public.lo3_pl VALUES"))
    inserted = gbav.parse(lines[pl] + "\n", "x")[0][0].rows[0][1]
    columns = ", ".join(c for c in inserted if c not in gbav.TIMESTAMPS)
    values = ", ".join("NULL" if inserted[c] is None else repr(str(inserted[c]))
                       for c in inserted if c not in gbav.TIMESTAMPS)
    lines[pl] = f"INSERT INTO lo3_pl ({columns}, creatie_dt, mutatie_dt) VALUES ({values}, NULL, NULL);"
    dump.write_text("\n".join(lines) + "\n")
    assert gbav.import_files(engine, [dump]).persoonslijsten == 1
    with engine.connect() as conn:
        stamps = conn.execute(select(lo3_pl.c.creatie_dt, lo3_pl.c.mutatie_dt)).one()
    assert all(isinstance(s, dt.datetime) for s in stamps)


def test_what_the_database_refuses_imports_nothing(engine, backend, tmp_path):
    with engine.begin() as conn:
        if backend.name == "sqlite":
            conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON lo3_pl_overlijden "
                              "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
        else:
            conn.execute(text("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                              "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"))
            conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON lo3_pl_overlijden "
                              "FOR EACH ROW EXECUTE FUNCTION refuse()"))
    dump = tmp_path / "refused.sql"
    dump.write_text(first_pls(2) + overlijden("6030") + "\n")
    with pytest.raises(gbav.DumpError, match="the database refused the import: .*refused by the test"):
        gbav.import_files(engine, [dump])
    assert counts(engine) == {}


# -- reading the SQL ----------------------------------------------------------------------

def rows(sql: str):
    inserts, other = gbav.parse(sql, "t.sql")
    return [(i.table, r) for i in inserts for _, r in i.rows], other


def overlijden(*values) -> str:
    """An INSERT of one lo3_pl_overlijden row: pl_id, volg_nr, then the given values."""
    rest = list(values) + ["NULL"] * (18 - 2 - len(values))
    return f"INSERT INTO lo3_pl_overlijden VALUES (1, 0, {', '.join(rest)});"


def test_strings_keep_quotes_semicolons_parentheses_and_newlines():
    sql = overlijden("6030", "'it''s; a ),( test\nover two lines'")
    [(table, row)], _ = rows(sql)
    assert table == "lo3_pl_overlijden" and row["overlijden_datum"] == 6030
    assert row["overlijden_plaats"] == "it's; a ),( test\nover two lines"


def test_escape_strings_casts_null_and_comments():
    sql = ("/* header */ -- comment\n"
           "INSERT INTO public.lo3_pl_overlijden (pl_id, volg_nr, overlijden_plaats, overlijden_land_code)"
           " VALUES (1, 0, E'a\\'b\\nc'::character varying(40), NULL::smallint);")
    [(_, row)], _ = rows(sql)
    assert row == {"pl_id": 1, "volg_nr": 0, "overlijden_plaats": "a'b\nc", "overlijden_land_code": None}


def test_several_rows_in_one_insert_and_on_conflict():
    sql = ("INSERT INTO lo3_pl_overlijden (pl_id, volg_nr) VALUES (1, 0), (2, 0),\n(3, 1) "
           "ON CONFLICT DO NOTHING;")
    found, _ = rows(sql)
    assert [(r["pl_id"], r["volg_nr"]) for _, r in found] == [(1, 0), (2, 0), (3, 1)]


def test_settings_schema_and_other_tables_are_skipped():
    sql = ("SET client_encoding = 'UTF8';\nSELECT pg_catalog.setval('s', 1, true);\n"
           "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n\\connect test\n"
           "INSERT INTO public.lo3_land VALUES (6030, 'Nederland'), (5010, 'België');\n")
    found, other = rows(sql)
    assert found == [] and other == {"lo3_land": 2}


@pytest.mark.parametrize("written, microseconds", [
    ("15:58:49.967043", 967043), ("15:58:49.95163", 951630), ("15:58:49.9516", 951600),
    ("15:58:49.951", 951000), ("15:58:49.95", 950000), ("15:58:49.9", 900000), ("15:58:49", 0)])
def test_timestamps_become_datetimes(written, microseconds):
    """As PostgreSQL writes them: trailing zeros of the fraction left off."""
    sql = f"INSERT INTO lo3_pl (pl_id, mutatie_dt) VALUES (7, '2009-03-06 {written}');"
    [(_, row)], _ = rows(sql)
    assert row["mutatie_dt"] == dt.datetime(2009, 3, 6, 15, 58, 49, microseconds)


@pytest.mark.parametrize("sql, message", [
    ("DELETE FROM lo3_pl;", "t.sql:1: only INSERT statements are imported, found DELETE"),
    ("\nCOPY lo3_pl FROM stdin;", "t.sql:2: only INSERT statements are imported, found COPY "
                                  "(dump with pg_dump --inserts or --column-inserts)"),
    ("INSERT INTO lo3_pl (pl_id, geheim) VALUES (1, 0);", "t.sql:1: lo3_pl has no column 'geheim'"),
    ("INSERT INTO lo3_pl (pl_id, versie_nr) VALUES (1);", "t.sql:1: lo3_pl: 1 values for 2 columns"),
    ("INSERT INTO lo3_pl (pl_id, versie_nr) VALUES (1, 'x');",
     "t.sql:1: lo3_pl.versie_nr: 'x' is not a whole number"),
    ("INSERT INTO lo3_pl (pl_id, versie_nr) VALUES (1, 40000);",
     "t.sql:1: lo3_pl.versie_nr: 40000 is out of range"),
    ("INSERT INTO lo3_pl (pl_id, bijhouding_opschort_reden) VALUES (1, 'OO');",
     "t.sql:1: lo3_pl.bijhouding_opschort_reden: 'OO' is longer than 1 characters"),
    ("INSERT INTO lo3_pl (pl_id, mutatie_dt) VALUES (1, 'yesterday');",
     "t.sql:1: lo3_pl.mutatie_dt: 'yesterday' is not a timestamp"),
    ("INSERT INTO lo3_pl (pl_id) VALUES (1)", "t.sql:1: statement without a closing ';'"),
    ("INSERT INTO lo3_pl (pl_id) VALUES (1) RETURNING pl_id;", "t.sql:1: unexpected 'RETURNING'"),
    ("INSERT INTO lo3_pl (pl_id) VALUES ('unterminated);", "t.sql:1: cannot read"),
    ("INSERT INTO lo3_kiezer VALUES (1);", "t.sql:1: unknown table 'lo3_kiezer': not a table of the GBA-V"),
    ("INSERT INTO lo3_pl (pl_id, versie_nr, versie_nr) VALUES (1, 2, 3);",
     "t.sql:1: lo3_pl: column 'versie_nr' is named twice"),
    ("INSERT INTO lo3_pl (versie_nr) VALUES (1);", "t.sql:1: lo3_pl: no value for pl_id, which needs one"),
    ("INSERT INTO lo3_pl_persoon (pl_id, stapel_nr, volg_nr) VALUES (1, 0, 0);",
     "t.sql:1: lo3_pl_persoon: no value for persoon_type"),
    ("INSERT INTO lo3_pl_overlijden (pl_id, volg_nr, overlijden_plaats) VALUES (1, 0, 'a\x00b');",
     "t.sql:1: lo3_pl_overlijden.overlijden_plaats: 'a\\x00b' holds a NUL character"),
    ("SET standard_conforming_strings = off;", "t.sql:1: standard_conforming_strings = off is not supported"),
    ("INSERT INTO lo3_pl VALUES (1" + ", NULL" * 26 + ");",
     "t.sql:1: lo3_pl: 27 values, the GBA-V table has 25 columns (or 28 in a newer GBA-V)"),
])
def test_what_is_not_a_plain_insert_is_an_error_naming_the_line(sql, message):
    with pytest.raises(gbav.DumpError) as e:
        gbav.parse(sql, "t.sql")
    assert str(e.value).startswith(message)


def test_the_column_order_is_that_of_the_gbav_schema():
    assert gbav.GBAV_COLUMNS["lo3_pl_persoon"][-1] == "registratie_betrekking"
    assert "geslachts_naam_fold" not in gbav.GBAV_COLUMNS["lo3_pl_persoon"]
    assert gbav.GBAV_COLUMNS["lo3_pl"] == [c.name for c in lo3_pl.c]


def test_the_columns_a_newer_gbav_adds_are_counted_not_stored():
    sql = ("INSERT INTO lo3_pl (pl_id, mutatie_dt, adres_eu_lidstaat_van_herkomst, land_eu_lidstaat_van_herkomst)"
           " VALUES (1, '2020-01-01 00:00:00', 'Rue 1', NULL);")
    inserts, _ = gbav.parse(sql, "t.sql")
    [(_, row)] = inserts[0].rows
    assert inserts[0].dropped == 1 and "adres_eu_lidstaat_van_herkomst" not in row
