"""Mailboxes, persoonslijsten and messages for the Berichten API tests."""
from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import insert

from adhoc_ws.accounts import load_afnemers
from adhoc_ws.storage import loader
from adhoc_ws.storage.schema import berichten_mailbox

HERE = Path(__file__).parent / "berichten"
RAAD, IND, ZWOLLE, GRONINGEN, ROTTERDAM, RNI = 9999010, 9999020, 193010, 14010, 599010, 1999010
ROUTER = 3000210
PASSWORD = "Geheim-Mailbox-42"
MAILBOXEN = [
    {"mailbox": "9999010", "naam": "Raad voor de rechtspraak", "wachtwoord": PASSWORD},
    {"mailbox": "9999020", "naam": "IND", "wachtwoord": PASSWORD},
    {"mailbox": "0193010", "naam": "Gemeente Zwolle", "wachtwoord": PASSWORD},
    {"mailbox": "0014010", "naam": "Gemeente Groningen", "wachtwoord": PASSWORD},
    {"mailbox": "0599010", "naam": "Gemeente Rotterdam", "wachtwoord": PASSWORD, "berichten_api": False},
    {"mailbox": "1999010", "naam": "RNI", "wachtwoord": PASSWORD},
    {"mailbox": "0344010", "naam": "Gemeente Utrecht (uit)", "wachtwoord": PASSWORD, "actief": False},
]


def example(name: str) -> dict:
    return json.loads((HERE / name).read_text(encoding="utf-8"))


def load_mailboxen(engine, tmp_path, mailboxen=MAILBOXEN) -> None:
    """As ``adhoc-ws afnemers`` loads them."""
    path = tmp_path / "mailboxen.json"
    path.write_text(json.dumps({"afnemers": [], "mailboxen": mailboxen}), encoding="utf-8")
    load_afnemers(engine, path)


@cache
def _hash() -> str:
    return PasswordHasher().hash(PASSWORD)


def add_mailboxen(engine, mailboxen=MAILBOXEN) -> None:
    """The mailboxes, their one password hashed once per test run (argon2 takes its time)."""
    with engine.begin() as conn:
        conn.execute(insert(berichten_mailbox), [
            {"mailbox": int(m["mailbox"]), "naam": m["naam"], "wachtwoord_hash": _hash(),
             "berichten_api": int(m.get("berichten_api", True)), "actief": int(m.get("actief", True))}
            for m in mailboxen])


def pl(a_nummer: str, bsn: str, gemeente: str = "0193", *, reden: str | None = None,
       datum: str = "20240101") -> dict:
    """A minor's persoonslijst: registered in ``gemeente``, opgeschort with ``reden`` if given."""
    inschrijving = {"6810": "20150101", "6910": gemeente, "8010": "0001", "8020": "20240101120000000"}
    if reden:
        inschrijving |= {"6710": datum, "6720": reden}
    return {"01": [[{"0110": a_nummer, "0120": bsn, "0210": "Kim", "0240": "Testkind", "0310": "20150101",
                     "0320": "0193", "0330": "6030", "0410": "V", "8510": "20150101", "8610": "20150102"}]],
            "07": [[inschrijving]],
            "08": [[{"0910": gemeente, "0920": "20150101", "1010": "W", "1030": "20150101",
                     "8510": "20150101", "8610": "20150102"}]]}


def load_pls(engine, *pls) -> None:
    loader.load_checked(engine, [("test", loader.validate({"persoonslijsten": list(pls)}))])


def og21(bsn: str, *, rvig: bool = False) -> dict:
    """RvIG's example Og21 for this BSN; ``vorigeRechtsfeit`` as the schema has it (a list of
    ids), or as the example writes it (one id) when ``rvig``."""
    message = example("Og21.json")
    message["burgerservicenummer"] = bsn
    if not rvig:
        for rechtsfeit in message["nieuweRechtsfeiten"] + message["eerdereRechtsfeiten"]:
            if "vorigeRechtsfeit" in rechtsfeit:
                rechtsfeit["vorigeRechtsfeit"] = [rechtsfeit["vorigeRechtsfeit"]]
    return message


def og11(a_nummer: str) -> dict:
    message = example("Og11.json")
    message["aNummer"] = a_nummer
    return message


def bericht(inhoud: dict, ontvanger: int = ROUTER, bericht_id: str = "4711", **kenmerken) -> dict:
    return {"berichtKenmerken": {"berichtId": bericht_id, "berichtType": inhoud["berichtType"],
                                 "ontvanger": ontvanger, **kenmerken},
            "berichtInhoud": copy.deepcopy(inhoud)}
