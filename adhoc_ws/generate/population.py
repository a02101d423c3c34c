"""What the synthetic population is made of: names, places, households, and its numbers.

Small tables that ``adhoc-ws generate`` copies into the database
before it makes the persoonslijsten there, in SQL:

- names and places with the frequencies of the Dutch population, a share from elsewhere with
  the diacritics slim zoeken has to see through (Yılmaz, Müller, Nuñes, Østergaard, …), each
  with its stored columns (slim value, ``diak_*`` twin, folded and reversed search columns) made
  by :class:`~adhoc_ws.storage.mapping.StoredElement`, the code ``load`` uses;
- household patterns: blocks of 64 persons split into singles, couples, families and shared
  houses;
- the numbering: the n-th person's A-nummer (the LO3 A-nummer check) and BSN (the 11-proef),
  unique, from tables of number parts.

:func:`anummer_valid` and :func:`bsn_valid` are the checks themselves.
"""
from __future__ import annotations

import random

from ..storage.mapping import STORAGE

# (voorvoegsel, geslachtsnaam, weight): common Dutch surnames, weights roughly per 10,000
SURNAMES = [
    ("de", "Jong", 55), ("", "Jansen", 47), ("de", "Vries", 45), ("van den", "Berg", 37),
    ("van", "Dijk", 35), ("", "Bakker", 35), ("", "Janssen", 33), ("", "Visser", 32),
    ("", "Smit", 28), ("", "Meijer", 27), ("de", "Boer", 24), ("", "Mulder", 23),
    ("de", "Groot", 23), ("", "Bos", 23), ("", "Vos", 21), ("", "Peters", 21),
    ("", "Hendriks", 21), ("van", "Leeuwen", 20), ("", "Dekker", 19), ("", "Brouwer", 18),
    ("de", "Wit", 18), ("", "Dijkstra", 17), ("", "Smits", 17), ("de", "Graaf", 16),
    ("van der", "Meer", 16), ("van der", "Linden", 15), ("", "Kok", 15), ("", "Jacobs", 15),
    ("de", "Haan", 15), ("", "Vermeulen", 14), ("van den", "Heuvel", 14), ("van der", "Veen", 14),
    ("van den", "Broek", 14), ("de", "Bruijn", 13), ("de", "Bruin", 13), ("van der", "Heijden", 13),
    ("", "Schouten", 13), ("van", "Beek", 13), ("", "Willems", 13), ("van", "Vliet", 12),
    ("van de", "Ven", 12), ("", "Hoekstra", 12), ("", "Maas", 12), ("", "Verhoeven", 12),
    ("", "Koster", 12), ("van", "Dam", 12), ("van der", "Wal", 11), ("", "Prins", 11),
    ("", "Blom", 11), ("", "Huisman", 11), ("", "Peeters", 11), ("de", "Jonge", 11),
    ("", "Kuipers", 10), ("van", "Veen", 10), ("", "Post", 10), ("", "Kuiper", 10),
    ("", "Veenstra", 10), ("", "Kramer", 10), ("van den", "Brink", 10), ("", "Scholten", 10),
    ("van", "Wijk", 10), ("", "Postma", 9), ("", "Martens", 9), ("", "Vink", 9),
    ("de", "Ruiter", 9), ("", "Timmermans", 9), ("", "Groen", 9), ("", "Gerritsen", 9),
    ("", "Jonker", 9), ("van", "Loon", 9), ("", "Boer", 8), ("van der", "Velde", 8),
    ("", "Willemsen", 8), ("", "Smeets", 8), ("de", "Lange", 8), ("de", "Vos", 8),
    ("", "Bosch", 8), ("van", "Dongen", 8), ("", "Schipper", 8), ("de", "Koning", 8),
    ("van der", "Laan", 8), ("", "Koning", 8), ("van der", "Velden", 8), ("", "Driessen", 8),
    ("van", "Doorn", 8), ("", "Hermans", 8), ("", "Evers", 7), ("van den", "Bosch", 7),
    ("van der", "Meulen", 7), ("", "Hofman", 7), ("", "Bosman", 7), ("", "Wolters", 7),
    ("", "Sanders", 7), ("van der", "Horst", 7), ("", "Mol", 7), ("", "Kuijpers", 7),
    ("", "Molenaar", 7), ("van de", "Pol", 7), ("de", "Leeuw", 7), ("", "Verbeek", 7),
    ("", "Gilsing", 1), ("van", "Thoor Gilsing", 1), ("", "Thomassen", 2), ("", "Tomassen", 2),
    # from elsewhere, with the diacritics slim zoeken has to see through
    ("", "Yılmaz", 6), ("", "Kaya", 5), ("", "Demir", 5), ("", "Şahin", 4), ("", "Çelik", 4),
    ("", "Öztürk", 4), ("", "Aydın", 3), ("", "Gündoğan", 2), ("El", "Amrani", 4),
    ("", "Bouzid", 3), ("Ben", "Ali", 3), ("", "Müller", 4), ("", "Muller", 3), ("", "Mułłer", 1),
    ("", "Schmidt", 3), ("", "Nowak", 3), ("", "Kowalski", 3), ("", "Wiśniewski", 2),
    ("", "Dąbrowski", 1), ("", "Nguyen", 3), ("", "Tran", 2), ("", "Pereira", 2),
    ("", "Nuñes da Silva", 1), ("", "García", 2), ("", "Martínez", 2), ("", "Rodríguez", 2),
    ("", "Østergaard", 1), ("", "Jørgensen", 1), ("", "Đorđević", 1), ("", "Petrović", 1),
    ("", "Łukasiewicz", 1), ("", "Søndergaard", 1), ("", "Gonçalves", 1), ("", "Lefèvre", 1),
]
MALE = ["Jan", "Johannes", "Hendrik", "Cornelis", "Pieter", "Willem", "Gerrit", "Jacob",
        "Dirk", "Thomas", "Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Bram", "Luuk",
        "Jesse", "Noah", "Mohamed", "Ahmet", "Mehmet", "Youssef", "Kees", "Henk", "Piet",
        "Gert", "Martijn", "Jeroen", "Dennis", "Bas", "Tim", "Ruben", "Stefan", "Mark",
        "Hans", "Hein", "Jurjen", "Josha", "Arjen", "Frank", "Erik", "Sander", "René",
        "António", "José", "François", "Jürgen", "Łukasz", "Çağlar"]
