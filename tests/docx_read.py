"""Reading a rendered report back with python-docx (an implementation independent of ours), for
the render tests: the document's texts in order, and each table as a grid of cell texts."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

import docx
from docx.table import Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class ReadBack:
    blocks: list[str | list[list[str]]]  # a paragraph's text, or a table as rows of grid cells

    def texts(self) -> list[str]:
        """Paragraphs and table cells in document order (a spanned cell once per row)."""
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, str):
                out.append(b)
            else:
                for row in b:
                    prev = None
                    for i, t in enumerate(row):
                        if i and t is prev:
                            continue
                        out.append(t)
                        prev = t
        return out

    def tables(self) -> list[list[list[str]]]:
        return [b for b in self.blocks if isinstance(b, list)]


def read_back(data: bytes) -> ReadBack:
    d = docx.Document(io.BytesIO(data))
    blocks: list[str | list[list[str]]] = []
    for b in d.iter_inner_content():
        if isinstance(b, Table):
            rows = []
            for row in b.rows:
                cells = row.cells  # one entry per grid column; a horizontal span repeats the object
                texts: list[str] = []
                for i, c in enumerate(cells):
                    texts.append(texts[-1] if i and c is cells[i - 1] else c.text)
                rows.append(texts)
            blocks.append(rows)
        else:
            blocks.append(b.text)
    return ReadBack(blocks)


def squeeze(s: str) -> str:
    """Text without any whitespace (incl. the ideographic space), for order-insensitive layout."""
    return "".join(s.split())


def part(data: bytes, name: str) -> ET.Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return ET.fromstring(zf.read(name))


def grid_shape(tbl: ET.Element) -> list[list[tuple[int, str | None]]]:
    """Each row's cells as (gridSpan, vMerge: 'restart' | 'continue' | None), from the XML."""
    rows = []
    for tr in tbl.iter(f"{W}tr"):
        cells = []
        for tc in tr.findall(f"{W}tc"):
            pr = tc.find(f"{W}tcPr")
            span = pr.find(f"{W}gridSpan") if pr is not None else None
            vm = pr.find(f"{W}vMerge") if pr is not None else None
            merge = None if vm is None else (vm.get(f"{W}val") or "continue")
            cells.append((int(span.get(f"{W}val")) if span is not None else 1, merge))
        rows.append(cells)
    return rows
