"""The .xlsx/.xlsm reader: zipfile + expat, one pass over each needed part, minimal work per element.

Only what the checks need is collected: non-empty cells as (type, text), formulas, the sheet
protection flag, sheet names and states, defined names, custom properties and the application.
Styles, drawings, comments and the rest are never inflated.
"""

from __future__ import annotations

import datetime as dt
import pyexpat
from typing import Any

from selfeval_xl.layout.cells import col_letter, parse_a1
from selfeval_xl.read import fastxml, limits
from selfeval_xl.read.book import Book, Formula, SheetData, normalise
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.xmlsafe import local, parser, prefix_of
from selfeval_xl.read.zipparts import Parts, rels_path, resolve

REL_OFFICE = "/officeDocument"
REL_SHEET = "/worksheet"
REL_SST = "/sharedStrings"
REL_CUSTOM = "/custom-properties"
REL_APP = "/extended-properties"


def parse_xml(p: pyexpat.XMLParserType, data: bytes, part: str) -> None:
    try:
        p.Parse(data, True)
    except pyexpat.ExpatError as exc:
        raise Refused("corrupt-file", f"部件 {part} 的 XML 损坏（第 {exc.lineno} 行）") from exc
    except (ValueError, IndexError, TypeError) as exc:  # a handler met an impossible attribute value
        raise Refused("corrupt-file", f"部件 {part} 的内容格式错误") from exc


