"""The bundled 项目支出 samples: three clean departments (one with 5 projects) and one faulty
department per new rule, each fault exactly as named; the project roster generates their templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from selfeval_xl import pipeline
from selfeval_xl.roster_items import read_item_roster
from selfeval_xl.spec import default_template

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

# stem → (status, {(sheet, rule)} of its findings with a rule, extra codes without one)
EXPECTED: dict[str, tuple[str, set[tuple[str, str]], set[str]]] = {
    "909001_临湘市交通运输局_项目支出": ("pass", set(), set()),
    "901001_临湘市财政局_项目支出": ("pass", set(), set()),
    "903001_临湘市文化旅游广电局_项目支出": ("pass", set(), set()),
    "907001_临湘市民政局_项目支出_执行率被改写": ("fail", {("项目2", "funds-rate")},
                                              {"formula-overwritten", "protection-removed"}),
    "907002_临湘市司法局_项目支出_指标分值合计95": ("fail", {("项目2", "project-indicator-weights"),
                                                 ("项目2", "project-level1-shares")}, set()),
    "907003_临湘市审计局_项目支出_反向指标得满分": ("warn", {("项目2", "indicator-expected-score")}, set()),
    "907004_临湘市统计局_项目支出_得分超过分值": ("fail", {("项目2", "project-indicator-score-cap"),
                                               ("项目2", "indicator-expected-score")}, set()),
    "907005_临湘市人力资源和社会保障局_项目支出_等次与总分不符": ("fail", {("项目2", "project-grade-band")}, set()),
    "907006_临湘市住房和城乡建设局_项目支出_偏差原因未填": ("warn", {("项目2", "deviation-reason-required")}, set()),
}


def test_every_project_data_file_has_an_expectation() -> None:
    assert sorted(p.stem for p in (SAMPLES / "data" / "projects").glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_project_sample_findings_are_as_named(stem: str) -> None:
    sub = pipeline.check_file(SAMPLES / "submissions" / f"{stem}.xlsx")
    status, rules, others = EXPECTED[stem]
    assert sub.template_id == "project-selfeval" and sub.status == status, [f.message for f in sub.findings]
    assert {(f.sheet, f.rule) for f in sub.findings if f.rule} == rules
    assert {f.code for f in sub.findings if not f.rule} == others


def test_five_projects_and_the_roster() -> None:
    sub = pipeline.check_file(SAMPLES / "submissions" / "909001_临湘市交通运输局_项目支出.xlsx")
    assert [p.sheet for p in sub.parts] == [f"项目{k}" for k in range(1, 6)]
    result = read_item_roster(SAMPLES / "项目名单.xlsx", default_template("project-selfeval"))
    assert result.problems == []
    assert {e.code: len(e.items) for e in result.entries} == {"901001": 2, "903001": 1, "909001": 5}
    assert (SAMPLES / "README.md").read_text(encoding="utf-8").count("_项目支出") >= len(EXPECTED)
