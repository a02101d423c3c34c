"""The GBA-V persoonslijst tables, as SQLAlchemy Core tables, on SQLite and PostgreSQL.

Table and column names, types and keys are those of the GBA-V database (``schema.sql`` of the
Haal Centraal test database): a GBA-V dump reads as it is. ``stapel_nr`` numbers the stapels
of a repeating category from 0, ``volg_nr`` 0 is the actual voorkomen and 1, 2, … are older.

What is ours is marked as such: the table for category 16, which GBA-V lacks, and the
``adres_sleutel`` that makes one ``lo3_adres`` row per distinct address cheap to find.
"""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, CHAR, Column, DateTime, Index, Integer, MetaData,
                        SmallInteger, String, Table, Text, false, func)

metadata = MetaData()


def _procedure(*, document=True, onjuist=True, rni=False, akte=False):
    """The group 81-88 columns the category tables share."""
    cols = []
    if akte:
        cols += [Column("akte_register_gemeente_code", SmallInteger), Column("akte_nr", String(7))]
    if document:
        cols += [Column("doc_gemeente_code", SmallInteger), Column("doc_datum", Integer),
                 Column("doc_beschrijving", String(40))]
    cols += [Column("onderzoek_gegevens_aand", Integer), Column("onderzoek_start_datum", Integer),
             Column("onderzoek_eind_datum", Integer)]
    if onjuist:
        cols.append(Column("onjuist_ind", CHAR(1)))
    cols += [Column("geldigheid_start_datum", Integer), Column("opneming_datum", Integer)]
    if rni:
        cols += [Column("rni_deelnemer", SmallInteger), Column("verdrag_oms", String(50))]
    return cols


lo3_pl = Table(
    "lo3_pl", metadata,
    Column("pl_id", BigInteger, primary_key=True, autoincrement=False),
    Column("pl_blokkering_start_datum", Integer),
    Column("bijhouding_opschort_datum", Integer),
    Column("bijhouding_opschort_reden", CHAR(1)),
    Column("gba_eerste_inschrijving_datum", Integer),
    Column("pk_gemeente_code", SmallInteger),
    Column("geheim_ind", SmallInteger),
    Column("volledig_geconverteerd_pk", CHAR(1)),
    Column("europees_kiesrecht_aand", SmallInteger),
    Column("europees_kiesrecht_datum", Integer),
    Column("europees_uitsluit_eind_datum", Integer),
    Column("kiesrecht_uitgesl_aand", CHAR(1)),
    Column("kiesrecht_uitgesl_eind_datum", Integer),
    Column("kiesrecht_doc_gemeente_code", SmallInteger),
    Column("kiesrecht_doc_datum", Integer),
    Column("kiesrecht_doc_beschrijving", String(40)),
    Column("mutatie_activiteit_id", BigInteger),
    Column("creatie_dt", DateTime, nullable=False, server_default=func.now()),
    Column("mutatie_dt", DateTime, nullable=False),
    Column("versie_nr", SmallInteger),
    Column("stempel_dt", BigInteger),
    Column("verificatie_datum", Integer),
    Column("verificatie_oms", String(50)),
    Column("rni_deelnemer", SmallInteger),
    Column("verdrag_oms", String(50)),
)

