"""Checking one LO3 value against its element: numeric, characters, length.

Shared by the loader (a bad file names the value) and request validation (foutcodes X022,
X023 and X026).
"""
from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Element
from .charset import invalid_character_position

NOT_NUMERIC = "not numeric"
INVALID_CHARACTER = "invalid character"
WRONG_LENGTH = "wrong length"


@dataclass(frozen=True)
class Problem:
    kind: str
    position: int | None = None

    def describe(self, element: Element) -> str:
        if self.kind == NOT_NUMERIC:
            return "is not numeric"
        if self.kind == INVALID_CHARACTER:
            return f"has a character outside the LO3 (Teletex) repertoire at position {self.position}"
        if element.min_length == element.max_length:
            return f"must be {element.min_length} characters long"
        return f"must be {element.min_length} to {element.max_length} characters long"


def is_digits(waarde: str) -> bool:
    return waarde.isascii() and waarde.isdigit()


def check(element: Element, waarde: str, *, length: bool = True) -> Problem | None:
    """The first problem with ``waarde`` as a value of ``element``, or None."""
    if element.numeric:
        if not is_digits(waarde):
            return Problem(NOT_NUMERIC)
    else:
        position = invalid_character_position(waarde)
        if position is not None:
            return Problem(INVALID_CHARACTER, position)
    if length and not element.min_length <= len(waarde) <= element.max_length:
        return Problem(WRONG_LENGTH)
    return None