FEMALE = ["Maria", "Johanna", "Anna", "Cornelia", "Elisabeth", "Wilhelmina", "Hendrika",
          "Emma", "Julia", "Sophie", "Tess", "Zoë", "Sara", "Anna", "Eva", "Lotte", "Noor",
          "Fleur", "Lisa", "Sanne", "Anouk", "Femke", "Ingrid", "Karin", "Monique", "Petra",
          "Linda", "Esther", "Marieke", "Fatima", "Aïcha", "Ayşe", "Elif", "Zeynep", "Inge",
          "Els", "Ria", "Joke", "Annemiek", "Hélène", "Renée", "Chloë", "Małgorzata", "Agnès"]
# (gemeentecode, woonplaats, first and last postcode digits, weight)
GEMEENTEN = [
    ("0363", "Amsterdam", 1011, 1109, 93), ("0599", "Rotterdam", 3011, 3089, 66),
    ("0518", "'s-Gravenhage", 2491, 2599, 56), ("0344", "Utrecht", 3511, 3585, 37),
    ("0772", "Eindhoven", 5611, 5658, 24), ("0014", "Groningen", 9711, 9747, 24),
    ("0855", "Tilburg", 5011, 5049, 22), ("0034", "Almere", 1311, 1361, 22),
    ("0758", "Breda", 4811, 4839, 19), ("0268", "Nijmegen", 6511, 6546, 18),
    ("0200", "Apeldoorn", 7311, 7339, 17), ("0392", "Haarlem", 2011, 2037, 16),
    ("0202", "Arnhem", 6811, 6846, 16), ("0153", "Enschede", 7511, 7548, 16),
    ("0193", "Zwolle", 8011, 8043, 13), ("0935", "Maastricht", 6211, 6229, 12),
    ("0546", "Leiden", 2311, 2334, 13), ("1952", "Midden-Groningen", 9611, 9649, 6),
    ("1891", "Feanwâlden", 9101, 9104, 2),
]
STREETS = ["Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Schoolstraat",
           "Julianastraat", "Beatrixstraat", "Wilhelminastraat", "Nieuwstraat", "Markt",
           "Hoofdstraat", "Industrieweg", "Parallelweg", "Eikenlaan", "Beukenlaan", "Lindelaan",
           "Kastanjelaan", "Berkenlaan", "Oranjestraat", "Kanaalweg", "Sportlaan",
           "Rembrandtlaan", "Vondelstraat", "Tulpstraat", "Rozenstraat", "Sweelinckstraat",
           "Prins Hendrikkade", "Emmastraat", "Van Goghstraat", "Burgemeester de Withstraat",
           "Händelstraat", "Singel", "Havenstraat", "Veldweg", "Esdoornlaan", "Zuiderkade"]
