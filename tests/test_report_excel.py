"""The Excel report: one row per finding with autofilter, one row per file, no injection."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
from report_samples import INJECT_NAME, batch

from selfeval_xl.report import write_excel_report
from selfeval_xl.report.excel_report import FILE_COLUMNS, FINDING_COLUMNS


def _read(tmp_path: Path):
    out = tmp_path / "审核结果.xlsx"
    subs = batch()
    write_excel_report(out, subs)
    return out, subs, openpyxl.load_workbook(out)


def test_sheets_headers_and_filter(tmp_path: Path) -> None:
    _, _, wb = _read(tmp_path)
    assert wb.sheetnames == ["审核问题", "报送文件"]
    ws = wb["审核问题"]
    assert [c.value for c in ws[1]] == [t for t, _ in FINDING_COLUMNS]
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:J")
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b
    assert ws.column_dimensions["I"].width >= 60
    files = wb["报送文件"]
    assert [c.value for c in files[1]] == [t for t, _ in FILE_COLUMNS]
    assert files.auto_filter.ref and files.freeze_panes == "A2"


def test_one_row_per_finding_and_per_file(tmp_path: Path) -> None:
    _, subs, wb = _read(tmp_path)
    rows = list(wb["审核问题"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == sum(len(s.findings) for s in subs)
    bad = [r for r in rows if r[0] == "收到/bad.xlsx"]
    assert [r[4] for r in bad] == ["错误", "警告"]  # errors first
    assert bad[0][3] == "未通过" and bad[0][5] == "sum-mismatch" and bad[0][6] == "expenditure-total"
    assert bad[0][7] == "支出!B6" and bad[0][8].startswith("支出合计 96.00")
    assert bad[1][9] == "否"
    explained = [r for r in rows if r[0] == "收到/explained.xlsx"]
    assert explained[0][9] == "是" and explained[0][3] == "通过"
    files = list(wb["报送文件"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in files] == [s.file for s in subs]
    by_file = {r[0]: r for r in files}
    assert by_file["收到/bad.xlsx"][3] == 2021 and by_file["收到/bad.xlsx"][5:7] == (1, 1)
    assert by_file["收到/empty.xlsx"][4] == "无法读取" and by_file["收到/empty.xlsx"][7] == "cd" * 32


def test_injection_strings_stay_plain_text(tmp_path: Path) -> None:
    out, _, wb = _read(tmp_path)
    for sheet in ("审核问题", "报送文件"):
        cells = [c for row in wb[sheet].iter_rows() for c in row if c.value in (INJECT_NAME, "+1+1")]
        assert {c.value for c in cells} == {INJECT_NAME, "+1+1"}
        assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_atomic_and_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"old")
    write_excel_report(out, [])
    wb = openpyxl.load_workbook(out)
    assert wb["审核问题"].max_row == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]
