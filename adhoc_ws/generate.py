"""A synthetic, realistic population of persoonslijsten, for benchmarks and national-scale tests.

Households (singles, couples, families, shared houses) live on addresses in Dutch gemeenten
with real gemeentecodes and postcode ranges; names follow the frequency of common Dutch
surnames, with a share of names from elsewhere (diacritics: Yılmaz, Müller, Nuñes,
Østergaard, …). About 64% ingezetenen, 18% niet-ingezetenen (opschorting E, R, M with
RNI-deelnemer and verificatie; some with a tijdelijk verblijfadres, category 16) and 18%
overledenen (opschorting O, category 06), as in the BRP; a third has a previous address
(historic 08), a few a previous name (historic 01) and a few data in onderzoek. Partners,
parents and children refer to each other's BSNs.

Everything is drawn from one seeded random generator: the same seed and count give the same
persoonslijsten.
"""
from __future__ import annotations

import bisect
import datetime as dt
import gc
import itertools
import multiprocessing
import os
import random
from dataclasses import dataclass, field
from typing import Iterator

from sqlalchemy import func, select

from .storage import database
from .storage.bulk import RowMaker, insert_rows
from .storage.mapping import Persoonslijst
from .storage.schema import lo3_adres, lo3_pl

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
LETTERS = "ABCDEFGHJKLMNPRTVWXZ"
MONTHS = [f"{m:02d}" for m in range(1, 13)]
DAYS = [f"{d:02d}" for d in range(1, 29)]


def _bsn(counter: int) -> str | None:
    """A BSN that passes the elfproef, from an 8-digit counter (None for the 1 in 11 that cannot)."""
    digits = f"{counter:08d}"
    check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1))) % 11
    return None if check == 10 else digits + str(check)


@dataclass
class _Person:
    anr: str
    bsn: str
    voornamen: str
    voorvoegsel: str
    geslachtsnaam: str
    geboren: str
    geslacht: str
    naamgebruik: str = "E"
    pl: Persoonslijst = field(default_factory=dict)


