"""Coercion of raw cells: amounts, integers, dates, choices, phones, and the value findings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from test_check_seed import seed_raw, snapshot

from selfeval_xl.check import check_snapshot
from selfeval_xl.check.coerce import plausible_phone, to_date, to_decimal, to_integer
from selfeval_xl.model.submission import Submission


def check(**changes: Any) -> Submission:
    raw = seed_raw()
    raw.update({k.replace("__", "."): v for k, v in changes.items()})
    return check_snapshot(snapshot(raw))


def codes_at(sub: Submission, field: str) -> list[str]:
    return [f.code for f in sub.findings if f.field == field]


@pytest.mark.parametrize("raw, value", [
    (96.0, "96.0"), (42.26, "42.26"), (0.1 + 0.2, "0.3"), (16.18 + 79.82, "96.0"), (7, "7"), (42.261, "42.261"),
])
def test_numbers_are_taken_silently(raw: Any, value: str) -> None:
    c = to_decimal(raw, "money")
    assert c.problem is None and c.value == Decimal(value)


@pytest.mark.parametrize("raw, value", [
    ("９６", "96"), ("９６．００", "96.00"), ("79.82 ", "79.82"), ("1,234.5", "1234.5"), ("  96 ", "96"),
    ("１，２３４．５", "1234.5"), ("-5", "-5"), ("5.", "5"), ("-.5", "-0.5"),
])
def test_number_stored_as_text_is_taken_with_a_warning(raw: str, value: str) -> None:
    """As the form shows it: a text-number warning naming the cell, the value taken."""
    c = to_decimal(raw, "money")
    assert c.problem == "text-number" and c.value == Decimal(value) and not c.bad


@pytest.mark.parametrize("raw", ["1.2.3", "5-3", "--5", "+5", "九十六", "96元"])
def test_text_that_is_no_number_is_not_a_number(raw: str) -> None:
    assert to_decimal(raw, "money").problem == "not-a-number"


@pytest.mark.parametrize("raw, number", [("96万元", "96"), ("约96万", "96"), ("96.00 万元", "96.00"), ("无", "0")])
def test_amount_with_words_is_text_number(raw: str, number: str) -> None:
    c = to_decimal(raw, "money")
    assert c.problem == "text-number" and c.value == Decimal(number) and not c.bad


@pytest.mark.parametrize("raw", ["96.00元", "九十六", "96/97", "96万元或97万元", True, datetime(2022, 1, 1),
                                 Decimal("NaN"), float("inf"), 1e20, "1e5"])
def test_not_a_number(raw: Any) -> None:
    c = to_decimal(raw, "money")
    assert c.problem == "not-a-number" and c.bad


def test_text_number_finding_and_value_taken() -> None:
    sub = check(expenditure__project="30万元")
    (f,) = [f for f in sub.findings if f.field == "expenditure.project"]
    assert (f.code, f.severity, f.sheet, f.cell) == ("text-number", "warning", "支出", "F6")
    assert "30万元" in f.message and "30" in f.args["computed"]
    assert sub.values["expenditure.project"] == Decimal(30)
    assert not [f for f in sub.findings if f.rule == "expenditure-total"]


def test_full_width_amount_is_taken_with_a_warning() -> None:
    sub = check(expenditure__project="３０．００")
    assert codes_at(sub, "expenditure.project") == ["text-number"]
    assert sub.values["expenditure.project"] == Decimal("30.00")


def test_yuan_is_not_a_number() -> None:
    sub = check(expenditure__project="300000元")
    assert codes_at(sub, "expenditure.project") == ["not-a-number"]
    assert sub.values["expenditure.project"] is None
    assert sub.status == "fail"


def test_excess_precision() -> None:
    sub = check(expenditure__personnel=42.261)
    (f,) = [f for f in sub.findings if f.field == "expenditure.personnel"]
    assert f.code == "excess-precision" and f.severity == "warning" and "42.261" in f.message
    assert codes_at(check(expenditure__personnel=42.26), "expenditure.personnel") == []


def test_negative_amount() -> None:
    sub = check(income__other=-1.0, income__total=95.0)
    assert codes_at(sub, "income.other") == ["negative-amount"]
    assert codes_at(check(income__other=0.0), "income.other") == []
    assert codes_at(check(staff__actual=-1.0), "staff.actual") == ["negative-amount"]


@pytest.mark.parametrize("raw, expected", [
    (7.0, 7), ("7", 7), (" ７ ", 7), (2021, 2021),
])
def test_integer(raw: Any, expected: int) -> None:
    c = to_integer(raw)
    assert c.problem == (None if isinstance(raw, int | float) else "text-number")
    assert c.value == expected and isinstance(c.value, int)


def test_integer_fraction_and_words() -> None:
    assert to_integer(7.5).problem == "not-a-number"
    c = to_integer("7人")
    assert (c.problem, c.value) == ("text-number", 7)


@pytest.mark.parametrize("raw, expected", [
    ("2022-09-06", date(2022, 9, 6)), ("2022/9/6", date(2022, 9, 6)), ("2022年9月6日", date(2022, 9, 6)),
    ("2022年 9月 6日", date(2022, 9, 6)), ("２０２２年９月６日", date(2022, 9, 6)), ("20220906", date(2022, 9, 6)),
    (44810, date(2022, 9, 6)), (44810.0, date(2022, 9, 6)), (datetime(2022, 9, 6, 0, 0), date(2022, 9, 6)),
    (date(2022, 9, 6), date(2022, 9, 6)), ("2022-09-06 00:00:00", date(2022, 9, 6)),
])
def test_dates(raw: Any, expected: date) -> None:
    c = to_date(raw)
    assert c.problem is None and c.value == expected


def test_excel_1900_leap_bug() -> None:
    assert to_date(59).value == date(1900, 2, 28)
    assert to_date(60).problem == "invalid-date"  # the fictitious 1900-02-29
    assert to_date(61).value == date(1900, 3, 1)
    assert to_date(1).value == date(1900, 1, 1)
    assert to_date(44561.75).value == date(2021, 12, 31)  # a time of day is dropped
    assert to_date(0).problem == "invalid-date"


@pytest.mark.parametrize("raw", ["2022-02-30", "九月六日", "明天", "2022-13-01", -5, True])
def test_invalid_date(raw: Any) -> None:
    assert to_date(raw).problem == "invalid-date"


def test_invalid_date_finding() -> None:
    sub = check(report__date="九月上旬")
    (f,) = [f for f in sub.findings if f.field == "report.date"]
    assert (f.code, f.severity, f.sheet) == ("invalid-date", "error", "封面")
    assert codes_at(check(report__date=44810), "report.date") == []


@pytest.mark.parametrize("phone", ["15080990101", "150****0101", "150 8099 0101", "0730-5712345", "(0730)5712345",
                                   "0730-5712345-801", "5712345", "15080990101、0730-5712345", "+8615080990101"])
def test_plausible_phone(phone: str) -> None:
    assert plausible_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "1508099010", "电话", "05712", "25080990101"])
def test_implausible_phone(phone: str) -> None:
    assert not plausible_phone(phone)


def test_invalid_phone_finding_keeps_value() -> None:
    sub = check(contact__phone="12345")
    (f,) = [f for f in sub.findings if f.field == "contact.phone"]
    assert (f.code, f.severity) == ("invalid-phone", "warning")
    assert sub.values["contact.phone"] == "12345"
    assert codes_at(check(contact__phone=15080990101.0), "contact.phone") == []


def test_invalid_choice() -> None:
    sub = check(evaluation__grade="A")
    (f,) = [f for f in sub.findings if f.field == "evaluation.grade"]
    assert f.code == "invalid-choice" and "优、良、中、差" in f.message


def test_level2_outside_its_level1_is_invalid_choice() -> None:
    raw = seed_raw()
    raw["indicators[8].level2"] = "数量指标"  # under 效益目标
    sub = check_snapshot(snapshot(raw))
    (f,) = [f for f in sub.findings if f.field == "indicators[8].level2"]
    assert f.code == "invalid-choice" and "效益目标" in f.message and "社会效益" in f.message
    assert codes_at(check_snapshot(snapshot(seed_raw())), "indicators[8].level2") == []


def test_level2_inherits_level1_from_row_above() -> None:
    raw = seed_raw()
    raw["indicators[9].level2"] = "成本指标"  # row 9 has no 一级: it continues 效益目标 from row 8
    sub = check_snapshot(snapshot(raw))
    assert codes_at(sub, "indicators[9].level2") == ["invalid-choice"]


@pytest.mark.parametrize("field", ["dept.name", "report.year", "contact.name", "evaluation.score", "evaluation.grade"])
def test_required_missing(field: str) -> None:
    sub = check(**{field.replace(".", "__"): "  "})
    assert "required-missing" in codes_at(sub, field)


def test_required_not_missing_on_seed() -> None:
    assert "required-missing" not in [f.code for f in check().findings]


def test_indicator_table_required() -> None:
    raw = {k: v for k, v in seed_raw().items() if not k.startswith("indicators[")}
    sub = check_snapshot(snapshot(raw))
    (f,) = [f for f in sub.findings if f.code == "required-missing"]
    assert f.field == "indicators" and f.sheet == "绩效自评" and f.cell == "A17"


def test_number_typed_into_text_field() -> None:
    sub = check(dept__code=906017.0)
    assert sub.values["dept.code"] == "906017"
