"""Figures in the narrative against the tables: attribution, units, shares, rounding, quoting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_check_seed import seed_raw, snapshot

from selfeval_xl.check import check_snapshot
from selfeval_xl.narrative import TableValue, mismatches, vocabulary
from selfeval_xl.narrative.figures import sentences
from selfeval_xl.spec import default_template

T = default_template()
VOCAB = vocabulary(T)
TABLE = {"expenditure.total": "96", "expenditure.basic": "66", "expenditure.personnel": "42.26",
         "expenditure.public": "23.74", "expenditure.project": "30", "three_public.total": "2",
         "income.total": "96", "assets.total": "19.65", "staff.actual": "4", "staff.authorized": "7"}


def lookup(key: str) -> TableValue | None:
    if key not in TABLE:
        return None
    half = Decimal(0) if key.startswith("staff.") else Decimal("0.005")
    return TableValue(Decimal(TABLE[key]), half, T.fields[key].label, "支出", "B6", 2)


def found(text: str, year: int | None = 2021) -> list[dict[str, str]]:
    return [m.args for m in mismatches(text, VOCAB, lookup, year)]


def reported(text: str) -> list[str]:
    return [a["reported"] for a in found(text)]


def test_seed_sentence_is_consistent() -> None:
    assert found("本年支出合计96万元，其中：基本支出66万元，占68.75%；项目支出30万元，占31.25%。") == []


def test_seed_basic_spending_contradicts_tables_twice() -> None:
    text = seed_raw()["narrative.basic_spending"]
    args = found(text)
    assert [(a["reported"], a["computed"], a["table_field"]) for a in args] == [
        ("43.4", "42.26", "expenditure.personnel"), ("22.6", "23.74", "expenditure.public")]


@pytest.mark.parametrize("text", [
    "人员经费42.3万元。",          # stated with one decimal: 42.26 rounds to 42.3
    "人员支出422600元。",          # 元 → 万元
    "人员支出422,600元。",
    "人员经费为42.26万元。",
    "支出总额：96万元。",
    "“三公”经费2万元。", "三公经费支出2万元。",
    "固定资产19.65万元。",
    "实有人数4人，人员编制7人。",
    "人员经费４２．２６万元。",     # full-width digits
    "本部门人员经费42.26万元。", "2021年度财政拨款基本支出66万元。", "2021年共安排项目资金30万元。",
])
def test_consistent_figures_are_quiet(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize("text, stated", [
    ("人员经费42.4万元。", "42.4"),
    ("人员支出432600元。", "43.26"),
    ("本年支出合计97万元。", "97"),
    ("2021年共安排项目资金31万元。", "31"),
    ("“三公”经费3万元。", "3"),
    ("实有人数5人。", "5"),
    ("本单位公用经费20万元。", "20"),
])
def test_contradicting_figures(text: str, stated: str) -> None:
    assert reported(text) == [stated]


@pytest.mark.parametrize("text", [
    "对散布谣言的毛某某予以罚款500元行政处罚。",
    "推送原创和上级稿件共计3526条。",
    "公用经费较上年减少5万元。",
    "上年人员经费40万元。",
    "2020年人员经费40万元。",
    "在日常性工作经费压减10%的形势下保证单位正常运转。",
    "人员经费预算50万元。",
    "支出合计约100万元。",
    "网络安全项目支出5万元。",          # one project's figure, not the 项目支出 total
    "其中舆情监测专项资金8万元。",
])
def test_unattributable_figures_are_left_alone(text: str) -> None:
    assert found(text) == []


def test_share_recomputed_from_stated_figures() -> None:
    args = found("本年支出合计96万元，其中：基本支出66万元，占70%；项目支出30万元，占31.25%。")
    assert [(a["reported"], a["computed"]) for a in args] == [("70", "68.75")]


def test_named_base_share() -> None:
    assert found("基本支出66万元，其中人员支出42.26万元，占基本支出的64.03%。") == []
    args = found("基本支出66万元，其中人员支出42.26万元，占基本支出的60%。")
    assert [a["reported"] for a in args] == ["60"]


def test_named_base_from_table_when_not_stated() -> None:
    # no 支出合计 figure in the sentence: the table's 96 is the base
    assert found("三公经费2万元，占支出合计的2.08%。") == []
    assert [a["reported"] for a in found("三公经费2万元，占支出合计的5%。")] == ["5"]


def test_share_rounding_tolerated() -> None:
    # 43.4 / 66 = 65.7575…%: stated 65.75% is within the rounding of 43.4 (±0.05)
    assert [a["table_field"] for a in found("基本支出66万元，其中：人员经费43.4万元，占基本支出的65.75%。")] == [
        "expenditure.personnel"]


def test_share_of_a_named_part_without_figure() -> None:
    assert found("其中人员经费占基本支出的64.03%。") == []
    assert [(a["reported"], a["computed"]) for a in found("其中人员经费占基本支出的70%。")] == [("70", "64.03")]
    assert found("网络安全项目支出占支出合计的10%。") == []  # not the 项目支出 total


def test_share_with_unknown_base_is_left_alone() -> None:
    assert found("项目支出30万元，占全市的0.5%。") == []


def test_repeated_figure_reported_once() -> None:
    assert reported("人员经费43.4万元。人员经费43.4万元。") == ["43.4"]


def test_sentence_split_keeps_figures_apart() -> None:
    ss = sentences("本年支出合计96万元。罚款500元。", VOCAB, 2021)
    assert len(ss) == 1 and [s.field for s in ss[0].stated] == ["expenditure.total"]


def test_finding_on_seed_points_at_narrative_cell_and_quotes() -> None:
    sub = check_snapshot(snapshot(seed_raw()))
    found_ = [f for f in sub.findings if f.code == "narrative-mismatch"]
    assert len(found_) == 2
    f = found_[0]
    assert (f.severity, f.sheet, f.field) == ("warning", "评价报告综述", "narrative.basic_spending")
    assert "人员经费43.4万元" in f.message and "42.26" in f.message and "支出!D6" in f.message
    assert len(f.message) < 220


def test_blank_table_value_is_not_compared() -> None:
    raw = seed_raw()
    raw["expenditure.personnel"] = None
    raw["expenditure.public"] = None
    sub = check_snapshot(snapshot(raw))
    assert [f for f in sub.findings if f.code == "narrative-mismatch"] == []


def test_corrected_seed_is_quiet() -> None:
    raw = seed_raw()
    raw["narrative.basic_spending"] = raw["narrative.basic_spending"].replace("43.4万元", "42.26万元").replace(
        "22.6万元", "23.74万元").replace("65.75%", "64.03%").replace("34.25%", "35.97%")
    sub = check_snapshot(snapshot(raw))
    assert [f for f in sub.findings if f.code == "narrative-mismatch"] == []


@pytest.mark.parametrize("text, stated, listed", [
    ("内设办公室、财务股、业务股2个股室。", 2, 3),
    ("下属事业单位2个，分别是信息中心、舆情中心和应急中心。", 2, 3),
    ("设有三个科室：办公室、宣传科。", 3, 2),
    ("直属事业单位十个，分别为甲、乙、丙、丁、戊、己、庚、辛、壬。", 10, 9),
])
def test_count_against_listed_items(text: str, stated: int, listed: int) -> None:
    args = found(text)
    assert [(a["reported"], a["computed"]) for a in args] == [(str(stated), str(listed))]


@pytest.mark.parametrize("text", [
    "内设综合办公室（网络建设协调指挥股）、网络宣传与社会工作股2个股室,1个下属事业单位（市互联网信息研究中心）。",
    "共整合应用程序1个、停止不必要考核排名应用程序2个，督促整改涉政新媒体账号3个。",
    "设立专题专栏10多个。",
    "下属单位2个，分别是信息中心和舆情中心。",
    "内设股室5个。",
    "临湘市财政局内设办公室、预算股、国库股、绩效管理股等12个股室。",  # 等: not the full list
])
def test_counts_that_agree_or_cannot_be_read_are_quiet(text: str) -> None:
    assert found(text) == []


def test_chinese_numerals() -> None:
    from selfeval_xl.narrative.counts import chinese_int

    assert [chinese_int(x) for x in ("3", "三", "两", "十", "十二", "二十", "二十三", "百")] == [3, 3, 2, 10, 12, 20, 23, None]


PIECES = ["人员经费", "公用经费", "基本支出", "支出合计", "项目支出", "“三公”经费", "实有人数", "占", "的", "为", "，", "。", "；",
          "万元", "元", "人", "%", "个", "、", "内设", "分别是", "等", "其中：", "0", "0.0", "66", "42.26", "1,234.5",
          "99999999999999999999999", "２", "．", "上年", "2020年", "十二"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_any_text_never_raises(pieces: list[str]) -> None:
    for m in mismatches("".join(pieces), VOCAB, lookup, 2021):
        assert m.detail and m.args["reported"]
