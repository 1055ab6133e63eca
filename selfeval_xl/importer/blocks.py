"""A report as read, before any meaning is given to it: paragraphs and tables in document order,
each piece with the place it came from (so a doubtful value can be shown where it is)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    text: str
    where: str  # 表 2 第 3 行第 4 列 / 第 57 行
    col: int = 0  # first grid column (positional tables)
    merged: bool = False  # the continuation of a vertically merged cell (printed blank)


@dataclass(frozen=True)
class Para:
    text: str
    where: str


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)


Block = Para | Table


def squeeze(s: str) -> str:
    """Text without whitespace (incl. the ideographic space): labels compare on this."""
    return "".join(s.split())
