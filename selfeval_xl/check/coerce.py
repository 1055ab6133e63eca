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
from decimal import Decimal, InvalidOperation
from typing import Any

from selfeval_xl.model.excel_date import from_serial
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

# Full-width ASCII → ASCII (NFKC would do it too, but this keeps Chinese punctuation intact).
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x3002: 0x2E}
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_THOUSANDS = re.compile(r"([+-]?)(\d{1,3}(?:[, ]\d{3})+)(\.\d+)?")
_NUMBER_IN = re.compile(r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?|[+-]?\.\d+")
# Words that may surround a figure without changing it, per field type. 元 is deliberately NOT
# here for amounts: the table is in 万元, "96.00元" is ambiguous (a slip or really 元), so it is
# not-a-number and the unit must fix it.
_NOISE = {
    "money": re.compile(r"^(?:约|大约|共|共计|合计|计|金额|人民币|)\s*(?:万元|万|（万元）|\(万元\))?\s*(?:左右)?$"),
    "number": re.compile(r"^(?:约|共|计|)\s*(?:分|%|％)?\s*(?:左右)?$"),
    "integer": re.compile(r"^(?:约|共|计|)\s*(?:人|名|个|年|年度|家|次)?\s*(?:左右)?$"),
}
_DASHES = {"无", "-", "—", "——", "－", "/", "／", "–"}


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


def _decimal(text: str) -> Decimal | None:
    if _PLAIN.fullmatch(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
            return None
    m = _THOUSANDS.fullmatch(text)
    if m:
        return Decimal(m.group(1) + m.group(2).replace(",", "").replace(" ", "") + (m.group(3) or ""))
    return None


def _number_from_text(text: str, ftype: str) -> Decimal | None:
    """The one figure in "96万元" / "约96万" / "7人"; None when the text is anything else."""
    found = _NUMBER_IN.findall(text)
    if len(found) != 1:
        return None
    rest = text.replace(found[0], "", 1).strip()
    noise = _NOISE.get(ftype)
    if noise is None or not noise.fullmatch(rest):
        return None
    return Decimal(found[0].replace(",", ""))


LIMIT = Decimal(10) ** 15  # no amount, count or score is this large: a paste accident, not a figure


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
    text = normalise(str(raw))
    if not text:
        return BLANK
    d = _decimal(text)
    if d is not None:
        return Coerced(d)
    if text in _DASHES:
        return Coerced(Decimal(0), "text-number", number="0")
    n = _number_from_text(text, ftype)
    if n is not None:
        return Coerced(n, "text-number", number=f"{n:f}")
    return Coerced(None, "not-a-number", bad=True)


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


def to_choice(raw: Any, choices: tuple[str, ...]) -> Coerced:
    c = to_text(raw)
    if c.value is None:
        return c
    text = unicodedata.normalize("NFKC", c.value).strip()
    if text in choices:
        return Coerced(text)
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
        return to_choice(raw, field.choices)
    if t == "phone":
        return to_phone(raw)
    return to_text(raw)
