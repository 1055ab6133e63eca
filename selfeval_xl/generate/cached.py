"""Cached results of every formula, computed from the same spec as the formulas themselves.

XlsxWriter stores whatever result we pass; readers that do not recalculate (and Excel's
Protected View) show it. Checks use rules.evaluate + live_text; where a cell holds text in a
numeric field, the values follow Excel's semantics (SUM/COUNT skip text, arithmetic on text
is an error shown as "✘ 非数值").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from selfeval_xl.layout.cells import Cell, parse_a1
from selfeval_xl.layout.types import FormulaCell, Layout
from selfeval_xl.model.excel_date import to_serial
from selfeval_xl.model.money import plain
from selfeval_xl.model.spec import scoped, split_scope
from selfeval_xl.rules.env import ValuesEnv
from selfeval_xl.rules.evaluate import computed_values as evaluate_computed
from selfeval_xl.rules.evaluate import evaluate, live_text, skipped
from selfeval_xl.rules.parse import refs

NUMERIC = ("integer", "money", "number")
_FIRST_REF = re.compile(r"^IF\((?:'((?:[^']|'')+)'!)?\$([A-Z]+)\$(\d+)=")


def typed_value(ftype: str, value: Any) -> Any:
    """A written value as the rules see it: Decimal for numbers, str for text, None for blank."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value)
    if ftype in NUMERIC:
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, float):
            return Decimal(repr(value))
    return value


