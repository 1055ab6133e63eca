"""Raw cell contents → typed values, one field type at a time (pure: no findings, no labels).

Why: the reader hands over what the cell held (str, float, datetime…); every later check needs
Decimal amounts, int counts and real dates, and must know which inputs could not be read.
A problem is returned as data (`Coerced.problem` = a finding code) so the caller decides where
it points.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from selfeval_xl.model.excel_date import from_serial
from selfeval_xl.model.numtext import HALF_WIDTH, LIMIT, asc_trim, number_text
from selfeval_xl.model.spec import Field


@dataclass(frozen=True)
class Coerced:
    """`value`: the typed value (None when blank or unusable); `problem`: a finding code or None.

    `number`: for text-number, the figure that was taken (as shown to the user);
    `bad`: True when the value must not be used (the rules skip it).
    """

    value: Any
    problem: str | None = None
    number: str | None = None
    bad: bool = False


BLANK = Coerced(None)

# Full-width ASCII → ASCII as the form's ASC does (NFKC would too, but this keeps Chinese
# punctuation intact); in dates and phone numbers the ideographic full stop is a dot as well.
_FULLWIDTH = HALF_WIDTH | {0x3002: 0x2E}


FLOAT_NOISE_DECIMALS = 9  # binary noise of a formula typed into an input (16.18+79.82 → 96.00000000000001)


def float_decimal(x: float) -> Decimal:
    """A float as the decimal the user saw: repr (shortest round-trip), with the last-bit noise of
    float arithmetic removed — nobody types more than 9 decimals into an amount."""
    d = Decimal(repr(x))
    exp = d.as_tuple().exponent
    if isinstance(exp, int) and exp < -FLOAT_NOISE_DECIMALS:
        d = Decimal(repr(round(x, FLOAT_NOISE_DECIMALS)))
    return d


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII, surrounding space stripped."""
    return text.translate(_FULLWIDTH).strip()


def to_decimal(raw: Any, ftype: str) -> Coerced:
    """A cell as a Decimal: floats via repr (no binary noise), text normalised or taken with a warning."""
    c = _to_decimal(raw, ftype)
    if c.value is not None and not c.bad and abs(c.value) >= LIMIT:
        return Coerced(None, "not-a-number", bad=True)
    return c


def _to_decimal(raw: Any, ftype: str) -> Coerced:
    if raw is None:
        return BLANK
    if isinstance(raw, bool):
        return Coerced(None, "not-a-number", bad=True)
    if isinstance(raw, int):
        return Coerced(Decimal(raw))
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return Coerced(None, "not-a-number", bad=True)
        return Coerced(float_decimal(raw))
    if isinstance(raw, Decimal):
        return Coerced(raw) if raw.is_finite() else Coerced(None, "not-a-number", bad=True)
    if isinstance(raw, (date, datetime)):
        return Coerced(None, "not-a-number", bad=True)
    text = str(raw)
    if not asc_trim(text):
        return BLANK
    n = number_text(text, ftype)  # the form's live check takes exactly the same numbers
    if n is None:
        return Coerced(None, "not-a-number", bad=True)
    return Coerced(n, "text-number", number=f"{n:f}")


def to_integer(raw: Any) -> Coerced:
    """Counts and years: 7.0 → 7; a fraction is not a count."""
    c = to_decimal(raw, "integer")
    if c.value is None or c.bad:
        return c
    if c.value != c.value.to_integral_value():
        return Coerced(None, "not-a-number", bad=True)
    return Coerced(int(c.value), c.problem, c.number)


# ---- dates ------------------------------------------------------------------------------------
_TEXT_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def to_date(raw: Any) -> Coerced:
    if raw is None:
        return BLANK
    if isinstance(raw, datetime):
        return Coerced(raw.date())
    if isinstance(raw, date):
        return Coerced(raw)
    if isinstance(raw, bool):
        return Coerced(None, "invalid-date", bad=True)
    if isinstance(raw, (int, float)):
        d = from_serial(float(raw))
        if isinstance(d, datetime):
            d = d.date()
        return Coerced(d) if d else Coerced(None, "invalid-date", bad=True)
    text = normalise(str(raw))
    if not text:
        return BLANK
    m = _TEXT_DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if m:
        try:
            return Coerced(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            pass
    return Coerced(None, "invalid-date", bad=True)


# ---- text, choices, phones ---------------------------------------------------------------------
def to_text(raw: Any) -> Coerced:
    """Text as typed; a number typed into a text cell (预算编码 906017) loses its '.0'."""
    if raw is None:
        return BLANK
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    elif isinstance(raw, datetime):
        raw = raw.date().isoformat()
    elif isinstance(raw, date):
        raw = raw.isoformat()
    text = str(raw).strip()
    return Coerced(text) if text else BLANK


def to_choice(raw: Any, field: Field) -> Coerced:
    """A choice as the program stores it: the choice itself, or its key (a rule id behind its
    Chinese name; the id typed directly is accepted too)."""
    c = to_text(raw)
    if c.value is None:
        return c
    key = field.choice_key(unicodedata.normalize("NFKC", c.value).strip())
    if key is not None:
        return Coerced(key)
    return Coerced(c.value, "invalid-choice", bad=True)


_PHONE_SPLIT = re.compile(r"\s*[、/,，;；]\s*|\s{2,}")
_MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}|1[3-9]\d[*xX]{4}\d{4}")  # incl. masked 150****0101
_LANDLINE = re.compile(r"(?:\(?0\d{2,3}\)?-?)?[2-9]\d{6,7}(?:(?:-|转|#|ext\.?)\d{1,6})?"
                       r"|(?:\(?0\d{2,3}\)?-?)?[2-9]\d{2,3}[*xX]{3,4}\d{0,4}")
_SPACES = re.compile(r"\s+")
_MOBILE_SEPARATORS = re.compile(r"[\s\-]+")


def plausible_phone(text: str) -> bool:
    """Mobile, landline (area code / extension optional) or masked; several joined by 、/ are fine."""
    parts = [p for p in _PHONE_SPLIT.split(normalise(text).replace("（", "(").replace("）", ")")) if p]
    if not parts:
        return False
    for p in parts:
        if _MOBILE.fullmatch(_MOBILE_SEPARATORS.sub("", p)):
            continue
        if not _LANDLINE.fullmatch(_SPACES.sub("", p)):
            return False
    return True


def to_phone(raw: Any) -> Coerced:
    c = to_text(raw)
    if c.value is None:
        return c
    if plausible_phone(c.value):
        return c
    return Coerced(c.value, "invalid-phone")  # a warning: the value is kept as typed


def coerce(field: Field, raw: Any) -> Coerced:
    """Dispatch on the field type (precision and sign are checked by the caller, on the value)."""
    t = field.type
    if field.text_ok and isinstance(raw, str):  # words where a number may also stand (定性 indicators)
        text = raw.strip()
        return Coerced(text or None)
    if t == "money" or t == "number":
        return to_decimal(raw, t)
    if t == "integer":
        return to_integer(raw)
    if t == "date":
        return to_date(raw)
    if t == "choice":
        return to_choice(raw, field)
    if t == "phone":
        return to_phone(raw)
    return to_text(raw)
