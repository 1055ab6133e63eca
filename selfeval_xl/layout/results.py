"""The 审核结果 sheet: every finding the form can decide, counted live, one row per item.

Why: the department must see before sending exactly what the program will say. Each item
counts the findings of one kind the checker would emit (completeness per field or table,
value formats, choices, every rule), with the checker's severity; `item_key` maps a finding to
its item, so a test can compare the form's counts with the program's, case by case. What the
form cannot decide is listed as "报送后由财政部门审核".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from selfeval_xl.layout.calc import BIT_BLANK, BITS, CALC_SHEET, E1, E2, Calc, S, array
from selfeval_xl.layout.cells import Cell, range_ref
from selfeval_xl.layout.completeness import UNITS_ONLY_TOTAL, unit_table_cells
from selfeval_xl.layout.types import FormulaCell, Instance, SheetLayout
from selfeval_xl.model.codes import CODES
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.spec import Template, unscoped

if TYPE_CHECKING:
    from selfeval_xl.layout.build import _Builder

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
AFTER = "报送后由财政部门审核"
HEADERS = ("审核项目", "严重程度", "审核内容", "位置", "实时状态", "编号", "处数")
KEY_COL, COUNT_COL = 5, 6  # hidden: the item's key (rule id, code or field) and its count
SECTIONS = ("一、完整性（必填项）", "二、填写格式", "三、审核规则", "四、" + AFTER)
FORMAT_CODES = ("not-a-number", "text-number", "negative-amount", "excess-precision", "invalid-choice")


@dataclass(frozen=True)
class Item:
    key: str
    name: str
    severity: str
    what: str
    where: str
    count: str | None  # formula of the number of findings; None: decided after submission


def item_key(t: Template, f: Finding) -> str | None:
    """The 审核结果 item a finding is counted under (None: not decidable in the form)."""
    if f.rule and any(r.id == f.rule for r in t.rules):
        return f.rule
    if f.code in FORMAT_CODES:
        return f.code
    if f.code != "required-missing" or not f.field:
        return None
    field = f.field
    if field == UNITS_ONLY_TOTAL or field in t.unit_tables or field in t.tables:
        return field
    if "[" in field:
        return field.split("[", 1)[0]
    base, dot, last = field.rpartition(".")
    if dot and last[:1] == "u" and last[1:].isdigit():
        field = base
    ut = t.unit_table_of(field)
    return ut.key if ut is not None else field


def location(t: Template, cells: list[Cell]) -> str:
    """Where an item applies, in a clerk's words: a cell of one sheet (收支情况!B11), or, when the
    item counts every copy of a repeated sheet, that cell on each of them (各项目表 B5)."""
    first = cells[0]
    firsts = {c.sheet: c for c in reversed(cells)}  # the first cell on each sheet
    if len(firsts) == 1:
        return f"{first.sheet}!{first.a1}"
    if t.repeat is not None and len({c.a1 for c in firsts.values()}) == 1:
        return f"各{t.repeat.label}表 {first.a1}"
    return f"{first.sheet}!{first.a1} 等 {len(firsts)} 张表"


def _rng(cells: list[Cell], on: str) -> str:
    return range_ref(cells[0], cells[-1], on) if len(cells) > 1 else cells[0].ref_from(on)


def _all_blank(refs: list[str]) -> str:
    """A long text is blank when its cell and every continuation cell are (layout.longtext)."""
    return _blank(refs[0]) if len(refs) == 1 else "AND(" + ",".join(_blank(r) for r in refs) + ")"


def _blank(ref: str) -> str:
    return f"LEN(TRIM({ref}))=0"


def items(b: _Builder, calc: Calc, on: str) -> list[tuple[str, list[Item]]]:
    t = b.t
    layout_inputs = b.inputs

    def status_range(names: list[str]) -> str:
        return _rng([calc.status(n) for n in names], on)

    complete: list[Item] = []
    for key, f in t.fields.items():
        if not f.required or t.unit_table_of(key) is not None:
            continue
        # every copy of a repeated sheet has its own cell (项目1!project.name, 项目2!…)
        names = [n for n, inp in layout_inputs.items() if inp.table is None and unscoped(n) == key]
        if not names:
            continue
        tests = [f"--({calc.status(n).ref_from(on)}={BIT_BLANK})" if n in calc.row_of
                 else f"--({_all_blank([layout_inputs[p].cell.ref_from(on) for p in (n, *b.continuations.get(n, ()))])})"
                 for n in names]
        complete.append(Item(key, f.label, "error", "必填，不能为空", location(t, [layout_inputs[n].cell for n in names]),
                             "+".join(tests)))
    only_total: list[str] = []
    for key, ut in t.unit_tables.items():
        total, units = unit_table_cells(t, b.units, key)
        m, n = len(total), len(units)
        bt = f"COUNTIF({status_range(total)},{BIT_BLANK})"
        if n:
            bu = f"COUNTIF({status_range(units)},{BIT_BLANK})"
            only_total.append(f"AND({bu}={n},{bt}<{m})")
            count = f"IF({bt}+{bu}={m + n},1,{bt}+IF(AND({bu}={n},{bt}<{m}),0,{bu}))"
        else:
            count = f"IF({bt}={m},1,{bt})"
        complete.append(Item(key, ut.label, "error", "每个金额都须填写（没有发生的填 0）",
                             location(t, [layout_inputs[total[0]].cell]), count))
    if only_total:
        first = layout_inputs[unit_table_cells(t, b.units, next(iter(t.unit_tables)))[1][0]].cell
        complete.append(Item(UNITS_ONLY_TOTAL, "各单位的数据", "error", "有多个核算单位时须按单位分别填写，不能只填部门合计",
                             location(t, [first]), f"IF(OR({','.join(only_total)}),1,0)"))
    for key, table in t.tables.items():
        if not table.min_rows and not table.required_columns:
            continue
        parts = []
        areas = [(k, a) for k, a in b.tables.items() if unscoped(k) == key]  # one per copy of its sheet
        for area_key, area in areas:
            cols = {c.key: _rng([area.cell(1, c.key), area.cell(table.rows, c.key)], on) for c in table.columns}
            filled = "((" + "+".join(f"LEN(TRIM({r}))" for r in cols.values()) + ")>0)"
            if table.min_rows:
                parts.append(f"IF(SUMPRODUCT(--{filled})<{table.min_rows},1,0)")
            for c in table.required_columns:
                extra = ""
                if area_key in calc.levels and c.key in table.hierarchy_columns:
                    col = E1 if c.key == table.hierarchy_columns[0] else E2
                    top = calc.levels[area_key]
                    extra = f"*({range_ref(Cell(CALC_SHEET, top + 1, col), Cell(CALC_SHEET, top + table.rows, col), on)}=\"\")"
                parts.append(f"SUMPRODUCT({filled}*({_blank(cols[c.key])}){extra})")
        if not areas:
            continue
        need = "、".join(c.label for c in table.required_columns)
        what = (f"至少填写 {table.min_rows} 行；" if table.min_rows else "") + (f"已填的行须填写{need}" if need else "")
        firsts = [area.cell(1, table.columns[0].key) for _k, area in areas]
        complete.append(Item(key, table.label, "error", what, location(t, firsts), "+".join(parts)))

    fmt: list[Item] = []
    all_status = _rng([Cell(CALC_SHEET, 0, S), Cell(CALC_SHEET, max(calc.row_of.values(), default=0), S)], on)
    for code, bit in BITS.items():
        fmt.append(Item(code, CODES[code].title, CODES[code].severity or "error", CODES[code].title + "（数值单元格）",
                        "各数值单元格", f"SUMPRODUCT(MOD(INT({all_status}/{bit}),2))"))
    fmt.append(Item("invalid-choice", CODES["invalid-choice"].title, "error", "下拉选项之外的内容，或二级指标不属于所选一级指标",
                    "各下拉单元格", "+".join(_choice_counts(b, calc, on)) or "0"))

    rules: list[Item] = []
    by_rule: dict[str, list[Instance]] = {}
    for inst in b.instances:
        by_rule.setdefault(inst.rule.id, []).append(inst)
    for rule in t.rules:
        insts = by_rule.get(rule.id, [])
        if insts:
            at = location(t, [i.check for i in insts])
            count = "+".join(f'SUMPRODUCT(--(LEFT({rng},1)="✘"))' for rng in _runs(insts, on))
        else:
            at, count = "（仅多单位时适用）", "0"
        rules.append(Item(rule.id, rule.name or rule.id, rule.severity, rule.title, at, count))

    after = [Item(code, CODES[code].title, CODES[code].severity or "warning", AFTER, "—", None)
             for code in t.after_submission]
    return list(zip(SECTIONS, (complete, fmt, rules, after), strict=True))


def _choice_counts(b: _Builder, calc: Calc, on: str) -> list[str]:
    """Filled choice cells outside their list (choices or keys), and children not under their parent."""
    groups: dict[tuple[str | None, str | None, str], list[Cell]] = {}
    fields = {}
    for inp in b.inputs.values():
        if inp.field.type == "choice":  # one contiguous range per column (per copy of a repeated sheet)
            groups.setdefault((inp.scope, inp.table, inp.field.key), []).append(inp.cell)
            fields[(inp.scope, inp.table, inp.field.key)] = inp.field
    out = []
    for gk, cells in groups.items():
        f = fields[gk]
        rng = _rng(sorted(cells), on)
        ok = array(f.choices + f.choice_keys)
        out.append(f"SUMPRODUCT((LEN(TRIM({rng}))>0)*ISNA(MATCH(TRIM({rng}),{ok},0)))")
    for key, top in calc.levels.items():
        table = b.t.tables[unscoped(key)]
        area = b.tables[key]
        child = table.hierarchy_columns[1]
        kids = _rng([area.cell(1, child), area.cell(table.rows, child)], on)
        e1 = range_ref(Cell(CALC_SHEET, top + 1, E1), Cell(CALC_SHEET, top + table.rows, E1), on)
        pairs = array(tuple(f"{p}|{c}" for p, cs in table.hierarchy.items() for c in cs))
        out.append(f"SUMPRODUCT(ISNUMBER(MATCH(TRIM({kids}),{array(table.column(child).choices)},0))"
                   f"*ISNUMBER(MATCH({e1},{array(tuple(table.hierarchy))},0))*ISNA(MATCH({e1}&\"|\"&TRIM({kids}),{pairs},0)))")
    return out


def _runs(insts: list[Instance], from_sheet: str) -> list[str]:
    """Check cells as contiguous column or row ranges, for SUMPRODUCT."""
    cells = sorted(i.check for i in insts)
    runs: list[tuple[Cell, Cell]] = []
    for c in cells:
        if runs and runs[-1][1].sheet == c.sheet and runs[-1][1].col == c.col and runs[-1][1].row + 1 == c.row \
                and runs[-1][0].col == c.col:
            runs[-1] = (runs[-1][0], c)
        elif runs and runs[-1][1].sheet == c.sheet and runs[-1][1].row == c.row and runs[-1][1].col + 1 == c.col \
                and runs[-1][0].row == c.row:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    return [range_ref(a, b, from_sheet) for a, b in runs]


def place(b: _Builder, sheet: SheetLayout, row: int, calc: Calc) -> None:
    """Write the sheet: the two totals, then a header and one row per item, by section."""
    on = sheet.name
    b.static(sheet, row, 0, "错误（✘ 处数）", "label")
    b.static(sheet, row + 1, 0, "警告（✘ 处数）", "label")
    top = row + 3
    for c, h in enumerate(HEADERS):
        b.static(sheet, top, c, h, "header")
    sheet.repeat_rows = (top, top)
    # On paper the counts only: the item list (some 80 rows, every one ✘ on a blank form) is for
    # the screen, and would add four pages to the printed form.
    sheet.printed_rows = top
    sheet.hidden_cols.extend([KEY_COL, COUNT_COL])
    r = top + 1
    first = r
    for title, group in items(b, calc, on):
        b.static(sheet, r, 0, title, "section", span=5)
        sheet.heights[r] = 22
        r += 1
        for it in group:
            b.static(sheet, r, 0, it.name, "result_id")
            b.static(sheet, r, 1, SEVERITY_ZH.get(it.severity, it.severity), "result_text")
            b.static(sheet, r, 2, it.what, "result_text")
            b.static(sheet, r, 3, it.where, "result_text")
            b.static(sheet, r, KEY_COL, it.key, "list")
            if it.count is None:
                b.static(sheet, r, 4, "报送后审核", "result_text")
            else:
                count = Cell(on, r, COUNT_COL)
                b.formulas.append(FormulaCell(count, it.count, "result_count", "list", rule=it.key))
                n = count.absolute
                b.formulas.append(FormulaCell(Cell(on, r, 4), f'IF({n}>0,"✘ "&{n}&" 处","✔")', "result", "check",
                                              rule=it.key))
            sheet.heights[r] = 30
            r += 1
    sev = range_ref(Cell(on, first, 1), Cell(on, r - 1, 1), on)
    counts = range_ref(Cell(on, first, COUNT_COL), Cell(on, r - 1, COUNT_COL), on)
    for k, zh in enumerate(("错误", "警告")):
        b.formulas.append(FormulaCell(Cell(on, row + k, 1), f'SUMIF({sev},"{zh}",{counts})', "count", "count"))
    sheet.rows = r
