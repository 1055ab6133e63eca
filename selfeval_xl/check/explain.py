"""Step 4: a warning is `explained` when the department wrote a 情况说明 for its rule id
(or, for warnings no spec rule raises, such as three-public-growth, its finding code).

Why: soft warnings (实有人数超编, 结余不符) may stand with an explanation, as in the 决算
clients' 出错说明; errors must be fixed and are never marked explained.
"""

from __future__ import annotations

from dataclasses import replace

from selfeval_xl.model.findings import Finding


def explained_rules(rows: dict[str, list[dict]], table: str | None = None) -> set[str]:
    """Rule ids with a non-empty 情况说明 in the template's explanations table (when not named:
    any table with 规则编号/情况说明 columns, i.e. `rule` and `text`)."""
    out: set[str] = set()
    tables = [table] if table else [k for k, r in rows.items() if r and "rule" in r[0] and "text" in r[0]]
    for row in (r for k in tables for r in rows.get(k, [])):
        rule, text = row.get("rule"), row.get("text")
        if isinstance(rule, str) and rule.strip() and isinstance(text, str) and text.strip():
            out.add(rule.strip())
    return out


def mark_explained(findings: list[Finding], rules: set[str]) -> list[Finding]:
    if not rules:
        return findings
    return [replace(f, explained=True) if f.severity == "warning" and (f.rule in rules or f.code in rules) else f
            for f in findings]
