"""How the officer's own workbooks print (审核报告, 报送情况): one page wide, landscape, header on
every page. Why: a 10-column table printed 4 columns per page over 14 sheets is unreadable."""

from __future__ import annotations

from typing import Any

A4 = 9  # XlsxWriter's paper index for A4


def print_setup(ws: Any, header_row: int) -> None:
    """A4 landscape, all columns fitted to the page width (any number of pages tall), the header
    row (0-based) repeated on every page, page numbers in the footer."""
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
