"""A DTD is refused before parsing in every encoding an XML parser reads (issue 15, item 9),
and documents in those encodings are read as they were written (adhoc_ws/soap/document.py)."""
from __future__ import annotations

import codecs

import pytest
import requests
from lxml import etree

from adhoc_ws.soap import document
from adhoc_ws.soap.server import SoapFault, parse_envelope

LRD = "http://www.bprbzk.nl/GBA/LRDPlus/version1.1"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
ENVELOPE = (f'<s:Envelope xmlns:s="{SOAP}" xmlns:v="{LRD}"><s:Body><v:vraag><v:in0><v:masker>'
            "<v:item>10120</v:item></v:masker><v:parameters><v:item><v:rubrieknummer>10120"
            "</v:rubrieknummer><v:zoekwaarde>999993653</v:zoekwaarde></v:item></v:parameters>"
            "</v:in0></v:vraag></s:Body></s:Envelope>")
NAMED = ENVELOPE.replace("999993653", "Müller")
DTDS = ['<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE s:Envelope SYSTEM "http://127.0.0.1:9/evil.dtd">']

# (declared name or None, Python codec, byte order mark or b"")
ENCODINGS = [
    (None, "utf-8", b""), ("UTF-8", "utf-8", b""), ("UTF-8", "utf-8", codecs.BOM_UTF8), (None, "utf-8", codecs.BOM_UTF8),
    ("UTF-16", "utf-16-le", codecs.BOM_UTF16_LE), ("UTF-16", "utf-16-be", codecs.BOM_UTF16_BE),
    (None, "utf-16-le", codecs.BOM_UTF16_LE), (None, "utf-16-be", codecs.BOM_UTF16_BE),
    ("UTF-16LE", "utf-16-le", b""), ("UTF-16BE", "utf-16-be", b""), ("UTF-16", "utf-16-le", b""),
    ("UTF-32", "utf-32-le", codecs.BOM_UTF32_LE), ("UTF-32", "utf-32-be", codecs.BOM_UTF32_BE),
    (None, "utf-32-le", codecs.BOM_UTF32_LE), ("UTF-32LE", "utf-32-le", b""), ("UTF-32BE", "utf-32-be", b""),
    ("ISO-8859-1", "latin-1", b""), ("windows-1252", "cp1252", b""), ("ISO-8859-15", "iso8859-15", b""),
    ("IBM037", "cp037", b""), ("EBCDIC-CP-US", "cp037", b""), ("IBM500", "cp500", b""),
    ("UTF-7", "utf-7", b""), ("Shift_JIS", "shift_jis", b""), ("US-ASCII", "ascii", b""),
]


def written(text: str, declared: str | None, codec: str, bom: bytes, dtd: str = "") -> bytes:
    declaration = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    if codec in ("ascii", "shift_jis"):
        text = text.replace("ü", "&#252;")
    return bom + (declaration + dtd + text).encode(codec)


def ids(encoding) -> str:
    declared, codec, bom = encoding
    return f"{declared}-{codec}{'-bom' if bom else ''}"


@pytest.mark.parametrize("encoding", ENCODINGS, ids=ids)
@pytest.mark.parametrize("dtd", DTDS, ids=["external", "entities", "system"])
def test_a_dtd_is_refused_before_parsing_in_every_encoding(encoding, dtd, monkeypatch):
    body = written(ENVELOPE, *encoding, dtd=dtd)
    with pytest.raises(document.Refused, match="DTD"):
        document.for_parser(body)
    monkeypatch.setattr(etree, "fromstring", None)  # the parser is never reached
    with pytest.raises(SoapFault) as fault:
        parse_envelope(body)
    assert fault.value.faultcode == "Client" and "DTD" in fault.value.faultstring


@pytest.mark.parametrize("encoding", ENCODINGS, ids=ids)
def test_a_document_in_any_encoding_reads_as_written(encoding):
    root = parse_envelope(written(NAMED, *encoding))
    assert root.findtext(f".//{{{LRD}}}zoekwaarde") == "Müller"


def test_the_parser_reads_the_checked_characters_not_the_bytes():
    """A declaration that disagrees with the bytes cannot make the parser read them otherwise."""
    body = b'<?xml version="1.0" encoding="UTF-16"?>' + ENVELOPE.encode()
    with pytest.raises(SoapFault) as fault:  # not UTF-16: refused or not well-formed, never read as UTF-8
        parse_envelope(body)
    assert fault.value.faultcode == "Client"
    utf7_dtd = b'<?xml version="1.0" encoding="UTF-7"?>+ADwAIQ-DOCTYPE x+AD4-' + ENVELOPE.encode()
    with pytest.raises(document.Refused, match="DTD"):
        document.for_parser(utf7_dtd)


@pytest.mark.parametrize("body, reason", [
    (b'<?xml version="1.0" encoding="x-no-such-encoding"?><a/>', "Unsupported encoding"),
    (b'<?xml version="1.0" encoding="base64"?><a/>', "Unsupported encoding"),
    (b'<?xml version="1.0" encoding="rot13"?><a/>', "Unsupported encoding"),
    (codecs.BOM_UTF16_LE + b"<\x00a\x00/\x00>\x00\x00\xd8", "not in its encoding"),  # a lone surrogate
    (b'<?xml version="1.0" encoding="US-ASCII"?><a>\xff</a>', "Not well-formed"),
])
def test_an_unreadable_encoding_is_a_client_fault(body, reason):
    with pytest.raises(SoapFault) as fault:
        parse_envelope(body)
    assert fault.value.faultcode == "Client" and reason in fault.value.faultstring


@pytest.mark.parametrize("encoding", [e for e in ENCODINGS if e[1] in ("utf-16-le", "utf-32-be", "cp037", "utf-7")][:4],
                         ids=ids)
def test_over_http_a_dtd_is_a_fault_and_the_document_an_answer(service_url, encoding):
    headers = {"Content-Type": "text/xml"}
    refused = requests.post(service_url, data=written(ENVELOPE, *encoding, dtd=DTDS[0]), headers=headers, timeout=10)
    assert refused.status_code == 500 and b"DTD" in refused.content and b"root:" not in refused.content
    answered = requests.post(service_url, data=written(ENVELOPE, *encoding), headers=headers, timeout=10)
    assert answered.status_code == 200 and b"<letter>A</letter>" in answered.content
