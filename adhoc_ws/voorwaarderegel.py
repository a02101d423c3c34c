"""The voorwaarderegel of an autorisatie (35.95.61), in the GBA notation: read and evaluated.

A voorwaarderegel filters the persoonslijsten an afnemer may receive. Written as in the
autorisatietabel, for instance::

    08.09.10 GA1 0363 OFVGL 0518 ENVWD KNV 07.67.10
    01.03.10 KDOG1 19.89.20 - 00180000
    (01.02.40 GA1 "Jans*" OFVWD 01.02.40 GA1 "Müller") ENVWD 04.05.10 OGA1 0001

The grammar follows the one of RvIG's own implementation:

- a condition is ``rubriek operator value(s)``, or ``KV rubriek`` / ``KNV rubriek`` (the
  rubriek has / has no value), or a voorwaarderegel in parentheses;
- conditions combine with ``ENVWD`` / ``OFVWD`` (also written ``EN`` / ``OF``), right to
  left and without precedence: ``a EN b OF c`` is ``a EN (b OF c)``; use parentheses;
- values are numbers, texts in double quotes (``*`` and ``?`` as wildcards), dates
  (``19431231``), other rubrieken, and ``19.89.20`` (today); a date may be followed by
  ``+`` or ``-`` a period of 8 digits (``00180000``: 18 years), 6 (``000006``: 6 months) or 4
  (``0018``: 18 years, then only years are compared); several values join with ``OFVGL``
  (any of them) or ``ENVGL`` (all of them);
- operators: ``GA1`` equal / ``OGA1`` not equal, ``GD1`` greater, ``KD1`` less, ``GDOG1``
  greater or equal, ``KDOG1`` less or equal. The ``1`` forms hold when at least one
  voorkomen satisfies them, the ``A`` forms (``GAA``, ``OGAA``, ``GDA``, ``KDA``, ``GDOGA``,
  ``KDOGA``) when every voorkomen does (and there is one).

A rubriek of an actual category (08.09.10) looks at the actual voorkomens, one of a
historic category (58.09.10) at the historic ones. A comparison with a rubriek that has no
value is false; ``KV``/``KNV`` test for presence.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import re
from dataclasses import dataclass
from typing import Callable

from . import catalogue

TODAY_RUBRIEKEN = {"19.89.20", "19.89.30"}  # datum van vandaag, selectiedatum
EQUALITY = {"GA1": (False, False), "GAA": (False, True), "OGA1": (True, False), "OGAA": (True, True)}
RELATIONAL = {"GD1": ">", "GDA": ">", "KD1": "<", "KDA": "<", "GDOG1": ">=", "GDOGA": ">=",
              "KDOG1": "<=", "KDOGA": "<="}
CONDITION_JOIN = {"ENVWD": "EN", "EN": "EN", "OFVWD": "OF", "OF": "OF"}
VALUE_JOIN = {"ENVGL": "EN", "OFVGL": "OF"}

_TOKEN = re.compile(r"""\s*(?:
    (?P<rubriek>\d{2}\.\d{2}\.\d{2}) |
    (?P<number>\d+) |
    (?P<text>"[^"]*") |
    (?P<word>[A-Z][A-Z0-9]*) |
    (?P<symbol>[()+-])
)""", re.VERBOSE)


class VoorwaarderegelError(ValueError):
    """A voorwaarderegel that cannot be read; the message names the position (1-based)."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    position: int


def tokenize(regel: str) -> list[Token]:
    tokens, at = [], 0
    while at < len(regel):
        if regel[at:].strip() == "":
            break
        m = _TOKEN.match(regel, at)
        if not m or m.end() == at:
            at += len(regel[at:]) - len(regel[at:].lstrip())
            raise VoorwaarderegelError(f"position {at + 1}: cannot read {regel[at:at + 12]!r}")
        kind = m.lastgroup
        tokens.append(Token(kind, m.group(kind), m.start(kind) + 1))
        at = m.end()
    return tokens


@dataclass(frozen=True)
class Value:
    """A value to compare with: a constant, a rubriek, or today, maybe shifted by a period."""

    constant: str | None = None
    rubriek: catalogue.Rubriek | None = None
    today: bool = False
    sign: int = 0
    period: str = ""  # 4, 6 or 8 digits

    @property
    def years_only(self) -> bool:
        return len(self.period) == 4

    def resolve(self, pl, today: dt.date) -> list[str]:
        if self.today:
            bases = [today.strftime("%Y%m%d")]
        elif self.rubriek is not None:
            bases = values(pl, self.rubriek)
        else:
            bases = [self.constant]
        return [shift(b, self.sign, self.period) if self.period else b for b in bases]


