"""Hand-built submissions and a fake checker for the ledger tests (no reader needed).

A "submission file" here is a small JSON document; `fake_checker` turns it into the
Submission the real pipeline would return, so the ledger is tested on its own.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfeval_xl.model import codes
from selfeval_xl.model.submission import Submission


def make_sub(code: str | None = "906017", year: int | None = 2021, *, name: str = "临湘市委网信办",
             three_public: str | None = "2.00", income: str = "96.00", spending: str = "96.00",
             errors: int = 0, warnings: int = 0, explained_warnings: int = 0, report_date: str | None = None,
             readable: bool = True, explain: Sequence[str] = (), file: str = "x.xlsx") -> Submission:
    s = Submission(file=file, template_id="dept-selfeval", template_version="1.0", format="xlsx", readable=readable)
    if not readable:
        s.findings.append(codes.make("not-a-workbook", detail="随机字节"))
        return s
    s.values = {"dept.code": code, "dept.name": name, "report.year": year, "income.total": Decimal(income),
                "expenditure.total": Decimal(spending), "staff.actual": 7, "contact.name": "张三",
                "narrative.problems": None}
    if three_public is not None:
        s.values["three_public.total"] = Decimal(three_public)
    if report_date:
        s.values["report.date"] = date.fromisoformat(report_date)
    for _ in range(errors):
        s.findings.append(codes.make("sum-mismatch", rule="expenditure-total", sheet="支出", cell="B6",
                                     field="expenditure.total", detail="支出合计 96.00 ≠ 97.00",
                                     args={"reported": "96.00", "computed": "97.00"}))
    for i in range(warnings + explained_warnings):
        f = codes.make("cross-check", severity="warning", rule="staff-over-quota", sheet="基本概况", cell="D5",
                       detail="实有人数 9 超过人员编制 7")
        if i >= warnings:
            from dataclasses import replace

            f = replace(f, explained=True)
        s.findings.append(f)
    s.tables = {"explanations": [{"_row": i + 1, "rule": r, "text": "确有原因"} for i, r in enumerate(explain)]}
    return s


def write_fake(path: Path, **spec: Any) -> Path:
    """A file whose content describes the submission the fake checker will return."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(spec, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return path


def fake_check(path: str | os.PathLike[str]) -> Submission:
    data = Path(path).read_bytes()
    try:
        spec = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        spec = {"readable": False}
    s = make_sub(**spec, file=os.fspath(path))
    s.sha256 = hashlib.sha256(data).hexdigest()
    s.size = len(data)
    return s


def fake_checker(paths: Sequence[str], workers: int) -> Iterator[Submission]:
    for p in paths:
        yield fake_check(p)
