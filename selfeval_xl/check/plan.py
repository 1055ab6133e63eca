"""Everything the checker derives from (template, units) alone, computed once and cached.

Why: a batch checks hundreds of files of the same template; per file we only want to touch the
values, never rebuild lookups, labels, rule reference lists or regexes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from selfeval_xl.layout import Cell, Layout, build_layout
from selfeval_xl.layout.types import InputCell, Instance
from selfeval_xl.model.spec import Field, Template, scoped, split_scope
from selfeval_xl.rules.parse import refs

UNIT_NAME = "units.name"


@dataclass(frozen=True)
class InputPlan:
    """One input cell with what the checks need to report on it."""

    name: str
    field: Field
    sheet: str
    cell: str  # A1
    label: str  # base label (unit suffixes are added at report time: unit names are values)
    table: str | None = None
    row: int | None = None
    unit: int | None = None  # 1..N for `.uN` keys, 0 for the 部门合计 row with several units


@dataclass(frozen=True)
class InstancePlan:
    """A rule instance with its references split into scalars and columns, for a cheap skip test."""

    inst: Instance
    scalars: tuple[str, ...]
    columns: tuple[tuple[str, ...], ...]  # each column as the tuple of its cell names
    required: tuple[str, ...]  # required scalars: a blank one skips the rule (its required-missing says it)
    sheet: str
    cell: str
    field: str


@dataclass(frozen=True, eq=False)
class Plan:
    template: Template
    layout: Layout
    inputs: tuple[InputPlan, ...]
    by_name: dict[str, InputPlan]
    scalars: tuple[InputPlan, ...]
    tables: dict[str, tuple[tuple[InputPlan, ...], ...]]  # table → rows → cells in column order
    instances: tuple[InstancePlan, ...]
    warning_rules: frozenset[str]
    order: dict[str, int]  # input name → position in layout order (stable finding order)
    blank_rows: dict[str, dict[str, None]]  # table → {column: None} in column order


def _unit_of(name: str) -> tuple[str, int | None]:
    base, dot, last = name.rpartition(".")
    if dot and last.startswith("u") and last[1:].isdigit():
        return base, int(last[1:])
    return name, None


def _input_plan(t: Template, units: int, inp: InputCell) -> InputPlan:
    f = inp.field
    if inp.table is not None:
        col = t.tables[inp.table].column(f.key.split(".", 1)[1])
        return InputPlan(inp.name, col, inp.cell.sheet, inp.cell.a1, f"{col.label}（第{inp.row}行）",
                         inp.table, inp.row)
    base, unit = _unit_of(inp.name)
    if base == UNIT_NAME:
        return InputPlan(inp.name, f, inp.cell.sheet, inp.cell.a1, f"机构名称（第{unit}个单位）", unit=unit)
    if unit is None and units > 1 and t.unit_table_of(base) is not None:
        unit = 0
    return InputPlan(inp.name, f, inp.cell.sheet, inp.cell.a1, f.label, unit=unit)


def _anchor_cell(layout: Layout, inst: Instance) -> tuple[str, str]:
    if inst.anchor in layout.inputs:
        c = layout.inputs[inst.anchor].cell
        return c.sheet, c.a1
    # a column anchor (sum(indicators.weight)): the table's 合计 row under that column
    table, _, col = inst.anchor.partition(".")
    area = layout.tables[table]
    row = area.footer_row if area.footer_row is not None else area.first_row
    c = Cell(area.sheet, row, area.columns[col])
    return c.sheet, c.a1


@lru_cache(maxsize=64)
def plan_for(t: Template, units: int, copies: int = 1) -> Plan:
    """The checker's plan; for a template with a repeated sheet, `copies=0` gives the view of
    one copy with names as in the spec (each project sheet is checked through it)."""
    layout = build_layout(t, units, copies)
    # a long text's continuation cells are read into its first cell's value (layout.longtext)
    inputs = tuple(_input_plan(t, units, inp) for inp in layout.inputs.values() if inp.part_of is None)
    by_name = {p.name: p for p in inputs}
    tables: dict[str, list[list[InputPlan]]] = {}
    for p in inputs:
        if p.table is not None:
            rows = tables.setdefault(p.table, [[] for _ in range(t.tables[p.table].rows)])
            rows[p.row - 1].append(p)  # type: ignore[operator]
    instances = []
    for inst in layout.instances:
        names = refs(inst.expr)  # exactly what the evaluator's blank test looks at
        scalars = tuple(n for n in names if n in layout.inputs)
        columns = []
        for n in names:
            if n not in layout.inputs:
                scope, base = split_scope(n)  # a project sheet's column: 项目2!<table>.<column>
                table, _, col = base.partition(".")
                columns.append(tuple(scoped(scope, f"{table}[{i}].{col}") for i in range(1, t.tables[table].rows + 1)))
        sheet, cell = _anchor_cell(layout, inst)
        required = tuple(n for n in scalars if layout.inputs[n].field.required)
        instances.append(InstancePlan(inst, scalars, tuple(columns), required, sheet, cell, inst.anchor))
    return Plan(
        template=t, layout=layout, inputs=inputs, by_name=by_name,
        scalars=tuple(p for p in inputs if p.table is None),
        tables={k: tuple(tuple(r) for r in v) for k, v in tables.items()},
        instances=tuple(instances),
        warning_rules=frozenset(r.id for r in t.rules if r.severity == "warning"),
        order={p.name: i for i, p in enumerate(inputs)},
        blank_rows={k: dict.fromkeys(c.key for c in t.tables[k].columns) for k in tables},
    )
