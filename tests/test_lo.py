"""The LibreOffice helper really recalculates: without the forced-recalc profile these read 0."""

from __future__ import annotations

from pathlib import Path

import lo
import openpyxl
import pytest
import xlsxwriter

pytestmark = pytest.mark.libreoffice


def _book(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("表一")
    ws.write_number("A1", 40)
    ws.write_number("B1", 56)
    ws.write_formula("C1", "=A1+B1", None, 0)  # cached result 0: only a recalculation gives 96
    ws.write_formula("D1", '=IF(ABS(C1-96)<=0.005,"✔","✘")', None, "✘")
    wb.close()
    return path


def test_recalc_computes_formulas(tmp_path: Path) -> None:
    out = lo.recalc(_book(tmp_path / "src.xlsx"), tmp_path / "out")
    ws = openpyxl.load_workbook(out, data_only=True)["表一"]
    assert ws["C1"].value == 96
    assert ws["D1"].value == "✔"


@pytest.mark.parametrize("fmt", ["xls", "ods", "pdf"])
def test_convert_writes_other_formats(tmp_path: Path, fmt: str) -> None:
    out = lo.convert(_book(tmp_path / "src.xlsx"), fmt, tmp_path / "out")
    assert out.suffix == f".{fmt}" and out.stat().st_size > 0


def test_convert_refuses_to_overwrite_source(tmp_path: Path) -> None:
    src = _book(tmp_path / "src.xlsx")
    with pytest.raises(ValueError):
        lo.convert(src, "xlsx", tmp_path)
