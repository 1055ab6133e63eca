"""`status -o`: the same status as an Excel workbook (XlsxWriter; atomic temp file + os.replace).

Every text that came from a submission or a roster is written with write_string, so a
department name like "=HYPERLINK(…)" stays text.
"""

from __future__ import annotations

import os
from decimal import Decimal

import xlsxwriter

from selfeval_xl.atomic import atomic_path
from selfeval_xl.ledger.derived import KEY_FIGURES
from selfeval_xl.ledger.status import DeptStatus, StatusReport
from selfeval_xl.report.printing import print_setup, row_height

HEADERS = ["序号", "预算编码", "部门名称", "状态", "联系人", "联系电话", "最后收到时间", "文件名", "错误数", "待说明警告数",
           "报送次数", "主要问题"]
WIDTHS = [5, 10, 20, 7, 8, 13, 11, 22, 6, 7, 6, 40]
FIGURE_WIDTH = 10


def write_status_xlsx(path: str | os.PathLike[str], rep: StatusReport) -> None:
    with atomic_path(path) as tmp:
        _write(str(tmp), rep)


def _write(path: str, rep: StatusReport) -> None:
    wb = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False,
                                    "strings_to_numbers": False})
    f = {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "head": wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True,
                               "align": "center", "valign": "vcenter"}),
        "text": wb.add_format({"border": 1}),
        "wrap": wb.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "int": wb.add_format({"border": 1, "num_format": "0"}),
        "money": wb.add_format({"border": 1, "num_format": "#,##0.00"}),
        "bad": wb.add_format({"border": 1, "font_color": "#C00000", "bold": True}),
        "warn": wb.add_format({"border": 1, "font_color": "#9C5700"}),
        "good": wb.add_format({"border": 1, "font_color": "#006100"}),
    }
    year = rep.year if rep.year is not None else ""
    _sheet(wb, f, "报送情况", f"{year}年度报送情况" + (f"（名单：{rep.roster}）" if rep.roster else ""), rep.rows)
    _sheet(wb, f, "催报名单", f"{year}年度催报名单（未提交、未通过、待说明）", rep.chase())
    if rep.off_roster:
        _sheet(wb, f, "名单外报送", f"{year}年度名单外部门的报送", rep.off_roster)
    counts = wb.add_worksheet("统计")
    print_setup(counts, 0)
    counts.set_column(0, 0, 16)
    counts.set_column(1, 1, 10)
    counts.write_string(0, 0, "状态", f["head"])
    counts.write_string(0, 1, "部门数", f["head"])
    for i, (state, n) in enumerate(rep.counts().items(), start=1):
        counts.write_string(i, 0, state, f["text"])
        counts.write_number(i, 1, n, f["int"])
    n = len(rep.counts()) + 1
    counts.write_string(n, 0, "名单外报送", f["text"])
    counts.write_number(n, 1, len(rep.off_roster), f["int"])
    counts.write_string(n + 1, 0, "无法识别的报送", f["text"])
    counts.write_number(n + 1, 1, len(rep.unidentified), f["int"])
    wb.close()


MAX_CELL = 32767  # Excel's limit for the text of one cell


def _cap(text: str) -> str:
    """Submission text as it may go into a cell (a hostile 1 MB name must not break the sheet)."""
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _sheet(wb: xlsxwriter.Workbook, f: dict, name: str, title: str, rows: list[DeptStatus]) -> None:
    ws = wb.add_worksheet(name)
    headers = list(HEADERS)
    for _key, label in KEY_FIGURES:
        headers += [f"{label}（本年）", f"{label}（上年）"]
    ws.write_string(0, 0, title, f["title"])
    for c, h in enumerate(headers):
        ws.write_string(2, c, h, f["head"])
    widths = WIDTHS + [FIGURE_WIDTH] * (2 * len(KEY_FIGURES))
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_row(2, row_height(list(zip(headers, widths, strict=True))))
    ws.freeze_panes(3, 3)
    print_setup(ws, 2)
    state_fmt = {"未提交": f["bad"], "未通过": f["bad"], "待说明": f["warn"], "已通过": f["good"]}
    for i, d in enumerate(rows, start=1):
        r = i + 2
        ws.set_row(r, row_height([(d.name, widths[2]), (d.received_at, widths[6]), (d.file, widths[7]),
                                  (d.problems_sentence(), widths[11])]))
        ws.write_number(r, 0, i, f["int"])
        ws.write_string(r, 1, _cap(d.code), f["text"])
        ws.write_string(r, 2, _cap(d.name), f["wrap"])
        ws.write_string(r, 3, d.state, state_fmt.get(d.state, f["text"]))
        ws.write_string(r, 4, _cap(d.contact or ""), f["text"])
        ws.write_string(r, 5, _cap(d.phone or ""), f["text"])
        ws.write_string(r, 6, d.received_at, f["wrap"])
        ws.write_string(r, 7, _cap(d.file), f["wrap"])
        for c, n in ((8, d.errors), (9, d.warnings), (10, d.versions)):
            if d.versions:
                ws.write_number(r, c, n, f["int"])
            else:
                ws.write_blank(r, c, None, f["text"])
        ws.write_string(r, 11, _cap(d.problems_sentence()), f["wrap"])
        c = 12
        for key, _label in KEY_FIGURES:
            for v in (d.this_year.get(key), d.last_year.get(key)):
                if isinstance(v, Decimal):
                    ws.write_number(r, c, float(v), f["money"])  # Excel stores doubles; the text is exact to 2 dp
                else:
                    ws.write_blank(r, c, None, f["text"])
                c += 1
    if rows:
        ws.autofilter(2, 0, len(rows) + 2, len(headers) - 1)
