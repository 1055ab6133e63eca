"""The 统计 sheet: small tables of COUNTIFS/links to the other sheets, each with a native chart beside it.

Every figure is a formula over 总览 (or a link to a 合计 cell) with its cached value computed
here from the same frames, so the sheet reads right before and after a recalculation. Two blocks
per printed page; the spending-structure block (one row per department) comes last.
"""

from __future__ import annotations

from decimal import Decimal

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from selfeval_xl.summary.frame import FORM_COLUMN, STATUS_LABELS, Collection
from selfeval_xl.summary.placed import FIRST, Placed, quote
from selfeval_xl.summary.styles import FONT, Styles

SHEET = "统计"
WIDTHS = (28, 10, 10, 10, 10, 2)  # A label/部门, B–E figures, F gap
SMALL_CHART_COL = 3  # small tables use A–C (label, figure, 占比); their charts start in D
WIDE_CHART_COL = 6  # the spending table uses A–E; its chart starts in G
CHART_WIDTH, CHART_HEIGHT = 560, 250  # pixels: a 250-pixel chart spans about 12.5 default rows
BLOCK_ROWS = 14  # so two blocks fit one A4 landscape page
MAX_BARS = 60  # departments shown in the spending-structure chart
SCORE_BANDS = [("90 分及以上", Decimal(90), None), ("80–89.99 分", Decimal(80), Decimal(90)),
               ("70–79.99 分", Decimal(70), Decimal(80)), ("60–69.99 分", Decimal(60), Decimal(70)),
               ("60 分以下", Decimal(0), Decimal(60))]
SPENDING = ("人员支出", "公用支出", "项目支出")
THREE_PUBLIC = ("公务接待费", "公务用车运维费", "公务用车购置费", "因公出国费")
COLORS = ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5")

Row = tuple[str, str, object]  # label, formula (with "="), cached value (int or Decimal)


def _font(size: int = 10, bold: bool = False) -> dict[str, object]:
    return {"name": FONT, "size": size, "bold": bold}


def _cached(value: object) -> object:
    # A Decimal as the double Excel would store: its shortest text is the Decimal itself for up
    # to 15 significant digits (every amount in 万元 below a trillion).
    return value if isinstance(value, int) else float(value)  # type: ignore[arg-type]


class StatsSheet:
    """Writes blocks top to bottom; `row` is where the next block starts."""

    def __init__(self, wb: Workbook, styles: Styles, name: str = SHEET) -> None:
        self.wb, self.styles, self.name = wb, styles, name
        self.ws: Worksheet = wb.add_worksheet(name)
        self.row = 3
        for j, w in enumerate(WIDTHS):
            self.ws.set_column(j, j, w)

    def small(self, name: str, headers: tuple[str, str], rows: list[Row], kind: str, chart_title: str) -> None:
        """Label | figure | 占比 (a share of the block's sum), and a chart of the figure column."""
        ws, st, start = self.ws, self.styles, self.row
        ws.write_string(start, 0, name, st.get("subtitle"))
        for j, h in enumerate((*headers, "占比")):
            ws.write_string(start + 1, j, h, st.get("header"))
        first, last = start + 2, start + 2 + max(len(rows), 1) - 1
        total = sum((Decimal(v) for _, _, v in rows), Decimal(0))  # type: ignore[arg-type]
        span = f"{xl_rowcol_to_cell(first, 1, True, True)}:{xl_rowcol_to_cell(last, 1, True, True)}"
        for i, (label, formula, value) in enumerate(rows):
            r = first + i
            ws.write_string(r, 0, label, st.get("text"))
            ws.write_formula(r, 1, formula, st.get("int" if isinstance(value, int) else "money"), _cached(value))
            share = Decimal(value) / total if total else Decimal(0)  # type: ignore[arg-type]
            ws.write_formula(r, 2, f"=IF(SUM({span})=0,0,{xl_rowcol_to_cell(r, 1)}/SUM({span}))",
                             st.get("percent"), float(share))
        self.chart(kind, chart_title, start, first, last, series=1, col=SMALL_CHART_COL)
        self.row = max(last + 2, start + BLOCK_ROWS)

    def chart(self, kind: str, title: str, anchor: int, first: int, last: int, series: int, col: int,
              subtype: str | None = None, height: int = CHART_HEIGHT) -> None:
        ch = self.wb.add_chart({"type": kind, **({"subtype": subtype} if subtype else {})})
        for k in range(series):
            s: dict[str, object] = {"name": [self.name, first - 1, 1 + k], "categories": [self.name, first, 0, last, 0],
                                    "values": [self.name, first, 1 + k, last, 1 + k]}
            if kind == "pie":
                s["data_labels"] = {"percentage": True, "category": True, "leader_lines": True, "font": _font(9)}
                s["points"] = [{"fill": {"color": c}} for c in COLORS]
            else:
                s["fill"] = {"color": COLORS[k % len(COLORS)]}
                s["gap"] = 60
                if series == 1:
                    s["data_labels"] = {"value": True, "font": _font(9)}
            ch.add_series(s)
        ch.set_title({"name": title, "name_font": _font(11, True)})
        ch.set_legend({"position": "right" if kind == "pie" else "bottom", "font": _font(9)}
                      if series > 1 or kind == "pie" else {"none": True})
        grid = {"visible": True, "line": {"color": "#D9D9D9"}}
        if kind == "bar":  # horizontal: y is the category axis; list departments top-down as in the table
            ch.set_x_axis({"num_font": _font(9), "major_gridlines": grid})
            ch.set_y_axis({"num_font": _font(9), "reverse": True, "crossing": "max"})
        elif kind != "pie":
            ch.set_x_axis({"num_font": _font(9)})
            ch.set_y_axis({"num_font": _font(9), "major_gridlines": grid})
        ch.set_size({"width": CHART_WIDTH, "height": height})
        self.ws.insert_chart(anchor, col, ch, {"x_offset": 6, "y_offset": 2, "object_position": 1})


