"""The SQL that makes the persoonslijsten of a chunk, on SQLite and PostgreSQL.

Randomness is a hash of (seed, person or household number, what is drawn), in the same integer
arithmetic on both backends, so that both make the same persoonslijsten. The persons of a chunk
(blocks of 64, see :func:`population.household_patterns`) are first made in a temporary table
``gen_person``, one row each with what is drawn for them; one ``INSERT … SELECT`` per kind of
row then makes the persoonslijsten from it, with the names, places and number parts of the
reference tables (temporary tables too).
"""
from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache

from sqlalchemy.engine import Connection

from . import population as pop
from ..storage.mapping import ADDRESS_COLUMNS

# -- randomness --------------------------------------------------------------------------------
# hash(x) = ((x·a + b) mod P1) · ((x·c + d) mod P2) mod P3: the product of two sequences
# modulo different primes, uniform and without visible pattern between neighbours (checked with
# chi-square in tests/test_generate.py); a and c above 2^31 make PostgreSQL compute in bigint.
# Each hash is computed once per person (into gen_person) and gives several draws: its remainder
# by n, and the remainders of its quotients, are nearly independent while their product stays
# far below P3.
P1, P2, P3 = 2_147_483_647, 2_147_483_629, 2_147_483_587
STREAMS = ["pattern", "name", "surname", "born", "status", "left", "extra", "died", "since",
           "address", "postcode", "onderzoek_date", "vb_onderzoek_date",
           "h_name", "h_moved", "h_married", "h_address", "h_postcode"]


class Draw:
    """SQL expressions for random draws of one seed."""

    def __init__(self, seed: int):
        constants = random.Random(8_675_309)
        self.streams = {}
        for name in STREAMS:
            a, c = (constants.randrange(2**31, 2**32) for _ in range(2))
            b = (constants.randrange(P1) + seed * 1_000_003) % P1
            d = (constants.randrange(P2) + seed * 7_919) % P2
            self.streams[name] = (a, b, c, d)

    def hash(self, x: str, stream: str) -> str:
        """A number 0 … P3-1 drawn for the number ``x`` (an SQL expression) in a stream."""
        a, b, c, d = self.streams[stream]
        return f"((({x}) * {a} + {b}) % {P1} * ((({x}) * {c} + {d}) % {P2}) % {P3})"


def part(r: str, n: int, below: int = 1) -> str:
    """A draw 0 … n-1 from hash ``r``: its quotient by ``below`` modulo n."""
    return f"({r} % {n})" if below == 1 else f"({r} / {below} % {n})"


def date(r: str, first_year, last_year) -> str:
    """A date YYYYMMDD between the years (SQL expressions or numbers), days 1-28, from hash r."""
    return (f"((({first_year}) + {r} % (({last_year}) - ({first_year}) + 1)) * 10000"
            f" + {r} / 97 % 12 * 100 + 100 + {r} / 1213 % 28 + 1)")


# -- the two dialects ----------------------------------------------------------------------------

class Dialect:
    def __init__(self, name: str):
        self.name = name
        self.pg = name == "postgresql"

    def blocks(self, first: int, end: int) -> str:
        """A FROM item of block numbers first … end-1, as ``b(blk)``."""
        if self.pg:
            return f"generate_series(CAST({first} AS bigint), {end - 1}) AS b(blk)"
        return (f"(WITH RECURSIVE s(blk) AS (SELECT {first} UNION ALL SELECT blk + 1 FROM s "
                f"WHERE blk < {end - 1}) SELECT blk FROM s) AS b")

    def greatest(self, a: str, b: str) -> str:
        return f"greatest({a}, {b})" if self.pg else f"max({a}, {b})"

    def letter(self, letters: str, index: str) -> str:
        """The character at (0-based) ``index`` of the string ``letters``."""
        position = f"CAST({index} AS integer) + 1" if self.pg else f"{index} + 1"
        return f"substr('{letters}', {position}, 1)"

    def timestamp(self, moment: dt.datetime) -> str:
        value = f"'{moment:%Y-%m-%d %H:%M:%S.%f}'"
        return f"CAST({value} AS timestamp)" if self.pg else value

    def integer_key(self) -> str:
        return "bigint PRIMARY KEY" if self.pg else "INTEGER PRIMARY KEY"


