"""The adhoc-ws command, as a person at a terminal uses it, on both backends."""
import json
import os
import subprocess
import sys

import requests
import zeep
import zeep.transports
from click.testing import CliRunner

from adhoc_ws.cli import main

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
                               (None, "Ongeldige combinatie gebruikersnaam/wachtwoord.")):
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
