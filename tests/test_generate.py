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
