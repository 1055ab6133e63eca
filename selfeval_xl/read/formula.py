"""Formula text compared the way a spreadsheet would: after re-saves rewrite its spelling.

Excel, WPS and LibreOffice rewrite formula text on save (`_xlfn.` prefixes, quoting of sheet
names, `$` signs, spacing, case), so a formula is compared after `normalise`. Shared formulas
(Excel stores one master and `<f t="shared" si=".."/>` for the copies) are expanded by shifting
the master's relative references.
"""

from __future__ import annotations

import re

from selfeval_xl.layout.cells import col_letter, parse_a1

_SHEET_QUOTE = re.compile(r"'((?:[^']|'')+)'!")
_XLFN = re.compile(r"_xlfn\.|_xlws\.", re.IGNORECASE)
_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Comparable form: no '=', '$', whitespace, `_xlfn.`, sheet-name quotes; upper case."""
    t = text.strip()
    if t.startswith("of:"):
        t = t[3:]
    if t.startswith("="):
        t = t[1:]
    t = _XLFN.sub("", t)
    t = _SHEET_QUOTE.sub(lambda m: m.group(1).replace("''", "'") + "!", t)
    t = t.replace("$", "")
    t = _WS.sub("", t)
    return t.upper()


_REF = re.compile(r"(?<![A-Za-z0-9_.$\"])(\$?)([A-Z]{1,3})(\$?)(\d{1,7})(?![A-Za-z0-9_(])")


def shift(text: str, drow: int, dcol: int) -> str:
    """The formula `text` copied `drow` rows and `dcol` columns away (relative refs move)."""
    if not drow and not dcol:
        return text
    parts = text.split('"')
    for i in range(0, len(parts), 2):  # outside string literals only
        parts[i] = _REF.sub(lambda m: _move(m, drow, dcol), parts[i])
    return '"'.join(parts)


def _move(m: re.Match[str], drow: int, dcol: int) -> str:
    cabs, col, rabs, row = m.groups()
    try:
        r, c = parse_a1(f"{col}{row}")
    except ValueError:
        return m.group(0)
    if not cabs:
        c += dcol
    if not rabs:
        r += drow
    if r < 0 or c < 0:
        return "#REF!"
    return f"{cabs}{col_letter(c)}{rabs}{r + 1}"


def expand_shared(formulas: dict[str, tuple[str | None, str | None, str | None]]) -> dict[str, str | None]:
    """A1 → formula text, shared-formula copies expanded from their master; None when unknown."""
    masters: dict[str, tuple[str, int, int]] = {}
    for a1, (text, si, _ref) in formulas.items():
        if si is not None and text:
            try:
                r, c = parse_a1(a1)
            except ValueError:
                continue
            masters[si] = (text, r, c)
    out: dict[str, str | None] = {}
    for a1, (text, si, _ref) in formulas.items():
        if text:
            out[a1] = text
        elif si is not None and si in masters:
            mtext, mr, mc = masters[si]
            try:
                r, c = parse_a1(a1)
            except ValueError:
                out[a1] = None
                continue
            out[a1] = shift(mtext, r - mr, c - mc)
        else:
            out[a1] = None
    return out