class Population:
    """Draws persoonslijsten; ``start`` makes A-nummers and BSNs that no earlier run used."""

    def __init__(self, seed=1, start: int = 0, address_start: int | None = None):
        self.rng = random.Random(seed)
        self.random = self.rng.random
        self.counter = itertools.count(10_000_000 + start * 2)
        self.address_ids = itertools.count(start + 1 if address_start is None else address_start)
        self.surnames = [(v, n) for v, n, _ in SURNAMES]
        self.surname_weights = list(itertools.accumulate(w for *_, w in SURNAMES))
        self.gemeente_weights = list(itertools.accumulate(g[4] for g in GEMEENTEN))

    # random's own helpers (randint, choice, choices) cost microseconds each; these do not
    def _pick(self, items):
        return items[int(self.random() * len(items))]

    def _between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def _weighted(self, items, cumulative):
        return items[bisect.bisect(cumulative, self.random() * cumulative[-1])]

    def persoonslijsten(self, count: int) -> Iterator[Persoonslijst]:
        made = 0
        while made < count:
            for person in self._household():
                yield person.pl
                made += 1
                if made == count:
                    return

    # -- people and addresses ------------------------------------------------------------
    def _numbers(self) -> tuple[str, str]:
        while True:
            n = next(self.counter)
            bsn = _bsn(n)
            if bsn:
                return f"{2_000_000_000 + n:010d}", bsn

    def _date(self, first: int, last: int) -> str:
        return f"{self._between(first, last)}{self._pick(MONTHS)}{self._pick(DAYS)}"

    def _person(self, surname, geslacht: str, born: tuple[int, int]) -> _Person:
        names = MALE if geslacht == "M" else FEMALE
        voornamen = " ".join(self._pick(names) for _ in range(self._pick((1, 1, 2, 2, 3))))
        anr, bsn = self._numbers()
        return _Person(anr, bsn, voornamen, surname[0], surname[1], self._date(*born), geslacht)

    def _surname(self):
        return self._weighted(self.surnames, self.surname_weights)

    def _address(self) -> dict:
        code, plaats, low, high, _ = self._weighted(GEMEENTEN, self.gemeente_weights)
        n = next(self.address_ids)
        street = self._pick(STREETS)
        address = {"0910": code, "1010": "W", "1110": street[:24], "1115": street,
                   "1120": str(self._between(1, 250)),
                   "1160": f"{self._between(low, high)}{self._pick(LETTERS)}{self._pick(LETTERS)}",
                   "1170": plaats, "1180": f"{code}01{n:010d}", "1190": f"{code}20{n:010d}"}
        if self.random() < 0.08:
            address["1130"] = self._pick("ABC")
        return address

    # -- households ----------------------------------------------------------------------
    def _household(self) -> list[_Person]:
        kind = self.random()
        surname = self._surname()
        if kind < 0.35:
            people = [self._person(surname, self._pick("MV"), (1930, 2005))]
        elif kind < 0.60 or kind >= 0.97:
            people = self._couple(surname)
        else:
            people = self._couple(surname)
            people += [self._person(surname, self._pick("MV"), (2005, 2024))
                       for _ in range(self._between(1, 3))]
            for child in people[2:]:
                self._relate_child(child, people[0], people[1])
        if kind >= 0.97:  # a shared house: several unrelated adults
            people += [self._person(self._surname(), self._pick("MV"), (1995, 2006))
                       for _ in range(self._between(3, 12))]
        address = self._address()
        moved = self._date(1995, 2024)
        for person in people:
            self._fill(person, address, moved)
        return people

    def _couple(self, surname) -> list[_Person]:
        a = self._person(surname, "M", (1935, 2000))
        b = self._person(self._surname(), "V", (1935, 2000))
        married = self._date(1960, 2022)
        for one, other in ((a, b), (b, a)):
            one.pl["05"] = [[{"0120": other.bsn, "0210": other.voornamen,
                              **({"0230": other.voorvoegsel} if other.voorvoegsel else {}),
                              "0240": other.geslachtsnaam, "0310": other.geboren,
                              "0410": other.geslacht, "0610": married, "0620": "0363",
                              "0630": "6030", "1510": "H", "8510": married}]]
        if self.random() < 0.3:
            b.naamgebruik = "V"
        return [a, b]

    @staticmethod
    def _relate_child(child: _Person, *parents: _Person) -> None:
        for code, parent in zip(("02", "03"), parents):
            child.pl[code] = [[{"0120": parent.bsn, "0210": parent.voornamen,
                                **({"0230": parent.voorvoegsel} if parent.voorvoegsel else {}),
                                "0240": parent.geslachtsnaam, "0310": parent.geboren,
                                "0410": parent.geslacht, "6210": child.geboren}]]
            parent.pl.setdefault("09", []).append(
                [{"0120": child.bsn, "0210": child.voornamen, "0240": child.geslachtsnaam,
                  "0310": child.geboren}])

    def _fill(self, person: _Person, address: dict, moved: str) -> None:
        random, pl = self.random, person.pl
        persoon = {"0110": person.anr, "0120": person.bsn, "0210": person.voornamen,
                   "0240": person.geslachtsnaam, "0310": person.geboren,
                   "0320": address["0910"], "0330": "6030", "0410": person.geslacht,
                   "6110": person.naamgebruik, "8510": person.geboren}
        if person.voorvoegsel:
            persoon["0230"] = person.voorvoegsel
        stapel = [persoon]
        if random() < 0.04:
            stapel.append({"0240": self._surname()[1], "8510": person.geboren})
        if random() < 0.01:
            persoon.update({"8310": "010240", "8320": self._date(2015, 2024)})
        pl["01"] = [stapel]
        pl["04"] = [[{"0510": "0001", "6310": "001", "8510": person.geboren}]]
        inschrijving = {"6810": "19941001", "6910": address["0910"], "7010": "0", "8010": "0001"}
        verblijf = [{**address, "0920": moved, "1030": moved, "7210": "I", "8510": moved}]
        if random() < 0.33:
            previous = self._address()
            since = self._date(1970, max(1970, int(moved[:4]) - 1))
            verblijf.append({**previous, "0920": since, "1030": since, "7210": "I", "8510": since})
        status = random()
        if status < 0.18:
            died = self._date(max(int(person.geboren[:4]) + 1, 1995), 2025)
            pl["06"] = [[{"0810": died, "0820": address["0910"], "0830": "6030", "8510": died}]]
            inschrijving.update({"6710": died, "6720": "O"})
        elif status < 0.36:
            reden = self._weighted("ERM", (60, 95, 100))
            left = self._date(2000, 2025)
            land, line1, line2 = self._pick(FOREIGN)
            inschrijving.update({"6710": left, "6720": reden, "7110": left,
                                 "7120": "Geverifieerd in BRP-V", "8810": "0101"})
            abroad = {"0910": "1999", "1310": land, "1320": left, "1330": line1, "1340": line2,
                      "8510": left, "8810": "0101"}
            verblijf = [abroad] + (verblijf if reden == "E" else [])
            if random() < 0.1:
                pl["16"] = [[{**address, "1030": left, "8510": left}]]
        elif random() < 0.005:
            verblijf[0].update({"8310": "089999", "8320": self._date(2020, 2025)})
        pl["07"] = [[inschrijving]]
        pl["08"] = [verblijf]


