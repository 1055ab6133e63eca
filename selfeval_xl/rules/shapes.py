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
from selfeval_xl.rules.parse import Expr, refs, rename

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
        names: list[str] = []
        for e in exprs:
            if e is not None:
                names += [n for n in refs(e) if n not in names]
        canon = {n: f"n{i}" for i, n in enumerate(names)}
        shape = tuple(rename(e, canon) if e is not None else None for e in exprs)
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


def _placeholders(comp: ExcelCompiler, facts: tuple[tuple[bool, int | None, bool, bool], ...]) -> ExcelCompiler:
    """A compiler over the placeholder names n0, n1, …: references are holes, facts are the real ones."""

    def fact(name: str) -> tuple[bool, int | None, bool, bool]:
        return facts[int(name[1:])]

    return ExcelCompiler(lambda n: _RESOLVED.format(n[1:]), lambda n: fact(n)[0], lambda n: fact(n)[1],
                         comp.grades, lambda n: fact(n)[2], lambda n: fact(n)[3], lambda n: _RAW.format(n[1:]))
