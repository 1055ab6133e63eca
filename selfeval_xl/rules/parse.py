"""A tiny, safe expression language for rules (no eval): comparisons over arithmetic of field keys.

    rule    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (relop sum)*          relop: = <> <= >= < >
    sum     := product (("+" | "-") product)*
    product := term (("*" | "/") term)*
    term    := NUMBER ["%"] | STRING | name | name "(" [rule ("," rule)*] ")" | "(" rule ")" | "-" term
    name    := IDENT ("." IDENT)*         a field key, a table column (indicators.weight) or a unit key
Functions: sum(column), count(column), grade(score), sumif(column, column, value), min(a, b, …),
max(a, b, …), abs(x), round(x, digits), if(condition, then, else); conditions filled(x) (not
blank) and number(x) (holds a number, not words).
`90%` is the number 0.9.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

# name → (least, most) number of arguments
FUNCTIONS: dict[str, tuple[int, int]] = {
    "sum": (1, 1), "count": (1, 1), "grade": (1, 1), "sumif": (3, 3), "min": (2, 9), "max": (2, 9),
    "abs": (1, 1), "round": (2, 2), "if": (3, 3), "filled": (1, 1), "number": (1, 1),
}
RELOPS = ("<=", ">=", "<>", "=", "<", ">")
LOGIC_WORDS = ("and", "or", "not")


class RuleSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Str:
    value: str


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Op:
    op: str  # "+" | "-" | "*" | "/" | "neg"
    left: Expr
    right: Expr | None = None


@dataclass(frozen=True)
class Call:
    fn: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Compare:
    ops: tuple[str, ...]
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Logic:
    op: str  # "and" | "or" | "not"
    args: tuple[Expr, ...]


Expr = Num | Str | Ref | Op | Call | Compare | Logic

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>\"[^\"]*\")|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)"
    r"|(?P<op><=|>=|<>|[=<>+\-*/%(),]))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise RuleSyntaxError(f"无法解析的字符 {text[pos:pos + 10]!r}（位置 {pos}）")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise RuleSyntaxError(f"表达式 {self.text!r} 在第 {self.i + 1} 个记号处应为 {value or '更多内容'}")
        self.i += 1
        return tok

    def _word(self, word: str) -> bool:
        tok = self.peek()
        return tok is not None and tok == ("name", word)

    def whole(self) -> Expr:
        e = self.rule()
        if self.peek() is not None:
            raise RuleSyntaxError(f"表达式 {self.text!r} 末尾多余：{self.peek()[1]!r}")  # type: ignore[index]
        return e

    def rule(self) -> Expr:
        args = [self.conj()]
        while self._word("or"):
            self.take()
            args.append(self.conj())
        return args[0] if len(args) == 1 else Logic("or", tuple(args))

    def conj(self) -> Expr:
        args = [self.neg()]
        while self._word("and"):
            self.take()
            args.append(self.neg())
        return args[0] if len(args) == 1 else Logic("and", tuple(args))

    def neg(self) -> Expr:
        if self._word("not"):
            self.take()
            return Logic("not", (self.neg(),))
        return self.compare()

    def compare(self) -> Expr:
        first = self.sum()
        ops: list[str] = []
        operands = [first]
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in RELOPS:
            ops.append(self.take()[1])
            operands.append(self.sum())
        if "<>" in ops and len(ops) > 1:
            raise RuleSyntaxError(f"表达式 {self.text!r}：<> 不能连用")
        return Compare(tuple(ops), tuple(operands)) if ops else first

    def sum(self) -> Expr:
        left = self.product()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in ("+", "-"):
            op = self.take()[1]
            left = Op(op, left, self.product())
        return left

    def product(self) -> Expr:
        left = self.term()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in ("*", "/"):
            op = self.take()[1]
            left = Op(op, left, self.term())
        return left

    def term(self) -> Expr:
        kind, value = self.take()
        if kind == "num":
            if (tok := self.peek()) and tok == ("op", "%"):
                self.take()
                return Num(Decimal(value).scaleb(-2))
            return Num(Decimal(value))
        if kind == "str":
            return Str(value[1:-1])
        if value == "-":
            return Op("neg", self.term())
        if value == "(":
            inner = self.rule()
            self.take(")")
            return inner
        if kind == "name" and value not in LOGIC_WORDS:
            if (tok := self.peek()) and tok[1] == "(":
                if value not in FUNCTIONS:
                    raise RuleSyntaxError(f"未知函数 {value!r}")
                self.take("(")
                args = [self.rule()]
                while (tok := self.peek()) and tok[1] == ",":
                    self.take(",")
                    args.append(self.rule())
                self.take(")")
                least, most = FUNCTIONS[value]
                if not least <= len(args) <= most:
                    want = str(least) if least == most else f"{least}–{most}"
                    raise RuleSyntaxError(f"函数 {value} 需要 {want} 个参数")
                _check_args(self.text, value, args)
                return Call(value, tuple(args))
            return Ref(value)
        raise RuleSyntaxError(f"表达式 {self.text!r} 中意外的 {value!r}")


def _check_args(text: str, fn: str, args: list[Expr]) -> None:
    """Column functions take names; round takes a whole number of digits."""
    columns = {"sum": (0,), "count": (0,), "grade": (0,), "sumif": (0, 1), "filled": (0,), "number": (0,)}.get(fn, ())
    for i in columns:
        if not isinstance(args[i], Ref):
            raise RuleSyntaxError(f"表达式 {text!r}：函数 {fn} 的第 {i + 1} 个参数应为字段名")
    if fn == "round" and not (isinstance(args[1], Num) and args[1].value == args[1].value.to_integral_value()):
        raise RuleSyntaxError(f"表达式 {text!r}：round 的位数应为整数")


def parse(text: str) -> Expr:
    """Parse a rule or condition; raises RuleSyntaxError naming the problem."""
    return _parse(text)


@lru_cache(maxsize=1024)
def _parse(text: str) -> Expr:
    return _Parser(text).whole()


def children(e: Expr) -> tuple[Expr, ...]:
    if isinstance(e, Op):
        return (e.left,) if e.right is None else (e.left, e.right)
    if isinstance(e, Call):
        return e.args
    if isinstance(e, Compare):
        return e.operands
    if isinstance(e, Logic):
        return e.args
    return ()


def refs(expr: Expr) -> list[str]:
    """Every name referenced, in order of appearance, without duplicates."""
    return list(_refs(expr))


@lru_cache(maxsize=4096)
def _refs(expr: Expr) -> tuple[str, ...]:
    # trees are frozen and shared by every submission of a layout: walk each once
    out: list[str] = []

    def walk(e: Expr) -> None:
        if isinstance(e, Ref):
            if e.name not in out:
                out.append(e.name)
            return
        for c in children(e):
            walk(c)

    walk(expr)
    return tuple(out)


def rename(expr: Expr, mapping: dict[str, str]) -> Expr:
    """A copy with names substituted (for per-unit, per-row and per-sheet instances of a rule).
    Trees are frozen: a part without a renamed name is shared, not copied."""
    if isinstance(expr, Ref):
        name = mapping.get(expr.name, expr.name)
        return expr if name == expr.name else Ref(name)
    if isinstance(expr, Op):
        left = rename(expr.left, mapping)
        right = rename(expr.right, mapping) if expr.right is not None else None
        return expr if left is expr.left and right is expr.right else Op(expr.op, left, right)
    if isinstance(expr, Call):
        args = _renamed(expr.args, mapping)
        return expr if args is expr.args else Call(expr.fn, args)
    if isinstance(expr, Compare):
        args = _renamed(expr.operands, mapping)
        return expr if args is expr.operands else Compare(expr.ops, args)
    if isinstance(expr, Logic):
        args = _renamed(expr.args, mapping)
        return expr if args is expr.args else Logic(expr.op, args)
    return expr


def _renamed(args: tuple[Expr, ...], mapping: dict[str, str]) -> tuple[Expr, ...]:
    new = tuple(rename(a, mapping) for a in args)
    return args if all(n is a for n, a in zip(new, args, strict=True)) else new


def is_linear(expr: Expr) -> bool:
    """Only + - and the first form's functions: its tolerance is a sum of half-units."""
    if isinstance(expr, Op) and expr.op in ("*", "/"):
        return False
    if isinstance(expr, Call) and expr.fn not in ("sum", "count", "grade"):
        return False
    if isinstance(expr, Logic) or (isinstance(expr, Compare) and "<>" in expr.ops):
        return False
    return all(is_linear(c) for c in children(expr))
