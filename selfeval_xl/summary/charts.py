"""The 统计 sheet: small tables of COUNTIFS/links to the other sheets, each with a native chart beside it.

Every figure is a formula over 总览 (or a link to a 合计 cell) with its cached value computed
here from the same frames, so the sheet reads right before and after a recalculation.
"""

from __future__ import annotations

from decimal import Decimal

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

from selfeval_xl.summary.frame import STATUS_LABELS, Collection
from selfeval_xl.summary.placed import FIRST, Exact, Placed, quote
from selfeval_xl.summary.styles import FONT, Styles

SHEET = "统计"
CHART_COL = 5  # charts start in column F, beside the tables in A–D
BLOCK_MIN_ROWS = 16  # a 288-pixel chart spans about 15 default rows
MAX_BARS = 60  # departments shown in the spending-structure chart
SCORE_BANDS = [("90 分及以上", Decimal(90), None), ("80–89.99 分", Decimal(80), Decimal(90)),
               ("70–79.99 分", Decimal(70), Decimal(80)), ("60–69.99 分", Decimal(60), Decimal(70)),
               ("60 分以下", Decimal(0), Decimal(60))]
SPENDING = ("人员支出", "公用支出", "项目支出")
THREE_PUBLIC = ("公务接待费", "公务用车运维费", "公务用车购置费", "因公出国费")


def _font(size: int = 10, bold: bool = False) -> dict[str, object]:
    return {"name": FONT, "size": size, "bold": bold}


