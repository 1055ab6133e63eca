"""A worksheet part as Excel reads it: the cells of <sheetData>, their formulas, the protection flag.

One expat pass, a flat state machine: the state is the place in worksheet > sheetData > row >
c > (v | f | is > (t | r > t)); each start tag is one dict lookup of its name and a comparison
of the state, and a subtree that is never read (outside sheetData, extLst, phonetic runs) is
passed with handlers that only count its depth. The work is linear in the part whatever its shape.
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

# names (resolved, any SpreadsheetML namespace) → codes
(N_WS, N_SD, N_PROT, N_ROW, N_C, N_V, N_F, N_IS, N_T, N_R, N_RPH, N_PHPR, N_RPR, N_EXT) = range(14)
_LOCAL = ("worksheet", "sheetData", "sheetProtection", "row", "c", "v", "f", "is", "t", "r", "rPh", "phoneticPr",
          "rPr", "extLst")


def main_names(*local: str) -> dict[str, str]:
    """Resolved name → local name, for `local` in every SpreadsheetML namespace."""
    return {f"{ns}{SEP}{loc}": loc for ns in MAIN_NS for loc in local}


NAMES: dict[str, int] = {full: _LOCAL.index(loc) for full, loc in main_names(*_LOCAL).items()}

# states: where the parser is (the element just opened and not yet closed)
(S_DOC, S_WS, S_SD, S_ROW, S_C, S_VF, S_IS, S_IS_T, S_R, S_R_T) = range(10)
_WHERE = {S_SD: "sheetData", S_ROW: "行", S_C: "单元格", S_VF: "值或公式", S_IS: "内嵌字符串", S_IS_T: "文本",
          S_R: "文本段", S_R_T: "文本"}


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
    names = NAMES
    p = parser()
    state = S_DOC
    row_no = 0
    row_text = ""
    row_len = 0
    last_col = 0  # column number of the previous cell in this row (0: none yet; -1: not computed yet)
    columns: dict[str, int] = {}  # column letters already validated → column number
    r = ""
    t: str | None = None
    buf: list[str] | None = None  # text being collected (v, f, t of an inline string)
    in_formula = False
    value: str | None = None
    inline: list[str] | None = None
    formula: Formula | None = None
    fattr: tuple[str | None, str | None] = (None, None)
    sheet_data = 0
    protected = False
    depth = 0  # inside a subtree that is not read: its depth

    def refuse(why: str) -> None:
        raise Refused("corrupt-file", f"部件 {part}：{why}")

    def skip() -> None:
        """Enter a subtree that is not read: only its depth is counted until it closes."""
        nonlocal depth
        depth = 1
        p.StartElementHandler, p.EndElementHandler = skip_start, skip_end

    def skip_start(_name: str, _attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1

    def skip_end(_name: str) -> None:
        nonlocal depth
        depth -= 1
        if not depth:
            p.StartElementHandler, p.EndElementHandler = start, end

    def misplaced(name: str) -> None:
        if state == S_DOC:
            refuse("根元素不是工作表（worksheet）")
        refuse(f"{_WHERE.get(state, '工作表')}中出现了不应有的元素 {name.rpartition(SEP)[2][:30]}")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal state, row_no, row_text, row_len, last_col, r, t, buf, in_formula, value, inline, formula, fattr
        nonlocal sheet_data, protected
        code = names.get(name)
        if state == S_ROW:
            if code == N_C:
                ref = attrs.get("r")
                if ref is None:
                    if last_col < 0:
                        last_col = columns[r[:len(r) - row_len]] if r else 0
                    last_col += 1
                    if last_col > MAX_COL:
                        refuse(f"第 {row_text} 行的单元格超出最后一列")
                    r = f"{col_letter(last_col - 1)}{row_text}"
                else:
                    # the reference must name a column and this row: validated letters are cached
                    if not ref.endswith(row_text) or (letters := ref[:len(ref) - row_len]) not in columns \
                            and not _letters(letters, columns):
                        refuse(f"单元格引用“{ref[:20]}”无效或不在所属的第 {row_text} 行")
                    r = ref
                    last_col = -1  # computed only if a following cell has no reference
                if r in seen:
                    refuse(f"单元格 {r} 出现了两次（各软件读法不一，无法确定哪一个是真实内容）")
                seen.add(r)
                t = attrs.get("t")
                if t is not None and t not in CELL_TYPES:
                    refuse(f"单元格 {r} 的类型“{t[:10]}”无效")
                value = inline = formula = None
                state = S_C
            elif code == N_EXT:
                skip()
            else:
                misplaced(name)
        elif state == S_C:
            if code == N_V:
                if value is not None:
                    refuse(f"单元格 {r} 有两个值")
                buf, in_formula, state = [], False, S_VF
            elif code == N_F:
                if formula is not None:
                    refuse(f"单元格 {r} 有两个公式")
                buf, in_formula, state = [], True, S_VF
                fattr = (attrs.get("si"), attrs.get("ref")) if attrs.get("t") == "shared" else (None, None)
            elif code == N_IS:
                if inline is not None:
                    refuse(f"单元格 {r} 有两个内嵌字符串")
                inline, state = [], S_IS
            elif code == N_EXT:
                skip()
            else:
                misplaced(name)
        elif state == S_SD:
            if code != N_ROW:
                misplaced(name)
            rr = attrs.get("r")
            if rr is None:
                row_no += 1
            else:
                if not (rr.isascii() and rr.isdigit()) or rr[0] == "0":
                    refuse(f"行号“{rr[:20]}”无效")
                row_no = int(rr)
            if row_no > MAX_ROW:
                refuse("行号超出最后一行")
            row_text = str(row_no)
            row_len = len(row_text)
            last_col = 0
            r = ""
            if len(cells) + len(formulas) > limits.MAX_CELLS:  # per row: a row holds at most 16,384
                raise Refused("too-large", f"非空单元格超过 {limits.MAX_CELLS} 个")
            state = S_ROW
        elif state == S_WS:
            if code == N_SD:
                sheet_data += 1
                if sheet_data > 1:
                    refuse("含有两个 sheetData")
                state = S_SD
            else:
                if code == N_PROT:
                    protected = attrs.get("sheet") in ("1", "true")
                skip()
        elif state == S_IS or state == S_R:
            if code == N_T:
                buf = inline
                state = S_IS_T if state == S_IS else S_R_T
            elif state == S_IS and code == N_R:
                state = S_R
            elif code == N_RPH or code == N_PHPR or (code == N_RPR and state == S_R):
                skip()
            else:
                misplaced(name)
        elif state == S_DOC and code == N_WS:
            state = S_WS
        else:
            misplaced(name)

    def end(_name: str) -> None:
        nonlocal state, buf, value, formula
        if state == S_C:
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
            state = S_ROW
        elif state == S_VF:
            if in_formula:
                formula = ("".join(buf) or None, fattr[0], fattr[1])  # type: ignore[arg-type]
            else:
                value = "".join(buf)  # type: ignore[arg-type]
            buf = None
            state = S_C
        elif state == S_ROW:
            state = S_SD
        elif state == S_IS_T or state == S_R_T:
            buf = None
            state = S_IS if state == S_IS_T else S_R
        elif state == S_R:
            state = S_IS
        elif state == S_IS:
            state = S_C
        elif state == S_SD:
            state = S_WS
        else:
            state = S_DOC

    def text(data: str) -> None:
        if buf is not None:
            buf.append(data)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    feed(p, data, part, budget)
    if not sheet_data:
        raise Refused("corrupt-file", f"部件 {part}：缺少单元格数据（sheetData）")
    if len(cells) + len(formulas) > limits.MAX_CELLS:
        raise Refused("too-large", f"非空单元格超过 {limits.MAX_CELLS} 个")
    return SheetPart(cells, formulas, protected)


def _letters(letters: str, columns: dict[str, int]) -> bool:
    """Whether `letters` name a column (A … XFD); valid ones are cached with their number."""
    if not (0 < len(letters) <= 3 and letters.isascii() and letters.isalpha() and letters.isupper()):
        return False
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    if n > MAX_COL:
        return False
    columns[letters] = n
    return True