lo3_pl_persoon = Table(
    "lo3_pl_persoon", metadata,
    Column("pl_id", BigInteger, primary_key=True),
    Column("persoon_type", CHAR(1), primary_key=True),
    Column("stapel_nr", SmallInteger, primary_key=True),
    Column("volg_nr", SmallInteger, primary_key=True),
    Column("a_nr", BigInteger),
    Column("burger_service_nr", BigInteger),
    Column("voor_naam", String(200)),
    Column("diak_voor_naam", String(200)),
    Column("titel_predicaat", String(2)),
    Column("geslachts_naam_voorvoegsel", String(10)),
    Column("geslachts_naam", String(200)),
    Column("diak_geslachts_naam", String(200)),
    Column("geboorte_datum", Integer),
    Column("geboorte_plaats", String(40)),
    Column("geboorte_land_code", SmallInteger),
    Column("geslachts_aand", CHAR(1)),
    Column("naam_gebruik_aand", CHAR(1)),
    Column("akte_register_gemeente_code", SmallInteger),
    Column("akte_nr", String(7)),
    Column("doc_gemeente_code", SmallInteger),
    Column("doc_datum", Integer),
    Column("doc_beschrijving", String(40)),
    Column("onderzoek_gegevens_aand", Integer),
    Column("onderzoek_start_datum", Integer),
    Column("onderzoek_eind_datum", Integer),
    Column("onjuist_ind", CHAR(1)),
    Column("geldigheid_start_datum", Integer),
    Column("opneming_datum", Integer),
    Column("relatie_start_datum", Integer),
    Column("relatie_start_plaats", String(40)),
    Column("relatie_start_land_code", SmallInteger),
    Column("relatie_eind_datum", Integer),
    Column("relatie_eind_plaats", String(40)),
    Column("relatie_eind_land_code", SmallInteger),
    Column("relatie_eind_reden", CHAR(1)),
    Column("verbintenis_soort", CHAR(1)),
    Column("familie_betrek_start_datum", Integer),
    Column("vorig_a_nr", BigInteger),
    Column("volgend_a_nr", BigInteger),
    Column("rni_deelnemer", SmallInteger),
    Column("verdrag_oms", String(50)),
    Column("registratie_betrekking", CHAR(1)),
    # ours: search accelerators
    Column("voor_naam_fold", Text),
    Column("geslachts_naam_fold", Text),
    Column("geslachts_naam_fold_rev", Text),
)

lo3_pl_nationaliteit = Table(
    "lo3_pl_nationaliteit", metadata,
    Column("pl_id", BigInteger, primary_key=True),
    Column("stapel_nr", SmallInteger, primary_key=True),
    Column("volg_nr", SmallInteger, primary_key=True),
    Column("nationaliteit_code", SmallInteger),
    Column("nl_nat_verkrijg_reden", SmallInteger),
    Column("nl_nat_verlies_reden", SmallInteger),
    Column("bijzonder_nl_aand", CHAR(1)),
    *_procedure(rni=True),
    Column("eu_persoon_nr", String(40)),
)

lo3_pl_overlijden = Table(
    "lo3_pl_overlijden", metadata,
    Column("pl_id", BigInteger, primary_key=True),
    Column("volg_nr", SmallInteger, primary_key=True),
    Column("overlijden_datum", Integer),
    Column("overlijden_plaats", String(40)),
    Column("overlijden_land_code", SmallInteger),
    *_procedure(akte=True, rni=True),
)

lo3_adres = Table(
    "lo3_adres", metadata,
    Column("adres_id", BigInteger, primary_key=True, autoincrement=False),
    Column("gemeente_code", SmallInteger, nullable=False),
    Column("gemeente_deel", String(24)),
    Column("straat_naam", String(24)),
    Column("diak_straat_naam", String(24)),
    Column("huis_nr", Integer),
    Column("huis_letter", CHAR(1)),
    Column("huis_nr_toevoeging", String(4)),
    Column("huis_nr_aand", String(2)),
    Column("postcode", String(6)),
    Column("locatie_beschrijving", String(35)),
    Column("diak_locatie_beschrijving", String(35)),
    Column("creatie_dt", DateTime, nullable=False, server_default=func.now()),
    Column("open_ruimte_naam", String(80)),
    Column("diak_open_ruimte_naam", String(80)),
    Column("woon_plaats_naam", String(80)),
    Column("diak_woon_plaats_naam", String(80)),
    Column("verblijf_plaats_ident_code", String(16)),
    Column("nummer_aand_ident_code", String(16)),
    # ours: every address column in one string, unique: one row per distinct address, found fast
    Column("address_key", Text, unique=True),
    # ours: search accelerators
    Column("straat_naam_fold", Text),
    Column("open_ruimte_naam_fold", Text),
    Column("woon_plaats_naam_fold", Text),
    Column("postcode_fold", Text),
)


