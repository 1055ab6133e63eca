"""Step 2 of the pipeline: every raw input coerced to its field type, and the filled table rows.

Why: checks and rules work on typed values only; the coercion problems are kept as data so the
`check_coercion` check can report them with labels that may depend on other values (unit names).
"""

from __future__ import annotations

from typing import Any

from selfeval_xl.check.coerce import Coerced, coerce
from selfeval_xl.check.plan import InputPlan, Plan


def read_values(plan: Plan, raw: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[InputPlan, Coerced]]]:
    """Typed values by input name (None for blank; raw text kept for unusable ones) and problems."""
    typed: dict[str, Any] = {}
    problems: list[tuple[InputPlan, Coerced]] = []
    get = raw.get
    for p in plan.inputs:
        r = get(p.name)
        if r is None or r == "":
            typed[p.name] = None
            continue
        c = coerce(p.field, r)
        if c.bad:
            # keep the text: the evaluator skips a rule on a str in a numeric field
            typed[p.name] = c.value if c.value is not None else (r if isinstance(r, str) else str(r))
        else:
            typed[p.name] = c.value
        if c.problem is not None:
            problems.append((p, c))
    return typed, problems


def filled_rows(plan: Plan, typed: dict[str, Any], bad: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Rows with at least one filled cell, as {column: typed value, "_row": i} (unusable → None)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for table, rows in plan.tables.items():
        kept = []
        for i, cells in enumerate(rows, start=1):
            if all(typed.get(c.name) is None for c in cells):
                continue
            row: dict[str, Any] = {"_row": i}
            for c in cells:
                row[c.field.key] = None if c.name in bad else typed.get(c.name)
            kept.append(row)
        out[table] = kept
    return out
