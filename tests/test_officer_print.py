"""The officer's workbooks on paper (status -o, check --report): A4 landscape, every column on
the page width, the header row repeated — printed by a real LibreOffice and read back with
pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from lo import convert
from report_samples import batch

from selfeval_xl.ledger.status import DeptStatus, StatusReport
from selfeval_xl.ledger.status_xlsx import write_status_xlsx
from selfeval_xl.report import write_excel_report

pytestmark = pytest.mark.libreoffice


def _pages(pdf: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) missing")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def _status(n: int) -> StatusReport:
    rows = [DeptStatus(code=f"9{i:05d}", name=f"临湘市第{i}局", state="未通过", contact="张三", phone="13800000000",
                       received_at="2022-03-01 09:00:00", file=f"9{i:05d}_临湘市第{i}局_2021.xlsx", errors=1,
                       versions=1, problems=["支出!B6 支出合计 96.00 ≠ 基本支出 66.00 + 项目支出 31.00 = 97.00"])
            for i in range(n)]
    return StatusReport(Path("报送库"), 2021, "名单.xlsx", rows=rows)


def test_status_workbook_prints_one_page_wide_with_repeated_header(tmp_path: Path) -> None:
    out = tmp_path / "报送情况.xlsx"
    write_status_xlsx(out, _status(120))
    ws = openpyxl.load_workbook(out)["报送情况"]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows.replace("$", "") == "3:3"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1 is the default
    assert ws.page_setup.fitToHeight == 0  # as many pages tall as needed
    pages = _pages(convert(out, "pdf", tmp_path / "pdf"))
    first_sheet = [p for p in pages if "年度报送情况" in p or "预算编码" in p]
    assert len(first_sheet) >= 2
    for page in first_sheet[:3]:  # every page carries the header, with its last column on it
        flat = page.replace(" ", "")
        assert "预算编码" in flat and "主要问题" in flat and "三公经费合计" in flat


def test_report_workbook_prints_one_page_wide(tmp_path: Path) -> None:
    out = tmp_path / "审核结果.xlsx"
    write_excel_report(out, batch() * 30)
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows.replace("$", "") == "1:1"
    pages = _pages(convert(out, "pdf", tmp_path / "pdf"))
    findings_pages = [p for p in pages if "说明" in p and "表名" in p.replace(" ", "")]
    assert len(findings_pages) >= 2
    assert all("是否已" in p.replace(" ", "") for p in findings_pages)  # the last column on every page
    assert any("允许误差0.015）" in p.replace(" ", "").replace("\n", "") for p in findings_pages)  # wrapped, not cut
