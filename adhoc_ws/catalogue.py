"""The rubriek catalogue: every LO3 category and element adhoc-ws knows, and where it is stored.

This module is data. Validation, loading, querying and answer building all read it; nothing
else in the code base lists rubrieken.

A rubriek is ``CC.GG.EE``: category, group, element. As an int the category's leading zero
drops (01.01.20 -> ``10120``); a historic voorkomen is answered as category + 50 (01 -> 51).
Element numbers (``GGEE``) are written as 4-digit strings here, as in the JSON interchange
format ("0240").

Sources: ``lo3-notes.md`` (LO3 element types and lengths after OperatieBRP's
``Lo3ElementEnum``, the groups per category after ``Lo3CategorieEnum``, the GBA-V columns
after the Haal Centraal schema dump) and the search guide for the identifying rubrieken.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

HISTORIE_OFFSET = 50


@dataclass(frozen=True)
class Element:
    """An LO3 element (``GGEE``): its name, whether it is numeric, and its length range."""

    nummer: str
    name: str
    numeric: bool
    min_length: int
    max_length: int

    @property
    def group(self) -> str:
        return self.nummer[:2]

    @property
    def is_date(self) -> bool:
        """Every 8-digit numeric LO3 element is a date (YYYYMMDD)."""
        return self.numeric and self.min_length == self.max_length == 8


def _e(nummer, name, kind, length):
    lo, _, hi = str(length).partition("-")
    return Element(nummer, name, kind == "N", int(lo), int(hi or lo))


ELEMENTS: dict[str, Element] = {e.nummer: e for e in [
    _e("0110", "A-nummer", "N", 10),
    _e("0120", "Burgerservicenummer", "N", 9),
    _e("0210", "Voornamen", "A", "1-200"),
    _e("0220", "Adellijke titel/predicaat", "A", "1-2"),
    _e("0230", "Voorvoegsel geslachtsnaam", "A", "1-10"),
    _e("0240", "Geslachtsnaam", "A", "1-200"),
    _e("0310", "Geboortedatum", "N", 8),
    _e("0320", "Geboorteplaats", "A", "1-40"),
    _e("0330", "Geboorteland", "N", 4),
    _e("0410", "Geslachtsaanduiding", "A", 1),
    _e("0510", "Nationaliteit", "N", 4),
    _e("0610", "Datum huwelijkssluiting/aangaan geregistreerd partnerschap", "N", 8),
    _e("0620", "Plaats huwelijkssluiting/aangaan geregistreerd partnerschap", "A", "1-40"),
    _e("0630", "Land huwelijkssluiting/aangaan geregistreerd partnerschap", "N", 4),
    _e("0710", "Datum ontbinding huwelijk/geregistreerd partnerschap", "N", 8),
    _e("0720", "Plaats ontbinding huwelijk/geregistreerd partnerschap", "A", "1-40"),
    _e("0730", "Land ontbinding huwelijk/geregistreerd partnerschap", "N", 4),
    _e("0740", "Reden ontbinding huwelijk/geregistreerd partnerschap", "A", 1),
    _e("0810", "Datum overlijden", "N", 8),
    _e("0820", "Plaats overlijden", "A", "1-40"),
    _e("0830", "Land overlijden", "N", 4),
    _e("0910", "Gemeente van inschrijving", "N", 4),
    _e("0920", "Datum inschrijving", "N", 8),
    _e("1010", "Functie adres", "A", 1),
    _e("1020", "Gemeentedeel", "A", "1-24"),
    _e("1030", "Datum aanvang adreshouding", "N", 8),
    _e("1110", "Straatnaam", "A", "1-24"),
    _e("1115", "Naam openbare ruimte", "A", "1-80"),
    _e("1120", "Huisnummer", "N", "1-5"),
    _e("1130", "Huisletter", "A", 1),
    _e("1140", "Huisnummertoevoeging", "A", "1-4"),
    _e("1150", "Aanduiding bij huisnummer", "A", 2),
    _e("1160", "Postcode", "A", 6),
    _e("1170", "Woonplaatsnaam", "A", "1-80"),
    _e("1180", "Identificatiecode verblijfplaats", "A", 16),
    _e("1190", "Identificatiecode nummeraanduiding", "A", 16),
    _e("1210", "Locatiebeschrijving", "A", "1-35"),
    _e("1310", "Land adres buitenland", "N", 4),
    _e("1320", "Datum aanvang adres buitenland", "N", 8),
    _e("1330", "Regel 1 adres buitenland", "A", "1-35"),
    _e("1340", "Regel 2 adres buitenland", "A", "1-35"),
    _e("1350", "Regel 3 adres buitenland", "A", "1-35"),
    _e("1410", "Land vanwaar ingeschreven", "N", 4),
    _e("1420", "Datum vestiging in Nederland", "N", 8),
    _e("1510", "Soort verbintenis", "A", 1),
    _e("2010", "Vorig A-nummer", "N", 10),
    _e("2020", "Volgend A-nummer", "N", 10),
    _e("3110", "Aanduiding Europees kiesrecht", "N", 1),
    _e("3120", "Datum verzoek of mededeling Europees kiesrecht", "N", 8),
    _e("3130", "Einddatum uitsluiting Europees kiesrecht", "N", 8),
    _e("3210", "Indicatie gezag minderjarige", "A", "1-2"),
    _e("3310", "Indicatie curateleregister", "N", 1),
    _e("3510", "Soort Nederlands reisdocument", "A", 2),
    _e("3520", "Nummer Nederlands reisdocument", "A", 9),
    _e("3530", "Datum uitgifte Nederlands reisdocument", "N", 8),
    _e("3540", "Autoriteit van afgifte Nederlands reisdocument", "A", "2-6"),
    _e("3550", "Datum einde geldigheid Nederlands reisdocument", "N", 8),
    _e("3560", "Datum inhouding/vermissing Nederlands reisdocument", "N", 8),
    _e("3570", "Aanduiding inhouding/vermissing Nederlands reisdocument", "A", 1),
    _e("3580", "Lengte houder", "N", 3),
    _e("3610", "Signalering met betrekking tot verstrekken Nederlands reisdocument", "N", 1),
    _e("3710", "Aanduiding bezit buitenlands reisdocument", "N", 1),
    _e("3810", "Aanduiding uitgesloten kiesrecht", "A", 1),
    _e("3820", "Einddatum uitsluiting kiesrecht", "N", 8),
    _e("3910", "Aanduiding verblijfstitel", "N", 2),
    _e("3920", "Datum einde verblijfstitel", "N", 8),
    _e("3930", "Ingangsdatum verblijfstitel", "N", 8),
    _e("6110", "Aanduiding naamgebruik", "A", 1),
    _e("6210", "Datum ingang familierechtelijke betrekking", "N", 8),
    _e("6310", "Reden opname nationaliteit", "N", 3),
    _e("6410", "Reden beëindigen nationaliteit", "N", 3),
    _e("6510", "Aanduiding bijzonder Nederlanderschap", "A", 1),
    _e("6620", "Datum ingang blokkering PL", "N", 8),
    _e("6710", "Datum opschorting bijhouding", "N", 8),
    _e("6720", "Omschrijving reden opschorting bijhouding", "A", 1),
    _e("6810", "Datum eerste inschrijving GBA", "N", 8),
    _e("6910", "Gemeente waar de PK zich bevindt", "N", 4),
    _e("7010", "Indicatie geheim", "N", 1),
    _e("7110", "Datum verificatie", "N", 8),
    _e("7120", "Omschrijving verificatie", "A", "1-50"),
    _e("7210", "Omschrijving van de aangifte adreshouding", "A", 1),
    _e("7310", "EU-persoonsnummer", "A", "1-40"),
    _e("7510", "Indicatie document", "N", 1),
    _e("8010", "Versienummer", "N", 4),
    _e("8020", "Datumtijdstempel", "N", 17),
    _e("8110", "Registergemeente akte", "N", 4),
    _e("8120", "Aktenummer", "A", 7),
    _e("8210", "Gemeente document", "N", 4),
    _e("8220", "Datum document", "N", 8),
    _e("8230", "Beschrijving document", "A", "1-40"),
    _e("8310", "Aanduiding gegevens in onderzoek", "N", 6),
    _e("8320", "Datum ingang onderzoek", "N", 8),
    _e("8330", "Datum einde onderzoek", "N", 8),
    _e("8410", "Indicatie onjuist", "A", 1),
    _e("8510", "Ingangsdatum geldigheid", "N", 8),
    _e("8610", "Datum van opneming", "N", 8),
    _e("8710", "PK-gegevens volledig meegeconverteerd", "A", 1),
    _e("8810", "RNI-deelnemer", "N", 4),
    _e("8820", "Omschrijving verdrag", "A", "1-50"),
    _e("8910", "Registratie betrekking", "A", 1),
]}


@dataclass(frozen=True)
class Categorie:
    """An actual LO3 category and where its voorkomens are stored.

    ``columns`` maps each element of the category to its column in ``table``; a column
    written ``lo3_adres.<column>`` lives in the shared address row the voorkomen points to.
    ``key`` holds the fixed column values that pick this category's rows out of a
    shared table (``persoon_type`` in ``lo3_pl_persoon``).
    """

    nummer: int
    name: str
    table: str
    columns: dict[str, str]
    history: bool = True
    repeating: bool = False
    key: dict[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return f"{self.nummer:02d}"

    @property
    def historic_number(self) -> int | None:
        return self.nummer + HISTORIE_OFFSET if self.history else None

    def elements(self) -> list[Element]:
        return [ELEMENTS[e] for e in self.columns]


_AKTE = {"8110": "akte_register_gemeente_code", "8120": "akte_nr"}
_DOCUMENT = {"8210": "doc_gemeente_code", "8220": "doc_datum", "8230": "doc_beschrijving"}
_ONDERZOEK = {"8310": "onderzoek_gegevens_aand", "8320": "onderzoek_start_datum",
              "8330": "onderzoek_eind_datum"}
_ONJUIST = {"8410": "onjuist_ind"}
_GELDIGHEID = {"8510": "geldigheid_start_datum", "8610": "opneming_datum"}
_RNI = {"8810": "rni_deelnemer", "8820": "verdrag_oms"}
_PERSOON = {
    "0110": "a_nr", "0120": "burger_service_nr",
    "0210": "voor_naam", "0220": "titel_predicaat", "0230": "geslachts_naam_voorvoegsel",
    "0240": "geslachts_naam",
    "0310": "geboorte_datum", "0320": "geboorte_plaats", "0330": "geboorte_land_code",
}
_ADRES = {
    "0910": "inschrijving_gemeente_code", "0920": "inschrijving_datum",
    "1010": "adres_functie", "1020": "gemeente_deel", "1030": "adreshouding_start_datum",
    "1110": "lo3_adres.straat_naam", "1115": "lo3_adres.open_ruimte_naam",
    "1120": "lo3_adres.huis_nr", "1130": "lo3_adres.huis_letter",
    "1140": "lo3_adres.huis_nr_toevoeging", "1150": "lo3_adres.huis_nr_aand",
    "1160": "lo3_adres.postcode", "1170": "lo3_adres.woon_plaats_naam",
    "1180": "lo3_adres.verblijf_plaats_ident_code", "1190": "lo3_adres.nummer_aand_ident_code",
    "1210": "lo3_adres.locatie_beschrijving",
}

CATEGORIES: dict[int, Categorie] = {c.nummer: c for c in [
    Categorie(1, "Persoon", "lo3_pl_persoon", key={"persoon_type": "P"}, columns={
        **_PERSOON, "0410": "geslachts_aand",
        "2010": "vorig_a_nr", "2020": "volgend_a_nr", "6110": "naam_gebruik_aand",
        **_AKTE, **_DOCUMENT, **_ONDERZOEK, **_ONJUIST, **_GELDIGHEID, **_RNI}),
    Categorie(2, "Ouder1", "lo3_pl_persoon", key={"persoon_type": "1"}, columns={
        **_PERSOON, "0410": "geslachts_aand", "6210": "familie_betrek_start_datum",
        **_AKTE, **_DOCUMENT, **_ONDERZOEK, **_ONJUIST, **_GELDIGHEID}),
    Categorie(3, "Ouder2", "lo3_pl_persoon", key={"persoon_type": "2"}, columns={
        **_PERSOON, "0410": "geslachts_aand", "6210": "familie_betrek_start_datum",
        **_AKTE, **_DOCUMENT, **_ONDERZOEK, **_ONJUIST, **_GELDIGHEID}),
    Categorie(4, "Nationaliteit", "lo3_pl_nationaliteit", repeating=True, columns={
        "0510": "nationaliteit_code", "6310": "nl_nat_verkrijg_reden",
        "6410": "nl_nat_verlies_reden", "6510": "bijzonder_nl_aand", "7310": "eu_persoon_nr",
        **_DOCUMENT, **_ONDERZOEK, **_ONJUIST, **_GELDIGHEID, **_RNI}),
    Categorie(5, "Huwelijk/geregistreerd partnerschap", "lo3_pl_persoon", repeating=True,
              key={"persoon_type": "R"}, columns={
        **_PERSOON, "0410": "geslachts_aand",
        "0610": "relatie_start_datum", "0620": "relatie_start_plaats",
        "0630": "relatie_start_land_code", "0710": "relatie_eind_datum",
        "0720": "relatie_eind_plaats", "0730": "relatie_eind_land_code",
        "0740": "relatie_eind_reden", "1510": "verbintenis_soort",
        **_AKTE, **_DOCUMENT, **_ONDERZOEK, **_ONJUIST, **_GELDIGHEID}),
    Categorie(6, "Overlijden", "lo3_pl_overlijden", columns={
        "0810": "overlijden_datum", "0820": "overlijden_plaats", "0830": "overlijden_land_code",
        **_AKTE, **_DOCUMENT, **_ONDERZOEK, **_ONJUIST, **_GELDIGHEID, **_RNI}),
    Categorie(7, "Inschrijving", "lo3_pl", history=False, columns={
        "6620": "pl_blokkering_start_datum", "6710": "bijhouding_opschort_datum",
        "6720": "bijhouding_opschort_reden", "6810": "gba_eerste_inschrijving_datum",
        "6910": "pk_gemeente_code", "7010": "geheim_ind", "7110": "verificatie_datum",
        "7120": "verificatie_oms", "8010": "versie_nr", "8020": "stempel_dt",
        "8710": "volledig_geconverteerd_pk", **_RNI}),
    Categorie(8, "Verblijfplaats", "lo3_pl_verblijfplaats", columns={
        **_ADRES,
        "1310": "vertrek_land_code", "1320": "vertrek_datum",
        "1330": "vertrek_land_adres_1", "1340": "vertrek_land_adres_2",
        "1350": "vertrek_land_adres_3", "1410": "vestiging_land_code",
        "1420": "vestiging_datum", "7210": "aangifte_adreshouding_oms", "7510": "doc_ind",
        **_ONDERZOEK, **_ONJUIST, **_GELDIGHEID, **_RNI}),
    Categorie(9, "Kind", "lo3_pl_persoon", repeating=True, key={"persoon_type": "K"},
              columns={**_PERSOON, "8910": "registratie_betrekking",
                        **_AKTE, **_DOCUMENT, **_ONDERZOEK, **_ONJUIST, **_GELDIGHEID}),
    Categorie(10, "Verblijfstitel", "lo3_pl_verblijfstitel", columns={
        "3910": "verblijfstitel_aand", "3920": "verblijfstitel_eind_datum",
        "3930": "verblijfstitel_start_datum",
        **_ONDERZOEK, **_ONJUIST, **_GELDIGHEID}),
    Categorie(11, "Gezagsverhouding", "lo3_pl_gezagsverhouding", columns={
        "3210": "minderjarig_gezag_ind", "3310": "curatele_register_ind",
        **_DOCUMENT, **_ONDERZOEK, **_ONJUIST, **_GELDIGHEID}),
    Categorie(12, "Reisdocument", "lo3_pl_reis_doc", history=False, repeating=True, columns={
        "3510": "nl_reis_doc_soort", "3520": "nl_reis_doc_nr",
        "3530": "nl_reis_doc_uitgifte_datum", "3540": "nl_reis_doc_autoriteit_code",
        "3550": "nl_reis_doc_geldig_eind_datum", "3560": "nl_reis_doc_weg_datum",
        "3570": "nl_reis_doc_weg_ind", "3580": "nl_reis_doc_houder_lengte",
        "3610": "nl_reis_doc_signalering", "3710": "buitenland_reis_doc_aand",
        **_DOCUMENT, **_ONDERZOEK, **_GELDIGHEID}),
    Categorie(13, "Kiesrecht", "lo3_pl", history=False, columns={
        "3110": "europees_kiesrecht_aand", "3120": "europees_kiesrecht_datum",
        "3130": "europees_uitsluit_eind_datum", "3810": "kiesrecht_uitgesl_aand",
        "3820": "kiesrecht_uitgesl_eind_datum", "8210": "kiesrecht_doc_gemeente_code",
        "8220": "kiesrecht_doc_datum", "8230": "kiesrecht_doc_beschrijving"}),
    # Not in LO3's category list and not in the GBA-V schema: the guide's tijdelijk
    # verblijfadres of niet-ingezetenen. Stored in a table of our own in the style of 08.
    Categorie(16, "Tijdelijk verblijfadres", "lo3_pl_tijdelijk_verblijfadres", columns={
        **_ADRES, "7210": "aangifte_adreshouding_oms",
        **_ONDERZOEK, **_ONJUIST, **_GELDIGHEID, **_RNI}),
]}

# The guide's identifying rubrieken ("De ad-hoc-vraag" and "De ad-hoc-adresvraag"). An
# address identification may be refined with functie adres, gemeentedeel and the rest of
# group 11 ("de overige elementen uit groep 11 Adres").
PERSON_IDENTIFYING = frozenset({10110, 10120, 10310, 10240, 81160, 161160})
ADDRESS_IDENTIFYING = frozenset({80910, 81110, 81115, 81160, 81180, 81190,
                                 160910, 161110, 161115, 161160, 161180, 161190})
ADDRESS_REFINING = frozenset({81010, 81020, 81120, 81130, 81140, 81150, 81170,
                              161010, 161020, 161120, 161130, 161140, 161150, 161170})

# The guide's "Extra wildcards": * anywhere, several times, only in the actual voornamen and
# geslachtsnaam. Every other rubriek allows one * at the end.
FREE_WILDCARD = frozenset({10210, 10240})

# Always in an answer when present, whatever the masker (guide: "In het antwoord staan
# aanvullende gegevens"). Group 83 in every voorkomen; the others as listed.
OPSCHORTING = ("6710", "6720")
ONDERZOEK = ("8310", "8320", "8330")
RNI = ("8810", "8820")
VERIFICATIE = ("7110", "7120")
NIET_INGEZETENE_REDENEN = frozenset({"E", "R", "M"})


@dataclass(frozen=True)
class Rubriek:
    """One rubriek: a category (actual or historic) and one of its elements."""

    categorie: Categorie
    element: Element
    historic: bool = False

    @cached_property
    def categorienummer(self) -> int:
        return self.categorie.nummer + (HISTORIE_OFFSET if self.historic else 0)

    @cached_property
    def nummer(self) -> int:
        return self.categorienummer * 10000 + int(self.element.nummer)

    @property
    def code(self) -> str:
        """The 6-digit form with leading zero, as foutcodes write it: ``010240``."""
        return f"{self.nummer:06d}"

    @property
    def column(self) -> str:
        return self.categorie.columns[self.element.nummer]

    @property
    def person_identifying(self) -> bool:
        return self.nummer in PERSON_IDENTIFYING

    @property
    def address_identifying(self) -> bool:
        return self.nummer in ADDRESS_IDENTIFYING

    @property
    def address_refining(self) -> bool:
        return self.nummer in ADDRESS_REFINING

    def __str__(self) -> str:
        c = f"{self.categorienummer:02d}"
        return f"{c}.{self.element.nummer[:2]}.{self.element.nummer[2:]} {self.element.name}"


def _all_rubrieken() -> dict[int, Rubriek]:
    rubrieken = {}
    for categorie in CATEGORIES.values():
        for element in categorie.elements():
            for historic in (False, True) if categorie.history else (False,):
                r = Rubriek(categorie, element, historic)
                rubrieken[r.nummer] = r
    return rubrieken


RUBRIEKEN: dict[int, Rubriek] = _all_rubrieken()
NUMMERS = frozenset(RUBRIEKEN)


def rubriek(nummer: int) -> Rubriek | None:
    """The rubriek with this number (``10240``, ``510240``), or None when unknown."""
    return RUBRIEKEN.get(nummer)


def categorie(nummer: int) -> Categorie | None:
    """The actual category for a category number, historic (51) or actual (1)."""
    if nummer > HISTORIE_OFFSET:
        c = CATEGORIES.get(nummer - HISTORIE_OFFSET)
        return c if c and c.history else None
    return CATEGORIES.get(nummer)


def format_rubriek(nummer: int) -> str:
    """A rubrieknummer as foutcodes write it: six digits with the leading zero."""
    return f"{nummer:06d}" if 0 <= nummer < 1000000 else str(nummer)
