"""A Word .docx (Word, WPS, LibreOffice, or ours) → blocks, under the reader's limits.

The container goes through the reader's zip checks (entry count, sizes, inflate ratio) and the
XML through its expat parser that refuses entity declarations; only text is taken — deleted
text, field instructions and anything executable are ignored, nothing is evaluated. A table
cell's paragraphs become one text with line breaks; the continuation of a vertically merged cell
is blank, as Word prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selfeval_xl.importer.blocks import Block, Cell, Para, Table
from selfeval_xl.importer.text import MAX_TEXT_CHARS
from selfeval_xl.read.budget import Budget
from selfeval_xl.read.errors import Refused
from selfeval_xl.read.xmlsafe import feed, parser, split
from selfeval_xl.read.zipparts import Parts

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)


def _local(name: str) -> str:
    """WordprocessingML names by their local name; any other namespace keeps it in front."""
    ns, loc = split(name)
    return loc if ns in (W_NS, "") else f"{{{ns}}}{loc}"


def _tree(xml: bytes, budget: Budget) -> _Node:
    """The part as a small element tree, parsed by the reader's guarded expat parser."""
    root = _Node("#root", {})
    stack = [root]
    p = parser()

    def start(name: str, attrs: dict[str, str]) -> None:
        node = _Node(_local(name), {split(k)[1]: v for k, v in attrs.items()})
        stack[-1].children.append(node)
        stack.append(node)

    def end(_name: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack[-1].tag in ("t",):
            stack[-1].children.append(data)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    feed(p, xml, "word/document.xml", budget)
    return root


def _text(node: _Node, out: list[str]) -> None:
    """Visible text of a paragraph: w:t, tabs and breaks; not w:delText, w:instrText."""
    for ch in node.children:
        if isinstance(ch, str):
            out.append(ch)
        elif ch.tag == "t":
            _text(ch, out)
        elif ch.tag == "tab":
            out.append("\t")
        elif ch.tag in ("br", "cr"):
            out.append("\n")
        elif ch.tag in ("del", "instrText", "delText", "fldChar", "rPr", "pPr", "drawing", "pict", "object"):
            continue
        else:
            _text(ch, out)


def _para_text(p: _Node) -> str:
    out: list[str] = []
    _text(p, out)
    return "".join(out)


def _find(node: _Node, tag: str) -> _Node | None:
    return next((c for c in node.children if isinstance(c, _Node) and c.tag == tag), None)


def _cell_text(tc: _Node) -> str:
    lines: list[str] = []
    for ch in tc.children:
        if isinstance(ch, _Node):
            if ch.tag == "p":
                lines.append(_para_text(ch))
            elif ch.tag == "tbl":  # a nested table: its cells' text, line by line
                for row in _rows(ch):
                    lines.extend(_cell_text(c) for c in row)
            elif ch.tag in ("sdt", "customXml"):
                lines.append(_cell_text(_find(ch, "sdtContent") or ch))
    return "\n".join(lines)


def _rows(tbl: _Node) -> list[list[_Node]]:
    rows = []
    for tr in (c for c in tbl.children if isinstance(c, _Node) and c.tag == "tr"):
        cells = []
        for ch in tr.children:
            if isinstance(ch, _Node) and ch.tag == "tc":
                cells.append(ch)
            elif isinstance(ch, _Node) and ch.tag in ("sdt", "customXml"):
                inner = _find(ch, "sdtContent") or ch
                cells.extend(c for c in inner.children if isinstance(c, _Node) and c.tag == "tc")
        rows.append(cells)
    return rows


def _table(tbl: _Node, number: int) -> Table:
    table = Table()
    for r, tcs in enumerate(_rows(tbl), start=1):
        row: list[Cell] = []
        col = 0
        for c, tc in enumerate(tcs, start=1):
            pr = _find(tc, "tcPr")
            span_el = _find(pr, "gridSpan") if pr is not None else None
            vm = _find(pr, "vMerge") if pr is not None else None
            merged = vm is not None and vm.attrs.get("val", "continue") == "continue"
            where = f"表 {number} 第 {r} 行第 {c} 列"
            row.append(Cell("" if merged else _cell_text(tc), where, col=col, merged=merged))
            try:
                col += max(1, int(span_el.attrs.get("val", "1"))) if span_el is not None else 1
            except ValueError:
                col += 1
        table.rows.append(row)
    return table


def docx_blocks(data: bytes) -> list[Block]:
    """Paragraphs and tables of the document body, in order."""
    budget = Budget()
    parts = Parts(data, budget)
    if not parts.has("word/document.xml"):
        raise Refused("unknown-template", "不是 Word 文档（缺少 word/document.xml）")
    root = _tree(parts.read("word/document.xml"), budget)
    doc = _find(root, "document")
    body = _find(doc, "body") if doc is not None else None
    if body is None:
        raise Refused("unknown-template", "Word 文档没有正文")
    blocks: list[Block] = []
    counts = {"p": 0, "tbl": 0}
    total = 0

    def walk(container: _Node) -> None:
        nonlocal total
        for ch in container.children:
            if not isinstance(ch, _Node):
                continue
            if ch.tag == "p":
                counts["p"] += 1
                text = _para_text(ch)
                total += len(text)
                blocks.append(Para(text, f"第 {counts['p']} 段"))
            elif ch.tag == "tbl":
                counts["tbl"] += 1
                blocks.append(_table(ch, counts["tbl"]))
            elif ch.tag in ("sdt", "customXml"):
                walk(_find(ch, "sdtContent") or ch)
            if total > MAX_TEXT_CHARS:
                raise Refused("too-large", f"文档文字超过 {MAX_TEXT_CHARS:,} 字，不是自评报告")

    walk(body)
    return blocks
