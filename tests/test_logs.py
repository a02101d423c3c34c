"""Nothing personal in any log line, whatever fails (issue 15, item 11)."""
import logging
import re
import sqlite3
from pathlib import Path

import pytest

from adhoc_ws import logsafe

PACKAGE = Path(__file__).resolve().parent.parent / "adhoc_ws"


def test_no_module_logs_an_exception_but_through_logsafe():
    """log.exception and exc_info=True would write the exception's message, which may hold data."""
    offenders = [f"{path.relative_to(PACKAGE)}:{n}"
                 for path in PACKAGE.rglob("*.py") if path.name != "logsafe.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\.exception\(|exc_info\s*=\s*(True|e\b)|stack_info\s*=\s*True", line)]
    assert offenders == []


def raise_in_a_function(error):
    raise error


def test_a_failure_is_logged_by_type_and_place_not_by_its_message(caplog):
    log = logging.getLogger("adhoc_ws.test")
    try:
        try:
            int("Janssen")
        except ValueError as e:
            raise RuntimeError("bsn 999994049") from e
    except RuntimeError:
        with caplog.at_level(logging.ERROR, logger="adhoc_ws.test"):
            logsafe.log_failure(log, "vraag failed")
    (line,) = caplog.messages
    assert line.startswith("vraag failed: RuntimeError at test_logs.py:")
    assert "caused by ValueError at test_logs.py:" in line
    assert "Janssen" not in line and "999994049" not in line


def test_an_unavailable_database_is_named_by_its_condition():
    try:
        raise_in_a_function(sqlite3.OperationalError("database is locked"))
    except sqlite3.OperationalError as e:
        text = logsafe.describe(e)
    assert text.startswith("OperationalError [database is locked] at test_logs.py:")
    assert "in raise_in_a_function" in text
    try:
        raise_in_a_function(sqlite3.IntegrityError("UNIQUE constraint failed: Janssen"))
    except sqlite3.IntegrityError as e:
        assert "Janssen" not in logsafe.describe(e)


# -- making the database fail, and reading every log line -----------------------------------

USER, PASSWORD = "Gebruiker-Qx7", "Wachtwoord-Zk9-Geheim"
BSN, NAAM, GEBOORTEDATUM, OBJECT = "999993653", "Janssen", "19430203", "0014013422243045"
SECRETS = [BSN, NAAM, GEBOORTEDATUM, OBJECT, USER, PASSWORD, "Jan Hein"]
VRAGEN = [[(10120, BSN)], [(10240, NAAM), (10310, GEBOORTEDATUM)]]


def vraag_envelope(parameters) -> bytes:
    lrd = "http://www.bprbzk.nl/GBA/LRDPlus/version1.1"
    items = "".join(f"<v:item><v:rubrieknummer>{r}</v:rubrieknummer><v:zoekwaarde>{w}</v:zoekwaarde></v:item>"
                    for r, w in parameters)
    return (f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v="{lrd}"><s:Body>'
            f"<v:vraag><v:in0><v:masker><v:item>10120</v:item><v:item>10210</v:item></v:masker>"
            f"<v:parameters>{items}</v:parameters></v:in0></v:vraag></s:Body></s:Envelope>").encode()


def ask_everything(app) -> list:
    """A vraag per way of searching, a wrong password, a bewoning question: their results."""
    from wsgi_client import basic, call

    auth = {"Authorization": basic(USER, PASSWORD), "Content-Type": "text/xml"}
    results = []
    for parameters in VRAGEN:
        answer = call(app, "POST", "/gba-v/online/lo3services/adhoc", vraag_envelope(parameters), headers=auth)
        results.append(re.search(rb"<code>(\d+)</code><letter>(\w)</letter>", answer.body).groups()[::-1])
    wrong = dict(auth, Authorization=basic(USER, PASSWORD + "x"))
    call(app, "POST", "/gba-v/online/lo3services/adhoc", vraag_envelope(VRAGEN[0]), headers=wrong)
    bewoning = {"type": "BewoningMetPeildatum", "adresseerbaarObjectIdentificatie": OBJECT,
                "peildatum": "2024-01-01"}
    results.append(call(app, body=bewoning, headers={"Authorization": basic(USER, PASSWORD)}).status)
    return results


BREAKS = {  # how the database is made to fail, and where: (SQLite, PostgreSQL)
    "search": ("ALTER TABLE lo3_pl_persoon RENAME TO kapot",) * 2,
    "protocol": ("DROP TABLE adhoc_protocol",
                 # PostgreSQL's own message quotes the row: parameters, A-nummers, user name
                 "CREATE FUNCTION kapot() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
                 "'refused: %%', row_to_json(NEW); END $$; CREATE TRIGGER kapot BEFORE INSERT ON "
                 "adhoc_protocol FOR EACH ROW EXECUTE FUNCTION kapot()"),
    "login": ("DROP TABLE adhoc_gebruiker",
              "CREATE FUNCTION kapot() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
              "'refused: %%', row_to_json(NEW); END $$; CREATE TRIGGER kapot BEFORE UPDATE ON "
              "adhoc_gebruiker FOR EACH ROW EXECUTE FUNCTION kapot()"),
    "bewoning": ("ALTER TABLE lo3_adres RENAME TO kapot",) * 2,
}


@pytest.mark.parametrize("broken", sorted(BREAKS))
def test_no_log_line_holds_anything_personal_when_the_database_fails(engine, tmp_path, caplog,
                                                                      monkeypatch, broken):
    import json

    from adhoc_ws import accounts as accounts_module
    from adhoc_ws.accounts import Accounts, load_afnemers
    from adhoc_ws.app import build as build_app
    from adhoc_ws.service import AdhocService
    from adhoc_ws.storage import loader

    from conftest import CHEAP_ARGON2, FIXTURES

    monkeypatch.setattr(accounts_module, "PasswordHasher", CHEAP_ARGON2)
    loader.load(engine, sorted(FIXTURES.glob("*.json")))
    afnemers = json.loads((FIXTURES / "afnemers" / "demo-afnemers.json").read_text())
    afnemers["afnemers"][0]["gebruikers"][0].update(gebruikersnaam=USER, wachtwoord=PASSWORD)
    (tmp_path / "afnemers.json").write_text(json.dumps(afnemers))
    load_afnemers(engine, tmp_path / "afnemers.json")
    app = build_app(AdhocService(engine, accounts=Accounts(engine)))
    with caplog.at_level(logging.DEBUG, logger="adhoc_ws"), caplog.at_level(logging.INFO):
        assert ask_everything(app) == [(b"A", b"0"), (b"A", b"0"), 200]
        with engine.begin() as conn:
            conn.exec_driver_sql(BREAKS[broken][engine.dialect.name == "postgresql"])
        if broken == "login":
            app = build_app(AdhocService(engine, accounts=Accounts(engine)))  # nothing remembered
        failed = ask_everything(app)
    assert failed != [(b"A", b"0"), (b"A", b"0"), 200]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors, "the failure was logged"
    text = caplog.text + "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert [s for s in SECRETS if s in text] == []
