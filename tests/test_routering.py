"""The routeringsvoorziening (W214): one test per rule, on SQLite and PostgreSQL.

An Og21 (Og11) sent to the routeringsvoorziening goes where BRP-V holds the minor (person) at
that moment, or its Of21 (Of11) goes back to the sender; every decision is recorded in the
same transaction as what it delivered.
"""
from __future__ import annotations

import pytest
from sqlalchemy import text

from adhoc_ws.berichten import routering, store, vb01
from adhoc_ws.berichten.versturen import Postkamer
from adhoc_ws.mailboxen import Mailbox, Mailboxen

from berichten_data import (GRONINGEN, IND, RAAD, RNI, ROTTERDAM, ROUTER, ZWOLLE, add_mailboxen, bericht,
                            load_pls, og11, og21, pl)

BSN, ANR = "999990019", "1234567890"
RAAD_BOX = Mailbox(RAAD, "Raad voor de rechtspraak", True)


@pytest.fixture
def postkamer(engine):
    add_mailboxen(engine)
    return Postkamer(engine, Mailboxen(engine), ROUTER)


def send(postkamer, *berichten, afzender=RAAD_BOX):
    return postkamer.versturen(afzender, list(berichten))


def messages(engine, mailbox):
    with engine.connect() as conn:
        rows = store.mailbox_rows(conn, mailbox)
    return [(r, store.inhoud(r)) for r in rows]


def decisions(engine):
    with engine.connect() as conn:
        return store.decisions(conn)


def routed(postkamer, engine, inhoud):
    """Send one message to the routeringsvoorziening; (answer entry, the decision made)."""
    answer = send(postkamer, bericht(inhoud))
    assert answer["nietVerwerkteBerichten"] == []
    (entry,) = answer["verwerkteBerichten"]
    return entry, decisions(engine)[0]


def assert_of(engine, regel_fout, waarde, *, datum="00000000", soort="Of21", sleutel="burgerservicenummer"):
    """The sender got exactly this error message back, from the routeringsvoorziening."""
    ((row, inhoud),) = messages(engine, RAAD)
    assert (row.afzender, row.bericht_type, row.verwijzing_bericht_id) == (ROUTER, soort, "4711")
    assert row.bericht_id == str(row.volgnummer)
    assert inhoud == {"berichtType": soort, "foutreden": regel_fout, "datum": datum, "gemeente": "0000",
                      sleutel: waarde}


def test_an_ingezetene_goes_to_the_gemeente_of_inschrijving_unchanged(engine, postkamer):
    load_pls(engine, pl(ANR, BSN, "0193"))
    entry, decision = routed(postkamer, engine, og21(BSN, rvig=True))
    assert entry["ontvanger"] == ZWOLLE
    ((row, inhoud),) = messages(engine, ZWOLLE)
    assert inhoud == og21(BSN, rvig=True)  # as sent: vorigeRechtsfeit one id, as in RvIG's example
    assert (row.afzender, row.bericht_id, row.bericht_type, row.transport_id) == \
        (RAAD, "4711", "Og21", entry["berichtTransportId"])
    assert (decision.regel, decision.waarde, decision.a_nummers, decision.ontvanger, decision.geleverd) == \
        ("ingezetene", BSN, ANR, ZWOLLE, "Og21")
    assert messages(engine, RAAD) == []


def test_a_minor_who_just_moved_reaches_the_new_gemeente(engine, postkamer):
    load_pls(engine, pl(ANR, BSN, "0193"))
    assert routed(postkamer, engine, og21(BSN))[0]["ontvanger"] == ZWOLLE
    load_pls(engine, pl(ANR, BSN, "0014"))  # the same PL (A-nummer), now in Groningen
    entry, decision = routed(postkamer, engine, og21(BSN))
    assert (entry["ontvanger"], decision.ontvanger) == (GRONINGEN, GRONINGEN)
    assert len(messages(engine, GRONINGEN)) == 1