# -- straight into a database ----------------------------------------------------------------

CHUNK = 10_000


_engines: dict = {}
_write_lock = None


def _start_worker(lock) -> None:
    global _write_lock
    _write_lock = lock


def _chunk(job) -> int:
    """Make one chunk of the population and write it: run in a worker process."""
    url, seed, index, count, pl_id, adres_id, start, now = job
    gc.disable()  # millions of small objects that live until the chunk is written
    maker = RowMaker(adres_id, now)
    population = Population(seed=seed * 1_000_003 + index, start=start, address_start=adres_id)
    for offset, pl in enumerate(population.persoonslijsten(count)):
        maker.add(pl_id + offset, pl)
    if url not in _engines:  # one per worker process, made after the fork
        _engines[url] = database.open_engine(url)
    engine = _engines[url]
    if engine.dialect.name == "sqlite":
        # one writer at a time: take turns on a lock rather than in SQLite's busy handler,
        # which sleeps in steps of milliseconds; and no fsync per chunk (regenerate instead)
        with _write_lock, engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            insert_rows(conn, maker.rows)
    else:
        with engine.begin() as conn:
            insert_rows(conn, maker.rows)
    gc.enable()
    return count


def generate(engine, count: int, *, seed: int = 1, processes: int | None = None,
             progress=None) -> int:
    """Add ``count`` synthetic persoonslijsten to the database; returns how many.

    Worker processes (default: one per core) each make a chunk of 10,000 PLs and write it
    themselves (COPY on PostgreSQL, executemany on SQLite, only the columns in use), so nothing
    is copied between processes. Into an empty database the secondary indexes are left out
    while writing and built once at the end, which is much faster than keeping them up to date
    row by row. The same seed and count give the same persoonslijsten, however many processes
    make them.
    """
    database.init(engine)
    with engine.connect() as conn:
        pl_id = (conn.execute(select(func.max(lo3_pl.c.pl_id))).scalar() or 0) + 1
        adres_id = (conn.execute(select(func.max(lo3_adres.c.adres_id))).scalar() or 0) + 1
    fresh = pl_id == 1
    if fresh:
        database.drop_secondary_indexes(engine)
    url = engine.url.render_as_string(hide_password=False)
    now = dt.datetime.now().isoformat(sep=" ")
    jobs = [(url, seed, k, min(CHUNK, count - k * CHUNK), pl_id + k * CHUNK,
             adres_id + k * CHUNK * 3, pl_id - 1 + k * CHUNK, now)
            for k in range((count + CHUNK - 1) // CHUNK)]
    engine.dispose()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes or os.cpu_count(), _start_worker, (context.Lock(),)) as pool:
        for made in pool.imap_unordered(_chunk, jobs):
            if progress:
                progress(made)
    if fresh:
        database.create_indexes(engine, parallel=processes or os.cpu_count())
    database.analyze(engine)
    return count
