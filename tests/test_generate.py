"""The synthetic population: made in the database, stored exactly as ``load`` stores it,
valid, realistic, reproducible."""
from collections import Counter

import pytest
from sqlalchemy import event, func, select, text

from adhoc_ws import generate as generating
from adhoc_ws.generate import generate, sample
from adhoc_ws.generate.statements import Draw
from adhoc_ws.generate.population import anummer_valid, bsn_valid
from adhoc_ws.storage import database, loader
from adhoc_ws.storage.reader import read_persoonslijsten
from adhoc_ws.storage.schema import PL_TABELLEN, lo3_adres, lo3_pl, lo3_pl_persoon


@pytest.fixture
def new_engine(backend):
    """Makes empty databases whose connections close after the test (PostgreSQL's are few)."""
    made = []

    def make():
        made.append(backend.new_engine())
        return made[-1]
    yield make
    for engine in made:
        engine.dispose()


def read_all(engine) -> list:
    with engine.connect() as conn:
        top = conn.execute(select(func.max(lo3_pl.c.pl_id))).scalar()
        found = {}
        for first in range(1, top + 1, 500):
            found.update(read_persoonslijsten(conn, list(range(first, min(first + 500, top + 1)))))
    return [found[i] for i in range(1, top + 1)]


def rows(engine, table) -> list[tuple]:
    """Every row of a table without its timestamps, an adres_id as the address it names."""
    skip = {"creatie_dt", "mutatie_dt", "adres_id"}
    columns = [c for c in table.c if c.name not in skip]
    query = select(*columns)
    if "adres_id" in table.c and table is not lo3_adres:
        query = query.add_columns(lo3_adres.c.address_key).outerjoin(
            lo3_adres, lo3_adres.c.adres_id == table.c.adres_id)
    with engine.connect() as conn:
        return sorted((tuple(r) for r in conn.execute(query)), key=repr)


def test_the_anummer_and_bsn_checks():
    # examples of the A-nummer check as GBA-V software tests it, and the 11-proef
    for anr in ("1231231234", "1745105604", "6139365949", "7159878730", "4368978532"):
        assert anummer_valid(anr), anr
    for anr in ("0465823130", "5565431828", "7734628529", "6734628523", "2000000001", "123456789"):
        assert not anummer_valid(anr), anr
    assert bsn_valid("111222333") and bsn_valid("999993653")
    assert not bsn_valid("111222334") and not bsn_valid("12345678")


