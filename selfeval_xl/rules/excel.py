"""Compile a rule tree into the live-check formula of the workbook (mirrors rules.evaluate).

`resolve(name)` returns the A1 reference of a field's cell, or of a column's range, as seen
from the sheet the formula sits on; `is_column(name)` tells which; `precision(name)` gives
the declared decimals (None for text). Interval tolerance becomes a constant plus
½·10^-d·COUNT(range) for column sums, exactly as the Python evaluator counts it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from selfeval_xl.model.money import half_unit
from selfeval_xl.model.spec import GradeBand
from selfeval_xl.rules.parse import Call, Compare, Expr, Num, Op, Ref, Str, refs

Resolve = Callable[[str], str]


class ExcelCompiler:
    def __init__(self, resolve: Resolve, is_column: Callable[[str], bool],
                 precision: Callable[[str], int | None], grades: tuple[GradeBand, ...],
                 interval: Callable[[str], bool]) -> None:
        self.interval = interval
        self.resolve = resolve
        self.is_column = is_column
        self.precision = precision
        self.grades = grades

    def expr(self, e: Expr) -> str:
        if isinstance(e, Num):
            return _dec(e.value)
        if isinstance(e, Str):
            return '"' + e.value.replace('"', '""') + '"'
        if isinstance(e, Ref):
            return self.resolve(e.name)
        if isinstance(e, Op):
            if e.op == "neg":
                return f"-({self.expr(e.left)})"
            right = self.expr(e.right)  # type: ignore[arg-type]
            if e.op == "-" and isinstance(e.right, Op):
                right = f"({right})"
            return f"{self.expr(e.left)}{e.op}{right}"
        if isinstance(e, Call):
            arg = e.args[0]
            assert isinstance(arg, Ref)
            ref = self.resolve(arg.name)
            if e.fn == "sum":
                return f"SUM({ref})"
            if e.fn == "count":
                return f"COUNT({ref})"
            if e.fn == "grade":
                inner = f'"{self.grades[-1].grade}"'
                for band in reversed(self.grades[:-1]):
                    inner = f'IF({ref}>={_dec(band.min)},"{band.grade}",{inner})'
                return f'IF({ref}="","",{inner})'
        raise TypeError(f"cannot compile {e!r}")

    def tolerance(self, e: Expr) -> str:
        """Half-widths of every operand, as a formula term (constant + column counts)."""
        const = Decimal(0)
        parts: list[str] = []
        for name in _leaf_refs(e):
            p = self.precision(name)
            if p is None or not self.interval(name):
                continue
            if self.is_column(name):
                parts.append(f"{_dec(half_unit(p))}*COUNT({self.resolve(name)})")
            else:
                const += half_unit(p)
        if const or not parts:
            parts.insert(0, _dec(const))
        return "+".join(parts)

    def blank_test(self, e: Expr, needs: str) -> str | None:
        tests = []
        for name in refs(e):
            ref = self.resolve(name)
            tests.append(f"COUNTA({ref})=0" if self.is_column(name) else f'{ref}=""')
        if not tests:
            return None
        if len(tests) == 1:
            return tests[0]
        return f"{'AND' if needs == 'any' else 'OR'}({','.join(tests)})"

    def condition(self, e: Expr) -> str:
        """A boolean Excel expression for a `when` condition (no tolerance: counts are exact)."""
        assert isinstance(e, Compare)
        parts = []
        for i, op in enumerate(e.ops):
            o = "=" if op == "=" else op
            parts.append(f"{self.expr(e.operands[i])}{o}{self.expr(e.operands[i + 1])}")
        return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"

    def live_check(self, e: Expr, needs: str = "any", when: Expr | None = None, text_precision: int = 2) -> str:
        """The whole live-check formula, without the leading '='."""
        assert isinstance(e, Compare), "a rule must be a comparison"
        fmt = "0" if text_precision == 0 else "0." + "0" * text_precision
        if len(e.ops) > 1:
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
        body = f'IFERROR({body},"✘ 非数值")'
        if needs != "none":
            blank = self.blank_test(e, needs)
            if blank:
                body = f'IF({blank},"—",{body})'
        if when is not None:
            body = f'IF(NOT({self.condition(when)}),"—",{body})'
        return body

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
        return _leaf_refs(e.args[0]) if e.fn == "sum" else []
    if isinstance(e, Compare):
        return [n for o in e.operands for n in _leaf_refs(o)]
    return []


def _dec(d: Decimal) -> str:
    s = f"{d.normalize():f}"
    return s
