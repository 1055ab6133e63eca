"""implausible-amount: amounts typed in 元 instead of 万元 are caught inside the workbook (spending
per head, a narrative figure 10,000 times smaller), with the figure and the reason in the message;
the seed's real amounts never are."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from test_check_catalogue import changed, clean_raw
from test_check_seed import snapshot

from selfeval_xl.check import check_snapshot
from selfeval_xl.check.checks.plausible import check_per_capita
from selfeval_xl.spec import default_template

EXPENDITURE = ("expenditure.total", "expenditure.basic", "expenditure.personnel", "expenditure.public",
               "expenditure.project")


def in_yuan(raw: dict[str, Any], keys: tuple[str, ...] = EXPENDITURE) -> dict[str, Any]:
    """The department typed the 支出 table in 元: every amount 10,000 times larger, still adding up."""
    out = dict(raw)
    for k in keys:
        out[k] = float(Decimal(str(raw[k])) * 10000)
    return out


def implausible(raw: dict[str, Any]) -> list[Any]:
    return [f for f in check_snapshot(snapshot(raw)).findings if f.code == "implausible-amount"]


def test_the_seed_in_wan_yuan_is_plausible() -> None:
    assert implausible(clean_raw()) == []


def test_spending_typed_in_yuan_is_caught_per_head_and_against_the_narrative() -> None:
    found = implausible(in_yuan(clean_raw()))
    assert found, "960000 万元 for a 4-person office must not pass"
    per_head = next(f for f in found if "人均" in f.message)
    assert (per_head.sheet, per_head.field, per_head.severity) == ("支出", "expenditure.total", "warning")
    assert "960000.00" in per_head.message and "实有人数 4 人" in per_head.message
    assert "240000.00" in per_head.message and "元" in per_head.message  # the figure and the reason
    assert per_head.args["per_capita"] == "240000.00"
    # the narrative says 人员经费43.4万元 … the table now says 422600: 10,000 times
    [scale] = [f for f in found if "倍" in f.message]  # one slip, one message naming every amount
    assert "10000 倍" in scale.message and "人员支出 422600.00（综述写作“42.26万元”）" in scale.message
    assert set(scale.args["fields"].split(",")) <= set(EXPENDITURE) and len(scale.args["fields"].split(",")) >= 2
    sub = check_snapshot(snapshot(in_yuan(clean_raw())))
    assert not [f for f in sub.findings if f.code == "narrative-mismatch"]  # not told twice


def test_the_sub_rules_still_hold_so_only_this_check_can_see_it() -> None:
    sub = check_snapshot(snapshot(in_yuan(clean_raw())))
    assert not [f for f in sub.findings if f.severity == "error"], [f.message for f in sub.findings]
    assert sub.status == "warn"


def test_it_can_be_explained_in_the_explanations_table() -> None:
    raw = in_yuan(clean_raw())
    raw["explanations[1].rule"] = "implausible-amount"
    raw["explanations[1].text"] = "本年承担全市网络基础设施建设项目，支出确为 96 万元的一万倍。"
    found = implausible(raw)
    assert found and all(f.explained for f in found)


def test_tiny_per_head_spending_is_caught_too() -> None:
    raw = changed(**{"staff.actual": 400.0, "staff.authorized": 400.0})  # 96 万元 for 400 people
    [f] = [f for f in implausible(raw) if "人均" in f.message]
    assert "人均仅 0.24" in f.message


def test_thresholds_come_from_the_spec() -> None:
    t = default_template()
    assert t.plausibility.per_capita_max == Decimal(2000) and t.plausibility.narrative_ratio == Decimal(10000)
    assert "implausible-amount" in t.tables["explanations"].column("rule").choice_keys  # offered by its Chinese name
    # a spec with a lower ceiling flags the seed's 24 万元 per head: the threshold is read, not built in
    from selfeval_xl.check.context import Context
    from selfeval_xl.check.plan import plan_for
    from selfeval_xl.check.values import filled_rows, read_values

    strict = replace(t, plausibility=replace(t.plausibility, per_capita_max=Decimal(20)))
    plan = plan_for(strict, 1)
    typed, problems = read_values(plan, clean_raw())
    ctx = Context(plan, snapshot(clean_raw()), typed, problems, filled_rows(plan, typed, set()))
    [f] = list(check_per_capita(ctx))
    assert "人均 24.00" in f.message and "20" in f.message
