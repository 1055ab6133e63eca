"""Why: a quantitative indicator (数量/时效/成本) answered only in words ("完成", "良好",
"按时按质完成任务") says nothing measurable; the bureau needs the actual value."""

from __future__ import annotations

import re
from collections.abc import Iterator

from selfeval_xl.check.checks.common import at, shown
from selfeval_xl.check.checks.hierarchy import effective_levels
from selfeval_xl.check.context import Context
from selfeval_xl.model.findings import Finding

# a figure, a Chinese count with its measure word, or a time bound
FIGURE = re.compile(r"[0-9０-９]|[一二两三四五六七八九十百千万]+\s*[个项次件条人家期篇场天日周月年元台套份名户所座处]"
                    r"|百分之|年底|年内|年初|月底|月内|季度|上半年|下半年|当[日天月年]|当天|即时|实时")


def has_figure(text: str) -> bool:
    return FIGURE.search(text) is not None


def check_qualitative(ctx: Context) -> Iterator[Finding]:
    for key, table in ctx.template.tables.items():
        if not table.quantitative_level2:
            continue
        for row, _level1, level2 in effective_levels(ctx, key):
            actual = row.get("actual")
            if level2 not in table.quantitative_level2 or not isinstance(actual, str) or not actual:
                continue
            if not has_figure(actual):
                p = ctx.plan.by_name[f"{key}[{row['_row']}].actual"]
                what = row.get("level3") or row.get("target") or level2
                yield at(p, "qualitative-answer", label=f"{level2}·{what}（第{row['_row']}行）", value=shown(actual))