def test_generated_persoonslijsten_pass_the_loader_checks_and_look_like_the_brp():
    pls = sample(3000, seed=7)
    assert len(pls) == 3000
    loader.validate({"persoonslijsten": pls})
    reasons = Counter(pl["07"][0][0].get("6720") for pl in pls)
    assert 0.14 < reasons["O"] / len(pls) < 0.22  # overledenen, with category 06
    assert 0.14 < (reasons["E"] + reasons["R"] + reasons["M"]) / len(pls) < 0.22
    assert reasons["E"] > reasons["R"] > reasons["M"] > 0
    assert all(("06" in pl) == (pl["07"][0][0].get("6720") == "O") for pl in pls)
    rni = [pl for pl in pls if pl["07"][0][0].get("6720") in ("E", "R", "M")]
    assert all(pl["07"][0][0]["8810"] == "0101" and pl["07"][0][0]["7110"] for pl in rni)
    assert all(pl["08"][0][0]["0910"] == "1999" and pl["08"][0][0]["1310"] for pl in rni)
    assert any("16" in pl for pl in rni) and not any("16" in pl for pl in pls if pl not in rni)
    assert 0.2 < sum(len(pl["08"][0]) > 1 for pl in pls) / len(pls) < 0.45  # a previous address
    assert 0.02 < sum(len(pl["01"][0]) > 1 for pl in pls) / len(pls) < 0.06  # a previous name
    assert any(pl["01"][0][0].get("6110") == "V" for pl in pls)  # the husband's name
    assert any(pl["01"][0][0].get("8310") for pl in pls)  # in onderzoek
    # households: partners and parents refer to each other, children to their parents
    by_bsn = {pl["01"][0][0]["0120"]: pl for pl in pls}
    couples = [pl for pl in pls if "05" in pl and pl["05"][0][0]["0120"] in by_bsn]
    assert len(couples) > 0.3 * len(pls)
    for pl in couples:
        partner = by_bsn[pl["05"][0][0]["0120"]]
        assert partner["05"][0][0]["0120"] == pl["01"][0][0]["0120"]
        assert partner["05"][0][0]["0610"] == pl["05"][0][0]["0610"]
    children = [pl for pl in pls if "02" in pl and pl["02"][0][0]["0120"] in by_bsn]
    assert children
    for child in children:
        father = by_bsn[child["02"][0][0]["0120"]]
        assert child["01"][0][0]["0120"] in {k[0]["0120"] for k in father["09"]}
        assert child["01"][0][0]["0240"] == father["01"][0][0]["0240"]
    # addresses are shared by households
    addresses = Counter(pl["08"][0][0].get("1180") for pl in pls if "1180" in pl["08"][0][0])
    assert 1.6 < sum(addresses.values()) / len(addresses) < 3
    # names from elsewhere, with diacritics
    names = {pl["01"][0][0]["0240"] for pl in pls} | {pl["01"][0][0]["0210"] for pl in pls}
    assert {"Yılmaz", "Müller", "Østergaard"} & names and any("ë" in n or "é" in n for n in names)


def test_the_same_seed_gives_the_same_population():
    assert sample(300, seed=3) == sample(300, seed=3)
    assert sample(300, seed=3) != sample(300, seed=4)


def test_every_a_nummer_and_bsn_passes_its_check_and_is_used_once(engine):
    generate(engine, 3000, seed=2)
    # and a run that continues where about 54 million persons were made before
    with engine.begin() as conn:
        conn.execute(lo3_pl.insert().values(pl_id=generating.CAPACITY - 200, mutatie_dt=func.now()))
    generate(engine, 100, seed=2)
    p = lo3_pl_persoon.c
    with engine.connect() as conn:
        numbers = conn.execute(select(p.a_nr, p.burger_service_nr).where(
            p.persoon_type == "P", p.volg_nr == 0)).all()
    assert len(numbers) == 3100
    anrs, bsns = [f"{a:010d}" for a, _ in numbers], [f"{b:09d}" for _, b in numbers]
    assert all(map(anummer_valid, anrs)) and all(map(bsn_valid, bsns))
    assert len(set(anrs)) == len(set(bsns)) == 3100
    with pytest.raises(generating.TooMany):
        generate(engine, 1000, seed=2)


def test_generated_rows_are_the_rows_load_writes(new_engine):
    """A generated PL read back and loaded from JSON is stored exactly as generated: every table,
    every column (slim names, diak_* twins, folded and reversed columns, address_key)."""
    generated, loaded = new_engine(), new_engine()
    generate(generated, 1500, seed=5)
    pls = read_all(generated)
    loader.load_checked(loaded, [("generated", pls)])
    for table in [*PL_TABELLEN, lo3_adres]:
        assert rows(generated, table) == rows(loaded, table), table.name
    assert read_all(loaded) == pls


