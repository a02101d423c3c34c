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


# Teletex (ITU-T T.61, 1988) as LO3 messages carry it. A letter with a diacritic is two bytes,
# the non-spacing accent (0xC1-0xCF) and then the letter; the other characters are one byte.
# The tables cover every character of the LO3 repertoire (ALLOWED), the controls T.61 has
# and its spacing accents; a letter with a diacritic is encoded only when it is in ALLOWED.
_T61_SAME = frozenset("\b\n\f\r\x8b\x8c\x9b" + "".join(
    chr(c) for c in range(0x20, 0x7B) if chr(c) not in "#$\\^`") + "|")
_T61_OWN = {
    "#": 0xA6, "$": 0xA4, "¡": 0xA1, "¢": 0xA2, "£": 0xA3, "¥": 0xA5, "¤": 0xA8, "§": 0xA7,
    "«": 0xAB, "°": 0xB0, "±": 0xB1, "²": 0xB2, "³": 0xB3, "×": 0xB4, "µ": 0xB5, "¶": 0xB6,
    "·": 0xB7, "÷": 0xB8, "»": 0xBB, "¼": 0xBC, "½": 0xBD, "¾": 0xBE, "¿": 0xBF,
    "\u2126": 0xE0, "\u03a9": 0xE0, "Æ": 0xE1, "Ð": 0xE2, "Đ": 0xE2, "ª": 0xE3, "Ħ": 0xE4,
    "Ĳ": 0xE6, "Ŀ": 0xE7,
    "Ł": 0xE8, "Ø": 0xE9, "Œ": 0xEA, "º": 0xEB, "Þ": 0xEC, "Ŧ": 0xED, "Ŋ": 0xEE, "ŉ": 0xEF,
    "ĸ": 0xF0, "æ": 0xF1, "đ": 0xF2, "ð": 0xF3, "ħ": 0xF4, "ı": 0xF5, "ĳ": 0xF6, "ŀ": 0xF7,
    "ł": 0xF8, "ø": 0xF9, "œ": 0xFA, "ß": 0xFB, "þ": 0xFC, "ŧ": 0xFD, "ŋ": 0xFE,
}
_T61_ACCENT = {  # combining mark (after NFD) -> T.61 non-spacing accent
    "\u0300": 0xC1, "\u0301": 0xC2, "\u0302": 0xC3, "\u0303": 0xC4, "\u0304": 0xC5,
    "\u0306": 0xC6, "\u0307": 0xC7, "\u0308": 0xC8, "\u030a": 0xCA, "\u0327": 0xCB,
    "\u030b": 0xCD, "\u0328": 0xCE, "\u030c": 0xCF,
}
# a spacing accent is the accent over a space
_T61_SPACING = {"`": b"\xc1 ", "\u00b4": b"\xc2 ",
                "^": b"\xc3 ", "~": b"\xc4 ", "\u00af": b"\xc5 ", "\u02d8": b"\xc6 ",
                "\u02d9": b"\xc7 ", "\u00a8": b"\xc8 ", "\u02da": b"\xca ", "\u00b8": b"\xcb ",
                "\u02dd": b"\xcd ", "\u02db": b"\xce ", "\u02c7": b"\xcf "}
# The LO writes a small g with cedilla as acute + g (T.61 draws that cedilla above the g);
# RvIG's Vb01 with every Teletex character shows it.
_LO3_ONLY = {"\u0123": b"\xc2g", "\u01f5": b"\xc2g"}  # ģ, and ǵ as T.61 has it


def teletex(text: str) -> bytes:
    """``text`` in Teletex (T.61) bytes as LO3 messages carry it: a letter with a diacritic
    as the accent byte and the letter. A character outside the repertoire raises
    UnicodeEncodeError."""
    out = bytearray()
    for i, c in enumerate(text):
        if c in _T61_SAME:
            out.append(ord(c))
        elif c in _T61_OWN:
            out.append(_T61_OWN[c])
        elif c in _LO3_ONLY:
            out += _LO3_ONLY[c]
        elif c in _T61_SPACING:
            out += _T61_SPACING[c]
        elif unicodedata.normalize("NFC", c) != c:  # a singleton: Å (angstrom) is Å
            try:
                out += teletex(unicodedata.normalize("NFC", c))
            except UnicodeEncodeError:
                raise UnicodeEncodeError("teletex", text, i, i + 1, "not in Teletex") from None
        else:
            parts = unicodedata.normalize("NFD", c)
            if c not in ALLOWED or len(parts) != 2 or not parts[0].isascii() \
                    or parts[1] not in _T61_ACCENT:
                raise UnicodeEncodeError("teletex", text, i, i + 1, "not in Teletex")
            out += bytes((_T61_ACCENT[parts[1]], ord(parts[0])))
    return bytes(out)