def write_statistics(wb: Workbook, styles: Styles, c: Collection, placed: dict[str, Placed], title: str) -> None:
    ws = wb.add_worksheet(SHEET)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 3, 12)
    ws.set_column(4, 4, 3)
    ws.write_string(0, 0, f"{title}——统计", styles.get("title"))
    ws.set_row(0, 24)
    ws.write_string(1, 0, "注：除“按审核状态”外，各项统计只含计入合计的报送。", styles.get("note"))
    ov = placed["overview"]
    counted = c.overview["计入汇总"].tolist()
    row = 3

    def table(name: str, headers: list[str], rows: list[tuple[str, list[tuple[str, object]]]]) -> tuple[int, int]:
        """Subtitle, header, then rows of (label, [(formula, cached value), ...]); → (first, last) data row."""
        nonlocal row
        ws.write_string(row, 0, name, styles.get("subtitle"))
        for j, h in enumerate(headers):
            ws.write_string(row + 1, j, h, styles.get("header"))
        first = row + 2
        for i, (label, cells) in enumerate(rows):
            ws.write_string(first + i, 0, label, styles.get("text"))
            for j, (formula, value) in enumerate(cells, start=1):
                is_int = isinstance(value, int)
                fmt = styles.get("int" if is_int else "money")
                ws.write_formula(first + i, j, formula, fmt, value if is_int else Exact(value))  # type: ignore[arg-type]
        return first, first + max(len(rows), 1) - 1

    def chart(kind: str, name: str, first: int, last: int, series: int = 1, subtype: str | None = None,
              height: int = 288, cats_col: int = 0) -> None:
        ch = wb.add_chart({"type": kind, **({"subtype": subtype} if subtype else {})})
        colors = ["#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5"]
        for k in range(series):
            s: dict[str, object] = {
                "name": [SHEET, first - 1, 1 + k],
                "categories": [SHEET, first, cats_col, last, cats_col],
                "values": [SHEET, first, 1 + k, last, 1 + k],
            }
            if kind == "pie":
                s["data_labels"] = {"percentage": True, "category": True, "leader_lines": True,
                                    "font": _font(9)}
            else:
                s["fill"] = {"color": colors[k % len(colors)]}
                if series == 1:
                    s["data_labels"] = {"value": True, "font": _font(9)}
            ch.add_series(s)
        ch.set_title({"name": name, "name_font": _font(11, True)})
        ch.set_legend({"position": "bottom", "font": _font(9)} if series > 1 or kind == "pie" else {"none": True})
        if kind != "pie":
            ch.set_x_axis({"num_font": _font(9)})
            ch.set_y_axis({"num_font": _font(9), "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        ch.set_size({"width": 520, "height": height})
        ws.insert_chart(start, CHART_COL, ch, {"x_offset": 4, "y_offset": 2, "object_position": 1})

    def countifs(*pairs: tuple[str, str]) -> str:
        return "COUNTIFS(" + ",".join(f'{ref},"{crit}"' for ref, crit in pairs) + ")"

    # 1. by 评价等次 (counted only)
    start = row
    grades = [g.grade for g in c.template.grades] if c.template else ["优", "良", "中", "差"]
    gcol = c.overview["评价等次"].tolist()
    rows: list[tuple[str, list[tuple[str, object]]]] = []
    for g in grades:
        n = sum(1 for v, ok in zip(gcol, counted, strict=True) if ok and v == g)
        rows.append((g, [(f"={countifs((ov.ref('评价等次'), g), (ov.ref('计入汇总'), '是'))}", n)]))
    first, last = table("按评价等次", ["评价等次", "份数"], rows)
    rest = sum(counted) - sum(int(r[1][0][1]) for r in rows)  # type: ignore[call-overload]
    ws.write_string(last + 1, 0, "未填或无效", styles.get("text"))
    ws.write_formula(last + 1, 1, f"=COUNTIF({ov.ref('计入汇总')},\"是\")-SUM({xl_rowcol_to_cell(first, 1)}:"
                     f"{xl_rowcol_to_cell(last, 1)})", styles.get("int"), rest)
    chart("column", "评价等次分布（份）", first, last + 1)
    row = max(last + 3, start + BLOCK_MIN_ROWS)

    # 2. by status (every submission)
    start = row
    scol = c.overview["状态"].tolist()
    rows = [(label, [(f"=COUNTIF({ov.ref('状态')},\"{label}\")", sum(1 for v in scol if v == label))])
            for label in STATUS_LABELS.values()]
    first, last = table("按审核状态（全部报送）", ["审核状态", "份数"], rows)
    chart("column", "审核状态分布（份）", first, last)
    row = max(last + 2, start + BLOCK_MIN_ROWS)

    # 3. score distribution (counted only)
    start = row
    scores = c.overview["综合得分"].tolist()
    rows = []
    for label, lo, hi in SCORE_BANDS:
        pairs = [(ov.ref("综合得分"), f">={lo}")] + ([(ov.ref("综合得分"), f"<{hi}")] if hi is not None else [])
        n = sum(1 for v, ok in zip(scores, counted, strict=True)
                if ok and isinstance(v, Decimal) and v >= lo and (hi is None or v < hi))
        rows.append((label, [(f"={countifs(*pairs, (ov.ref('计入汇总'), '是'))}", n)]))
    first, last = table("综合得分分布", ["得分区间", "份数"], rows)
    chart("column", "综合得分分布（份）", first, last)
    row = max(last + 2, start + BLOCK_MIN_ROWS)

    # 4. 三公经费 composition: links to the 三公经费 sheet's 合计 row
    start = row
    tp, tpf = placed["three_public"], c.three_public
    tcounted = tpf["计入汇总"].tolist()
    rows = []
    for label in THREE_PUBLIC:
        total = sum((v for v, ok in zip(tpf[label].tolist(), tcounted, strict=True) if ok and isinstance(v, Decimal)),
                    Decimal(0))
        ref = (f"={quote(tp.sheet)}!{xl_rowcol_to_cell(tp.total_row, tp.col(label), True, True)}"
               if tp.total_row is not None else "=0")
        rows.append((label, [(ref, total)]))
    first, last = table("三公经费构成（万元）", ["项目", "金额"], rows)
    chart("pie", "三公经费构成", first, last)
    row = max(last + 2, start + BLOCK_MIN_ROWS)

    # 5. spending structure per counted department: links to 支出和结余
    start = row
    ex, exf = placed["expenditure"], c.expenditure

    def link(r: int, col: str) -> str:
        return f"={quote(ex.sheet)}!{xl_rowcol_to_cell(FIRST + r, ex.col(col), True, True)}"

    rows = []
    for r, rec in enumerate(exf.to_dict("records")):
        if not rec["计入汇总"]:
            continue
        name = rec["部门名称"] or rec["预算编码"] or rec["文件"]
        rows.append((str(name), [(link(r, col), rec[col] if isinstance(rec[col], Decimal) else Decimal(0))
                                 for col in SPENDING]))
    first, last = table("各部门支出结构（万元）", ["部门", *SPENDING], rows)
    shown = min(len(rows), MAX_BARS)
    name = "各部门支出结构（万元）" + (f"（前 {MAX_BARS} 个部门）" if len(rows) > MAX_BARS else "")
    chart("bar", name, first, first + max(shown, 1) - 1, series=3, subtype="stacked",
          height=max(288, 60 + 22 * shown))

    ws.freeze_panes(3, 0)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