def test_search_columns_are_what_the_sql_functions_make(engine):
    generate(engine, 1000, seed=6)
    checks = {
        "lo3_pl_persoon": [("geslachts_naam_fold", "coalesce(diak_geslachts_naam, geslachts_naam)"),
                           ("voor_naam_fold", "coalesce(diak_voor_naam, voor_naam)"),
                           ("geslachts_naam", "adhoc_slim(coalesce(diak_geslachts_naam, geslachts_naam))")],
        "lo3_adres": [("straat_naam_fold", "coalesce(diak_straat_naam, straat_naam)"),
                      ("woon_plaats_naam_fold", "coalesce(diak_woon_plaats_naam, woon_plaats_naam)"),
                      ("open_ruimte_naam_fold", "coalesce(diak_open_ruimte_naam, open_ruimte_naam)"),
                      ("postcode_fold", "postcode")],
    }
    with engine.connect() as conn:
        for table, pairs in checks.items():
            for column, value in pairs:
                made = value if column == "geslachts_naam" else f"adhoc_fold({value})"
                wrong = conn.execute(text(f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL "
                                          f"AND {column} <> {made}")).scalar()
                assert wrong == 0, (table, column)
        diak = conn.execute(text("SELECT count(*) FROM lo3_pl_persoon WHERE diak_geslachts_naam "
                                 "IS NOT NULL AND diak_geslachts_naam = geslachts_naam")).scalar()
        assert diak == 0
        pairs = conn.execute(text("SELECT geslachts_naam_fold, geslachts_naam_fold_rev "
                                  "FROM lo3_pl_persoon WHERE geslachts_naam_fold IS NOT NULL")).all()
    assert pairs and all(rev == fold[::-1] for fold, rev in pairs)


def test_both_backends_make_the_same_persoonslijsten(engine):
    generate(engine, 700, seed=9)
    assert read_all(engine) == sample(700, seed=9)


def test_the_population_does_not_depend_on_how_the_work_is_divided(new_engine, monkeypatch):
    monkeypatch.setattr(generating, "CHUNK", 128)
    one, two = new_engine(), new_engine()
    made = []
    generate(one, 900, seed=4, processes=1, progress=made.append)
    generate(two, 900, seed=4, processes=2)
    assert sum(made) == 900 and len(made) == 8
    assert read_all(one) == read_all(two)


def test_generate_appends_without_reusing_numbers(engine):
    generate(engine, 300, processes=1)
    generate(engine, 300, seed=2, processes=1)
    p = lo3_pl_persoon.c
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(lo3_pl)).scalar() == 600
        bsns = conn.execute(select(p.burger_service_nr).where(
            p.persoon_type == "P", p.volg_nr == 0)).scalars().all()
        addresses = conn.execute(select(func.count()).select_from(lo3_adres)).scalar()
        keys = conn.execute(select(func.count(lo3_adres.c.address_key.distinct()))).scalar()
    assert len(bsns) == len(set(bsns)) == 600
    assert addresses == keys


def index_names(engine) -> set[str]:
    query = ("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
             if engine.dialect.name == "postgresql" else
             "SELECT name FROM sqlite_master WHERE type = 'index'")
    with engine.connect() as conn:
        return set(conn.exec_driver_sql(query).scalars())


def test_every_index_is_there_after_adding_whether_rebuilt_or_kept(new_engine):
    """Appending with rebuild drops the secondary indexes and builds them after the rows;
    without, it keeps them, and makes again those a stopped run left out."""
    made = []
    for rebuild in (True, False, None):
        engine = new_engine()
        generate(engine, 300, processes=1)
        if rebuild is None:
            database.drop_secondary_indexes(engine)
        generate(engine, 300, seed=2, processes=1, rebuild=rebuild)
        made.append((index_names(engine), read_all(engine)))
    reference = new_engine()
    database.init(reference)
    assert len(index_names(reference)) > 20
    for names, pls in made:
        assert names == index_names(reference)
        assert pls == made[0][1] and len(pls) == 600


def key_names(engine) -> set[tuple[str, str]]:
    """(table, key) of every primary key and unique constraint (PostgreSQL), or of every
    index SQLite made for one."""
    query = ("SELECT conrelid::regclass::text, conname FROM pg_constraint "
             "WHERE connamespace = current_schema()::regnamespace AND contype IN ('p', 'u')"
             if engine.dialect.name == "postgresql" else
             "SELECT tbl_name, name FROM sqlite_master WHERE name LIKE 'sqlite_autoindex%' "
             "OR (type = 'table' AND sql LIKE '%INTEGER PRIMARY KEY%')")
    with engine.connect() as conn:
        return set(conn.exec_driver_sql(query).all())


