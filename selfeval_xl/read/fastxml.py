"""The fast path for sheet and shared-string parts in the shapes real writers produce.

A part takes the fast path only when it is "plain": no markup declaration at all (`<!` — so no
DOCTYPE, entity, CDATA or comment), its root element unprefixed, and it ends with the root's
closing tag (a truncated part never does). Its bytes are CRC-checked by zipfile. The cells are
then taken with compiled regular expressions matching the exact shapes Excel, WPS, LibreOffice
and XlsxWriter write (`<c r="B6" s="5" t="s"><v>12</v></c>`, formula cells, `<si><t>…</t></si>`),
and a completeness check — every `</c>` (or `<si>`) of the part accounted for — decides.
Anything else (namespace prefixes, CDATA, unusual attributes, rich text, any `<!`) returns None
and the caller uses the general expat parser, which validates the XML and refuses entity
declarations. Python work is per value cell, never per element.

VALIDATE = True adds a full expat pass (no element handlers) before the fast path: stricter on
XML damage that keeps the CRC valid (a buggy writer), at ~20 % of the parse floor per file.
"""

from __future__ import annotations

import html
import pyexpat
import re

from selfeval_xl.read import limits
from selfeval_xl.read.book import Formula
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.xmlsafe import entity_decl, external_entity

_CELL = re.compile(r'<c r="([A-Z]{1,3}[0-9]{1,7})"(?: s="[0-9]+")?(?: t="([a-zA-Z]+)")?>'
                   r'(?:(<f)((?: [a-zA-Z0-9]+="[^"<]*")*)(?:/>|>([^<]*)</f>))?(?:<v>([^<]*)</v>)?</c>')
