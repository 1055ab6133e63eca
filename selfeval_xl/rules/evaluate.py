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
from selfeval_xl.rules.parse import Call, Compare, Expr, Logic, Num, Op, Ref, Str, refs

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
    """ok | fail | skip | undefined (a divisor may be zero), with the figures a message needs."""

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


def _blank(v: Value) -> bool:
    return v is None or v == ""


def _interval(expr: Expr, env: Env) -> Interval:
    v = value_of(expr, env)
    if not isinstance(v, Interval):
        raise NotNumeric(v)
    return v


def _column_interval(v: Value, name: str, env: Env) -> Interval:
    return Interval.around(_num(v), env.precision(name) if env.interval(name) else None)


def value_of(expr: Expr, env: Env) -> Interval | str:
    """The value of an arithmetic expression; ZeroDivisionError when a divisor may be zero."""
    if isinstance(expr, Num):
        return Interval.exact(expr.value)
    if isinstance(expr, Str):
        return expr.value
    if isinstance(expr, Ref):
        v = env.value(expr.name)
        if env.precision(expr.name) is None:  # text: blank is "" as in Excel
            return "" if _blank(v) else (v if isinstance(v, str) else str(v))
        if isinstance(v, str):
            raise NotNumeric(v)
        return Interval.around(_num(v), env.precision(expr.name) if env.interval(expr.name) else None)
    if isinstance(expr, Op):
        left = _interval(expr.left, env)
        if expr.op == "neg":
            return -left
        right = _interval(expr.right, env)  # type: ignore[arg-type]
        if expr.op == "+":
            return left + right
        if expr.op == "-":
            return left - right
        if expr.op == "*":
            return left * right
        return left / right
    if isinstance(expr, Call):
        return _call(expr, env)
    raise TypeError(f"cannot evaluate {expr!r}")


def _call(expr: Call, env: Env) -> Interval | str:
    arg = expr.args[0]
    fn = expr.fn
    if fn in ("sum", "count"):
        assert isinstance(arg, Ref)
        filled = [v for v in env.column(arg.name) if not _blank(v)]
        if fn == "count":
            return Interval.exact(Decimal(len(filled)))
        total = Interval.exact(Decimal(0))
        for v in filled:
            total = total + _column_interval(v, arg.name, env)
        return total
    if fn == "sumif":
        crit_ref, wanted = expr.args[1], value_of(expr.args[2], env)
        assert isinstance(arg, Ref) and isinstance(crit_ref, Ref)
        total = Interval.exact(Decimal(0))
        for v, c in zip(env.column(arg.name), env.column(crit_ref.name), strict=True):
            if not _blank(v) and isinstance(v, Decimal | int) and _same_text(c, wanted):
                total = total + _column_interval(v, arg.name, env)
        return total
    if fn == "grade":
        assert isinstance(arg, Ref)
        v = env.value(arg.name)
        return "" if _blank(v) else env.grade(_num(v))
    if fn in ("min", "max"):
        # Excel's MIN/MAX skip blank cells given by reference; with nothing left they give 0
        args = [a for a in expr.args if not (isinstance(a, Ref) and _blank(env.value(a.name)))]
        items = [_interval(a, env) for a in args] or [Interval.exact(Decimal(0))]
        return Interval.smallest(items) if fn == "min" else Interval.largest(items)
    if fn == "abs":
        return abs(_interval(arg, env))
    if fn == "round":
        places = expr.args[1]
        assert isinstance(places, Num)
        return _interval(arg, env).rounded(int(places.value))
    if fn == "if":
        return value_of(expr.args[1] if truth(arg, env) else expr.args[2], env)
    raise TypeError(f"cannot evaluate {expr!r}")


def _is_number(v: Value) -> bool:
    return isinstance(v, Decimal | int) and not isinstance(v, bool)


def _same_text(found: Value, wanted: Interval | str) -> bool:
    """SUMIF's criterion: text compared without regard to case, as Excel does."""
    if isinstance(wanted, Interval):
        return isinstance(found, Decimal | int) and Decimal(found) == wanted.value
    return isinstance(found, str) and found.strip().casefold() == wanted.casefold()


def truth(expr: Expr, env: Env) -> bool:
    """A condition (comparison, and/or/not, filled(x)); comparisons hold within tolerance."""
    if isinstance(expr, Compare):
        vals = [value_of(e, env) for e in expr.operands]
        return all(_compare(op, vals[i], vals[i + 1]).holds for i, op in enumerate(expr.ops))
    if isinstance(expr, Logic):
        if expr.op == "not":
            return not truth(expr.args[0], env)
        if expr.op == "and":
            return all(truth(a, env) for a in expr.args)
        return any(truth(a, env) for a in expr.args)
    if isinstance(expr, Call) and expr.fn in ("filled", "number"):
        arg = expr.args[0]
        assert isinstance(arg, Ref)
        test = _is_number if expr.fn == "number" else (lambda v: not _blank(v))
        if env.is_column(arg.name):
            return any(test(v) for v in env.column(arg.name))
        return test(env.value(arg.name))
    raise TypeError(f"not a condition: {expr!r}")


