"""The LrdPlus 1.1 contract as spyne models.

Type names, element names and order, XSD types and nillability are those of the legacy
``LrdPlus1_1.wsdl``: the request side and ``Resultaat``/``Antwoord`` in the LRDPlus namespace,
everything inside a persoonslijst in the LO3 namespace. Arrays are the Axis style
``ArrayOf_*`` types with repeated ``item`` elements.
"""
from __future__ import annotations

from spyne import Byte, ComplexModel, Integer32, Short, Unicode

LRDPLUS = "http://www.bprbzk.nl/GBA/LRDPlus/version1.1"
LO3 = "http://www.bprbzk.nl/GBA/LO3/version1.1"


def _one(cls, nillable=False):
    """Exactly one occurrence (the XSD default), nillable or not."""
    return cls.customize(min_occurs=1, max_occurs=1, nillable=nillable)


def _items(cls):
    return cls.customize(min_occurs=0, max_occurs="unbounded", nillable=False)


class ArrayOf_xsd_int(ComplexModel):
    __namespace__ = LRDPLUS
    _type_info = [("item", _items(Integer32))]


class Zoekparameter(ComplexModel):
    __namespace__ = LRDPLUS
    _type_info = [
        ("rubrieknummer", _one(Integer32)),
        ("zoekwaarde", _one(Unicode, nillable=True)),
    ]


class ArrayOfZoekparameter(ComplexModel):
    __namespace__ = LRDPLUS
    _type_info = [("item", _items(Zoekparameter))]


class Vraag(ComplexModel):
    __namespace__ = LRDPLUS
    _type_info = [
        ("indicatieAdresvraag", _one(Byte, nillable=True)),
        ("indicatieZoekenInHistorie", _one(Byte, nillable=True)),
        ("masker", _one(ArrayOf_xsd_int, nillable=True)),
        ("parameters", _one(ArrayOfZoekparameter, nillable=True)),
    ]


class Resultaat(ComplexModel):
    __namespace__ = LRDPLUS
    _type_info = [
        ("code", _one(Integer32)),
        ("letter", _one(Unicode, nillable=True)),
        ("omschrijving", _one(Unicode, nillable=True)),
        ("referentie", _one(Unicode, nillable=True)),
    ]


class Element(ComplexModel):
    __namespace__ = LO3
    _type_info = [
        ("nummer", _one(Short)),
        ("waarde", _one(Unicode, nillable=True)),
    ]


class ArrayOf_Element(ComplexModel):
    __namespace__ = LO3
    _type_info = [("item", _items(Element))]


class Categorievoorkomen(ComplexModel):
    __namespace__ = LO3
    _type_info = [
        ("categorienummer", _one(Byte)),
        ("elementen", _one(ArrayOf_Element, nillable=True)),
    ]


class ArrayOf_Categorievoorkomen(ComplexModel):
    __namespace__ = LO3
    _type_info = [("item", _items(Categorievoorkomen))]


class Categoriestapel(ComplexModel):
    __namespace__ = LO3
    _type_info = [("categorievoorkomens", _one(ArrayOf_Categorievoorkomen, nillable=True))]


class ArrayOf_Categoriestapel(ComplexModel):
    __namespace__ = LO3
    _type_info = [("item", _items(Categoriestapel))]


class PL(ComplexModel):
    __namespace__ = LO3
    _type_info = [("categoriestapels", _one(ArrayOf_Categoriestapel, nillable=True))]


class ArrayOf_PL(ComplexModel):
    __namespace__ = LO3
    _type_info = [("item", _items(PL))]


class Antwoord(ComplexModel):
    __namespace__ = LRDPLUS
    _type_info = [
        ("persoonslijsten", _one(ArrayOf_PL, nillable=True)),
        ("resultaat", _one(Resultaat, nillable=True)),
    ]
