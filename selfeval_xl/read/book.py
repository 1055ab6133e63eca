"""What a workbook container holds, independent of its format (xlsx, xls, ods).

Values are converted lazily: the xlsx parser stores each non-empty cell as (type, text) and only
the cells the layout asks for are turned into Python values, which keeps the per-cell work of
the hot path at one dict store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from selfeval_xl.model.excel_date import from_serial

# A formula as found: (text or None when unknown, shared-formula si, shared master ref)
Formula = tuple[str | None, str | None, str | None]


@dataclass
class SheetData:
    name: str
    state: str = "visible"  # visible | hidden | veryHidden
    cells: dict[str, Any] = field(default_factory=dict)  # A1 → stored cell (see Book.value)
    formulas: dict[str, Formula] | None = None  # A1 → formula; None: the format gives no formulas
    protected: bool | None = None  # None: unknown for this format
    present: bool = True  # False: listed in the workbook but its part is missing


@dataclass
class Book:
    format: str  # xlsx | xlsm | xls | ods
    sheets: dict[str, SheetData] = field(default_factory=dict)  # in workbook order
    names: dict[str, str] = field(default_factory=dict)  # global defined name → reference text
    props: dict[str, str] = field(default_factory=dict)  # custom document properties
    application: str | None = None
    date1904: bool = False
    convert: Callable[[Any], Any] | None = None  # stored cell → Python value (None: stored as is)
    normalised: bool = False  # convert already returns normalise()d values

    def value(self, sheet: str, a1: str) -> Any:
        """The cell's value: None (blank), str, int, float, bool, date/datetime."""
        s = self.sheets.get(sheet)
        if s is None:
            return None
        v = s.cells.get(a1)
        if v is None:
            return None
        if self.convert is not None:
            v = self.convert(v)
            if self.normalised:
                return v
        return normalise(v)

    def getter(self, sheet: str) -> Callable[[str], Any]:
        """`value` bound to one sheet: the per-cell cost of the checks is one call."""
        s = self.sheets.get(sheet)
        if s is None:
            return lambda a1: None
        cells = s.cells
        conv = self.convert
        if conv is None:
            def get(a1: str) -> Any:
                v = cells.get(a1)
                return None if v is None else normalise(v)
        elif self.normalised:
            def get(a1: str) -> Any:
                v = cells.get(a1)
                return None if v is None else conv(v)
        else:
            def get(a1: str) -> Any:
                v = cells.get(a1)
                return None if v is None else normalise(conv(v))
        return get


def normalise(v: Any) -> Any:
    """One representation for every format: "" → None, integral floats → int, midnight → date."""
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 2**53:
            return int(v)
        return v
    if isinstance(v, str):
        return v if v != "" else None
    if isinstance(v, dt.datetime):
        if v.hour == v.minute == v.second == v.microsecond == 0 and v.tzinfo is None:
            return v.date()
        return v
    return v


def serial_to_date(v: Any, date1904: bool = False) -> Any:
    """An Excel date serial → date/datetime (other values unchanged); used for date fields only."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return v
    d = from_serial(v, date1904)
    return v if d is None else d
