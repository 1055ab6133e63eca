"""The form and the program agree: every finding the workbook can decide is counted live on its
审核结果 sheet with the checker's severity. Each case is recalculated by LibreOffice and its
counts compared, item by item, with the findings `check` reports for the same file."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import lo
import openpyxl
import pytest
from generate_seed import SEED
from project_seed import FORM as PROJECT_FORM
from project_seed import project, workbook_values

from selfeval_xl.generate import write_workbook
from selfeval_xl.layout import build_layout
from selfeval_xl.layout.results import COUNT_COL, KEY_COL, item_key
from selfeval_xl.model.spec import Template
from selfeval_xl.pipeline import check_file
from selfeval_xl.spec import default_template

pytestmark = pytest.mark.libreoffice
ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "samples" / "submissions"

HOSTILE: dict[str, Any] = {  # everyday mistakes, one of each kind the form can decide
    "income.total": "９６", "income.carryover": "16.18 ", "income.general_budget": "1,234.5",
    "income.gov_fund": "无", "assets.leased": "0万元", "expenditure.basic": "六十六", "staff.actual": "4.5",
    "evaluation.grade": "优秀", "indicators[2].level2": "数量指标", "indicators[3].level1": "效益目标",
    "indicators[3].level2": "数量指标", "indicators[3].target": "x", "three_public.overseas": D("-1"),
    "assets.other": D("0.001"), "contact.phone": None, "goals[2].actual": "加强宣传", "narrative.problems": "  ",
    "explanations[1].rule": "实有人数超编", "explanations[1].text": "新增借调人员", "explanations[2].rule": "没有这条",
    "explanations[2].text": "x", "staff.authorized": 3,
}


def _cases(tmp: Path) -> dict[str, tuple[Path, int]]:
    t = default_template()
    cases = {p.stem: (p, 3 if p.stem.startswith("902001") else 1) for p in sorted(SUBMISSIONS.glob("*.xlsx"))}
    # the second form (one sheet per project): counts summed over every project sheet
    projects = [project("执行率偏低") | {"funds.total.executed": D("70.00"), "funds.current.executed": D("50.00"),
                                      "funds.reason": None, "project.implementer": None},
                project("文字与格式") | {"funds.current.budget": "１２０", "funds.carryover.budget": "二十",
                                      "project_indicators[2].weight": "15分", "evaluation.grade": "优秀"}]
    p = tmp / "project-hostile.xlsx"
    write_workbook(p, default_template(PROJECT_FORM), copies=len(projects), values=workbook_values(projects))
    cases["project-hostile"] = (p, 1)
    made = {
        "hostile": ({**SEED, **HOSTILE}, 1),
        "near-empty": ({"dept.name": "临湘市某局", "report.year": 2021, "contact.name": "张三",
                        "evaluation.score": D(90), "evaluation.grade": "优", "indicators[1].level1": "产出目标",
                        "indicators[1].level2": "数量指标", "indicators[1].target": "10个"}, 1),
        "only-total": ({**SEED, "units.name.u1": "机关", "units.name.u2": "中心", "units.name.u3": "站"}, 3),
        "one-unit-row-blank": ({**SEED, **{f"{k}.u{u}": (SEED[k] if u == 1 else D(0)) for u in (1, 2)
                                           for ut in t.unit_tables.values() for k in ut.columns},
                                "units.name.u1": "机关", "units.name.u2": "中心", "income.other.u2": None}, 2),
        "blank": ({}, 1),
    }
    for name, (values, units) in made.items():
        p = tmp / f"{name}.xlsx"
        write_workbook(p, t, values=values, units=units)
        cases[name] = (p, units)
    return cases


def _form_counts(path: Path, t: Template, units: int, copies: int) -> tuple[dict[str, int], list[int]]:
    layout = build_layout(t, units, copies)
    ws = openpyxl.load_workbook(path, data_only=True)[layout.results_sheet]
    counts = {}
    for row in ws.iter_rows(min_row=1):
        key, n = row[KEY_COL].value, row[COUNT_COL].value
        if isinstance(key, str) and isinstance(n, int | float):
            counts[key] = int(n)
    totals = [f for f in layout.formulas if f.kind == "count"]
    return counts, [int(ws[f.cell.a1].value) for f in totals]


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path, int]]:
    tmp = tmp_path_factory.mktemp("agree")
    return {name: (src, lo.recalc(src, tmp / "lo" / name), units) for name, (src, units) in _cases(tmp).items()}


def test_the_cases_cover_every_decidable_item(recalculated: dict[str, tuple[Path, Path, int]]) -> None:
    t = default_template()
    seen: set[str] = set()
    for src, _out, _units in recalculated.values():
        sub = check_file(src)
        if sub.template_id == t.id:
            seen |= {k for f in sub.findings if (k := item_key(t, f))}
    must = {"text-number", "not-a-number", "negative-amount", "excess-precision", "invalid-choice", "units",
            "income", "goals", "indicators", "contact.phone", "expenditure-total", "grade-band",
            "indicator-score-sum", "staff-over-quota", "narrative.problems"}
    assert must <= seen, must - seen


def test_the_project_case_counts_something(recalculated: dict[str, tuple[Path, Path, int]]) -> None:
    t = default_template(PROJECT_FORM)
    sub = check_file(recalculated["project-hostile"][0])
    seen = {k for f in sub.findings if (k := item_key(t, f))}
    assert {"text-number", "not-a-number", "invalid-choice", "project.implementer", "low-execution-reason"} <= seen, seen
    assert {f.sheet for f in sub.findings if item_key(t, f) == "project.implementer"} == {"项目1"}


# A department typed over a formula cell (执行率): the form's own formula is gone, so its live checks
# compute with the typed figure, while the program recomputes it. That file is formula-overwritten,
# which the form lists as decided after submission; its agreement is not expected.
TYPED_OVER = "907001_临湘市民政局_项目支出_执行率被改写"


def test_a_typed_over_formula_is_left_to_the_bureau(recalculated: dict[str, tuple[Path, Path, int]]) -> None:
    sub = check_file(recalculated[TYPED_OVER][0])
    t = default_template(sub.template_id)
    assert "formula-overwritten" in {f.code for f in sub.findings} and "formula-overwritten" in t.after_submission


@pytest.mark.parametrize("case", ["hostile", "near-empty", "only-total", "one-unit-row-blank", "blank", "project-hostile",
                                  *sorted(p.stem for p in SUBMISSIONS.glob("*.xlsx") if p.stem != TYPED_OVER)])
def test_form_counts_equal_program_findings(recalculated: dict[str, tuple[Path, Path, int]], case: str) -> None:
    src, out, units = recalculated[case]
    sub = check_file(src)
    t = default_template(sub.template_id)
    assert sub.readable, [f.message for f in sub.findings]
    program = Counter(k for f in sub.findings if (k := item_key(t, f)) is not None)
    form, (errors, warnings) = _form_counts(out, t, units, sub.copies)
    assert {k: n for k, n in form.items() if n} == dict(program), case
    decided = [f for f in sub.findings if item_key(t, f) is not None]
    assert errors == sum(f.severity == "error" for f in decided)
    assert warnings == sum(f.severity == "warning" for f in decided)
    # what the form cannot decide is listed as such, never counted
    ws = openpyxl.load_workbook(out, data_only=True)[build_layout(t, units, sub.copies).results_sheet]
    listed = {r[KEY_COL].value: r[4].value for r in ws.iter_rows(min_row=1) if r[KEY_COL].value in t.after_submission}
    assert listed == dict.fromkeys(t.after_submission, "报送后审核")