Condition = Callable[[dict, dt.date], bool]


class _Parser:
    def __init__(self, regel: str):
        self.tokens = tokenize(regel)
        self.at = 0
        self.length = len(regel)

    def peek(self, offset=0) -> Token | None:
        i = self.at + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise VoorwaarderegelError(f"position {self.length + 1}: the voorwaarderegel ends too soon")
        self.at += 1
        return token

    def fail(self, token: Token | None, expected: str):
        where = token.position if token else self.length + 1
        found = f"found {token.text!r}" if token else "found the end"
        raise VoorwaarderegelError(f"position {where}: expected {expected}, {found}")

    def voorwaarde(self) -> Condition:
        left = self.term()
        token = self.peek()
        if token and token.kind == "word" and token.text in CONDITION_JOIN:
            self.take()
            right = self.voorwaarde()
            if CONDITION_JOIN[token.text] == "EN":
                return lambda pl, today: left(pl, today) and right(pl, today)
            return lambda pl, today: left(pl, today) or right(pl, today)
        return left

    def term(self) -> Condition:
        token = self.peek()
        if token and token.text == "(":
            self.take()
            inner = self.voorwaarde()
            if (closing := self.peek()) is None or closing.text != ")":
                self.fail(closing, "')'")
            self.take()
            return inner
        if token and token.text in ("KV", "KNV"):
            self.take()
            rubriek = self.rubriek(self.take())
            present = token.text == "KV"
            return lambda pl, today: bool(values(pl, rubriek)) == present
        return self.vergelijking()

    def rubriek(self, token: Token) -> catalogue.Rubriek:
        if token.kind != "rubriek":
            self.fail(token, "a rubriek (CC.GG.EE)")
        rubriek = catalogue.rubriek(int(token.text.replace(".", "")))
        if rubriek is None:
            raise VoorwaarderegelError(f"position {token.position}: unknown rubriek {token.text}")
        return rubriek

    def vergelijking(self) -> Condition:
        rubriek = self.rubriek(self.take())
        operator = self.peek()
        if operator is None or operator.text not in EQUALITY and operator.text not in RELATIONAL:
            self.fail(operator, "an operator (GA1, OGA1, GD1, KD1, GDOG1, KDOG1 or an A form)")
        self.take()
        if operator.text in RELATIONAL and not rubriek.element.numeric:
            raise VoorwaarderegelError(f"position {operator.position}: {operator.text} compares "
                                       f"numbers and dates; {_label(rubriek)} is alphanumeric")
        operands, join = [self.value(rubriek)], "OF"
        while (token := self.peek()) is not None and self._continues_list(token):
            self.take()
            join = VALUE_JOIN.get(token.text) or CONDITION_JOIN[token.text]
            operands.append(self.value(rubriek))
        if operator.text in RELATIONAL and len(operands) > 1:
            raise VoorwaarderegelError(f"position {operator.position}: {operator.text} takes one value")
        return _comparison(rubriek, operator.text, operands, join)

    def _continues_list(self, token: Token) -> bool:
        """ENVGL/OFVGL always join values; EN/OF only when no new condition follows."""
        if token.text in VALUE_JOIN:
            return True
        if token.text not in ("EN", "OF"):
            return False
        following, after = self.peek(1), self.peek(2)
        if following is None or following.text in ("(", "KV", "KNV"):
            return False
        return not (following.kind == "rubriek" and after is not None
                    and (after.text in EQUALITY or after.text in RELATIONAL))

    def value(self, rubriek: catalogue.Rubriek) -> Value:
        token = self.take()
        if token.kind == "text":
            if rubriek.element.numeric:
                raise VoorwaarderegelError(f"position {token.position}: {_label(rubriek)} is "
                                           f"numeric; a text is not a value for it")
            return Value(constant=token.text[1:-1])
        if token.kind == "number":
            value = Value(constant=token.text)
        elif token.kind == "rubriek" and token.text in TODAY_RUBRIEKEN:
            value = Value(today=True)
        elif token.kind == "rubriek":
            value = Value(rubriek=self.rubriek(token))
        else:
            self.fail(token, "a value (number, \"text\", date, rubriek or 19.89.20)")
        if (sign := self.peek()) is not None and sign.text in "+-" and sign.kind == "symbol":
            self.take()
            period = self.take()
            if period.kind != "number" or len(period.text) not in (4, 6, 8):
                self.fail(period, "a period of 4, 6 or 8 digits (0018, 001806, 00180000)")
            if not (value.today or value.rubriek and value.rubriek.element.is_date
                    or value.constant and len(value.constant) == 8):
                raise VoorwaarderegelError(f"position {sign.position}: only a date can take a period")
            value = Value(value.constant, value.rubriek, value.today,
                          1 if sign.text == "+" else -1, period.text)
        return value


