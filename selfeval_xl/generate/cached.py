"""Cached results of every formula: what the program itself says about the written values.

XlsxWriter stores whatever result we pass; readers that do not recalculate (and Excel's
Protected View) show it. The live checks and the 审核结果 counts are the checker's own view
(check.run.form_views, the same typed values and rule evaluation), and the helper sheet's
cells follow model.numtext: so a recalculating engine must arrive at exactly these values — the
test that compares them is the test that the form and the program agree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from selfeval_xl.check.context import Context
from selfeval_xl.check.run import form_views
from selfeval_xl.layout.calc import (
    BIT_BLANK,
    BIT_NAN,
    BIT_NEG,
    BIT_PREC,
    BIT_TEXT,
    CALC_SHEET,
    E1,
    E2,
    D,
    R,
    S,
    T,
    U,
    V,
    negative_checked,
    precision_checked,
)
from selfeval_xl.layout.cells import Cell, parse_a1
from selfeval_xl.layout.memo import per_layout
from selfeval_xl.layout.results import item_key
from selfeval_xl.layout.types import FormulaCell, Layout
from selfeval_xl.model.excel_date import to_serial
from selfeval_xl.model.money import decimals_of, plain
from selfeval_xl.model.numtext import DASHES, LIMIT, asc_trim, leftover, number_text, stripped
from selfeval_xl.model.spec import Field, split_scope, unscoped
from selfeval_xl.rules.evaluate import evaluate, live_text
from selfeval_xl.rules.parse import Expr, refs, rename

_FIRST_REF = re.compile(r"^IF\((?:'((?:[^']|'')+)'!)?\$([A-Z]+)\$(\d+)=")
NA = "#N/A"


def excel_text(v: Any) -> str:
    """A value as Excel's & operator renders it."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int | Decimal | float):
        return plain(v)
    if isinstance(v, datetime | date):
        return str(to_serial(v))
    return str(v)


def _num(d: Decimal) -> float | int:
    return int(d) if d == d.to_integral_value() else float(d)


def helper_values(layout: Layout, f: Field, raw: Any) -> dict[int, Any]:
    """T, U, D, R, V and S of layout.calc for one written value."""
    t = u = d = ""
    text = isinstance(raw, str)
    n: Decimal | None
    if raw is None or raw == "" or (text and not asc_trim(raw)):
        return {T: "", U: "", D: "", R: "", V: "", S: BIT_BLANK}
    if isinstance(raw, str):
        t = asc_trim(raw)
        u = stripped(t, f.type)
        d = leftover(u)
        n = Decimal(0) if t in DASHES else number_text(raw, f.type)
    elif isinstance(raw, datetime | date):
        n = Decimal(to_serial(raw))
    else:
        n = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    if n is None:
        return {T: t, U: u, D: d, R: NA, V: NA, S: BIT_NAN}
    if abs(n) >= LIMIT or (f.type == "integer" and n != n.to_integral_value()):
        return {T: t, U: u, D: d, R: _num(n), V: NA, S: BIT_NAN}
    return {T: t, U: u, D: d, R: _num(n), V: _num(n), S: _bits(layout, f, n, text)}


def _bits(layout: Layout, f: Field, n: Decimal, text: bool) -> int:
    bits = BIT_TEXT if text else 0
    if negative_checked(layout.template, f) and n < 0:
        bits |= BIT_NEG
    if precision_checked(f) and decimals_of(n) > f.decimals:
        bits |= BIT_PREC
    return bits


def _levels(layout: Layout, values: Mapping[str, Any], out: dict[Cell, Any]) -> None:
    calc = layout.calc
    for key, top in calc.levels.items():
        table = layout.template.tables[unscoped(key)]
        parent, child = table.hierarchy_columns
        p_ok, c_ok = table.column(parent).choices, table.column(child).choices
        e1 = e2 = ""
        for i in range(1, table.rows + 1):
            a = asc_trim_text(values.get(f"{key}[{i}].{parent}"))
            b = asc_trim_text(values.get(f"{key}[{i}].{child}"))
            if a in p_ok:
                e1, e2 = a, (b if b in c_ok else "")
            elif b in c_ok:
                e2 = b
            out[Cell(CALC_SHEET, top + i, E1)] = e1
            out[Cell(CALC_SHEET, top + i, E2)] = e2


def asc_trim_text(v: Any) -> str:
    """Excel's TRIM(cell) for a text cell (the choices are compared without ASC)."""
    if not isinstance(v, str):
        return "" if v is None else excel_text(v)
    return " ".join(p for p in v.split(" ") if p)


def cached_values(layout: Layout, values: Mapping[str, Any]) -> dict[Cell, Any]:
    """Cell → cached result for every formula of `layout`, given the written input values."""
    t = layout.template
    out: dict[Cell, Any] = {}
    calc = layout.calc
    for name, row in calc.row_of.items():
        for col, v in helper_values(layout, layout.inputs[name].field, values.get(name)).items():
            out[Cell(CALC_SHEET, row, col)] = v
    _levels(layout, values, out)
    views = dict(form_views(t, layout.units, layout.copies, dict(values)))
    counts = Counter(k for ctx in views.values() for f in ctx.findings if (k := item_key(t, f)) is not None)
    by_cell = _names_by_cell(layout)
    sev: dict[str, int] = Counter()
    for f in layout.formulas:
        if f.kind == "check" and f.instance is not None:
            out[f.cell] = _check_text(layout, f.instance, views)
        elif f.kind == "title":
            out[f.cell] = _title(layout, values)
        elif f.kind == "unit_name":
            out[f.cell] = _unit_name(f, by_cell, values)
        elif f.kind == "footer":
            out[f.cell] = _footer(layout, f, values)
        elif f.kind == "computed" and f.name is not None:
            out[f.cell] = _computed(views, f.name)
        elif f.kind == "result_count" and f.rule is not None:
            out[f.cell] = counts.get(f.rule, 0)
        elif f.kind == "result" and f.rule is not None:
            n = counts.get(f.rule, 0)
            out[f.cell] = f"✘ {n} 处" if n else "✔"
    severity = _item_severities(layout)
    for key, n in counts.items():
        sev[severity.get(key, "")] += n
    for f in layout.formulas:
        if f.kind == "count":
            out[f.cell] = sev["错误" if '"错误"' in f.formula else "警告"]
    return out


