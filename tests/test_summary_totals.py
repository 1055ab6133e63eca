"""Property: for any batch, every 合计 cached in the workbook is the exact Decimal sum over the
submissions that count (readable, not failing, newest of its 预算编码 and year)."""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from summary_subs import sub, unreadable
from test_summary_workbook import formula_cells

from selfeval_xl.api import from_submissions
from selfeval_xl.summary.workbook import write_summary

cents = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def batches(draw: st.DrawFn) -> list:
    n = draw(st.integers(min_value=1, max_value=12))
    subs = []
    for i in range(n):
        if draw(st.integers(0, 9)) == 0:
            subs.append(unreadable(f"u{i}.xlsx"))
            continue
        code = draw(st.sampled_from(["901", "902", "903", "904", "905", "906"]))
        s = sub(code, f"部门{code}", f"f{i}.xlsx", errors=draw(st.sampled_from([0, 0, 0, 1])),
                report_date=date(2022, 1, draw(st.integers(1, 28))), mtime=float(draw(st.integers(0, 5))))
        s.values["expenditure.total"] = draw(cents)
        s.values["income.total"] = draw(cents)
        subs.append(s)
    return subs


def expected_counted(subs: list) -> set[str]:
    best: dict[str, object] = {}
    for s in subs:
        if s.readable:
            key = s.dept_code
            cur = best.get(key)
            rank = (s.values.get("report.date"), s.mtime, s.file)
            if cur is None or rank > cur[0]:  # type: ignore[index]
                best[key] = (rank, s)
    return {s.file for _, s in best.values() if s.status != "fail"}  # type: ignore[misc]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches())
def test_cached_totals_are_exact_sums_of_counted(subs: list) -> None:
    c = from_submissions(subs)
    counted = set(c.overview.loc[c.overview["计入汇总"], "文件"])
    assert counted == expected_counted(subs)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.xlsx"
        write_summary(path, c)
        ws = openpyxl.load_workbook(path)["总览"]
        header = {cell.value: cell.column_letter for cell in ws[3]}
        total_row = 4 + len(subs)
        cells = formula_cells(path, "总览")
        for col, key in (("支出合计", "expenditure.total"), ("收入合计", "income.total")):
            _f, cached = cells[f"{header[col]}{total_row}"]
            want = sum((s.values[key] for s in subs if s.file in counted), Decimal(0))
            assert Decimal(cached) == want
