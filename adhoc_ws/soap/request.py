"""Reading a request: an operation's element into plain values, along the spyne models.

The spyne models of the contract (:mod:`adhoc_ws.soap.models`, the input messages of
:mod:`adhoc_ws.soap.service`) say which elements a request holds, their XSD types and bounds,
and which repeat. This module walks a request along them the way spyne's own deserialiser
does, in a fraction of its time:

- elements are matched by local name, whatever their namespace; unknown ones are ignored;
- an element that may occur once and comes twice: the last one counts;
- ``xsi:nil="true"`` (or ``1``) is None, and so is an element that is absent; an empty text
  element is ``""``;
- a complex value is a :class:`types.SimpleNamespace` with every field of its model, a
  repeating element a list.

An integer must be an XSD integer (``[+-]digits``, surrounding white space allowed, leading
zeros too: ``010120``) within the bounds of its type (a byte is -128…127). Its digits are
counted before it is converted (Python converts at most 4,300 characters): leading zeros
are no digits, and more digits than its type's bounds have is out of them. Anything else
raises :class:`Invalid` with the element's name, or for an ``item`` of an array the array's
name, which the service answers with X021 (``Ongeldige waarde voor parameter masker``).

``tests/test_request.py`` keeps this equal to spyne's deserialiser on generated requests.
"""
from __future__ import annotations

import re
from functools import lru_cache
from types import SimpleNamespace

from lxml import etree
from spyne import ComplexModelBase, Integer

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*")
MAX_DIGITS = 100  # an xs:integer without bounds: refused beyond this many significant digits


class Invalid(ValueError):
    """A value that is not of its XSD type; ``element`` names where."""

    def __init__(self, element: str):
        super().__init__(element)
        self.element = element


class _Field:
    """One element of a model: how to read it, whether it repeats."""

    def __init__(self, model):
        self.repeats = model.Attributes.max_occurs > 1
        self.fields = _fields(model) if issubclass(model, ComplexModelBase) else None
        self.bounds = None
        if issubclass(model, Integer):
            self.bounds = (model.Attributes.min_bound, model.Attributes.max_bound)
            # the most significant digits a value within the bounds has (unbounded: MAX_DIGITS)
            self.digits = max(MAX_DIGITS if b is None else len(str(abs(b))) for b in self.bounds)


@lru_cache(maxsize=None)
def _fields(model) -> dict[str, _Field]:
    return {name: _Field(member) for name, member in model._type_info.items()}


def read(element: etree._Element, model) -> SimpleNamespace:
    """The values of ``element`` as ``model`` describes them; raises :class:`Invalid`."""
    return _complex(element, _fields(model), etree.QName(element).localname)


def _complex(element, fields: dict[str, _Field], name: str) -> SimpleNamespace:
    values = dict.fromkeys(fields)
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # a comment or processing instruction
        local = tag.rpartition("}")[2]
        field = fields.get(local)
        if field is None:
            continue
        value = _value(child, field, name if local == "item" else local)
        if field.repeats:
            if values[local] is None:
                values[local] = []
            values[local].append(value)
        else:
            values[local] = value
    return SimpleNamespace(**values)


def _value(element, field: _Field, name: str):
    if element.keys() and element.get(XSI_NIL) in ("true", "1"):  # most have no attribute
        return None
    if field.fields is not None:
        return _complex(element, field.fields, name)
    text = element.text
    if field.bounds is None:
        return "" if text is None else text
    if text is None or not (text.isdigit() and text.isascii() or _INTEGER.fullmatch(text)):
        raise Invalid(name)
    low, high = field.bounds
    if len(text) > field.digits:  # counted first: Python converts at most 4,300 characters
        text = text.strip()
        sign, digits = ("-" if text[0] == "-" else ""), text.lstrip("+-").lstrip("0") or "0"
        if len(digits) > field.digits:
            raise Invalid(name)
        text = sign + digits
    value = int(text)
    if not (low is None or low <= value) or not (high is None or value <= high):
        raise Invalid(name)
    return value
