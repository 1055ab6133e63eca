"""Compile a rule tree into the live-check formula of the workbook (mirrors rules.evaluate).

`resolve(name)` returns the A1 reference of a field's cell, or of a column's range, as seen
from the sheet the formula sits on; `is_column(name)` tells which; `precision(name)` gives
the declared decimals (None for text). Interval tolerance becomes a constant plus
½·10^-d·COUNT(range) for column sums, exactly as the Python evaluator counts it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from selfeval_xl.model.money import half_unit, plain
from selfeval_xl.model.spec import GradeBand
from selfeval_xl.rules.evaluate import UNDEFINED_TEXT, comparisons
from selfeval_xl.rules.parse import Call, Compare, Expr, Logic, Num, Op, Ref, Str, is_linear, refs

Resolve = Callable[[str], str]
ROUND = 9  # digits compared: absorbs binary floating-point noise, far below any declared precision


@dataclass(frozen=True)
class Bounds:
    """An expression as three Excel formulas: low end, high end, point value (all one when exact)."""

    lo: str
    hi: str
    mid: str
    exact: bool


def _p(f: str) -> str:
    return f"({f})"


class ExcelCompiler:
    def __init__(self, resolve: Resolve, is_column: Callable[[str], bool],
                 precision: Callable[[str], int | None], grades: tuple[GradeBand, ...],
                 interval: Callable[[str], bool], required: Callable[[str], bool] = lambda name: False,
                 raw: Resolve | None = None) -> None:
        self.interval = interval
        # where a column's typed cells are, for "is it blank" (resolve may point at computed copies)
        self.raw = raw or resolve
        self.required = required
        self.resolve = resolve
        self.is_column = is_column
        self.precision = precision
        self.grades = grades

    def expr(self, e: Expr) -> str:
        """The point value of an arithmetic expression (or a condition) as a formula."""
        if isinstance(e, Num):
            return plain(e.value)
        if isinstance(e, Str):
            return '"' + e.value.replace('"', '""') + '"'
        if isinstance(e, Ref):
            return self.resolve(e.name)
        if isinstance(e, Op):
            if e.op == "neg":
                return f"-({self.expr(e.left)})"
            left = self.expr(e.left)
            right = self.expr(e.right)  # type: ignore[arg-type]
            if e.op in ("*", "/"):
                if isinstance(e.left, Op) and e.left.op in ("+", "-", "neg"):
                    left = _p(left)
                if isinstance(e.right, Op):
                    right = _p(right)
            elif e.op == "-" and isinstance(e.right, Op):
                right = _p(right)
            return f"{left}{e.op}{right}"
        if isinstance(e, Compare | Logic):
            return self.cond(e)
        if isinstance(e, Call):
            return self._call(e)
        raise TypeError(f"cannot compile {e!r}")

    def _call(self, e: Call) -> str:
        arg = e.args[0]
        if e.fn in ("sum", "count", "grade", "filled", "number"):
            assert isinstance(arg, Ref)
            ref = self.resolve(arg.name)
            if e.fn == "sum":
                return f"SUM({ref})"
            if e.fn == "count":
                return f"COUNT({ref})"
            if e.fn in ("filled", "number"):
                return self.cond(e)
            inner = f'"{self.grades[-1].grade}"'
            for band in reversed(self.grades[:-1]):
                inner = f'IF({ref}>={plain(band.min)},"{band.grade}",{inner})'
            return f'IF({ref}="","",{inner})'
        if e.fn == "sumif":
            crit = e.args[1]
            assert isinstance(arg, Ref) and isinstance(crit, Ref)
            return f"SUMIF({self.resolve(crit.name)},{self.expr(e.args[2])},{self.resolve(arg.name)})"
        if e.fn in ("min", "max"):
            return f"{e.fn.upper()}({','.join(self.expr(a) for a in e.args)})"
        if e.fn == "abs":
            return f"ABS({self.expr(arg)})"
        if e.fn == "round":
            return f"ROUND({self.expr(arg)},{self.expr(e.args[1])})"
        if e.fn == "if":
            return f"IF({self.cond(arg)},{self.expr(e.args[1])},{self.expr(e.args[2])})"
        raise TypeError(f"cannot compile {e!r}")

    # -- intervals ---------------------------------------------------------------------------
    def exact(self, e: Expr) -> bool:
        """No operand stands for an interval (amounts do; counts, scores and rates do not)."""
        for name in _leaf_refs(e):
            if self.precision(name) is not None and self.interval(name):
                return False
        return True

    def bounds(self, e: Expr) -> Bounds:
        """Low and high ends of the interval an expression stands for (rules.evaluate's Interval)."""
        if self.exact(e):
            f = self.expr(e)
            return Bounds(f, f, f, True)
        if isinstance(e, Ref):
            ref = self.resolve(e.name)
            h = plain(half_unit(self.precision(e.name) or 0))
            return Bounds(f"({ref}-{h})", f"({ref}+{h})", ref, False)
        if isinstance(e, Op):
            a = self.bounds(e.left)
            if e.op == "neg":
                return Bounds(f"-{_p(a.hi)}", f"-{_p(a.lo)}", f"-{_p(a.mid)}", False)
            b = self.bounds(e.right)  # type: ignore[arg-type]
            mid = self.expr(e)
            if e.op == "+":
                return Bounds(f"{a.lo}+{b.lo}", f"{a.hi}+{b.hi}", mid, False)
            if e.op == "-":
                return Bounds(f"{a.lo}-{_p(b.hi)}", f"{a.hi}-{_p(b.lo)}", mid, False)
            sign = "*" if e.op == "*" else "/"
            ends = [f"{_p(x)}{sign}{_p(y)}" for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
            return Bounds(f"MIN({','.join(ends)})", f"MAX({','.join(ends)})", mid, False)
        if isinstance(e, Call):
            return self._call_bounds(e)
        raise TypeError(f"cannot compile bounds of {e!r}")

    def _call_bounds(self, e: Call) -> Bounds:
        mid = self.expr(e)
        arg = e.args[0]
        if e.fn == "sum":
            assert isinstance(arg, Ref)
            ref = self.resolve(arg.name)
            h = f"{plain(half_unit(self.precision(arg.name) or 0))}*COUNT({ref})"
            return Bounds(f"(SUM({ref})-{h})", f"(SUM({ref})+{h})", mid, False)
        if e.fn in ("min", "max"):
            parts = [self.bounds(a) for a in e.args]
            fn = e.fn.upper()
            return Bounds(f"{fn}({','.join(p.lo for p in parts)})", f"{fn}({','.join(p.hi for p in parts)})", mid, False)
        if e.fn == "abs":
            a = self.bounds(arg)
            lo = f"IF({a.lo}>=0,{a.lo},IF({a.hi}<=0,-{_p(a.hi)},0))"
            hi = f"IF({a.lo}>=0,{a.hi},IF({a.hi}<=0,-{_p(a.lo)},MAX(-{_p(a.lo)},{a.hi})))"
            return Bounds(lo, hi, mid, False)
        if e.fn == "round":
            a = self.bounds(arg)
            n = self.expr(e.args[1])
            return Bounds(f"ROUND({a.lo},{n})", f"ROUND({a.hi},{n})", mid, False)
        if e.fn == "if":
            c = self.cond(arg)
            a, b = self.bounds(e.args[1]), self.bounds(e.args[2])
            return Bounds(f"IF({c},{a.lo},{b.lo})", f"IF({c},{a.hi},{b.hi})", mid, False)
        raise TypeError(f"no interval form for {e.fn}()")

    def holds(self, op: str, a: Expr, b: Expr) -> str:
        """One comparison as Excel tests it, intervals overlapping as in rules.evaluate._compare."""
        if self._is_text(a) or self._is_text(b):
            return f"{self.expr(a)}{op}{self.expr(b)}"
        if is_linear(a) and is_linear(b) and self.exact(a) and self.exact(b):
            return f"{self.expr(a)}{op}{self.expr(b)}"
        if op in (">=", ">"):
            a, b, op = b, a, "<=" if op == ">=" else "<"
        x, y = self.bounds(a), self.bounds(b)
        lo_hi = f"ROUND({x.lo}-{_p(y.hi)},{ROUND})"
        if op == "<=":
            return f"{lo_hi}<=0"
        if op == "<":
            return f"{lo_hi}<0"
        overlap = f"AND({lo_hi}<=0,ROUND({y.lo}-{_p(x.hi)},{ROUND})<=0)"
        return overlap if op == "=" else f"NOT({overlap})"

    def cond(self, e: Expr) -> str:
        """A condition as a boolean formula (comparisons within tolerance, and/or/not, filled)."""
        if isinstance(e, Compare):
            parts = [self.holds(op, e.operands[i], e.operands[i + 1]) for i, op in enumerate(e.ops)]
            return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"
        if isinstance(e, Logic):
            return f"{e.op.upper()}({','.join(self.cond(a) for a in e.args)})"
        if isinstance(e, Call) and e.fn == "number":
            arg = e.args[0]
            assert isinstance(arg, Ref)
            ref = self.resolve(arg.name)
            return f"COUNT({ref})>0" if self.is_column(arg.name) else f"ISNUMBER({ref})"
        if isinstance(e, Call) and e.fn == "filled":
            arg = e.args[0]
            assert isinstance(arg, Ref)
            if self.is_column(arg.name):
                return f"COUNTA({self.raw(arg.name)})>0"
            return f'{self.resolve(arg.name)}<>""'
        raise TypeError(f"not a condition: {e!r}")

    def zero_guard(self, e: Expr) -> str | None:
        """True when a division that would be evaluated has a divisor whose interval holds 0."""
        guards = self._guards(e, ())
        if not guards:
            return None
        return guards[0] if len(guards) == 1 else f"OR({','.join(guards)})"

    def _guards(self, e: Expr, context: tuple[str, ...]) -> list[str]:
        out: list[str] = []
        if isinstance(e, Call) and e.fn == "if":
            c = self.cond(e.args[0])
            out += self._guards(e.args[0], context)
            out += self._guards(e.args[1], (*context, c))
            out += self._guards(e.args[2], (*context, f"NOT({c})"))
            return out
        if isinstance(e, Op) and e.op == "/":
            d = self.bounds(e.right)  # type: ignore[arg-type]
            test = f"{d.mid}=0" if d.exact else f"AND(ROUND({d.lo},{ROUND})<=0,ROUND({d.hi},{ROUND})>=0)"
            out.append(f"AND({','.join((*context, test))})" if context else test)
        for c in _children(e):
            out += self._guards(c, context)
        return out

    def computed(self, e: Expr) -> str:
        """A computed cell's formula: blank (never #DIV/0!) when a divisor may be zero."""
        body = self.expr(e)
        guard = self.zero_guard(e)
        return f'IF({guard},"",{body})' if guard else body

    def tolerance(self, e: Expr) -> str:
        """Half-widths of every operand, as a formula term (constant + column counts)."""
        const = Decimal(0)
        parts: list[str] = []
        for name in _leaf_refs(e):
            p = self.precision(name)
            if p is None or not self.interval(name):
                continue
            if self.is_column(name):
                parts.append(f"{plain(half_unit(p))}*COUNT({self.resolve(name)})")
            else:
                const += half_unit(p)
        if const or not parts:
            parts.insert(0, plain(const))
        return "+".join(parts)

    def blank_test(self, e: Expr, needs: str) -> str | None:
        """When the check shows "—" (mirrors rules.evaluate.skipped, blank required fields first)."""
        tests = []
        required = []
        for name in refs(e):
            ref = self.resolve(name)
            if self.is_column(name):
                tests.append(f"COUNTA({self.raw(name)})=0")
            else:
                tests.append(f'{ref}=""')
                if self.required(name):
                    required.append(f'{ref}=""')
        if not tests:
            return None
        main = tests[0] if len(tests) == 1 else f"{'AND' if needs == 'any' else 'OR'}({','.join(tests)})"
        if not required or needs == "all" or len(tests) == 1:
            return main
        return f"OR({','.join(required)},{main})"

    def condition(self, e: Expr) -> str:
        """A boolean Excel expression for a `when` condition."""
        return self.cond(e)

    def live_check(self, e: Expr, needs: str = "any", when: Expr | None = None, text_precision: int = 2) -> str:
        """The whole live-check formula, without the leading '='."""
        fmt = "0" if text_precision == 0 else "0." + "0" * text_precision
        if not (isinstance(e, Compare) and is_linear(e)):
            body = self._general_check(e, fmt)
        elif len(e.ops) > 1:
            tests = []
            for i, op in enumerate(e.ops):
                a, b = e.operands[i], e.operands[i + 1]
                tests.append(self._holds(op, a, b))
            body = f'IF(AND({",".join(tests)}),"✔","✘ 超出范围")'
        else:
            op, a, b = e.ops[0], e.operands[0], e.operands[1]
            if self._is_text(a) or self._is_text(b):
                body = f'IF({self.expr(a)}={self.expr(b)},"✔","✘ 应为 "&{self.expr(b)})'
            else:
                if op in (">=", ">"):
                    a, b, op = b, a, "<=" if op == ">=" else "<"
                la, lb = self.expr(a), self.expr(b)
                lb = f"({lb})" if isinstance(b, Op) else lb
                diff = f"({la})-{lb}"
                tol = self.tolerance(Compare((op,), (a, b)))
                if op == "=":
                    body = (f'IF(ROUND(ABS({diff}),9)<=ROUND({tol},9),"✔",'
                            f'"✘ 差额 "&TEXT(ABS({diff}),"{fmt}"))')
                else:
                    cmp = "<=" if op == "<=" else "<"
                    body = (f'IF(ROUND({diff},9){cmp}ROUND({tol},9),"✔",'
                            f'"✘ 超出 "&TEXT({diff},"{fmt}"))')
        if isinstance(e, Compare) and is_linear(e):
            body = f'IFERROR({body},"✘ 非数值")'
        if needs != "none":
            blank = self.blank_test(e, needs)
            if blank:
                body = f'IF({blank},"—",{body})'
        if when is not None:
            body = f'IF(NOT({self.condition(when)}),"—",{body})'
        return body

    def _general_check(self, e: Expr, fmt: str) -> str:
        """Rules beyond sums: products, ratios, min/max, conditions; intervals as explicit ends."""
        parts = comparisons(e)
        if parts is None:
            body = f'IF({self.cond(e)},"✔","✘ 未满足")'
        elif len(parts) == 1 and len(parts[0].ops) > 1:
            body = f'IF({self.cond(parts[0])},"✔","✘ 超出范围")'
        else:
            body = '"✔"'
            pairs = [(p.ops[i], p.operands[i], p.operands[i + 1]) for p in parts for i in range(len(p.ops))]
            for op, a, b in reversed(pairs):
                body = f"IF({self.holds(op, a, b)},{body},{self._fail_text(op, a, b, fmt)})"
        guard = self.zero_guard(e)
        body = f'IFERROR({body},"✘ 非数值")'
        return f'IF({guard},"{UNDEFINED_TEXT}",{body})' if guard else body

    def _fail_text(self, op: str, a: Expr, b: Expr, fmt: str) -> str:
        if self._is_text(a) or self._is_text(b):
            return '"✘ 不应相同"' if op == "<>" else f'"✘ 应为 "&{self.expr(b)}'
        if op in (">=", ">"):
            a, b, op = b, a, "<=" if op == ">=" else "<"
        diff = f"{_p(self.expr(a))}-{_p(self.expr(b))}"
        if op in ("=", "<>"):
            return f'"✘ 差额 "&TEXT(ABS({diff}),"{fmt}")'
        return f'"✘ 超出 "&TEXT({diff},"{fmt}")'

    def _holds(self, op: str, a: Expr, b: Expr) -> str:
        if op in (">=", ">"):
            a, b, op = b, a, "<=" if op == ">=" else "<"
        lb = self.expr(b)
        lb = f"({lb})" if isinstance(b, Op) else lb
        diff = f"({self.expr(a)})-{lb}"
        tol = self.tolerance(Compare((op,), (a, b)))
        if op == "=":
            return f"ROUND(ABS({diff}),9)<=ROUND({tol},9)"
        return f"ROUND({diff},9){'<=' if op == '<=' else '<'}ROUND({tol},9)"

    def _is_text(self, e: Expr) -> bool:
        if isinstance(e, Str):
            return True
        if isinstance(e, Call) and e.fn == "grade":
            return True
        return isinstance(e, Ref) and self.precision(e.name) is None


def _leaf_refs(e: Expr) -> list[str]:
    """Names whose intervals add to the tolerance (not arguments of count/grade)."""
    if isinstance(e, Ref):
        return [e.name]
    if isinstance(e, Op):
        return _leaf_refs(e.left) + (_leaf_refs(e.right) if e.right is not None else [])
    if isinstance(e, Call):
        if e.fn in ("count", "grade", "filled", "number"):
            return []
        if e.fn == "sumif":
            return _leaf_refs(e.args[0])
        return [n for a in e.args for n in _leaf_refs(a)]
    if isinstance(e, Compare):
        return [n for o in e.operands for n in _leaf_refs(o)]
    if isinstance(e, Logic):
        return [n for a in e.args for n in _leaf_refs(a)]
    return []


def _children(e: Expr) -> tuple[Expr, ...]:
    if isinstance(e, Op):
        return (e.left,) if e.right is None else (e.left, e.right)
    if isinstance(e, Call | Logic):
        return e.args
    if isinstance(e, Compare):
        return e.operands
    return ()