def _label(rubriek: catalogue.Rubriek) -> str:
    return f"{rubriek.categorienummer:02d}.{rubriek.element.nummer[:2]}.{rubriek.element.nummer[2:]}"


def _comparison(rubriek, operator: str, operands: list[Value], join: str) -> Condition:
    every_voorkomen = operator.endswith("A")
    if operator in EQUALITY:
        negate = EQUALITY[operator][0]

        def test(v, w):
            return (not _equal(rubriek, v, w)) if negate else _equal(rubriek, v, w)
        combine = all if negate else any  # "ongelijk aan" all of the listed values
        if join == "EN":
            combine = all
    else:
        symbol = RELATIONAL[operator]

        def test(v, w):
            return _relate(v, w, symbol, operands[0].years_only)
        combine = any

    def condition(pl, today):
        found = values(pl, rubriek)
        if not found:
            return False
        resolved = [w for operand in operands for w in operand.resolve(pl, today)]
        if not resolved:
            return False
        per_voorkomen = (combine(test(v, w) for w in resolved) for v in found)
        return all(per_voorkomen) if every_voorkomen else any(per_voorkomen)
    return condition


def _equal(rubriek: catalogue.Rubriek, value: str, pattern: str) -> bool:
    if rubriek.element.numeric and pattern.isdigit() and value.isdigit():
        return int(value) == int(pattern)
    if "*" in pattern or "?" in pattern:
        return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))
    return value == pattern


def _relate(value: str, other: str, symbol: str, years_only: bool) -> bool:
    if not (value.isdigit() and other.isdigit()):
        return False
    a, b = (int(value[:4]), int(other[:4])) if years_only else (int(value), int(other))
    return {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[symbol]


def shift(datum: str, sign: int, period: str) -> str:
    """A date (YYYYMMDD, parts may be 00) moved by a period of years, months and days."""
    period = period.ljust(8, "0")
    years, months, days = int(period[:4]), int(period[4:6]), int(period[6:8])
    year, month, day = int(datum[:4]), int(datum[4:6]), int(datum[6:8])
    year += sign * years
    if month and months:
        total = year * 12 + (month - 1) + sign * months
        year, month = divmod(total, 12)
        month += 1
    if day and month:
        moved = _safe_date(year, month, day) + sign * dt.timedelta(days=days)
        year, month, day = moved.year, moved.month, moved.day
    return f"{year:04d}{month:02d}{day:02d}"


def _safe_date(year: int, month: int, day: int) -> dt.date:
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1  # 31 February: the last day of the month


def values(pl: dict, rubriek: catalogue.Rubriek) -> list[str]:
    """The values of a rubriek on a persoonslijst: of the actual or of the historic voorkomens."""
    stapels = pl.get(rubriek.categorie.code, [])
    element = rubriek.element.nummer
    if rubriek.historic:
        return [v[element] for stapel in stapels for v in stapel[1:] if element in v]
    return [stapel[0][element] for stapel in stapels if stapel and element in stapel[0]]


@dataclass(frozen=True)
class Voorwaarderegel:
    """A read voorwaarderegel; call :meth:`allows` with a persoonslijst."""

    text: str
    condition: Condition

    @classmethod
    def parse(cls, text: str) -> "Voorwaarderegel":
        parser = _Parser(text)
        if not parser.tokens:
            raise VoorwaarderegelError("the voorwaarderegel is empty")
        condition = parser.voorwaarde()
        if (rest := parser.peek()) is not None:
            parser.fail(rest, "ENVWD or OFVWD between conditions")
        return cls(text, condition)

    def allows(self, pl: dict, today: dt.date | None = None) -> bool:
        return self.condition(pl, today or dt.date.today())
