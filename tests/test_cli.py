"""The adhoc-ws command, as a person at a terminal uses it, on both backends."""
import json
import os
import subprocess
import sys

import pytest
import requests
import zeep
import zeep.transports
from click.testing import CliRunner

from adhoc_ws.cli import main
from adhoc_ws.storage import database

from conftest import ENDPOINT, FIXTURES, ROOT, free_port, url_of, wait_until_answering
from samples import persoon, wrap


def run(*args, **kwargs):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)
    return result.exit_code, result.output


def test_load_and_vraag(engine, tmp_path):
    db = url_of(engine)
    path = tmp_path / "een.json"
    path.write_text(json.dumps(wrap(persoon()), ensure_ascii=False), encoding="utf-8")
    code, output = run("--db", db, "load", path)
    assert code == 0 and "loaded 1 persoonslijsten from 1 file(s)\n" in output
    code, output = run("--db", db, "vraag", "--bsn", "999993653", "--masker", "10120,10240,510240")
    assert code == 0
    assert output.splitlines()[0].startswith("A000 Aantal: 1. (referentie ")
    assert "    01.02.40 Geslachtsnaam: Müller" in output
    assert "    51.02.40 Geslachtsnaam: Janssen" in output
    assert run("--db", db, "vraag", "--bsn", "999999999")[1].startswith("G033 Geen gegevens gevonden.")


def test_a_question_the_service_refuses_exits_non_zero(engine):
    code, output = run("--db", url_of(engine), "vraag", "-p", "10210=Jan")
    assert code == 1 and output.startswith("X019 Geen correcte persoonsidentificatie.")


def test_a_bad_file_loads_nothing_and_says_why(engine, tmp_path):
    bad = persoon()
    bad["08"][0][0]["1160"] = "1234 AB"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(wrap(persoon(anr="2234567890", bsn="999990044"), bad)))
    code, output = run("--db", url_of(engine), "load", path)
    assert code == 1
    assert "nothing loaded" in output and "Postcode '1234 AB' must be 6 characters long" in output
    assert run("--db", url_of(engine), "vraag", "--bsn", "999990044")[1].startswith("G033")


def test_the_database_comes_from_the_environment(engine):
    code, output = run("init", env={"ADHOC_WS_DB": url_of(engine)})
    assert code == 0 and "initialised" in output


def test_wsdl_prints_the_checked_in_file():
    assert run("wsdl")[1].encode() == (ROOT / "wsdl" / "adhoc-ws.wsdl").read_bytes()


def test_serve_demo_answers_a_legacy_client(tmp_path):
    port = free_port()
    env = {**os.environ, "ADHOC_WS_DB": f"sqlite:///{tmp_path / 'demo.sqlite'}"}
    server = subprocess.Popen([sys.executable, "-m", "adhoc_ws.cli", "serve", "--demo",
                               "--port", str(port)], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}{ENDPOINT}"
        wait_until_answering(f"http://127.0.0.1:{port}/health", server)
        for auth, expected in ((("demo", "Demo-Wachtwoord-2026"), "Aantal: 1."),
                               (("demo", "fout"), "Ongeldige combinatie gebruikersnaam/wachtwoord.")):
            session = requests.Session()
            session.auth = auth
            client = zeep.Client(str(ROOT / "wsdl" / "LrdPlus1_1.wsdl"),
                                 transport=zeep.transports.Transport(session=session))
            service = client.create_service(
                "{http://www.bprbzk.nl/GBA/LRDPlus/version1.1}LrdPlusSoapBinding", url)
            answer = service.vraag(client.get_type("{http://www.bprbzk.nl/GBA/LRDPlus/version1.1}Vraag")(
                masker={"item": [10210]}, parameters={"item": [{"rubrieknummer": 10120,
                                                                  "zoekwaarde": "999993653"}]}))
            assert answer.resultaat.omschrijving == expected
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode()
    assert f"loaded {sum(len(json.loads(p.read_text())['persoonslijsten']) for p in FIXTURES.glob('*.json'))}" \
        in output


def test_afnemers_and_protocol(engine, tmp_path):
    db = url_of(engine)
    code, output = run("--db", db, "afnemers", FIXTURES / "afnemers" / "demo-afnemers.json")
    assert code == 0 and "loaded 5 afnemer(s)" in output
    run("--db", db, "load", FIXTURES / "demo-janssen.json")
    code, output = run("--db", db, "vraag", "--afnemer", "999003", "--bsn", "999993653",
                       "--masker", "10120,10330")
    assert code == 1 and output.startswith("X017 Geen autorisatie voor rubriek: 010330.")
    code, output = run("--db", db, "protocol", "--afnemer", "999003")
    assert code == 0 and " 999003 - vraag X017 " in output
    bad = tmp_path / "bad.json"
    bad.write_text('{"afnemers": [{"afnemersindicatie": "1"}]}')
    code, output = run("--db", db, "afnemers", bad)
    assert code == 1 and "nothing loaded" in output and "naam" in output


def test_generate_adds_a_searchable_population_to_loaded_data(engine):
    from sqlalchemy import text
    db = url_of(engine)
    assert run("--db", db, "load", FIXTURES / "demo-janssen.json")[0] == 0
    code, output = run("--db", db, "generate", "--count", 200, "--seed", 3)
    assert code == 0 and "generated 200 persoonslijsten in " in output
    with engine.connect() as conn:
        bsn = conn.execute(text("SELECT burger_service_nr FROM lo3_pl_persoon WHERE persoon_type = 'P' "
                                "AND volg_nr = 0 ORDER BY pl_id DESC LIMIT 1")).scalar()
    code, output = run("--db", db, "vraag", "--bsn", f"{bsn:09d}", "--masker", "10120,10240")
    assert code == 0 and output.startswith("A000 Aantal: 1.")


