"""Why: a figure stated in the narrative that contradicts the tables (人员经费43.4万元 vs
人员支出 42.26) is exactly the error published reports carry; warn at the narrative cell."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from selfeval_xl.check.checks.common import at
from selfeval_xl.check.context import Context
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.money import half_unit
from selfeval_xl.narrative import TableValue, mismatches, vocabulary


def _lookup(ctx: Context) -> Callable[[str], TableValue | None]:
    def lookup(key: str) -> TableValue | None:
        v = ctx.value(key)
        if key in ctx.bad or isinstance(v, bool) or not isinstance(v, (int, Decimal)):
            return None
        p = ctx.plan.by_name[key]
        half = half_unit(p.field.decimals) if p.field.type == "money" else Decimal(0)
        return TableValue(Decimal(v), half, ctx.label(key), p.sheet, p.cell, p.field.decimals)
    return lookup


def check_narrative(ctx: Context) -> Iterator[Finding]:
    vocab = vocabulary(ctx.template)
    year = ctx.value(ctx.template.identity.year)
    year = year if isinstance(year, int) else None
    lookup = _lookup(ctx)
    seen: set[tuple[str, Decimal]] = set()
    # amounts already reported as typed in 元 (implausible-amount): one slip, one message
    scaled = {k for f in ctx.findings if f.code == "implausible-amount" for k in f.args.get("fields", "").split(",")}
    for p in ctx.filled:
        if p.field.type != "longtext" or p.table is not None:
            continue
        text = ctx.value(p.name)
        if not isinstance(text, str) or not text:
            continue
        for m in mismatches(text, vocab, lookup, year, seen):
            if m.args.get("table_field") in scaled:
                continue
            yield at(p, "narrative-mismatch", args=m.args, detail=m.detail)
