"""Excel date serials, both ways: the one home of the 1900 and 1904 date systems.

Serial 1 is 1900-01-01; Excel counts a 1900-02-29 that never was (serial 60), so serials below 61
sit one day off a plain count from 1899-12-31. The 1904 system (old Mac workbooks) counts from
1904-01-01 = 0. A serial Excel cannot show as a date (below the first day, the phantom day,
10000-01-01 or later) is None here, and the caller decides what that means.
"""

from __future__ import annotations

import datetime as dt

EPOCH_1900 = dt.datetime(1899, 12, 30)
EPOCH_1904 = dt.datetime(1904, 1, 1)
PHANTOM_LEAP_DAY = 60
END_1900 = 2958466  # 10000-01-01 in the 1900 system
END_1904 = END_1900 - 1462


def from_serial(serial: float, date1904: bool = False) -> dt.date | dt.datetime | None:
    """The date (or date and time, to the second) that Excel shows for `serial`; None if none."""
    if serial != serial or serial < (0 if date1904 else 1) or serial >= (END_1904 if date1904 else END_1900):
        return None
    days = int(serial)
    seconds = round((serial - days) * 86400)
    if date1904:
        base = EPOCH_1904
    else:
        if days == PHANTOM_LEAP_DAY:
            return None
        if days < PHANTOM_LEAP_DAY:
            days += 1
        base = EPOCH_1900
    moment = base + dt.timedelta(days=days, seconds=seconds)
    return moment.date() if moment.time() == dt.time(0) else moment


def to_serial(value: dt.date | dt.datetime) -> int | float:
    """The 1900-system serial Excel stores for `value` (an int for a date, a float with a time)."""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - EPOCH_1900
        days, fraction = delta.days, delta.seconds / 86400
    else:
        days, fraction = (value - EPOCH_1900.date()).days, 0.0
    if days <= PHANTOM_LEAP_DAY:
        days -= 1
    return days + fraction if fraction else days
