"""A1 references, 0-based internally."""

from __future__ import annotations

import re
from dataclasses import dataclass


def col_letter(col: int) -> str:
    s = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def parse_a1(ref: str) -> tuple[int, int]:
    """'B6' → (row 5, col 1)."""
    m = _A1.match(ref.upper())
    if not m:
        raise ValueError(ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


@dataclass(frozen=True, order=True)
class Cell:
    sheet: str
    row: int
    col: int

    @property
    def a1(self) -> str:
        return f"{col_letter(self.col)}{self.row + 1}"

    @property
    def absolute(self) -> str:
        return f"${col_letter(self.col)}${self.row + 1}"

    def ref_from(self, sheet: str) -> str:
        """Absolute reference as written in a formula on `sheet`."""
        return self.absolute if sheet == self.sheet else f"{quote_sheet(self.sheet)}!{self.absolute}"

    def qualified(self) -> str:
        return f"{quote_sheet(self.sheet)}!{self.absolute}"


def range_ref(first: Cell, last: Cell, from_sheet: str | None = None) -> str:
    body = f"{first.absolute}:{last.absolute}"
    if from_sheet == first.sheet:
        return body
    return f"{quote_sheet(first.sheet)}!{body}"
