"""The Excel report (`--report`): one row per finding to filter and sort, one row per file.

Every text that came from a submission (file names, department names, messages) is written
with write_string: a department named `=HYPERLINK(...)` must stay text, never become a
formula in the bureau's own report (CSV/formula injection).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import xlsxwriter

from selfeval_xl.model.submission import Submission
from selfeval_xl.report._io import atomic_path
from selfeval_xl.report.labels import SEVERITY_LABEL, STATUS_LABEL, ordered, where

FINDINGS_SHEET = "审核问题"
FILES_SHEET = "报送文件"

FINDING_COLUMNS = (("文件", 36), ("预算编码", 12), ("部门名称", 28), ("状态", 9), ("严重程度", 9),
                   ("代码", 20), ("规则", 24), ("表名!单元格", 16), ("说明", 80), ("是否已说明", 10))
FILE_COLUMNS = (("文件", 36), ("预算编码", 12), ("部门名称", 28), ("年度", 8), ("状态", 9),
                ("错误数", 8), ("警告数", 8), ("sha256", 66))


def _text(ws, row: int, col: int, value: object, fmt=None) -> None:  # noqa: ANN001
    """A submission's text, always as a string cell (None → blank)."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _header(ws, columns, bold) -> None:  # noqa: ANN001
    for col, (title, width) in enumerate(columns):
        ws.write_string(0, col, title, bold)
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)


def write_excel_report(path: str | os.PathLike[str], submissions: Sequence[Submission]) -> None:
    """Write the two-sheet report to `path` atomically."""
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {
            "constant_memory": True,  # rows are streamed: 10,000 files stay small
            "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        })
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                              "valign": "vcenter"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        top = wb.add_format({"valign": "top"})
        red = wb.add_format({"valign": "top", "font_color": "#C00000"})
        orange = wb.add_format({"valign": "top", "font_color": "#C65911"})

        ws = wb.add_worksheet(FINDINGS_SHEET)
        _header(ws, FINDING_COLUMNS, bold)
        row = 0
        for sub in submissions:
            status = STATUS_LABEL.get(sub.status, sub.status)
            for f in ordered(sub.findings):
                row += 1
                sev_fmt = red if f.severity == "error" else orange if f.severity == "warning" else top
                _text(ws, row, 0, sub.file, top)
                _text(ws, row, 1, sub.dept_code, top)
                _text(ws, row, 2, sub.dept_name, top)
                _text(ws, row, 3, status, top)
                _text(ws, row, 4, SEVERITY_LABEL.get(f.severity, f.severity), sev_fmt)
                _text(ws, row, 5, f.code, top)
                _text(ws, row, 6, f.rule, top)
                _text(ws, row, 7, where(f), top)
                _text(ws, row, 8, f.message, wrap)
                _text(ws, row, 9, ("是" if f.explained else "否") if f.severity == "warning" else "", top)
        ws.autofilter(0, 0, max(row, 1), len(FINDING_COLUMNS) - 1)

        ws = wb.add_worksheet(FILES_SHEET)
        _header(ws, FILE_COLUMNS, bold)
        for row, sub in enumerate(submissions, start=1):
            c = sub.counts()
            _text(ws, row, 0, sub.file, top)
            _text(ws, row, 1, sub.dept_code, top)
            _text(ws, row, 2, sub.dept_name, top)
            if sub.year is not None:
                ws.write_number(row, 3, sub.year, top)
            else:
                ws.write_blank(row, 3, None, top)
            _text(ws, row, 4, STATUS_LABEL.get(sub.status, sub.status), top)
            ws.write_number(row, 5, c["errors"], top)
            ws.write_number(row, 6, c["warnings"], top)
            _text(ws, row, 7, sub.sha256, top)
        ws.autofilter(0, 0, max(len(submissions), 1), len(FILE_COLUMNS) - 1)
        wb.close()
