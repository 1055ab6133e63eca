"""The .xlsx/.xlsm reader: our zip container + expat, one pass over each needed part.

Only what the checks need is collected: non-empty cells as (type, text), formulas, the sheet
protection flag, sheet names and states, defined names, custom properties and the application.
Styles, drawings, comments and the rest are never inflated. Every part goes through
`read.xmlsafe` (a real XML parser, namespaces resolved, no DTD); worksheets through
`read.sheetxml`. Whatever two readers could read differently is refused, not guessed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from selfeval_xl.read import limits
from selfeval_xl.read.book import Book, SheetData, normalise
from selfeval_xl.read.budget import Budget
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.sheetxml import MAIN_NS, main_names, parse_sheet
from selfeval_xl.read.xmlsafe import SEP, feed, parser
from selfeval_xl.read.zipparts import Parts, rels_path, resolve

REL_OFFICE = "/officeDocument"
REL_SHEET = "/worksheet"
REL_SST = "/sharedStrings"
REL_CUSTOM = "/custom-properties"
REL_APP = "/extended-properties"

PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
              "http://purl.oclc.org/ooxml/officeDocument/relationships")
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
APP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
REL_IDS = frozenset(f"{ns}{SEP}id" for ns in DOC_REL_NS)


def _refuse(part: str, why: str) -> Refused:
    return Refused("corrupt-file", f"部件 {part}：{why}")


class _Walk:
    """A small part walked with the path of resolved element names (the parts here are small)."""

    def __init__(self, on_start: Callable[[list[str], dict[str, str]], None],
                 on_end: Callable[[list[str], str], None] | None = None) -> None:
        self.path: list[str] = []
        self.text: list[str] | None = None
        self.on_start, self.on_end = on_start, on_end

    def run(self, data: bytes, part: str, budget: Budget) -> None:
        p = parser()

        def start(name: str, attrs: dict[str, str]) -> None:
            self.path.append(name)
            self.on_start(self.path, attrs)

        def end(name: str) -> None:
            if self.on_end is not None:
                self.on_end(self.path, "".join(self.text) if self.text is not None else "")
            self.path.pop()

        def chars(d: str) -> None:
            if self.text is not None:
                self.text.append(d)

        p.StartElementHandler = start
        p.EndElementHandler = end
        p.CharacterDataHandler = chars
        feed(p, data, part, budget)


def parse_rels(data: bytes, part: str, budget: Budget) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target)."""
    out: dict[str, tuple[str, str]] = {}
    root, rel = f"{PKG_REL_NS}{SEP}Relationships", f"{PKG_REL_NS}{SEP}Relationship"

    def start(path: list[str], attrs: dict[str, str]) -> None:
        if len(path) == 1 and path[0] != root:
            raise _refuse(part, "不是关系部件")
        if len(path) == 2 and path[1] == rel:
            rid = attrs.get("Id", "")
            if rid in out:
                raise _refuse(part, f"关系 {rid[:20]} 出现了两次")
            out[rid] = (attrs.get("Type", ""), attrs.get("Target", ""))

    _Walk(start).run(data, part, budget)
    return out


def parse_workbook(data: bytes, part: str, budget: Budget) -> tuple[list[tuple[str, str, str]], dict[str, str], bool]:
    """([(sheet name, relationship id, state)], {global defined name: ref}, date1904).

    Sheet names and defined names are unique in a workbook (case-insensitive, per scope): a
    second one would be read by one application and dropped by another, so it is refused."""
    sheets: list[tuple[str, str, str]] = []
    names: dict[str, str] = {}
    seen: set[tuple[str, str | None]] = set()
    state: dict[str, Any] = {"date1904": False, "name": ""}
    wb, SHEETS, SHEET, DNS, DN, PR = (main_names(x) for x in ("workbook", "sheets", "sheet", "definedNames",
                                                               "definedName", "workbookPr"))
    walk: _Walk

    def start(path: list[str], attrs: dict[str, str]) -> None:
        depth, name = len(path), path[-1]
        if depth == 1 and name not in wb:
            raise _refuse(part, "根元素不是工作簿（workbook）")
        if depth == 3 and path[1] in SHEETS and name in SHEET:
            sname = attrs.get("name", "")
            if (sname.lower(), "sheet") in seen:
                raise _refuse(part, f"工作表名“{sname[:31]}”出现了两次")
            seen.add((sname.lower(), "sheet"))
            if len(sheets) >= limits.MAX_SHEETS:
                raise Refused("too-large", f"工作表超过上限 {limits.MAX_SHEETS} 个")
            rid = next((v for k, v in attrs.items() if k in REL_IDS), "")
            sheets.append((sname, rid, attrs.get("state", "visible")))
        elif depth == 3 and path[1] in DNS and name in DN:
            dname, scope = attrs.get("name", ""), attrs.get("localSheetId")
            if (dname.lower(), scope) in seen:
                raise _refuse(part, f"名称“{dname[:40]}”定义了两次")
            seen.add((dname.lower(), scope))
            state["name"] = dname
            walk.text = [] if scope is None else None
        elif depth == 2 and name in PR:
            state["date1904"] = attrs.get("date1904", "0") in ("1", "true")
        elif depth > 3 and walk.text is not None:
            raise _refuse(part, "名称定义中出现了不应有的元素")

    def end(path: list[str], text: str) -> None:
        if len(path) == 3 and walk.text is not None and path[-1] in DN:
            names[state["name"]] = text
            walk.text = None

    walk = _Walk(start, end)
    walk.run(data, part, budget)
    return sheets, names, state["date1904"]