def _verblijf_kolommen():
    return [
        Column("pl_id", BigInteger, primary_key=True),
        Column("volg_nr", SmallInteger, primary_key=True),
        Column("inschrijving_gemeente_code", SmallInteger),
        Column("adres_id", BigInteger),
        Column("inschrijving_datum", Integer),
        Column("adres_functie", CHAR(1)),
        Column("gemeente_deel", String(24)),
        Column("adreshouding_start_datum", Integer),
    ]


lo3_pl_verblijfplaats = Table(
    "lo3_pl_verblijfplaats", metadata,
    *_verblijf_kolommen(),
    Column("vertrek_land_code", SmallInteger),
    Column("vertrek_datum", Integer),
    Column("vertrek_land_adres_1", String(35)),
    Column("vertrek_land_adres_2", String(35)),
    Column("vertrek_land_adres_3", String(35)),
    Column("vestiging_land_code", SmallInteger),
    Column("vestiging_datum", Integer),
    Column("aangifte_adreshouding_oms", CHAR(1)),
    Column("doc_ind", SmallInteger),
    *_procedure(document=False, rni=True),
)

# ours: category 16, tijdelijk verblijfadres of a niet-ingezetene, in the style of 08
lo3_pl_tijdelijk_verblijfadres = Table(
    "lo3_pl_tijdelijk_verblijfadres", metadata,
    *_verblijf_kolommen(),
    Column("aangifte_adreshouding_oms", CHAR(1)),
    *_procedure(document=False, rni=True),
)

lo3_pl_verblijfstitel = Table(
    "lo3_pl_verblijfstitel", metadata,
    Column("pl_id", BigInteger, primary_key=True),
    Column("volg_nr", SmallInteger, primary_key=True),
    Column("verblijfstitel_aand", SmallInteger),
    Column("verblijfstitel_eind_datum", Integer),
    Column("verblijfstitel_start_datum", Integer),
    *_procedure(document=False),
)

lo3_pl_gezagsverhouding = Table(
    "lo3_pl_gezagsverhouding", metadata,
    Column("pl_id", BigInteger, primary_key=True),
    Column("volg_nr", SmallInteger, primary_key=True),
    Column("minderjarig_gezag_ind", String(2)),
    Column("curatele_register_ind", SmallInteger),
    *_procedure(),
)

lo3_pl_reis_doc = Table(
    "lo3_pl_reis_doc", metadata,
    Column("pl_id", BigInteger, primary_key=True),
    Column("stapel_nr", SmallInteger, primary_key=True),
    Column("nl_reis_doc_soort", String(2)),
    Column("nl_reis_doc_nr", String(9)),
    Column("nl_reis_doc_uitgifte_datum", Integer),
    Column("nl_reis_doc_autoriteit_code", String(6)),
    Column("nl_reis_doc_geldig_eind_datum", Integer),
    Column("nl_reis_doc_weg_datum", Integer),
    Column("nl_reis_doc_weg_ind", CHAR(1)),
    Column("nl_reis_doc_houder_lengte", SmallInteger),
    Column("nl_reis_doc_signalering", SmallInteger),
    Column("buitenland_reis_doc_aand", SmallInteger),
    *_procedure(onjuist=False),
)

PL_TABELLEN = [lo3_pl, lo3_pl_persoon, lo3_pl_nationaliteit, lo3_pl_overlijden,
               lo3_pl_verblijfplaats, lo3_pl_tijdelijk_verblijfadres, lo3_pl_verblijfstitel,
               lo3_pl_gezagsverhouding, lo3_pl_reis_doc]


