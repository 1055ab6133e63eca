"""Submissions → DataFrames: exact amounts, which submissions count, deterministic order."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from summary_subs import COUNTED_FILES, batch, sub, unreadable

from selfeval_xl.api import from_submissions
from selfeval_xl.summary.frame import exclusion_note


def test_overview_lists_every_submission_and_marks_what_counts() -> None:
    c = from_submissions(batch())
    ov = c.overview
    assert len(ov) == 7
    assert set(ov.loc[ov["计入汇总"], "文件"]) == COUNTED_FILES
    status = dict(zip(ov["文件"], ov["状态"], strict=True))
    assert status["in/broken.xlsx"] == "无法读取" and status["in/906003.xlsx"] == "未通过"
    notes = dict(zip(ov["文件"], ov["说明"], strict=True))
    assert "906017_new.xlsx" in notes["in/906017_old.xlsx"] and "重复报送" in notes["in/906017_old.xlsx"]
    assert "以本份为准" in notes["in/906017_new.xlsx"]
    assert notes["in/906003.xlsx"] == "未通过审核"
    errors = dict(zip(ov["文件"], ov["错误数"], strict=True))
    assert errors["in/906003.xlsx"] == 2 and isinstance(errors["in/906003.xlsx"], int)


def test_amounts_are_exact_decimals() -> None:
    subs = batch()
    c = from_submissions(subs)
    for frame, col, key in (("overview", "支出合计", "expenditure.total"), ("income", "收入合计", "income.total"),
                            ("expenditure", "人员支出", "expenditure.personnel"),
                            ("three_public", "公务接待费", "three_public.reception"),
                            ("assets", "在用固定资产", "assets.in_use")):
        df = c.frame(frame)
        assert df[col].dtype == object
        vals = [v for v in df[col] if v is not None]
        assert vals and all(isinstance(v, Decimal) for v in vals)
        by_file = {s.file: s.values.get(key) for s in subs}
        for f, v in zip(df["文件"], df[col], strict=True):
            assert v == by_file[f]
    assert all(isinstance(v, Decimal) for v in c.overview["综合得分"] if v is not None)


def test_counted_totals_equal_decimal_sum_of_included() -> None:
    subs = batch()
    c = from_submissions(subs)
    want = sum((s.values["expenditure.total"] for s in subs if s.file in COUNTED_FILES), Decimal(0))
    ex = c.expenditure
    got = sum(ex.loc[ex["计入汇总"], "支出合计"], Decimal(0))
    assert got == want and isinstance(got, Decimal)


def test_sort_is_deterministic_by_code_then_year_then_file() -> None:
    subs = batch()
    base = from_submissions(subs)
    codes_seen = [c for c in base.overview["预算编码"]]
    assert codes_seen[:-1] == sorted(codes_seen[:-1]) and codes_seen[-1] is None  # no code last
    for seed in range(5):
        shuffled = subs[:]
        random.Random(seed).shuffle(shuffled)
        other = from_submissions(shuffled)
        for name in ("overview", "income", "expenditure", "three_public", "assets", "indicators", "findings"):
            assert other.frame(name).equals(base.frame(name)), name


def test_duplicates_newer_by_report_date_then_file_time() -> None:
    older = sub("1", "甲", "z_first.xlsx", report_date=date(2022, 1, 1), mtime=900.0)
    newer = sub("1", "甲", "a_second.xlsx", report_date=date(2022, 2, 1), mtime=100.0)
    c = from_submissions([older, newer])
    assert dict(zip(c.overview["文件"], c.overview["计入汇总"], strict=True)) == {
        "a_second.xlsx": True, "z_first.xlsx": False}
    # same report date: the later file time wins
    a = sub("1", "甲", "a.xlsx", report_date=date(2022, 1, 1), mtime=200.0)
    b = sub("1", "甲", "b.xlsx", report_date=date(2022, 1, 1), mtime=100.0)
    c = from_submissions([a, b])
    assert dict(zip(c.overview["文件"], c.overview["计入汇总"], strict=True)) == {"a.xlsx": True, "b.xlsx": False}


def test_duplicates_compare_codes_trimmed_and_upper_cased() -> None:
    """The one policy (model.precedence), as check and the ledger apply it."""
    a = sub("yyx342", "甲", "a.xlsx", report_date=date(2022, 2, 1), mtime=100.0)
    b = sub(" YYX342 ", "甲", "b.xlsx", report_date=date(2022, 1, 1), mtime=200.0)
    c = from_submissions([a, b])
    assert dict(zip(c.overview["文件"], c.overview["计入汇总"], strict=True)) == {"a.xlsx": True, "b.xlsx": False}


def test_newer_failing_duplicate_replaces_older_and_neither_counts() -> None:
    old = sub("1", "甲", "old.xlsx", report_date=date(2022, 1, 1))
    new = sub("1", "甲", "new.xlsx", report_date=date(2022, 5, 1), errors=1)
    c = from_submissions([old, new])
    assert not c.overview["计入汇总"].any()


def test_different_years_are_not_duplicates() -> None:
    c = from_submissions([sub("1", "甲", "a.xlsx", year=2020), sub("1", "甲", "b.xlsx", year=2021)])
    assert c.overview["计入汇总"].all()
    assert c.years == [2020, 2021]


def test_unreadable_only_in_overview_and_findings() -> None:
    c = from_submissions([unreadable("x.xlsx"), sub("1", "甲", "a.xlsx")])
    assert list(c.overview["文件"]) == ["a.xlsx", "x.xlsx"]
    for name in ("income", "expenditure", "three_public", "assets"):
        assert list(c.frame(name)["文件"]) == ["a.xlsx"]
    assert "corrupt-file" in set(c.findings["代码"])


def test_indicator_rows_and_findings_rows() -> None:
    c = from_submissions(batch())
    assert len(c.indicators) == 2 * 6
    row = c.indicators.iloc[0]
    assert row["一级指标"] == "产出目标" and row["行号"] == 1 and isinstance(row["分值"], Decimal)
    f = c.findings
    mism = f[f["代码"] == "sum-mismatch"]
    assert len(mism) == 2 and set(mism["表名!单元格"]) == {"支出!B6"}
    assert set(mism["严重程度"]) == {"错误"} and not mism["是否已说明"].any()


def test_exclusion_note_counts_reasons() -> None:
    note = exclusion_note(from_submissions(batch()))
    assert "共 7 份报送，4 份计入合计" in note
    assert "无法读取 1 份" in note and "未通过审核 1 份" in note and "重复报送、已被较新报送替代 1 份" in note


def test_empty_batch_builds_empty_frames() -> None:
    c = from_submissions([])
    assert len(c.overview) == 0 and "计入汇总" in c.overview.columns
    assert "0 份计入合计" in exclusion_note(c)