def _compare(op: str, a: Interval | str, b: Interval | str) -> Pair:
    if isinstance(a, str) or isinstance(b, str):
        same = isinstance(a, str) and isinstance(b, str) and a == b
        holds = same if op == "=" else (not same if op == "<>" else False)
        return Pair(op, a, b, holds)
    if op in (">=", ">"):
        a, b, op = b, a, "<=" if op == ">=" else "<"
    d = a.value - b.value
    if op == "=":
        # the intervals overlap; the slack on the side where the values lie apart
        tol = (a.value - a.lo) + (b.hi - b.value) if d >= 0 else (a.hi - a.value) + (b.value - b.lo)
        return Pair("=", a, b, a.lo <= b.hi and b.lo <= a.hi, abs(d), tol)
    if op == "<>":
        return Pair("<>", a, b, not (a.lo <= b.hi and b.lo <= a.hi), abs(d), Decimal(0))
    tol = (a.value - a.lo) + (b.hi - b.value)
    holds = a.lo <= b.hi if op == "<=" else a.lo < b.hi
    return Pair(op, a, b, holds, d, tol)


def skipped(expr: Expr, env: Env, needs: str) -> bool:
    """needs=any: skip when every referenced input is blank; needs=all: when any is blank.
    Either way a blank required field skips the rule: its `required-missing` is the one message
    (never "得分合计 90 ≠ 综合得分 （空）")."""
    names = refs(expr)
    if not names:
        return False
    required = getattr(env, "required", None)  # an env may declare no required fields at all
    blanks = []
    for n in names:
        if env.is_column(n):
            blanks.append(all(_blank(v) for v in env.column(n)))
        else:
            blank = _blank(env.value(n))
            if blank and required is not None and required(n):
                return True
            blanks.append(blank)
    return all(blanks) if needs == "any" else any(blanks)


def display_precision(expr: Expr, env: Env) -> int:
    return precision_shown(expr, env.precision)


def precision_shown(expr: Expr, precision: Callable[[str], int | None]) -> int:
    """Decimals of the figures in a rule's live text: those of its first numeric operand
    (the value reported), so a score compared with a rate reads 0.50, not 0.5000."""
    return next((p for n in refs(expr) if (p := precision(n)) is not None), 2)


def comparisons(expr: Expr) -> tuple[Compare, ...] | None:
    """The comparisons a rule asserts: one (maybe chained), or the parts of an `and`;
    None for a plain condition rule (filled(x), or, not)."""
    if isinstance(expr, Compare):
        return (expr,)
    if isinstance(expr, Logic) and expr.op == "and" and all(isinstance(a, Compare) for a in expr.args):
        return tuple(expr.args)  # type: ignore[arg-type]
    return None


def evaluate(expr: Expr, env: Env, *, needs: str = "any", when: Expr | None = None) -> Outcome:
    prec = display_precision(expr, env)
    try:
        if when is not None and not truth(when, env):
            return Outcome("skip", precision=prec)
        if needs != "none" and skipped(expr, env, needs):
            return Outcome("skip", precision=prec)
        parts = comparisons(expr)
        if parts is None:
            return Outcome("ok" if truth(expr, env) else "fail", precision=prec)
        pairs = []
        for part in parts:
            vals = [value_of(e, env) for e in part.operands]
            pairs += [_compare(op, vals[i], vals[i + 1]) for i, op in enumerate(part.ops)]
    except NotNumeric:
        return Outcome("skip", precision=prec)
    except ZeroDivisionError:
        return Outcome("undefined", precision=prec)
    return Outcome("ok" if all(p.holds for p in pairs) else "fail", pairs, prec)


def live_text(outcome: Outcome, chained: bool) -> str:
    """The string the compiled live-check formula shows for this outcome (rules.excel mirrors it)."""
    if outcome.status == "skip":
        return "—"
    if outcome.status == "ok":
        return "✔"
    if outcome.status == "undefined":
        return UNDEFINED_TEXT
    if chained:
        return "✘ 超出范围"
    pair = outcome.failed
    if pair is None:
        return "✘ 未满足"
    if isinstance(pair.right, str) or isinstance(pair.left, str):
        return "✘ 不应相同" if pair.op == "<>" else f"✘ 应为 {pair.right}"
    assert pair.difference is not None
    label = "差额" if pair.op in ("=", "<>") else "超出"
    return f"✘ {label} {fmt(pair.difference, outcome.precision)}"


UNDEFINED_TEXT = "✘ 除数为零，无法计算"


