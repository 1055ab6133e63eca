"""Why: a value that is not of its field's type (text in an amount, a non-date, an unknown
choice, an implausible phone) must be reported at its cell, not silently read as 0 or dropped."""

from __future__ import annotations

from collections.abc import Iterator

from selfeval_xl.check.checks.common import at, shown
from selfeval_xl.check.context import Context
from selfeval_xl.model.findings import Finding


def check_coercion(ctx: Context) -> Iterator[Finding]:
    for p, c in ctx.problems:
        label = ctx.label(p.name)
        raw = ctx.snapshot.raw.get(p.name)
        if c.problem == "text-number":
            yield at(p, "text-number", label=label, value=shown(raw), number=c.number,
                     args={"reported": shown(raw), "computed": c.number or ""})
        elif c.problem == "invalid-choice":
            yield at(p, "invalid-choice", label=label, value=shown(raw), choices="、".join(p.field.choices))
        elif c.problem is not None:
            yield at(p, c.problem, label=label, value=shown(raw))
