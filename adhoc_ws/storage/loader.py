"""Loading persoonslijsten from the JSON interchange format (brief §5).

Every file is checked against the rubriek catalogue before anything is written; a bad file
is rejected with a message that names the file, the path inside it and the value, and
nothing of it is loaded. All files of one call load in one transaction.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy.engine import Engine

from .. import catalogue
from ..values import check
from .mapping import Persoonslijst
from .writer import DuplicateBsn, Writer


class LoadError(ValueError):
    """A file that cannot be loaded; the message says where and why."""


def read_file(path: str | Path) -> list[Persoonslijst]:
    """The persoonslijsten of one JSON file, checked against the catalogue."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise LoadError(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise LoadError(f"{path}: not UTF-8 (byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise LoadError(f"{path}: line {e.lineno} column {e.colno}: {e.msg}") from None
    return validate(data, str(path))


def validate(data, source: str = "<data>") -> list[Persoonslijst]:
    if not isinstance(data, dict) or not isinstance(data.get("persoonslijsten"), list):
        raise LoadError(f'{source}: expected an object {{"persoonslijsten": [...]}}')
    extra = set(data) - {"persoonslijsten"}
    if extra:
        raise LoadError(f"{source}: unknown key {sorted(extra)[0]!r} next to persoonslijsten")
    pls = data["persoonslijsten"]
    for i, pl in enumerate(pls):
        _check_pl(pl, f"{source}: persoonslijsten[{i}]")
    _check_unique(pls, source)
    return pls


def _check_pl(pl, where: str) -> None:
    if not isinstance(pl, dict) or not pl:
        raise LoadError(f"{where}: a persoonslijst is a non-empty object of categories")
    for code, stapels in pl.items():
        here = f'{where}["{code}"]'
        categorie = catalogue.CATEGORIES.get(int(code)) if _is_code(code) else None
        if categorie is None or categorie.code != code:
            hint = ""
            if _is_code(code) and catalogue.categorie(int(code)):
                hint = (f" (historic voorkomens go in the stapel of category "
                        f"{int(code) - catalogue.HISTORIE_OFFSET:02d}, after the actual one)")
            raise LoadError(f"{here}: unknown category {code!r}{hint}")
        if not isinstance(stapels, list) or not stapels:
            raise LoadError(f"{here}: expected a non-empty list of stapels")
        if len(stapels) > 1 and not categorie.repeating:
            raise LoadError(f"{here}: category {code} ({categorie.name}) has one stapel, "
                            f"found {len(stapels)}")
        for s, stapel in enumerate(stapels):
            _check_stapel(categorie, stapel, f"{here}[{s}]")
    actual = pl.get("01", [[{}]])[0][0]
    for element in ("0110", "0120"):
        if element not in actual:
            raise LoadError(f'{where}["01"][0][0]: the actual persoon needs '
                            f'{catalogue.ELEMENTS[element].name} (01.{element[:2]}.{element[2:]})')


def _is_code(code) -> bool:
    return isinstance(code, str) and len(code) == 2 and code.isdigit()


def _check_stapel(categorie: catalogue.Categorie, stapel, where: str) -> None:
    if not isinstance(stapel, list) or not stapel:
        raise LoadError(f"{where}: expected a non-empty list of voorkomens")
    if len(stapel) > 1 and not categorie.history:
        raise LoadError(f"{where}: category {categorie.code} ({categorie.name}) has no history, "
                        f"found {len(stapel)} voorkomens")
    for v, voorkomen in enumerate(stapel):
        here = f"{where}[{v}]"
        if not isinstance(voorkomen, dict) or not voorkomen:
            raise LoadError(f"{here}: a voorkomen is a non-empty object of elements")
        for nummer, waarde in voorkomen.items():
            _check_element(categorie, nummer, waarde, historic=v > 0, where=f'{here}["{nummer}"]')


def _check_element(categorie, nummer, waarde, *, historic: bool, where: str) -> None:
    if nummer not in categorie.columns:
        raise LoadError(f"{where}: category {categorie.code} ({categorie.name}) "
                        f"has no element {nummer!r}")
    element = catalogue.ELEMENTS[nummer]
    if not isinstance(waarde, str):
        raise LoadError(f"{where}: {element.name}: expected a string, found {json.dumps(waarde)}")
    if nummer == "8410" and not historic:
        raise LoadError(f"{where}: {element.name} is only allowed in a historic voorkomen")
    problem = check(element, waarde)
    if problem:
        raise LoadError(f"{where}: {element.name} {waarde!r} {problem.describe(element)}")
    if element.numeric and element.min_length != element.max_length and \
            waarde != str(int(waarde)):
        raise LoadError(f"{where}: {element.name} {waarde!r} has a leading zero")


def _check_unique(pls: list[Persoonslijst], source: str) -> None:
    seen_anr: dict[str, int] = {}
    seen_bsn: dict[str, int] = {}
    for i, pl in enumerate(pls):
        persoon = pl["01"][0][0]
        for seen, element, label in ((seen_anr, "0110", "A-nummer"), (seen_bsn, "0120", "BSN")):
            value = persoon[element]
            if value in seen:
                raise LoadError(f"{source}: persoonslijsten[{i}]: {label} {value} is also the "
                                f"{label} of persoonslijsten[{seen[value]}]")
            seen[value] = i


def load(engine: Engine, paths: Iterable[str | Path],
         progress: Callable[[int], None] | None = None) -> int:
    """Check and load every file in one transaction; returns the number of PLs written."""
    return load_checked(engine, [(str(p), read_file(p)) for p in paths], progress)


def load_checked(engine: Engine, files: list[tuple[str, list[Persoonslijst]]],
                 progress: Callable[[int], None] | None = None) -> int:
    """Load files already read with :func:`read_file`, in one transaction."""
    everything = [pl for _, pls in files for pl in pls]
    _check_unique(everything, "the files together")
    with engine.begin() as conn:
        try:
            return Writer(conn).write(everything, progress)
        except DuplicateBsn as e:
            raise LoadError(str(e)) from None
