"""The seed report's figures (临湘市委网信办 2021) as input values, shared by the generator tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

SEED: dict[str, Any] = {
    "report.region": "临湘市",
    "dept.name": "中共临湘市委网络安全和信息化委员会办公室",
    "dept.code": "906017",
    "report.year": 2021,
    "report.date": date(2022, 9, 6),
    "contact.name": "张三",
    "contact.phone": "0730-1234567",
    "staff.authorized": 7,
    "staff.actual": 4,
    "income.total": D("96"), "income.carryover": D("16.18"), "income.general_budget": D("79.82"),
    "income.gov_fund": D("0"), "income.special_account": D("0"), "income.other": D("0"),
    "expenditure.total": D("96"), "expenditure.basic": D("66"), "expenditure.personnel": D("42.26"),
    "expenditure.public": D("23.74"), "expenditure.project": D("30"),
    "balance.current": D("0"), "balance.accumulated": D("0"),
    "three_public.total": D("2"), "three_public.reception": D("2"), "three_public.vehicle_operation": D("0"),
    "three_public.vehicle_purchase": D("0"), "three_public.overseas": D("0"),
    "assets.total": D("19.65"), "assets.in_use": D("19.65"), "assets.leased": D("0"), "assets.other": D("0"),
    "evaluation.score": D("90"), "evaluation.grade": "优",
    "goals[1].target": "加强网络宣传和舆论引导", "goals[1].actual": "推送原创和上级稿件共计3526条",
    "indicators[1].level1": "产出目标", "indicators[1].level2": "数量指标",
    "indicators[1].level3": "专题专栏", "indicators[1].target": "10个", "indicators[1].actual": "10多个",
    "evaluators[1].name": "李四", "evaluators[1].title": "主任", "evaluators[1].unit": "临湘市委网信办",
    "dept.functions": "负责处理市委网络安全和信息化委员会日常事务工作。",
    "dept.tasks": "任务1：舆情管控\n任务2：网络宣传",
    "narrative.overview": "临湘市网信办成立于2019年。",
    "narrative.basic_spending": "基本支出主要用于人员和公用经费。",
    "narrative.project_spending": "项目资金主要用于全市网信工作会议。",
    "narrative.organization": "成立了绩效评价工作小组。",
    "narrative.management": "严格预算支出管理。",
    "narrative.performance": "网络宣传和舆情管控成效明显。",
    "narrative.problems": "绩效目标设置还不够细化。",
    "narrative.improvements": "进一步细化绩效目标。",
}


def faulty() -> dict[str, Any]:
    """Several faults at once: totals, grade, staff, indicator scores, text in an amount."""
    v = dict(SEED)
    v.update({
        "expenditure.project": D("31"),          # expenditure-total: 差额 1.00
        "staff.actual": 9,                        # staff-over-quota: 超出 2
        "evaluation.grade": "良",                 # grade-band: 应为 优
        "three_public.reception": "2万元",         # text in an amount: ✘ 非数值
        "assets.in_use": D("19.64"),              # within tolerance: ✔
        "indicators[1].weight": D("60"), "indicators[1].score": D("61"),
        "indicators[2].level1": "满意度", "indicators[2].weight": D("30"), "indicators[2].score": D("29"),
        "balance.accumulated": D("5"),
    })
    return v


def edge_cases(seed: int) -> dict[str, Any]:
    """Random figures around the tolerance and band edges (deterministic per seed)."""
    import random

    rnd = random.Random(seed)

    def amount() -> Any:
        pick = rnd.random()
        if pick < 0.08:
            return None
        if pick < 0.12:
            return rnd.choice(["96", " 12.5 ", "九十六", "2万元", "-3"])
        return D(rnd.randrange(-200, 100000)) / 100

    v: dict[str, Any] = dict(SEED)
    for key in list(v):
        if key.split(".")[0] in ("income", "expenditure", "balance", "three_public", "assets"):
            v[key] = amount()
    hair = [D("0"), D("0.01"), D("-0.01"), D("0.02"), D("0.03"), D("-0.03"), D("0.04"), D("0.015"), D("1")]
    # totals that differ from the sum of their parts by a hair: at, inside and outside tolerance
    sums = {"income.total": ["income.carryover", "income.general_budget", "income.gov_fund",
                             "income.special_account", "income.other"],
            "expenditure.basic": ["expenditure.personnel", "expenditure.public"],
            "expenditure.total": ["expenditure.basic", "expenditure.project"],
            "three_public.total": ["three_public.reception", "three_public.vehicle_operation",
                                   "three_public.vehicle_purchase", "three_public.overseas"],
            "assets.total": ["assets.in_use", "assets.leased", "assets.other"]}
    for total, parts in sums.items():
        vals = [v[k] for k in parts]
        if rnd.random() < 0.8 and all(isinstance(p, D) or p is None for p in vals):
            v[total] = sum((p for p in vals if p is not None), D(0)) + rnd.choice(hair)
    if isinstance(v["income.total"], D) and isinstance(v["expenditure.total"], D):
        v["balance.accumulated"] = v["income.total"] - v["expenditure.total"] + rnd.choice(hair)
    v["staff.authorized"] = rnd.choice([None, 0, 5, 7])
    v["staff.actual"] = rnd.choice([None, 0, 5, 8, "四"])
    v["evaluation.score"] = rnd.choice([None, D("0"), D("59.99"), D("60"), D("79.99"), D("80"), D("89.99"),
                                        D("90"), D("100"), D("100.01"), D("-1"), D("95.5")])
    v["evaluation.grade"] = rnd.choice([None, "优", "良", "中", "差", "很好"])
    weights = rnd.choice([[D("33.33"), D("33.33"), D("33.34")], [D("50"), D("50")], [D("40"), D("50")], []])
    for i, w in enumerate(weights, start=1):
        v[f"indicators[{i}].weight"] = w
        v[f"indicators[{i}].score"] = rnd.choice([None, w, w - D("0.5"), w + D("0.01"), "满分"])
    return v
