"""The synthetic population: valid against the catalogue, reproducible, and searchable."""
from adhoc_ws.generate import Population, _bsn
from adhoc_ws.storage import loader


def test_generated_persoonslijsten_pass_the_loader_checks():
    pls = list(Population(seed=7).persoonslijsten(2000))
    assert len(pls) == 2000
    loader.validate({"persoonslijsten": pls})
    reasons = [pl["07"][0][0].get("6720") for pl in pls]
    assert 0.10 < reasons.count("O") / len(pls) < 0.26
    assert 0.10 < sum(r in ("E", "R", "M") for r in reasons) / len(pls) < 0.26
    assert any("16" in pl for pl in pls) and any(len(pl["08"][0]) > 1 for pl in pls)


def test_the_same_seed_gives_the_same_population():
    assert list(Population(seed=3).persoonslijsten(50)) == list(Population(seed=3).persoonslijsten(50))


def test_bsns_pass_the_elfproef():
    for n in range(10_000_000, 10_000_200):
        bsn = _bsn(n)
        if bsn:
            digits = [int(d) for d in bsn]
            assert (sum(d * w for d, w in zip(digits, range(9, 1, -1))) - digits[8]) % 11 == 0


def test_the_bulk_path_stores_what_the_writer_stores(backend):
    """generate (tuples, COPY/executemany) and load (the Writer) give the same rows."""
    from sqlalchemy import select

    from adhoc_ws.generate import generate
    from adhoc_ws.storage.reader import read_persoonslijsten
    from adhoc_ws.storage.schema import PL_TABELLEN, lo3_adres
    from adhoc_ws.storage.writer import Writer

    bulk, writer = backend.new_engine(), backend.new_engine()
    generate(bulk, 1500, seed=5, processes=2)
    pls = list(Population(seed=5 * 1_000_003, start=0, address_start=1).persoonslijsten(1500))
    with writer.begin() as conn:
        Writer(conn).write(pls)

    def rows(engine, table):
        skip = {"creatie_dt", "mutatie_dt"}
        columns = [c for c in table.c if c.name not in skip]
        with engine.connect() as conn:
            return sorted(tuple(r) for r in conn.execute(select(*columns)))
    for table in [*PL_TABELLEN, lo3_adres]:
        assert rows(bulk, table) == rows(writer, table), table.name
    with bulk.connect() as conn:
        assert list(read_persoonslijsten(conn, [1, 1500]).values()) == [pls[0], pls[-1]]


def test_generate_appends_without_reusing_numbers(engine):
    from sqlalchemy import func, select

    from adhoc_ws.generate import generate
    from adhoc_ws.storage.schema import lo3_pl, lo3_pl_persoon

    generate(engine, 300, processes=1)
    generate(engine, 300, seed=2, processes=1)
    p = lo3_pl_persoon.c
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(lo3_pl)).scalar() == 600
        bsns = conn.execute(select(p.burger_service_nr).where(
            p.persoon_type == "P", p.volg_nr == 0)).scalars().all()
    assert len(bsns) == len(set(bsns)) == 600
