"""Step 2 of the pipeline: every raw input coerced to its field type, and the filled table rows.

Why: checks and rules work on typed values only; the coercion problems are kept as data so the
`check_coercion` check can report them with labels that may depend on other values (unit names).
Only filled inputs are stored (a missing name reads as blank): most of a workbook's ~400 inputs
are empty table rows, and per-file work must stay proportional to what was typed.
"""

from __future__ import annotations

from typing import Any

from selfeval_xl.check.coerce import Coerced, coerce
from selfeval_xl.check.plan import InputPlan, Plan
from selfeval_xl.layout.longtext import joined


def read_values(plan: Plan, raw: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[InputPlan, Coerced]]]:
    """Typed values of the filled inputs (raw text kept for unusable ones), and the problems."""
    typed: dict[str, Any] = {}
    problems: list[tuple[InputPlan, Coerced]] = []
    by_name = plan.by_name
    for name, r in joined(raw, plan.layout.continuations).items():
        if r is None or r == "":
            continue
        p = by_name.get(name)
        if p is None:  # not an input of this layout (the reader's extras)
            continue
        c = coerce(p.field, r)
        if c.bad:
            # keep the text: the evaluator skips a rule on a str in a numeric field
            typed[name] = c.value if c.value is not None else (r if isinstance(r, str) else str(r))
        elif c.value is not None:
            typed[name] = c.value
        if c.problem is not None:
            problems.append((p, c))
    problems.sort(key=lambda pc: plan.order[pc[0].name])
    return typed, problems


def filled_rows(plan: Plan, typed: dict[str, Any], bad: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Rows with at least one filled cell, as {column: typed value, "_row": i} (unusable → None)."""
    filled: dict[str, dict[int, dict[str, Any]]] = {t: {} for t in plan.tables}
    by_name = plan.by_name
    for name in typed:
        p = by_name[name]
        if p.table is None:
            continue
        row = filled[p.table].get(p.row)  # type: ignore[arg-type]
        if row is None:
            row = filled[p.table][p.row] = {"_row": p.row}  # type: ignore[index]
            row.update(plan.blank_rows[p.table])
        row[p.field.key] = None if name in bad else typed[name]
    return {t: [rows[i] for i in sorted(rows)] for t, rows in filled.items()}