# -- the reference tables ----------------------------------------------------------------------

REFERENCE_COLUMNS = {
    "gen_slot": "slot, head, role, pos, nkids",
    "gen_anr_head": "value, s, w, last",
    "gen_anr_mid": "value, s, w, last",
    "gen_anr_tail": "value",
    "gen_bsn_tail": "value",
    "gen_surname": "voorvoegsel, naam, diak, fold, fold_rev",
    "gen_voornamen": "naam, diak, fold",
    "gen_place": "code, gemeente, pc_low, pc_span, naam, diak, fold",
    "gen_street": "naam, diak, fold, ruimte, ruimte_diak, ruimte_fold",
    "gen_foreign": "land, line1, line2",
}


@lru_cache(maxsize=1)
def reference_rows() -> dict[str, list[tuple]]:
    return {"gen_slot": pop.household_patterns(random.Random(20_261_130)),
            **pop.anummer_tables(), "gen_bsn_tail": pop.bsn_table(),
            **pop.name_tables(), **pop.place_tables()}


def create_reference_tables(conn: Connection, dialect: Dialect) -> None:
    """The reference tables and ``gen_person`` as temporary tables of this connection."""
    cursor = conn.connection.driver_connection.cursor()
    drop_temporary_tables(cursor, dialect)  # of an earlier run on this pooled connection
    for name, rows in reference_rows().items():
        columns = REFERENCE_COLUMNS[name].split(", ")
        types = [_type(rows, i + 1, dialect) for i in range(len(columns))]
        cursor.execute(f"CREATE TEMP TABLE {name} (id {dialect.integer_key()}, "
                       + ", ".join(f"{c} {t}" for c, t in zip(columns, types)) + ")")
        if dialect.pg:
            with cursor.copy(f"COPY {name} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * (len(columns) + 1))})",
                               rows)
    cursor.execute(f"CREATE TEMP TABLE gen_person (i {dialect.integer_key()}, " + ", ".join(
        f"{c} {'text' if c in PERSON_TEXT else 'bigint'}" for c in PERSON_COLUMNS) + ")")
    for name in REFERENCE_COLUMNS:  # the planner needs their sizes
        cursor.execute(f"ANALYZE {'' if dialect.pg else 'temp.'}{name}")


def drop_temporary_tables(cursor, dialect: Dialect) -> None:
    schema = "pg_temp" if dialect.pg else "temp"
    for name in [*REFERENCE_COLUMNS, "gen_person"]:
        cursor.execute(f"DROP TABLE IF EXISTS {schema}.{name}")


def _type(rows, index: int, dialect: Dialect) -> str:
    values = [r[index] for r in rows if r[index] is not None]
    return "text" if values and isinstance(values[0], str) else "bigint"


# -- the persons of a chunk ------------------------------------------------------------------------

PERSON_HASHES = ["name", "surname", "born", "status", "left", "extra", "died", "since",
                 "address", "postcode"]
HOUSEHOLD_HASHES = ["h_name", "h_moved", "h_married", "h_address", "h_postcode"]
KEPT_HASHES = ["died", "since", "address", "postcode", "h_address", "h_postcode"]  # for the rows
PERSON_COLUMNS = ["h", "role", "pos", "nkids", "pl_id", "a_nr", "bsn", "geslacht", "vn",
                  "naamgebruik", "onderzoek", "sn", "old_sn", "geboren", "place", "moved",
                  "married", "reden", "foreign_id", "tijdelijk", "prev", "left_on", "vb_onderzoek",
                  "prev_place", *(f"r_{stream}" for stream in KEPT_HASHES)]
PERSON_TEXT = {"role", "geslacht", "naamgebruik", "reden"}


