"""Layout: deterministic placement shared by generator and reader."""

from __future__ import annotations

import pytest

from selfeval_xl.layout import build_layout
from selfeval_xl.spec import default_template
from selfeval_xl.spec.load import template_for


@pytest.fixture(scope="module")
def t():
    return default_template()


def test_contract_positions(t):
    lay = build_layout(t, 1)
    assert lay.names["expenditure.total"] == "'收支情况'!$B$11"  # data-model §3, version 1.1
    old = build_layout(template_for("dept-selfeval", "1.0"), 1)
    assert old.cell("expenditure.total").sheet == "支出"
    assert old.cell("expenditure.total").a1 == "B6"  # data-model §3 example (version 1.0)
    assert old.names["expenditure.total"] == "'支出'!$B$6"


def test_no_two_things_share_a_cell(t):
    for units in (1, 3):
        lay = build_layout(t, units)
        cells = [i.cell for i in lay.inputs.values()] + [s.cell for s in lay.statics] + [f.cell for f in lay.formulas]
        assert len(cells) == len(set(cells))


def test_units_names_and_instances(t):
    lay = build_layout(t, 3)
    for key in t.unit_tables["income"].columns:
        assert all(f"{key}.u{u}" in lay.names for u in (1, 2, 3))
    assert "units.name.u2" in lay.inputs
    per_rule = {}
    for inst in lay.instances:
        per_rule.setdefault(inst.rule.id, []).append(inst)
    assert len(per_rule["expenditure-total"]) == 4  # total row + 3 units
    n_amounts = sum(len(u.columns) for u in t.unit_tables.values())
    assert len(per_rule["units-total"]) == n_amounts
    assert "units-total" not in {i.rule.id for i in build_layout(t, 1).instances}


def test_every_rule_has_a_live_check(t):
    lay = build_layout(t, 2)
    assert {r.id for r in t.rules} == {i.rule.id for i in lay.instances}
    results = [f.rule for f in lay.formulas if f.kind == "result"]
    assert [r for r in results if r in {x.id for x in t.rules}] == [r.id for r in t.rules]
