"""Why: a return is complete only when every field the spec marks `required` is filled (0 is a
value, blank is not), every amount table is filled, each row table has its minimum rows and
every filled row its required cells. One mistake gives one message: a whole amount table left
blank is one finding, and so is a department that filled only the 部门合计 rows.

The form's 审核结果 sheet counts exactly these findings (layout.completeness), so the
department sees the same list live before sending the return.
"""

from __future__ import annotations

from collections.abc import Iterator

from selfeval_xl.check.checks.common import at
from selfeval_xl.check.checks.hierarchy import effective_levels
from selfeval_xl.check.context import Context
from selfeval_xl.layout.completeness import UNITS_ONLY_TOTAL, unit_table_cells
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding


def _blank(ctx: Context, name: str) -> bool:
    return ctx.value(name) is None


def unit_table_state(ctx: Context) -> tuple[set[str], set[str]]:
    """(tables left entirely blank, tables whose unit rows are all blank under a filled 部门合计)."""
    layout = ctx.plan.layout
    empty: set[str] = set()
    only_total: set[str] = set()
    for key in ctx.template.unit_tables:
        total, units = unit_table_cells(ctx.template, layout.units, key)
        total_blank = all(_blank(ctx, n) for n in total)
        units_blank = all(_blank(ctx, n) for n in units)
        if total_blank and units_blank:
            empty.add(key)
        elif units and units_blank:
            only_total.add(key)
    return empty, only_total


def check_required(ctx: Context) -> Iterator[Finding]:
    t = ctx.template
    empty, only_total = unit_table_state(ctx)
    announced: set[str] = set()
    for p in ctx.plan.scalars:
        if not p.field.required or not _blank(ctx, p.name):
            continue
        ut = t.unit_table_of(p.field.key)
        if ut is None:
            yield at(p, "required-missing", label=ctx.label(p.name))
        elif ut.key in empty:
            if ut.key not in announced:
                announced.add(ut.key)
                yield codes.make("required-missing", sheet=p.sheet, cell=p.cell, field=ut.key, label=ut.label)
        elif ut.key in only_total and p.unit:
            if UNITS_ONLY_TOTAL not in announced:
                announced.add(UNITS_ONLY_TOTAL)
                names = "、".join(t.unit_tables[k].label for k in t.unit_tables if k in only_total)
                yield codes.make("required-missing", sheet=p.sheet, cell=p.cell, field=UNITS_ONLY_TOTAL,
                                 label=f"各单位的数据（现只填写了部门合计：{names}）")
        else:
            yield at(p, "required-missing", label=ctx.label(p.name))
    for key, table in t.tables.items():
        rows = ctx.rows.get(key, [])
        # hierarchy columns are filled down as merged cells are: blank continues the row above
        inherited = {row["_row"]: dict(zip(table.hierarchy_columns, (l1, l2), strict=True))
                     for row, l1, l2 in effective_levels(ctx, key)} if table.hierarchy else {}
        if len(rows) < table.min_rows and key in ctx.plan.tables:
            first = ctx.plan.tables[key][len(rows)][0]
            yield codes.make("required-missing", sheet=first.sheet, cell=first.cell, field=key,
                             label=table.label if table.min_rows == 1 else f"{table.label}（至少 {table.min_rows} 行）")
        for row in rows:
            for col in table.required_columns:
                name = f"{key}[{row['_row']}].{col.key}"
                if _blank(ctx, name) and inherited.get(row["_row"], {}).get(col.key) is None:
                    yield at(ctx.plan.by_name[name], "required-missing", label=ctx.label(name))
