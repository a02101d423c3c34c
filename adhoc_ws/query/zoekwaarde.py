"""A zoekwaarde as the guide defines it.

A leading ``/`` asks for the literal value only ("/Muller" skips Müller); what follows it is
the value. An empty (or nil) zoekwaarde asks for PLs on which the rubriek has no value.
"""
from __future__ import annotations

from dataclasses import dataclass

LITERAL = "/"


@dataclass(frozen=True)
class Zoekwaarde:
    raw: str | None
    text: str
    literal: bool = False

    @classmethod
    def parse(cls, raw: str | None) -> "Zoekwaarde":
        raw = raw or ""
        if raw.startswith(LITERAL):
            return cls(raw, raw[1:], literal=True)
        return cls(raw, raw)

    @property
    def empty(self) -> bool:
        return self.text == ""

    @property
    def offset(self) -> int:
        """Characters before ``text`` in the raw value (for positions in foutcodes)."""
        return len(LITERAL) if self.literal else 0
