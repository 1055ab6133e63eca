"""The fast column writer must produce exactly the file XlsxWriter's public API produces."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from summary_subs import batch, sub
from xlsxwriter.worksheet import Worksheet

from selfeval_xl.api import from_submissions
from selfeval_xl.summary import fastsheet
from selfeval_xl.summary.workbook import write_summary


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}  # core.xml: timestamps


def test_fast_path_is_byte_identical_to_public_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert fastsheet.AVAILABLE  # with the pinned XlsxWriter the fast path is really used
    subs = batch() + [sub(f"8{i:03d}", f"部门{i}<&>\"'", f"x{i}.xlsx", seed=i) for i in range(30)]
    subs[-1].values["dept.name"] = "长" * 20000  # over the short-string bound: public path inside put_column
    subs[-2].values["expenditure.total"] = Decimal("12345678901234.56")
    c = from_submissions(subs)
    fast = tmp_path / "fast.xlsx"
    write_summary(fast, c)
    monkeypatch.setattr(fastsheet, "AVAILABLE", False)
    monkeypatch.setattr(fastsheet.FastSheet, "_write_cell", Worksheet._write_cell)
    public = tmp_path / "public.xlsx"
    write_summary(public, c)
    a, b = parts(fast), parts(public)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name
