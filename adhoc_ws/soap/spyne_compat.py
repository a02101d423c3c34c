"""Lets spyne 2.14.0 (its last release) import on Python 3.12 and later.

spyne bundles an old copy of six (1.14) as ``spyne.util.six``. Its importer of
``spyne.util.six.moves`` only has the old ``find_module``/``load_module`` methods, which the
import system stopped calling in Python 3.12, so ``import spyne`` fails there with
``No module named 'spyne.util.six.moves'``. The finder below offers the same modules through
``find_spec``, asking the bundled six's own importer for them: what six 1.16 does itself.
(spyne's other 3.13 casualty, the removed ``cgi`` module, comes from the ``legacy-cgi``
package, a dependency in ``setup.cfg`` for Python 3.13 and later.)

It is installed when :mod:`adhoc_ws.soap` is imported, before spyne is; a script that imports
spyne before adhoc_ws imports this module first. Upstream fixed this on its main branch
(spyne issues #700, #708, #711, #712; PR #713) but has not released it: **delete this module
(and its import in** ``adhoc_ws/soap/__init__.py`` **and** ``bench/serialise.py``) **the day a
spyne release has the fix**, and pin that release.
"""
from __future__ import annotations

import importlib.abc
import importlib.util
import sys

_SIX = "spyne.util.six"
_MOVES = _SIX + ".moves"


class SixMovesFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``spyne.util.six.moves`` and its submodules through the bundled six's importer."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _MOVES and not fullname.startswith(_MOVES + "."):
            return None
        importer = getattr(sys.modules.get(_SIX), "_importer", None)
        if importer is None or fullname not in importer.known_modules:
            return None
        return importlib.util.spec_from_loader(fullname, self,
                                               is_package=importer.is_package(fullname))

    def create_module(self, spec):
        return sys.modules[_SIX]._importer.load_module(spec.name)

    def exec_module(self, module):
        pass  # load_module made it whole


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, SixMovesFinder) for finder in sys.meta_path):
        sys.meta_path.append(SixMovesFinder())


install()
