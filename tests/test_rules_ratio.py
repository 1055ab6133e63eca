"""The rule language beyond sums: products, ratios, min/max, round, if, sumif, percentages and
conditions, with interval arithmetic in Python and the same tests compiled for Excel; a real
engine (LibreOffice) recalculates the compiled formulas and must show what Python cached."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import lo
import openpyxl
import pytest
import xlsxwriter

from selfeval_xl.model.money import Interval
from selfeval_xl.model.spec import GradeBand
from selfeval_xl.rules.evaluate import evaluate, live_text, precision_shown, value_of
from selfeval_xl.rules.excel import ExcelCompiler
from selfeval_xl.rules.parse import Call, Logic, Num, Op, Ref, RuleSyntaxError, parse

# name → (cell, precision, is an amount)
SCALARS = {
    "f.executed": ("B1", 2, True), "f.budget": ("B2", 2, True), "f.weight": ("B3", 2, False),
    "f.rate": ("B4", 4, False), "f.score": ("B5", 2, False), "f.reason": ("B6", None, False),
    "i.nature": ("B7", None, False), "i.target": ("B8", 4, False), "i.actual": ("B9", 4, False),
    "i.expected": ("B10", 2, False), "i.grade": ("B11", None, False),
}
COLUMNS = {"t.level": ("D1:D4", None, False), "t.weight": ("E1:E4", 2, False)}
GRADES = (GradeBand("优", D(90)), GradeBand("良", D(80)), GradeBand("中", D(60)), GradeBand("差", D(0)))

COMPUTED = {
    "f.rate": "round(f.executed / f.budget, 4)",
    "i.expected": 'if(i.nature = "≥" and filled(i.target) and filled(i.actual), '
                  "if(i.actual >= i.target, f.weight, round(i.actual / i.target * f.weight, 2)), "
                  'if(i.nature = "≤" and filled(i.target) and filled(i.actual), '
                  'if(i.actual <= i.target, f.weight, round(i.target / i.actual * f.weight, 2)), ""))',
}
RULES: list[tuple[str, str | None]] = [  # (expr, when)
    ("f.rate = round(f.executed / f.budget, 4)", None),
    ("f.score = round(min(f.rate, 1) * f.weight, 2)", "filled(f.rate)"),
    ("filled(f.reason)", "filled(f.rate) and f.rate < 90%"),
    ("abs(f.score - i.expected) <= 0.01", "filled(i.expected)"),
    ('if(i.grade = "达成", 0.8, if(i.grade = "部分达成", 0.6, 0)) * f.weight <= f.score'
     ' <= if(i.grade = "达成", 1, if(i.grade = "部分达成", 0.8, 0.6)) * f.weight', "filled(i.grade)"),
    ('sumif(t.weight, t.level, "产出") = 50 and sumif(t.weight, t.level, "效益") = 30', None),
    ("f.executed <= max(f.budget, f.weight) * 2", None),
]


class Env:
    """The evaluator's view of a dict of typed values (the test's own, mirroring ValuesEnv)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def value(self, name: str) -> Any:
        return self.values.get(name)

    def column(self, name: str) -> list[Any]:
        return self.values.get(name, [None] * 4)

    def precision(self, name: str) -> int | None:
        return {**SCALARS, **COLUMNS}[name][1]

    def interval(self, name: str) -> bool:
        return {**SCALARS, **COLUMNS}[name][2]

    def is_column(self, name: str) -> bool:
        return name in COLUMNS

    def grade(self, score: D) -> str:
        return next(g.grade for g in GRADES if score >= g.min)


def compiler() -> ExcelCompiler:
    def resolve(name: str) -> str:
        ref = {**SCALARS, **COLUMNS}[name][0]
        return ":".join("$" + "".join(ch for ch in part if ch.isalpha()) + "$" + "".join(ch for ch in part if ch.isdigit())
                        for part in ref.split(":"))

    return ExcelCompiler(resolve, lambda n: n in COLUMNS, lambda n: {**SCALARS, **COLUMNS}[n][1], GRADES,
                         lambda n: {**SCALARS, **COLUMNS}[n][2])


def computed_value(expr: str, env: Env) -> D | str | None:
    try:
        v = value_of(parse(expr), env)
    except ZeroDivisionError:
        return None
    if isinstance(v, Interval):
        return v.value
    return v or None