@pytest.mark.parametrize("reden", ["E", "M", "R"])
def test_opgeschort_for_emigratie_ministerieel_besluit_or_rni_goes_to_the_rni(engine, postkamer, reden):
    load_pls(engine, pl(ANR, BSN, "1999", reden=reden))
    entry, decision = routed(postkamer, engine, og21(BSN))
    assert (entry["ontvanger"], decision.regel) == (RNI, "rni-opschorting")
    assert messages(engine, RNI)[0][0].bericht_type == "Og21"


def test_opgeschort_e_goes_to_the_rni_whatever_the_gemeente(engine, postkamer):
    load_pls(engine, pl(ANR, BSN, "0193", reden="E"))
    assert routed(postkamer, engine, og21(BSN))[0]["ontvanger"] == RNI


def test_registered_in_gemeente_1999_goes_to_the_rni(engine, postkamer):
    load_pls(engine, pl(ANR, BSN, "1999"))
    entry, decision = routed(postkamer, engine, og21(BSN))
    assert (entry["ontvanger"], decision.regel) == (RNI, "rni-gemeente")


def test_overleden_sends_of21_o_with_the_date_back(engine, postkamer):
    load_pls(engine, pl(ANR, BSN, "0193", reden="O", datum="20251001"))
    entry, decision = routed(postkamer, engine, og21(BSN))
    assert entry["ontvanger"] == ROUTER  # the Og21 ends at the routeringsvoorziening
    assert (decision.regel, decision.ontvanger, decision.geleverd) == ("overleden", RAAD, "Of21")
    assert_of(engine, "O", BSN, datum="20251001")
    assert messages(engine, ZWOLLE) == []


def test_rvigs_of21_example_has_the_shape_of_an_overleden_answer(engine, postkamer):
    example = {"berichtType": "Of21", "foutreden": "O", "datum": "20251001", "gemeente": "0000",
               "burgerservicenummer": "123456789"}
    load_pls(engine, pl(ANR, "123456789", "0193", reden="O", datum="20251001"))
    routed(postkamer, engine, og21("123456789"))
    assert messages(engine, RAAD)[0][1] == example


def test_not_found_sends_of21_g(engine, postkamer):
    entry, decision = routed(postkamer, engine, og21(BSN))
    assert (decision.regel, decision.a_nummers, entry["ontvanger"]) == ("niet-gevonden", "", ROUTER)
    assert_of(engine, "G", BSN)


def test_two_persoonslijsten_send_of21_u(engine, postkamer):
    load_pls(engine, pl(ANR, BSN), pl("1234567891", "999990020"))
    with engine.begin() as conn:  # GBA-V can hold two PLs with one BSN; the loader refuses it
        conn.execute(text(f"UPDATE lo3_pl_persoon SET burger_service_nr = {int(BSN)} "
                          f"WHERE burger_service_nr = 999990020"))
    entry, decision = routed(postkamer, engine, og21(BSN))
    assert (decision.regel, sorted(decision.a_nummers.split())) == ("niet-uniek", [ANR, "1234567891"])
    assert_of(engine, "U", BSN)


@pytest.mark.parametrize("reden", ["W", "F"])
def test_opgeschort_w_or_f_counts_as_not_found(engine, postkamer, reden):
    load_pls(engine, pl(ANR, BSN, "0193", reden=reden))
    entry, decision = routed(postkamer, engine, og21(BSN))
    assert decision.regel == "niet-gevonden"
    assert_of(engine, "G", BSN)


@pytest.mark.parametrize("reden", ["W", "F"])
def test_beside_a_w_or_f_persoonslijst_the_actual_one_decides(engine, postkamer, reden):
    load_pls(engine, pl(ANR, BSN, "0193"), pl("1234567891", "999990020", "0014", reden=reden))
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE lo3_pl_persoon SET burger_service_nr = {int(BSN)} "
                          f"WHERE burger_service_nr = 999990020"))
    entry, decision = routed(postkamer, engine, og21(BSN))
    assert (entry["ontvanger"], decision.a_nummers) == (ZWOLLE, ANR)