def computed_results(layout: Layout, values: Mapping[str, Any]) -> dict[str, Any]:
    """Computed input → what its formula shows for these written values (执行率, 参考得分)."""
    views = dict(form_views(layout.template, layout.units, layout.copies, dict(values)))
    return {name: _computed(views, name) for name in layout.computed}


def _computed(views: dict[str | None, Context], name: str) -> Any:
    scope, base = split_scope(name)
    v = _view(views, scope).env_values.get(base)
    return "" if v is None or isinstance(v, str) else (_num(v) if isinstance(v, Decimal) else v)


def _view(views: dict[str | None, Context], scope: str | None) -> Context:
    """The checker's view a name belongs to (a project sheet's, or the only one)."""
    return views[scope] if scope in views else next(iter(views.values()))


@per_layout
def _names_by_cell(layout: Layout) -> dict[Cell, str]:
    return {inp.cell: name for name, inp in layout.inputs.items()}


@per_layout
def _item_severities(layout: Layout) -> dict[str, str]:
    """Item key → 错误/警告, as the 审核结果 sheet's severity column says."""
    out = {}
    rows = {st.cell.row: st for st in layout.statics if st.cell.sheet == layout.results_sheet and st.cell.col == 1}
    keys = {st.cell.row: st.text for st in layout.statics if st.cell.sheet == layout.results_sheet and st.cell.col == 5}
    for r, key in keys.items():
        if r in rows:
            out[key] = rows[r].text
    return out


@dataclass(frozen=True)
class _LiveCheck:
    """A check instance as the checker's view names it (scope dropped), prepared once per layout."""

    scope: str
    expr: Expr
    when: Expr | None
    names: tuple[str, ...]  # what it reads, in order
    rows: tuple[int, ...]  # per name: the rows of its table when it names a column, else 0
    chained: bool


@per_layout
def _live_checks(layout: Layout) -> list[_LiveCheck]:
    out = []
    for inst in layout.instances:
        names = refs(inst.expr) + (refs(inst.when) if inst.when is not None else [])
        mapping = {n: unscoped(n) for n in names}
        expr = rename(inst.expr, mapping)
        when = rename(inst.when, mapping) if inst.when is not None else None
        used = tuple(refs(expr))
        tables = layout.template.tables
        rows = tuple(tables[n.partition(".")[0]].rows if n.partition(".")[0] in tables else 0 for n in used)
        out.append(_LiveCheck(inst.check.sheet, expr, when, used, rows, len(getattr(expr, "ops", ())) > 1))
    return out


def _check_text(layout: Layout, index: int, views: dict[str | None, Context]) -> str:
    """The live check as the checker sees it: skipped ("—") when a value it reads is unusable.
    On a project sheet the instance is evaluated in that sheet's view (names unscoped)."""
    live = _live_checks(layout)[index]
    ctx = _view(views, live.scope if live.scope in views else None)
    for n, rows in zip(live.names, live.rows, strict=True):
        if n in ctx.plan.by_name:
            if n in ctx.bad:
                return "—"
            continue
        table, _, col = n.partition(".")
        if any(f"{table}[{i}].{col}" in ctx.bad for i in range(1, rows + 1)):
            return "—"
    inst = layout.instances[index]
    return live_text(evaluate(live.expr, ctx.env, needs=inst.rule.needs, when=live.when), live.chained)


def _title(layout: Layout, values: Mapping[str, Any]) -> str:
    """The title formula's result: the first field as is, the others four spaces when blank."""
    suffix = layout.template.texts.get("report_title_suffix", layout.template.title)
    keys = layout.title_fields
    parts = [excel_text(values.get(keys[0]))] if keys else []
    for k in keys[1:]:
        v = values.get(k)
        parts.append("    " if v is None or v == "" else excel_text(v))
    return "".join(parts) + suffix


def _unit_name(f: FormulaCell, by_cell: dict[Cell, str], values: Mapping[str, Any]) -> Any:
    m = _FIRST_REF.match(f.formula)
    if not m:
        return ""
    sheet = m.group(1).replace("''", "'") if m.group(1) else f.cell.sheet
    row, col = parse_a1(m.group(2) + m.group(3))
    v = values.get(by_cell.get(Cell(sheet, row, col), ""))
    if v is None or v == "":
        return ""
    if isinstance(v, Decimal):
        return float(v)
    return v


def _footer(layout: Layout, f: FormulaCell, values: Mapping[str, Any]) -> float | int:
    """SUM over the typed cells: numbers only (text is skipped, as SUM does)."""
    for key, area in layout.tables.items():
        if area.sheet != f.cell.sheet or area.footer_row != f.cell.row:
            continue
        for col, c in area.columns.items():
            if c == f.cell.col:
                nums = [values.get(f"{key}[{i}].{col}") for i in range(1, area.rows + 1)]
                total = sum((Decimal(repr(v)) if isinstance(v, float) else Decimal(v) for v in nums
                             if isinstance(v, int | float | Decimal) and not isinstance(v, bool)), Decimal(0))
                return _num(total)
    return 0
