"""rules.shapes compiles a formula once per shape: the filled-in shape must be exactly what the
compiler writes for the expression itself, for every check and computed cell of every form."""

from __future__ import annotations

import pytest

from selfeval_xl.layout import build_layout
from selfeval_xl.layout.types import Layout
from selfeval_xl.rules.evaluate import precision_shown
from selfeval_xl.rules.excel import ExcelCompiler
from selfeval_xl.rules.parse import parse
from selfeval_xl.rules.shapes import ShapedCompiler
from selfeval_xl.spec import default_template, template_ids


def _compiler(layout: Layout, sheet: str) -> ExcelCompiler:
    """Callbacks that tell every name apart (references carry the name and the sheet)."""
    t = layout.template

    def field(name: str):  # noqa: ANN202
        return layout.inputs[name].field if name in layout.inputs else t.column_field(name)

    def precision(name: str) -> int | None:
        f = field(name)
        return f.decimals if f is not None and f.numeric else None

    def interval(name: str) -> bool:
        f = field(name)
        return f is not None and f.type == "money"

    def required(name: str) -> bool:
        inp = layout.inputs.get(name)
        return inp is not None and inp.table is None and inp.field.required

    return ExcelCompiler(lambda n: f"{sheet}!<{n}>", lambda n: n not in layout.inputs, precision, t.grades,
                         interval, required, lambda n: f"{sheet}!raw<{n}>")


@pytest.mark.parametrize("form", template_ids())
def test_shaped_formulas_equal_direct_compilation(form: str) -> None:
    t = default_template(form)
    shapes: dict = {}
    checked = 0
    for units in (1, 3):
        layout = build_layout(t, units, 3)
        for inst in layout.instances:
            comp = _compiler(layout, inst.check.sheet)
            prec = precision_shown(inst.expr, comp.precision)
            direct = comp.live_check(inst.expr, inst.rule.needs, inst.when, prec)
            assert ShapedCompiler(comp, shapes).live_check(inst.expr, inst.rule.needs, inst.when, prec) == direct
            checked += 1
        for name, tree in layout.computed.items():
            comp = _compiler(layout, layout.inputs[name].cell.sheet)
            assert ShapedCompiler(comp, shapes).computed(tree) == comp.computed(tree)
            checked += 1
    assert checked > 50
    assert len(shapes) < checked  # shapes were shared, so the cache was really used


def test_names_with_different_facts_do_not_share_a_shape() -> None:
    """Same tree, one name an amount (an interval), the other a count: different formulas."""
    def comp(money: bool) -> ExcelCompiler:
        return ExcelCompiler(lambda n: f"<{n}>", lambda n: False, lambda n: 2 if money or n != "a" else 0, (),
                             lambda n: money or n != "a", lambda n: False)

    shapes: dict = {}
    e = parse("a = b + c")
    amounts = ShapedCompiler(comp(True), shapes).live_check(e)
    counts = ShapedCompiler(comp(False), shapes).live_check(e)
    assert amounts == comp(True).live_check(e)
    assert counts == comp(False).live_check(e)
    assert amounts != counts
