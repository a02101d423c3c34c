"""The bewoning rules: from adreshoudingen to bewoningen with bewoners and mogelijke bewoners.

Each person's verblijfplaatsen (onjuist ones already left out, oldest first) become stays on
the object: consecutive woonadres voorkomens on it, so a herindeling or a T/W aangifte on the
same object continues one stay. A stay runs from its datum aanvang adreshouding (10.30) up to
the aanvang of the next verblijfplaats, or its datum aanvang adres buitenland (13.20).

An incomplete date stands for a range of days (``20100800``: August 2010; ``20100000``:
2010; ``00000000``: any day; a value that is no LO3 date at all: any day too), clipped by
the known dates around it (:func:`ranges`: the one rule for every date of a person). A day
in the range of the stay's aanvang, or of the next aanvang, makes a mogelijke bewoner;
between the two ranges the person is bewoner. Opschorting (67.10/67.20), "vastgesteld
verblijft niet op adres" (onderzoek 089999/589999) and the veel-bewoners rule come on top.

Every day boundary of anyone's status starts a slice of the requested period; empty slices
are dropped and neighbouring slices with the same bewoners and mogelijke bewoners merged.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

MIN_DAY = dt.date.min.toordinal()
MAX_DAY = dt.date.max.toordinal() + 1
BEWONER, MOGELIJK = 2, 1
VEEL_BEWONERS = 100
NEVER = ("F", "W")  # opschorting: afgevoerd, wissen
NIET_OP_ADRES = (89999, 589999)
ONDERZOEK_ADRES = frozenset({80000, 81000, 81010, 81030, 81100, 81180,
                             580000, 581000, 581010, 581030, 581100, 581180})

TITELS = {  # code: (male or unknown form, female form)
    "B": ("baron", "barones"), "BS": ("barones", "barones"), "G": ("graaf", "gravin"),
    "GI": ("gravin", "gravin"), "H": ("hertog", "hertogin"), "HI": ("hertogin", "hertogin"),
    "M": ("markies", "markiezin"), "MI": ("markiezin", "markiezin"), "P": ("prins", "prinses"),
    "PS": ("prinses", "prinses"), "R": ("ridder", "ridder"),
}
PREDICATEN = {"JH": ("jonkheer", "jonkvrouw"), "JV": ("jonkvrouw", "jonkvrouw")}
MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")


@dataclass(frozen=True)
class Verblijf:
    """One verblijfplaats voorkomen that is not onjuist."""

    object: str | None  # identificatiecode verblijfplaats (11.80) of its adres
    functie: str | None  # 10.10: W woonadres, B briefadres
    aanvang: int | None  # 10.30, or 13.20 for an adres buitenland
    onderzoek: int | None = None  # 83.10
    onderzoek_start: int | None = None  # 83.20
    onderzoek_eind: int | None = None  # 83.30


@dataclass
class Persoon:
    """A persoonslijst as bewoning needs it; ``verblijven`` oldest first."""

    pl_id: int
    bsn: int | None
    voornamen: str | None = None
    titel: str | None = None
    voorvoegsel: str | None = None
    geslachtsnaam: str | None = None
    geboortedatum: int | None = None
    geslacht: str | None = None
    geheim: int | None = None
    opschorting_datum: int | None = None
    opschorting_reden: str | None = None
    verblijven: list[Verblijf] = field(default_factory=list)


@dataclass(frozen=True)
class Onzeker:
    """A GBA date as the days it may be: ``lo`` … ``hi`` (exclusive); exact when one day."""

    lo: int
    hi: int

    @property
    def exact(self) -> bool:
        return self.hi == self.lo + 1


def lo3_datum(value) -> int | None:
    """``value`` when it is an LO3 date (YYYYMMDD, 00 for an unknown day, month or all), else None.

    ``00000000``, ``20100000``, ``20100800`` and ``20100818`` are dates; ``201000000``,
    ``20101300``, ``20100015``, ``20100231`` and anything not a whole number are not.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 99991231:
        return None
    year, month, day = value // 10000, value // 100 % 100, value % 100
    if year == 0:
        return value if value == 0 else None
    if month == 0:
        return value if day == 0 else None
    if month > 12 or day > calendar.monthrange(year, month)[1]:
        return None
    return value


