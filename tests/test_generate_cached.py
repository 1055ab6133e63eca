"""Cached formula results computed in Python (the LibreOffice tests prove they equal Excel's)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from generate_seed import SEED

from selfeval_xl.generate.cached import cached_values
from selfeval_xl.layout import build_layout
from selfeval_xl.spec import default_template


@pytest.fixture(scope="module")
def t():
    return default_template()


def _check(layout, values, rule_id: str, unit: int | None = 0):
    cached = cached_values(layout, values)
    inst = next(i for i in layout.instances if i.rule.id == rule_id and (i.unit == unit or i.unit is None))
    return cached[inst.check]


def _result(layout, values, rule_id: str):
    cached = cached_values(layout, values)
    return next(cached[f.cell] for f in layout.formulas if f.kind == "result" and f.rule == rule_id)


def _counts(layout, values):
    cached = cached_values(layout, values)
    return [cached[f.cell] for f in layout.formulas if f.kind == "count"]


def test_seed_passes_and_one_change_fails(t) -> None:
    lay = build_layout(t, 1)
    assert _check(lay, SEED, "expenditure-total") == "✔"
    wrong = {**SEED, "expenditure.project": D("31")}
    assert _check(lay, wrong, "expenditure-total") == "✘ 差额 1.00"
    assert _result(lay, wrong, "expenditure-total") == "✘ 1 处"
    assert _counts(lay, wrong) == [1, 0]
    assert _check(lay, SEED, "expenditure-total") == "✔"  # the memo keeps values apart


def test_rounding_from_yuan_is_tolerated(t) -> None:
    lay = build_layout(t, 1)
    v = {"expenditure.total": D("434.72"), "expenditure.basic": D("434.16"), "expenditure.project": D("0.55")}
    assert _check(lay, v, "expenditure-total") == "✔"
    v["expenditure.project"] = D("0.53")
    assert _check(lay, v, "expenditure-total") == "✘ 差额 0.03"


def test_text_in_amounts_is_taken_as_the_checker_takes_it(t) -> None:
    lay = build_layout(t, 1)
    v = {"expenditure.total": "96", "expenditure.basic": D("66"), "expenditure.project": D("30")}
    assert _check(lay, v, "expenditure-total") == "✔"
    v["expenditure.total"] = "９７万元"
    assert _check(lay, v, "expenditure-total") == "✘ 差额 1.00"
    assert _result(lay, v, "text-number") == "✘ 1 处"
    v["expenditure.total"] = "九十六"  # not a number: the rule is skipped, the cell is counted
    assert _check(lay, v, "expenditure-total") == "—"
    assert _result(lay, v, "not-a-number") == "✘ 1 处"


def test_warnings_counted_apart_and_blank_is_dash(t) -> None:
    lay = build_layout(t, 1)
    assert _counts(lay, {})[1] == 0 and _counts(lay, SEED) == [0, 0]
    assert _result(lay, {}, "staff-over-quota") == "✔" and _check(lay, {}, "staff-over-quota") == "—"
    v = {**SEED, "staff.authorized": 5, "staff.actual": 7}
    assert _check(lay, v, "staff-over-quota") == "✘ 超出 2"
    assert _counts(lay, v) == [0, 1]


def test_title_unit_names_and_footers(t) -> None:
    lay = build_layout(t, 2)
    v = {"report.region": "临湘市", "report.year": 2021, "units.name.u2": "中心",
         "indicators[1].weight": D("60"), "indicators[2].weight": D("40.5"), "indicators[3].weight": "x"}
    cached = cached_values(lay, v)
    title = next(f for f in lay.formulas if f.kind == "title")
    assert cached[title.cell] == "临湘市2021年度部门（单位）整体支出绩效评价自评报告"
    row = lay.cell("expenditure.total.u2").row  # a later table shows the first table's unit names
    names = [cached[f.cell] for f in lay.formulas if f.kind == "unit_name" and f.cell.row == row]
    assert names == ["中心"]  # the unit name, copied beside the unit's row
    footer = next(f for f in lay.formulas if f.kind == "footer" and f.formula.startswith("SUM($F"))
    assert cached[footer.cell] == pytest.approx(100.5)
    assert _check(lay, v, "indicator-weights", unit=None) == "—"  # "x" is no number: skipped, as the checker does
    v["indicators[3].weight"] = None
    assert _check(lay, v, "indicator-weights", unit=None) == "✘ 差额 0.50"
