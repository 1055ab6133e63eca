"""Why: amounts and counts below zero are always typing errors, and more decimals than the
field's precision (42.261 万元) mean a unit slip or an unrounded figure."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from selfeval_xl.check.checks.common import at
from selfeval_xl.check.context import Context
from selfeval_xl.layout.calc import negative_checked, precision_checked
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.money import decimals_of


def check_negative(ctx: Context) -> Iterator[Finding]:
    for p in ctx.filled:
        if not negative_checked(ctx.template, p.field):  # the form's helper sheet asks the same
            continue
        v = ctx.value(p.name)
        if isinstance(v, (int, Decimal)) and not isinstance(v, bool) and v < 0:
            yield at(p, "negative-amount", label=ctx.label(p.name), value=f"{v:f}" if isinstance(v, Decimal) else v)


def check_precision(ctx: Context) -> Iterator[Finding]:
    for p in ctx.filled:
        f = p.field
        if not precision_checked(f):
            continue
        v = ctx.value(p.name)
        if isinstance(v, Decimal) and decimals_of(v) > f.decimals:
            yield at(p, "excess-precision", label=ctx.label(p.name), value=f"{v:f}", precision=f.decimals)
