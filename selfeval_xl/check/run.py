"""check_snapshot: the whole checker pipeline in one short function (pyxform-style).

Why: readable top to bottom — typed values, then the ordered checks, then explanations — and
every step works on the Snapshot alone; nothing here opens a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import lru_cache
from typing import Any

from selfeval_xl.check.checks.amounts import check_negative, check_precision
from selfeval_xl.check.checks.coercion import check_coercion
from selfeval_xl.check.checks.hierarchy import check_hierarchy
from selfeval_xl.check.checks.identity import check_identity
from selfeval_xl.check.checks.narrative import check_narrative
from selfeval_xl.check.checks.placeholders import check_placeholders
from selfeval_xl.check.checks.plausible import check_narrative_scale, check_per_capita
from selfeval_xl.check.checks.qualitative import check_qualitative
from selfeval_xl.check.checks.required import check_required
from selfeval_xl.check.checks.rules import check_rules
from selfeval_xl.check.context import Context
from selfeval_xl.check.damaged import identity
from selfeval_xl.check.env import CachedEnv
from selfeval_xl.check.explain import explained_rules, mark_explained
from selfeval_xl.check.integrity import check_protection, check_sheets, check_template_cells, usable_raw
from selfeval_xl.check.plan import Plan, plan_for
from selfeval_xl.check.values import filled_rows, read_values
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding
from selfeval_xl.model.snapshot import Snapshot
from selfeval_xl.model.spec import Template, split_scope
from selfeval_xl.model.submission import Part, Submission
from selfeval_xl.rules.evaluate import computed_values
from selfeval_xl.spec import available, template_for

Check = Callable[[Context], Iterator[Finding]]

# The template's integrity first (whether values may be read at all), then values (what was
# typed), then the rules over them, then the words.
INTEGRITY_CHECKS: tuple[Check, ...] = (check_sheets, check_template_cells, check_protection)
VALUE_CHECKS: tuple[Check, ...] = (check_coercion, check_required, check_hierarchy, check_negative, check_precision,
                                   check_identity)
RULE_CHECKS: tuple[Check, ...] = (check_rules,)
PLAUSIBILITY_CHECKS: tuple[Check, ...] = (check_per_capita, check_narrative_scale)
TEXT_CHECKS: tuple[Check, ...] = (check_placeholders, check_qualitative, check_narrative)
CHECKS: tuple[Check, ...] = INTEGRITY_CHECKS + VALUE_CHECKS + RULE_CHECKS + PLAUSIBILITY_CHECKS + TEXT_CHECKS


@lru_cache(maxsize=16)
def _template(template_id: str, version: str) -> Template | None:
    return template_for(template_id, version)


def _shell(s: Snapshot) -> Submission:
    return Submission(file=s.path, sha256=s.sha256, size=s.size, mtime=s.mtime, format=s.format,
                      template_id=s.template_id, template_version=s.template_version, units=s.units,
                      findings=list(s.findings), readable=s.readable, copies=s.copies)


def _no_template(s: Snapshot) -> Finding:
    """unsupported-version when the template is ours but the version is not, else unknown-template."""
    versions = sorted(v for (tid, v) in available() if tid == s.template_id)
    if versions:
        return codes.make("unsupported-version", version=s.template_version or "（无）", supported="、".join(versions))
    return codes.make("unknown-template", detail=f"模板标识 {s.template_id or '（无）'}")


def _damaged(sub: Submission, plan: Plan, snapshot: Snapshot) -> Submission:
    """Our template, damaged (a sheet missing or shifted): no rule is evaluated on it, but when
    the cover or stamp names the department and year it is that department's failed return."""
    ident = identity(plan, snapshot)
    who = plan.template.identity
    if (ident[who.dept_code] or ident[who.dept_name]) and any(f.severity == "error" for f in sub.findings):
        sub.values = ident
        sub.readable = True  # identified: status fail (未通过), filed under the department
    return sub


def form_views(t: Template, units: int, copies: int, raw: dict[str, Any]) -> list[tuple[str | None, Context]]:
    """The value and rule checks' view of written values, as the form's 审核结果 sheet counts them:
    (None, the whole workbook) for a form without a repeated sheet, else (sheet, one copy's view)
    per project sheet, with the copy's findings named after its sheet and the workbook-level
    findings kept once (the generator caches them, so a workbook opened without recalculation
    shows the program's view)."""
    snapshot = Snapshot(path="", template_id=t.id, template_version=t.version, units=units, copies=copies, raw=dict(raw))
    if t.repeat is None:
        ctx = _form_context(plan_for(t, units), snapshot)
        _run(ctx, VALUE_CHECKS + RULE_CHECKS)
        return [(None, ctx)]
    plan = plan_for(t, units, 0)
    view_sheet = plan.layout.scopes[0]
    out = []
    for k, (scope, view) in enumerate(_copy_views(t, snapshot)):
        ctx = _form_context(plan, view)
        _run(ctx, VALUE_CHECKS + RULE_CHECKS)
        ctx.findings = [replace(f, sheet=scope) if f.sheet == view_sheet else f for f in ctx.findings
                        if f.sheet == view_sheet or k == 0]
        out.append((scope, ctx))
    return out


def _form_context(plan: Plan, snapshot: Snapshot) -> Context:
    """The view of a form as generated: its computed cells hold exactly their formula's result."""
    ctx = _view_context(plan, snapshot)
    ctx.read_computed = {n: ctx.env_values.get(n) for n in ctx.read_computed}
    return ctx


def _run(ctx: Context, checks: tuple[Check, ...]) -> None:
    for check in checks:
        ctx.findings.extend(check(ctx))


