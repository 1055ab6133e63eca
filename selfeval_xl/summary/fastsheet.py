"""A Worksheet that takes a whole column of plain cells at once (the summary's long sheets).

Why: the summary writes ~200 cells per submission and XlsxWriter spends most of its time on
per-cell bookkeeping (argument decoding, bounds checks, attribute escaping) that is the same
for every cell of a column. `put_column` stores exactly the cell records `write_string` /
`write_number` would store, and `_write_cell` emits exactly the XML XlsxWriter would emit for
a formatted string or number cell — byte for byte, which tests/test_summary_fastsheet.py
checks against the public API. Anything unusual (constant_memory mode, very long strings,
non-finite numbers, cells without a format, other cell kinds) takes XlsxWriter's own path.
If a future XlsxWriter lacks the internals used here, `AVAILABLE` is False and the writer
falls back to the public API entirely.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import Worksheet

try:
    from xlsxwriter.worksheet import CellNumberTuple, CellStringTuple
except ImportError:  # pragma: no cover - a different XlsxWriter
    CellNumberTuple = CellStringTuple = None  # type: ignore[assignment,misc]

AVAILABLE = CellStringTuple is not None and hasattr(Worksheet, "_write_cell") and hasattr(Worksheet, "_check_dimensions")
_SHORT = 32767 // 2  # below this a string cannot exceed Excel's 32,767 UTF-16 units


class FastSheet(Worksheet):
    def put_column(self, col: int, rows: Sequence[int], values: Sequence[object], formats: Sequence[Format],
                   numeric: bool) -> None:
        """Write `values[i]` to (`rows[i]`, `col`) with `formats[i]`; None leaves the cell empty."""
        if self.constant_memory or not AVAILABLE:
            write = self.write_number if numeric else self.write_string
            for x, v, f in zip(rows, values, formats, strict=True):
                if v is not None:
                    write(x, col, v, f)
            return
        table = self.table
        index = self.str_table._get_shared_string_index
        first = last = None
        for x, v, f in zip(rows, values, formats, strict=True):
            if v is None:
                continue
            if numeric:
                if isinstance(v, Decimal) and not v.is_finite():
                    self.write_number(x, col, v, f)
                    continue
                table[x][col] = CellNumberTuple(v, f)
            elif len(v) > _SHORT:  # type: ignore[arg-type]
                self.write_string(x, col, v, f)  # type: ignore[arg-type]
                continue
            else:
                table[x][col] = CellStringTuple(index(v), f)
            if first is None:
                first = x
            last = x
        if first is not None and (self._check_dimensions(first, col) or self._check_dimensions(last, col)):
            raise ValueError(f"cells out of the worksheet's bounds: rows {first}–{last}, column {col}")

    def _write_cell(self, row: int, col: int, cell) -> None:  # noqa: ANN001 - XlsxWriter's cell record
        fmt = cell.format
        if fmt is not None and not self.constant_memory:
            kind = cell.__class__
            if kind is CellStringTuple:
                self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}" t="s">'
                              f"<v>{cell.string}</v></c>")
                return
            if kind is CellNumberTuple:
                self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}">'
                              f"<v>{cell.number:.16G}</v></c>")
                return
        super()._write_cell(row, col, cell)
