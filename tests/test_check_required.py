"""Completeness: what the spec marks required is reported blank (0 is a value), a partly filled
row names its missing cell, and one mistake gives one message."""

from __future__ import annotations

from typing import Any

from test_check_seed import seed_raw, snapshot

from selfeval_xl.check import check_snapshot
from selfeval_xl.layout.completeness import UNITS_ONLY_TOTAL
from selfeval_xl.spec import default_template


def missing(raw: dict[str, Any], units: int = 1) -> list[str]:
    sub = check_snapshot(snapshot(raw, units))
    return [f.field for f in sub.findings if f.code == "required-missing"]


def test_near_empty_return_fails_with_every_missing_part() -> None:
    raw = {"dept.name": "临湘市某局", "report.year": 2021, "contact.name": "张三", "evaluation.score": 0.0,
           "evaluation.grade": "差", "indicators[1].level1": "产出目标", "indicators[1].level2": "数量指标",
           "indicators[1].target": "10个"}
    sub = check_snapshot(snapshot(raw))
    assert sub.status == "fail"
    got = missing(raw)
    t = default_template()
    expected = ["contact.phone", "staff.authorized", "staff.actual", "dept.functions", "dept.tasks",
                *t.unit_tables, *[k for k in t.fields if k.startswith("narrative.")], "goals", "evaluators"]
    assert sorted(got) == sorted(expected)
    assert len(got) == len(set(got))  # a blank amount table is one message, not one per cell


def test_zero_is_a_value_blank_is_not() -> None:
    raw = seed_raw()
    assert missing(raw) == []
    raw["income.gov_fund"] = None
    assert missing(raw) == ["income.gov_fund"]
    sub = check_snapshot(snapshot(raw))
    assert not [f for f in sub.findings if f.rule == "income-total"]  # the blank part is the one message


def test_partly_filled_rows_name_the_missing_cell() -> None:
    raw = seed_raw()
    raw["goals[2].target"] = "目标5：网络安全宣传周"
    raw["evaluators[3].title"] = "科员"
    raw["indicators[12].level3"] = "培训人次"
    sub = check_snapshot(snapshot(raw))
    found = {f.field: f.message for f in sub.findings if f.code == "required-missing"}
    assert set(found) == {"goals[2].actual", "evaluators[3].name", "indicators[12].target"}
    assert "实际完成（第2行）" in found["goals[2].actual"]


def test_merged_cell_habit_fills_level1_and_level2_down() -> None:
    raw = seed_raw()  # rows 2–5 leave 一级 (and some 二级) blank under the row above
    assert raw["indicators[2].level1"] is None and raw["indicators[2].level2"] is None
    assert missing(raw) == []
    raw["indicators[1].level1"] = None  # nothing above the first row: 一级 is missing there
    assert missing(raw) == ["indicators[1].level1", "indicators[2].level1", "indicators[3].level1",
                                                          "indicators[4].level1", "indicators[5].level1"]


def test_seed_layout_satisfaction_under_benefit_is_valid() -> None:
    raw = seed_raw()
    raw["indicators[11].level1"] = "效益目标"
    raw["indicators[11].level2"] = "社会公众或服务对象满意度"
    sub = check_snapshot(snapshot(raw))
    assert not [f for f in sub.findings if f.code == "invalid-choice"]
    raw["indicators[11].level2"] = "数量指标"
    sub = check_snapshot(snapshot(raw))
    assert [f.field for f in sub.findings if f.code == "invalid-choice"] == ["indicators[11].level2"]


def _units(total_only: bool) -> dict[str, Any]:
    raw = seed_raw()
    t = default_template()
    for ut in t.unit_tables.values():
        for key in ut.columns:
            for u in (1, 2, 3):
                raw[f"{key}.u{u}"] = None if total_only else (raw[key] if u == 1 else 0.0)
    raw.update({"units.name.u1": "机关", "units.name.u2": "中心", "units.name.u3": "站"})
    return raw


def test_only_the_department_total_filled_is_one_finding() -> None:
    sub = check_snapshot(snapshot(_units(total_only=True), units=3))
    errors = [f for f in sub.findings if f.severity == "error"]
    assert [(f.code, f.field) for f in errors] == [("required-missing", UNITS_ONLY_TOTAL)]
    assert "部门合计" in errors[0].message
    assert check_snapshot(snapshot(_units(total_only=False), units=3)).status != "fail"


def test_one_unit_row_partly_blank_names_its_cells() -> None:
    raw = _units(total_only=False)
    raw["assets.leased.u2"] = None
    assert missing(raw, units=3) == ["assets.leased.u2"]
