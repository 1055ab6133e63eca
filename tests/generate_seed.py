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
    "narrative.overview": "临湘市网信办成立于2019年。",
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