def test_the_keys_are_there_and_hold_after_a_rebuild_and_after_a_stopped_run(new_engine):
    """A rebuild drops the keys of the persoonslijst tables on PostgreSQL (their B-trees cost
    more row by row than built at the end); the run ends with every key there and working,
    and a run that stopped with them dropped has them made again by ``init``."""
    reference = new_engine()
    database.init(reference)
    keys = key_names(reference)
    assert {("lo3_pl_persoon", "lo3_pl_persoon_pkey"), ("lo3_adres", "lo3_adres_address_key_key")} <= keys \
        or reference.dialect.name == "sqlite"
    engine = new_engine()
    written = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *_: written.append(statement))
    generate(engine, 300, processes=2)
    assert key_names(engine) == keys
    if engine.dialect.name == "postgresql":
        dropped = [w for w in written if "DROP CONSTRAINT" in w]
        assert {w.split()[2] for w in dropped} == {t.name for t in [*PL_TABELLEN, lo3_adres]}

    def copy(table, where, change=None):
        """An INSERT of a copy of a row, one column changed."""
        columns = [c.name for c in table.columns]
        return (f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT "
                + ", ".join(f"{c} + 1000000" if c == change else c for c in columns)
                + f" FROM {table.name} WHERE {where}")
    with engine.connect() as conn:  # the keys hold
        for statement in (copy(lo3_pl, "pl_id = 1"), copy(lo3_adres, "adres_id = 1"),
                          copy(lo3_adres, "adres_id = 1", change="adres_id"),
                          copy(lo3_pl_persoon, "pl_id = 1 AND persoon_type = 'P' AND volg_nr = 0")):
            with pytest.raises(Exception, match="(?i)unique|duplicate"):
                with conn.begin():
                    conn.exec_driver_sql(statement)
    stopped = new_engine()  # stopped after the drop: init makes every key again
    generate(stopped, 100, processes=1)
    database.drop_secondary_indexes(stopped, keys=[*PL_TABELLEN, lo3_adres])
    if stopped.dialect.name == "postgresql":
        assert not {k for k in key_names(stopped) if k[0] in {t.name for t in PL_TABELLEN}}
    database.init(stopped)
    assert key_names(stopped) == keys and index_names(stopped) == index_names(reference)
    generate(stopped, 100, seed=3, processes=1)
    assert len(read_all(stopped)) == 200


def test_keys_are_known_by_their_columns_not_their_names(new_engine):
    """PostgreSQL: a key made under another name is no missing key (``init`` leaves it), a
    rebuild drops and remakes it, and a unique constraint of the operator's own is kept."""
    engine = new_engine()
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's keys are never dropped")
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE lo3_pl RENAME CONSTRAINT lo3_pl_pkey TO lo3_pl_pk")
        conn.exec_driver_sql("ALTER TABLE lo3_pl ADD CONSTRAINT own_key UNIQUE (pl_id, versie_nr)")
    database.init(engine)
    names = {name for _table, name in key_names(engine)}
    assert {"lo3_pl_pk", "own_key"} <= names and "lo3_pl_pkey" not in names
    generate(engine, 100, processes=1, rebuild=True)
    names = {name for _table, name in key_names(engine)}
    assert {"lo3_pl_pkey", "own_key"} <= names and "lo3_pl_pk" not in names