class Run:
    """The SQL of one run: ``count`` persons after ``base`` earlier ones (pl_id base + 1 …),
    addresses numbered from ``adres_base`` + 1."""

    def __init__(self, dialect: Dialect, seed: int, count: int, base: int, adres_base: int,
                 now: dt.datetime, chunk: int):
        self.d, self.draw = dialect, Draw(seed)
        self.count, self.base, self.adres_base, self.chunk = count, base, adres_base, chunk
        self.now = dialect.timestamp(now)
        self.surnames = len(reference_rows()["gen_surname"])
        self.places = len(reference_rows()["gen_place"])

    def chunks(self) -> list[tuple[int, int]]:
        """(first block, end block) per chunk."""
        blocks = -(-self.count // pop.BLOCK)
        per_chunk = max(1, self.chunk // pop.BLOCK)
        return [(b, min(b + per_chunk, blocks)) for b in range(0, blocks, per_chunk)]

    def statements(self, first_block: int, end_block: int) -> list[str]:
        end = min(self.count, end_block * pop.BLOCK)
        where = f"g.i >= {first_block * pop.BLOCK} AND g.i < {end}"
        return ["DELETE FROM gen_person", self.persons(first_block, end_block),
                *(statement.format(where=where) for statement in self.rows())]

    def persons(self, first_block: int, end_block: int) -> str:
        """Fill gen_person with whole blocks (a household never crosses a block), so that the
        partner, parents and children of the chunk's last persons are there. The hashes are
        made once per person (a materialised CTE) and give all that is drawn."""
        d, draw, n = self.d, self.draw, pop.BLOCK
        first = f"{self.base} + b.blk * {n}"  # the global number of the block's first person
        pattern = f"{draw.hash(first, 'pattern')} % {pop.PATTERNS}"
        hashes = [f"{draw.hash(f'{first} + s.slot', stream)} AS r_{stream}" for stream in PERSON_HASHES]
        hashes += [f"{draw.hash(f'{first} + s.head', stream)} AS r_{stream}" for stream in HOUSEHOLD_HASHES]
        drawn = (f"SELECT b.blk * {n} + s.slot AS i, b.blk * {n} + s.head AS h, {first} + s.slot AS m, "
                 f"s.role, s.pos, s.nkids, {', '.join(hashes)} "
                 f"FROM {d.blocks(first_block, end_block)} JOIN gen_slot s "
                 f"ON s.id BETWEEN ({pattern}) * {n} AND ({pattern}) * {n} + {n - 1}")
        stem = f"({pop.BSN_STEM} + g.m / {pop.BSN_TAILS})"
        stem_sum = " + ".join(f"{stem} / {10 ** (5 - k)} % 10 * {9 - k}" for k in range(6))
        q = f"(g.m / {pop.ANR_TAILS})"
        names, surnames, places = pop.VOORNAMEN_PER_GESLACHT, self.surnames, self.places
        values = {
            "i": "g.i", "h": "g.h", "role": "g.role", "pos": "g.pos", "nkids": "g.nkids",
            "pl_id": "g.m + 1",
            "a_nr": "(ah.value * 1000 + am.value) * 10000 + at.value",
            "bsn": f"{stem} * 1000 + bt.value",
            "geslacht": f"CASE g.role WHEN 'A' THEN 'M' WHEN 'B' THEN 'V' "
                        f"ELSE {d.letter('MV', part('g.r_name', 2))} END",
            "vn": f"CASE g.role WHEN 'A' THEN 0 WHEN 'B' THEN {names} "
                  f"ELSE {part('g.r_name', 2)} * {names} END + {part('g.r_name', names, 2)}",
            "naamgebruik": f"CASE WHEN g.role = 'B' AND {part('g.r_name', 10, 2 * names)} < 3 "
                           f"THEN 'V' ELSE 'E' END",  # 30% of wives use their husband's name
            "onderzoek": f"CASE WHEN {part('g.r_name', 100, 20 * names)} = 0 "
                         f"THEN {date(draw.hash('g.m', 'onderzoek_date'), 2015, 2024)} END",
            "sn": f"CASE WHEN g.role IN ('A', 'C') THEN {part('g.r_h_name', surnames)} "
                  f"ELSE {part('g.r_surname', surnames)} END",
            "old_sn": f"CASE WHEN {part('g.r_surname', 100, surnames)} < 4 "
                      f"THEN {part('g.r_surname', surnames, 100 * surnames)} END",
            "geboren": f"CASE g.role WHEN 'C' THEN {date('g.r_born', 2005, 2024)}"
                       f" WHEN 'H' THEN {date('g.r_born', 1995, 2006)}"
                       f" WHEN 'S' THEN {date('g.r_born', 1930, 2005)}"
                       f" ELSE {date('g.r_born', 1935, 2000)} END",
            "place": part("g.r_h_name", places, surnames),
            "moved": date("g.r_h_moved", 1995, 2024),
            "married": f"CASE WHEN g.role IN ('A', 'B') THEN {date('g.r_h_married', 1960, 2022)} END",
            # 18% overleden (O), 18% niet-ingezetene: E 60%, R 35%, M 5%
            "reden": f"CASE {part('g.r_status', 100)} / 18 WHEN 0 THEN 'O' WHEN 1 THEN "
                     f"{d.letter('EEEEEEEEEEEERRRRRRRM', part('g.r_status', 20, 100))} END",
            "foreign_id": part("g.r_status", len(pop.FOREIGN), 2000),
            "tijdelijk": f"CASE WHEN {part('g.r_status', 10, 16000)} = 0 THEN 1 ELSE 0 END",
            "prev": f"CASE WHEN {part('g.r_status', 100, 160000)} < 33 THEN 1 ELSE 0 END",
            "left_on": date("g.r_left", 2000, 2025),
            "vb_onderzoek": f"CASE WHEN {part('g.r_extra', 1000)} < 5 "
                            f"THEN {date(draw.hash('g.m', 'vb_onderzoek_date'), 2020, 2025)} END",
            "prev_place": part("g.r_extra", places, 1000),
            **{f"r_{stream}": f"g.r_{stream}" for stream in KEPT_HASHES},
        }
        return (f"WITH g AS MATERIALIZED ({drawn}) "
                f"INSERT INTO gen_person ({', '.join(values)}) SELECT {', '.join(values.values())} "
                f"FROM g "
                f"JOIN gen_anr_head ah ON ah.id = {q} / 729 "
                f"JOIN gen_anr_mid am ON am.id = ah.last * 729 + {q} % 729 "
                f"JOIN gen_anr_tail at ON at.id = (((ah.s + am.s) % 11 * 11 + (ah.w + am.w) % 11)"
                f" * 10 + am.last) * {pop.ANR_TAILS} + g.m % {pop.ANR_TAILS} "
                f"JOIN gen_bsn_tail bt ON bt.id = ({stem_sum}) % 11 * {pop.BSN_TAILS} + g.m % {pop.BSN_TAILS}")

    # -- the rows of the persoonslijsten -------------------------------------------------------

    def died(self) -> str:
        return date("g.r_died", self.d.greatest("g.geboren / 10000 + 1", "1995"), 2025)

    def rows(self) -> list[str]:
        """INSERT … SELECT statements over gen_person g, each with a ``{where}`` for its chunk."""
        household_adres = f"{self.adres_base} + 2 * g.h + 1"
        previous_adres = f"{self.adres_base} + 2 * g.i + 2"
        lives_here = "(g.reden IS NULL OR g.reden IN ('O', 'E') OR g.tijdelijk = 1)"
        rni = "g.reden IN ('E', 'R', 'M')"
        since = date("g.r_since", 1970, self.d.greatest("1970", "g.moved / 10000 - 1"))
        return [
            _insert("lo3_pl", {
                "pl_id": "g.pl_id",
                "bijhouding_opschort_datum": f"CASE WHEN g.reden = 'O' THEN {self.died()} "
                                             f"WHEN {rni} THEN g.left_on END",
                "bijhouding_opschort_reden": "g.reden",
                "gba_eerste_inschrijving_datum": "19941001", "pk_gemeente_code": "p.gemeente",
                "geheim_ind": "0", "versie_nr": "1",
                "verificatie_datum": f"CASE WHEN {rni} THEN g.left_on END",
                "verificatie_oms": f"CASE WHEN {rni} THEN 'Geverifieerd in BRP-V' END",
                "rni_deelnemer": f"CASE WHEN {rni} THEN 101 END",
                "creatie_dt": self.now, "mutatie_dt": self.now,
            }, "gen_person g JOIN gen_place p ON p.id = g.place"),
            _insert("lo3_pl_persoon", {
                "pl_id": "g.pl_id", "persoon_type": "'P'", "stapel_nr": "0", "volg_nr": "0",
                "a_nr": "g.a_nr", "burger_service_nr": "g.bsn", **_naam("v", "s"),
                "geboorte_datum": "g.geboren", "geboorte_plaats": "p.code",
                "geboorte_land_code": "6030", "geslachts_aand": "g.geslacht",
                "naam_gebruik_aand": "g.naamgebruik",
                "onderzoek_gegevens_aand": "CASE WHEN g.onderzoek IS NOT NULL THEN 10240 END",
                "onderzoek_start_datum": "g.onderzoek", "geldigheid_start_datum": "g.geboren",
            }, "gen_person g JOIN gen_voornamen v ON v.id = g.vn JOIN gen_surname s ON s.id = g.sn "
               "JOIN gen_place p ON p.id = g.place"),
            # a previous geslachtsnaam
            _insert("lo3_pl_persoon", {
                "pl_id": "g.pl_id", "persoon_type": "'P'", "stapel_nr": "0", "volg_nr": "1",
                "geslachts_naam": "s.naam", "diak_geslachts_naam": "s.diak",
                "geslachts_naam_fold": "s.fold", "geslachts_naam_fold_rev": "s.fold_rev",
                "geldigheid_start_datum": "g.geboren",
            }, "gen_person g JOIN gen_surname s ON s.id = g.old_sn"),
            # the partner (05) of each of a couple
            _insert("lo3_pl_persoon", {
                "pl_id": "g.pl_id", "persoon_type": "'R'", "stapel_nr": "0", "volg_nr": "0",
                "burger_service_nr": "o.bsn", **_naam("v", "s"), "geboorte_datum": "o.geboren",
                "geslachts_aand": "o.geslacht", "relatie_start_datum": "g.married",
                "relatie_start_plaats": "'0363'", "relatie_start_land_code": "6030",
                "verbintenis_soort": "'H'", "geldigheid_start_datum": "g.married",
            }, "gen_person g CROSS JOIN gen_person o "
               "JOIN gen_voornamen v ON v.id = o.vn JOIN gen_surname s ON s.id = o.sn",
                "g.role IN ('A', 'B') AND o.i = g.i + CASE g.role WHEN 'A' THEN 1 ELSE -1 END"),
            # the parents (02, 03) of a child
            _insert("lo3_pl_persoon", {
                "pl_id": "g.pl_id", "persoon_type": "CASE o.role WHEN 'A' THEN '1' ELSE '2' END",
                "stapel_nr": "0", "volg_nr": "0", "burger_service_nr": "o.bsn", **_naam("v", "s"),
                "geboorte_datum": "o.geboren", "geslachts_aand": "o.geslacht",
                "familie_betrek_start_datum": "g.geboren",
            }, "gen_person g CROSS JOIN gen_person o "
               "JOIN gen_voornamen v ON v.id = o.vn JOIN gen_surname s ON s.id = o.sn",
                "g.role = 'C' AND o.i BETWEEN g.h AND g.h + 1"),
            # the children (09) of a couple, a stapel each
            _insert("lo3_pl_persoon", {
                "pl_id": "g.pl_id", "persoon_type": "'K'", "stapel_nr": "c.pos - 2", "volg_nr": "0",
                "burger_service_nr": "c.bsn", **_naam("v", "s"), "geboorte_datum": "c.geboren",
            }, "gen_person g CROSS JOIN gen_person c "
               "JOIN gen_voornamen v ON v.id = c.vn JOIN gen_surname s ON s.id = c.sn",
                "g.role IN ('A', 'B') AND g.nkids > 0 AND c.i BETWEEN g.h + 2 AND g.h + 1 + g.nkids"),
            _insert("lo3_pl_nationaliteit", {
                "pl_id": "g.pl_id", "stapel_nr": "0", "volg_nr": "0", "nationaliteit_code": "1",
                "nl_nat_verkrijg_reden": "1", "geldigheid_start_datum": "g.geboren",
            }, "gen_person g"),
            _insert("lo3_pl_overlijden", {
                "pl_id": "g.pl_id", "volg_nr": "0", "overlijden_datum": self.died(),
                "overlijden_plaats": "p.code", "overlijden_land_code": "6030",
                "geldigheid_start_datum": self.died(),
            }, "gen_person g JOIN gen_place p ON p.id = g.place", "g.reden = 'O'"),
            # where the household lives: actual, or history of an emigrant (E)
            _insert("lo3_pl_verblijfplaats", {
                "pl_id": "g.pl_id", "volg_nr": "CASE WHEN g.reden = 'E' THEN 1 ELSE 0 END",
                "inschrijving_gemeente_code": "p.gemeente", "adres_id": household_adres,
                "inschrijving_datum": "g.moved", "adres_functie": "'W'",
                "adreshouding_start_datum": "g.moved", "aangifte_adreshouding_oms": "'I'",
                "onderzoek_gegevens_aand": "CASE WHEN g.reden IS NULL AND g.vb_onderzoek IS NOT NULL "
                                           "THEN 89999 END",
                "onderzoek_start_datum": "CASE WHEN g.reden IS NULL THEN g.vb_onderzoek END",
                "geldigheid_start_datum": "g.moved",
            }, "gen_person g JOIN gen_place p ON p.id = g.place",
                "(g.reden IS NULL OR g.reden IN ('O', 'E'))"),
            # a previous address
            _insert("lo3_pl_verblijfplaats", {
                "pl_id": "g.pl_id", "volg_nr": "CASE WHEN g.reden = 'E' THEN 2 ELSE 1 END",
                "inschrijving_gemeente_code": "p.gemeente", "adres_id": previous_adres,
                "inschrijving_datum": since, "adres_functie": "'W'",
                "adreshouding_start_datum": since, "aangifte_adreshouding_oms": "'I'",
                "geldigheid_start_datum": since,
            }, "gen_person g JOIN gen_place p ON p.id = g.prev_place",
                "g.prev = 1 AND (g.reden IS NULL OR g.reden IN ('O', 'E'))"),
            # a niet-ingezetene's address abroad
            _insert("lo3_pl_verblijfplaats", {
                "pl_id": "g.pl_id", "volg_nr": "0", "inschrijving_gemeente_code": "1999",
                "vertrek_land_code": "f.land", "vertrek_datum": "g.left_on",
                "vertrek_land_adres_1": "f.line1", "vertrek_land_adres_2": "f.line2",
                "geldigheid_start_datum": "g.left_on", "rni_deelnemer": "101",
            }, "gen_person g JOIN gen_foreign f ON f.id = g.foreign_id", rni),
            _insert("lo3_pl_tijdelijk_verblijfadres", {
                "pl_id": "g.pl_id", "volg_nr": "0", "inschrijving_gemeente_code": "p.gemeente",
                "adres_id": household_adres, "adres_functie": "'W'",
                "adreshouding_start_datum": "g.left_on", "geldigheid_start_datum": "g.left_on",
            }, "gen_person g JOIN gen_place p ON p.id = g.place", f"{rni} AND g.tijdelijk = 1"),
            # the household's address, made by its first member who lives there
            self.address(household_adres, "p.id = g.place", "g.r_h_",
                         f"{lives_here} AND NOT EXISTS (SELECT 1 FROM gen_person e WHERE e.i >= g.h "
                         f"AND e.i < g.i AND {lives_here.replace('g.', 'e.')})"),
            self.address(previous_adres, "p.id = g.prev_place", "g.r_",
                         "g.prev = 1 AND (g.reden IS NULL OR g.reden IN ('O', 'E'))"),
        ]

    def address(self, adres_id: str, place: str, hashes: str, condition: str) -> str:
        """The lo3_adres rows of one kind of address, drawn from the hashes named
        ``hashes`` + address and postcode."""
        a, pc, letter = f"{hashes}address", f"{hashes}postcode", self.d.letter
        fields = {
            "adres_id": adres_id, "gemeente_code": "p.gemeente",
            "straat_naam": "st.naam", "diak_straat_naam": "st.diak",
            "huis_nr": f"1 + {part(a, 250, 36)}",
            "huis_letter": f"CASE WHEN {part(a, 100, 9000)} < 8 THEN {letter('ABC', part(a, 3, 900000))} END",
            "postcode": f"CAST(p.pc_low + {pc} % p.pc_span AS TEXT)"
                        f" || {letter(pop.LETTERS, part(pc, 20, 1024))}"
                        f" || {letter(pop.LETTERS, part(pc, 20, 20480))}",
            "open_ruimte_naam": "st.ruimte", "diak_open_ruimte_naam": "st.ruimte_diak",
            "woon_plaats_naam": "p.naam", "diak_woon_plaats_naam": "p.diak",
            "verblijf_plaats_ident_code": f"p.code || '01' || substr(CAST(10000000000 + {adres_id} AS TEXT), 2)",
            "nummer_aand_ident_code": f"p.code || '20' || substr(CAST(10000000000 + {adres_id} AS TEXT), 2)",
            "straat_naam_fold": "st.fold", "open_ruimte_naam_fold": "st.ruimte_fold",
            "woon_plaats_naam_fold": "p.fold",
        }
        inner = _select(fields, f"gen_person g JOIN gen_place p ON {place} "
                                f"JOIN gen_street st ON st.id = {part(a, len(pop.STREETS))}", condition)
        # address_key: every address column as text ('' for none), separated by \x1f
        key = "format('" + "\x1f".join("%s" for _ in ADDRESS_COLUMNS) + "', " + ", ".join(
            f"a.{c}" if c in fields else "NULL" for c in ADDRESS_COLUMNS) + ")"
        columns = [*fields, "postcode_fold", "address_key", "creatie_dt"]
        return (f"INSERT INTO lo3_adres ({', '.join(columns)}) SELECT "
                + ", ".join(f"a.{c}" for c in fields)
                + f", lower(a.postcode), {key}, {self.now} FROM ({inner}) a")


def _naam(v: str, s: str) -> dict[str, str]:
    """The name columns of a persoon row from gen_voornamen ``v`` and gen_surname ``s``."""
    return {"voor_naam": f"{v}.naam", "diak_voor_naam": f"{v}.diak",
            "geslachts_naam_voorvoegsel": f"{s}.voorvoegsel", "geslachts_naam": f"{s}.naam",
            "diak_geslachts_naam": f"{s}.diak", "voor_naam_fold": f"{v}.fold",
            "geslachts_naam_fold": f"{s}.fold", "geslachts_naam_fold_rev": f"{s}.fold_rev"}


def _select(values: dict[str, str], source: str, condition: str | None = None) -> str:
    """SELECT values FROM source WHERE {where} [AND condition]: ``{where}`` is the chunk's."""
    where = "{where}" + (f" AND {condition}" if condition else "")
    return ("SELECT " + ", ".join(f"{v} AS {c}" for c, v in values.items())
            + f" FROM {source} WHERE {where}")


def _insert(table: str, values: dict[str, str], source: str, condition: str | None = None) -> str:
    return f"INSERT INTO {table} ({', '.join(values)}) " + _select(values, source, condition)
