"""Every rule of data-model.md §2 fires on a broken snapshot and stays quiet on the seed."""

from __future__ import annotations

from typing import Any

import pytest
from test_check_seed import seed_raw, snapshot

from selfeval_xl.check import check_snapshot
from selfeval_xl.model.findings import Finding


def findings_of(raw: dict[str, Any], rule: str, units: int = 1) -> list[Finding]:
    return [f for f in check_snapshot(snapshot(raw, units)).findings if f.rule == rule]


def with_(**changes: Any) -> dict[str, Any]:
    raw = seed_raw()
    raw.update({k.replace("__", "."): v for k, v in changes.items()})
    return raw


def weighted(weights: list[Any], scores: list[Any] | None = None) -> dict[str, Any]:
    raw = seed_raw()
    for i, w in enumerate(weights, start=1):
        raw[f"indicators[{i}].weight"] = w
    for i, s in enumerate(scores or [], start=1):
        raw[f"indicators[{i}].score"] = s
    return raw


# rule id → (a raw snapshot that breaks it, code, severity, sheet, cell)
BROKEN = {
    "income-total": (with_(income__carryover=17.18), "sum-mismatch", "error", "收入", "B5"),
    "expenditure-total": (with_(expenditure__project=31.0), "sum-mismatch", "error", "支出", "B6"),
    "basic-total": (with_(expenditure__personnel=43.4), "sum-mismatch", "error", "支出", "C6"),
    "three-public-total": (with_(three_public__reception=1.5), "sum-mismatch", "error", "三公经费", "B5"),
    "assets-total": (with_(assets__total=20.65), "sum-mismatch", "error", "固定资产", "B5"),
    "three-public-within-spending": (with_(three_public__total=120.0, three_public__reception=120.0),
                                     "cross-check", "error", "三公经费", "B5"),
    "balance-identity": (with_(balance__accumulated=5.0), "cross-check", "warning", "支出", "H6"),
    "staff-over-quota": (with_(staff__actual=9.0), "cross-check", "warning", "基本概况", "B5"),
    "score-range": (with_(evaluation__score=105.0), "score-out-of-range", "error", "绩效自评", None),
    "grade-band": (with_(evaluation__grade="良"), "grade-mismatch", "error", "绩效自评", None),
    "indicator-weights": (weighted([50, 30, 15]), "indicator-weights", "error", "绩效自评", None),
    "indicator-score-cap": (weighted([50, 30, 20], [55, 25, 10]), "indicator-score", "error", "绩效自评", "G17"),
    "indicator-score-sum": (weighted([50, 30, 20], [45, 25, 10]), "indicator-score", "error", "绩效自评", None),
}


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_rule_fires(rule: str) -> None:
    raw, code, severity, sheet, cell = BROKEN[rule]
    found = findings_of(raw, rule)
    assert len(found) == 1, [f.message for f in found]
    f = found[0]
    assert (f.code, f.severity, f.sheet) == (code, severity, sheet)
    if cell:
        assert f.cell == cell
    assert f.message and f.args["reported"] and f.args["computed"]


@pytest.mark.parametrize("rule", sorted(BROKEN) + ["units-total"])
def test_rule_quiet_on_seed(rule: str) -> None:
    assert findings_of(seed_raw(), rule) == []


def test_weights_and_scores_consistent_are_quiet() -> None:
    raw = weighted([50, 30, 20], [45, 25, 20])
    for rule in ("indicator-weights", "indicator-score-cap", "indicator-score-sum"):
        assert findings_of(raw, rule) == []


def test_message_shape_of_data_model_example() -> None:
    (f,) = findings_of(with_(expenditure__project=31.0), "expenditure-total")
    assert f.message == "支出合计 96.00 ≠ 基本支出 66.00 + 项目支出 31.00 = 97.00（差额 1.00，允许误差 0.015）"
    assert f.args == {"reported": "96.00", "computed": "97.00", "difference": "1.00", "tolerance": "0.015"}
    assert f.field == "expenditure.total"


def test_grade_message() -> None:
    (f,) = findings_of(with_(evaluation__grade="良"), "grade-band")
    assert f.message == "评价等次“良”与绩效自评综合得分 90.00 不符，应为“优”"
    assert f.cell is not None and f.field == "evaluation.grade"