# A user's mistake: one line, a non-zero exit, no traceback, no database file left behind.

UNREACHABLE = "postgresql://nobody:geheim@127.0.0.1:1/none"
EVERY_COMMAND = [("init",), ("load", FIXTURES / "demo-janssen.json"),
                 ("import-gbav", FIXTURES / "gbav" / "lo3_pl_data.sql.gz"),
                 ("afnemers", FIXTURES / "afnemers" / "demo-afnemers.json"), ("generate", "--count", "1"),
                 ("protocol",), ("vraag", "--bsn", "999993653"), ("route", "--bsn", "999993653"),
                 ("routeringen",), ("berichten", "--mailbox", "0599010"), ("serve", "--port", "0")]
READING = [c for c in EVERY_COMMAND if c[0] in ("protocol", "vraag", "route", "routeringen", "berichten")]


def error_line(output: str) -> str:
    assert "Traceback" not in output
    (line,) = [line for line in output.splitlines() if line.startswith("Error: ")]
    return line


@pytest.mark.parametrize("command", READING, ids=lambda c: c[0])
def test_reading_a_database_file_that_is_not_there_says_so_and_makes_none(tmp_path, command):
    path = tmp_path / "nieuw.sqlite"
    code, output = run("--db", f"sqlite:///{path}", *command)
    assert code == 1
    assert error_line(output) == f"Error: no adhoc-ws tables in sqlite:///{path}: run adhoc-ws init or load first"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", READING, ids=lambda c: c[0])
def test_reading_a_database_without_tables_says_so(engine, command):
    database.metadata.drop_all(engine)
    code, output = run("--db", url_of(engine), *command)
    assert code == 1 and error_line(output).startswith("Error: no adhoc-ws tables in ")
    assert error_line(output).endswith(": run adhoc-ws init or load first")


def test_a_database_that_lacks_some_tables_names_them(engine):
    database.metadata.tables["adhoc_protocol"].drop(engine)
    code, output = run("--db", url_of(engine), "vraag", "--bsn", "1")
    assert code == 1 and error_line(output).endswith(" lacks the adhoc-ws tables adhoc_protocol: run adhoc-ws init")


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=lambda c: c[0])
def test_an_unreachable_postgresql_is_one_line_without_the_password(command):
    code, output = run("--db", UNREACHABLE, *command)
    assert code == 1
    line = error_line(output)
    assert line.startswith("Error: cannot use the database postgresql://nobody:***@127.0.0.1:1/none: ")
    assert "geheim" not in output


@pytest.mark.parametrize("url", ["foo", "mysql://u@h/db", "postgres://u:geheim@h/db"])
@pytest.mark.parametrize("command", EVERY_COMMAND, ids=lambda c: c[0])
def test_a_url_adhoc_ws_does_not_use_is_one_line(url, command):
    code, output = run("--db", url, *command)
    assert code == 1
    assert error_line(output).endswith(" is not a database URL adhoc-ws uses: give sqlite:///FILE or "
                                       "postgresql://user@host/name")
    assert "geheim" not in output


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=lambda c: c[0])
def test_a_sqlite_file_that_cannot_be_made_is_one_line(tmp_path, command):
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite'}"
    code, output = run("--db", url, *command)
    assert code == 1 and error_line(output).startswith(f"Error: ")
    assert url in error_line(output)


@pytest.mark.parametrize("command, content", [
    ("load", '{"persoonslijsten": [{"01": 1}]}'), ("load", '{"x":'),
    ("afnemers", '{"afnemers": [{"afnemersindicatie": "1"}]}'),
    ("import-gbav", "COPY lo3_pl FROM stdin;")])
def test_a_bad_file_leaves_no_database_file_behind(tmp_path, command, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    db = tmp_path / "nieuw.sqlite"
    code, output = run("--db", f"sqlite:///{db}", command, bad)
    assert code == 1 and error_line(output).startswith("Error: nothing ")
    assert not db.exists()


def test_a_folder_without_json_files_loads_nothing(tmp_path):
    (tmp_path / "leeg").mkdir()
    code, output = run("--db", f"sqlite:///{tmp_path / 'x.sqlite'}", "load", tmp_path / "leeg")
    assert code == 1 and error_line(output) == f"Error: nothing loaded: no .json files in {tmp_path / 'leeg'}"
    assert not (tmp_path / "x.sqlite").exists()


@pytest.mark.parametrize("args, option", [
    (("vraag", "-p", "abc=1"), "--param"), (("vraag", "--masker", "10120,x", "--bsn", "1"), "--masker"),
    (("vraag", "--afnemer", "abc", "--bsn", "1"), "--afnemer"), (("protocol", "--limit", "-1"), "--limit"),
    (("routeringen", "--limit", "0"), "--limit"), (("berichten", "--mailbox", "1", "--limit", "0"), "--limit"),
    (("generate", "--count", "-1"), "--count")])
def test_a_bad_option_value_is_a_usage_error(engine, args, option):
    code, output = run("--db", url_of(engine), *args)
    assert code == 2 and option in error_line(output)