def _pattern_index(name, table, *columns):
    """An index whose text columns serve LIKE 'prefix%' as well as '=' (text_pattern_ops)."""
    ops = {c: "text_pattern_ops" for c in columns if c.endswith(("_fold", "_fold_rev"))}
    return Index(name, *(table.c[c] for c in columns), postgresql_ops=ops)


_actual_p = (lo3_pl_persoon.c.persoon_type == "P") & (lo3_pl_persoon.c.stapel_nr == 0) \
    & (lo3_pl_persoon.c.volg_nr == 0)

# GBA-V's own indexes on these tables, under their GBA-V names.
Index("lo3_pl_persoon_idx_0", lo3_pl_persoon.c.a_nr, unique=True,
      sqlite_where=_actual_p, postgresql_where=_actual_p)
Index("lo3_pl_persoon_idx_1", lo3_pl_persoon.c.a_nr, lo3_pl_persoon.c.persoon_type,
      lo3_pl_persoon.c.stapel_nr, lo3_pl_persoon.c.volg_nr)
Index("lo3_pl_persoon_idx_2", lo3_pl_persoon.c.burger_service_nr, lo3_pl_persoon.c.persoon_type,
      lo3_pl_persoon.c.stapel_nr, lo3_pl_persoon.c.volg_nr)
Index("lo3_pl_verblijfplaats_idx_2", lo3_pl_verblijfplaats.c.adres_id,
      lo3_pl_verblijfplaats.c.volg_nr)

# ours
Index("adhoc_persoon_geboorte", lo3_pl_persoon.c.geboorte_datum, lo3_pl_persoon.c.persoon_type,
      lo3_pl_persoon.c.volg_nr)
_pattern_index("adhoc_persoon_naam_voornamen", lo3_pl_persoon, "persoon_type",
               "geslachts_naam_fold", "voor_naam_fold")
_pattern_index("adhoc_persoon_naam_rev", lo3_pl_persoon, "persoon_type",
               "geslachts_naam_fold_rev", "volg_nr")
Index("adhoc_tijdelijk_adres", lo3_pl_tijdelijk_verblijfadres.c.adres_id,
      lo3_pl_tijdelijk_verblijfadres.c.volg_nr)
_pattern_index("adhoc_adres_postcode", lo3_adres, "postcode_fold", "huis_nr")
_pattern_index("adhoc_adres_straat", lo3_adres, "straat_naam_fold")
_pattern_index("adhoc_adres_openbare_ruimte", lo3_adres, "open_ruimte_naam_fold")
_pattern_index("adhoc_adres_woonplaats", lo3_adres, "woon_plaats_naam_fold")
Index("adhoc_adres_verblijfplaats", lo3_adres.c.verblijf_plaats_ident_code)
Index("adhoc_adres_nummeraanduiding", lo3_adres.c.nummer_aand_ident_code)

