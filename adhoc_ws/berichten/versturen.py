"""Sending messages (``POST /berichten``): check each one, then route or deliver it.

Each message of a request is handled on its own, in order, and ends in
``verwerkteBerichten`` or ``nietVerwerkteBerichten``, both with a fresh berichtTransportId:

1. its kenmerken (berichtId ≤ 12, berichtType known, ontvanger a number ≤ 7 digits,
   verwijzingBerichtId ≤ 12 or null) and its berichtInhoud (an object of at most 64 KiB, valid
   for the JSON schema of its berichtType, with the same berichtType) — else BBA-PUT-F002 with
   every failing field;
2. sent to the routeringsvoorziening (``serve --routering-mailbox``): an Og21 or Og11 is
   routed (:mod:`.routering`) and delivered unchanged to the mailbox found, or its Of21/Of11
   goes back to the sender; any other type there is BBA-PUT-F003;
3. sent to any other mailbox: delivered there; an unknown or switched-off mailbox is
   BBA-PUT-F003.

Delivering keeps the sender as ``afzender``, the berichtId and verwijzingBerichtId, and the
transport id. A mailbox whose party is not on the Berichten API (``berichten_api`` false) gets
an Og21 as the Vb01 free-text message (:mod:`.vb01`) instead; one the Teletex repertoire
cannot carry is BBA-PUT-F003. An Of21/Of11 comes from the routeringsvoorziening, its berichtId
its own volgnummer, its verwijzingBerichtId the berichtId of the message it answers.

Everything a message causes (the delivery or the error message, the routing decision) is one
transaction, committed before the answer is given. The ``ontvanger`` reported for a message is
where it ended: the mailbox it was delivered to, or the routeringsvoorziening when an error
message went back instead.
"""
from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from ..logsafe import log_failure
from ..mailboxen import MAX_NUMBER, Mailbox, Mailboxen
from . import contract, routering, store, vb01
from .problems import foutmelding

log = logging.getLogger(__name__)

MAX_BERICHTEN = 25
MAX_INHOUD = 64 * 1024  # bytes of one berichtInhoud as JSON: RvIG's limit for one message
MAX_ID = 12
ROUTERING_MAILBOX = 3000210  # the routeringsvoorziening's own number is not public: ours


class NotSent(Exception):
    """The message could not be delivered (BBA-PUT-F003), and why."""


@dataclass(frozen=True)
class Bericht:
    """A message that passed its checks."""

    bericht_id: str
    verwijzing: str | None
    bericht_type: str
    ontvanger: int
    inhoud: dict


