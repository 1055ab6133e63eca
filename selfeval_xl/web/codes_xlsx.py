"""The access-code sheet the bureau hands out (登录码.xlsx): one row per department.

Names come from the roster and are written with write_string (a name like "=HYPERLINK(…)" stays
text); the codes column is formatted as text so Excel never reformats a code."""

from __future__ import annotations

import os
from collections.abc import Sequence

import xlsxwriter

from selfeval_xl.atomic import atomic_path

HEADERS = ("预算编码", "部门名称", "登录码")


def write_codes(path: str | os.PathLike[str], rows: Sequence[tuple[str, str, str]]) -> None:
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                            "strings_to_urls": False})
        ws = wb.add_worksheet("登录码")
        bold = wb.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
        text = wb.add_format({"num_format": "@", "border": 1})
        code = wb.add_format({"num_format": "@", "border": 1, "font_name": "Consolas"})
        for c, h in enumerate(HEADERS):
            ws.write_string(0, c, h, bold)
        for r, (dept_code, name, secret) in enumerate(rows, start=1):
            ws.write_string(r, 0, dept_code, text)
            ws.write_string(r, 1, name, text)
            ws.write_string(r, 2, secret, code)
        ws.set_column(0, 0, 12)
        ws.set_column(1, 1, 40)
        ws.set_column(2, 2, 18)
        ws.freeze_panes(1, 0)
        note = len(rows) + 2
        ws.write_string(note, 0, "请把每个部门的登录码单独、私下交给该部门；登录码等同于密码，重新生成后旧登录码失效。")
        wb.close()