def onzeker(datum: int | None) -> Onzeker:
    """``20100800`` → August 2010, ``20100000`` → 2010; ``0``, None or no LO3 date → any day."""
    if not datum or lo3_datum(datum) is None:
        return Onzeker(MIN_DAY, MAX_DAY)
    year, month, day = datum // 10000, datum // 100 % 100, datum % 100
    if month == 0:
        return Onzeker(dt.date(year, 1, 1).toordinal(), dt.date(year + 1, 1, 1).toordinal()
                       if year < 9999 else MAX_DAY)
    if day == 0:
        first = dt.date(year, month, 1).toordinal()
        return Onzeker(first, first + calendar.monthrange(year, month)[1])
    d = dt.date(year, month, day).toordinal()
    return Onzeker(d, d + 1)


def ranges(datums: list[int | None]) -> list[Onzeker]:
    """The days each of a person's dates may be, oldest first, clipped by the dates around it.

    The dates follow each other (each aanvang after the one before, the opschorting after
    them all), so an incomplete date never reaches past a known date next to it: it lies
    after a known date before it (not on that day, which the earlier date's move fills) and
    before a known date after it. An incomplete neighbour bounds it by its own (clipped)
    range: its first day from below, its last day from above. A known date is never moved,
    and a date its neighbours contradict (no day would be left) keeps its own range.
    """
    raw = [onzeker(d) for d in datums]
    lo, hi = [r.lo for r in raw], [r.hi for r in raw]
    for i in range(1, len(raw)):
        if not raw[i].exact:
            lo[i] = max(lo[i], raw[i - 1].lo + 1 if raw[i - 1].exact else lo[i - 1])
    for i in range(len(raw) - 2, -1, -1):
        if not raw[i].exact:
            hi[i] = min(hi[i], raw[i + 1].lo if raw[i + 1].exact else hi[i + 1])
    return [Onzeker(a, b) if a < b else r for a, b, r in zip(lo, hi, raw)]


@dataclass(frozen=True)
class Segment:
    """Days ``lo`` … ``hi`` (exclusive) in which a person is BEWONER or MOGELIJK, via ``row``."""

    lo: int
    hi: int
    status: int
    persoon: Persoon
    row: Verblijf
    aanvang: int  # datum aanvang of the stay, for the order of bewoners


def segments(persoon: Persoon, object_id: str) -> list[Segment]:
    """Every stretch of days in which ``persoon`` is (mogelijk) bewoner of ``object_id``."""
    if persoon.opschorting_reden in NEVER:
        return []
    rows = persoon.verblijven
    datums = [r.aanvang for r in rows]
    if persoon.opschorting_reden and lo3_datum(persoon.opschorting_datum):
        datums.append(persoon.opschorting_datum)  # the last date of all: nothing moves after it
    days = ranges(datums)
    result: list[Segment] = []
    i = 0
    while i < len(rows):
        if not _lives_at(rows[i], object_id):
            i += 1
            continue
        j = i
        while j + 1 < len(rows) and _lives_at(rows[j + 1], object_id):
            j += 1
        result += _stay(persoon, rows, days, i, j)
        i = j + 1
    return _opschorting(persoon, result, days[len(rows)] if len(days) > len(rows) else None)


def _lives_at(row: Verblijf, object_id: str) -> bool:
    return row.object == object_id and row.functie != "B"


