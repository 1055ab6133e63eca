"""Why: a 二级指标 must belong to its 一级指标 (数量指标 under 效益目标 is a wrong choice even
though both are valid words). A blank 一级/二级 inherits the row above, as merged cells do."""

from __future__ import annotations

from collections.abc import Iterator

from selfeval_xl.check.checks.common import at, shown
from selfeval_xl.check.context import Context
from selfeval_xl.model.findings import Finding


def effective_levels(ctx: Context, table: str) -> list[tuple[dict, str | None, str | None]]:
    """Each filled row with its 一级/二级 filled down from the rows above (merged-cell habit)."""
    out = []
    level1 = level2 = None
    for row in ctx.rows.get(table, []):
        if row.get("level1"):
            level1, level2 = row["level1"], None
        if row.get("level2"):
            level2 = row["level2"]
        out.append((row, level1, level2))
    return out


def check_hierarchy(ctx: Context) -> Iterator[Finding]:
    for key, table in ctx.template.tables.items():
        if not table.hierarchy:
            continue
        for row, level1, level2 in effective_levels(ctx, key):
            if not row.get("level2") or level1 is None or level1 not in table.hierarchy:
                continue
            allowed = table.hierarchy[level1]
            if level2 not in allowed:
                p = ctx.plan.by_name[f"{key}[{row['_row']}].level2"]
                yield at(p, "invalid-choice", label=f"{ctx.label(p.name)}（一级指标“{level1}”下）",
                         value=shown(level2), choices="、".join(allowed))
