"""A clean 项目支出绩效自评表 (form 2) as values by input name, and helpers to break it.

One department (临湘市交通运输局) with projects whose figures all agree: funds totals, 执行率,
资金得分, weights 90 with shares 50/30/10, scores within weights, 正向/反向 expected scores,
a 定性 indicator inside its band, deviation reasons where a score is below its weight.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from selfeval_xl.model.snapshot import Snapshot
from selfeval_xl.model.spec import scoped
from selfeval_xl.spec import default_template

FORM = "project-selfeval"
DEPT = {"dept.name": "临湘市交通运输局", "dept.code": "909001", "report.year": 2021,
        "contact.name": "李强", "contact.phone": "0730-3721234"}

INDICATORS: list[dict[str, Any]] = [
    {"level1": "产出指标", "level2": "数量指标", "level3": "养护里程", "nature": "≥", "target": D(120), "unit": "公里",
     "actual": D(125), "weight": D(20), "score": D(20)},
    {"level1": "产出指标", "level2": "质量指标", "level3": "路况优良率", "nature": "≥", "target": D(85), "unit": "%",
     "actual": D(88), "weight": D(15), "score": D(15)},
    {"level1": "产出指标", "level2": "时效指标", "level3": "按期完工率", "nature": "=", "target": D(100), "unit": "%",
     "actual": D(100), "weight": D(10), "score": D(10)},
    {"level1": "产出指标", "level2": "成本指标", "level3": "每公里养护成本", "nature": "≤", "target": D("1.2"),
     "unit": "万元", "actual": D("1.1"), "weight": D(5), "score": D(5)},
    {"level1": "效益指标", "level2": "社会效益指标", "level3": "群众出行条件", "nature": "定性", "target": "明显改善",
     "actual": "有所改善", "grade": "达成", "weight": D(15), "score": D(14),
     "deviation": "部分路段雨季通行仍受影响，下年度增加排水设施养护。"},
    {"level1": "效益指标", "level2": "可持续影响指标", "level3": "道路使用年限", "nature": "≥", "target": D(10), "unit": "年",
     "actual": D(10), "weight": D(15), "score": D(15)},
    {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "沿线群众满意度", "nature": "≥", "target": D(90),
     "unit": "%", "actual": D(93), "weight": D(10), "score": D(10)},
]


def project(name: str = "农村公路养护", code: str = "430682-2021-001") -> dict[str, Any]:
    """One clean project sheet's values by spec key (执行率 138.50 ÷ 140.00 = 98.93%, 资金得分 9.89)."""
    values: dict[str, Any] = {
        "project.name": name, "project.code": code, "project.department": DEPT["dept.name"],
        "project.implementer": "临湘市公路建设养护中心", "project.leader": "张华", "project.phone": "13907301234",
        "funds.total.initial": D("120.00"), "funds.total.budget": D("140.00"), "funds.total.executed": D("138.50"),
        "funds.current.initial": D("100.00"), "funds.current.budget": D("120.00"), "funds.current.executed": D("118.50"),
        "funds.carryover.initial": D("20.00"), "funds.carryover.budget": D("20.00"), "funds.carryover.executed": D("20.00"),
        "funds.other.initial": D(0), "funds.other.budget": D(0), "funds.other.executed": D(0),
        "funds.weight": D(10), "funds.score": D("9.89"),
        "evaluation.score": D("98.89"), "evaluation.grade": "优",
        "project.conclusion": "项目按计划实施，资金执行率较高，绩效目标基本实现。",
        "project.problems": "个别路段养护标准偏低。", "project.improvements": "加强日常巡查，提高养护标准。",
        "project_goals[1].target": "完成农村公路养护125公里，路况优良率85%以上。",
        "project_goals[1].actual": "完成养护125公里，路况优良率88%。",
    }
    for i, row in enumerate(INDICATORS, start=1):
        for col, v in row.items():
            values[f"project_indicators[{i}].{col}"] = v
    return values


def workbook_values(projects: list[dict[str, Any]], dept: dict[str, Any] | None = None) -> dict[str, Any]:
    """Generator values for a workbook: the department, then each project on its own sheet."""
    sheet = default_template(FORM).repeated_sheet()
    assert sheet is not None
    out = dict(DEPT if dept is None else dept)
    for k, values in enumerate(projects, start=1):
        out.update({scoped(sheet.name.format(n=k), key): v for key, v in values.items()})
    return out


def raw_of(values: dict[str, Any]) -> dict[str, Any]:
    """What the reader would hand over: floats for numbers, and each computed cell's value as the
    workbook computes it (执行率, 参考得分)."""
    from selfeval_xl.generate.cached import computed_results
    from selfeval_xl.layout import build_layout

    t = default_template(FORM)
    layout = build_layout(t, 1, max(1, sum(1 for k in values if k.endswith("!project.name"))))
    raw = {k: float(v) if isinstance(v, D) else v for k, v in values.items()}
    raw.update({k: v for k, v in computed_results(layout, values).items() if v != ""})
    return raw


def snapshot(values: dict[str, Any], copies: int | None = None) -> Snapshot:
    raw = raw_of(values)
    n = copies or max(1, sum(1 for k in raw if k.endswith("!project.name")))
    return Snapshot(path="p.xlsx", template_id=FORM, template_version="1.0", copies=n, raw=raw)
