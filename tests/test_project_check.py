"""Form 2 (项目支出绩效自评表): every rule of data-model.md §6 fires on its fault and stays quiet on
a clean return; findings name the project sheet; JSON carries `projects[]`."""

from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any

import pytest
from project_seed import project, snapshot, workbook_values

from selfeval_xl.check import check_snapshot
from selfeval_xl.model.codes import CODES


def broken(**changes: Any) -> dict[str, Any]:
    values = project()
    for k, v in changes.items():
        values[k.replace("__", ".")] = v
    return values


ROW = "project_indicators[{}].{}"
# rule id → (code, one clean project with one thing broken)
FAULTS: dict[str, tuple[str, dict[str, Any]]] = {
    "funds-total-initial": ("sum-mismatch", broken(funds__carryover__initial=D("25.00"))),
    "funds-total-budget": ("sum-mismatch", broken(funds__current__budget=D("121.00"))),
    "funds-total-executed": ("sum-mismatch", broken(funds__other__executed=D("1.00"))),
    "funds-score": ("funds-mismatch", broken(funds__score=D(10))),
    "low-execution-reason": ("reason-missing", broken(funds__total__executed=D("120.00"),
                                                      funds__current__executed=D("100.00"), funds__score=D("8.57"),
                                                      evaluation__score=D("97.57"))),
    "project-indicator-weights": ("indicator-weights", broken(**{ROW.format(1, "weight"): D(25)})),
    "project-level1-shares": ("indicator-weights", broken(**{ROW.format(1, "weight"): D(15), ROW.format(1, "score"): D(15),
                                                             ROW.format(6, "weight"): D(20), ROW.format(6, "score"): D(20)})),
    "project-indicator-score-cap": ("indicator-score", broken(**{ROW.format(2, "score"): D(16)})),
    "indicator-expected-score": ("expected-score", broken(**{ROW.format(4, "actual"): D("1.5")})),
    "qualitative-band": ("indicator-score", broken(**{ROW.format(5, "grade"): "部分达成"})),
    "deviation-reason-required": ("reason-missing", broken(**{ROW.format(5, "deviation"): None})),
    "project-total-score": ("indicator-score", broken(evaluation__score=D(97))),
    "project-grade-band": ("grade-mismatch", broken(evaluation__grade="良")),
}
# the rule checked through a typed-over computed cell: the read value disagrees with the formula
TYPED_RATE = 0.95


def findings_of(values: dict[str, Any], **raw_changes: Any) -> list[Any]:
    snap = snapshot(workbook_values([project(), values]))
    snap.raw.update(raw_changes)
    return check_snapshot(snap).findings


def test_clean_projects_pass_without_any_finding() -> None:
    for n in (1, 5):
        sub = check_snapshot(snapshot(workbook_values([project(f"项目{k}", f"P{k}") for k in range(n)])))
        assert sub.findings == [] and sub.status == "pass"
        assert [p.sheet for p in sub.parts] == [f"项目{k}" for k in range(1, n + 1)]


@pytest.mark.parametrize("rule", sorted(FAULTS))
def test_rule_fires_on_its_fault_on_the_right_sheet(rule: str) -> None:
    code, values = FAULTS[rule]
    found = [f for f in findings_of(values) if f.rule == rule]
    assert found, rule
    f = found[0]
    assert f.code == code and f.sheet == "项目2" and f.cell and f.message.strip() and "{" not in f.message
    assert f.severity == (CODES[code].severity if rule != "project-level1-shares" else "warning")


def test_typed_over_rate_disagrees() -> None:
    found = [f for f in findings_of(project(), **{"项目2!funds.rate": TYPED_RATE}) if f.rule == "funds-rate"]
    assert found and found[0].code == "funds-mismatch" and found[0].severity == "error"
    assert "95.00%" in found[0].message and "98.93%" in found[0].message  # rates read as percentages


def test_rate_boundaries() -> None:
    # exactly 100 %: full 资金得分, no reason needed
    exact = broken(funds__total__executed=D("140.00"), funds__current__executed=D("120.00"), funds__score=D(10),
                   evaluation__score=D(99))
    assert findings_of(exact) == []
    # 179.99 ÷ 200.00 = 89.995 % rounds to 90.00 %: not below 90 %, 资金得分 9.00
    edge = broken(funds__total__budget=D("200.00"), funds__current__budget=D("180.00"),
                  funds__total__executed=D("179.99"), funds__current__executed=D("159.99"),
                  funds__score=D(9), evaluation__score=D(98))
    assert findings_of(edge) == []
    below = broken(funds__total__budget=D("200.00"), funds__current__budget=D("180.00"),
                   funds__total__executed=D("179.97"), funds__current__executed=D("159.97"),
                   funds__score=D("9.00"), evaluation__score=D(98))
    assert [f.rule for f in findings_of(below)] == ["low-execution-reason"]


def test_zero_budget_is_a_clear_finding() -> None:
    zero = broken(funds__total__budget=D(0), funds__current__budget=D(0), funds__carryover__budget=D(0))
    found = findings_of(zero)
    z = [f for f in found if f.code == "zero-divisor"]
    assert len(z) == 1 and z[0].rule == "funds-rate" and z[0].severity == "error"
    assert "全年预算数" in z[0].message and "为零" in z[0].message and "#DIV" not in z[0].message


def test_quiet_when_unfilled() -> None:
    """A blank project sheet says what is required, nothing about arithmetic."""
    sub = check_snapshot(snapshot(workbook_values([project()]) | {"项目2!project.name": "空白项目"}, copies=2))
    rules = {f.rule for f in sub.findings if f.sheet == "项目2"}
    assert rules == {None}
    assert {f.code for f in sub.findings} == {"required-missing"}


def test_explained_warning() -> None:
    values = FAULTS["indicator-expected-score"][1] | {"explanations[1].rule": "indicator-expected-score",
                                                       "explanations[1].text": "成本上涨系材料价格上涨，已说明。"}
    found = [f for f in findings_of(values) if f.rule == "indicator-expected-score"]
    assert found and all(f.explained for f in found)


def test_json_projects() -> None:
    sub = check_snapshot(snapshot(workbook_values([project(), FAULTS["funds-score"][1]])))
    doc = json.loads(json.dumps(sub.to_json(), ensure_ascii=False))
    assert doc["template"] == {"id": "project-selfeval", "version": "1.0"}
    assert doc["dept"] == {"name": "临湘市交通运输局", "code": "909001"} and doc["year"] == 2021
    assert [p["sheet"] for p in doc["projects"]] == ["项目1", "项目2"]
    assert doc["projects"][0]["values"]["funds.rate"] == "0.9893"
    assert D(doc["projects"][1]["values"]["funds.score"]) == 10
    assert "project.name" not in doc["values"] and doc["values"]["dept.name"] == "临湘市交通运输局"
    assert {f["sheet"] for f in doc["findings"]} == {"项目2"}


def test_cached_results_are_not_trusted() -> None:
    """A stale or wrong 参考得分 in the file changes nothing: the checker recomputes it."""
    assert findings_of(project(), **{"项目2!project_indicators[4].expected": 1.0}) == []
    found = findings_of(FAULTS["indicator-expected-score"][1], **{"项目2!project_indicators[4].expected": 5.0})
    assert [f.rule for f in found] == ["indicator-expected-score"]
