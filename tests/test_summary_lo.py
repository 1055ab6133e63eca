"""The summary workbook in a real engine: LibreOffice recalculates every total, count and link
and gets exactly the values we cached; department texts stay text after the round trip."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import lo
import openpyxl
import pytest
from summary_subs import INJECT_HYPERLINK, INJECT_PLUS, batch, sub
from test_summary_workbook import SHEETS, formula_cells

from selfeval_xl.api import from_submissions
from selfeval_xl.summary.workbook import write_summary

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("summary_lo")
    # enough departments that a float sum of 2-decimal amounts could drift if we cached floats
    subs = batch() + [sub(f"9{i:05d}", f"部门{i}", f"in/x{i}.xlsx", seed=i, score=f"{60 + i % 40}.25")
                      for i in range(40)]
    src = d / "summary.xlsx"
    write_summary(src, from_submissions(subs))
    return src, lo.recalc(src, d / "out")


def test_recalculation_reproduces_every_cached_value(pair: tuple[Path, Path]) -> None:
    src, out = pair
    got = openpyxl.load_workbook(out, data_only=True)
    checked = 0
    for sheet in SHEETS:
        for ref, (formula, cached) in formula_cells(src, sheet).items():
            value = got[sheet][ref].value
            assert value is not None, f"{sheet}!{ref} {formula}"
            assert abs(Decimal(str(value)) - Decimal(cached)) < Decimal("0.000001"), f"{sheet}!{ref} {formula}"
            checked += 1
    assert checked > 50  # totals on 5 sheets, counts and links on 统计


def test_recalculated_totals_are_nonzero(pair: tuple[Path, Path]) -> None:
    # guards against a criteria column LibreOffice would not match ("是"): totals would all be 0
    _src, out = pair
    ws = openpyxl.load_workbook(out, data_only=True)["收入"]
    total_row = next(r for r in range(4, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("合计"))
    assert ws.cell(total_row, 6).value and ws.cell(total_row, 6).value > 1000


def test_department_texts_stay_literal_after_recalculation(pair: tuple[Path, Path]) -> None:
    _src, out = pair
    ws = openpyxl.load_workbook(out)["总览"]
    names = [ws.cell(r, 2).value for r in range(4, ws.max_row + 1)]
    assert INJECT_HYPERLINK in names and INJECT_PLUS in names
