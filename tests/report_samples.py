"""Hand-built submissions for the report tests (no reader/checker needed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from selfeval_xl.model import codes
from selfeval_xl.model.submission import Submission

INJECT_NAME = '=HYPERLINK("http://x","点我")'


def sum_mismatch(sheet: str = "支出", cell: str = "B6"):
    return codes.make(
        "sum-mismatch", rule="expenditure-total", sheet=sheet, cell=cell, field="expenditure.total",
        args={"reported": "96.00", "computed": "97.00", "difference": "1.00", "tolerance": "0.015"},
        detail="支出合计 96.00 ≠ 基本支出 66.00 + 项目支出 31.00 = 97.00（差额 1.00，允许误差 0.015）")


def phone_warning(explained: bool = False, sheet: str = "封面", cell: str = "C12"):
    f = codes.make("invalid-phone", sheet=sheet, cell=cell, field="contact.phone", label="联络电话", value="12")
    if explained:
        from dataclasses import replace
        f = replace(f, explained=True)
    return f


def sub(file: str, *findings, code: str | None = "906017", name: str | None = "临湘市委网信办",
        year: int | None = 2021, readable: bool = True, **values) -> Submission:
    vals: dict = {"dept.name": name, "dept.code": code, "report.year": year,
                  "income.total": Decimal("96.00"), "report.date": date(2022, 3, 1)}
    vals.update(values)
    return Submission(file=file, sha256="ab" * 32, size=1000, format="xlsx", template_id="dept-selfeval",
                      template_version="1.0", values={k: v for k, v in vals.items() if v is not None},
                      findings=list(findings), readable=readable)


def unreadable(file: str) -> Submission:
    return Submission(file=file, sha256="cd" * 32, size=0, readable=False,
                      findings=[codes.make("empty-file")])


def batch() -> list[Submission]:
    """pass, fail, warn, pass-with-explained-warning, unreadable, injection name + fail."""
    return [
        sub("收到/ok.xlsx"),
        sub("收到/bad.xlsx", sum_mismatch(), phone_warning(), code="906018"),
        sub("收到/warn.xlsx", phone_warning(), code="906019"),
        sub("收到/explained.xlsx", phone_warning(explained=True), code="906020"),
        unreadable("收到/empty.xlsx"),
        sub("收到/inject.xlsx", sum_mismatch(), code="+1+1", name=INJECT_NAME),
    ]
