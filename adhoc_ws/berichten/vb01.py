"""An Og21 as a Vb01 free-text message, for gemeenten not yet on the Berichten API (W214).

The text has the fixed shape of RvIG's example ``Vb01-Og21-variant.GBA``: a heading, the BSN
in a box, the new rechtsfeiten, then the earlier ones ("rechstfeiten", sic), each as four
lines. :func:`lo3` puts it in an LO3 message: the 8-character key, ``Vb01``, the length of the
text in Teletex bytes (5 digits), the text in Teletex.

Where the one example leaves a choice, these are adhoc-ws's [inferred]:

- the new rechtsfeiten in the order they were decided (beslissingsdatum, then
  registratiedatum; the example lists ID-3 before ID-4, the message ID-4 first), the earlier
  ones in the order of the message (the example keeps ID-2, ID-1);
- the beslissingstekst wrapped at 60 characters, continued on lines indented by two spaces
  (the example fits any width from 59 to 61), and given a full stop when it has none;
- several earlier rechtsfeiten a rechtsfeit follows on, joined by ", "; none leaves the
  place empty ("in navolging van , in categorie", as the example);
- a date with an unknown day or month without it ("oktober 2025", "2025"); no earlier
  rechtsfeiten: no "Eerdere" section;
- the key ``00000000``, as in every LO3 example of RvIG.
"""
from __future__ import annotations

import textwrap

from ..charset import teletex

KEY = "00000000"
WIDTH = 60
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")

HEADING = "In het gezagsregister is de volgende gezagsbeslissing geregistreerd."
NEW = "  Dit bericht betreft de onderstaande nieuwe rechtsfeiten:"
EARLIER = "  Eerdere rechstfeiten ten aanzien van deze persoon zijn:"
BETWEEN = "\n\n  "


def text(og21: dict) -> str:
    """The Vb01 text of an Og21's berichtInhoud."""
    bsn = og21["burgerservicenummer"]
    box = f"  +{'-' * len(bsn)}+\n  |{'BSN'.ljust(len(bsn))}|\n  |{'-' * len(bsn)}|\n  |{bsn}|\n" \
          f"  +{'-' * len(bsn)}+"
    new = sorted(og21.get("nieuweRechtsfeiten") or [],
                 key=lambda r: (r.get("beslissingsdatum", ""), r.get("registratiedatum", "")))
    parts = [HEADING, "", box, "", NEW, "", BETWEEN.join(map(_rechtsfeit, new))]
    earlier = og21.get("eerdereRechtsfeiten") or []
    if earlier:
        parts += ["", "", EARLIER, "", BETWEEN.join(map(_rechtsfeit, earlier))]
    return "\n".join(parts)


def lo3(vrije_tekst: str, key: str = KEY) -> bytes:
    """The LO3 form of a Vb01: key, ``Vb01``, the text's length in Teletex bytes, the text."""
    body = teletex(vrije_tekst)
    return f"{key}Vb01{len(body):05d}".encode("ascii") + body


def _rechtsfeit(r: dict) -> str:
    vorige = r.get("vorigeRechtsfeit") or []
    vorige = ", ".join([vorige] if isinstance(vorige, str) else vorige)
    beslissing = r["beslissingstekst"].strip()
    if not beslissing.endswith("."):
        beslissing += "."
    wrapped = textwrap.wrap(beslissing, WIDTH, break_long_words=False, break_on_hyphens=False)
    return (f"Rechtsfeit {r['rechtsfeitId']} in navolging van {vorige}, in categorie "
            f"{r['gezagscategorie']} met code {r['gezagscode']}.\n"
            f"  Beslissing: {chr(10).join(wrapped[:1] + ['  ' + line for line in wrapped[1:]])}\n"
            f"  De beslissing is per {datum(r['beslissingsdatum'])}.\n"
            f"  Bij vragen, neem contact op met rechtbank {r['rechtbank']}.")


def datum(yyyymmdd: str) -> str:
    """``20251001`` -> ``1 oktober 2025``; unknown parts left out; anything else as it is."""
    year, month, day = yyyymmdd[:4], yyyymmdd[4:6], yyyymmdd[6:]
    if not (len(yyyymmdd) == 8 and yyyymmdd.isdigit() and year != "0000" and month <= "12"
            and day <= "31" and (month != "00" or day == "00")):
        return yyyymmdd
    if month == "00":
        return year
    name = f"{MONTHS[int(month) - 1]} {year}"
    return name if day == "00" else f"{int(day)} {name}"