def check_snapshot(snapshot: Snapshot) -> Submission:
    """Every finding for one snapshot; never raises on bad values, never touches a file."""
    sub = _shell(snapshot)
    if not snapshot.readable and not snapshot.template_id:
        return sub
    t = _template(snapshot.template_id or "", snapshot.template_version or "")
    if t is None:
        if not snapshot.readable:
            return sub
        if not any(f.code in ("unknown-template", "unsupported-version") for f in sub.findings):
            sub.findings.append(_no_template(snapshot))
        sub.readable = False
        return sub
    if not 1 <= snapshot.units <= 50:
        sub.findings.append(codes.make("tampered-cell", detail=f"单位数 {snapshot.units} 超出 1–50 的范围，无法按模板读取"))
        sub.readable = False
        return sub
    sub.identity = (t.identity.dept_name, t.identity.dept_code, t.identity.year)
    plan = plan_for(t, snapshot.units, snapshot.copies)  # the workbook's own layout (every project sheet)
    if not snapshot.readable:
        return _damaged(sub, plan, snapshot)
    raw, skipped = usable_raw(plan, snapshot)
    if skipped:
        if any(p.sheet in skipped for p in plan.inputs):  # no rule on a partial or shifted set of values
            ctx = Context(plan, snapshot, {}, [], {}, skipped=skipped)
            for check in INTEGRITY_CHECKS:
                sub.findings.extend(check(ctx))
            sub.readable = False
            return _damaged(sub, plan, replace(snapshot, raw=raw))
    integrity = snapshot.sheets is not None
    if t.repeat is None:
        findings, sub.values, sub.tables = _check_view(plan, replace(snapshot, raw=raw), skipped, integrity)
        sub.findings.extend(findings)
        return sub
    if integrity:  # the whole workbook's integrity once; then each project sheet through the view
        ctx = Context(plan, snapshot, {}, [], {}, skipped=skipped)
        for check in INTEGRITY_CHECKS:
            sub.findings.extend(check(ctx))
    return _check_copies(t, replace(snapshot, raw=raw), sub)


def _view_context(plan: Plan, snapshot: Snapshot, skipped: dict[str, Finding] | None = None) -> Context:
    """Typed values of one view of the inputs, computed cells recomputed from them."""
    typed, problems = read_values(plan, snapshot.raw)
    problems = [(p, c) for p, c in problems if p.field.compute is None]  # formula cells: their rule says it
    bad = {p.name for p, c in problems if c.bad}
    read = {n: typed.get(n) for n in plan.layout.computed}
    # computed cells (执行率, 参考得分) are recomputed from the inputs: a file's cached results are
    # never trusted (a .xls re-save or a stale cache); the rule on the cell itself sees what was read
    recomputed = computed_values(plan.layout.computed, CachedEnv(plan, typed), typed)
    for n, v in recomputed.items():
        if v is None:
            typed.pop(n, None)
    return Context(plan, snapshot, typed, problems, filled_rows(plan, typed, bad), bad=bad, read_computed=read,
                   skipped=dict(skipped or {}))


def _check_view(plan: Plan, snapshot: Snapshot, skipped: dict[str, Finding] | None = None,
                integrity: bool = False) -> tuple[list[Finding], dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """(findings, scalar values, filled table rows) of one view of the inputs."""
    ctx = _view_context(plan, snapshot, skipped)
    _run(ctx, CHECKS if integrity else CHECKS[len(INTEGRITY_CHECKS):])
    findings = mark_explained(ctx.findings, explained_rules(ctx.rows, plan.template.explanations))
    values = {p.name: (None if p.name in ctx.bad else ctx.env_values.get(p.name)) for p in plan.scalars}
    return findings, values, ctx.rows


def _copy_views(t: Template, snapshot: Snapshot) -> list[tuple[str, Snapshot]]:
    """Each project sheet's inputs under the view's (unscoped) names, the workbook-level inputs
    beside them."""
    common = {n: v for n, v in snapshot.raw.items() if split_scope(n)[0] is None}
    by_scope: dict[str, dict[str, Any]] = {}
    for n, v in snapshot.raw.items():
        scope, base = split_scope(n)
        if scope is not None:
            by_scope.setdefault(scope, {})[base] = v
    scopes = [t.repeated_sheet().name.format(n=k) for k in range(1, snapshot.copies + 1)]  # type: ignore[union-attr]
    return [(scope, replace(snapshot, raw={**common, **by_scope.get(scope, {})}, findings=[])) for scope in scopes]


def _check_copies(t: Template, snapshot: Snapshot, sub: Submission) -> Submission:
    """A workbook with a repeated sheet (one per project): each copy is checked through the view
    of one copy, with the workbook-level inputs beside it; findings name the copy's sheet."""
    plan = plan_for(t, snapshot.units, 0)
    view_sheet = plan.layout.scopes[0]
    scoped_keys = t.sheet_scoped()
    for k, (scope, view) in enumerate(_copy_views(t, snapshot)):
        findings, values, rows = _check_view(plan, view)
        for f in findings:
            if f.sheet == view_sheet:
                sub.findings.append(replace(f, sheet=scope))
            elif k == 0:
                sub.findings.append(f)
        if k == 0:
            sub.values = {n: v for n, v in values.items() if not _on_copy(n, scoped_keys)}
        sub.parts.append(Part(scope, {n: v for n, v in values.items() if _on_copy(n, scoped_keys)},
                              {n: r for n, r in rows.items() if n in scoped_keys}))
    return sub


def _on_copy(name: str, scoped_keys: frozenset[str]) -> bool:
    return name in scoped_keys or name.split("[", 1)[0].partition(".")[0] in scoped_keys
