"""The spyne service: the operations of the contract, handing over to :mod:`adhoc_ws.service`.

The methods return the domain answer (:class:`adhoc_ws.answer.Antwoord`); the server writes
it through the fast serialiser in :mod:`adhoc_ws.soap.answer_xml`. ``ctx.udc`` carries the
:class:`adhoc_ws.service.AdhocService` and the caller's credentials.
"""
from __future__ import annotations

from spyne import Application, ServiceBase, Unicode, rpc
from spyne.protocol.soap import Soap11

from .. import vraag as domain
from .models import LRDPLUS, Antwoord, Resultaat, Vraag


def _one(cls):
    return cls.customize(min_occurs=1, max_occurs=1, nillable=False)


def to_domain(in0) -> domain.Vraag:
    """The spyne ``Vraag`` as the plain :class:`adhoc_ws.vraag.Vraag`."""
    if in0 is None:
        return domain.Vraag()
    masker = in0.masker.item if in0.masker is not None else None
    parameters = None
    if in0.parameters is not None:
        parameters = [domain.Zoekparameter(p.rubrieknummer, p.zoekwaarde)
                      for p in in0.parameters.item or [] if p is not None]
    return domain.Vraag(in0.indicatieAdresvraag, in0.indicatieZoekenInHistorie,
                        list(masker or []) if masker is not None else None, parameters)


class LrdPlusService(ServiceBase):
    @rpc(_one(Vraag), _returns=_one(Antwoord), _out_variable_name="vraagReturn")
    def vraag(ctx, in0):
        return ctx.udc.service.vraag(to_domain(in0), credentials=ctx.udc.credentials)

    @rpc(_one(Vraag), _returns=_one(Antwoord), _out_variable_name="adresvraagReturn")
    def adresvraag(ctx, in0):
        return ctx.udc.service.vraag(to_domain(in0), adresvraag=True,
                                     credentials=ctx.udc.credentials)

    @rpc(_one(Unicode), _returns=_one(Resultaat), _out_variable_name="changePasswordReturn")
    def changePassword(ctx, in0):
        return ctx.udc.service.change_password(ctx.udc.credentials, in0)


application = Application([LrdPlusService], tns=LRDPLUS, name="LrdPlus",
                          in_protocol=Soap11(validator=None), out_protocol=Soap11())
