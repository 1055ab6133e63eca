"""Property tests (issue 3 item 9): amounts rounded from 元 to 万元 never raise sum-mismatch;
moving one of them by more than twice the rule's tolerance always does."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_check_seed import snapshot

from selfeval_xl.check import check_snapshot
from selfeval_xl.rules.parse import Compare, Ref, parse, refs
from selfeval_xl.spec import default_template

T = default_template()
TOTAL_RULES = [r for r in T.rules if r.code == "sum-mismatch" and r.expr]
CENT = Decimal("0.01")


def wan(yuan: int) -> Decimal:
    """元 → 万元 with 2 decimals, as a unit's 决算 export rounds."""
    return (Decimal(yuan) / 10000).quantize(CENT, rounding=ROUND_HALF_UP)


def terms(rule_expr: str) -> tuple[str, list[str]]:
    e = parse(rule_expr)
    assert isinstance(e, Compare) and isinstance(e.operands[0], Ref)
    return e.operands[0].name, refs(e.operands[1])


def tolerance(n_values: int) -> Decimal:
    return Decimal("0.005") * n_values


def as_cell(d: Decimal, style: int) -> Any:
    """The same figure as a reader may hand it over: float, text, full-width text."""
    if style == 0:
        return float(d)
    if style == 1:
        return f"{d:f}"
    return f"{d:f}".translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789."})


yuan = st.integers(min_value=0, max_value=5_000_000_000)  # up to 50 亿元


def fired(raw: dict[str, Any], rule: str, units: int = 1) -> list[Any]:
    return [f for f in check_snapshot(snapshot(raw, units)).findings if f.rule == rule and f.code == "sum-mismatch"]


@pytest.mark.parametrize("rule", [r.id for r in TOTAL_RULES], ids=str)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rounded_amounts_never_mismatch(rule: str, data: st.DataObject) -> None:
    total_key, parts = terms(T.rule(rule).expr or "")
    amounts = data.draw(st.lists(yuan, min_size=len(parts), max_size=len(parts)))
    style = data.draw(st.integers(0, 2))
    raw = {k: as_cell(wan(a), style) for k, a in zip(parts, amounts, strict=True)}
    raw[total_key] = as_cell(wan(sum(amounts)), style)
    assert fired(raw, rule) == []


@pytest.mark.parametrize("rule", [r.id for r in TOTAL_RULES], ids=str)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_moving_one_amount_beyond_twice_the_tolerance_fires(rule: str, data: st.DataObject) -> None:
    total_key, parts = terms(T.rule(rule).expr or "")
    amounts = data.draw(st.lists(yuan, min_size=len(parts), max_size=len(parts)))
    values = {k: wan(a) for k, a in zip(parts, amounts, strict=True)}
    values[total_key] = wan(sum(amounts))
    tol = tolerance(len(parts) + 1)
    moved = data.draw(st.sampled_from(sorted(values)))
    steps = data.draw(st.integers(min_value=int(2 * tol / CENT) + 1, max_value=10_000_000))
    sign = data.draw(st.sampled_from([1, -1]))
    new = values[moved] + sign * steps * CENT
    if new < 0:  # keep amounts non-negative: move up instead
        new = values[moved] + steps * CENT
    values[moved] = new
    raw = {k: float(v) for k, v in values.items()}
    (f,) = fired(raw, rule)
    assert Decimal(f.args["difference"]) > Decimal(f.args["tolerance"]) == tol


@settings(max_examples=40, deadline=None)
@given(amounts=st.lists(yuan, min_size=2, max_size=5))
def test_units_rounded_from_yuan_never_mismatch(amounts: list[int]) -> None:
    units = len(amounts)
    raw: dict[str, Any] = {f"expenditure.project.u{u}": float(wan(a)) for u, a in enumerate(amounts, start=1)}
    raw["expenditure.project"] = float(wan(sum(amounts)))
    assert fired(raw, "units-total", units) == []
    raw["expenditure.project"] = float(wan(sum(amounts)) + tolerance(units + 1) * 2 + CENT)
    assert len(fired(raw, "units-total", units)) == 1


cell_values = st.one_of(
    st.none(), st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**30, 10**30),
    st.booleans(), st.datetimes(), st.dates(), st.sampled_from(["96万元", "９６．００", "1,234.5", "无", "优", "数量指标",
                                                               "2022年9月6日", "150****0101", "XX", "占50%", "人员经费1e400万元"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_cell_content_never_raises(data: st.DataObject) -> None:
    """Hostile content becomes findings: whatever a cell holds, the check returns a Submission."""
    from test_check_seed import seed_raw

    raw = seed_raw()
    names = sorted(raw) + ["indicators[12].weight", "indicators[12].score", "explanations[1].rule", "report.date"]
    for name in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=25)):
        raw[name] = data.draw(cell_values)
    sub = check_snapshot(snapshot(raw))
    assert sub.readable
    for f in sub.findings:
        assert f.message.strip() and not re.search(r"\{(label|value|detail|number|choices|precision)\}", f.message)
