"""Prefill value files: key validation, types, table flattening, exact decimals."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfeval_xl.prefill import PrefillError, dump_values, load_values, parse_values, units_in
from selfeval_xl.spec import default_template

T = default_template()


def _load(tmp_path: Path, text: str, name: str = "v.yaml") -> dict[str, object]:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return load_values(p, T)


def test_scalars_typed_and_exact(tmp_path: Path) -> None:
    v = _load(tmp_path, """
dept.name: 中共临湘市委网络安全和信息化委员会办公室
dept.code: 007017
report.year: 2021
report.date: 2022-09-06
contact.phone: 15080990101
staff: {authorized: 7, actual: 4}
income.total: 0.3
income.carryover: 0.1
income.general_budget: 0.2
expenditure.total: 434.72
expenditure.basic: "434.16"
evaluation.score: 90
""")
    assert v["dept.code"] == "007017"            # leading zero kept, not octal, not int
    assert v["contact.phone"] == "15080990101"
    assert v["report.year"] == 2021 and isinstance(v["report.year"], int)
    assert v["report.date"] == dt.date(2022, 9, 6)
    assert v["staff.authorized"] == 7 and v["staff.actual"] == 4
    total, parts = v["income.total"], (v["income.carryover"], v["income.general_budget"])
    assert isinstance(total, Decimal) and all(isinstance(p, Decimal) for p in parts)
    assert total == parts[0] + parts[1]            # 0.1 + 0.2 == 0.3 exactly: never went through float
    assert str(v["expenditure.total"]) == "434.72"
    assert v["expenditure.basic"] == Decimal("434.16")
    assert v["evaluation.score"] == Decimal(90)


def test_json_exact_too(tmp_path: Path) -> None:
    v = _load(tmp_path, json.dumps({"income.total": 0.3, "income.carryover": 0.1, "income.general_budget": 0.2,
                                    "dept.code": "906017", "report.date": "2022年9月6日"}), "v.json")
    assert v["income.total"] == v["income.carryover"] + v["income.general_budget"]
    assert str(v["income.total"]) == "0.3"
    assert v["report.date"] == dt.date(2022, 9, 6)


def test_tables_flattened_to_input_names(tmp_path: Path) -> None:
    v = _load(tmp_path, """
goals:
  - {target: 目标1：舆情管控, actual: 全部完成}
indicators:
  - {level1: 产出目标, level2: 数量指标, level3: 舆情管控, target: 完成任务, actual: 完成, weight: 20, score: 18.5}
  -
  - level1: 满意度
    level2: 社会公众或服务对象满意度
    deviation: 无
evaluators:
  - {name: 廖智, title: 副主任, unit: 市委网信办}
explanations:
  - {rule: staff-over-quota, text: 借调人员 2 名}
