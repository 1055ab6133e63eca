"""Conversions written once: Excel date serials live in model/excel_date.py, the shortest decimal
text of a number in model/money.py (`plain`). A second copy anywhere else fails here."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from selfeval_xl.model.excel_date import from_serial, to_serial
from selfeval_xl.model.money import plain

PACKAGE = Path(__file__).resolve().parents[1] / "selfeval_xl"
HOMES = {
    "Excel date serial": ("model/excel_date.py", re.compile(r"1899\s*,\s*12\s*,\s*3[01]|1904\s*,\s*1\s*,\s*1|25569|2958466")),
    "decimal text": ("model/money.py", re.compile(r"normalize\(\)\s*:\s*f\b|normalize\(\)\s*,\s*['\"]f['\"]")),
}


@pytest.mark.parametrize("what", sorted(HOMES))
def test_one_implementation(what: str) -> None:
    home, pattern = HOMES[what]
    found = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if pattern.search(p.read_text("utf-8")))
    assert found == [home], f"{what} must be converted only in selfeval_xl/{home}; also found in {found}"


@pytest.mark.parametrize(("serial", "expected"), [
    (1, date(1900, 1, 1)), (59, date(1900, 2, 28)), (60, None), (61, date(1900, 3, 1)),
    (44561, date(2021, 12, 31)), (44561.5, datetime(2021, 12, 31, 12)), (0, None), (-3, None),
    (2958465, date(9999, 12, 31)), (2958466, None), (float("nan"), None),
])
def test_from_serial_1900(serial: float, expected: object) -> None:
    assert from_serial(serial) == expected


def test_from_serial_1904() -> None:
    assert from_serial(0, date1904=True) == date(1904, 1, 1)
    assert from_serial(-1, date1904=True) is None
    assert from_serial(1, date1904=True) == date(1904, 1, 2)
    assert from_serial(43099, date1904=True) == date(2021, 12, 31)


@pytest.mark.parametrize("day", [date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(2021, 12, 31),
                                 date(9999, 12, 31)])
def test_to_serial_inverts_from_serial(day: date) -> None:
    assert from_serial(to_serial(day)) == day
    assert isinstance(to_serial(day), int)


def test_to_serial_with_time() -> None:
    assert to_serial(datetime(2021, 12, 31, 18)) == 44561.75


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("43.40"), "43.4"), (Decimal("96"), "96"), (Decimal("1E+2"), "100"), (Decimal("0.0150"), "0.015"),
    (Decimal("0.00"), "0"), (12, "12"), (0.1, "0.1"), (1e-7, "0.0000001"), (Decimal("-5.50"), "-5.5"),
])
def test_plain_decimal_text(value: object, text: str) -> None:
    assert plain(value) == text