def test_the_draws_are_uniform_and_independent():
    """Chi-square of the hash modulo 97: alone, for neighbours, and between two streams."""
    import sqlite3
    draw = Draw(seed=1)
    conn = sqlite3.connect(":memory:")
    n, m = 60_000, 97
    values = conn.execute(
        f"WITH RECURSIVE x(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM x WHERE i < {n - 1}) "
        f"SELECT {draw.hash('i', 'born')} % {m}, {draw.hash('i', 'status')} % {m} FROM x").fetchall()

    def chi2(counts, cells):
        expected = sum(counts.values()) / cells
        return sum((counts.get(c, 0) - expected) ** 2 / expected for c in range(cells)) / (cells - 1)
    alone = Counter(a for a, _ in values)
    neighbours = Counter(a * m + b[0] for (a, _), b in zip(values, values[1:]))
    streams = Counter(a * m + b for a, b in values)
    for counts, cells in ((alone, m), (neighbours, m * m), (streams, m * m)):
        assert 0.8 < chi2(counts, cells) < 1.2


def test_an_empty_database_ends_durable_indexed_and_analysed(new_engine):
    """Into an empty database: the tables written with the write-ahead log (PostgreSQL: never
    UNLOGGED, so nothing is lost in a crash and nothing is rewritten afterwards), every index
    built and statistics for the planner of every table with rows."""
    engine = new_engine()
    generate(engine, 500, seed=6, processes=2)
    reference = new_engine()
    database.init(reference)
    assert index_names(engine) == index_names(reference)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            assert not conn.exec_driver_sql(
                "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
                "AND relpersistence <> 'p'").all()
            analysed = set(conn.exec_driver_sql(
                "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
                "AND last_analyze IS NOT NULL").scalars())
        else:
            analysed = set(conn.exec_driver_sql("SELECT tbl FROM main.sqlite_stat1").scalars())
    assert {t.name for t in [*PL_TABELLEN, lo3_adres]
            if t.name not in ("lo3_pl_verblijfstitel", "lo3_pl_gezagsverhouding",
                              "lo3_pl_reis_doc")} <= analysed


def test_indexes_build_in_parallel_sessions_and_a_failure_stops_them(new_engine):
    """Index builds and ANALYZE shared by sessions (PostgreSQL): an ANALYZE waits for the
    builds on its table, and a failing statement is raised, the sessions taking no more."""
    engine = new_engine()
    if engine.dialect.name != "postgresql":
        pytest.skip("one session on SQLite")
    done = []

    def note(conn, cursor, statement, *_):
        done.append((statement.split(" ON ")[0].split() or [""])[-1])
    database.drop_secondary_indexes(engine)
    event.listen(engine, "before_cursor_execute", note)
    database.create_indexes(engine, parallel=3, analyze=True)
    for table in ("lo3_pl_persoon", "lo3_adres"):
        names = {i.name for i in database.metadata.tables[table].indexes}
        names |= {n for n, (t, _) in database.TRIGRAM_INDEXES.items() if t == table}
        assert max(done.index(n) for n in names) < done.index(table), table
    keys = [t.name for t in [*PL_TABELLEN, lo3_adres]]
    database.drop_secondary_indexes(engine, keys=[*PL_TABELLEN, lo3_adres])
    statements = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *_: statements.append(statement))
    database.create_indexes(engine, parallel=3, analyze=True)
    for table in keys:  # a key is attached after every build on its table, before its ANALYZE
        builds = [i for i, s in enumerate(statements) if s.startswith("CREATE") and f" ON {table} " in s]
        attached = [i for i, s in enumerate(statements) if s.startswith(f"ALTER TABLE {table} ")]
        analysed = statements.index(f"ANALYZE {table}")
        assert attached and builds and max(builds) < min(attached) and max(attached) < analysed, table
    jobs = [("lo3_pl", text("SELECT 1")), ("lo3_pl", text("SELECT no_such_column FROM lo3_pl")),
            *[("lo3_adres", text(f"SELECT 'after_{i}'")) for i in range(20)]]
    done.clear()
    with pytest.raises(Exception, match="no_such_column"):
        database._run_jobs(engine, jobs, 1, {})
    assert not [d for d in done if "after_" in d]
