"""Why: the spec's rules (the same trees the workbook's live checks were compiled from) are
re-evaluated on the inputs with interval arithmetic; the file's formulas and cached values are
never trusted. A failure points at the rule's anchor cell (the total, the score, the 合计 row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from selfeval_xl.check.checks.messages import rule_message
from selfeval_xl.check.context import Context
from selfeval_xl.check.env import CachedEnv
from selfeval_xl.check.plan import InstancePlan
from selfeval_xl.model import codes
from selfeval_xl.model.findings import Finding
from selfeval_xl.rules.evaluate import describe, evaluate, zero_divisor


def _blank(ctx: Context, ip: InstancePlan) -> bool:
    """The evaluator's own skip test, done cheaply first (most instances are blank table rows)."""
    if ip.inst.rule.needs == "none":
        return False
    v = ctx.env_values
    if any(v.get(n) is None for n in ip.required):
        return True
    blanks = [v.get(n) is None for n in ip.scalars]
    blanks += [all(v.get(c) is None for c in col) for col in ip.columns]
    if not blanks:
        return False
    return all(blanks) if ip.inst.rule.needs == "any" else any(blanks)


def _unusable(ctx: Context, ip: InstancePlan) -> bool:
    """A referenced input that failed coercion already has its finding: the rule is skipped."""
    bad = ctx.bad
    return any(n in bad for n in ip.scalars) or any(c in bad for col in ip.columns for c in col)


def _labeller(ctx: Context, ip: InstancePlan) -> Callable[[str], str]:
    """Labels for a message: the unit is named once in front, not after every figure."""
    by_name = ctx.plan.by_name
    if ip.inst.rule.units:
        def unit_label(name: str) -> str:
            p = by_name.get(name)
            if p is None or p.unit is None:
                return ctx.label(name)
            return ctx.unit_name(p.unit) if p.unit else "部门合计"
        return unit_label
    if ip.inst.unit is not None:
        return lambda name: by_name[name].label if name in by_name else ctx.label(name)
    return ctx.label


def _undefined(ctx: Context, ip: InstancePlan, env: Any) -> Finding:
    """A ratio whose divisor is zero (全年预算数 0): a clear finding, never a #DIV/0!."""
    divisor = zero_divisor(ip.inst.expr, env)
    what = describe(divisor, env, ctx.label) if divisor is not None else "除数"
    return codes.make("zero-divisor", severity=ip.inst.rule.severity, rule=ip.inst.rule.id,  # type: ignore[arg-type]
                      sheet=ip.sheet, cell=ip.cell, field=ip.field,
                      detail=f"{what}，为零或未填写，无法计算（{ip.inst.rule.title}）")


def check_rules(ctx: Context) -> Iterator[Finding]:
    for ip in ctx.plan.instances:
        inst = ip.inst
        if _blank(ctx, ip) or _unusable(ctx, ip):
            continue
        # needs="none": the blank test above is exactly the evaluator's, already done
        if inst.rule.computed is not None:  # the computed cell itself: compare what the file holds
            values = {**ctx.env_values, inst.rule.computed: ctx.read_computed.get(inst.rule.computed)}
            if values[inst.rule.computed] is None:
                values.pop(inst.rule.computed)
            env = CachedEnv(ctx.plan, values)
        else:
            env = ctx.env
        outcome = evaluate(inst.expr, env, needs="none", when=inst.when)
        if outcome.status == "undefined":
            yield _undefined(ctx, ip, env)
            continue
        if outcome.status != "fail":
            continue
        if not outcome.pairs:  # a condition rule (filled(x)): say what is missing, and why
            yield codes.make(inst.rule.code, severity=inst.rule.severity, rule=inst.rule.id,  # type: ignore[arg-type]
                             sheet=ip.sheet, cell=ip.cell, field=ip.field,
                             detail=f"“{ctx.label(ip.field)}”未填写：{inst.rule.title}")
            continue
        message, args = rule_message(inst.expr, outcome, env, _labeller(ctx, ip))
        if inst.rule.units:
            message = f"{ctx.plan.by_name[ip.field].label}部门合计与各单位之和不符：{message}"
        elif inst.unit is not None and ctx.plan.layout.units > 1:
            message = f"{ctx.unit_name(inst.unit) if inst.unit else '部门合计'}：{message}"
        if inst.rule.severity == "warning":  # explainable: name the rule as the 情况说明 dropdown does
            message += f"。如情况属实，请在“情况说明”表中选择“{inst.rule.name or inst.rule.id}”并写明原因"
        yield codes.make(inst.rule.code, severity=inst.rule.severity, rule=inst.rule.id,  # type: ignore[arg-type]
                         sheet=ip.sheet, cell=ip.cell, field=ip.field, args=args, detail=message)