# (landcode of Tabel 34, two lines of a foreign address)
FOREIGN = [("5010", "Rue de la Loi 16", "1000 Bruxelles"), ("9089", "Hauptstraße 12", "10115 Berlin"),
           ("5002", "12 rue de Rivoli", "75001 Paris"), ("5003", "Bahnhofstrasse 3", "8001 Zürich"),
           ("6039", "12 High Street", "Oxford OX1 4AA"), ("6037", "Calle Mayor 5", "28013 Madrid"),
           ("7050", "Rua Augusta 20", "1100-053 Lisboa"), ("6043", "İstiklal Caddesi 8", "Istanbul")]
LETTERS = "ABCDEFGHJKLMNPRTVWXZ"  # postcode letters

VOORNAMEN_PER_GESLACHT = 4096  # combinations of one to three given names, per geslacht
BLOCK = 64  # persons per household pattern
PATTERNS = 512

# -- the numbers ---------------------------------------------------------------------------

_A_WEIGHTS = [pow(2, i, 11) for i in range(10)]  # 1, 2, 4, …, 512 modulo 11


def anummer_valid(anr: str) -> bool:
    """The LO3 A-nummer check: ten digits, the first not 0, no two neighbours equal, the sum of
    the digits leaves 0 or 5 divided by 11, and the sum of digit i times 2^i (i = 0 for the
    first) is divisible by 11."""
    if len(anr) != 10 or not anr.isdigit() or anr[0] == "0":
        return False
    d = [int(c) for c in anr]
    return (all(a != b for a, b in zip(d, d[1:])) and sum(d) % 11 in (0, 5)
            and sum(x * w for x, w in zip(d, _A_WEIGHTS)) % 11 == 0)


