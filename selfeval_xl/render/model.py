"""The printed report as plain data: paragraphs and table grids, each value tagged with the field
key it shows. The docx writer turns it into WordprocessingML; tests and the importer read the
same tags (one field mapping for both directions)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph; `key` names the field whose value it is (labels have none)."""

    text: str
    key: str | None = None


@dataclass(frozen=True)
class Para:
    """role: mark | title | cover | h1 | h2 | h3 | body | caption | line | section-end."""

    role: str
    runs: tuple[Run, ...] = ()
    align: str = "left"

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Cell:
    """One table cell: `span` grid columns wide; `merge` restart/continue for vertical merges.
    `keys` are the fields shown (a merged 一级指标 cell shows the 一级 of every row it covers)."""

    text: str = ""
    keys: tuple[str, ...] = ()
    span: int = 1
    merge: str | None = None
    header: bool = False
    align: str = "center"


@dataclass(frozen=True)
class Grid:
    """A table: `name` says which (basic, income, …, indicators); widths are relative."""

    name: str
    widths: tuple[float, ...]
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 0


Block = Para | Grid


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...]
    title: str
    subject: str

    def placements(self) -> dict[str, list[str]]:
        """Field key → the texts showing it, in document order (a multi-line text is one
        paragraph per line; a key shown twice is a layout bug the tests look for)."""
        out: dict[str, list[str]] = {}
        prev: str | None = None  # key of the previous body line (a text's next line joins it)
        for b in self.blocks:
            if isinstance(b, Para):
                keyed = [r for r in b.runs if r.key]
                if b.role == "body" and len(keyed) == 1 and keyed[0].key == prev:
                    out[prev][-1] += "\n" + keyed[0].text
                    continue
                for r in keyed:
                    out.setdefault(r.key, []).append(r.text)  # type: ignore[arg-type]
                prev = keyed[0].key if b.role == "body" and len(keyed) == 1 else None
            else:
                prev = None
                for row in b.rows:
                    for c in row:
                        for k in c.keys:
                            out.setdefault(k, []).append(c.text)
        return out
