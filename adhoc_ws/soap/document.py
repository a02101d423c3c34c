"""A request document as the XML parser gets it: UTF-8 that was checked to hold no DTD.

A DTD is refused before anything is parsed, so no entity is ever declared, let alone
expanded. Looking for ``<!DOCTYPE`` in the bytes a client sent only works for encodings in
which it is those bytes; libxml2 also reads UTF-16, UTF-32, UTF-7, EBCDIC and every encoding
iconv knows, in which it is not. So the check is made on the characters, and the parser is
given those very characters, never the client's bytes:

1. The encoding is found as XML 1.0, appendix F, has it: a byte order mark (UTF-8, UTF-16
   and UTF-32 in either order), else the first bytes of ``<?xml`` in UTF-16, UTF-32 or
   EBCDIC, else an ASCII-compatible encoding; in the last two the XML declaration's
   ``encoding`` names it.
2. UTF-8 (or US-ASCII, or no declaration), the common case: the bytes themselves are
   searched, they are the characters' UTF-8 already.
   Any other encoding: the whole document is decoded by Python's codec of that name
   (unknown to Python, or bytes that are not of it: refused), searched, and encoded as UTF-8
   without its XML declaration.
3. The parser (:data:`adhoc_ws.soap.server._PARSER`) reads every document as UTF-8 whatever
   it declares, so it cannot decode the bytes in another way than they were checked.

A ``<!DOCTYPE`` anywhere (a comment or CDATA section included) refuses the document: no SOAP
client sends one.
"""
from __future__ import annotations

import codecs
import re

DOCTYPE = "<!DOCTYPE"
_UTF8 = ("utf-8", "ascii")  # Python's names of the encodings whose bytes are searched as they are
_DECLARATION = re.compile(r"""<\?xml[ \t\r\n][^>]*?encoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
_XML_DECLARATION = re.compile(r"\A<\?xml[ \t\r\n][^>]*\?>")

# byte order marks, longest first (UTF-32 LE starts as UTF-16 LE does)
_BOMS = [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
# the first four bytes of a document without one (XML 1.0 appendix F); None: by its declaration
_STARTS = {b"\x00\x00\x00<": "utf-32-be", b"<\x00\x00\x00": "utf-32-le",
           b"\x00<\x00?": "utf-16-be", b"<\x00?\x00": "utf-16-le", b"\x4c\x6f\xa7\x94": None}
_EBCDIC = "cp037"  # enough to read an EBCDIC document's XML declaration


class Refused(ValueError):
    """The document is refused before parsing; the message says why."""


def for_parser(body: bytes) -> bytes:
    """``body`` as UTF-8 for the parser, or :class:`Refused` (a DTD, an unknown encoding)."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return _transcoded(body[len(bom):], encoding)
    start = body[:4]
    if start in _STARTS:
        encoding = _STARTS[start]
        if encoding is None:  # EBCDIC: which one, the declaration says
            return _transcoded(body, _declared(body[:200].decode(_EBCDIC, "replace")) or _EBCDIC)
        return _transcoded(body, encoding)
    declared = _declared(body[:200].decode("latin-1")) if body.startswith(b"<?xml") else None
    if declared is None or _python_name(declared) in _UTF8:
        if DOCTYPE.encode() in body:
            raise Refused("A document type declaration (DTD) is not allowed")
        return body
    return _transcoded(body, declared)


def _declared(prolog: str) -> str | None:
    match = _DECLARATION.match(prolog)
    return match.group(1) if match else None


def _python_name(encoding: str) -> str | None:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def _transcoded(body: bytes, encoding: str) -> bytes:
    try:
        text = body.decode(encoding)
    except LookupError:
        raise Refused(f"Unsupported encoding {encoding}") from None
    except UnicodeDecodeError:
        raise Refused(f"Not well-formed XML: not in its encoding {encoding}") from None
    if not isinstance(text, str):
        raise Refused(f"Unsupported encoding {encoding}")
    if DOCTYPE in text:
        raise Refused("A document type declaration (DTD) is not allowed")
    try:
        return _XML_DECLARATION.sub("", text.removeprefix("\ufeff"), count=1).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which no XML document holds
        raise Refused(f"Not well-formed XML: not in its encoding {encoding}") from None