# Afnemers: the autorisatietabel (Tabel 35) as GBA-V keeps it, and the ad hoc voorwaarderegel
# (35.95.61) in lo3_voorwaarde_regel_aut with voorwaarde_type '6'.
lo3_autorisatie = Table(
    "lo3_autorisatie", metadata,
    Column("autorisatie_id", BigInteger, primary_key=True, autoincrement=False),
    Column("afnemer_code", Integer, nullable=False),
    Column("geheimhouding_ind", SmallInteger, nullable=False),
    Column("verstrekkings_beperking", SmallInteger, nullable=False),
    Column("afnemer_naam", String(80)),
    Column("straat_naam", String(24)),
    Column("huis_nr", Integer),
    Column("huis_letter", CHAR(1)),
    Column("huis_nr_toevoeging", String(4)),
    Column("postcode", String(6)),
    Column("gemeente_code", SmallInteger),
    Column("conditionele_verstrekking", SmallInteger),
    Column("spontaan_medium", CHAR(1)),
    Column("selectie_soort", SmallInteger),
    Column("bericht_aand", SmallInteger),
    Column("eerste_selectie_datum", Integer),
    Column("selectie_periode", SmallInteger),
    Column("selectie_medium", CHAR(1)),
    Column("pl_plaatsings_bevoegdheid", SmallInteger),
    Column("adres_vraag_bevoegdheid", SmallInteger),
    Column("ad_hoc_medium", CHAR(1)),
    Column("adres_medium", CHAR(1)),
    Column("tabel_regel_start_datum", Integer),
    Column("tabel_regel_eind_datum", Integer),
    Column("sleutel_rubrieken", Text),
    Column("spontaan_rubrieken", Text),
    Column("selectie_rubrieken", Text),
    Column("ad_hoc_rubrieken", Text),
    Column("adres_rubrieken", Text),
    Column("afnemers_verstrekkingen", Text),
    Column("bijzondere_betrekking_kind_verstrekken", SmallInteger, server_default="0"),
    Column("creatie_dt", DateTime, nullable=False, server_default=func.now()),
    # ours: the rubrieken the afnemer may search on (the file keeps them apart from 35.95.60),
    # and whether W213 applies (Mijn Overheid)
    Column("ad_hoc_zoek_rubrieken", Text),
    Column("mijn_overheid", SmallInteger, nullable=False, server_default="0"),
)
Index("lo3_autorisatie_idx_1", lo3_autorisatie.c.afnemer_code, lo3_autorisatie.c.tabel_regel_start_datum,
      unique=True)

lo3_voorwaarde_regel_aut = Table(
    "lo3_voorwaarde_regel_aut", metadata,
    Column("voorwaarde_type", CHAR(1), primary_key=True),
    Column("voorwaarde_regel", String(4096), nullable=False),
    Column("autorisatie_id", BigInteger, primary_key=True),
    Column("creatie_dt", DateTime, nullable=False, server_default=func.now()),
)

# The gemeententabel (Tabel 33) as GBA-V keeps it: a samengevoegde gemeente has its
# nieuwe_gemeente_code (92.12) and datum einde. adhoc-ws only keeps it for whoever writes it
# (the public acceptance steps do, for a herindeling).
lo3_gemeente = Table(
    "lo3_gemeente", metadata,
    Column("gemeente_code", SmallInteger, primary_key=True, autoincrement=False),
    Column("gemeente_naam", String(40), nullable=False),
    Column("nieuwe_gemeente_code", SmallInteger),
    Column("tabel_regel_start_datum", Integer),
    Column("tabel_regel_eind_datum", Integer),
    Column("creatie_dt", DateTime, nullable=False, server_default=func.now()),
)

# Protocollering of the Haal Centraal APIs as GBA-V keeps it: one row per persoonslijst
# delivered, with the element numbers of the parameters and of what was asked.
haalcentraal_vraag = Table(
    "haalcentraal_vraag", metadata,
    Column("request_id", String(36), primary_key=True),
    Column("request_datum", DateTime, nullable=False, server_default=func.now()),
    Column("afnemer_code", Integer, nullable=False),
    Column("pl_id", BigInteger, nullable=False),
    Column("request_zoek_rubrieken", Text),
    Column("request_gevraagde_rubrieken", Text),
    Column("verwerkt", Boolean, server_default=false()),
)
Index("adhoc_haalcentraal_vraag_pl", haalcentraal_vraag.c.pl_id, haalcentraal_vraag.c.request_datum)

# ours: the accounts afnemers log in with; passwords as argon2 hashes only
adhoc_gebruiker = Table(
    "adhoc_gebruiker", metadata,
    Column("gebruikersnaam", String(100), primary_key=True),
    Column("afnemer_code", Integer, nullable=False),
    Column("wachtwoord_hash", Text, nullable=False),
    Column("wachtwoord_geldig_tot", Integer, nullable=False),
    Column("actief", SmallInteger, nullable=False, server_default="1"),
    Column("mislukte_pogingen", Integer, nullable=False, server_default="0"),
    Column("geblokkeerd_tot", DateTime),
)

