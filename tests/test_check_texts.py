"""placeholder-text, qualitative-answer, explanations, and the pipeline's shape."""

from __future__ import annotations

from typing import Any

import pytest
from test_check_seed import seed_raw, snapshot

from selfeval_xl.check import check_snapshot
from selfeval_xl.check.checks.placeholders import placeholder_in
from selfeval_xl.check.checks.qualitative import has_figure
from selfeval_xl.model import codes
from selfeval_xl.model.snapshot import Snapshot


def check(**changes: Any) -> Any:
    raw = seed_raw()
    raw.update({k.replace("__", "."): v for k, v in changes.items()})
    return check_snapshot(snapshot(raw))


def at(sub: Any, code: str) -> list[str]:
    return [f.field for f in sub.findings if f.code == code]


@pytest.mark.parametrize("text", ["请填写", "（此处填写部门概况）", "XX（制）", "任务1：\n任务n：", "××单位", "目标n"])
def test_generic_prompts(text: str) -> None:
    assert placeholder_in(text, ()) is not None


def test_spec_placeholder_on_its_own_line() -> None:
    phs = ("部门（单位）整体支出规模、使用方向和主要内容、涉及范围等", "部门（单位）基本情况")
    assert placeholder_in("正文。\n部门（单位）整体支出规模、使用方向和主要内容、涉及范围等。\n正文", phs)
    # a numbered heading kept above the answer is not a prompt; alone it is
    assert placeholder_in("（一）部门（单位）基本情况\n临湘市网信办成立于2019年", phs) is None
    assert placeholder_in("（一）部门（单位）基本情况", phs) is not None
    # a line that only starts like a placeholder is an answer
    assert placeholder_in("任务1：舆情管控\n任务2：网络宣传", ("任务1：", "任务n")) is None


def test_placeholder_findings() -> None:
    sub = check(report__issuer="XX", narrative__problems="请填写存在的主要问题")
    assert at(sub, "placeholder-text") == ["report.issuer", "narrative.overview", "narrative.problems"]
    f = next(f for f in sub.findings if f.field == "narrative.problems")
    assert (f.severity, f.sheet) == ("warning", "评价报告综述")


def test_placeholder_quiet_when_prompt_removed() -> None:
    raw = seed_raw()
    raw["narrative.overview"] = raw["narrative.overview"].replace("部门（单位）整体支出规模、使用方向和主要内容、涉及范围等。\n", "")
    assert at(check_snapshot(snapshot(raw)), "placeholder-text") == []


@pytest.mark.parametrize("text, figure", [
    ("完成", False), ("全部完成", False), ("按时按质完成任务", False), ("良好", False),
    ("完成12项", True), ("2021年12月底前完成", True), ("成本控制在30万元以内", True), ("完成三项", True),
    ("年底前完成", True),
])
def test_has_figure(text: str, figure: bool) -> None:
    assert has_figure(text) is figure


def test_qualitative_answer_only_for_quantitative_level2() -> None:
    sub = check()
    assert at(sub, "qualitative-answer") == ["indicators[3].actual", "indicators[6].actual", "indicators[7].actual"]
    f = next(f for f in sub.findings if f.code == "qualitative-answer")
    assert (f.sheet, f.cell, f.severity) == ("绩效自评", "E19", "warning")
    # 质量指标 / 社会效益 answered "良好" is fine
    assert "indicators[8].actual" not in at(sub, "qualitative-answer")


def test_qualitative_quiet_when_answered_with_figures() -> None:
    sub = check(**{"indicators[3]__actual": "处置舆情210期", "indicators[6]__actual": "12月底前完成",
                   "indicators[7]__actual": "支出30万元"})
    assert at(sub, "qualitative-answer") == []


