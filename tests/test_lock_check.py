"""A remembered login is answered only after the database says its account is not locked.

On PostgreSQL the service reads the account's failure count and lock along with the search,
in the same statement (``Search.run(conn, lock)``), and asks on its own only when a vraag ends
before a search or the count is not 0; on SQLite it asks on its own at the login, as every
login did before (a statement there costs no round trip). Whichever way, a locked account gets X010 and nothing else,
on every path a vraag can take. Attacked here: an account locked, given failures or removed
meanwhile by another process; vraagen in parallel while the lock is set; a database that
fails at the look.
"""
import gc
import json
import threading
import time

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import OperationalError

from adhoc_ws import accounts as accounts_module
from adhoc_ws import protocol
from adhoc_ws.accounts import Accounts, Credentials, Passwords, load_afnemers
from adhoc_ws.query.search import Search
from adhoc_ws.query.zoekwaarde import Zoekwaarde
from adhoc_ws.catalogue import rubriek
from adhoc_ws.service import AdhocService
from adhoc_ws.storage import database, loader
from adhoc_ws.storage.schema import adhoc_gebruiker
from adhoc_ws.vraag import Vraag, Zoekparameter

from conftest import CHEAP_ARGON2, FIXTURES, Clock, url_of

PASSWORD = "Geheim-Wachtwoord-42"
FOUND = (10120, "999993653")  # Jurjen Hans Janssen, on an address of his own

# every way a vraag can end, and what it gets from an account that is not locked
PATHS = {
    "found": ([FOUND], False, "A000"),
    "not found": ([(10120, "999999990")], False, "G033"),
    "refused zoekwaarde": ([(10120, "99999365A")], False, "X022"),
    "adresvraag on a person": ([FOUND], True, "A000"),
    "adresvraag on an address": ([(81160, "9999ZZ"), (81120, "1")], True, "G033"),
}