def test_bounds_messages() -> None:
    (hi,) = findings_of(with_(evaluation__score=105.0), "score-range")
    assert "超过 100" in hi.message
    (lo,) = findings_of(with_(evaluation__score=-5.0), "score-range")
    assert "低于 0" in lo.message
    (staff,) = findings_of(with_(staff__actual=9.0), "staff-over-quota")
    assert staff.message == "实有人数 9 超过 人员编制 7（超出 2）。如情况属实，请在“情况说明”表中选择“实有人数超编”并写明原因"
    assert staff.rule == "staff-over-quota"  # the id stays in the JSON


def test_rounding_from_yuan_is_not_an_error() -> None:
    # 434.72 = 434.16 + 0.55 (data-model §2): off by 0.01, within 3 × 0.005
    raw = with_(expenditure__total=434.72, expenditure__basic=434.16, expenditure__project=0.55)
    assert findings_of(raw, "expenditure-total") == []


def test_total_left_blank_is_required_missing_only() -> None:
    sub = check_snapshot(snapshot(with_(expenditure__total=None)))
    assert [(f.code, f.field) for f in sub.findings if f.severity == "error"] == [("required-missing", "expenditure.total")]


def test_blank_score_is_required_missing_only() -> None:
    raw = with_(evaluation__score=None)
    raw["indicators[1].score"] = 90.0
    sub = check_snapshot(snapshot(raw))
    assert [(f.code, f.field) for f in sub.findings if f.severity == "error"] == [("required-missing", "evaluation.score")]
    assert not any("（空）" in f.message for f in sub.findings)


def test_unusable_value_skips_the_rule_and_is_reported_once() -> None:
    sub = check_snapshot(snapshot(with_(expenditure__project="三十")))
    assert [f.code for f in sub.findings if f.field == "expenditure.project"] == ["not-a-number"]
    assert not [f for f in sub.findings if f.rule == "expenditure-total"]


def test_invalid_grade_is_invalid_choice_not_grade_mismatch() -> None:
    sub = check_snapshot(snapshot(with_(evaluation__grade="优秀")))
    assert [f.code for f in sub.findings if f.field == "evaluation.grade"] == ["invalid-choice"]


def _units_raw(a: float, b: float, total: float) -> dict[str, Any]:
    raw = seed_raw()
    raw["units.name.u1"], raw["units.name.u2"] = "网信办机关", "信息研究中心"
    for key in ("income.total", "income.carryover", "income.general_budget", "expenditure.total", "expenditure.basic",
                "expenditure.personnel", "expenditure.public", "expenditure.project", "three_public.total",
                "three_public.reception", "assets.total", "assets.in_use"):
        raw[f"{key}.u1"], raw[f"{key}.u2"] = raw[key], 0.0
    raw["expenditure.project.u1"], raw["expenditure.project.u2"] = a, b
    raw["expenditure.total.u1"], raw["expenditure.total.u2"] = 66.0 + a, b
    raw["expenditure.project"] = total
    raw["expenditure.total"] = 66.0 + total
    raw["balance.accumulated"] = raw["balance.current"] = None  # not what these tests are about
    return raw


def test_units_total_fires_and_names_the_units() -> None:
    found = findings_of(_units_raw(20.0, 10.0, 31.0), "units-total", units=2)
    assert {f.field for f in found} == {"expenditure.project", "expenditure.total"}
    f = next(f for f in found if f.field == "expenditure.project")
    assert f.sheet == "支出" and f.code == "sum-mismatch"
    assert "网信办机关 20.00" in f.message and "信息研究中心 10.00" in f.message


def test_units_total_quiet_when_consistent() -> None:
    raw = _units_raw(20.0, 10.0, 30.0)
    assert findings_of(raw, "units-total", units=2) == []
    assert findings_of(raw, "expenditure-total", units=2) == []


def test_per_unit_instance_names_the_unit() -> None:
    raw = _units_raw(20.0, 10.0, 30.0)
    raw["expenditure.total.u2"] = 11.0
    found = [f for f in findings_of(raw, "expenditure-total", units=2)]
    assert [f.field for f in found] == ["expenditure.total.u2"]
    assert found[0].message.startswith("信息研究中心：支出合计 11.00 ≠")


def test_column_sum_message() -> None:
    (f,) = findings_of(weighted([50, 30, 20], [45, 25, 10]), "indicator-score-sum")
    assert f.message == "得分合计 80.00 ≠ 绩效自评综合得分 90.00（差额 10.00）"
    assert (f.sheet, f.cell, f.field) == ("绩效自评", "G47", "indicators.score")
    (w,) = findings_of(weighted([50, 30, 15]), "indicator-weights")
    assert w.message == "分值合计 95.00 ≠ 100（差额 5.00）" and w.cell == "F47"