def test_explained_warning() -> None:
    raw = seed_raw()
    raw["staff.actual"] = 9.0
    raw["explanations[1].rule"] = "staff-over-quota"
    raw["explanations[1].text"] = "借调人员3人，已报编办备案"
    sub = check_snapshot(snapshot(raw))
    (f,) = [f for f in sub.findings if f.rule == "staff-over-quota"]
    assert f.explained is True
    assert sub.tables["explanations"] == [{"_row": 1, "rule": "staff-over-quota", "text": "借调人员3人，已报编办备案"}]


def test_explanation_without_text_does_not_explain() -> None:
    raw = seed_raw()
    raw["staff.actual"] = 9.0
    raw["explanations[1].rule"] = "staff-over-quota"
    sub = check_snapshot(snapshot(raw))
    (f,) = [f for f in sub.findings if f.rule == "staff-over-quota"]
    assert f.explained is False


def test_errors_cannot_be_explained() -> None:
    raw = seed_raw()
    raw["expenditure.project"] = 31.0
    raw["explanations[1].rule"] = "expenditure-total"
    raw["explanations[1].text"] = "尾差"
    sub = check_snapshot(snapshot(raw))
    assert at(sub, "invalid-choice") == ["explanations[1].rule"]  # not a warning rule
    (f,) = [f for f in sub.findings if f.rule == "expenditure-total"]
    assert f.explained is False


def test_unreadable_snapshot_passes_through() -> None:
    bad = codes.make("corrupt-file", detail="zip 截断")
    s = Snapshot(path="a.xlsx", sha256="ab", size=10, format="", readable=False, findings=[bad])
    sub = check_snapshot(s)
    assert sub.readable is False and sub.status == "unreadable"
    assert sub.findings == [bad] and sub.values == {}
    assert (sub.file, sub.sha256, sub.size) == ("a.xlsx", "ab", 10)


def test_unknown_template_version() -> None:
    s = Snapshot(path="a.xlsx", template_id="dept-selfeval", template_version="9.9", raw=seed_raw())
    sub = check_snapshot(s)
    assert sub.status == "unreadable" and [f.code for f in sub.findings] == ["unsupported-version"]
    assert "9.9" in sub.findings[0].message and "1.0" in sub.findings[0].message
    other = check_snapshot(Snapshot(path="b.xlsx", template_id="someone-else", template_version="1.0"))
    assert [f.code for f in other.findings] == ["unknown-template"]


def test_submission_shape() -> None:
    reader_finding = codes.make("legacy-format", format="ods")
    s = snapshot(seed_raw())
    s.findings.append(reader_finding)
    s.format, s.sha256 = "ods", "ff"
    sub = check_snapshot(s)
    assert sub.findings[0] == reader_finding  # snapshot findings first
    assert (sub.format, sub.sha256, sub.template_id, sub.template_version, sub.units) == ("ods", "ff", "dept-selfeval", "1.0", 1)
    assert "income.total" in sub.values and "indicators[1].level1" not in sub.values
    assert sub.values["income.gov_fund"] == 0 and sub.values["report.region"] == "临湘市"
    assert sub.values["balance.current"] == 0
    assert all(not k.startswith(("goals[", "indicators[")) for k in sub.values)
    entry = sub.to_json()
    assert entry["values"]["expenditure.personnel"] == "42.26" and entry["year"] == 2021
    # deterministic
    assert [f.to_json() for f in check_snapshot(snapshot(seed_raw())).findings] == \
        [f.to_json() for f in check_snapshot(snapshot(seed_raw())).findings]


def test_units_names_in_values() -> None:
    raw = seed_raw()
    raw["units.name.u1"] = "网信办机关"
    sub = check_snapshot(snapshot(raw, units=2))
    assert sub.values["units.name.u1"] == "网信办机关" and sub.values["units.name.u2"] is None
    assert "income.total.u2" in sub.values


def test_absurd_unit_count_is_unreadable_not_a_crash() -> None:
    s = Snapshot(path="a.xlsx", template_id="dept-selfeval", template_version="1.0", units=0, raw=seed_raw())
    sub = check_snapshot(s)
    assert sub.status == "unreadable" and [f.code for f in sub.findings] == ["tampered-cell"]
