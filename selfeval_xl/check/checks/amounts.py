"""Why: amounts and counts below zero are always typing errors, and more decimals than the
field's precision (42.261 万元) mean a unit slip or an unrounded figure."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from selfeval_xl.check.checks.common import at
from selfeval_xl.check.context import Context
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.money import decimals_of


def _range_checked(ctx: Context) -> frozenset[str]:
    """Fields whose range a rule already checks (综合得分): no second finding for a negative."""
    return frozenset(r.anchor for r in ctx.template.rules if r.code == "score-out-of-range" and r.anchor)


def check_negative(ctx: Context) -> Iterator[Finding]:
    skip = _range_checked(ctx)
    zero = Decimal(0)
    for p in ctx.filled:
        f = p.field
        if not (f.type == "money" or (f.numeric and f.min is not None and f.min >= zero)):
            continue
        v = ctx.value(p.name)
        if isinstance(v, (int, Decimal)) and not isinstance(v, bool) and v < 0 and p.name not in skip:
            yield at(p, "negative-amount", label=ctx.label(p.name), value=f"{v:f}" if isinstance(v, Decimal) else v)


def check_precision(ctx: Context) -> Iterator[Finding]:
    for p in ctx.filled:
        f = p.field
        if f.type not in ("money", "number"):
            continue
        v = ctx.value(p.name)
        if isinstance(v, Decimal) and decimals_of(v) > f.decimals:
            yield at(p, "excess-precision", label=ctx.label(p.name), value=f"{v:f}", precision=f.decimals)
