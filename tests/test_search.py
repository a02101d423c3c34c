"""The query layer: matching on any rubriek, actual and historic, on SQLite and PostgreSQL."""

import pytest

from adhoc_ws.catalogue import rubriek
from adhoc_ws.query.search import Search, find, search_query
from adhoc_ws.query.zoekwaarde import Zoekwaarde
from adhoc_ws.storage import loader
from adhoc_ws.storage.reader import read_persoonslijsten

from samples import niet_ingezetene, persoon


def pl(anr, bsn, naam, geboren, postcode="1234AB", **extra):
    p = persoon(anr=anr, bsn=bsn, **extra)
    p["01"][0][0].update({"0240": naam, "0310": geboren})
    p["08"][0][0]["1160"] = postcode
    return p


@pytest.fixture
def db(engine):
    wiped = pl("1000000001", "999990001", "Gewist", "19500101")
    wiped["07"][0][0].update({"6710": "20000101", "6720": "W"})
    pls = [
        pl("1000000000", "999990000", "Müller", "19950812"),          # historic name Janssen
        pl("2000000000", "999990002", "Muller", "19950812", "5678CD"),
        pl("3000000000", "999990003", "Mułłer", "19600101", "5678CD"),
        wiped,
        niet_ingezetene(),
    ]
    pls[1]["01"][0][1]["0240"] = "Jansen"
    loader.validate({"persoonslijsten": pls})
    from adhoc_ws.storage.writer import Writer
    with engine.begin() as conn:
        Writer(conn).write(pls)
    return engine


def search(engine, *params, historie=False, limit=None):
    parameters = [(rubriek(r), Zoekwaarde.parse(w)) for r, w in params]
    with engine.connect() as conn:
        pl_ids = find(conn, parameters, historie=historie, limit=limit)
        found = read_persoonslijsten(conn, pl_ids)
    return [found[i]["01"][0][0]["0110"] for i in pl_ids]


def test_bsn_and_a_nummer_find_one_pl(db):
    assert search(db, (10120, "999990002")) == ["2000000000"]
    assert search(db, (10110, "3000000000")) == ["3000000000"]


def test_slim_zoeken_on_case_and_diacritics(db):
    assert search(db, (10240, "Müller")) == ["1000000000"]
    assert search(db, (10240, "Mułłer")) == ["3000000000"]
    assert search(db, (10240, "Muller")) == ["1000000000", "2000000000", "3000000000"]
    assert search(db, (10240, "muller")) == ["1000000000", "2000000000", "3000000000"]
    assert search(db, (10240, "müller")) == ["1000000000"]
    assert search(db, (10240, "MULLER")) == []
    assert search(db, (10240, "/Muller")) == ["2000000000"]
    assert search(db, (10240, "/muller")) == []


def test_parameters_combine_with_and_across_categories(db):
    assert search(db, (10310, "19950812")) == ["1000000000", "2000000000"]
    assert search(db, (10310, "19950812"), (81160, "5678CD")) == ["2000000000"]
    assert search(db, (10310, "19950812"), (81160, "5678CD"), (10240, "Müller")) == []


def test_numeric_codes_match_with_their_leading_zeros(db):
    assert len(search(db, (80910, "0363"), (10240, "/Muller"))) == 1
    assert search(db, (80910, "0599"), (10240, "/Muller")) == []  # 0599 is only historic


def test_without_historie_only_actual_voorkomens_match(db):
    assert search(db, (10240, "Janssen")) == []
    assert search(db, (81160, "3011AD")) == []


def test_historie_also_matches_historic_voorkomens(db):
    assert search(db, (10240, "Janssen"), (10310, "19950812"), historie=True) == ["1000000000"]
    assert search(db, (10240, "Jansen"), historie=True) == ["2000000000"]
    assert len(search(db, (81160, "3011AD"), historie=True)) == 3
    assert len(search(db, (81110, "Coolsingel"), (10240, "Mułłer"), historie=True)) == 1


def test_onjuist_voorkomens_never_match(db):
    # nationaliteit 0057 is in an onjuist historic voorkomen of every sample PL (and actual too)
    assert len(search(db, (10240, "Müller"), (40510, "0057"), historie=True)) == 1


def test_search_on_category_16_and_address_rubrieken(db):
    assert search(db, (161160, "1011AA")) == ["9876543210"]
    assert search(db, (10240, "Łukasz-Øster"), (81310, "5010")) == ["9876543210"]


def test_an_empty_zoekwaarde_finds_pls_without_that_rubriek(db):
    assert search(db, (10240, "Łukasz-Øster"), (10320, "")) == ["9876543210"]
    assert search(db, (10240, "Muller"), (10320, "")) == []


def test_wiped_pls_are_never_found(db):
    assert search(db, (10240, "Gewist")) == []


def test_limit(db):
    assert len(search(db, (10410, "M"), (80910, "0363"), limit=2)) == 2


def _parameters(*params):
    return [(rubriek(r), Zoekwaarde.parse(w)) for r, w in params]


def test_a_statement_is_made_once_per_shape():
    """The same comparisons with other values share a statement; other comparisons do not."""
    def shape(*params, historie=False):
        return Search.of(_parameters(*params), historie=historie, limit=11).shape

    assert shape((10240, "Janssen")) == shape((10240, "Pietersen"))
    assert shape((10240, "J* H*"), (10310, "1955*")) == shape((10240, "P* K*"), (10310, "1960*"))
    assert shape((10240, "Janssen")) != shape((10240, "janssen"))       # case-insensitive
    assert shape((10240, "Muller")) != shape((10240, "Müller"))         # with diacritics
    assert shape((10240, "Janssen")) != shape((10240, "/Janssen"))
    assert shape((10240, "Jans*")) != shape((10240, "*sen"))            # the reversed index
    assert shape((10240, "Janssen")) != shape((10240, "Janssen"), historie=True)
    assert shape((10120, "999990002")) != shape((10120, "999990002"), (10320, ""))


CASES = [
    [(10120, "999990002")], [(10120, "999990003")],
    [(10240, "Muller")], [(10240, "Müller")], [(10240, "muller")], [(10240, "/Muller")],
    [(10240, "M*ller")], [(10240, "*ller")], [(10240, "Mu*")], [(10240, "*")],
    [(10310, "1995*")], [(10310, "199508*")], [(10310, "19950812"), (81160, "5678CD")],
    [(10240, "Łukasz-Øster"), (10320, "")], [(161160, "1011AA")], [(80910, "0363"), (10240, "/Muller")],
]


@pytest.mark.parametrize("params", CASES)
@pytest.mark.parametrize("historie", [False, True])
def test_the_cached_statement_binds_each_search_s_own_values(db, params, historie):
    """Searches that share a statement find what SQLAlchemy's own statement with their values finds."""
    parameters = _parameters(*params)
    with db.connect() as conn:
        expected = sorted(pl_id for pl_id, in conn.execute(search_query(parameters, historie=historie)))
        assert find(conn, parameters, historie=historie) == expected
