"""Decimal parsing and interval arithmetic for amounts (XBRL Calculations 1.1 style).

A value typed with d decimals stands for v ± ½·10^-d; sums add the intervals end to end and
an equality holds when the two sides' intervals overlap. Never float.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def half_unit(precision: int) -> Decimal:
    """½·10^-precision: the half-width of a value declared with `precision` decimals."""
    return Decimal(5).scaleb(-(precision + 1))


@dataclass(frozen=True)
class Interval:
    """A closed interval [lo, hi] of Decimals, with the point value it was built around."""

    value: Decimal
    lo: Decimal
    hi: Decimal

    @staticmethod
    def exact(value: Decimal) -> Interval:
        return Interval(value, value, value)

    @staticmethod
    def around(value: Decimal, precision: int | None) -> Interval:
        if precision is None:
            return Interval.exact(value)
        h = half_unit(precision)
        return Interval(value, value - h, value + h)

    @property
    def radius(self) -> Decimal:
        return (self.hi - self.lo) / 2

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.value + other.value, self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.value - other.value, self.lo - other.hi, self.hi - other.lo)

    def __neg__(self) -> Interval:
        return Interval(-self.value, -self.hi, -self.lo)

    def __mul__(self, other: Interval) -> Interval:
        ends = [a * b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(self.value * other.value, min(ends), max(ends))

    def contains_zero(self) -> bool:
        return self.lo <= 0 <= self.hi

    def __truediv__(self, other: Interval) -> Interval:
        """Raises ZeroDivisionError when `other` may be zero (its interval contains 0)."""
        if other.contains_zero():
            raise ZeroDivisionError
        ends = [a / b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(self.value / other.value, min(ends), max(ends))

    def __abs__(self) -> Interval:
        if self.lo >= 0:
            return self
        if self.hi <= 0:
            return -self
        return Interval(abs(self.value), Decimal(0), max(-self.lo, self.hi))

    def rounded(self, places: int) -> Interval:
        """Each end rounded half away from zero, as Excel's ROUND (monotonic, so still an interval)."""
        return Interval(excel_round(self.value, places), excel_round(self.lo, places), excel_round(self.hi, places))

    @staticmethod
    def smallest(items: list[Interval]) -> Interval:
        return Interval(min(i.value for i in items), min(i.lo for i in items), min(i.hi for i in items))

    @staticmethod
    def largest(items: list[Interval]) -> Interval:
        return Interval(max(i.value for i in items), max(i.lo for i in items), max(i.hi for i in items))


def excel_round(value: Decimal, places: int) -> Decimal:
    """ROUND(value, places): half away from zero (negative places round to tens, hundreds)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places >= 0 else \
        (value.scaleb(places).quantize(Decimal(1), rounding=ROUND_HALF_UP)).scaleb(-places)


def quantize(value: Decimal, precision: int) -> Decimal:
    """Round half away from zero, as Excel's ROUND and TEXT do."""
    return value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


def fmt(value: Decimal | int | None, precision: int = 2) -> str:
    """A figure as a finance officer reads it: fixed decimals, no exponent."""
    if value is None:
        return ""
    return f"{quantize(Decimal(value), precision):f}"


def plain(value: Decimal | int | float) -> str:
    """The shortest decimal text of a number: no exponent, no trailing zeros (43.4, 96, 0.015).

    How a figure is written into an Excel formula, shown as a stated figure or a tolerance, and
    rendered by Excel's `&`; a float goes through its repr, so 0.1 is "0.1".
    """
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return f"{d.normalize():f}"


def decimals_of(value: Decimal) -> int:
    """Number of decimals actually present (0 for integers, never negative)."""
    exp = value.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0
