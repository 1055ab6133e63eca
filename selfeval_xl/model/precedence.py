"""Which submission counts: the one policy behind check's `duplicate-submission`, the summary's
计入汇总 and the ledger's current version.

Two submissions are of the same department and year when their 预算编码 — trimmed and upper-cased
(`yyx342 ` is `YYX342`) — and their 年度 are equal. Of such a group the newest counts: the later
报告日期 (a blank date is older than any date), then the later receipt time (a batch's file
modification time; the ledger's collect time, then the file time), then a tie-break that does not
depend on the order the files were read in. Before all of these: a workbook outranks a published
report read back by `import` (format `report-…`), so an old report recorded late never replaces the
department's workbook, and any workbook of that department and year supersedes the imported one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

T = TypeVar("T")

IMPORTED_PREFIX = "report-"
"""Submission.format of a published report read back by `import` (report-docx, report-doc, report-text)."""


def is_imported(fmt: object) -> bool:
    """True for a submission read back from a published report rather than from a workbook."""
    return isinstance(fmt, str) and fmt.startswith(IMPORTED_PREFIX)


def dept_key(code: object) -> str | None:
    """The 预算编码 as compared: trimmed, upper-cased; None when blank."""
    text = str(code).strip().upper() if code is not None else ""
    return text or None


def group_key(code: object, year: int | None) -> tuple[str, int] | None:
    """(预算编码, 年度) of a submission that can be compared with others, else None."""
    key = dept_key(code)
    return (key, year) if key is not None and year is not None else None


def report_day(value: object) -> date | None:
    """A 报告日期 as a date (datetime, date or ISO text), None when blank or not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@dataclass(frozen=True, order=True)
class Recency:
    """Ordered as the policy says: the greater counts."""

    workbook: bool
    report_date: date
    received: float
    tiebreak: tuple[object, ...] = ()


def recency(report_date: object, received: float, *tiebreak: object, fmt: object = None) -> Recency:
    """`fmt` is the submission's format: an imported report (`report-…`) ranks below any workbook."""
    return Recency(not is_imported(fmt), report_day(report_date) or date.min, float(received or 0.0),
                   tuple(tiebreak))


def newest(items: Sequence[T], key: Callable[[T], Recency]) -> int:
    """Index of the item that counts among `items` (one group)."""
    return max(range(len(items)), key=lambda i: key(items[i]))