def parse_rels(data: bytes, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target)."""
    out: dict[str, tuple[str, str]] = {}
    p = parser()

    def start(name: str, attrs: dict[str, str]) -> None:
        if local(name) == "Relationship":
            out[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    p.StartElementHandler = start
    parse_xml(p, data, part)
    return out


def parse_workbook(data: bytes, part: str) -> tuple[list[tuple[str, str, str]], dict[str, str], bool]:
    """([(sheet name, relationship id, state)], {global defined name: ref}, date1904)."""
    sheets: list[tuple[str, str, str]] = []
    names: dict[str, str] = {}
    flags = {"date1904": False}
    current: list[str] | None = None
    current_name = ""
    p = parser()

    pre = prefix_of(data)
    SHEET, DEFINED, PR = pre + "sheet", pre + "definedName", pre + "workbookPr"

    def start(n: str, attrs: dict[str, str]) -> None:
        nonlocal current, current_name
        if n == SHEET:
            rid = next((v for k, v in attrs.items() if local(k) == "id"), "")
            sheets.append((attrs.get("name", ""), rid, attrs.get("state", "visible")))
        elif n == DEFINED:
            current = [] if "localSheetId" not in attrs else None
            current_name = attrs.get("name", "")
        elif n == PR:
            flags["date1904"] = attrs.get("date1904", "0") in ("1", "true")

    def end(name: str) -> None:
        nonlocal current
        if current is not None and name == DEFINED:
            names[current_name] = "".join(current)
            current = None

    def text(data: str) -> None:
        if current is not None:
            current.append(data)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    parse_xml(p, data, part)
    if len(sheets) > limits.MAX_SHEETS:
        raise Refused("too-large", f"工作表 {len(sheets)} 个，超过上限 {limits.MAX_SHEETS}")
    return sheets, names, flags["date1904"]


def parse_sst(data: bytes, part: str) -> list[str]:
    """The shared strings, rich-text runs joined, phonetic runs (rPh) left out."""
    out: list[str] = []
    pre = prefix_of(data)
    SI, T, RPH = pre + "si", pre + "t", pre + "rPh"
    buf: list[str] = []
    state = {"in_t": False, "rph": 0}
    p = parser()

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == T:
            if not state["rph"]:
                state["in_t"] = True
        elif name == SI:
            buf.clear()
        elif name == RPH:
            state["rph"] += 1

    def end(name: str) -> None:
        if name == T:
            state["in_t"] = False
        elif name == SI:
            out.append(fastxml.ooxml_unescape("".join(buf)))
            if len(out) > limits.MAX_STRING_COUNT:
                raise Refused("too-large", f"共享字符串超过 {limits.MAX_STRING_COUNT} 条")
        elif name == RPH:
            state["rph"] -= 1

    def text(data: str) -> None:
        if state["in_t"]:
            buf.append(data)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    parse_xml(p, data, part)
    return out


def parse_sheet(data: bytes, part: str) -> tuple[dict[str, tuple[str | None, str]], dict[str, Formula], bool]:
    """(A1 → (type, text) for cells with a value, A1 → formula, sheet protected).

    The hot loop: the start handler is one string comparison for most elements; the end
    handler is switched on only inside <v>, <f> and <is>.
    """
    cells: dict[str, tuple[str | None, str]] = {}
    formulas: dict[str, Formula] = {}
    pre = prefix_of(data)
    C, V, F, IS, T, ROW, PROT, RPH = (pre + x for x in ("c", "v", "f", "is", "t", "row", "sheetProtection", "rPh"))
    p = parser()
    r: str = ""
    t: str | None = None
    buf: list[str] | None = None
    istr: list[str] = []
    fattr: tuple[str | None, str | None] = (None, None)
    row_no = 0
    last_r = ""
    protected = False
    rph = 0

    def end(name: str) -> None:
        nonlocal buf, rph
        if name == V:
            cells[r] = (t, "".join(buf or ()))
            buf = None
            p.EndElementHandler = None
            if len(cells) > limits.MAX_CELLS:
                raise Refused("too-large", f"非空单元格超过 {limits.MAX_CELLS} 个")
        elif name == F:
            formulas[r] = ("".join(buf or ()) or None, fattr[0], fattr[1])
            buf = None
            p.EndElementHandler = None
            if len(formulas) > limits.MAX_CELLS:
                raise Refused("too-large", f"公式单元格超过 {limits.MAX_CELLS} 个")
        elif name == T:
            buf = None
        elif name == IS:
            cells[r] = ("inlineStr", fastxml.ooxml_unescape("".join(istr)))
            buf = None
            p.EndElementHandler = None
        elif name == RPH:
            rph -= 1

    def start(name: str, attrs: list[str]) -> None:
        # attributes come as a flat [name, value, ...] list (ordered_attributes: cheaper than a dict)
        nonlocal r, t, buf, fattr, row_no, last_r, protected, rph
        if name == C:
            if attrs and attrs[0] == "r":  # every writer we know puts r first
                r = last_r = attrs[1]
            else:
                r = last_r = _attr(attrs, "r") or _next_ref(last_r, row_no)
            t = _attr(attrs, "t") if "t" in attrs else None
        elif name == V:
            buf = []
            p.EndElementHandler = end
        elif name == ROW:
            row_no = int(_attr(attrs, "r") or row_no + 1)
            last_r = ""
        elif name == F:
            buf = []
            fattr = (_attr(attrs, "si"), _attr(attrs, "ref")) if _attr(attrs, "t") == "shared" else (None, None)
            p.EndElementHandler = end
        elif name == IS:
            istr.clear()
            p.EndElementHandler = end
        elif name == T:
            if not rph:
                buf = istr
        elif name == RPH:
            rph += 1
        elif name == PROT:
            protected = _attr(attrs, "sheet") in ("1", "true")

    def text(data: str) -> None:
        if buf is not None:
            buf.append(data)

    p.ordered_attributes = True
    p.StartElementHandler = start
    p.CharacterDataHandler = text
    parse_xml(p, data, part)
    return cells, formulas, protected


def _attr(attrs: list[str], key: str) -> str | None:
    """The value of attribute `key` in an ordered-attributes list."""
    for i in range(0, len(attrs) - 1, 2):
        if attrs[i] == key:
            return attrs[i + 1]
    return None


def _next_ref(last: str, row_no: int) -> str:
    if last:
        row, col = parse_a1(last)
        return f"{col_letter(col + 1)}{row + 1}"
    return f"A{max(row_no, 1)}"


def parse_custom(data: bytes, part: str) -> dict[str, str]:
    """Custom document properties: name → value text."""
    out: dict[str, str] = {}
    p = parser()
    state: dict[str, Any] = {"name": None, "buf": None, "depth": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        n = local(name)
        if n == "property":
            state["name"] = attrs.get("name")
            state["buf"] = []
        elif state["name"] is not None:
            state["depth"] += 1

    def end(name: str) -> None:
        if local(name) == "property" and state["name"] is not None:
            out[state["name"]] = "".join(state["buf"]).strip()
            state["name"] = state["buf"] = None

    def text(data: str) -> None:
        if state["buf"] is not None:
            state["buf"].append(data)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    parse_xml(p, data, part)
    return out


def parse_app(data: bytes, part: str) -> str | None:
    """The <Application> of docProps/app.xml (with <AppVersion> when present)."""
    found: dict[str, list[str]] = {}
    cur: list[str] | None = None
    p = parser()

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal cur
        n = local(name)
        cur = found.setdefault(n, []) if n in ("Application", "AppVersion") else None

    def end(name: str) -> None:
        nonlocal cur
        cur = None

    def text(data: str) -> None:
        if cur is not None:
            cur.append(data)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    parse_xml(p, data, part)
    app = "".join(found.get("Application", [])).strip()
    ver = "".join(found.get("AppVersion", [])).strip()
    if not app:
        return None
    return f"{app} {ver}" if ver else app


def converter(sst: list[str], date1904: bool) -> Any:
    """Stored (type, text) → normalised Python value (read.book.normalise), for looked-up cells only."""
    del date1904
    strings: list[str | None] = [x if x != "" else None for x in sst]

    def conv(stored: tuple[str | None, str]) -> Any:
        t, text = stored
        if not t or t == "n":
            try:
                if "." in text or "e" in text or "E" in text:
                    f = float(text)
                    return int(f) if f.is_integer() and abs(f) < 2**53 else f
                return int(text)
            except ValueError:
                return text or None
        if t == "s":
            try:
                return strings[int(text)]
            except (ValueError, IndexError):
                return None
        if t == "b":
            return text.strip() in ("1", "true")
        if t == "d":
            try:
                return normalise(dt.datetime.fromisoformat(text.strip()))
            except ValueError:
                return text or None
        return text or None  # str, inlineStr, e (error text such as #DIV/0!)

    return conv


def read_sheet(data: bytes, part: str) -> tuple[dict[str, tuple[str | None, str]], dict[str, Formula], bool]:
    """The fast path when the part has a known shape, else the general expat-handler parser."""
    got = None
    if fastxml.plain(data, b"worksheet"):
        if fastxml.VALIDATE:
            fastxml.validate(data, part)
        got = fastxml.sheet(data)
    return got if got is not None else parse_sheet(data, part)


def read_sst(data: bytes, part: str) -> list[str]:
    got = None
    if fastxml.plain(data, b"sst"):
        if fastxml.VALIDATE:
            fastxml.validate(data, part)
        got = fastxml.shared_strings(data)
    return got if got is not None else parse_sst(data, part)


def _rels(data: bytes, part: str) -> dict[str, tuple[str, str]]:
    got = fastxml.rels(data)
    return got if got is not None else parse_rels(data, part)


def read_xlsx(parts: Parts, fmt: str) -> Book:
    """Every part the checks need, each inflated and parsed once; sheets in workbook order."""
    root = _rels(parts.read("_rels/.rels"), "_rels/.rels") if parts.has("_rels/.rels") else {}
    wb_part = next((resolve("", tgt) for typ, tgt in root.values() if typ.endswith(REL_OFFICE)), "xl/workbook.xml")
    if not parts.has(wb_part):
        raise Refused("corrupt-file", f"缺少工作簿部件 {wb_part}")
    wb_data = parts.read(wb_part)
    got = fastxml.workbook(wb_data)
    sheets, names, date1904 = got if got is not None else parse_workbook(wb_data, wb_part)
    if len(sheets) > limits.MAX_SHEETS:
        raise Refused("too-large", f"工作表 {len(sheets)} 个，超过上限 {limits.MAX_SHEETS}")
    wb_rels_part = rels_path(wb_part)
    rels = _rels(parts.read(wb_rels_part), wb_rels_part) if parts.has(wb_rels_part) else {}

    book = Book(format=fmt, names=names, date1904=date1904)
    for typ, tgt in root.values():
        if typ.endswith(REL_CUSTOM):
            custom = resolve("", tgt)
            if parts.has(custom):
                data = parts.read(custom)
                props = fastxml.custom(data)
                book.props = props if props is not None else parse_custom(data, custom)
        elif typ.endswith(REL_APP):
            app = resolve("", tgt)
            if parts.has(app):
                data = parts.read(app)
                got_app = fastxml.app(data)
                book.application = parse_app(data, app) if got_app is False else got_app  # type: ignore[assignment]

    sst: list[str] = []
    for typ, tgt in rels.values():
        if typ.endswith(REL_SST):
            sst_part = resolve(wb_part, tgt)
            if parts.has(sst_part):
                sst = read_sst(parts.read(sst_part), sst_part)
    total = 0
    for name, rid, state in sheets:
        rel = rels.get(rid)
        sd = SheetData(name=name, state=state, formulas={})
        book.sheets[name] = sd
        if rel is None or not rel[0].endswith(REL_SHEET):
            sd.present = False  # a chartsheet or a dangling entry: no cells
            continue
        part = resolve(wb_part, rel[1])
        if not parts.has(part):
            raise Refused("corrupt-file", f"缺少工作表“{name}”的部件 {part}")
        sd.cells, sd.formulas, sd.protected = read_sheet(parts.read(part), part)
        total += len(sd.cells) + len(sd.formulas)
        if total > limits.MAX_CELLS:
            raise Refused("too-large", f"非空单元格超过 {limits.MAX_CELLS} 个")
    book.convert = converter(sst, date1904)
    book.normalised = True
    return book
