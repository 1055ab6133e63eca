"""Evaluate a rule tree in Python with Decimal interval arithmetic (data-model.md §2).

The same tree compiles to the workbook's live check (rules.excel); `live_text` renders the
outcome exactly as that formula does, so generated workbooks carry true cached values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from selfeval_xl.model.money import Interval, fmt, half_unit
from selfeval_xl.rules.parse import Call, Compare, Expr, Num, Op, Ref, Str, refs

Value = Decimal | str | None


class Env(Protocol):
    """What evaluation needs from a snapshot: typed values and declared precisions.

    `precision` is the declared decimals (None for text); `interval` says whether the value
    stands for an interval (amounts) or is exact (counts, scores).
    """

    def value(self, name: str) -> Value: ...
    def column(self, name: str) -> list[Value]: ...
    def precision(self, name: str) -> int | None: ...
    def interval(self, name: str) -> bool: ...
    def is_column(self, name: str) -> bool: ...
    def grade(self, score: Decimal) -> str: ...


class NotNumeric(Exception):
    """An operand is not a usable number: the rule is skipped (the value already has a finding)."""


@dataclass
class Pair:
    op: str
    left: Interval | str
    right: Interval | str
    holds: bool
    difference: Decimal | None = None
    tolerance: Decimal | None = None


@dataclass
class Outcome:
    """ok | fail | skip, with the figures a message needs."""

    status: str
    pairs: list[Pair] = field(default_factory=list)
    precision: int = 2

    @property
    def failed(self) -> Pair | None:
        return next((p for p in self.pairs if not p.holds), None)


def _num(v: Value) -> Decimal:
    if v is None or v == "":
        return Decimal(0)
    if isinstance(v, Decimal):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return Decimal(v)
    raise NotNumeric(v)


def value_of(expr: Expr, env: Env) -> Interval | str:
    if isinstance(expr, Num):
        return Interval.exact(expr.value)
    if isinstance(expr, Str):
        return expr.value
    if isinstance(expr, Ref):
        v = env.value(expr.name)
        if isinstance(v, str):
            if env.precision(expr.name) is None:
                return v
            raise NotNumeric(v)
        return Interval.around(_num(v), env.precision(expr.name) if env.interval(expr.name) else None)
    if isinstance(expr, Op):
        left = value_of(expr.left, env)
        if not isinstance(left, Interval):
            raise NotNumeric(left)
        if expr.op == "neg":
            return -left
        right = value_of(expr.right, env)  # type: ignore[arg-type]
        if not isinstance(right, Interval):
            raise NotNumeric(right)
        return left + right if expr.op == "+" else left - right
    if isinstance(expr, Call):
        arg = expr.args[0]
        if expr.fn in ("sum", "count"):
            assert isinstance(arg, Ref)
            filled = [v for v in env.column(arg.name) if v is not None and v != ""]
            if expr.fn == "count":
                return Interval.exact(Decimal(len(filled)))
            total = Interval.exact(Decimal(0))
            for v in filled:
                total = total + Interval.around(_num(v), env.precision(arg.name) if env.interval(arg.name) else None)
            return total
        if expr.fn == "grade":
            assert isinstance(arg, Ref)
            v = env.value(arg.name)
            return "" if v is None or v == "" else env.grade(_num(v))
    raise TypeError(f"cannot evaluate {expr!r}")


def _compare(op: str, a: Interval | str, b: Interval | str) -> Pair:
    if isinstance(a, str) or isinstance(b, str):
        holds = a == b if op == "=" else False
        return Pair(op, a, b, holds)
    tol = a.radius + b.radius
    if op in (">=", ">"):
        a, b, op = b, a, "<=" if op == ">=" else "<"
    d = a.value - b.value
    if op == "=":
        holds = abs(d) <= tol
        return Pair("=", a, b, holds, abs(d), tol)
    holds = d <= tol if op == "<=" else d < tol
    return Pair(op, a, b, holds, d, tol)


def skipped(expr: Expr, env: Env, needs: str) -> bool:
    """needs=any: skip when every referenced input is blank; needs=all: when any is blank."""
    names = refs(expr)
    if not names:
        return False
    blanks = []
    for n in names:
        if env.is_column(n):
            blanks.append(all(v is None or v == "" for v in env.column(n)))
        else:
            v = env.value(n)
            blanks.append(v is None or v == "")
    return all(blanks) if needs == "any" else any(blanks)


def display_precision(expr: Expr, env: Env) -> int:
    precs = [p for n in refs(expr) if (p := env.precision(n)) is not None]
    return max(precs, default=2)


def evaluate(expr: Expr, env: Env, *, needs: str = "any", when: Expr | None = None) -> Outcome:
    prec = display_precision(expr, env)
    try:
        if when is not None and not evaluate(when, env, needs="none").status == "ok":
            return Outcome("skip", precision=prec)
        if needs != "none" and skipped(expr, env, needs):
            return Outcome("skip", precision=prec)
        if not isinstance(expr, Compare):
            raise TypeError("a rule must be a comparison")
        vals = [value_of(e, env) for e in expr.operands]
    except NotNumeric:
        return Outcome("skip", precision=prec)
    pairs = [_compare(op, vals[i], vals[i + 1]) for i, op in enumerate(expr.ops)]
    return Outcome("ok" if all(p.holds for p in pairs) else "fail", pairs, prec)


def live_text(outcome: Outcome, chained: bool) -> str:
    """The string the compiled live-check formula shows for this outcome (rules.excel mirrors it)."""
    if outcome.status == "skip":
        return "—"
    if outcome.status == "ok":
        return "✔"
    if chained:
        return "✘ 超出范围"
    pair = outcome.failed
    assert pair is not None
    if isinstance(pair.right, str) or isinstance(pair.left, str):
        return f"✘ 应为 {pair.right}"
    assert pair.difference is not None
    label = "差额" if pair.op == "=" else "超出"
    return f"✘ {label} {fmt(pair.difference, outcome.precision)}"


def describe(expr: Expr, env: Env, label: Callable[[str], str], precision: int = 2) -> str:
    """A side of a rule in words and figures: 基本支出 66.00 + 项目支出 31.00."""
    if isinstance(expr, Num):
        return fmt(expr.value, 0 if expr.value == expr.value.to_integral() else precision)
    if isinstance(expr, Str):
        return expr.value
    if isinstance(expr, Ref):
        v = env.value(expr.name)
        p = env.precision(expr.name)
        shown = "（空）" if v is None or v == "" else (fmt(v, p) if isinstance(v, Decimal) and p is not None else str(v))
        return f"{label(expr.name)} {shown}"
    if isinstance(expr, Op):
        if expr.op == "neg":
            return f"-{describe(expr.left, env, label, precision)}"
        return f"{describe(expr.left, env, label, precision)} {expr.op} {describe(expr.right, env, label, precision)}"  # type: ignore[arg-type]
    if isinstance(expr, Call):
        arg = expr.args[0]
        assert isinstance(arg, Ref)
        if expr.fn == "grade":
            return f"{label(arg.name)}对应等次"
        return f"{label(arg.name)}{'合计' if expr.fn == 'sum' else '个数'}"
    return "?"


def is_compound(expr: Expr) -> bool:
    return isinstance(expr, Op) or isinstance(expr, Call)


def half(precision: int | None) -> Decimal:
    return Decimal(0) if precision is None else half_unit(precision)
