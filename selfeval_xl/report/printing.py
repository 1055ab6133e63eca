"""How the officer's own workbooks print (审核报告, 报送情况): one page wide, landscape, header on
every page. Why: a 10-column table printed 4 columns per page over 14 sheets is unreadable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from selfeval_xl.generate.workbook import text_height

A4 = 9  # XlsxWriter's paper index for A4
MAX_ROW_HEIGHT = 409.0  # Excel's limit


def row_height(cells: Sequence[tuple[object, float]]) -> float:
    """Points a row needs so that every wrapped (text, column width) shows in full: Excel and
    LibreOffice keep the default height for rows written by XlsxWriter, cutting wrapped text."""
    need = max((text_height(str(t), w) for t, w in cells if t), default=0.0)
    return min(MAX_ROW_HEIGHT, need)


def print_setup(ws: Any, header_row: int) -> None:
    """A4 landscape, all columns fitted to the page width (any number of pages tall), the header
    row (0-based) repeated on every page, page numbers in the footer."""
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