@pytest.fixture(scope="module")
def setup(backend, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(accounts_module, "PasswordHasher", CHEAP_ARGON2)
        engine = backend.new_engine()
        loader.load(engine, sorted(FIXTURES.glob("*.json")))
        path = tmp_path_factory.mktemp("afnemers") / "afnemers.json"
        path.write_text(json.dumps({"afnemers": [{
            "afnemersindicatie": "100001", "naam": "Gemeente", "adhoc": True, "adresvraag": True,
            "rubrieken": [10120, 10240], "zoekrubrieken": [10120, 10240, 81120, 81160],
            "gebruikers": [{"gebruikersnaam": name, "wachtwoord": PASSWORD,
                            "wachtwoord_geldig_tot": "20991231"} for name in ("balie", "tweede")]}]}))
        load_afnemers(engine, path)
        service = AdhocService(engine, accounts=Accounts(engine, clock=Clock()))
        yield engine, service


@pytest.fixture
def service(setup):
    engine, service = setup
    state(engine, "balie", 0, None)  # each test starts unlocked and remembered
    assert ask(service, FOUND) == "A000"
    return service


@pytest.fixture(autouse=True)
def unlocked(setup):
    yield
    state(setup[0], "balie", 0, None)


def ask(service, *parameters, adresvraag=False, user="balie") -> str:
    answer = service.vraag(Vraag(masker=[10120, 10240],
                                 parameters=[Zoekparameter(r, w) for r, w in parameters]),
                           adresvraag=adresvraag, credentials=Credentials(user, PASSWORD))
    r = answer.resultaat
    return f"{r.letter}{r.code:03d}"


def state(engine, name, failures, locked: bool | None):
    """Set an account's failure count and lock, as another process would."""
    until = None if locked is None else \
        accounts_module.dt.datetime.fromtimestamp(time.time() + (3600 if locked else -3600))
    with engine.begin() as conn:
        conn.execute(update(adhoc_gebruiker).where(adhoc_gebruiker.c.gebruikersnaam == name)
                     .values(mislukte_pogingen=failures, geblokkeerd_tot=until))


def failures(engine, name) -> int:
    with engine.connect() as conn:
        return conn.execute(select(adhoc_gebruiker.c.mislukte_pogingen)
                            .where(adhoc_gebruiker.c.gebruikersnaam == name)).scalar()


def last_record(engine):
    return protocol.entries(engine, limit=1)[0]


class Spy:
    """Counts the calls of a Passwords method (and may replace what it does)."""

    def __init__(self, monkeypatch, name, instead=None):
        self.calls = 0
        original = getattr(Passwords, name)

        def spy(passwords, *args, **kwargs):
            self.calls += 1
            return (instead or original)(passwords, *args, **kwargs)
        monkeypatch.setattr(Passwords, name, spy)


@pytest.mark.parametrize("path", PATHS)
def test_an_account_locked_meanwhile_gets_x010_whatever_the_vraag(setup, service, path, monkeypatch):
    engine, _ = setup
    parameters, adresvraag, unlocked = PATHS[path]
    assert ask(service, *parameters, adresvraag=adresvraag) == unlocked
    state(engine, "balie", 5, locked=True)
    checked = Spy(monkeypatch, "check")
    assert ask(service, *parameters, adresvraag=adresvraag) == "X010"
    assert checked.calls == 0  # answered from the remembered login, its lock looked at
    record = last_record(engine)
    assert (record.resultaat, record.a_nummers, record.afnemer_code) == ("X010", "", None)
    state(engine, "balie", 0, None)
    assert ask(service, *parameters, adresvraag=adresvraag) == unlocked


@pytest.mark.parametrize("path", ["found", "not found", "adresvraag on a person"])
def test_on_postgresql_the_lock_is_read_with_the_search_not_on_its_own(setup, service, path,
                                                                       monkeypatch):
    engine, _ = setup
    parameters, adresvraag, unlocked = PATHS[path]
    asked = Spy(monkeypatch, "still_good")
    assert ask(service, *parameters, adresvraag=adresvraag) == unlocked
    assert asked.calls == (0 if engine.dialect.name == "postgresql" else 1)


@pytest.mark.parametrize("path", ["refused zoekwaarde", "adresvraag on an address"])
def test_without_a_search_of_persons_the_lock_is_asked_on_its_own(setup, service, path, monkeypatch):
    parameters, adresvraag, unlocked = PATHS[path]
    asked = Spy(monkeypatch, "still_good")
    assert ask(service, *parameters, adresvraag=adresvraag) == unlocked
    assert asked.calls == 1


@pytest.mark.parametrize("path", ["found", "not found", "refused zoekwaarde"])
def test_failures_counted_meanwhile_are_taken_back_to_0(setup, service, path):
    engine, _ = setup
    parameters, adresvraag, unlocked = PATHS[path]
    state(engine, "balie", 3, None)
    assert ask(service, *parameters, adresvraag=adresvraag) == unlocked
    assert failures(engine, "balie") == 0


def test_a_lock_that_ran_out_is_no_lock(setup, service):
    engine, _ = setup
    state(engine, "balie", 5, locked=False)
    assert ask(service, FOUND) == "A000"
    assert failures(engine, "balie") == 0


def test_an_account_removed_meanwhile_gets_x010(setup):
    engine, service = setup
    assert ask(service, FOUND, user="tweede") == "A000"  # remembered now
    with engine.begin() as conn:
        row = conn.execute(select(adhoc_gebruiker)
                           .where(adhoc_gebruiker.c.gebruikersnaam == "tweede")).one()
        conn.execute(delete(adhoc_gebruiker).where(adhoc_gebruiker.c.gebruikersnaam == "tweede"))
    try:
        for path in PATHS.values():
            assert ask(service, *path[0], adresvraag=path[1], user="tweede") == "X010"
    finally:
        with engine.begin() as conn:
            conn.execute(adhoc_gebruiker.insert().values(**row._mapping))


@pytest.mark.parametrize("path", ["found", "refused zoekwaarde"])
def test_a_database_failing_at_the_look_is_x001_and_nothing_delivered(setup, service, path, monkeypatch):
    engine, _ = setup
    parameters, adresvraag, _ = PATHS[path]
    state(engine, "balie", 2, None)  # so that the look cannot be settled by the search

    def down(*args):
        raise OperationalError("SELECT", {}, Exception("the database went away"))
    Spy(monkeypatch, "still_good", instead=down)
    assert ask(service, *parameters, adresvraag=adresvraag) == "X001"
    record = last_record(engine)
    assert (record.resultaat, record.a_nummers) == ("X001", "")


@pytest.fixture
def threaded_service(setup):
    """A service of its own for many threads (a pool as large), remembering the login;
    the connections its threads kept closed after."""
    engine = database.open_engine(url_of(setup[0]), pool_size=20)
    service = AdhocService(engine, accounts=Accounts(engine, clock=Clock()))
    assert ask(service, FOUND) == "A000"
    yield service
    gc.collect()  # the connections the threads kept, returned to the pool
    engine.dispose()


def test_vraagen_in_parallel_while_the_lock_is_set(setup, threaded_service):
    """Every vraag begun after the lock was committed gets X010, on every path."""
    engine, _ = setup
    service = threaded_service
    paths = list(PATHS.values())
    stop, results, errors = threading.Event(), [], []
    locked_at = []

    def asking(n):
        i = n
        while not stop.is_set():
            parameters, adresvraag, _ = paths[i % len(paths)]
            begun = time.monotonic()
            try:
                results.append((begun, ask(service, *parameters, adresvraag=adresvraag)))
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)
            i += 1
    threads = [threading.Thread(target=asking, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    state(engine, "balie", 5, locked=True)
    locked_at.append(time.monotonic())
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    after = [code for begun, code in results if begun > locked_at[0]]
    before = [code for begun, code in results if begun < locked_at[0] - 0.05]
    assert after and set(after) == {"X010"}
    assert before and "X010" not in before


class _Lock:
    """Stands for a LockCheck: what a search reads along."""

    def __init__(self, name):
        self.name, self.key = name, adhoc_gebruiker.c.gebruikersnaam
        self.settled, self.read_values = False, None

    def read(self, failures, locked_until):
        self.read_values = (failures, locked_until)


@pytest.mark.parametrize("parameters, historie", [
    ([(10120, "999993653")], False),  # one found
    ([(10120, "999999990")], False),  # none found
    ([(10240, "Janssen")], False),  # several
    ([(10240, "Jans*")], True),  # several, in history (DISTINCT)
])
def test_a_search_finds_the_same_with_the_lock_read_along(setup, parameters, historie):
    engine, _ = setup
    state(engine, "balie", 2, None)
    search = Search.of([(rubriek(r), Zoekwaarde.parse(w)) for r, w in parameters],
                       historie=historie, limit=11)
    lock, unknown = _Lock("balie"), _Lock("niemand")
    with engine.connect() as conn:
        plain = search.run(conn)
        assert search.run(conn, lock) == plain
        assert search.run(conn, unknown) == plain
    assert lock.read_values == (2, None)
    assert unknown.read_values == (None, None)
    state(engine, "balie", 0, None)
