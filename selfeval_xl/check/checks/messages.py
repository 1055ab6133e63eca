"""Chinese messages and args for a failed rule instance (data-model.md §3's example shape).

Why: the finance officer must see both sides with their figures, the difference and the
tolerance, in words: 支出合计 96.00 ≠ 基本支出 66.00 + 项目支出 31.00 = 97.00（差额 1.00，允许误差 0.015）.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from selfeval_xl.model.money import Interval, fmt, plain
from selfeval_xl.rules.evaluate import Env, Outcome, Pair, comparisons, describe, is_compound
from selfeval_xl.rules.parse import Call, Expr, Num, Ref


def _num(x: Decimal | None) -> str:
    """A tolerance as a plain decimal string: 0.015, never 1.5E-2 or 0.0150."""
    if x is None:
        return "0"
    return plain(x)


def _side(expr: Expr, value: Interval | str, env: Env, label: Callable[[str], str], prec: int,
          show: Callable[[Decimal], str] | None = None) -> str:
    text = describe(expr, env, label, prec)
    shown = show or (lambda d: fmt(d, prec))
    if isinstance(expr, Call) and expr.fn in ("sum", "count", "sumif") and isinstance(value, Interval):  # 得分合计 87.00
        return f"{text} {shown(value.value)}"
    if is_compound(expr) and isinstance(value, Interval):  # 基本支出 66.00 + 项目支出 31.00 = 97.00
        return f"{text} = {shown(value.value)}"
    return text


def _percent_of(expr: Expr, env: Env) -> bool:
    """A comparison whose first side is a percentage field (执行率) shows all its figures as %."""
    percent = getattr(env, "percent", None)
    return isinstance(expr, Ref) and percent is not None and bool(percent(expr.name))


def _shown(v: Interval | str, prec: int) -> str:
    return v if isinstance(v, str) else fmt(v.value, prec)


def failed_pair(expr: Expr, outcome: Outcome) -> tuple[int, Pair] | None:
    for i, p in enumerate(outcome.pairs):
        if not p.holds:
            return i, p
    return None


def _name_only(expr: Expr, label: Callable[[str], str]) -> str:
    return label(expr.name) if isinstance(expr, Ref) else "?"


def _choice_message(left: Expr, right: Expr, pair: Pair, env: Env, label: Callable[[str], str],
                    prec: int) -> tuple[str, dict[str, str]]:
    """评价等次“良”与绩效自评综合得分 90.00 不符，应为“优”."""
    source = right.args[0] if isinstance(right, Call) else right  # grade(evaluation.score) → the score
    msg = f"{_name_only(left, label)}“{pair.left}”与{describe(source, env, label, prec)} 不符，应为“{pair.right}”"
    return msg, {"reported": str(pair.left), "computed": str(pair.right)}


def rule_message(expr: Expr, outcome: Outcome, env: Env, label: Callable[[str], str]) -> tuple[str, dict[str, str]]:
    """(message, args) for the first failing comparison of `expr`."""
    parts = comparisons(expr)
    assert parts is not None
    sides = [(p.ops[i], p.operands[i], p.operands[i + 1]) for p in parts for i in range(len(p.ops))]
    found = failed_pair(expr, outcome)
    assert found is not None
    i, pair = found
    prec = outcome.precision
    op, left, right = sides[i]
    if op in (">=", ">"):  # the evaluator normalised the pair to <= / <
        left, right = right, left
    # strings: a choice that disagrees with the value it should follow (grade-band)
    if isinstance(pair.left, str) or isinstance(pair.right, str):
        if pair.op == "<>":
            return f"{_name_only(left, label)}不应为“{pair.left}”", {"reported": str(pair.left)}
        return _choice_message(left, right, pair, env, label, prec)
    assert isinstance(pair.left, Interval) and isinstance(pair.right, Interval)
    reported, computed = _shown(pair.left, prec), _shown(pair.right, prec)
    diff = fmt(pair.difference, prec) if pair.difference is not None else ""
    tol = pair.tolerance or Decimal(0)
    args = {"reported": reported, "computed": computed, "difference": diff, "tolerance": _num(tol)}
    tol_text = f"，允许误差 {_num(tol)}" if tol > 0 else ""
    show = None
    if _percent_of(left, env):
        def show(d: Decimal) -> str:
            return f"{fmt(d * 100, max(0, prec - 2))}%"
        diff = show(pair.difference) if pair.difference is not None else ""
        tol_text = f"，允许误差 {show(tol)}" if tol > 0 else ""
    lside = _side(left, pair.left, env, label, prec, show)
    rside = _side(right, pair.right, env, label, prec, show)
    if pair.op == "=":
        return f"{lside} ≠ {rside}（差额 {diff}{tol_text}）", args
    if pair.op == "<>":
        return f"{lside} 不应等于 {rside}", args
    # an upper or lower bound: say which way it is broken
    if isinstance(left, Num):
        return f"{rside} 低于 {lside}（相差 {diff}{tol_text}）", args
    word = "超过" if pair.op == "<=" else "不小于"
    return f"{lside} {word} {rside}（超出 {diff}{tol_text}）", args