""")
    assert v["goals[1].target"] == "目标1：舆情管控"
    assert v["indicators[1].weight"] == Decimal(20)
    assert v["indicators[1].score"] == Decimal("18.5")
    assert "indicators[2].level1" not in v
    assert v["indicators[3].level2"] == "社会公众或服务对象满意度"
    assert v["evaluators[1].name"] == "廖智"
    assert v["explanations[1].rule"] == "staff-over-quota"
    # flat table-cell keys work as well
    assert parse_values("indicators[30].weight: 5", T) == {"indicators[30].weight": Decimal(5)}


def test_units_flat_nested_and_list() -> None:
    flat = parse_values("income.total.u1: 10\nincome.total.u2: 5.5\nunits.name.u1: 机关\nincome.total: 15.5", T)
    nested = parse_values("income: {total: {u1: 10, u2: 5.5}}\nunits: {name: {u1: 机关}}\nincome.total: 15.5", T)
    listed = parse_values("units:\n  - {name: 机关, income.total: 10}\n  - {income: {total: 5.5}}\nincome.total: 15.5", T)
    assert flat == nested == listed
    assert flat["income.total.u2"] == Decimal("5.5") and flat["units.name.u1"] == "机关"
    assert units_in(flat) == 2 and units_in({"income.total": 1}) == 1


@pytest.mark.parametrize(("text", "key"), [
    ("income.totl: 96", "income.totl"),
    ("income: {totl: 96}", "income.totl"),
    ("nosuch: 1", "nosuch"),
    ("indicators: [{wieght: 5}]", "indicators[1].wieght"),
    ("units: [{name: a, staff.actual: 3}]", "units[1].staff.actual"),
    ("staff.actual.u1: 3", "staff.actual.u1"),
    ("dept.name.u1: x", "dept.name.u1"),
])
def test_unknown_key_named(text: str, key: str) -> None:
    with pytest.raises(PrefillError) as ei:
        parse_values(text, T)
    assert f"未知字段 \"{key}\"" in str(ei.value)
    assert ei.value.key == key


def test_unknown_key_suggests_the_right_one() -> None:
    with pytest.raises(PrefillError, match='是否应为 "income.total"'):
        parse_values("income.totl: 96", T)


@pytest.mark.parametrize(("text", "key"), [
    ("income.total: 九十六", "income.total"),
    ("income.total: 96万元", "income.total"),
    ("income.total: true", "income.total"),
    ("income.total: [1, 2]", "income.total"),
    ("staff.actual: 4.5", "staff.actual"),
    ("report.year: 二〇二一", "report.year"),
    ("report.date: 下周", "report.date"),
    ("report.date: 2022-02-30", "report.date"),
    ("dept.name: {a: 1}", "dept.name"),
    ("evaluation.score: .nan", "evaluation.score"),
    ("indicators: [{weight: 十}]", "indicators[1].weight"),
])
def test_wrong_type_named(text: str, key: str) -> None:
    with pytest.raises(PrefillError) as ei:
        parse_values(text, T)
    assert f"\"{key}\"" in str(ei.value) and "应为" in str(ei.value)
    assert ei.value.key == key


def test_too_many_rows_names_the_table() -> None:
    rows = ", ".join("{target: x}" for _ in range(T.tables["goals"].rows + 1))
    with pytest.raises(PrefillError, match='表格 "goals"'):
        parse_values(f"goals: [{rows}]", T)
    with pytest.raises(PrefillError, match='表格 "indicators"'):
        parse_values("indicators[31].weight: 1", T)


def test_duplicate_and_syntax_errors(tmp_path: Path) -> None:
    with pytest.raises(PrefillError, match='"income.total" 重复'):
        parse_values("income.total: 1\nincome: {total: 2}", T)
    with pytest.raises(PrefillError, match='"income.total" 重复出现（第 3 行）'):
        parse_values("income.total: 1\ndept.name: x\nincome.total: 2", T)   # YAML would keep the last
    with pytest.raises(PrefillError, match='"income.total" 重复'):
        parse_values('{"income.total": 1, "income.total": 2}', T, json_format=True)
    with pytest.raises(PrefillError, match="第 2 行"):
        _load(tmp_path, "a: 1\n  b: [\n")
    with pytest.raises(PrefillError, match="找不到数据文件"):
        load_values(tmp_path / "missing.yaml", T)


def test_blank_values_are_left_out() -> None:
    assert parse_values("contact.name:\nevaluation.score: ~\ndept.name: ''", T) == {}


def test_dump_round_trips() -> None:
    src = parse_values("""
dept.code: '007'
income.total: 434.72
income.total.u1: 0.10
units.name.u1: 机关
report.date: 2022-09-06
narrative.overview: |-
  第一段
  第二段
indicators:
  - {level1: 产出目标, weight: 10}
  - {}
  - {level3: '123'}
""", T)
    text = dump_values(src, T)
    assert parse_values(text, T) == src
    assert "434.72" in text and "0.10" in text


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_any_amount_round_trips_exactly(d: Decimal) -> None:
    v = parse_values(dump_values({"income.total": d, "indicators[2].weight": d}, T), T)
    assert v["income.total"] == d and v["indicators[2].weight"] == d
    assert isinstance(v["income.total"], Decimal)
