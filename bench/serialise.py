"""Building an answer of 10 full persoonslijsten: adhoc-ws, plain lxml, spyne — in one run.

    python bench/serialise.py

The answer is built from the 10 fullest demo persoonslijsten with every rubriek in the masker
(about 1,000 elements). "plain lxml" is the most direct lxml code for the same XML; "spyne" is
spyne's own Soap11 serialiser of the same Antwoord, which adhoc-ws keeps for the contract but
does not use to answer. All three produce the same document (checked).
"""
import statistics
import sys
import time
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import adhoc_ws.soap.spyne_compat  # noqa: E402,F401  (before spyne; see its docstring)
from spyne import MethodContext  # noqa: E402
from spyne.protocol.soap import Soap11  # noqa: E402
from spyne.server.null import NullServer  # noqa: E402

from adhoc_ws import catalogue  # noqa: E402
from adhoc_ws.answer import apply_masker, success  # noqa: E402
from adhoc_ws.soap import answer_xml, models  # noqa: E402
from adhoc_ws.soap.service import application  # noqa: E402
from adhoc_ws.storage.loader import read_file  # noqa: E402

LRD, LO3 = models.LRDPLUS, models.LO3
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def the_answer():
    pls = [pl for f in sorted((ROOT / "fixtures").glob("*.json")) for pl in read_file(f)]
    size = lambda pl: sum(len(v) for stapels in pl.values() for s in stapels for v in s)
    fullest = sorted(pls, key=size, reverse=True)[:10]
    masker = frozenset(catalogue.RUBRIEKEN)
    return success([apply_masker(pl, masker) for pl in fullest])


def plain_lxml(answer) -> bytes:
    envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soap": SOAP})
    body = etree.SubElement(envelope, f"{{{SOAP}}}Body")
    response = etree.SubElement(body, f"{{{LRD}}}vraagResponse", nsmap={None: LRD, "ns2": LO3})
    returned = etree.SubElement(response, f"{{{LRD}}}vraagReturn")
    pls = etree.SubElement(returned, f"{{{LRD}}}persoonslijsten")
    for pl in answer.persoonslijsten:
        stapels = etree.SubElement(etree.SubElement(pls, f"{{{LO3}}}item"), f"{{{LO3}}}categoriestapels")
        for stapel in pl:
            voorkomens = etree.SubElement(etree.SubElement(stapels, f"{{{LO3}}}item"),
                                          f"{{{LO3}}}categorievoorkomens")
            for categorienummer, elementen in stapel:
                voorkomen = etree.SubElement(voorkomens, f"{{{LO3}}}item")
                etree.SubElement(voorkomen, f"{{{LO3}}}categorienummer").text = str(categorienummer)
                items = etree.SubElement(voorkomen, f"{{{LO3}}}elementen")
                for nummer, waarde in elementen:
                    item = etree.SubElement(items, f"{{{LO3}}}item")
                    etree.SubElement(item, f"{{{LO3}}}nummer").text = str(nummer)
                    etree.SubElement(item, f"{{{LO3}}}waarde").text = waarde
    r = etree.SubElement(returned, f"{{{LRD}}}resultaat")
    for name in ("code", "letter", "omschrijving", "referentie"):
        etree.SubElement(r, f"{{{LRD}}}{name}").text = str(getattr(answer.resultaat, name))
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def spyne_model(answer):
    m = models
    return m.Antwoord(
        persoonslijsten=m.ArrayOf_PL(item=[m.PL(categoriestapels=m.ArrayOf_Categoriestapel(item=[
            m.Categoriestapel(categorievoorkomens=m.ArrayOf_Categorievoorkomen(item=[
                m.Categorievoorkomen(categorienummer=c, elementen=m.ArrayOf_Element(
                    item=[m.Element(nummer=n, waarde=w) for n, w in elementen]))
                for c, elementen in stapel])) for stapel in pl])) for pl in answer.persoonslijsten]),
        resultaat=m.Resultaat(code=answer.resultaat.code, letter=answer.resultaat.letter,
                              omschrijving=answer.resultaat.omschrijving,
                              referentie=answer.resultaat.referentie))


def spyne_serialise(answer) -> bytes:
    server = NullServer(application, ostr=True)
    ctx = MethodContext(server, MethodContext.SERVER)
    ctx.descriptor = application.interface.service_method_map[f"{{{LRD}}}vraag"][0]
    ctx.out_object = (spyne_model(answer),)
    application.out_protocol.serialize(ctx, message=Soap11.RESPONSE)
    application.out_protocol.create_out_string(ctx)
    return b"".join(ctx.out_string)


def timed(build, answer, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        build(answer)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def structure(document: bytes) -> list[tuple[str, str]]:
    """Every element under the SOAP Body with its text: the document, whatever the prefixes."""
    body = etree.fromstring(document).find(f"{{{SOAP}}}Body")
    return [(e.tag, (e.text or "").strip()) for e in body.iter() if e is not body]


def main():
    answer = the_answer()
    elements = sum(len(e) for pl in answer.persoonslijsten for s in pl for _, e in s)
    fast = answer_xml.antwoord("vraag", answer)
    assert fast == plain_lxml(answer)
    assert structure(fast) == structure(spyne_serialise(answer))
    for build in (plain_lxml, lambda a: answer_xml.antwoord("vraag", a), spyne_serialise):
        timed(build, answer, 20)  # warm up
    plain = timed(plain_lxml, answer, 300)
    ours = timed(lambda a: answer_xml.antwoord("vraag", a), answer, 300)
    theirs = timed(spyne_serialise, answer, 50)
    print(f"10 persoonslijsten, {elements} elements, {len(fast):,} bytes")
    print("| builder | median ms | × plain lxml |\n|---|---|---|")
    for name, ms in (("plain lxml", plain), ("adhoc-ws (answer_xml)", ours), ("spyne Soap11", theirs)):
        print(f"| {name} | {ms:.2f} | {ms / plain:.2f} |")


if __name__ == "__main__":
    main()