# ours: protocollering, one row per vraag or adresvraag, whatever its outcome
adhoc_protocol = Table(
    "adhoc_protocol", metadata,
    Column("protocol_id", Integer, primary_key=True, autoincrement=True),
    Column("tijdstip", DateTime, nullable=False),
    Column("afnemer_code", Integer),
    Column("gebruikersnaam", String(100)),
    Column("referentie", String(36), nullable=False),
    Column("operatie", String(20), nullable=False),
    Column("historie", SmallInteger, nullable=False),
    Column("parameters", Text),
    Column("masker", Text),
    Column("resultaat", String(4), nullable=False),
    Column("a_nummers", Text),
)
Index("adhoc_protocol_tijdstip", adhoc_protocol.c.tijdstip)
Index("adhoc_protocol_afnemer", adhoc_protocol.c.afnemer_code, adhoc_protocol.c.tijdstip)

# ours: the BRP Berichten API (W214). A mailbox per party, its password as an argon2 hash only.
berichten_mailbox = Table(
    "berichten_mailbox", metadata,
    Column("mailbox", Integer, primary_key=True, autoincrement=False),
    Column("naam", String(80), nullable=False),
    Column("wachtwoord_hash", Text, nullable=False),
    Column("berichten_api", SmallInteger, nullable=False, server_default="1"),
    Column("actief", SmallInteger, nullable=False, server_default="1"),
    Column("mislukte_pogingen", Integer, nullable=False, server_default="0"),
    Column("geblokkeerd_tot", DateTime),
)

# One row per message in a mailbox (``ontvanger``); the volgnummer is its berichtVolgnummer.
# Times in UTC. Deleting a message empties ``inhoud`` and keeps the rest (for auditing).
berichten_bericht = Table(
    "berichten_bericht", metadata,
    Column("volgnummer", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("transport_id", String(36), nullable=False, unique=True),
    Column("ontvanger", Integer, nullable=False),
    Column("afzender", Integer, nullable=False),
    Column("bericht_id", String(12), nullable=False),
    Column("verwijzing_bericht_id", String(12)),
    Column("bericht_type", String(4), nullable=False),
    Column("inhoud", Text),
    Column("ontvangen", DateTime, nullable=False),
    Column("bewaard_tot", DateTime, nullable=False),
    Column("status", String(16), nullable=False),  # nieuw, gezien-in-lijst, opgehaald
    Column("verwijderd", DateTime),
)
Index("berichten_bericht_mailbox", berichten_bericht.c.ontvanger, berichten_bericht.c.ontvangen)
Index("berichten_bericht_bewaard_tot", berichten_bericht.c.bewaard_tot)

# Every decision of the routeringsvoorziening: the message as received, the key it was routed
# by (BSN or A-nummer), the PLs that key found, the rule that fired and where it went.
berichten_routering = Table(
    "berichten_routering", metadata,
    Column("routering_id", Integer, primary_key=True, autoincrement=True),
    Column("tijdstip", DateTime, nullable=False),
    Column("transport_id", String(36), nullable=False),
    Column("afzender", Integer, nullable=False),
    Column("bericht_id", String(12), nullable=False),
    Column("bericht_type", String(4), nullable=False),
    Column("sleutel", String(20), nullable=False),  # burgerservicenummer or aNummer
    Column("waarde", String(10), nullable=False),
    Column("a_nummers", Text, nullable=False),  # of the PLs found, space-separated
    Column("regel", String(20), nullable=False),
    Column("ontvanger", Integer),  # the mailbox it was delivered to (None: not delivered)
    Column("geleverd", String(4)),  # what was delivered: the message itself, a Vb01, an Of21/Of11
    Column("geleverd_transport_id", String(36)),
)
Index("berichten_routering_waarde", berichten_routering.c.waarde, berichten_routering.c.tijdstip)
