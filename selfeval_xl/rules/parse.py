"""A tiny, safe expression language for rules (no eval): comparisons over sums of field keys.

    rule    := sum (relop sum)*          relop: = <= >= < >
    sum     := term (("+" | "-") term)*
    term    := NUMBER | STRING | name | name "(" [sum ("," sum)*] ")" | "(" sum ")" | "-" term
    name    := IDENT ("." IDENT)*         a field key, a table column (indicators.weight) or a unit key
Functions: sum(column), count(column), grade(score).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

FUNCTIONS = {"sum": 1, "count": 1, "grade": 1}
RELOPS = ("<=", ">=", "=", "<", ">")


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
    op: str  # "+" | "-" | "neg"
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


Expr = Num | Str | Ref | Op | Call | Compare

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>\"[^\"]*\")|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)"
    r"|(?P<op><=|>=|[=<>+\-(),]))"
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

    def rule(self) -> Expr:
        first = self.sum()
        ops: list[str] = []
        operands = [first]
        while (tok := self.peek()) and tok[1] in RELOPS:
            ops.append(self.take()[1])
            operands.append(self.sum())
        if self.peek() is not None:
            raise RuleSyntaxError(f"表达式 {self.text!r} 末尾多余：{self.peek()[1]!r}")  # type: ignore[index]
        return Compare(tuple(ops), tuple(operands)) if ops else first

    def sum(self) -> Expr:
        left = self.term()
        while (tok := self.peek()) and tok[1] in ("+", "-"):
            op = self.take()[1]
            left = Op(op, left, self.term())
        return left

    def term(self) -> Expr:
        kind, value = self.take()
        if kind == "num":
            return Num(Decimal(value))
        if kind == "str":
            return Str(value[1:-1])
        if value == "-":
            return Op("neg", self.term())
        if value == "(":
            inner = self.sum()
            self.take(")")
            return inner
        if kind == "name":
            if (tok := self.peek()) and tok[1] == "(":
                if value not in FUNCTIONS:
                    raise RuleSyntaxError(f"未知函数 {value!r}")
                self.take("(")
                args = [self.sum()]
                while (tok := self.peek()) and tok[1] == ",":
                    self.take(",")
                    args.append(self.sum())
                self.take(")")
                if len(args) != FUNCTIONS[value]:
                    raise RuleSyntaxError(f"函数 {value} 需要 {FUNCTIONS[value]} 个参数")
                return Call(value, tuple(args))
            return Ref(value)
        raise RuleSyntaxError(f"表达式 {self.text!r} 中意外的 {value!r}")


def parse(text: str) -> Expr:
    """Parse a rule or condition; raises RuleSyntaxError naming the problem."""
    return _Parser(text).rule()


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
        elif isinstance(e, Op):
            walk(e.left)
            if e.right is not None:
                walk(e.right)
        elif isinstance(e, Call):
            for a in e.args:
                walk(a)
        elif isinstance(e, Compare):
            for a in e.operands:
                walk(a)

    walk(expr)
    return tuple(out)


def rename(expr: Expr, mapping: dict[str, str]) -> Expr:
    """A copy with names substituted (for per-unit and per-row instances of a rule)."""
    if isinstance(expr, Ref):
        return Ref(mapping.get(expr.name, expr.name))
    if isinstance(expr, Op):
        return Op(expr.op, rename(expr.left, mapping), rename(expr.right, mapping) if expr.right is not None else None)
    if isinstance(expr, Call):
        return Call(expr.fn, tuple(rename(a, mapping) for a in expr.args))
    if isinstance(expr, Compare):
        return Compare(expr.ops, tuple(rename(a, mapping) for a in expr.operands))
    return expr
