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
from selfeval_xl.report.printing import print_setup, row_height

FINDINGS_SHEET = "审核问题"
FILES_SHEET = "报送文件"

# widths add up to what fits an A4 landscape page at a readable scale (the long texts wrap)
FINDING_COLUMNS = (("文件", 26), ("预算编码", 10), ("部门名称", 18), ("状态", 7), ("严重程度", 7),
                   ("代码", 16), ("规则", 16), ("表名!单元格", 13), ("说明", 60), ("是否已说明", 7))
FILE_COLUMNS = (("文件", 40), ("预算编码", 10), ("部门名称", 28), ("年度", 7), ("状态", 8),
                ("错误数", 7), ("警告数", 7), ("sha256", 34))


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
    ws.set_row(0, row_height([(title, width) for title, width in columns]))
    print_setup(ws, 0)


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
                ws.set_row(row, row_height([(sub.file, FINDING_COLUMNS[0][1]), (sub.dept_name, FINDING_COLUMNS[2][1]),
                                            (f.code, FINDING_COLUMNS[5][1]), (f.rule, FINDING_COLUMNS[6][1]),
                                            (f.message, FINDING_COLUMNS[8][1])]))
                sev_fmt = red if f.severity == "error" else orange if f.severity == "warning" else top
                _text(ws, row, 0, sub.file, wrap)
                _text(ws, row, 1, sub.dept_code, top)
                _text(ws, row, 2, sub.dept_name, wrap)
                _text(ws, row, 3, status, top)
                _text(ws, row, 4, SEVERITY_LABEL.get(f.severity, f.severity), sev_fmt)
                _text(ws, row, 5, f.code, wrap)
                _text(ws, row, 6, f.rule, wrap)
                _text(ws, row, 7, where(f), top)
                _text(ws, row, 8, f.message, wrap)
                _text(ws, row, 9, ("是" if f.explained else "否") if f.severity == "warning" else "", top)
        ws.autofilter(0, 0, max(row, 1), len(FINDING_COLUMNS) - 1)

        ws = wb.add_worksheet(FILES_SHEET)
        _header(ws, FILE_COLUMNS, bold)
        for row, sub in enumerate(submissions, start=1):
            c = sub.counts()
            ws.set_row(row, row_height([(sub.file, FILE_COLUMNS[0][1]), (sub.dept_name, FILE_COLUMNS[2][1]),
                                        (sub.sha256, FILE_COLUMNS[7][1])]))
            _text(ws, row, 0, sub.file, wrap)
            _text(ws, row, 1, sub.dept_code, top)
            _text(ws, row, 2, sub.dept_name, wrap)
            if sub.year is not None:
                ws.write_number(row, 3, sub.year, top)
            else:
                ws.write_blank(row, 3, None, top)
            _text(ws, row, 4, STATUS_LABEL.get(sub.status, sub.status), top)
            ws.write_number(row, 5, c["errors"], top)
            ws.write_number(row, 6, c["warnings"], top)
            _text(ws, row, 7, sub.sha256, wrap)
        ws.autofilter(0, 0, max(len(submissions), 1), len(FILE_COLUMNS) - 1)
        wb.close()