def with_computed(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for name, expr in COMPUTED.items():
        out[name] = computed_value(expr, Env(out))
    return out


def needs(expr: str) -> str:
    """A rule that demands a filled cell must not skip because that cell is blank."""
    return "none" if expr.startswith("filled(") else "any"


def check_texts(values: dict[str, Any]) -> list[str]:
    env = Env(values)
    out = []
    for expr, when in RULES:
        tree = parse(expr)
        chained = len(getattr(tree, "ops", ())) > 1
        out.append(live_text(evaluate(tree, env, needs=needs(expr), when=parse(when) if when else None), chained))
    return out


# -- the language ---------------------------------------------------------------------------------

def test_parse_new_shapes():
    assert parse("90%") == Num(D("0.9"))
    assert parse("a * b / c") == Op("/", Op("*", Ref("a"), Ref("b")), Ref("c"))
    assert parse("a + b * c") == Op("+", Ref("a"), Op("*", Ref("b"), Ref("c")))
    assert parse("filled(a) and not a < 1 or b = 2").op == "or"
    assert parse("min(a, 1)") == Call("min", (Ref("a"), Num(D(1))))
    assert isinstance(parse("not filled(x)"), Logic)


@pytest.mark.parametrize("bad", ["round(a, b)", "round(a, 1.5)", "sum(a + b) = 1", "min(a) = 1", "a <> b <> c",
                                 "if(a, b) = 1", "and = 1", "a % b", "filled(1)"])
def test_parse_rejects_misuse(bad):
    with pytest.raises(RuleSyntaxError):
        parse(bad)


def test_division_of_intervals():
    env = Env({"f.executed": D("179.99"), "f.budget": D("200.00")})
    v = value_of(parse("f.executed / f.budget"), env)
    assert isinstance(v, Interval)
    assert v.value == D("0.89995")
    assert v.lo == D("179.985") / D("200.005") and v.hi == D("179.995") / D("199.995")
    rounded = value_of(parse("round(f.executed / f.budget, 4)"), env)
    assert (rounded.value, rounded.lo, rounded.hi) == (D("0.9000"), D("0.8999"), D("0.9000"))


@pytest.mark.parametrize("budget", [D(0), D("0.00"), None])
def test_division_by_an_interval_holding_zero_is_undefined(budget):
    env = Env({"f.executed": D("10.00"), "f.budget": budget, "f.rate": D("0.5")})
    out = evaluate(parse("f.rate = round(f.executed / f.budget, 4)"), env)
    assert out.status == "undefined"
    assert live_text(out, False) == "✘ 除数为零，无法计算"
    # the branch that divides is not taken: no zero divisor
    env = Env({"i.nature": "≥", "i.target": D(0), "i.actual": D(5), "f.weight": D(10)})
    assert computed_value(COMPUTED["i.expected"], env) == D(10)


def test_funds_score_and_low_execution():
    score = parse("f.score = round(min(f.rate, 1) * f.weight, 2)")
    env = Env({"f.rate": D("1.05"), "f.weight": D(10), "f.score": D(10)})
    assert evaluate(score, env).status == "ok"
    env.values["f.score"] = D("9.5")
    out = evaluate(score, env)
    assert out.status == "fail" and live_text(out, False) == "✘ 差额 0.50"
    low = parse("filled(f.reason)")
    when = parse("filled(f.rate) and f.rate < 90%")
    assert evaluate(low, Env({"f.rate": D("0.8999")}), needs="none", when=when).status == "fail"
    assert evaluate(low, Env({"f.rate": D("0.9")}), needs="none", when=when).status == "skip"
    assert evaluate(low, Env({"f.rate": D("0.5"), "f.reason": "资金拨付滞后"}), needs="none", when=when).status == "ok"
    assert evaluate(low, Env({}), needs="none", when=when).status == "skip"


def test_expected_score_directions():
    def expected(nature: str, target: str, actual: str) -> Any:
        return computed_value(COMPUTED["i.expected"], Env({"i.nature": nature, "i.target": D(target),
                                                           "i.actual": D(actual), "f.weight": D(10)}))

    assert expected("≥", "100", "120") == D(10)
    assert expected("≥", "100", "95") == D("9.50")
    assert expected("≤", "10", "8") == D(10)
    assert expected("≤", "10", "12.5") == D("8.00")  # 10 / 12.5 × 10
    assert expected("定性", "1", "1") is None


def test_qualitative_band_and_shares():
    band = parse(RULES[4][0])
    env = Env({"i.grade": "部分达成", "f.weight": D(10), "f.score": D(7)})
    assert evaluate(band, env).status == "ok"
    env.values["f.score"] = D("8.5")
    assert live_text(evaluate(band, env), True) == "✘ 超出范围"
    shares = parse(RULES[5][0])
    env = Env({"t.level": ["产出", "产出", "效益", "满意度"], "t.weight": [D(30), D(20), D(30), D(10)]})
    assert evaluate(shares, env).status == "ok"
    env.values["t.weight"] = [D(30), D(15), D(30), D(10)]
    out = evaluate(shares, env)
    assert out.status == "fail" and live_text(out, False) == "✘ 差额 5.00"


def test_linear_rules_compile_as_before():
    """The first form's formulas are part of every submitted file: they must not change."""
    c = compiler()
    assert c.live_check(parse("f.executed = f.budget + f.weight")) == (
        'IF(AND($B$1="",$B$2="",$B$3=""),"—",IFERROR(IF(ROUND(ABS(($B$1)-($B$2+$B$3)),9)<=ROUND(0.01,9),"✔",'
        '"✘ 差额 "&TEXT(ABS(($B$1)-($B$2+$B$3)),"0.00")),"✘ 非数值"))')


# -- a real engine ---------------------------------------------------------------------------------

CASES: dict[str, dict[str, Any]] = {
    "full": {"f.executed": D("200.00"), "f.budget": D("200.00"), "f.weight": D(10), "f.score": D(10)},
    "edge": {"f.executed": D("179.99"), "f.budget": D("200.00"), "f.weight": D(10), "f.score": D(9)},
    "low": {"f.executed": D("179.97"), "f.budget": D("200.00"), "f.weight": D(10), "f.score": D("8.99")},
    "zero": {"f.executed": D("15.00"), "f.budget": D("0.00"), "f.weight": D(10), "f.score": D(10)},
    "over": {"f.executed": D("250.00"), "f.budget": D("200.00"), "f.weight": D(10), "f.score": D("9.5"),
             "i.nature": "≤", "i.target": D(10), "i.actual": D("12.5"), "i.grade": "部分达成",
             "t.level": ["产出", "产出", "效益", None], "t.weight": [D(30), D(20), D(30), None]},
    "missed": {"f.executed": D("120.00"), "f.budget": D("150.00"), "f.weight": D(10), "f.score": D(10),
               "f.reason": "资金拨付滞后", "i.nature": "≥", "i.target": D(100), "i.actual": D(95),
               "t.level": ["产出", "效益", "效益", "满意度"], "t.weight": [D(45), D(20), D(10), D(10)]},
}


def _write(path: Path) -> dict[str, tuple[dict[str, Any], list[str]]]:
    """One sheet per case: inputs, computed cells and live checks, with Python's cached values."""
    c = compiler()
    wb = xlsxwriter.Workbook(str(path))
    expected: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for case, values in CASES.items():
        ws = wb.add_worksheet(case)
        full = with_computed(values)
        for name, (ref, _p, _m) in SCALARS.items():
            v = full.get(name)
            if name in COMPUTED:
                ws.write_formula(ref, "=" + c.computed(parse(COMPUTED[name])), None, "" if v is None else float(v))
            elif isinstance(v, str):
                ws.write_string(ref, v)
            elif v is not None:
                ws.write_number(ref, float(v))
        for name, (ref, _p, _m) in COLUMNS.items():
            for i, v in enumerate(values.get(name, [])):
                cell = f"{ref[0]}{i + 1}"
                if isinstance(v, str):
                    ws.write_string(cell, v)
                elif v is not None:
                    ws.write_number(cell, float(v))
        texts = check_texts(full)
        for k, ((expr, when), text) in enumerate(zip(RULES, texts, strict=True)):
            tree = parse(expr)
            formula = c.live_check(tree, needs(expr), parse(when) if when else None, precision_shown(tree, c.precision))
            ws.write_formula(f"G{k + 1}", "=" + formula, None, text)
        expected[case] = (full, texts)
    wb.close()
    return expected


@pytest.mark.libreoffice
def test_libreoffice_agrees_at_the_boundaries(tmp_path):
    src = tmp_path / "ratios.xlsx"
    expected = _write(src)
    out = lo.recalc(src, tmp_path / "out")
    wb = openpyxl.load_workbook(out, data_only=True)
    for case, (full, texts) in expected.items():
        ws = wb[case]
        got = [ws[f"G{k + 1}"].value for k in range(len(RULES))]
        assert got == texts, case
        for name in COMPUTED:
            cell = ws[SCALARS[name][0]].value
            want = full.get(name)
            if want is None:
                assert cell in (None, ""), (case, name, cell)
            else:
                assert cell is not None and D(repr(cell)) == want, (case, name, cell, want)
    # the boundaries the issue names, as LibreOffice computed them
    assert wb["full"]["B4"].value == 1 and wb["edge"]["B4"].value == 0.9
    assert wb["zero"]["B4"].value in (None, "") and wb["zero"]["G1"].value == "✘ 除数为零，无法计算"
    assert wb["edge"]["G3"].value == "—" and wb["low"]["G3"].value == "✘ 未满足"