def bsn_valid(bsn: str) -> bool:
    """The 11-proef: 9 × d1 + 8 × d2 + … + 2 × d8 − d9 is divisible by 11."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    d = [int(c) for c in bsn]
    return (sum(x * w for x, w in zip(d, range(9, 1, -1))) - d[8]) % 11 == 0


# An A-nummer is made of three parts: digits 1-3 (ANR_HEAD: 729 ways without equal
# neighbours and no leading 0), digits 4-6 (ANR_MID: 729 ways per digit before them), and
# digits 7-10 (ANR_TAIL), which must make both sums right: for each class of the first six
# (digit sum and weighted sum modulo 11, last digit) there are 102 to 116 such tails, of which
# the first ANR_TAILS are used. So the n-th person's A-nummer is head (n / 102 / 729), mid
# (n / 102 % 729) and tail n % 102: 54 million A-nummers, each once.
ANR_TAILS = 102
# A BSN is a 6-digit stem from 100000 and a 3-digit tail: the 90 tails (of 100) whose
# check digit is not 10, for the stem's weighted digit sum modulo 11. 81 million BSNs.
BSN_TAILS = 90
BSN_STEM = 100_000


def _digit_runs(first: int | None, length: int) -> list[list[int]]:
    """Every run of ``length`` digits without equal neighbours, the first unlike ``first``
    (None: the run starts an A-nummer, so not with 0), in a fixed order."""
    runs = [[d] for d in range(10) if d != first and not (first is None and d == 0)]
    for _ in range(length - 1):
        runs = [run + [d] for run in runs for d in range(10) if d != run[-1]]
    return runs


def _part(run: list[int], offset: int) -> tuple[int, int, int, int]:
    """(value, digit sum, weighted sum from position ``offset``, last digit) of a digit run."""
    value = int("".join(map(str, run)))
    return value, sum(run), sum(d * _A_WEIGHTS[offset + i] for i, d in enumerate(run)), run[-1]


def anummer_tables() -> dict[str, list[tuple]]:
    head = [(i, *_part(run, 0)) for i, run in enumerate(_digit_runs(None, 3))]
    mid = [(before * 729 + i, *_part(run, 3))
           for before in range(10) for i, run in enumerate(_digit_runs(before, 3))]
    # tails by (digit before them, digit sum % 11, weighted sum % 11), in increasing order
    by_sums: dict[tuple, list[int]] = {}
    for before in range(10):
        for run in _digit_runs(before, 4):
            value, total, weighted, _ = _part(run, 6)
            by_sums.setdefault((before, total % 11, weighted % 11), []).append(value)
    tails = []
    for s in range(11):
        for w in range(11):
            for last in range(10):
                fitting = sorted(by_sums.get((last, (0 - s) % 11, -w % 11), [])
                                 + by_sums.get((last, (5 - s) % 11, -w % 11), []))
                base = ((s * 11 + w) * 10 + last) * ANR_TAILS
                tails += [(base + j, value) for j, value in enumerate(fitting[:ANR_TAILS])]
    return {"gen_anr_head": head, "gen_anr_mid": mid, "gen_anr_tail": tails}


def bsn_table() -> list[tuple]:
    """(stem sum modulo 11 × 90 + j, 3-digit tail): the j-th tail that completes the 11-proef."""
    rows = []
    for s in range(11):
        tails = [d7 * 100 + d8 * 10 + (s + 3 * d7 + 2 * d8) % 11
                 for d7 in range(10) for d8 in range(10) if (s + 3 * d7 + 2 * d8) % 11 != 10]
        rows += [(s * BSN_TAILS + j, tail) for j, tail in enumerate(tails[:BSN_TAILS])]
    return rows


# -- households ----------------------------------------------------------------------------

def household_patterns(rng: random.Random) -> list[tuple]:
    """PATTERNS blocks of BLOCK persons, each split into households:
    (pattern × BLOCK + slot, slot, slot of the household's first person, role, place in the
    household, number of children). Roles: S single, A and B a couple (man, woman), C their child,
    H a housemate of a shared house (with a couple)."""
    rows = []
    for pattern in range(PATTERNS):
        slots: list[tuple] = []
        while len(slots) < BLOCK:
            room = BLOCK - len(slots)
            kind = rng.random()
            if kind < 0.35 or room < 2:
                roles = ["S"]
            elif kind < 0.60:
                roles = ["A", "B"]
            elif kind < 0.97:
                roles = ["A", "B"] + ["C"] * min(rng.randint(1, 3), room - 2)
            else:
                roles = ["A", "B"] + ["H"] * min(rng.randint(3, 12), room - 2)
            head, children = len(slots), roles.count("C")
            slots += [(head, role, pos, children) for pos, role in enumerate(roles)]
        rows += [(pattern * BLOCK + slot, slot, *row) for slot, row in enumerate(slots)]
    return rows


# -- names and places, with their stored columns ---------------------------------------------

def _stored(category: int, element: str, waarde: str) -> dict:
    return STORAGE[category].elements[element].to_db(waarde)


def _urn(weighted) -> list:
    """Each item as often as its weight: picking a row at random follows the weights."""
    return [item for *item, weight in weighted for _ in range(weight)]


def name_tables() -> dict[str, list[tuple]]:
    surnames = []
    for i, (voorvoegsel, naam) in enumerate(_urn(SURNAMES)):
        c = _stored(1, "0240", naam)
        surnames.append((i, voorvoegsel or None, c["geslachts_naam"], c["diak_geslachts_naam"],
                         c["geslachts_naam_fold"], c["geslachts_naam_fold_rev"]))
    rng = random.Random(2026)
    voornamen = []
    for g, names in enumerate((MALE, FEMALE)):
        for j in range(VOORNAMEN_PER_GESLACHT):
            value = " ".join(rng.choice(names) for _ in range(rng.choice((1, 1, 2, 2, 3))))
            c = _stored(1, "0210", value)
            voornamen.append((g * VOORNAMEN_PER_GESLACHT + j, c["voor_naam"], c["diak_voor_naam"],
                              c["voor_naam_fold"]))
    return {"gen_surname": surnames, "gen_voornamen": voornamen}


def place_tables() -> dict[str, list[tuple]]:
    places = []
    for i, (code, plaats, low, high) in enumerate(_urn(GEMEENTEN)):
        c = _stored(8, "1170", plaats)
        places.append((i, code, int(code), low, high - low + 1, c["woon_plaats_naam"],
                       c["diak_woon_plaats_naam"], c["woon_plaats_naam_fold"]))
    streets = []
    for i, street in enumerate(STREETS):
        short, long = _stored(8, "1110", street[:24]), _stored(8, "1115", street)
        streets.append((i, short["straat_naam"], short["diak_straat_naam"], short["straat_naam_fold"],
                        long["open_ruimte_naam"], long["diak_open_ruimte_naam"],
                        long["open_ruimte_naam_fold"]))
    foreign = [(i, int(land), line1, line2) for i, (land, line1, line2) in enumerate(FOREIGN)]
    return {"gen_place": places, "gen_street": streets, "gen_foreign": foreign}