def parse_sst(data: bytes, part: str, budget: Budget) -> list[str]:
    """The shared strings: a plain <t> or rich-text runs joined; phonetic runs (rPh) left out."""
    out: list[str] = []
    SST, SI, T, R, RT, SKIP, BAD, OTHER = range(8)
    children: dict[int, tuple[dict[str, int], int]] = {
        -1: ({k: SST for k in main_names("sst")}, BAD),
        SST: ({**{k: SI for k in main_names("si")}, **{k: OTHER for k in main_names("extLst")}}, BAD),
        SI: ({**{k: T for k in main_names("t")}, **{k: R for k in main_names("r")},
              **{k: SKIP for k in main_names("rPh", "phoneticPr")}}, BAD),
        R: ({**{k: RT for k in main_names("t")}, **{k: SKIP for k in main_names("rPr")}}, BAD),
        T: ({}, BAD), RT: ({}, BAD), SKIP: ({}, SKIP), OTHER: ({}, OTHER),
    }
    stack = [-1]
    buf: list[str] = []
    collecting = False
    shape = {"t": 0, "r": 0}
    p = parser()

    def start(name: str, _attrs: list[str]) -> None:
        nonlocal collecting
        table, default = children[stack[-1]]
        kind = table.get(name, default)
        if kind == BAD:
            raise _refuse(part, f"共享字符串中出现了不应有的元素 {name.rpartition(SEP)[2][:30]}")
        stack.append(kind)
        if kind == SI:
            buf.clear()
            shape["t"] = shape["r"] = 0
        elif kind == T:
            shape["t"] += 1
            collecting = True
        elif kind == RT:
            collecting = True
        elif kind == R:
            shape["r"] += 1
        if shape["t"] > 1 or shape["t"] and shape["r"]:
            raise _refuse(part, f"第 {len(out) + 1} 条共享字符串的结构有歧义")

    def end(_name: str) -> None:
        nonlocal collecting
        kind = stack.pop()
        if kind == T or kind == RT:
            collecting = False
        elif kind == SI:
            out.append(ooxml_unescape("".join(buf)))
            if len(out) > limits.MAX_STRING_COUNT:
                raise Refused("too-large", f"共享字符串超过 {limits.MAX_STRING_COUNT} 条")

    def text(d: str) -> None:
        if collecting:
            buf.append(d)

    p.ordered_attributes = True
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    feed(p, data, part, budget)
    return out


_XESC = re.compile(r"_x([0-9A-Fa-f]{4})_")


def ooxml_unescape(s: str) -> str:
    """OOXML's `_xHHHH_` escapes in strings (Excel writes control characters such as CR so)."""
    if "_x" not in s:
        return s
    return _XESC.sub(lambda m: chr(int(m.group(1), 16)), s)


def parse_custom(data: bytes, part: str, budget: Budget) -> dict[str, str]:
    """Custom document properties: name → value text."""
    out: dict[str, str] = {}
    root, prop = f"{CUSTOM_NS}{SEP}Properties", f"{CUSTOM_NS}{SEP}property"
    current: dict[str, str] = {}
    walk: _Walk

    def start(path: list[str], attrs: dict[str, str]) -> None:
        if len(path) == 1 and path[0] != root:
            raise _refuse(part, "不是自定义属性部件")
        if len(path) == 2 and path[1] == prop:
            current["name"] = attrs.get("name", "")
        elif len(path) == 3 and path[1] == prop and path[2].startswith(VT_NS + SEP):
            walk.text = []
        elif len(path) > 3 and walk.text is not None:
            raise _refuse(part, "属性值中出现了不应有的元素")

    def end(path: list[str], text: str) -> None:
        if len(path) == 3 and walk.text is not None:
            name = current.get("name", "")
            if name in out:
                raise _refuse(part, f"属性“{name[:40]}”出现了两次")
            out[name] = text.strip()
            walk.text = None

    walk = _Walk(start, end)
    walk.run(data, part, budget)
    return out


