"""The Berichten API's part of the command line and of the autorisatie file, on both backends:
mailboxes from ``adhoc-ws afnemers`` (all or nothing), ``route``, ``routeringen``, ``berichten``."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from adhoc_ws.accounts import AfnemersFileError, load_afnemers, read_autorisatie_file
from adhoc_ws.berichten import vb01
from adhoc_ws.berichten.versturen import Postkamer
from adhoc_ws.mailboxen import Mailbox, Mailboxen
from adhoc_ws.storage.schema import berichten_mailbox

from berichten_data import (MAILBOXEN, PASSWORD, RAAD, ROUTER, add_mailboxen, bericht, load_pls, og21, pl)
from conftest import FIXTURES, url_of
from test_cli import run

BSN, ANR = "999990019", "1234567890"


def write(tmp_path, mailboxen, afnemers=()):
    path = tmp_path / "autorisatie.json"
    path.write_text(json.dumps({"afnemers": list(afnemers), "mailboxen": mailboxen}), encoding="utf-8")
    return path


def test_mailboxes_come_from_the_autorisatie_file_hashed(engine, tmp_path):
    code, output = run("--db", url_of(engine), "afnemers", write(tmp_path, MAILBOXEN[:2]))
    assert code == 0 and "loaded 0 afnemer(s) and 2 mailbox(es)" in output
    with engine.connect() as conn:
        rows = conn.execute(select(berichten_mailbox)).all()
    assert [(r.mailbox, r.berichten_api, r.actief) for r in rows] == [(9999010, 1, 1), (9999020, 1, 1)]
    assert all(r.wachtwoord_hash.startswith("$argon2id$") and PASSWORD not in r.wachtwoord_hash for r in rows)
    assert Mailboxen(engine).login("9999010", PASSWORD).nummer == RAAD


def test_a_mailbox_in_the_file_again_replaces_it(engine, tmp_path):
    load_afnemers(engine, write(tmp_path, MAILBOXEN[:1]))
    changed = dict(MAILBOXEN[0], naam="Raad (nieuw)", wachtwoord="Ander-Wachtwoord-77", berichten_api=False)
    load_afnemers(engine, write(tmp_path, [changed, MAILBOXEN[1]]))
    mailbox = Mailboxen(engine).login("9999010", "Ander-Wachtwoord-77")
    assert mailbox == Mailbox(RAAD, "Raad (nieuw)", False, True)


@pytest.mark.parametrize("change, message", [
    (lambda m: m.update(mailbox="12345678"), "mailboxen[1].mailbox: expected a mailbox number of up to 7 digits"),
    (lambda m: m.update(mailbox=193010), "mailboxen[1].mailbox"),
    (lambda m: m.update(mailbox="9999010"), "mailbox 9999010 appears twice"),
    (lambda m: m.update(wachtwoord="kort"), "mailboxen[1].wachtwoord"),
    (lambda m: m.update(berichten_api="ja"), "mailboxen[1].berichten_api: expected true or false"),
    (lambda m: m.update(extra=1), "unknown key 'extra'"),
    (lambda m: m.pop("naam"), "mailboxen[1].naam"),
])
def test_a_bad_mailbox_refuses_the_whole_file(engine, tmp_path, change, message):
    bad = dict(MAILBOXEN[1])
    change(bad)
    path = write(tmp_path, [MAILBOXEN[0], bad])
    with pytest.raises(AfnemersFileError, match=re.escape(message)):
        load_afnemers(engine, path)
    with engine.connect() as conn:
        assert conn.execute(select(berichten_mailbox)).all() == []
    if "wachtwoord" in message:
        with pytest.raises(AfnemersFileError) as e:
            read_autorisatie_file(path)
        assert "kort" not in str(e.value)  # the rule, never the password


def test_the_demo_file_has_mailboxes_for_the_raad_gemeenten_and_the_rni():
    _, mailboxen = read_autorisatie_file(FIXTURES / "afnemers" / "demo-afnemers.json")
    numbers = {m["mailbox"]: m for m in mailboxen}
    assert {"9999010", "1999010", "0014010", "0193010", "0599010"} <= set(numbers)
    assert "rechtspraak" in numbers["9999010"]["naam"].lower()
    assert numbers["0599010"]["berichten_api"] is False


def test_route_shows_the_decision_without_sending(engine):
    add_mailboxen(engine)
    load_pls(engine, pl(ANR, BSN, "0599"))
    code, output = run("--db", url_of(engine), "route", "--bsn", BSN)
    assert code == 0
    assert output.splitlines() == [f"Og21 burgerservicenummer {BSN}: regel ingezetene; persoonslijsten (A-nummer) {ANR}",
                                   "to mailbox 0599010 (Gemeente Rotterdam, as Vb01)"]
    code, output = run("--db", url_of(engine), "route", "--bsn", "999990020")
    assert "regel niet-gevonden" in output and '"foutreden": "G"' in output
    assert "regel ingezetene" in run("--db", url_of(engine), "route", "--anummer", ANR)[1]
    assert run("--db", url_of(engine), "routeringen")[1] == ""  # nothing was sent
    assert run("--db", url_of(engine), "route")[0] == 2


def test_routeringen_and_berichten_list_what_happened(engine, tmp_path):
    add_mailboxen(engine)
    load_pls(engine, pl(ANR, BSN, "0599"))
    Postkamer(engine, Mailboxen(engine), ROUTER).versturen(Mailbox(RAAD, "Raad", True), [bericht(og21(BSN))])
    code, output = run("--db", url_of(engine), "routeringen", "--bsn", BSN)
    (line,) = output.splitlines()
    assert f"Og21 from 9999010 berichtId 4711 burgerservicenummer {BSN} a-nummers={ANR} regel=ingezetene " \
           f"-> 0599010 Vb01" in line
    assert run("--db", url_of(engine), "routeringen", "--bsn", "999990020")[1] == ""

    code, output = run("--db", url_of(engine), "berichten", "--mailbox", "0599010", "--inhoud", "--lo3", tmp_path / "lo3")
    assert code == 0
    first, *text = output.splitlines()
    assert " Vb01 from 9999010 berichtId 4711 nieuw " in first
    assert "\n".join(text) == vb01.text(og21(BSN))
    (gba,) = (tmp_path / "lo3").iterdir()
    assert gba.read_bytes() == vb01.lo3(vb01.text(og21(BSN))) and gba.name == first.split()[-1] + ".GBA"
    assert run("--db", url_of(engine), "berichten", "--mailbox", "0193010")[1] == ""
    assert run("--db", url_of(engine), "berichten", "--mailbox", "zwolle")[0] == 2
