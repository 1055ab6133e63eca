"""Where a frame landed on its sheet, and the small cell helpers shared by the summary writers."""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell

HEADER_ROW = 2  # row 0 title, row 1 note, row 2 header, data from row 3
FIRST = HEADER_ROW + 1


class Placed:
    """Where a frame landed on its sheet: what charts and cross-sheet formulas refer to."""

    def __init__(self, sheet: str, columns: list[str], n: int, total_row: int | None) -> None:
        self.sheet, self.columns, self.n, self.total_row = sheet, columns, n, total_row

    def col(self, name: str) -> int:
        return self.columns.index(name)

    def ref(self, name: str, absolute: bool = True) -> str:
        """'Sheet'!$C$4:$C$99 over the data rows of one column."""
        c = self.col(name)
        first = xl_rowcol_to_cell(FIRST, c, absolute, absolute)
        last = xl_rowcol_to_cell(FIRST + max(self.n, 1) - 1, c, absolute, absolute)
        return f"{quote(self.sheet)}!{first}:{last}"


def quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"