def _stay(persoon: Persoon, rows: list[Verblijf], days: list[Onzeker], first: int, last: int) -> list[Segment]:
    """The stay on rows ``first`` … ``last``: mogelijk in its aanvang's range, bewoner up to
    the range of the next aanvang, mogelijk in that range (``days``: the rows' clipped dates)."""
    start = days[first]
    a0 = start.lo
    a1 = start.lo if start.exact else start.hi
    if last + 1 == len(rows):
        b0 = b1 = MAX_DAY
    else:
        end = days[last + 1]
        b0 = max(end.lo, a0)
        b1 = b0 if end.exact else max(b0, end.hi)
    pieces = [(a0, min(a1, b1), MOGELIJK), (a1, b0, BEWONER), (b0, b1, MOGELIJK)]
    pieces = _niet_op_adres(rows, first, last, [p for p in pieces if p[0] < p[1]], b0)
    aanvang = rows[first].aanvang or 0
    # split at the voorkomens inside the stay (herindeling, T/W): each part keeps its own row
    cuts = [(days[k].lo, rows[k]) for k in range(first + 1, last + 1)]
    result = []
    for lo, hi, status in pieces:
        row, at = rows[first], lo
        for cut, next_row in cuts:
            if cut >= hi:
                break
            if cut > at:
                result.append(Segment(at, cut, status, persoon, row, aanvang))
                at = cut
            row = next_row
        if hi > at:
            result.append(Segment(at, hi, status, persoon, row, aanvang))
    return result


def _niet_op_adres(rows, first, last, pieces, next_aanvang):
    """Onderzoek 089999/589999: not a bewoner from its ingang (83.20), as notes §2.8 tell."""
    marked = [r for r in rows[first:last + 1] if r.onderzoek in NIET_OP_ADRES]
    if not marked:
        return pieces
    row = marked[-1]
    ingang = onzeker(row.onderzoek_start).lo
    current = last + 1 == len(rows)
    if row.onderzoek_eind:
        if current or onzeker(row.onderzoek_eind).lo < next_aanvang:
            return pieces  # the onderzoek ended (in time): its result is assumed processed
    result = []
    for lo, hi, status in pieces:
        if lo < min(hi, ingang):
            result.append((lo, min(hi, ingang), status))
        if max(lo, ingang) < hi and not current:
            result.append((max(lo, ingang), hi, MOGELIJK))
    return result


def _opschorting(persoon: Persoon, segs: list[Segment], datum: Onzeker | None) -> list[Segment]:
    """Opschorting O, E, M, R or '.': nothing from datum opschorting (67.10) on.

    ``datum`` is the clipped range of 67.10: the days inside it are mogelijk at most, the
    days after it nothing. A reden without a date: no day is certainly before it, so nothing.
    """
    if not persoon.opschorting_reden:
        return segs
    if datum is None or datum.lo == MIN_DAY:
        return []
    cut_lo, cut_hi = datum.lo, (datum.lo if datum.exact else datum.hi)
    result = []
    for s in segs:
        if s.lo < min(s.hi, cut_lo):
            result.append(Segment(s.lo, min(s.hi, cut_lo), s.status, s.persoon, s.row, s.aanvang))
        if max(s.lo, cut_lo) < min(s.hi, cut_hi):
            result.append(Segment(max(s.lo, cut_lo), min(s.hi, cut_hi), MOGELIJK, s.persoon, s.row,
                                  s.aanvang))
    return result


@dataclass
class Result:
    bewoningen: list[dict]
    pl_ids: list[int]  # every persoonslijst delivered, each once


def bewoningen(personen: list[Persoon], object_id: str, van: dt.date, tot: dt.date) -> Result:
    """The bewoningen of ``object_id`` from ``van`` up to ``tot`` (exclusive)."""
    lo, hi = van.toordinal(), tot.toordinal()
    segs = [s for p in personen for s in segments(p, object_id) if s.lo < hi and s.hi > lo and s.lo < s.hi]
    bounds = sorted({lo, hi} | {s.lo for s in segs if lo < s.lo < hi} | {s.hi for s in segs if lo < s.hi < hi})
    starts: dict[int, list[Segment]] = {}
    for s in segs:
        starts.setdefault(max(s.lo, lo), []).append(s)
    active: list[Segment] = []
    out: list[dict] = []
    delivered: dict[int, None] = {}
    previous_key, previous_end = None, None
    for x, y in zip(bounds, bounds[1:]):
        active = [s for s in active if s.hi > x] + starts.get(x, [])
        if not active:
            continue
        best: dict[int, Segment] = {}
        for s in active:
            have = best.get(s.persoon.pl_id)
            if have is None or s.status > have.status or \
                    (s.status == have.status and _in_onderzoek(s.row) and not _in_onderzoek(have.row)):
                best[s.persoon.pl_id] = s
        key = _samenstelling(best.values())
        if key != "veel":  # a veel-bewoners slice names nobody: nobody is delivered
            delivered.update(dict.fromkeys(best))
        if key == previous_key and previous_end == x:
            out[-1]["periode"]["datumTot"] = _iso(y)
        else:
            out.append(_bewoning(object_id, x, y, key))
        previous_key, previous_end = key, y
    return Result(out, list(delivered))