_ESCAPED_VALUE = re.compile(r"<v>[^<&\r]*[&\r]")
_FATTR = re.compile(r'([a-zA-Z0-9]+)="([^"]*)"')
_PROT = re.compile(rb'<sheetProtection\b[^>]*?\ssheet="(1|true)"')
_SI = re.compile(r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>')
_T = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>")


VALIDATE = False


def plain(data: bytes, root: bytes) -> bool:
    """Whether `data` may take the fast path (see the module docstring)."""
    if b"!" in data and b"<!" in data:  # memchr for a rare byte first: far cheaper than "<!"
        return False
    return data.find(b"<" + root, 0, 1024) >= 0 and data[-64:].rstrip().endswith(b"</" + root + b">")


def validate(data: bytes, part: str) -> None:
    """Well-formedness and the entity guard, with no per-element Python calls."""
    p = pyexpat.ParserCreate()
    p.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.EntityDeclHandler = entity_decl
    p.UnparsedEntityDeclHandler = entity_decl
    p.ExternalEntityRefHandler = external_entity
    try:
        p.Parse(data, True)
    except pyexpat.ExpatError as exc:
        raise Refused("corrupt-file", f"部件 {part} 的 XML 损坏（第 {exc.lineno} 行）") from exc


def _text(s: str) -> str:
    """Element text as an XML parser would give it: entities decoded, line ends normalised."""
    if "&" in s:
        if "&#" in s:
            s = html.unescape(s)
        else:  # the five XML entities: str.replace is ~10× faster than html.unescape
            s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'") \
                .replace("&amp;", "&")
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    return s


_XESC = re.compile(r"_x([0-9A-Fa-f]{4})_")


def ooxml_unescape(s: str) -> str:
    """OOXML's `_xHHHH_` escapes in strings (Excel writes control characters such as CR so)."""
    if "_x" not in s:
        return s
    return _XESC.sub(lambda m: chr(int(m.group(1), 16)), s)


def sheet(data: bytes) -> tuple[dict[str, tuple[str | None, str]], dict[str, Formula], bool] | None:
    """(cells, formulas, protected) of a plain sheet part, or None: use the general parser.

    Only the <sheetData> region is decoded and scanned (cells live nowhere else); the
    protection element is looked for after it.
    """
    start = data.find(b"<sheetData")
    end = data.rfind(b"</sheetData>")
    if start < 0:
        return None
    if end < 0:  # <sheetData/>: no cells at all
        if b"</c>" in data:
            return None
        end = start
    try:
        s = data[start:end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    closed = s.count("</c>")
    if closed > limits.MAX_CELLS:  # before building anything: memory stays bounded
        raise Refused("too-large", f"非空单元格超过 {limits.MAX_CELLS} 个")
    found = _CELL.findall(s)
    if closed != len(found):
        return None
    # (type, text); type "" = number, as None: the converter treats both the same
    cells: dict[str, tuple[str | None, str]] = {m[0]: (m[1], m[5]) for m in found}
    if _ESCAPED_VALUE.search(s):
        for r, (t, v) in list(cells.items()):
            if "&" in v or "\r" in v:
                cells[r] = (t, _text(v))
    formulas: dict[str, Formula] = {}
    for r, _t, fmark, fattrs, ftext, _v in found:
        if not fmark:
            continue
        si = ref = None
        if "shared" in fattrs:
            a = dict(_FATTR.findall(fattrs))
            if a.get("t") == "shared":
                si, ref = a.get("si"), a.get("ref")
        formulas[r] = (_text(ftext) or None, si, ref)
    return cells, formulas, _PROT.search(data, end) is not None


def _strip_phonetic(body: str) -> str | None:
    """`body` without its <rPh>…</rPh> runs; None when one is not closed."""
    out: list[str] = []
    pos = 0
    while True:
        i = body.find("<rPh", pos)
        if i < 0:
            out.append(body[pos:])
            return "".join(out)
        j = body.find("</rPh>", i)
        if j < 0:
            return None
        out.append(body[pos:i])
        pos = j + len("</rPh>")


def shared_strings(data: bytes) -> list[str] | None:
    """The shared strings when every <si> is a plain <t>, else None."""
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "<![CDATA[" in s or "<!--" in s:
        return None
    total = s.count("<si>") + s.count("<si ") + s.count("<si/>")
    if total > limits.MAX_STRING_COUNT:
        raise Refused("too-large", f"共享字符串超过 {limits.MAX_STRING_COUNT} 条")
    found = _SI.findall(s)
    if len(found) != total:
        # rich-text runs (LibreOffice writes them): every <si> on its own, phonetic runs left out.
        # str.split/partition, not a lazy regex: linear even on hostile input.
        if "<si " in s or "<si/>" in s:
            return None
        pieces = s.split("<si>")[1:]
        found = []
        for piece in pieces:
            body, sep, _rest = piece.partition("</si>")
            if not sep:
                return None
            if "<rPh" in body:
                stripped = _strip_phonetic(body)
                if stripped is None:
                    return None
                body = stripped
            found.append("".join(_T.findall(body)))
    return [ooxml_unescape(_text(x)) if "&" in x or "\r" in x or "_x" in x else x for x in found]


# ---- the small parts: relationships, workbook, custom and app properties -------------------------

_ATTR = re.compile(r"""([A-Za-z_][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REL = re.compile(r"<Relationship\s([^>]*?)/?>")
_SHEET = re.compile(r"<sheet\s([^>]*?)/?>")
_DEFINED = re.compile(r"<definedName\s([^>]*)>([^<]*)</definedName>")
_DATE1904 = re.compile(r"""<workbookPr\b[^>]*\bdate1904\s*=\s*["'](1|true)["']""")
_PROPERTY = re.compile(r"<property\s([^>]*)>\s*<vt:[A-Za-z0-9]+>([^<]*)</vt:[A-Za-z0-9]+>\s*</property>")
_APP = re.compile(r"<Application>([^<]*)</Application>")
_APPVER = re.compile(r"<AppVersion>([^<]*)</AppVersion>")


_REL_FAST = re.compile(r'<Relationship Id="([^"&<]*)" Type="([^"&<]*)" Target="([^"&<]*)"(?: TargetMode="[A-Za-z]+")?/>')
_DEFINED_FAST = re.compile(r'<definedName name="([^"&<]*)"((?: [A-Za-z:]+="[^"<]*")*)>([^<]*)</definedName>')


def _attrs(s: str) -> dict[str, str]:
    out = {}
    for k, a, b in _ATTR.findall(s):
        v = a or b
        out[k] = _text(v) if "&" in v or "\r" in v else v
    return out


def _decode(data: bytes, root: bytes) -> str | None:
    if not plain(data, root):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def rels(data: bytes) -> dict[str, tuple[str, str]] | None:
    s = _decode(data, b"Relationships")
    if s is None:
        return None
    total = s.count("<Relationship ")
    fast = _REL_FAST.findall(s)
    if len(fast) == total:  # the attribute order every writer we know uses
        return {i: (t, target) for i, t, target in fast}
    found = _REL.findall(s)
    if len(found) != total:
        return None
    out = {}
    for raw in found:
        a = _attrs(raw)
        out[a.get("Id", "")] = (a.get("Type", ""), a.get("Target", ""))
    return out


def workbook(data: bytes) -> tuple[list[tuple[str, str, str]], dict[str, str], bool] | None:
    s = _decode(data, b"workbook")
    if s is None:
        return None
    sheets_raw = _SHEET.findall(s)
    names_raw = _DEFINED.findall(s)
    if len(sheets_raw) != s.count("<sheet ") or len(names_raw) != s.count("<definedName "):
        return None
    sheets = []
    for raw in sheets_raw:
        a = _attrs(raw)
        rid = next((v for k, v in a.items() if k.rpartition(":")[2] == "id"), "")
        sheets.append((a.get("name", ""), rid, a.get("state", "visible")))
    names = {}
    fast = _DEFINED_FAST.findall(s)
    if len(fast) == len(names_raw):  # name first, as Excel, WPS, LibreOffice and XlsxWriter write it
        for name, rest, text in fast:
            if "localSheetId" not in rest:
                names[name] = _text(text) if "&" in text or "\r" in text else text
    else:
        for raw, text in names_raw:
            a = _attrs(raw)
            if "localSheetId" not in a:
                names[a.get("name", "")] = _text(text)
    return sheets, names, _DATE1904.search(s) is not None


def custom(data: bytes) -> dict[str, str] | None:
    s = _decode(data, b"Properties")
    if s is None:
        return None
    found = _PROPERTY.findall(s)
    if len(found) != s.count("<property "):
        return None
    return {_attrs(raw).get("name", ""): _text(v).strip() for raw, v in found}


def app(data: bytes) -> str | None | bool:
    """The application string; False when the part needs the general parser."""
    s = _decode(data, b"Properties")
    if s is None:
        return False
    m = _APP.search(s)
    if m is None:
        return None
    ver = _APPVER.search(s)
    name = _text(m.group(1)).strip()
    if not name:
        return None
    return f"{name} {_text(ver.group(1)).strip()}" if ver and ver.group(1).strip() else name
