"""Who may ask the bewoning API about which object, as the Haal Centraal A&P service decides
(its ``AutorisatieService`` for bewoningen).

- **An afnemer with a gemeentecode** (the ``gemeente_code`` of its autorisatie, or of the test
  header) may ask about an object of which an adres (an ``lo3_adres`` row with that
  identificatiecode verblijfplaats) lies in its gemeente: after a herindeling or samenvoeging
  the object has an adres for each gemeente it lay in, and any of them counts. An object
  without any adres is unknown: asking about it is allowed (the answer is empty). Who lived
  there, and where they were registered, does not matter.
- **An afnemer without one** needs a current autorisatie (``lo3_autorisatie``) for ad hoc
  verstrekking (medium 35.95.67 ``A`` or ``N``) whose rubrieken (35.95.60) hold ``AXBW01``;
  then it may ask about every object.
"""
from __future__ import annotations

from ..afnemer import Afnemer
from ..web import Problem
from . import Uitkomst
from .request import forbidden

BEWONING = "AXBW01"
GEEN_GEBRUIK = "U bent niet geautoriseerd voor het gebruik van deze API."
GEEN_AD_HOC = "Niet geautoriseerd voor ad hoc bevragingen."
ALLEEN_GEMEENTEN = "Alleen gemeenten mogen bewoningen raadplegen."
EIGEN_GEMEENTE = "Je mag alleen bewoning van adresseerbare objecten binnen de eigen gemeente raadplegen."


def no_ad_hoc() -> Problem:
    """403 for an afnemer without a current autorisatie for ad hoc verstrekking."""
    return forbidden(GEEN_AD_HOC, title=GEEN_GEBRUIK)


def check_afnemer(afnemer: Afnemer | None) -> None:
    """An afnemer without gemeentecode, with its current autorisatie (None: it has none)."""
    if afnemer is None or afnemer.ad_hoc_medium not in ("A", "N"):
        raise no_ad_hoc()
    if BEWONING not in afnemer.codes:
        raise forbidden(ALLEEN_GEMEENTEN)


def check_object(gemeente: int, uitkomst: Uitkomst) -> None:
    """A gemeente asking about the object :class:`Uitkomst` describes."""
    if uitkomst.bekend and gemeente not in uitkomst.gemeenten:
        raise forbidden(EIGEN_GEMEENTE)
