"""Why: a 二级指标 must belong to its 一级指标 (数量指标 under 效益目标 is a wrong choice even
though both are valid words). The form's 二级 dropdown offers exactly the spec's hierarchy for
the 一级 chosen on the same row, and its live check counts the same rows as this check."""

from __future__ import annotations

from collections.abc import Iterator

from selfeval_xl.check.checks.common import at, shown
from selfeval_xl.check.context import Context
from selfeval_xl.model.findings import Finding


def effective_levels(ctx: Context, table: str) -> list[tuple[dict, str | None, str | None]]:
    """Each filled row with its 一级/二级 filled down from the rows above (merged-cell habit: the
    printed form merges them, so a blank 一级/二级 continues the row above; a new 一级 starts
    its own 二级)."""
    parent, child = ctx.template.tables[table].hierarchy_columns
    out = []
    level1 = level2 = None
    for row in ctx.rows.get(table, []):
        if row.get(parent):
            level1, level2 = row[parent], None
        if row.get(child):
            level2 = row[child]
        out.append((row, level1, level2))
    return out


def check_hierarchy(ctx: Context) -> Iterator[Finding]:
    """A row's own 二级 under its (filled-down) 一级; an unknown word is `invalid-choice` already
    and a missing 一级 `required-missing`: no second message."""
    for key, table in ctx.template.tables.items():
        if not table.hierarchy:
            continue
        parent, child = table.hierarchy_columns
        for row, level1, level2 in effective_levels(ctx, key):
            if not row.get(child) or level1 is None or level1 not in table.hierarchy:
                continue
            allowed = table.hierarchy[level1]
            if level2 not in allowed:
                p = ctx.plan.by_name[f"{key}[{row['_row']}].{child}"]
                yield at(p, "invalid-choice", label=f"{ctx.label(p.name)}（{table.column(parent).label}“{level1}”下）",
                         value=shown(level2), choices="、".join(allowed))