def _samenstelling(chosen) -> tuple:
    ordered = sorted(chosen, key=_order)
    bewoners = tuple(_bewoner(s) for s in ordered if s.status == BEWONER)
    mogelijk = tuple(_bewoner(s) for s in ordered if s.status == MOGELIJK)
    if len(bewoners) + len(mogelijk) > VEEL_BEWONERS:
        return "veel"
    return bewoners, mogelijk


def _order(s: Segment):
    p = s.persoon
    return (s.aanvang, p.geslachtsnaam or "", p.voornamen or "", p.geboortedatum or 0, p.pl_id)


def _bewoning(object_id: str, x: int, y: int, key) -> dict:
    result = {"adresseerbaarObjectIdentificatie": object_id,
              "periode": {"datumVan": _iso(x), "datumTot": _iso(y)}}
    if key == "veel":
        result.update(bewoners=[], mogelijkeBewoners=[], indicatieVeelBewoners=True)
    else:
        result.update(bewoners=[_as_dict(b) for b in key[0]], mogelijkeBewoners=[_as_dict(b) for b in key[1]])
    return result


def _iso(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


def _in_onderzoek(row: Verblijf) -> bool:
    return row.onderzoek in ONDERZOEK_ADRES and not row.onderzoek_eind


def _bewoner(s: Segment) -> tuple:
    """A bewoner as a hashable tuple of (key, value) pairs, in the response's field order."""
    p = s.persoon
    fields = []
    if p.bsn is not None:
        fields.append(("burgerservicenummer", f"{p.bsn:09d}"))
    if p.geheim:
        fields.append(("geheimhoudingPersoonsgegevens", True))
    if _in_onderzoek(s.row):
        fields.append(("inOnderzoek", True))
    naam = volledige_naam(p)
    if naam:
        fields.append(("naam", (("volledigeNaam", naam),)))
    if p.geboortedatum is not None:
        fields.append(("geboorte", (("datum", tuple(geboortedatum(p.geboortedatum).items())),)))
    return tuple(fields)


def _as_dict(pairs) -> dict:
    return {k: _as_dict(v) if isinstance(v, tuple) else v for k, v in pairs}


def volledige_naam(p: Persoon) -> str:
    """Predicaat, voornamen, adellijke titel, voorvoegsel, geslachtsnaam (no partner name)."""
    female = p.geslacht == "V"
    titel = (p.titel or "").strip().upper()
    parts = [PREDICATEN[titel][female] if titel in PREDICATEN else None, p.voornamen,
             TITELS[titel][female] if titel in TITELS else None, p.voorvoegsel, p.geslachtsnaam]
    return " ".join(x.strip() for x in parts if x and x.strip())


def geboortedatum(datum: int) -> dict:
    """The polymorphic datum: Datum, JaarMaandDatum, JaarDatum or DatumOnbekend (also for a
    value that is no LO3 date)."""
    if lo3_datum(datum) is None or datum == 0:
        return {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}
    year, month, day = datum // 10000, datum // 100 % 100, datum % 100
    if month == 0:
        return {"type": "JaarDatum", "jaar": year, "langFormaat": str(year)}
    if day == 0:
        return {"type": "JaarMaandDatum", "jaar": year, "maand": month,
                "langFormaat": f"{MAANDEN[month - 1]} {year}"}
    return {"type": "Datum", "datum": dt.date(year, month, day).isoformat(),
            "langFormaat": f"{day} {MAANDEN[month - 1]} {year}"}
