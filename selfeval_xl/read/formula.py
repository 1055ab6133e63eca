"""Formula text as a cell holds it: shared formulas (Excel stores one master and
`<f t="shared" si=".."/>` for the copies) are expanded by shifting the master's relative
references. Comparing formula text is the checker's job (check.formula_text)."""

from __future__ import annotations

import re

from selfeval_xl.layout.cells import col_letter, parse_a1

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
