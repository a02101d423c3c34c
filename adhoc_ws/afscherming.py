"""W213: afscherming of gerelateerden for Mijn Overheid.

For an afnemer marked ``mijn_overheid`` only (change note W213):

- the BSN of a child (categories 09/59) who is 18 or older is replaced by nine asterisks;
- when the person is 18 or older, the BSNs of the parents (02/52, 03/53) are too;
- ex-partners who are alive are left out entirely: a partner stapel (05/55) whose actual
  voorkomen records an ontbinding (05.07.10) for another reason than the partner's death
  (05.07.40 ``O``), unless the ex-partner's own persoonslijst says they have died.

Age counts from the geboortedatum to today; a date with unknown parts counts from the
earliest day it can be (``20080000`` as 1 January 2008), so that in doubt the BSN is hidden.
"""
from __future__ import annotations

import copy
import datetime as dt
from typing import Callable

from .storage.mapping import Persoonslijst

HIDDEN_BSN = "*********"
ADULT = 18


def is_adult(geboortedatum: str | None, today: dt.date) -> bool:
    if not geboortedatum or not geboortedatum.isdigit():
        return True
    year, month, day = int(geboortedatum[:4]), int(geboortedatum[4:6]) or 1, int(geboortedatum[6:8]) or 1
    if year == 0:
        return True
    return (today.year - year, today.month, today.day) >= (ADULT, month, day)


def ex_partner_bsns(pl: Persoonslijst) -> list[str]:
    """BSNs of partners from whom the person is divorced or separated (not widowed)."""
    result = []
    for stapel in pl.get("05", []):
        actual = stapel[0]
        if "0710" in actual and actual.get("0740") != "O" and "0120" in actual:
            result.append(actual["0120"])
    return result


def afschermen(pl: Persoonslijst, today: dt.date, overleden: Callable[[str], bool]) -> Persoonslijst:
    """A copy of ``pl`` as Mijn Overheid may see it; ``overleden(bsn)`` tells who has died."""
    pl = copy.deepcopy(pl)
    for stapel in pl.get("09", []):
        if is_adult(stapel[0].get("0310"), today):
            _hide_bsn(stapel)
    if is_adult(pl.get("01", [[{}]])[0][0].get("0310"), today):
        for code in ("02", "03"):
            for stapel in pl.get(code, []):
                _hide_bsn(stapel)
    if "05" in pl:
        kept = [s for s in pl["05"] if not _living_ex_partner(s[0], overleden)]
        if kept:
            pl["05"] = kept
        else:
            del pl["05"]
    return pl


def _living_ex_partner(actual: dict, overleden: Callable[[str], bool]) -> bool:
    ex = "0710" in actual and actual.get("0740") != "O"
    return ex and not ("0120" in actual and overleden(actual["0120"]))


def _hide_bsn(stapel: list[dict]) -> None:
    for voorkomen in stapel:
        if "0120" in voorkomen:
            voorkomen["0120"] = HIDDEN_BSN