class Postkamer:
    """Sends the messages of one request for one sender."""

    def __init__(self, engine: Engine, mailboxen: Mailboxen, routering_mailbox: int = ROUTERING_MAILBOX):
        self.engine, self.mailboxen, self.routering_mailbox = engine, mailboxen, routering_mailbox

    def versturen(self, afzender: Mailbox, berichten: list) -> dict:
        """The ``put-message-antwoord`` (without interactieId) for these messages."""
        verwerkt, niet_verwerkt = [], []
        for i, raw in enumerate(berichten):
            transport_id = store.new_transport_id()
            entry = _echo(raw) | {"berichtTransportId": transport_id}
            bericht, invalid = check(raw)
            if invalid:
                niet_verwerkt.append(entry | {"foutmeldingen": [foutmelding("BBA-PUT-F002", invalid=invalid)]})
                continue
            try:
                entry["ontvanger"] = self._send(afzender, bericht, transport_id)
                verwerkt.append(entry)
            except NotSent as e:
                niet_verwerkt.append(entry | {"foutmeldingen": [foutmelding("BBA-PUT-F003", detail=str(e))]})
            except Exception:  # never a value of the message in the log
                log_failure(log, f"message {i} of a request not sent")
                niet_verwerkt.append(entry | {"foutmeldingen": [foutmelding(
                    "BBA-PUT-F003", detail="Het bericht kon door een technische fout niet verzonden worden")]})
        return {"verwerkteBerichten": verwerkt, "nietVerwerkteBerichten": niet_verwerkt}

    def _send(self, afzender: Mailbox, bericht: Bericht, transport_id: str) -> int:
        moment = store.now()
        if bericht.ontvanger == self.routering_mailbox:
            return self._route(afzender, bericht, transport_id, moment)
        ontvanger = self._mailbox(bericht.ontvanger)
        with self.engine.begin() as conn:
            _deliver(conn, ontvanger, afzender.nummer, bericht, transport_id, moment)
        return ontvanger.nummer

    def _mailbox(self, nummer: int) -> Mailbox:
        mailbox = self.mailboxen.get(nummer)
        if mailbox is None or not mailbox.actief:
            raise NotSent(f"Mailbox {nummer} bestaat niet of is niet in gebruik")
        return mailbox

    def _route(self, afzender: Mailbox, bericht: Bericht, transport_id: str, moment) -> int:
        if bericht.bericht_type not in routering.ROUTED:
            raise NotSent(f"De routeringsvoorziening routeert alleen "
                          f"{' en '.join(routering.ROUTED)}, geen {bericht.bericht_type}")
        with self.engine.connect() as conn:
            besluit = routering.beslis(conn, bericht.bericht_type, bericht.inhoud)
        decision = dict(transport_id=transport_id, afzender=afzender.nummer, bericht_id=bericht.bericht_id,
                        bericht_type=bericht.bericht_type, sleutel=besluit.sleutel, waarde=besluit.waarde,
                        a_nummers=" ".join(besluit.a_nummers), regel=besluit.regel)
        if besluit.fout is not None:
            with self.engine.begin() as conn:
                fout_id = store.new_transport_id()
                volgnummer = store.deliver(
                    conn, transport_id=fout_id, ontvanger=afzender.nummer, afzender=self.routering_mailbox,
                    bericht_id="", verwijzing=bericht.bericht_id, bericht_type=besluit.fout["berichtType"],
                    inhoud=besluit.fout, ontvangen=moment)
                store.set_bericht_id(conn, volgnummer, str(volgnummer))
                store.record_decision(conn, **decision, ontvanger=afzender.nummer,
                                      geleverd=besluit.fout["berichtType"], geleverd_transport_id=fout_id)
            return self.routering_mailbox
        try:
            ontvanger = self._mailbox(besluit.ontvanger)
        except NotSent:
            with self.engine.begin() as conn:
                store.record_decision(conn, **decision, ontvanger=besluit.ontvanger)
            raise
        with self.engine.begin() as conn:
            geleverd = _deliver(conn, ontvanger, afzender.nummer, bericht, transport_id, moment)
            store.record_decision(conn, **decision, ontvanger=ontvanger.nummer, geleverd=geleverd,
                                  geleverd_transport_id=transport_id)
        return ontvanger.nummer


def _deliver(conn, ontvanger: Mailbox, afzender: int, bericht: Bericht, transport_id: str, moment) -> str:
    """Put the message in ``ontvanger``'s mailbox (an Og21 as Vb01 for a party not on the
    API); the berichtType delivered."""
    bericht_type, inhoud = bericht.bericht_type, bericht.inhoud
    if bericht_type == "Og21" and not ontvanger.berichten_api:
        bericht_type, inhoud = "Vb01", {"berichtType": "Vb01", "vrijeTekst": vb01.text(inhoud)}
        try:
            vb01.lo3(inhoud["vrijeTekst"])
        except UnicodeEncodeError:
            raise NotSent(f"Mailbox {ontvanger.nummer} ontvangt vrije berichten in Teletex; dit bericht "
                          f"bevat tekens die Teletex niet kent") from None
    store.deliver(conn, transport_id=transport_id, ontvanger=ontvanger.nummer, afzender=afzender,
                  bericht_id=bericht.bericht_id, verwijzing=bericht.verwijzing, bericht_type=bericht_type,
                  inhoud=inhoud, ontvangen=moment)
    return bericht_type


# -- checking one message --------------------------------------------------------------------

