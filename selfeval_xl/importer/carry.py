"""Last year's workbook → this year's starting values: what stays from year to year is carried
over (the department, 职能职责, 主要工作内容, the goals' and indicators' names and targets, the
evaluators); the amounts, 完成情况, scores and narrative are the new year's to fill."""

from __future__ import annotations

from selfeval_xl.model.submission import Submission
from selfeval_xl.prefill import PrefillError, typed_value
from selfeval_xl.spec import default_template

STABLE_FIELDS = ("report.region", "dept.name", "dept.code", "report.method", "report.evaluator", "report.issuer",
                 "contact.name", "contact.phone", "dept.functions", "dept.tasks", "preparer.name", "preparer.phone")
STABLE_COLUMNS = {"goals": ("target",), "indicators": ("level1", "level2", "level3", "target"),
                  "evaluators": ("name", "title", "unit")}


def carry_over(sub: Submission, year: int | None) -> tuple[dict[str, object], int]:
    """(values for the newest template, units) from a checked submission of any template version."""
    t = default_template()
    raw: dict[str, object] = {k: sub.values.get(k) for k in STABLE_FIELDS}
    for n in range(1, sub.units + 1 if sub.units > 1 else 1):
        raw[f"units.name.u{n}"] = sub.values.get(f"units.name.u{n}")
    for table, cols in STABLE_COLUMNS.items():
        for i, row in enumerate(sub.tables.get(table) or (), start=1):
            for c in cols:
                raw[f"{table}[{i}].{c}"] = row.get(c)
    raw["report.year"] = year if year is not None else (sub.year + 1 if sub.year else None)
    values: dict[str, object] = {}
    for k, v in raw.items():
        if v in (None, ""):
            continue
        try:  # a key or a value the newest template no longer takes stays behind
            typed = typed_value(k, v if isinstance(v, str) else str(v), t)
        except PrefillError:
            continue
        if typed is not None:
            values[k] = typed
    return values, sub.units
