"""Hand-built checked submissions for the summary tests (no reader or checker involved).

Figures vary per department (derived from the code) so a wrong total cannot pass by accident.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from selfeval_xl.model import codes
from selfeval_xl.model.submission import Submission

INJECT_HYPERLINK = '=HYPERLINK("http://x","点我")'
INJECT_PLUS = "+1+1"


def figures(seed: int) -> dict[str, D]:
    """A consistent set of amounts (parts add up) that differs with `seed`."""
    personnel, public, project = D(40 + seed) + D("0.26"), D(20 + seed % 7) + D("0.74"), D(30 + 3 * seed) + D("0.05")
    basic = personnel + public
    total = basic + project
    carry = D(seed % 5) + D("0.18")
    reception, vehicle = D(seed % 3) + D("0.10"), D(seed % 4) + D("0.25")
    return {
        "income.total": total, "income.carryover": carry, "income.general_budget": total - carry,
        "income.gov_fund": D("0.00"), "income.special_account": D("0.00"), "income.other": D("0.00"),
        "expenditure.total": total, "expenditure.basic": basic, "expenditure.personnel": personnel,
        "expenditure.public": public, "expenditure.project": project,
        "balance.current": D("0.00"), "balance.accumulated": D("0.00"),
        "three_public.total": reception + vehicle, "three_public.reception": reception,
        "three_public.vehicle_operation": vehicle, "three_public.vehicle_purchase": D("0.00"),
        "three_public.overseas": D("0.00"),
        "assets.total": D(10 + seed) + D("0.65"), "assets.in_use": D(10 + seed) + D("0.65"),
        "assets.leased": D("0.00"), "assets.other": D("0.00"),
    }


def sub(code: str | None, name: str | None, file: str, *, seed: int = 1, score: str = "92.50", grade: str = "优",
        year: int = 2021, report_date: date | None = None, mtime: float = 0.0, errors: int = 0,
        findings: list | None = None, indicators: int = 2) -> Submission:
    values: dict = {"dept.code": code, "dept.name": name, "report.year": year,
                    "evaluation.score": D(score), "evaluation.grade": grade, **figures(seed)}
    if report_date is not None:
        values["report.date"] = report_date
    fs = list(findings or [])
    for _ in range(errors):
        fs.append(codes.make(
            "sum-mismatch", rule="expenditure-total", sheet="支出", cell="B6", field="expenditure.total",
            args={"reported": "96.00", "computed": "97.00", "difference": "1.00", "tolerance": "0.015"},
            detail="支出合计 96.00 ≠ 基本支出 66.00 + 项目支出 31.00 = 97.00（差额 1.00，允许误差 0.015）"))
    rows = [{"level1": "产出目标", "level2": "数量指标", "level3": f"指标{i + 1}", "target": "≥10 次",
             "actual": "12 次", "weight": D("50.00"), "score": D(score) / 2, "deviation": None, "_row": i + 1}
            for i in range(indicators)]
    return Submission(file=file, sha256=f"{seed:064x}", size=1000, mtime=mtime, format="xlsx",
                      template_id="dept-selfeval", template_version="1.0",
                      values={k: v for k, v in values.items() if v is not None},
                      tables={"indicators": rows}, findings=fs)


def unreadable(file: str) -> Submission:
    return Submission(file=file, sha256="cd" * 32, size=5, readable=False,
                      findings=[codes.make("corrupt-file", detail="压缩包不完整")])


def batch() -> list[Submission]:
    """Seven submissions: 4 counted, 1 failing, 1 unreadable, 1 superseded duplicate."""
    return [
        sub("906017", "临湘市委网信办", "in/906017_old.xlsx", seed=3, report_date=date(2022, 3, 1)),
        sub("906017", "临湘市委网信办", "in/906017_new.xlsx", seed=4, report_date=date(2022, 9, 6)),
        sub("906001", INJECT_HYPERLINK, "in/906001.xlsx", seed=5, score="85.00", grade="良"),
        sub("906002", INJECT_PLUS, "in/906002.xlsx", seed=6, score="71.20", grade="中"),
        sub("yyx342", "临湘市财政局", "in/yyx342.xlsx", seed=7, score="55.00", grade="差"),
        sub("906003", "临湘市审计局", "in/906003.xlsx", seed=8, errors=2),
        unreadable("in/broken.xlsx"),
    ]


COUNTED_FILES = {"in/906017_new.xlsx", "in/906001.xlsx", "in/906002.xlsx", "in/yyx342.xlsx"}
