"""Characters of LO3 alphanumeric values: what is allowed, and the diacritic-free ("slim") form.

LO3 values use the Teletex (T.61) repertoire. T.61 writes a letter with a diacritic as two
bytes (the accent, then the letter), which is why RvIG's foutcode X023 warns that the position
it names may differ from the input: :func:`t61_position` counts the same way.

:data:`SLIM` is the one place where letters that Unicode decomposition does not strip are
mapped to plain letters (ł -> l, ß -> ss, ø -> o, …). It follows the GBA-V database's
``convert_special_characters_to_slim()``; where that function maps a letter to something that
is not a letter (ŀ -> ``l.``) the plain letter is used, so that a name stays searchable.
"""
from __future__ import annotations

import unicodedata

import t61codec

# Teletex repertoire as published for LO3 alphanumeric elements: space to '[', ']', '_',
# a-z, '|', and these Latin-1 / Latin Extended-A ranges (inclusive).
_RANGES = [
    (0x20, 0x5B), (0x5D, 0x5D), (0x5F, 0x5F), (0x61, 0x7A), (0x7C, 0x7C),
    (0xA1, 0xA5), (0xA7, 0xA7), (0xAA, 0xAB), (0xB0, 0xB3), (0xB5, 0xB7), (0xBA, 0xCF),
    (0xD0, 0xF7), (0xF8, 0x113), (0x116, 0x12B), (0x12E, 0x14D), (0x150, 0x17E),
    (0x2126, 0x2126),
]
# 0xD0 (Ð), 0xF8 (ø) and 0x132-0x133 (Ĳ ĳ) are T.61 characters the published regex omits.
ALLOWED = frozenset(chr(c) for lo, hi in _RANGES for c in range(lo, hi + 1))

SLIM: dict[str, str] = {
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "þ": "th", "Þ": "TH", "ı": "i", "ĸ": "q", "ħ": "h", "Ħ": "H", "ŀ": "l", "Ŀ": "L",
    "ŋ": "ng", "Ŋ": "NG", "ŉ": "'n", "ŧ": "t", "Ŧ": "T", "ĳ": "ij", "Ĳ": "IJ",
    "ª": "a", "º": "o", "µ": "m", "\u2126": "Ohm",
}


def invalid_character_position(waarde: str) -> int | None:
    """The T.61 position (1-based) of the first character outside the repertoire, or None."""
    for i, c in enumerate(waarde):
        if c not in ALLOWED:
            return t61_position(waarde, i)
    return None


def t61_position(waarde: str, index: int) -> int:
    """1-based position of ``waarde[index]`` counted in T.61 bytes (a diacritic counts one)."""
    return 1 + sum(_t61_width(c) for c in waarde[:index])


def _t61_width(c: str) -> int:
    return 2 if len(unicodedata.normalize("NFD", c)) > 1 else 1


def has_diacritics(waarde: str) -> bool:
    return slim(waarde) != waarde


def slim(waarde: str) -> str:
    """The value without diacritics, case kept: ``Mułłer`` -> ``Muller``."""
    if waarde.isascii():
        return waarde
    out = []
    for c in waarde:
        if c in SLIM:
            out.append(SLIM[c])
        elif c.isascii():
            out.append(c)
        else:
            out.append("".join(d for d in unicodedata.normalize("NFD", c)
                               if not unicodedata.combining(d)))
    return "".join(out)


def fold(waarde: str) -> str:
    """The search key of a value: slim and lower case (``Müller`` -> ``muller``)."""
    return slim(waarde).lower()


def has_capitals(waarde: str) -> bool:
    return waarde != waarde.lower()


# The LO writes a small g with cedilla as acute + g (T.61 draws that cedilla above the g, and
# its table has no cedilla + g); RvIG's Vb01 with every Teletex character shows it.
_LO3_ONLY = str.maketrans({"\u0123": "\u01f5"})  # ģ -> ǵ, which T.61 writes as C2 67
_T61 = t61codec.Codec()


def teletex(text: str) -> bytes:
    """``text`` in Teletex (T.61) bytes as LO3 messages carry it: a letter with a diacritic
    as the accent byte and the letter. A character outside the repertoire raises
    UnicodeEncodeError."""
    return _T61.encode(text.translate(_LO3_ONLY))[0]
