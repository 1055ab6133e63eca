"""Formula text compared the way a spreadsheet would: after re-saves rewrite its spelling.

Excel, WPS and LibreOffice rewrite formula text on save (`_xlfn.` prefixes, quoting of sheet
names, `$` signs, spacing, case), so the integrity check compares formulas and defined-name
references after `normalise`.
"""

from __future__ import annotations

import re

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