def numeric_text(value: Any) -> Decimal | None:
    """Excel converts a number typed as text ("96") in arithmetic; "96万元" stays an error."""
    if not isinstance(value, str):
        return None
    try:
        d = Decimal(value.strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


class _ExcelEnv(ValuesEnv):
    """Excel's view: numeric text converts in arithmetic, columns keep numbers only (SUM/COUNT)."""

    def value(self, name: str) -> Any:
        v = self.values.get(name)
        n = numeric_text(v)
        if n is not None and self.precision(name) is not None:
            return n
        return v

    def column(self, name: str) -> list[Any]:
        return [v if isinstance(v, Decimal | int) else None for v in super().column(name)]


def check_text(layout: Layout, index: int, env: ValuesEnv, xenv: _ExcelEnv) -> str:
    inst = layout.instances[index]
    chained = len(getattr(inst.expr, "ops", ())) > 1
    names = refs(inst.expr) + (refs(inst.when) if inst.when is not None else [])
    texty = any(_has_text(env, n) for n in names)
    if not texty:
        return live_text(evaluate(inst.expr, env, needs=inst.rule.needs, when=inst.when), chained)
    if inst.when is not None and evaluate(inst.when, xenv, needs="none").status != "ok":
        return "—"
    if inst.rule.needs != "none" and skipped(inst.expr, env, inst.rule.needs):
        return "—"
    for n in refs(inst.expr):
        if not env.is_column(n) and env.precision(n) is not None:
            v = xenv.value(n)
            if isinstance(v, str):
                return "✘ 非数值"
    return live_text(evaluate(inst.expr, xenv, needs="none"), chained)


def _has_text(env: ValuesEnv, name: str) -> bool:
    if env.precision(name) is None:
        return False
    vals = env.column(name) if env.is_column(name) else [env.value(name)]
    return any(isinstance(v, str) for v in vals)


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


def cached_values(layout: Layout, values: Mapping[str, Any]) -> dict[Cell, Any]:
    """Cell → cached result for every formula of `layout`, given the written input values."""
    typed = {name: typed_value(layout.inputs[name].field.type, v) for name, v in values.items()}
    typed.update(computed_values(layout, typed))
    env = ValuesEnv(layout.template, layout.inputs, typed)
    xenv = _ExcelEnv(layout.template, layout.inputs, typed)
    by_cell = {inp.cell: name for name, inp in layout.inputs.items()}
    out: dict[Cell, Any] = {}
    checks = _checks(layout, typed, env, xenv)
    for f in layout.formulas:
        if f.kind == "check" and f.instance is not None:
            out[f.cell] = checks[f.instance]
    for f in layout.formulas:
        if f.kind == "title":
            out[f.cell] = _title(layout, values)
        elif f.kind == "unit_name":
            out[f.cell] = _unit_name(f, by_cell, values)
        elif f.kind == "footer":
            out[f.cell] = _footer(layout, f, typed)
        elif f.kind == "computed" and f.name is not None:
            v = typed.get(f.name)
            out[f.cell] = "" if v is None else (_num(v) if isinstance(v, Decimal) else v)
    results: dict[str, str] = {}
    for f in layout.formulas:
        if f.kind == "result" and f.rule is not None:
            texts = [checks[i] for i, inst in enumerate(layout.instances) if inst.rule.id == f.rule]
            fails = sum(1 for t in texts if t.startswith("✘"))
            if fails:
                results[f.rule] = f"✘ {fails} 处"
            else:
                results[f.rule] = "✔" if any(t.startswith("✔") for t in texts) else "—"
            out[f.cell] = results[f.rule]
    severity = {r.id: r.severity for r in layout.template.rules}
    for f in layout.formulas:
        if f.kind == "count":
            sev = "error" if '="错误"' in f.formula else "warning"
            out[f.cell] = sum(1 for rid, t in results.items() if t.startswith("✘") and severity[rid] == sev)
    return out


def computed_values(layout: Layout, typed: Mapping[str, Any]) -> dict[str, Any]:
    """What each computed cell's formula shows for these inputs, as Excel computes it."""
    if not layout.computed:
        return {}
    values = dict(typed)
    return evaluate_computed(layout.computed, _ExcelEnv(layout.template, layout.inputs, values), values)


_MEMO: dict[tuple[Any, ...], dict[int, str]] = {}
_RULE_INPUTS: dict[int, tuple[Layout, tuple[str, ...]]] = {}


def _rule_inputs(layout: Layout) -> tuple[str, ...]:
    """Every input name a live check reads (table columns expanded to their cells)."""
    hit = _RULE_INPUTS.get(id(layout))
    if hit is not None and hit[0] is layout:
        return hit[1]
    names: set[str] = set()
    for inst in layout.instances:
        for n in refs(inst.expr) + (refs(inst.when) if inst.when is not None else []):
            if n in layout.inputs:
                names.add(n)
            else:
                scope, base = split_scope(n)
                table, _, col = base.partition(".")
                names.update(scoped(scope, f"{table}[{i}].{col}") for i in range(1, layout.template.tables[table].rows + 1))
    out = tuple(sorted(names))
    _RULE_INPUTS[id(layout)] = (layout, out)
    return out


def _checks(layout: Layout, typed: Mapping[str, Any], env: ValuesEnv, xenv: _ExcelEnv) -> dict[int, str]:
    """Live-check texts by instance; memoized on the values the checks read (roster mode
    writes hundreds of workbooks whose figures are all blank)."""
    t = layout.template
    key = (t.id, t.version, t.sha256, layout.units, layout.copies, tuple((n, typed.get(n)) for n in _rule_inputs(layout)))
    try:
        hit = _MEMO.get(key)
    except TypeError:  # an unhashable value: compute directly
        hit, key = None, None  # type: ignore[assignment]
    if hit is not None:
        return hit
    checks = {i: check_text(layout, i, env, xenv) for i in range(len(layout.instances))}
    if key is not None:
        if len(_MEMO) > 256:
            _MEMO.clear()
        _MEMO[key] = checks
    return checks


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


def _footer(layout: Layout, f: FormulaCell, typed: Mapping[str, Any]) -> float | int:
    for key, area in layout.tables.items():
        if area.sheet != f.cell.sheet or area.footer_row != f.cell.row:
            continue
        for col, c in area.columns.items():
            if c == f.cell.col:
                nums = [typed.get(f"{key}[{i}].{col}") for i in range(1, area.rows + 1)]
                total = sum((v for v in nums if isinstance(v, Decimal | int)), Decimal(0))
                return _num(total)
    return 0


def _num(d: Decimal) -> float | int:
    return int(d) if d == d.to_integral_value() else float(d)
