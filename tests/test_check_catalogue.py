"""Every finding code the checker emits: one snapshot that fires it, and a clean seed that fires
nothing at all (so each code has both a firing and a quiet case in one readable table)."""

from __future__ import annotations

from typing import Any

import pytest
from test_check_seed import seed_raw, snapshot

from selfeval_xl.check import check_snapshot
from selfeval_xl.model.codes import CODES


def clean_raw() -> dict[str, Any]:
    """The seed with its real problems fixed: what a corrected resubmission looks like."""
    raw = seed_raw()
    raw["narrative.overview"] = raw["narrative.overview"].replace(
        "部门（单位）整体支出规模、使用方向和主要内容、涉及范围等。\n", "")
    raw["narrative.basic_spending"] = raw["narrative.basic_spending"].replace("43.4万元", "42.26万元").replace(
        "22.6万元", "23.74万元").replace("65.75%", "64.03%").replace("34.25%", "35.97%")
    raw["indicators[3].actual"] = "处置舆情210期"
    raw["indicators[6].actual"] = "12月底前支付完毕"
    raw["indicators[7].actual"] = "项目支出30万元，未超预算"
    return raw


def changed(**changes: Any) -> dict[str, Any]:
    raw = clean_raw()
    raw.update(changes)
    return raw


# code → a clean snapshot with one thing broken
FIRES: dict[str, dict[str, Any]] = {
    "required-missing": changed(**{"contact.name": None}),
    "not-a-number": changed(**{"assets.leased": "见附表"}),
    "text-number": changed(**{"assets.leased": "0万元"}),
    "negative-amount": changed(**{"assets.leased": -0.0001}),
    "excess-precision": changed(**{"assets.leased": 0.001}),
    "invalid-choice": changed(**{"indicators[1].level1": "投入目标"}),
    "invalid-date": changed(**{"report.date": "2022年13月1日"}),
    "invalid-phone": changed(**{"preparer.phone": "0101"}),
    "sum-mismatch": changed(**{"assets.in_use": 18.65}),
    "cross-check": changed(**{"staff.actual": 8}),
    "score-out-of-range": changed(**{"evaluation.score": 100.5}),
    "grade-mismatch": changed(**{"evaluation.score": 89.99}),
    "indicator-weights": changed(**{"indicators[1].weight": 90}),
    "indicator-score": changed(**{"indicators[1].weight": 100, "indicators[1].score": 91}),
    "narrative-mismatch": changed(**{"narrative.project_spending": "2021年共安排项目资金35万元。"}),
    "placeholder-text": changed(**{"narrative.problems": "（此处填写存在的主要问题）"}),
    "qualitative-answer": changed(**{"indicators[3].actual": "已完成"}),
    "implausible-amount": changed(**{"staff.actual": 400.0, "staff.authorized": 400.0}),
}


def test_clean_seed_passes_without_any_finding() -> None:
    sub = check_snapshot(snapshot(clean_raw()))
    assert sub.findings == [] and sub.status == "pass"


@pytest.mark.parametrize("code", sorted(FIRES))
def test_code_fires(code: str) -> None:
    sub = check_snapshot(snapshot(FIRES[code]))
    found = [f for f in sub.findings if f.code == code]
    assert found, [f.code for f in sub.findings]
    f = found[0]
    assert f.severity == (CODES[code].severity or f.severity) and f.message.strip()
    assert f.sheet and f.cell and f.cell[0].isalpha(), "a value finding points at its cell"
    assert "{" not in f.message


def test_catalogue_covers_every_value_and_text_code() -> None:
    file_level = {"empty-file", "not-a-workbook", "corrupt-file", "encrypted", "too-large", "unknown-template",
                  "unsupported-version", "missing-sheet", "tampered-cell", "protection-removed",
                  "formula-overwritten", "legacy-format", "duplicate-submission", "three-public-growth", "superseded",
                  "internal-error", "unsupported-file", "access-denied",
                  "wrong-year", "roster-mismatch"}  # round year/roster, file name: test_round.py
    from test_project_check import FAULTS

    project = {code for code, _values in FAULTS.values()} | {"zero-divisor"}  # tests/test_project_check.py
    # raised by `import` reading a report, not by a check (libreoffice-missing: tests/test_import_doc.py)
    import_level = {"import-unplaced", "import-ambiguous", "libreoffice-missing"}
    assert set(FIRES) | project == set(CODES) - file_level - import_level
