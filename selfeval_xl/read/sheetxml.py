"""A worksheet part as Excel reads it: the cells of <sheetData>, their formulas, the protection flag.

One expat pass with a stack of element kinds: each start tag looks its kind up from its parent's
kind (one list index and one dict lookup), so the work is linear in the part whatever its shape.
What is taken, and only that:
- `<c>` elements that are children of `<row>` children of the `<sheetData>` child of the
  `<worksheet>` root, all in the SpreadsheetML namespace (any prefix); a `<c>` anywhere else —
  inside a processing instruction, a comment, another element or another namespace — is not a
  cell (expat never reports PIs and comments; the other places are never looked at);
- `<sheetProtection>` as a child of the root.
What Excel would not open, or where readers disagree, is refused (`corrupt-file`) with the cell:
an element that does not belong inside sheetData, a row or a cell; a cell written twice; a cell
whose reference is malformed or lies outside its row; a cell with two values, or an inline string
and a value at once; an unknown cell type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selfeval_xl.layout.cells import col_letter
from selfeval_xl.read import limits
from selfeval_xl.read.book import Formula
from selfeval_xl.read.budget import Budget
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.xmlsafe import SEP, feed, parser

MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",  # transitional (every writer)
           "http://purl.oclc.org/ooxml/spreadsheetml/main")  # strict (Excel "Strict Open XML")
CELL_TYPES = frozenset({"n", "s", "str", "b", "e", "d", "inlineStr"})
MAX_ROW, MAX_COL = 1_048_576, 16_384
_A1 = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")  # a short attribute value, never markup

# element kinds
(DOC, WS, SD, ROW, C, V, F, IS, T, R, RT, SKIP, OTHER, PROT, BAD) = range(15)


def main_names(*local: str) -> dict[str, str]:
    """Resolved name → local name, for `local` in every SpreadsheetML namespace."""
    return {f"{ns}{SEP}{loc}": loc for ns in MAIN_NS for loc in local}


def _table(children: dict[str, int], default: int) -> tuple[dict[str, int], int]:
    return {full: children[loc] for full, loc in main_names(*children).items()}, default


# parent kind → (resolved child name → kind, kind of any other child)
_CHILDREN: list[tuple[dict[str, int], int]] = [(dict(), BAD)] * 15
_CHILDREN[DOC] = _table({"worksheet": WS}, BAD)
_CHILDREN[WS] = _table({"sheetData": SD, "sheetProtection": PROT}, OTHER)
_CHILDREN[SD] = _table({"row": ROW}, BAD)
_CHILDREN[ROW] = _table({"c": C, "extLst": SKIP}, BAD)
_CHILDREN[C] = _table({"v": V, "f": F, "is": IS, "extLst": SKIP}, BAD)
_CHILDREN[IS] = _table({"t": T, "r": R, "rPh": SKIP, "phoneticPr": SKIP}, BAD)
_CHILDREN[R] = _table({"t": RT, "rPr": SKIP}, BAD)
_CHILDREN[SKIP] = ({}, SKIP)
_CHILDREN[OTHER] = ({}, OTHER)
_CHILDREN[PROT] = ({}, OTHER)
_WHERE = {SD: "sheetData", ROW: "行", C: "单元格", V: "值", F: "公式", IS: "内嵌字符串", T: "文本", R: "文本段",
          RT: "文本"}


@dataclass
class SheetPart:
    cells: dict[str, tuple[str | None, str]]  # A1 → (cell type or None for a number, text)
    formulas: dict[str, Formula]  # A1 → (formula text or None, shared si, shared ref)
    protected: bool


def parse_sheet(data: bytes, part: str, budget: Budget) -> SheetPart:
    """The facts of one worksheet part; raises Refused on anything read ambiguously."""
    cells: dict[str, tuple[str | None, str]] = {}
    formulas: dict[str, Formula] = {}
    seen: set[str] = set()
    stack: list[int] = [DOC]
    children = _CHILDREN
    p = parser()
    # the current row and cell
    row_no = 0
    row_text = ""
    last_col = 0  # column number of the previous cell in this row (0: none yet), for cells without r
    r = ""
    t: str | None = None
    buf: list[str] | None = None  # text being collected (v, f, t of an inline string)
    value: str | None = None
    inline: list[str] | None = None
    formula: Formula | None = None
    fattr: tuple[str | None, str | None] = (None, None)
    sheet_data = 0
    protected = False

    def refuse(why: str) -> None:
        raise Refused("corrupt-file", f"部件 {part}：{why}")

    def start(name: str, attrs: list[str]) -> None:
        nonlocal row_no, row_text, last_col, r, t, buf, value, inline, formula, fattr, sheet_data, protected
        parent = stack[-1]
        table, default = children[parent]
        kind = table.get(name, default)
        stack.append(kind)
        if kind == C:
            r = _attr(attrs, "r") if attrs else None  # type: ignore[assignment]
            if r is None:
                last_col += 1
                if last_col > MAX_COL:
                    refuse(f"第 {row_text} 行的单元格超出最后一列")
                r = f"{col_letter(last_col - 1)}{row_text}"
            else:
                m = _A1.fullmatch(r)
                if m is None or m.group(2) != row_text:
                    refuse(f"单元格引用“{r[:20]}”无效或不在所属的第 {row_text} 行")
                last_col = _col(m.group(1))
                if last_col > MAX_COL:
                    refuse(f"单元格引用“{r}”超出最后一列")
            if r in seen:
                refuse(f"单元格 {r} 出现了两次（各软件读法不一，无法确定哪一个是真实内容）")
            seen.add(r)
            t = _attr(attrs, "t") if "t" in attrs else None
            if t is not None and t not in CELL_TYPES:
                refuse(f"单元格 {r} 的类型“{t[:10]}”无效")
            value = inline = formula = None
        elif kind == V:
            if value is not None:
                refuse(f"单元格 {r} 有两个值")
            buf = []
        elif kind == ROW:
            rr = _attr(attrs, "r") if attrs else None
            if rr is None:
                row_no += 1
            else:
                if not rr.isdigit() or not 1 <= int(rr) <= MAX_ROW:
                    refuse(f"行号“{rr[:20]}”无效")
                row_no = int(rr)
            if row_no > MAX_ROW:
                refuse("行号超出最后一行")
            row_text = str(row_no)
            last_col = 0
        elif kind == F:
            if formula is not None:
                refuse(f"单元格 {r} 有两个公式")
            buf = []
            fattr = (_attr(attrs, "si"), _attr(attrs, "ref")) if _attr(attrs, "t") == "shared" else (None, None)
        elif kind == IS:
            if inline is not None:
                refuse(f"单元格 {r} 有两个内嵌字符串")
            inline = []
        elif kind == T or kind == RT:
            buf = inline
        elif kind == SD:
            sheet_data += 1
            if sheet_data > 1:
                refuse("含有两个 sheetData")
        elif kind == PROT:
            protected = _attr(attrs, "sheet") in ("1", "true")
        elif kind == BAD:
            what = _WHERE.get(parent)
            if what is None:
                refuse("根元素不是工作表（worksheet）")
            refuse(f"{what}中出现了不应有的元素 {name.rpartition(SEP)[2][:30]}")

    def end(name: str) -> None:
        nonlocal buf, value, formula
        kind = stack.pop()
        if kind == V:
            value = "".join(buf or ())
            buf = None
        elif kind == F:
            formula = ("".join(buf or ()) or None, fattr[0], fattr[1])
            buf = None
        elif kind == T or kind == RT:
            buf = None
        elif kind == C:
            _close_cell()

    def _close_cell() -> None:
        if inline is not None:
            if t != "inlineStr":
                refuse(f"单元格 {r} 含内嵌字符串，但类型不是 inlineStr")
            if value is not None:
                refuse(f"单元格 {r} 同时有内嵌字符串和值")
            cells[r] = ("inlineStr", "".join(inline))
        elif value:  # an empty <v/> (a formula never calculated) is a blank cell, as everywhere
            cells[r] = (t, value)
        if formula is not None:
            formulas[r] = formula
        if len(cells) + len(formulas) > limits.MAX_CELLS:
            raise Refused("too-large", f"非空单元格超过 {limits.MAX_CELLS} 个")

    def text(data: str) -> None:
        if buf is not None:
            buf.append(data)

    p.ordered_attributes = True
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    feed(p, data, part, budget)
    if not sheet_data:
        raise Refused("corrupt-file", f"部件 {part}：缺少单元格数据（sheetData）")
    return SheetPart(cells, formulas, protected)


def _attr(attrs: list[str], key: str) -> str | None:
    """The value of unprefixed attribute `key` in an ordered-attributes list."""
    for i in range(0, len(attrs) - 1, 2):
        if attrs[i] == key:
            return attrs[i + 1]
    return None


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n