def computed_values(computed: dict[str, Expr], env: Env, values: dict[str, Value]) -> dict[str, Value]:
    """What each computed cell's formula shows (None: blank — a divisor that may be zero, or an
    operand that is not a number), in order, each one visible to the next through `values`
    (the dict `env` reads)."""
    out: dict[str, Value] = {}
    for name, tree in computed.items():
        try:
            v = value_of(tree, env)
        except (ZeroDivisionError, NotNumeric):
            v = None
        if isinstance(v, Interval):
            v = v.value
        out[name] = values[name] = v if v != "" else None
    return out


def zero_divisor(expr: Expr, env: Env) -> Expr | None:
    """The divisor that made an evaluation undefined (its interval holds 0), following the
    branches evaluation takes; None when there is none."""
    try:
        if isinstance(expr, Call) and expr.fn == "if":
            return zero_divisor(expr.args[1] if truth(expr.args[0], env) else expr.args[2], env)
        if isinstance(expr, Op) and expr.op == "/" and expr.right is not None:
            inner = zero_divisor(expr.left, env) or zero_divisor(expr.right, env)
            if inner is not None:
                return inner
            d = value_of(expr.right, env)
            return expr.right if isinstance(d, Interval) and d.contains_zero() else None
    except (NotNumeric, ZeroDivisionError):
        return None
    for c in (expr.operands if isinstance(expr, Compare) else expr.args if isinstance(expr, Call | Logic)
              else (expr.left, expr.right) if isinstance(expr, Op) else ()):
        if c is not None and (found := zero_divisor(c, env)) is not None:
            return found
    return None


_OP_WORDS = {"+": "+", "-": "-", "*": "×", "/": "÷"}


def shown_value(name: str, v: Value, env: Env) -> str:
    """A field's value as the workbook shows it (percent fields as 90.00%)."""
    if v is None or v == "":
        return "（空）"
    p = env.precision(name)
    if isinstance(v, Decimal | int) and not isinstance(v, bool) and p is not None:
        if getattr(env, "percent", None) is not None and env.percent(name):  # type: ignore[attr-defined]
            return f"{fmt(Decimal(v) * 100, max(0, p - 2))}%"
        return fmt(v, p)
    return str(v)


def describe(expr: Expr, env: Env, label: Callable[[str], str], precision: int = 2) -> str:
    """A side of a rule in words and figures: 基本支出 66.00 + 项目支出 31.00."""
    if isinstance(expr, Num):
        return fmt(expr.value, 0 if expr.value == expr.value.to_integral() else precision)
    if isinstance(expr, Str):
        return expr.value
    if isinstance(expr, Ref):
        return f"{label(expr.name)} {shown_value(expr.name, env.value(expr.name), env)}"
    if isinstance(expr, Op):
        if expr.op == "neg":
            return f"-{describe(expr.left, env, label, precision)}"
        left, right = describe(expr.left, env, label, precision), describe(expr.right, env, label, precision)  # type: ignore[arg-type]
        if expr.op in ("*", "/"):
            left = f"({left})" if isinstance(expr.left, Op) and expr.left.op in ("+", "-") else left
            right = f"({right})" if isinstance(expr.right, Op) else right
        return f"{left} {_OP_WORDS[expr.op]} {right}"
    if isinstance(expr, Call):
        arg = expr.args[0]
        inner = [describe(a, env, label, precision) for a in expr.args]
        if expr.fn == "grade":
            return f"{label(arg.name)}对应等次"  # type: ignore[union-attr]
        if expr.fn in ("sum", "count"):
            return f"{label(arg.name)}{'合计' if expr.fn == 'sum' else '个数'}"  # type: ignore[union-attr]
        if expr.fn == "sumif":
            return f"{label(expr.args[1].name)}为“{inner[2]}”的{label(arg.name)}合计"  # type: ignore[union-attr]
        if expr.fn == "min":
            return f"{'、'.join(inner)} 中的较小者"
        if expr.fn == "max":
            return f"{'、'.join(inner)} 中的较大者"
        if expr.fn == "abs":
            return f"|{inner[0]}|"
        if expr.fn == "round":
            return inner[0]
        if expr.fn == "if":  # the branch evaluation takes
            try:
                return describe(expr.args[1] if truth(expr.args[0], env) else expr.args[2], env, label, precision)
            except (NotNumeric, ZeroDivisionError, TypeError):
                return "按条件计算的值"
        if expr.fn == "filled":
            return f"{label(arg.name)}已填写"  # type: ignore[union-attr]
        if expr.fn == "number":
            return f"{label(arg.name)}为数值"  # type: ignore[union-attr]
    return "?"


def is_compound(expr: Expr) -> bool:
    return isinstance(expr, Op) or isinstance(expr, Call)


def half(precision: int | None) -> Decimal:
    return Decimal(0) if precision is None else half_unit(precision)
