"""Prefilled text is shown in full: its row grows (Excel never grows merged cells itself)."""

from __future__ import annotations

import openpyxl

from selfeval_xl.generate import write_workbook
from selfeval_xl.generate.workbook import text_height
from selfeval_xl.layout import build_layout
from selfeval_xl.spec import default_template


def row_height(path, key):
    t = default_template()
    cell = build_layout(t, 1).inputs[key].cell
    ws = openpyxl.load_workbook(path)[cell.sheet]
    return ws.row_dimensions[cell.row + 1].height


def test_long_prefilled_text_grows_its_row(tmp_path):
    t = default_template()
    blank, filled = tmp_path / "blank.xlsx", tmp_path / "filled.xlsx"
    write_workbook(blank, t)
    tasks = "\n\n".join(f"任务{i}：网络宣传与舆情管控工作" for i in range(1, 9))
    write_workbook(filled, t, values={"dept.tasks": tasks})
    assert row_height(filled, "dept.tasks") > row_height(blank, "dept.tasks")
    assert row_height(filled, "dept.tasks") <= 409


def test_text_height_counts_wide_characters():
    assert text_height("中" * 40, 40) > text_height("a" * 40, 40)
    assert text_height("x\n" * 100, 40) > 409  # capped by the caller
