"""Rule expressions: parsing, interval evaluation, and the Excel compiler agreeing with it."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from selfeval_xl.layout import build_layout
from selfeval_xl.rules.env import ValuesEnv
from selfeval_xl.rules.evaluate import evaluate, live_text
from selfeval_xl.rules.parse import Call, Compare, Num, Op, Ref, RuleSyntaxError, parse, refs, rename
from selfeval_xl.spec import default_template


@pytest.fixture(scope="module")
def t():
    return default_template()


@pytest.fixture(scope="module")
def layout(t):
    return build_layout(t, 1)


def env_for(t, layout, **values):
    return ValuesEnv(t, layout.inputs, {k.replace("__", "."): v for k, v in values.items()})


def test_parse_shapes():
    e = parse("a.b = c.d + e.f - 1")
    assert e == Compare(("=",), (Ref("a.b"), Op("-", Op("+", Ref("c.d"), Ref("e.f")), Num(D(1)))))
    assert parse("0 <= x.y <= 100").ops == ("<=", "<=")
    assert parse("sum(indicators.weight) = 100").operands[0] == Call("sum", (Ref("indicators.weight"),))
    assert refs(parse("a.b = a.b + c")) == ["a.b", "c"]
    assert rename(parse("a = b"), {"a": "a.u1"}) == Compare(("=",), (Ref("a.u1"), Ref("b")))


@pytest.mark.parametrize("bad", ["a = ", "a == b", "__import__('os')", "a = b; c", "foo(a) = 1", "a = 'x'", "sum(a, b) = 1"])
def test_parse_rejects(bad):
    with pytest.raises(RuleSyntaxError):
        parse(bad)


def test_interval_equality_rounding(t, layout):
    # 434.72 = 434.16 + 0.55 holds (rounding from 元 to 万元); data-model §2
    env = env_for(t, layout, expenditure__total=D("434.72"), expenditure__basic=D("434.16"), expenditure__project=D("0.55"))
    out = evaluate(parse("expenditure.total = expenditure.basic + expenditure.project"), env)
    assert out.status == "ok"
    assert out.pairs[0].tolerance == D("0.015")
    env = env_for(t, layout, expenditure__total=D("2218.71"), expenditure__basic=D("1713.37"), expenditure__project=D(0))
    out = evaluate(parse("expenditure.total = expenditure.basic + expenditure.project"), env)
    assert out.status == "fail" and out.pairs[0].difference == D("505.34")


def test_blank_rules_skip_and_blank_required_field_skips(t, layout):
    expr = parse("expenditure.total = expenditure.basic + expenditure.project")
    assert evaluate(expr, env_for(t, layout)).status == "skip"
    # a required total left blank while its parts are filled: its required-missing is the one
    # message, the rule does not also compare with "（空）"
    assert evaluate(expr, env_for(t, layout, expenditure__basic=D(66), expenditure__project=D(30))).status == "skip"
    out = evaluate(expr, env_for(t, layout, expenditure__total=D(95), expenditure__basic=D(66), expenditure__project=D(30)))
    assert out.status == "fail" and live_text(out, False) == "✘ 差额 1.00"
    # a column sum with blank cells is no blank required field: sum(indicators.score) still compares
    score_sum = parse("sum(indicators.score) = evaluation.score")
    assert evaluate(score_sum, env_for(t, layout, evaluation__score=D(90))).status == "fail"
    assert evaluate(score_sum, env_for(t, layout, **{"indicators[1].score": D(90)})).status == "skip"


def test_exact_integers_and_text(t, layout):
    expr = parse("staff.actual <= staff.authorized")
    assert evaluate(expr, env_for(t, layout, staff__actual=5, staff__authorized=4), needs="all").status == "fail"
    assert evaluate(expr, env_for(t, layout, staff__actual=4, staff__authorized=4), needs="all").status == "ok"
    assert evaluate(expr, env_for(t, layout, staff__actual=4), needs="all").status == "skip"
    grade = parse("evaluation.grade = grade(evaluation.score)")
    out = evaluate(grade, env_for(t, layout, evaluation__grade="良", evaluation__score=D(90)), needs="all")
    assert out.status == "fail" and live_text(out, False) == "✘ 应为 优"
    for score, g in [(D("89.99"), "良"), (D(80), "良"), (D("79.99"), "中"), (D(60), "中"), (D("59.99"), "差"), (D(100), "优")]:
        assert evaluate(grade, env_for(t, layout, evaluation__grade=g, evaluation__score=score), needs="all").status == "ok"


def test_text_in_numeric_field_skips(t, layout):
    expr = parse("expenditure.total = expenditure.basic + expenditure.project")
    assert evaluate(expr, env_for(t, layout, expenditure__total="九十六", expenditure__basic=D(66))).status == "skip"


def test_column_rules(t, layout):
    weights = {f"indicators[{i}].weight": D(w) for i, w in enumerate([50, 30, 20], start=1)}
    env = ValuesEnv(t, layout.inputs, weights)
    rule = t.rule("indicator-weights")
    out = evaluate(parse(rule.expr), env, when=parse(rule.when))
    assert out.status == "ok"
    weights["indicators[3].weight"] = D(10)
    assert evaluate(parse(rule.expr), env, when=parse(rule.when)).status == "fail"
    assert evaluate(parse(rule.expr), ValuesEnv(t, layout.inputs, {}), when=parse(rule.when)).status == "skip"


def test_every_instance_formula_compiles(layout):
    checks = [f for f in layout.formulas if f.kind == "check"]
    assert len(checks) == len(layout.instances)
    for f in checks:
        assert f.formula.count("(") == f.formula.count(")")
        assert "✔" in f.formula