def test_a_gemeente_not_on_the_api_gets_the_og21_as_vb01(engine, postkamer):
    load_pls(engine, pl(ANR, BSN, "0599"))
    entry, decision = routed(postkamer, engine, og21(BSN))
    assert (entry["ontvanger"], decision.geleverd) == (ROTTERDAM, "Vb01")
    ((row, inhoud),) = messages(engine, ROTTERDAM)
    assert (row.bericht_type, row.afzender, row.bericht_id) == ("Vb01", RAAD, "4711")
    assert inhoud == {"berichtType": "Vb01", "vrijeTekst": vb01.text(og21(BSN))}
    assert f"|{BSN}|" in inhoud["vrijeTekst"]


def test_og11_is_routed_by_a_nummer(engine, postkamer):
    load_pls(engine, pl(ANR, BSN, "0014"))
    answer = send(postkamer, bericht(og11(ANR)), afzender=Mailbox(IND, "IND", True))
    assert answer["verwerkteBerichten"][0]["ontvanger"] == GRONINGEN
    decision = decisions(engine)[0]
    assert (decision.bericht_type, decision.sleutel, decision.waarde, decision.a_nummers) == \
        ("Og11", "aNummer", ANR, ANR)
    assert messages(engine, GRONINGEN)[0][1] == og11(ANR)


def test_og11_not_found_sends_of11_g_back(engine, postkamer):
    send(postkamer, bericht(og11(ANR)))
    assert_of(engine, "G", ANR, soort="Of11", sleutel="aNummer")


def test_an_a_nummer_that_cannot_be_one_finds_nobody(engine, postkamer):
    load_pls(engine, pl(ANR, BSN))
    send(postkamer, bericht(og11("12345678*")))  # the schema lets an aNummer be any text of ≤ 10
    assert decisions(engine)[0].regel == "niet-gevonden"


def test_no_age_check(engine, postkamer):
    adult = pl(ANR, BSN, "0193")
    adult["01"][0][0]["0310"] = "19600101"
    load_pls(engine, adult)
    assert routed(postkamer, engine, og21(BSN))[0]["ontvanger"] == ZWOLLE


def test_a_gemeente_without_mailbox_is_not_delivered_and_the_decision_is_recorded(engine, postkamer):
    load_pls(engine, pl(ANR, BSN, "0344"))  # Utrecht's mailbox is switched off
    answer = send(postkamer, bericht(og21(BSN)))
    (niet,) = answer["nietVerwerkteBerichten"]
    assert niet["foutmeldingen"][0]["type"].endswith("BBA-PUT-F003")
    assert "344010" in niet["foutmeldingen"][0]["detail"]
    decision = decisions(engine)[0]
    assert (decision.regel, decision.ontvanger, decision.geleverd) == ("ingezetene", 344010, None)


def test_the_router_routes_og21_and_og11_only(engine, postkamer):
    answer = send(postkamer, bericht({"berichtType": "Vb01", "vrijeTekst": "hallo"}))
    assert answer["nietVerwerkteBerichten"][0]["foutmeldingen"][0]["type"].endswith("BBA-PUT-F003")
    assert decisions(engine) == []


def test_the_decision_without_sending(engine):
    load_pls(engine, pl(ANR, BSN, "0193", reden="O", datum="20230405"))
    with engine.connect() as conn:
        besluit = routering.beslis(conn, "Og21", og21(BSN))
    assert (besluit.regel, besluit.ontvanger, besluit.fout["foutreden"], besluit.fout["datum"]) == \
        ("overleden", None, "O", "20230405")
    assert decisions(engine) == []


def test_the_foutreden_table_is_in_one_place():
    assert routering.FOUTREDEN == {"niet-gevonden": "G", "niet-uniek": "U", "overleden": "O"}
