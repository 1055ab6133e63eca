"""Plain text of a report (copied from a website or extracted from a document, like the seed) →
blocks. Table cells are lines that start with a tab; lines without one that follow a cell belong
to it (a cell's text may span lines, blank lines too); a blank line before the next cell ends the
row. A line that is a known heading or the 填报人 line starts the running text again."""

from __future__ import annotations

from collections.abc import Callable

from selfeval_xl.importer.blocks import Block, Cell, Para, Table

MAX_TEXT_CHARS = 2_000_000
"""A report's text is a few tens of thousands of characters; beyond this it is not a report."""


def text_blocks(text: str, starts_paragraph: Callable[[str], bool]) -> list[Block]:
    blocks: list[Block] = []
    table: Table | None = None
    cell: list[str] | None = None  # lines of the open cell
    cell_at = (0, 0)
    blank = 0
    row: list[Cell] | None = None

    def close_cell() -> None:
        nonlocal cell
        if cell is not None and row is not None:
            r, c = cell_at
            row.append(Cell("\n".join(cell).strip("\n"), f"第 {r} 行", col=c))
        cell = None

    for n, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith("\t"):
            close_cell()
            if table is None:
                table = Table()
                blocks.append(table)
                row = None
            if row is None or blank:
                row = []
                table.rows.append(row)
            cell, cell_at, blank = [raw[1:].strip()], (n, len(row)), 0
            continue
        line = raw.strip()
        if not line:
            blank += 1
            if table is None:
                blocks.append(Para("", f"第 {n} 行"))
            continue
        if cell is not None and not starts_paragraph(line):
            cell.extend([""] * blank + [line])
            blank = 0
            continue
        close_cell()
        table, row, blank = None, None, 0
        blocks.append(Para(line, f"第 {n} 行"))
    close_cell()
    return blocks
