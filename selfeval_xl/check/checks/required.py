"""Why: a report without its department name, year, contact, score or grade cannot be filed;
and a self-evaluation with no 定量指标 row at all is an empty form, not a report."""

from __future__ import annotations

from collections.abc import Iterator

from selfeval_xl.check.checks.common import at
from selfeval_xl.check.context import Context
from selfeval_xl.check.plan import REQUIRED_TABLES
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding


def check_required(ctx: Context) -> Iterator[Finding]:
    for p in ctx.plan.scalars:
        if p.field.required and ctx.value(p.name) is None:
            yield at(p, "required-missing", label=ctx.label(p.name))
    for table in REQUIRED_TABLES:
        if table in ctx.plan.tables and not ctx.rows.get(table):
            first = ctx.plan.tables[table][0][0]
            yield codes.make("required-missing", sheet=first.sheet, cell=first.cell, field=table,
                             label=ctx.template.tables[table].label)
