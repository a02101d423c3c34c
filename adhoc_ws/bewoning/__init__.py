"""The Haal Centraal BRP bewoning API (v2) over the same store as the Ad hoc webservice.

- :mod:`.request` — the request body (BewoningMetPeildatum / BewoningMetPeriode), its
  validation, and the problem+json errors;
- :mod:`.store` — reading the adreshoudingen of everyone who ever lived at an object;
- :mod:`.compose` — the business rules: bewoners, mogelijke bewoners, slices, merging;
- :mod:`.app` — the HTTP layer (WSGI), mounted under ``/haalcentraal/api/bewoning`` by ``serve``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class BewoningVraag:
    """A valid request: who lived at ``adresseerbaar_object`` from ``van`` up to ``tot``.

    ``tot`` is exclusive; a peildatum query is the one-day period peildatum … peildatum + 1.
    """

    adresseerbaar_object: str
    van: dt.date
    tot: dt.date
    peildatum: bool = False


@dataclass
class Uitkomst:
    """What the store and the rules found for one :class:`BewoningVraag`.

    ``bewoningen`` is the response's list, ready to serialise; ``bekend`` whether the object
    is known at all (an lo3_adres row has it); ``gemeenten`` the gemeenten of its lo3_adres
    rows (after a herindeling or samenvoeging one for each gemeente it lay in: a gemeente
    may see the objects that lie or lay in it); ``pl_ids`` every persoonslijst delivered,
    each once (protocollering).
    """

    bewoningen: list[dict] = field(default_factory=list)
    bekend: bool = False
    gemeenten: set[int] = field(default_factory=set)
    pl_ids: list[int] = field(default_factory=list)