def _countifs(*pairs: tuple[str, ...]) -> str:
    """COUNTIFS over (range, criterion) pairs; a pair may carry several (range, criterion)s."""
    flat = [x for p in pairs for x in p]
    return "COUNTIFS(" + ",".join(f'{flat[i]},"{flat[i + 1]}"' for i in range(0, len(flat), 2)) + ")"


def _pairs(criteria: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(criteria[i], criteria[i + 1]) for i in range(0, len(criteria), 2)]


def write_statistics(wb: Workbook, styles: Styles, c: Collection, placed: dict[str, Placed], title: str) -> None:
    s = StatsSheet(wb, styles)
    ws = s.ws
    ws.write_string(0, 0, f"{title}——统计", styles.get("title"))
    ws.set_row(0, 24)
    ws.write_string(1, 0, "注：除“按审核状态”外，各项统计只含计入合计的报送。", styles.get("note"))
    ov = placed["overview"]
    counted = c.overview["计入汇总"].tolist()
    is_counted: tuple[str, ...] = (ov.ref("计入汇总"), "是")
    if FORM_COLUMN in c.overview.columns and c.template is not None:  # the other form has its own 项目统计
        mine = c.template.title
        counted = [ok and f == mine for ok, f in zip(counted, c.overview[FORM_COLUMN].tolist(), strict=True)]
        is_counted = (*is_counted, ov.ref(FORM_COLUMN), mine)

    # 1. by 评价等次 (counted only); the last row takes what no grade matched
    grades = [g.grade for g in c.template.grades] if c.template else ["优", "良", "中", "差"]
    gcol = c.overview["评价等次"].tolist()
    rows: list[Row] = []
    for g in grades:
        n = sum(1 for v, ok in zip(gcol, counted, strict=True) if ok and v == g)
        rows.append((g, f"={_countifs((ov.ref('评价等次'), g), is_counted)}", n))
    rest = sum(counted) - sum(int(v) for _, _, v in rows)  # type: ignore[call-overload]
    every = (f"COUNTIF({ov.ref('计入汇总')},\"是\")" if len(is_counted) == 2 else _countifs(*_pairs(is_counted)))
    rows.append(("未填或无效", f"={every}" + "".join("-" + f[1:] for _, f, _ in rows), rest))
    s.small("按评价等次", ("评价等次", "份数"), rows, "column", "评价等次分布（份）")

    # 2. by status (every submission)
    scol = c.overview["状态"].tolist()
    rows = [(label, f"=COUNTIF({ov.ref('状态')},\"{label}\")", sum(1 for v in scol if v == label))
            for label in STATUS_LABELS.values()]
    s.small("按审核状态（全部报送）", ("审核状态", "份数"), rows, "column", "审核状态分布（份）")
    breaks = [s.row]  # two blocks per printed page

    # 3. score distribution (counted only)
    scores = c.overview["综合得分"].tolist()
    rows = []
    for label, lo, hi in SCORE_BANDS:
        pairs = [(ov.ref("综合得分"), f">={lo}")] + ([(ov.ref("综合得分"), f"<{hi}")] if hi is not None else [])
        n = sum(1 for v, ok in zip(scores, counted, strict=True)
                if ok and isinstance(v, Decimal) and v >= lo and (hi is None or v < hi))
        rows.append((label, f"={_countifs(*pairs, is_counted)}", n))
    s.small("综合得分分布", ("得分区间", "份数"), rows, "column", "综合得分分布（份）")

    # 4. 三公经费 composition: links to the 三公经费 sheet's 合计 row
    tp, tpf = placed["three_public"], c.three_public
    tcounted = tpf["计入汇总"].tolist()
    rows = []
    for label in THREE_PUBLIC:
        total = sum((v for v, ok in zip(tpf[label].tolist(), tcounted, strict=True) if ok and isinstance(v, Decimal)),
                    Decimal(0))
        ref = (f"={quote(tp.sheet)}!{xl_rowcol_to_cell(tp.total_row, tp.col(label), True, True)}"
               if tp.total_row is not None else "=0")
        rows.append((label, ref, total))
    s.small("三公经费构成（万元）", ("项目", "金额"), rows, "pie", "三公经费构成")
    breaks.append(s.row)

    _spending(s, c, placed["expenditure"])
    ws.set_h_pagebreaks(breaks)
    ws.freeze_panes(3, 0)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _spending(s: StatsSheet, c: Collection, ex: Placed) -> None:
    """部门 | 人员支出 | 公用支出 | 项目支出 | 合计 for every counted department: links to 支出和结余."""
    ws, st, start = s.ws, s.styles, s.row
    ws.write_string(start, 0, "各部门支出结构（万元）", st.get("subtitle"))
    for j, h in enumerate(("部门", *SPENDING, "合计")):
        ws.write_string(start + 1, j, h, st.get("header"))
    first = start + 2
    n = 0
    for r, rec in enumerate(c.expenditure.to_dict("records")):
        if not rec["计入汇总"]:
            continue
        x = first + n
        ws.write_string(x, 0, str(rec["部门名称"] or rec["预算编码"] or rec["文件"]), st.get("text"))
        total = Decimal(0)
        for j, col in enumerate(SPENDING, start=1):
            v = rec[col] if isinstance(rec[col], Decimal) else Decimal(0)
            total += v
            link = f"={quote(ex.sheet)}!{xl_rowcol_to_cell(FIRST + r, ex.col(col), True, True)}"
            ws.write_formula(x, j, link, st.get("money"), _cached(v))
        ws.write_formula(x, 4, f"=SUM({xl_rowcol_to_cell(x, 1)}:{xl_rowcol_to_cell(x, 3)})", st.get("money"),
                         _cached(total))
        n += 1
    shown = min(n, MAX_BARS)
    title = "各部门支出结构（万元）" + (f"（前 {MAX_BARS} 个部门）" if n > MAX_BARS else "")
    s.chart("bar", title, start, first, first + max(shown, 1) - 1, series=3, col=WIDE_CHART_COL,
            subtype="stacked", height=max(CHART_HEIGHT, 70 + 24 * shown))
    s.row = first + max(n, 1) + 1


