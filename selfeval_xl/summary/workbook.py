"""The 汇总 workbook (XlsxWriter): 总览, one sheet per amount table, 绩效指标, 审核问题, 统计.

Totals are SUMIFS formulas over the rows whose 计入汇总 is “是” (so a row left out stays visible
and filterable in place), written with their Decimal results as cached values (as the double
Excel stores; its shortest text is the Decimal itself up to 15 significant digits). Every text
that came from a submission goes through write_string: a 部门名称 of `=1+1` stays text.
"""

from __future__ import annotations

import math
import os
from decimal import Decimal
from pathlib import PurePath

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from selfeval_xl.atomic import atomic_path as replacing
from selfeval_xl.summary.charts import write_part_statistics, write_statistics
from selfeval_xl.summary.frame import BOOL, INT, MONEY, NUMBER, Collection, exclusion_note
from selfeval_xl.summary.placed import FIRST, HEADER_ROW, Placed
from selfeval_xl.summary.styles import Styles, text_width, value_width

SHEETS = {"overview": "总览", "income": "收入", "expenditure": "支出和结余", "three_public": "三公经费",
          "assets": "固定资产", "indicators": "绩效指标", "findings": "审核问题",
          "projects": "项目", "project_depts": "项目按部门"}
# Columns the DataFrames keep but the sheets leave out (总览 shows 年度 and 文件 once per submission;
# fewer repeated cells keep the workbook cheap next to reading the files).
NOT_SHOWN = {"income": ("年度", "文件"), "expenditure": ("年度", "文件"), "three_public": ("年度", "文件"),
             "assets": ("年度", "文件"), "indicators": ("年度", "文件", "行号"), "findings": ("年度",),
             "projects": ("年度", "文件"), "project_depts": ("年度", "文件")}
TOTALS = ("overview", "income", "expenditure", "three_public", "assets", "projects", "project_depts")
CENTERED = {"状态", "评价等次", "严重程度", "年度"}
LINE_HEIGHT = 13.5  # points per line of 10-point 宋体
WIDE_TEXT = {"说明", "绩效目标（年度指标值）", "完成情况（实际完成值）", "偏差原因", "三级指标"}


def title_for(c: Collection) -> str:
    years = c.years
    if not years:
        return "部门整体支出绩效自评汇总"
    span = str(years[0]) if len(years) == 1 else f"{years[0]}—{years[-1]}"
    return f"{span}年度部门整体支出绩效自评汇总"


def write_summary(path: str | os.PathLike[str], c: Collection) -> None:
    """Write the summary workbook atomically (temp file in the same folder, then os.replace)."""
    with replacing(path) as tmp:
        _write(str(tmp), c)


def _write(path: str, c: Collection) -> None:
    wb = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_numbers": False,
                                    "strings_to_urls": False, "nan_inf_to_errors": True, "in_memory": True})
    wb.set_properties({"title": title_for(c), "author": "selfeval-xl", "comments": "由 selfeval-xl 生成"})
    styles = Styles(wb)
    title = title_for(c)
    unit = c.template.amount_unit if c.template else "万元"
    note = exclusion_note(c) + f"金额单位：{unit}。"
    placed: dict[str, Placed] = {}
    for name in c.names():
        sheet = SHEETS[name]
        ws = wb.add_worksheet(sheet)
        df = c.frame(name)
        if name in NOT_SHOWN:
            df = df.drop(columns=list(NOT_SHOWN[name]))
        placed[name] = write_frame(ws, styles, df, c.kinds[name], sheet, f"{title}——{sheet}",
                                   note if name in TOTALS else _count_note(name, df), totals=name in TOTALS)
    write_statistics(wb, styles, c, placed, title)
    if c.projects is not None:
        write_part_statistics(wb, styles, c, placed, title)
    wb.close()


def _count_note(name: str, df: pd.DataFrame) -> str:
    if name == "indicators":
        return f"共 {len(df)} 条指标；“计入汇总”为“否”的行来自未计入合计的报送。"
    return f"共 {len(df)} 条审核问题。"


def _cell_role(kind: str) -> str:
    return {MONEY: "money", NUMBER: "number", INT: "int", BOOL: "bool"}.get(kind, "text")


def _column_values(values: list[object], col: str, kind: str) -> list[object]:
    """What the cells show, column-wise: 是/否 for booleans, the file's name only (the DataFrames
    keep the path as given), None for blanks; numbers stay Decimal/int."""
    if kind == BOOL:
        return ["是" if v else "否" for v in values]
    if kind in (MONEY, NUMBER, INT):
        return [v if isinstance(v, (Decimal, int)) and not isinstance(v, bool) else None for v in values]
    if col == "文件":
        names = {v: PurePath(v).name for v in set(values) if isinstance(v, str)}
        return [names.get(v) for v in values]  # type: ignore[call-overload]
    return [None if v is None or v is pd.NA or v == "" else str(v) for v in values]


