"""Cell formats and column widths for the summary workbook (one place for the house style)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from functools import lru_cache

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

MONEY_FMT = "0.00"
FONT = "宋体"
GREY = "#7F7F7F"


@lru_cache(maxsize=65536)
def text_width(s: str) -> int:
    """Display width in Excel column units: CJK and full-width characters count as 2.

    Cached: the same names, files and messages recur on every row of a department."""
    if s.isascii():
        return len(s)
    return sum(2 if ch >= "\u1100" and unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


def value_width(v: object, kind: str) -> int:
    if v is None:
        return 0
    if kind in ("money", "number") and isinstance(v, Decimal):
        return len(f"{v:.2f}")
    if kind == "bool":
        return 2
    return text_width(str(v))


class Styles:
    """Formats cached by role; `dim=True` variants grey out rows left out of the totals."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self._cache: dict[tuple, Format] = {}

    def get(self, role: str, dim: bool = False, wrap: bool = False) -> Format:
        key = (role, dim, wrap)
        if key not in self._cache:
            if role == "grid":  # a conditional format: borders only (dxf formats carry no font)
                self._cache[key] = self.wb.add_format({"border": 1, "border_color": "#000000"})
                return self._cache[key]
            props: dict[str, object] = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
            if role == "title":
                props.update(bold=True, font_size=14)
            elif role == "note":
                props.update(font_color="#404040", italic=True)
            elif role == "subtitle":
                props.update(bold=True, font_size=11)
            elif role == "header":
                props.update(bold=True, border=1, bg_color="#DDEBF7", align="center", text_wrap=True)
            else:
                props.update(border=1)
                if role in ("money", "number", "total_money"):
                    props["num_format"] = MONEY_FMT
                elif role == "int":
                    props["num_format"] = "0"
                elif role == "percent":
                    props["num_format"] = "0.0%"
                elif role in ("bool", "center"):
                    props["align"] = "center"
                if role.startswith("total"):
                    props.update(bold=True, top=2, bg_color="#F2F2F2")
            if dim:
                props["font_color"] = GREY
            if wrap:
                props["text_wrap"] = True
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]
