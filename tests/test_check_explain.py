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


def test_explainable_codes_are_in_the_dropdown_by_chinese_name():
    col = default_template().tables["explanations"].column("rule")
    assert {"实有人数超编", "结余与收支差额核对", "三公经费增长", "文字与表格不符"} <= set(col.choices)
    assert {"staff-over-quota", "balance-identity", "three-public-growth", "narrative-mismatch"} <= set(col.choice_keys)
    assert len(col.choices) == len(col.choice_keys)
    assert "expenditure-total" not in col.choice_keys and not any(c.isascii() for c in col.choices)


def test_chosen_chinese_name_explains_its_rule_and_the_id_is_kept():
    raw = seed_raw()
    raw["explanations[1].rule"] = "文字与表格不符"  # what the dropdown offers
    raw["explanations[1].text"] = "文中人员经费按决算口径含部分对个人和家庭的补助。"
    sub = check_snapshot(snapshot(raw))
    assert narrative(sub) and all(f.explained for f in narrative(sub))
    assert sub.tables["explanations"][0]["rule"] == "narrative-mismatch"  # the id, for the JSON and the ledger
    raw["explanations[1].rule"] = "没有这条规则"
    assert [f.code for f in check_snapshot(snapshot(raw)).findings if f.field == "explanations[1].rule"] == ["invalid-choice"]