def _width(values: list[object], col: str, kind: str, wrap: bool) -> float:
    """Column width in Excel units: the widest value (CJK counted as 2), capped; headers wrap."""
    distinct = {v for v in values if v is not None}
    w = max((value_width(v, kind) for v in distinct), default=0)
    w = max(w, min(text_width(col), 12), 4)
    return min(w, 42 if wrap or col == "文件" else 30) + 2


def _lines(text: str, width: float) -> int:
    """Wrapped lines in Excel/WPS: a 10-point CJK glyph is about 1.85 width units there."""
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(text_width(part) * 0.925 / usable)) for part in text.split("\n"))


def write_frame(ws: Worksheet, styles: Styles, df: pd.DataFrame, kinds: dict[str, str], sheet: str,
                title: str, note: str, totals: bool) -> Placed:
    """Title, note, bold frozen header with autofilter, the rows, and a SUMIFS 合计 row.

    Row heights are set where text wraps (neither LibreOffice nor WPS grows them on open)."""
    columns = list(df.columns)
    ncol, n = len(columns), len(df)
    last_col = max(ncol - 1, 0)
    kind_list = [kinds.get(col, "text") for col in columns]
    wrap = [col in WIDE_TEXT for col in columns]
    cols = [_column_values(df[col].tolist(), col, kind_list[j]) for j, col in enumerate(columns)]
    widths = [_width(cols[j], col, kind_list[j], wrap[j]) for j, col in enumerate(columns)]
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)

    ws.write_string(0, 0, title, styles.get("title"))
    ws.set_row(0, 24)
    ws.write_string(1, 0, note, styles.get("note"))
    header_lines = max((_lines(col, widths[j]) for j, col in enumerate(columns)), default=1)
    ws.set_row(HEADER_ROW, LINE_HEIGHT * header_lines + 6)
    for j, col in enumerate(columns):
        ws.write_string(HEADER_ROW, j, col, styles.get("header"))

    counted_col = columns.index("计入汇总") if "计入汇总" in columns else None
    counted = df["计入汇总"].tolist() if counted_col is not None else [True] * n
    roles = ["center" if col in CENTERED else _cell_role(kind_list[j]) for j, col in enumerate(columns)]
    plain = [styles.get(roles[j], False, wrap[j]) for j in range(ncol)]
    dimmed = [styles.get(roles[j], True, wrap[j]) for j in range(ncol)]
    numeric = [k in (MONEY, NUMBER, INT) for k in kind_list]
    wrapped = [j for j in range(ncol) if wrap[j]]
    rows = range(FIRST, FIRST + n)
    for j in range(ncol):  # column by column: XlsxWriter keeps every cell until close()
        on, off = plain[j], dimmed[j]
        formats = [on if ok else off for ok in counted]
        write = ws.write_number if numeric[j] else ws.write_string
        for x, v, f in zip(rows, cols[j], formats, strict=True):
            if v is not None:  # blanks get their borders from one conditional format, not per cell
                write(x, j, v, f)
    if wrapped:
        for r, texts in enumerate(zip(*(cols[j] for j in wrapped), strict=True)):
            lines = max((_lines(t, widths[j]) for t, j in zip(texts, wrapped, strict=True) if t), default=1)
            if lines > 1:
                ws.set_row(FIRST + r, LINE_HEIGHT * lines + 2)

    total_row = None
    if totals and n:
        total_row = FIRST + n
        _write_totals(ws, styles, df, columns, kind_list, counted_col, total_row)
        ws.write_string(total_row + 1, 0, note, styles.get("note"))
    if n and ncol:
        ws.conditional_format(FIRST, 0, FIRST + n - 1, last_col,
                              {"type": "no_errors", "format": styles.get("grid"), "stop_if_true": False})
    ws.freeze_panes(FIRST, 2 if ncol > 2 else 0)
    if ncol:
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(n, 1), last_col)
    _print_setup(ws, sheet)
    return Placed(sheet, columns, n, total_row)


def _write_totals(ws: Worksheet, styles: Styles, df: pd.DataFrame, columns: list[str], kinds: list[str],
                  counted_col: int | None, row: int) -> None:
    counted = df["计入汇总"].tolist() if counted_col is not None else [True] * len(df)
    ws.write_string(row, 0, f"合计（{sum(counted)} 份）", styles.get("total"))
    crit = None
    if counted_col is not None:
        cl = xl_col_to_name(counted_col)
        crit = f"${cl}${FIRST + 1}:${cl}${row}"
    for j, col in enumerate(columns[1:], start=1):
        if kinds[j] != MONEY:
            ws.write_blank(row, j, None, styles.get("total"))
            continue
        cl = xl_col_to_name(j)
        rng = f"{cl}{FIRST + 1}:{cl}{row}"
        formula = f'=SUMIFS({rng},{crit},"是")' if crit else f"=SUM({rng})"
        value = sum((v for v, ok in zip(df[col].tolist(), counted, strict=True)
                     if ok and isinstance(v, Decimal)), Decimal(0))
        ws.write_formula(row, j, formula, styles.get("total_money"), float(value))


def _print_setup(ws: Worksheet, sheet: str) -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header(f"&C&\"宋体,Bold\"{sheet}")
    ws.set_footer("&C第 &P 页，共 &N 页")
