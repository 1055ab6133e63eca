"""The fast path for sheet and shared-string parts in the shapes real writers produce.

Each part is first parsed by expat with no element handlers at all (C speed; it proves the XML
well-formed and refuses entity declarations), then the cells are taken with compiled regular
expressions matching the exact shapes Excel, WPS, LibreOffice and XlsxWriter write
(`<c r="B6" s="5" t="s"><v>12</v></c>`, formula cells, `<si><t>…</t></si>`). A completeness
check — every `</c>` (or `<si>`) of the part accounted for — decides; anything else (namespace
prefixes, CDATA, unusual attributes, rich text) returns None and the caller uses the general
expat-handler parser. Python work is per value cell, never per element.
"""

from __future__ import annotations

import html
import pyexpat
import re

from selfeval_xl.read.book import Formula
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.xmlsafe import _entity_decl, _external

_VALUE = re.compile(r'<c r="([A-Z]{1,3}[0-9]{1,7})"(?: s="[0-9]+")?(?: t="([a-zA-Z]+)")?>(?:<v>([^<]*)</v>)?</c>')
_FORMULA = re.compile(r'<c r="([A-Z]{1,3}[0-9]{1,7})"(?: s="[0-9]+")?(?: t="([a-zA-Z]+)")?>'
                      r'<f((?: [a-zA-Z0-9]+="[^"]*")*)(?:/>|>([^<]*)</f>)(?:<v>([^<]*)</v>)?</c>')
_FATTR = re.compile(r'([a-zA-Z0-9]+)="([^"]*)"')
_PROT = re.compile(r'<sheetProtection\b[^>]*?\ssheet="(1|true)"')
_SI = re.compile(r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>')


def validate(data: bytes, part: str) -> None:
    """Well-formedness and the entity guard, with no per-element Python calls."""
    p = pyexpat.ParserCreate()
    p.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.EntityDeclHandler = _entity_decl
    p.UnparsedEntityDeclHandler = _entity_decl
    p.ExternalEntityRefHandler = _external
    try:
        p.Parse(data, True)
    except pyexpat.ExpatError as exc:
        raise Refused("corrupt-file", f"部件 {part} 的 XML 损坏（第 {exc.lineno} 行）") from exc


def _text(s: str) -> str:
    """Element text as an XML parser would give it: entities decoded, line ends normalised."""
    if "&" in s:
        s = html.unescape(s)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    return s


def sheet(data: bytes) -> tuple[dict[str, tuple[str | None, str]], dict[str, Formula], bool] | None:
    """(cells, formulas, protected) of an already validated sheet part, or None: use the general parser."""
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "<![CDATA[" in s or "<!--" in s:
        return None
    cells: dict[str, tuple[str | None, str]] = {}
    values = _VALUE.findall(s)
    for r, t, v in values:
        cells[r] = (t or None, _text(v) if "&" in v or "\r" in v else v)
    formulas: dict[str, Formula] = {}
    found = []
    if "<f" in s:
        found = _FORMULA.findall(s)
        for r, t, fattrs, ftext, v in found:
            si = ref = None
            if fattrs and 'shared' in fattrs:
                a = dict(_FATTR.findall(fattrs))
                if a.get("t") == "shared":
                    si, ref = a.get("si"), a.get("ref")
            formulas[r] = (_text(ftext) or None, si, ref)
            cells[r] = (t or None, _text(v))
    if s.count("</c>") != len(values) + len(found):
        return None
    m = _PROT.search(s)
    return cells, formulas, m is not None


def shared_strings(data: bytes) -> list[str] | None:
    """The shared strings when every <si> is a plain <t>, else None."""
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "<![CDATA[" in s or "<!--" in s:
        return None
    found = _SI.findall(s)
    total = s.count("<si>") + s.count("<si ")
    if len(found) != total:
        return None
    return [_text(x) if "&" in x or "\r" in x else x for x in found]
