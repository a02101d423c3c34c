"""A zoekwaarde as the search guide defines it: slim zoeken and wildcards.

- Slim zoeken: a zoekwaarde without capitals matches regardless of case; one without
  diacritics matches regardless of diacritics (``Muller`` finds Müller and Mułłer). A leading
  ``/`` switches both off: ``/Muller`` finds Muller only.
- ``*`` stands for zero or more characters. At the end it is allowed for every rubriek (for a
  date only after the year or year and month: ``1955*``, ``194405*``); anywhere and more than
  once only for the actual voornamen and geslachtsnaam (01.02.10, 01.02.40): ``J* H*``,
  ``*Gilsing``, ``T*oma* Slochteren``. Where it is allowed is checked in
  :mod:`adhoc_ws.vraag`; here it is only read.
- An empty (or nil) zoekwaarde asks for PLs on which the rubriek has no value.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..charset import has_capitals, has_diacritics

LITERAL = "/"
WILDCARD = "*"
LIKE_ESCAPE = "\\"  # not in the LO3 repertoire, so it never occurs in a zoekwaarde


@dataclass(frozen=True)
class Zoekwaarde:
    raw: str
    text: str
    literal: bool = False

    @classmethod
    def parse(cls, raw: str | None) -> "Zoekwaarde":
        raw = raw or ""
        if raw.startswith(LITERAL):
            return cls(raw, raw[len(LITERAL):], literal=True)
        return cls(raw, raw)

    @property
    def empty(self) -> bool:
        return self.text == ""

    @property
    def offset(self) -> int:
        """Characters before ``text`` in the raw value (for positions in foutcodes)."""
        return len(LITERAL) if self.literal else 0

    @property
    def wildcard(self) -> bool:
        return WILDCARD in self.text

    @property
    def prefix_only(self) -> bool:
        """Only one ``*``, at the end: what every rubriek allows."""
        return self.text.count(WILDCARD) == 1 and self.text.endswith(WILDCARD)

    @property
    def stem(self) -> str:
        """The characters that must be there: the text without its wildcards."""
        return self.text.replace(WILDCARD, "")

    @property
    def case_insensitive(self) -> bool:
        return not self.literal and not has_capitals(self.text)

    @property
    def diacritics_insensitive(self) -> bool:
        return not self.literal and not has_diacritics(self.text)


def like_pattern(text: str) -> str:
    """A SQL LIKE pattern (escape ``\\``) for a text with ``*`` wildcards."""
    escaped = "".join(LIKE_ESCAPE + c if c in "%_" else c for c in text)
    return escaped.replace(WILDCARD, "%")


def anchors(text: str) -> tuple[str, str]:
    """The fixed start and end of a wildcard text: ``T*oma* Slochteren`` -> ("T", " Slochteren")."""
    parts = text.split(WILDCARD)
    return parts[0], parts[-1] if len(parts) > 1 else ""
