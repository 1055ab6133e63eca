"""情况说明 explains warnings by rule id, or by finding code for warnings no rule raises."""

from __future__ import annotations

from selfeval_xl.check import check_snapshot
from selfeval_xl.spec import default_template
from tests.test_check_seed import seed_raw, snapshot


def narrative(sub):
    return [f for f in sub.findings if f.code == "narrative-mismatch"]


def test_narrative_mismatch_explained_by_code():
    raw = seed_raw()
    assert narrative(check_snapshot(snapshot(raw))) and not any(f.explained for f in narrative(check_snapshot(snapshot(raw))))
    raw["explanations[1].rule"] = "narrative-mismatch"
    raw["explanations[1].text"] = "文中人员经费按决算口径含部分对个人和家庭的补助。"
    found = narrative(check_snapshot(snapshot(raw)))
    assert found and all(f.explained for f in found)


def test_explanation_without_text_explains_nothing():
    raw = seed_raw()
    raw["explanations[1].rule"] = "narrative-mismatch"
    assert not any(f.explained for f in narrative(check_snapshot(snapshot(raw))))


def test_explainable_codes_are_in_the_dropdown():
    choices = default_template().tables["explanations"].column("rule").choices
    assert {"staff-over-quota", "balance-identity", "three-public-growth", "narrative-mismatch"} <= set(choices)
    assert "expenditure-total" not in choices  # errors must be fixed, not explained