PART_SHEET = "项目统计"
MAX_PROJECT_BARS = 80  # projects shown in the rate chart (the 项目 sheet lists them all)


def write_part_statistics(wb: Workbook, styles: Styles, c: Collection, placed: dict[str, Placed], title: str) -> None:
    """项目统计: the count of each 等次 over counted projects (COUNTIFS over 项目) with a column
    chart, and a bar chart of every counted project's rate read straight from the 项目 sheet."""
    t, df = c.part_template, c.projects
    assert t is not None and t.part_summary is not None and df is not None
    ps, pl = t.part_summary, placed["projects"]
    s = StatsSheet(wb, styles, PART_SHEET)
    ws = s.ws
    ws.write_string(0, 0, f"{title}——{PART_SHEET}", styles.get("title"))
    ws.set_row(0, 24)
    heads = dict(ps.columns)
    notes = ([f"{heads[ps.counts]}统计只含计入合计的报送"] if ps.counts else []) + (
        [f"{heads[ps.chart]}图列出“{pl.sheet}”表中的全部{t.repeat.label if t.repeat else ''}"] if ps.chart else [])
    ws.write_string(1, 0, "注：" + "；".join(notes) + "。", styles.get("note"))
    counted = df["计入汇总"].tolist()
    is_counted = (pl.ref("计入汇总"), "是")
    if ps.counts is not None:
        head = heads[ps.counts]
        col = df[head].tolist()
        rows: list[Row] = []
        for g in (g.grade for g in t.grades):
            n = sum(1 for v, ok in zip(col, counted, strict=True) if ok and v == g)
            rows.append((g, f"={_countifs((pl.ref(head), g), is_counted)}", n))
        s.small(f"按{head}（项目数）", (head, "项目数"), rows, "column", f"{head}分布（个）")
    if ps.chart is not None and pl.n:
        head = next(h for h in df.columns if h.startswith(heads[ps.chart]))
        name_head = heads[ps.columns[0][0]]
        shown = min(pl.n, MAX_PROJECT_BARS)
        ch = wb.add_chart({"type": "bar"})
        c0, c1 = pl.col(name_head), pl.col(head)
        ch.add_series({"name": head, "categories": [pl.sheet, FIRST, c0, FIRST + shown - 1, c0],
                       "values": [pl.sheet, FIRST, c1, FIRST + shown - 1, c1], "fill": {"color": COLORS[0]},
                       "gap": 40, "data_labels": {"value": True, "font": _font(8)}})
        ch.set_title({"name": f"各项目{head}" + (f"（前 {shown} 个）" if shown < pl.n else ""),
                      "name_font": _font(11, True)})
        ch.set_legend({"none": True})
        ch.set_x_axis({"num_font": _font(9), "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        ch.set_y_axis({"num_font": _font(9), "reverse": True, "crossing": "max"})
        ch.set_size({"width": CHART_WIDTH + 200, "height": max(CHART_HEIGHT, 22 * shown + 80)})
        ws.write_string(s.row, 0, f"各项目{head}", styles.get("subtitle"))
        ws.insert_chart(s.row + 1, 0, ch, {"x_offset": 6, "y_offset": 2, "object_position": 1})
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