def parse_app(data: bytes, part: str, budget: Budget) -> str | None:
    """The <Application> of docProps/app.xml (with <AppVersion> when present)."""
    found: dict[str, str] = {}
    want = {f"{APP_NS}{SEP}Application": "app", f"{APP_NS}{SEP}AppVersion": "ver"}
    walk: _Walk

    def start(path: list[str], _attrs: dict[str, str]) -> None:
        walk.text = [] if len(path) == 2 and path[1] in want else None

    def end(path: list[str], text: str) -> None:
        if len(path) == 2 and path[1] in want and walk.text is not None:
            found[want[path[1]]] = text.strip()
        walk.text = None

    walk = _Walk(start, end)
    walk.run(data, part, budget)
    app, ver = found.get("app", ""), found.get("ver", "")
    if not app:
        return None
    return f"{app} {ver}" if ver else app


_NUMBER = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")  # xsd:double, finite


def converter(sst: list[str]) -> Callable[[tuple[str | None, str]], Any]:
    """Stored (type, text) → normalised Python value (read.book.normalise), for looked-up cells only.

    A value no spreadsheet would show (a number cell holding text, a string index past the table,
    a boolean that is neither 0 nor 1) refuses the file: it would be shown differently, or not at all.
    """
    strings: list[str | None] = [x if x != "" else None for x in sst]

    def conv(stored: tuple[str | None, str]) -> Any:
        t, text = stored
        if not t or t == "n":
            if _NUMBER.fullmatch(text) is None:
                raise Refused("corrupt-file", f"数值单元格中的内容“{text[:20]}”不是数字")
            f = float(text)
            if not math.isfinite(f):
                raise Refused("corrupt-file", f"数值单元格中的内容“{text[:20]}”超出范围")
            return int(f) if f.is_integer() and abs(f) < 2**53 else f
        if t == "s":
            s = text.strip()
            if not s.isdigit() or int(s) >= len(strings):
                raise Refused("corrupt-file", f"共享字符串编号“{text[:20]}”不存在")
            return strings[int(s)]
        if t == "b":
            s = text.strip()
            if s not in ("0", "1", "true", "false"):
                raise Refused("corrupt-file", f"逻辑值单元格中的内容“{text[:20]}”无效")
            return s in ("1", "true")
        if t == "d":
            try:
                return normalise(dt.datetime.fromisoformat(text.strip()))
            except ValueError as exc:
                raise Refused("corrupt-file", f"日期单元格中的内容“{text[:20]}”无效") from exc
        return ooxml_unescape(text) or None if t == "inlineStr" else text or None  # str, e (#DIV/0!)

    return conv


def read_xlsx(parts: Parts, fmt: str) -> Book:
    """Every part the checks need, each inflated and parsed once; sheets in workbook order."""
    budget = parts.budget
    root = parse_rels(parts.read("_rels/.rels"), "_rels/.rels", budget) if parts.has("_rels/.rels") else {}
    wb_part = next((resolve("", tgt) for typ, tgt in root.values() if typ.endswith(REL_OFFICE)), "xl/workbook.xml")
    if not parts.has(wb_part):
        raise Refused("corrupt-file", f"缺少工作簿部件 {wb_part}")
    sheets, names, date1904 = parse_workbook(parts.read(wb_part), wb_part, budget)
    wb_rels_part = rels_path(wb_part)
    rels = parse_rels(parts.read(wb_rels_part), wb_rels_part, budget) if parts.has(wb_rels_part) else {}

    book = Book(format=fmt, names=names, date1904=date1904)
    for typ, tgt in root.values():
        if typ.endswith(REL_CUSTOM):
            custom = resolve("", tgt)
            if parts.has(custom):
                book.props = parse_custom(parts.read(custom), custom, budget)
        elif typ.endswith(REL_APP):
            app = resolve("", tgt)
            if parts.has(app):
                book.application = parse_app(parts.read(app), app, budget)

    sst: list[str] = []
    for typ, tgt in rels.values():
        if typ.endswith(REL_SST):
            sst_part = resolve(wb_part, tgt)
            if parts.has(sst_part):
                sst = parse_sst(parts.read(sst_part), sst_part, budget)
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
        got = parse_sheet(parts.read(part), part, budget)
        sd.cells, sd.formulas, sd.protected = got.cells, got.formulas, got.protected
        total += len(sd.cells) + len(sd.formulas)
        if total > limits.MAX_CELLS:
            raise Refused("too-large", f"非空单元格超过 {limits.MAX_CELLS} 个")
    book.convert = converter(sst)
    book.normalised = True
    return book


__all__ = ["MAIN_NS", "read_xlsx", "parse_sheet", "parse_sst", "parse_workbook", "parse_rels", "parse_custom",
           "parse_app", "converter", "ooxml_unescape"]
