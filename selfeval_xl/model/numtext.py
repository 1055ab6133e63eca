"""A number typed as text in a numeric cell ("９６", "79.82 ", "1,234.5", "96万元"): the one rule
that decides whether it is a number (a `text-number` warning, value taken) or not (`not-a-number`).

The rule is made of steps a spreadsheet can repeat exactly, because the form's live checks
(layout.calc) compute the same thing with ASC, TRIM, SUBSTITUTE and VALUE:

1. full-width to half-width (ASC), surrounding spaces trimmed and inner runs collapsed (TRIM);
2. a dash or 无 alone means 0;
3. thousands separators, spaces and the field type's unit and filler words are removed;
4. what is left must be digits with at most one "." and at most a leading "-".

A figure read from a document instead of a cell (the importer) follows the same rule, with every
kind of white space (line breaks, tabs, no-break spaces of Word) counted as a space. Prose keeps
its Chinese punctuation: only the figure characters (digits, ．, ％) are made half-width there.
"""

from __future__ import annotations

import re
from decimal import Decimal

DASHES = ("无", "-", "—", "——", "/", "–")
# removed in this order (longer words first, so 万元 goes before 万 and 大约 before 约)
WORDS: dict[str, tuple[str, ...]] = {
    "money": ("人民币", "万元", "万", "大约", "约", "共计", "合计", "共", "计", "金额", "左右"),
    "number": ("大约", "约", "共计", "共", "计", "分", "%", "左右"),
    "integer": ("大约", "约", "共计", "共", "计", "年度", "人", "名", "个", "年", "家", "次", "左右"),
}
DIGITS = "0123456789"
LEFTOVERS = ("", ".", "-", "-.")
LIMIT = Decimal(10) ** 15  # no amount, count or score is this large: a paste accident, not a figure

# Excel's ASC: full-width ASCII and the ideographic space to half-width (the one table; coerce's
# normalise uses it too)
HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# the same table for the characters of a figure only: in prose the full-width comma, colon and
# brackets are Chinese punctuation and stay as they are
HALF_WIDTH_FIGURES = {c: h for c, h in HALF_WIDTH.items() if chr(h) in DIGITS + ".%"}
_HAS_FULL_WIDTH_FIGURE = re.compile("[" + "".join(map(chr, HALF_WIDTH_FIGURES)) + "]")


def asc_trim(text: str) -> str:
    """Excel's TRIM(ASC(text)): half-width, outer spaces removed, inner runs of spaces single."""
    return " ".join(p for p in text.translate(HALF_WIDTH).split(" ") if p)


def half_width_figures(text: str) -> str:
    """Full-width digits, ．and ％ to ASCII, nothing else; same length, so positions stay valid."""
    return text.translate(HALF_WIDTH_FIGURES) if _HAS_FULL_WIDTH_FIGURE.search(text) else text


def stripped(t: str, ftype: str) -> str:
    """Step 3: separators, spaces and unit words removed."""
    for w in (",", " ", *WORDS.get(ftype, ())):
        t = t.replace(w, "")
    return t


def leftover(u: str) -> str:
    """What is left of `u` without its digits."""
    for ch in DIGITS:
        u = u.replace(ch, "")
    return u


def number_text(text: str, ftype: str) -> Decimal | None:
    """The number a text stands for, or None when it is not one (blank text is not a number)."""
    t = asc_trim(text)
    if not t:
        return None
    if t in DASHES:
        return Decimal(0)
    u = stripped(t, ftype)
    d = leftover(u)
    if len(d) < len(u) and d in LEFTOVERS and (u.startswith("-") or "-" not in u):
        return Decimal(u)
    return None


def document_number(text: str, ftype: str) -> Decimal | None:
    """The number a figure read from a document stands for (any white space is a space), or None."""
    return number_text(" ".join(text.split()), ftype)
