"""Compile each rule's Excel formula once per shape, not once per place it holds.

A 100-project workbook holds the same rules on every project sheet (and every row of a table):
the expressions differ only in the names they read. ExcelCompiler sees a name only through its
callbacks, so the formula of an expression is the formula of its shape (names replaced by
placeholders, what each callback says of each name kept in the key) with each placeholder's
reference filled in. The key holds everything the compiler can learn about a name; the test
compares every formula of every shipped form with the direct compilation.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from selfeval_xl.rules.excel import ExcelCompiler
from selfeval_xl.rules.parse import Call, Compare, Expr, Logic, Op, Ref

# Placeholders the compiler's output can never contain otherwise (control characters).
_RESOLVED = "\x01{}\x02"
_RAW = "\x03{}\x04"
_HOLE = re.compile(r"\x01(\d+)\x02|\x03(\d+)\x04")

Shape = tuple[object, ...]


class ShapedCompiler:
    """The compiler's live_check and computed, memoised by shape in `shapes` (one dict per
    layout build: the grades and the callbacks' meaning are the layout's)."""

    def __init__(self, comp: ExcelCompiler, shapes: dict[Shape, str]) -> None:
        self.comp = comp
        self.shapes = shapes

    def live_check(self, e: Expr, needs: str = "any", when: Expr | None = None, text_precision: int = 2) -> str:
        return self._compiled("live_check", (e, when), (needs, text_precision),
                              lambda c, s: c.live_check(s[0], needs, s[1], text_precision))

    def computed(self, e: Expr) -> str:
        return self._compiled("computed", (e, None), (), lambda c, s: c.computed(s[0]))

    def _compiled(self, kind: str, exprs: tuple[Expr, Expr | None], args: tuple[object, ...],
                  compile_: Callable[[ExcelCompiler, tuple[Expr, Expr | None]], str]) -> str:
        comp = self.comp
        canon: dict[str, str] = {}
        shape = tuple(_canonical(e, canon) if e is not None else None for e in exprs)
        names = list(canon)
        facts = tuple((comp.is_column(n), comp.precision(n), comp.interval(n), comp.required(n)) for n in names)
        key: Shape = (kind, shape, args, facts)
        text = self.shapes.get(key)
        if text is None:
            text = self.shapes[key] = compile_(_placeholders(comp, facts), shape)  # type: ignore[arg-type]

        def fill(m: re.Match[str]) -> str:
            if m.group(1) is not None:
                return comp.resolve(names[int(m.group(1))])
            return comp.raw(names[int(m.group(2))])

        return _HOLE.sub(fill, text)


def _canonical(e: Expr, canon: dict[str, str]) -> Expr:
    """`e` with each name replaced by n0, n1, … in order of first appearance (`canon` collects
    them): what parse.refs and parse.rename would give, in one walk."""
    if isinstance(e, Ref):
        name = canon.get(e.name)
        if name is None:
            name = canon[e.name] = f"n{len(canon)}"
        return Ref(name)
    if isinstance(e, Op):
        return Op(e.op, _canonical(e.left, canon), _canonical(e.right, canon) if e.right is not None else None)
    if isinstance(e, Call):
        return Call(e.fn, tuple(_canonical(a, canon) for a in e.args))
    if isinstance(e, Compare):
        return Compare(e.ops, tuple(_canonical(a, canon) for a in e.operands))
    if isinstance(e, Logic):
        return Logic(e.op, tuple(_canonical(a, canon) for a in e.args))
    return e


def _placeholders(comp: ExcelCompiler, facts: tuple[tuple[bool, int | None, bool, bool], ...]) -> ExcelCompiler:
    """A compiler over the placeholder names n0, n1, …: references are holes, facts are the real ones."""

    def fact(name: str) -> tuple[bool, int | None, bool, bool]:
        return facts[int(name[1:])]

    return ExcelCompiler(lambda n: _RESOLVED.format(n[1:]), lambda n: fact(n)[0], lambda n: fact(n)[1],
                         comp.grades, lambda n: fact(n)[2], lambda n: fact(n)[3], lambda n: _RAW.format(n[1:]))