def _echo(raw) -> dict:
    """berichtId and ontvanger as the sender gave them, for the answer (a berichtId longer than
    the document allows is cut to its 12 characters, so that the answer keeps to it)."""
    kenmerken = raw.get("berichtKenmerken") if isinstance(raw, dict) else None
    kenmerken = kenmerken if isinstance(kenmerken, dict) else {}
    bericht_id = kenmerken.get("berichtId")
    result = {"berichtId": (bericht_id if isinstance(bericht_id, str) else
                            "" if bericht_id is None else json.dumps(bericht_id))[:MAX_ID]}
    ontvanger = kenmerken.get("ontvanger")
    if isinstance(ontvanger, int) and not isinstance(ontvanger, bool):
        result["ontvanger"] = ontvanger
    return result


def check(raw) -> tuple[Bericht | None, list[dict]]:
    """The message, or its failing fields as invalidParameters."""
    if not isinstance(raw, dict):
        return None, [{"key": "bericht", "value": "Het bericht moet een object zijn"}]
    kenmerken, inhoud = raw.get("berichtKenmerken"), raw.get("berichtInhoud")
    if not isinstance(kenmerken, dict):
        invalid = [{"key": "berichtKenmerken", "value": "Het veld is verplicht en moet een object zijn"}]
        return None, invalid + _inhoud(inhoud, None)
    invalid = _id(kenmerken, "berichtId", required=True) + _id(kenmerken, "verwijzingBerichtId")
    bericht_type = _type(kenmerken, invalid)
    ontvanger = kenmerken.get("ontvanger")
    if not (isinstance(ontvanger, int) and not isinstance(ontvanger, bool) and 0 <= ontvanger <= MAX_NUMBER):
        invalid.append({"key": "ontvanger",
                        "value": "Het veld ontvanger is verplicht: een mailboxnummer van hoogstens 7 cijfers"})
    invalid += _inhoud(inhoud, bericht_type)
    if invalid:
        return None, invalid
    return Bericht(kenmerken["berichtId"], kenmerken.get("verwijzingBerichtId"), bericht_type, ontvanger,
                   inhoud), []


def _inhoud(inhoud, bericht_type: str | None) -> list[dict]:
    if not isinstance(inhoud, dict):
        return [{"key": "berichtInhoud", "value": "Het veld is verplicht en moet een object zijn"}]
    if len(json.dumps(inhoud, ensure_ascii=False).encode()) > MAX_INHOUD:
        return [{"key": "berichtInhoud", "value": f"Een bericht mag hoogstens {MAX_INHOUD} bytes zijn"}]
    if bericht_type is None:
        return []
    invalid = contract.check(bericht_type, inhoud)
    eigen = inhoud.get("berichtType")
    if isinstance(eigen, str) and eigen.lower() != bericht_type.lower():
        invalid.append({"key": "berichtInhoud.berichtType",
                        "value": f"Het berichttype wijkt af van berichtKenmerken.berichtType ({bericht_type})"})
    return invalid


def _id(kenmerken: dict, name: str, *, required: bool = False) -> list[dict]:
    value = kenmerken.get(name)
    if value is None:
        return [{"key": name, "value": f"Het veld {name} is verplicht"}] if required else []
    if not isinstance(value, str):
        return [{"key": name, "value": f"Het veld {name} moet een tekst zijn"}]
    if len(value) > MAX_ID:
        return [{"key": name, "value": f"Het veld {name} mag niet langer zijn dan {MAX_ID} karakters"}]
    return []


def _type(kenmerken: dict, invalid: list[dict]) -> str | None:
    """The berichtType, in the schema's spelling (any case is accepted), or None."""
    value = kenmerken.get("berichtType")
    if not isinstance(value, str):
        invalid.append({"key": "berichtType", "value": "Het veld berichtType is verplicht"})
        return None
    known = contract.bericht_types().get(value.lower())
    if known is None:
        invalid.append({"key": "berichtType", "value": f"Onbekend berichttype {value[:4]!r}"})
    return known


def interactie_id() -> str:
    return str(uuid.uuid4())
